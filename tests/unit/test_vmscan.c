/* Tests for reclaim under memory pressure (guest/kernel/mm/vmscan.c and the
 * page allocator's slow path): shrinkers are asked for memory only by callers
 * that may wait, and the dentry cache gives its unused entries back. */
#include <stdio.h>
#include <vitro/cpu.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mm.h>
#include <vitro/shrinker.h>

#include "kernel_heap.h"
#include "unit.h"
#include "vfs_world.h"

#define CACHE_MAX 4096

/* A cache of whole pages that gives them back when asked. */
struct page_cache_fake {
	struct shrinker shrinker;
	struct page *pages[CACHE_MAX];
	unsigned long nr;
	unsigned long scans;
};

static struct page_cache_fake cache;

static unsigned long fake_count(struct shrinker *shrinker)
{
	(void)shrinker;
	return cache.nr;
}

static unsigned long fake_scan(struct shrinker *shrinker, unsigned long nr)
{
	unsigned long freed = 0;

	(void)shrinker;
	cache.scans++;
	while (freed < nr && cache.nr) {
		free_pages_block(cache.pages[--cache.nr], 0);
		freed++;
	}
	return freed;
}

/* Fills memory with pages the fake cache owns (allocated without reclaim). */
static void fill_memory_with_cache(uint64_t nr_pages)
{
	struct page *page;

	kernel_heap_start(nr_pages);
	cache.nr = 0;
	cache.scans = 0;
	while (cache.nr < CACHE_MAX && (page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0)))
		cache.pages[cache.nr++] = page;
	cache.shrinker = (struct shrinker){
		.name = "fake",
		.count_objects = fake_count,
		.scan_objects = fake_scan,
	};
	register_shrinker(&cache.shrinker);
}

static void empty_cache(void)
{
	unregister_shrinker(&cache.shrinker);
	fake_scan(NULL, ~0ul);
}

static void test_vmscan_waiting_allocation_reclaims_gently(void)
{
	struct page *page;

	fill_memory_with_cache(2048);
	EXPECT_TRUE(cache.nr > 1000);
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	EXPECT_TRUE(page != NULL);
	EXPECT_EQ(cache.scans, 1);
	/* The first pass asks for a batch, not for everything. */
	EXPECT_TRUE(cache.shrinker.nr_freed <= 128);
	EXPECT_TRUE(cache.nr > 1000);
	if (page)
		free_pages_block(page, 0);
	/* A larger block needs more passes, each asking for more. */
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 3);
	EXPECT_TRUE(page != NULL);
	if (page)
		free_pages_block(page, 3);
	empty_cache();
}

static void test_vmscan_atomic_allocation_does_not_reclaim(void)
{
	fill_memory_with_cache(256);
	EXPECT_TRUE(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0) == NULL);
	EXPECT_EQ(cache.scans, 0);
	empty_cache();
}

static void test_vmscan_no_reclaim_with_interrupts_off(void)
{
	unsigned long irq;

	fill_memory_with_cache(256);
	irq = local_irq_save();
	EXPECT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	local_irq_restore(irq);
	EXPECT_EQ(cache.scans, 0);
	EXPECT_FALSE(irqs_disabled());
	empty_cache();
}

static void test_vmscan_fails_when_nothing_can_be_freed(void)
{
	fill_memory_with_cache(256);
	fake_scan(NULL, ~0ul);
	/* Take back what the cache freed, so memory is full and the cache empty. */
	while (cache.nr < CACHE_MAX) {
		struct page *page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0);

		if (!page)
			break;
		cache.pages[cache.nr++] = page;
	}
	unregister_shrinker(&cache.shrinker);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	fake_scan(NULL, ~0ul);
}

/* Memory full of pages and of negative dentries: a waiting allocation makes
 * the dentry cache shrink until whole slabs come free. */
static void test_vmscan_dcache_shrinks_under_memory_pressure(void)
{
	struct page *held[4096];
	unsigned long nr_held = 0;
	struct vfs_stats before, after;
	struct fs_struct fs;
	struct kstat st;
	struct page *page;
	char name[48];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/d", 0755), 0);
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "/d/missing-%d", i);
		EXPECT_EQ(vfs_stat(&fs, name, &st), -ENOENT);
	}
	vfs_get_stats(&before);
	EXPECT_TRUE(before.nr_unused >= 3000);
	while (nr_held < 4096 && (page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0)))
		held[nr_held++] = page;
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	EXPECT_TRUE(page != NULL);
	vfs_get_stats(&after);
	EXPECT_TRUE(after.nr_unused < before.nr_unused);
	/* What is cached in use stays: the directory still resolves. */
	EXPECT_EQ(vfs_stat(&fs, "/d", &st), 0);
	if (page)
		free_pages_block(page, 0);
	while (nr_held)
		free_pages_block(held[--nr_held], 0);
	EXPECT_EQ(vfs_rmdir(&fs, "/d"), 0);
	dcache_shrink(~0ul);
	vfs_world_end(&fs);
}

static CU_TestInfo vmscan_tests[] = {
	UNIT_TEST(test_vmscan_waiting_allocation_reclaims_gently),
	UNIT_TEST(test_vmscan_atomic_allocation_does_not_reclaim),
	UNIT_TEST(test_vmscan_no_reclaim_with_interrupts_off),
	UNIT_TEST(test_vmscan_fails_when_nothing_can_be_freed),
	UNIT_TEST(test_vmscan_dcache_shrinks_under_memory_pressure),
	CU_TEST_INFO_NULL,
};

static void register_vmscan(void)
{
	unit_add_suite("vmscan", vmscan_tests);
}
UNIT_REGISTER(register_vmscan)
