/* Tests for the buddy page allocator (guest/kernel/mm/page_alloc.c) built for
 * the host: "physical memory" and the struct page array are mmap'd buffers,
 * CPUs are simulated through host_current_cpu, and what the allocator hands
 * out is checked against a model of what the test holds. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/cpu.h>
#include <vitro/mm.h>

#include "unit.h"

#define DMA32_END_PFN 0x100000ull /* 4 GiB */
#define BLOCK_PAGES PAGES_PER_MAX_BLOCK
#define MAP_GARBAGE 0xa5

struct sim {
	uint64_t nr_pfns;
	uint8_t *map;
	size_t map_bytes;
	uint8_t *ram;
	size_t ram_bytes;
};

static enum zone_type pfn_zone(uint64_t pfn)
{
	return pfn < DMA32_END_PFN ? ZONE_DMA32 : ZONE_NORMAL;
}

static void *map_anonymous(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Simulated RAM of nr_pfns frames (none handed over yet) and a fresh
 * allocator whose mem_map holds map_fill bytes, or zeros if map_fill < 0. */
static bool sim_start(struct sim *sim, uint64_t nr_pfns, int map_fill)
{
	memset(sim, 0, sizeof(*sim));
	sim->nr_pfns = nr_pfns;
	sim->map_bytes = page_alloc_map_bytes(nr_pfns);
	sim->ram_bytes = nr_pfns * PAGE_SIZE;
	sim->map = map_anonymous(sim->map_bytes);
	sim->ram = map_anonymous(sim->ram_bytes);
	if (!sim->map || !sim->ram) {
		UNIT_FAIL("cannot map %zu + %zu bytes of simulated memory", sim->map_bytes,
			  sim->ram_bytes);
		return false;
	}
	if (map_fill >= 0)
		memset(sim->map, map_fill, sim->map_bytes);
	host_phys_base = sim->ram;
	host_current_cpu = 0;
	page_alloc_init((struct page *)sim->map, nr_pfns);
	return true;
}

static void sim_stop(struct sim *sim)
{
	if (sim->map)
		munmap(sim->map, sim->map_bytes);
	if (sim->ram)
		munmap(sim->ram, sim->ram_bytes);
	host_phys_base = NULL;
	host_current_cpu = 0;
}

static struct page_alloc_stats stats_now(void)
{
	struct page_alloc_stats stats;

	page_alloc_get_stats(&stats);
	return stats;
}

/* Pages in the buddy lists of a zone (free pages minus per-CPU caches). */
static uint64_t buddy_pages(const struct page_alloc_stats *stats, enum zone_type zone)
{
	uint64_t pages = 0;
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++)
		pages += stats->free_blocks[zone][order] << order;
	return pages;
}

static uint64_t cached_pages(const struct page_alloc_stats *stats, enum zone_type zone)
{
	return stats->zone_free_pages[zone] - buddy_pages(stats, zone);
}

static bool same_free_blocks(const struct page_alloc_stats *a, const struct page_alloc_stats *b)
{
	return !memcmp(a->free_blocks, b->free_blocks, sizeof(a->free_blocks));
}

static void expect_free_blocks_at(const char *file, unsigned int line, enum zone_type zone,
				  const uint64_t want[NR_PAGE_ORDERS])
{
	struct page_alloc_stats stats = stats_now();
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++)
		if (stats.free_blocks[zone][order] != want[order])
			unit_fail_at(file, line, "zone %s order %u: %llu free blocks, want %llu",
				     zone_name(zone), order,
				     (unsigned long long)stats.free_blocks[zone][order],
				     (unsigned long long)want[order]);
}
#define EXPECT_FREE_BLOCKS(zone, ...)                     \
	expect_free_blocks_at(__FILE__, __LINE__, (zone), \
			      (const uint64_t[NR_PAGE_ORDERS]){ __VA_ARGS__ })

static void drain_cpus(unsigned int nr_cpus)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpus; cpu++)
		page_alloc_drain_cpu(cpu);
}

/* --- splitting and coalescing ----------------------------------------------------- */

static void test_page_alloc_order0_from_fresh_block_splits_into_one_block_per_order(void)
{
	struct sim sim;
	struct page *page;

	if (!sim_start(&sim, 2 * BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(BLOCK_PAGES, 2 * BLOCK_PAGES);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

	page = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(page != NULL);
	if (!page)
		goto out;
	EXPECT_EQ(page_to_pfn(page), BLOCK_PAGES);
	/* The rest of the per-CPU batch goes back to the buddy lists. */
	page_alloc_drain_cpu(0);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0);

	free_pages_block(page, 0);
	page_alloc_drain_cpu(0);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
out:
	sim_stop(&sim);
}

static void test_page_alloc_order3_split_keeps_upper_halves_free(void)
{
	struct sim sim;
	struct page *page;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	page = alloc_pages(GFP_KERNEL, 3);
	EXPECT_TRUE(page != NULL);
	if (page) {
		EXPECT_EQ(page_to_pfn(page), 0);
		EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0);
		EXPECT_EQ(stats_now().free_pages, BLOCK_PAGES - 8);
		free_pages_block(page, 3);
	}
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	sim_stop(&sim);
}

static void test_page_alloc_free_coalesces_only_when_buddy_is_free(void)
{
	struct sim sim;
	struct page *a, *b;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	a = alloc_pages(GFP_KERNEL, 2);
	b = alloc_pages(GFP_KERNEL, 2);
	EXPECT_TRUE(a && b);
	if (!a || !b)
		goto out;
	EXPECT_EQ(page_to_pfn(b), page_to_pfn(a) ^ 4); /* buddies */
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0);

	free_pages_block(a, 2); /* b still allocated: no merge */
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0);
	EXPECT_TRUE(a->flags & PG_buddy);
	EXPECT_EQ(a->order, 2);

	free_pages_block(b, 2); /* merges all the way up */
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	EXPECT_FALSE(b->flags & PG_buddy);
out:
	sim_stop(&sim);
}

static void test_page_alloc_adjacent_ranges_coalesce_into_one_block(void)
{
	struct sim sim;

	if (!sim_start(&sim, 2 * BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(BLOCK_PAGES, BLOCK_PAGES + 0x123);
	page_alloc_add_free_range(BLOCK_PAGES + 0x123, 2 * BLOCK_PAGES);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	EXPECT_EQ(stats_now().managed_pages, BLOCK_PAGES);
	sim_stop(&sim);
}

static void test_page_alloc_blocks_are_naturally_aligned_and_marked(void)
{
	struct sim sim;
	unsigned int order;

	if (!sim_start(&sim, 4 * BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(3, 4 * BLOCK_PAGES - 5);
	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		uint64_t i;

		EXPECT_TRUE(page != NULL);
		if (!page)
			continue;
		EXPECT_EQ(page_to_pfn(page) & ((1ull << order) - 1), 0);
		EXPECT_EQ(page->refcount, 1);
		EXPECT_EQ(page->order, order);
		EXPECT_EQ(page->flags, order ? PG_head : 0);
		for (i = 1; i < 1ull << order; i++)
			if (page[i].flags || page[i].refcount) {
				UNIT_FAIL("order %u: tail page %llu has flags %#x refcount %d",
					  order, (unsigned long long)i, page[i].flags,
					  page[i].refcount);
				break;
			}
		free_pages_block(page, order);
	}
	sim_stop(&sim);
}

/* --- zones ------------------------------------------------------------------------ */

/* 4 MiB on each side of 4 GiB, handed over as one range. */
static bool sim_start_across_4gib(struct sim *sim)
{
	if (!sim_start(sim, DMA32_END_PFN + BLOCK_PAGES, -1))
		return false;
	page_alloc_add_free_range(DMA32_END_PFN - BLOCK_PAGES, DMA32_END_PFN + BLOCK_PAGES);
	return true;
}

static void test_page_alloc_range_across_4gib_is_split_between_zones(void)
{
	struct sim sim;
	struct page_alloc_stats stats;

	if (!sim_start(&sim, DMA32_END_PFN + 2 * BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(DMA32_END_PFN - 3, DMA32_END_PFN + 5);
	stats = stats_now();
	EXPECT_EQ(stats.zone_managed_pages[ZONE_DMA32], 3);
	EXPECT_EQ(stats.zone_managed_pages[ZONE_NORMAL], 5);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	EXPECT_FREE_BLOCKS(ZONE_NORMAL, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
	sim_stop(&sim);
}

static void test_page_alloc_dma32_flag_allocates_below_4gib(void)
{
	struct sim sim;
	unsigned int order;

	if (!sim_start_across_4gib(&sim))
		return;
	for (order = 0; order < MAX_PAGE_ORDER; order += 5) {
		struct page *page = alloc_pages(GFP_DMA32, order);

		EXPECT_TRUE(page && page_to_pfn(page) < DMA32_END_PFN);
		EXPECT_TRUE(page && page->zone == ZONE_DMA32);
	}
	/* ZONE_DMA32 has no whole block left: no fallback to ZONE_NORMAL. */
	EXPECT_TRUE(alloc_pages(GFP_DMA32, MAX_PAGE_ORDER) == NULL);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER) != NULL);
	sim_stop(&sim);
}

static void test_page_alloc_normal_prefers_above_4gib_and_falls_back(void)
{
	struct sim sim;
	struct page *page;
	unsigned int i;

	if (!sim_start_across_4gib(&sim))
		return;
	page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	EXPECT_TRUE(page && page_to_pfn(page) == DMA32_END_PFN);
	EXPECT_TRUE(page && page->zone == ZONE_NORMAL);
	page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	EXPECT_TRUE(page && page_to_pfn(page) == DMA32_END_PFN - BLOCK_PAGES);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) == NULL);
	sim_stop(&sim);

	/* The same through the per-CPU lists, a page at a time. */
	if (!sim_start_across_4gib(&sim))
		return;
	for (i = 0; i < BLOCK_PAGES; i++) {
		page = alloc_pages(GFP_KERNEL, 0);
		if (!page || page_to_pfn(page) < DMA32_END_PFN) {
			UNIT_FAIL("page %u of ZONE_NORMAL: got pfn %#llx", i,
				  page ? (unsigned long long)page_to_pfn(page) : 0ull);
			break;
		}
	}
	page = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(page && page_to_pfn(page) < DMA32_END_PFN);
	sim_stop(&sim);
}

/* --- per-CPU lists ------------------------------------------------------------------ */

static void test_page_alloc_order0_goes_through_per_cpu_batches(void)
{
	struct page *a0, *b0, *a1, *again;
	struct page_alloc_stats stats, after_free;
	uint64_t buddy_after_first;
	struct sim sim;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);

	a0 = alloc_pages(GFP_KERNEL, 0);
	stats = stats_now();
	buddy_after_first = buddy_pages(&stats, ZONE_DMA32);
	EXPECT_TRUE(buddy_after_first < BLOCK_PAGES - 1); /* a batch, not one page */
	EXPECT_EQ(stats.free_pages, BLOCK_PAGES - 1);
	EXPECT_EQ(cached_pages(&stats, ZONE_DMA32), BLOCK_PAGES - 1 - buddy_after_first);

	b0 = alloc_pages(GFP_KERNEL, 0); /* from CPU 0's list: buddy lists untouched */
	stats = stats_now();
	EXPECT_EQ(buddy_pages(&stats, ZONE_DMA32), buddy_after_first);
	EXPECT_EQ(stats.free_pages, BLOCK_PAGES - 2);

	host_current_cpu = 1; /* CPU 1 has a list of its own to fill */
	a1 = alloc_pages(GFP_KERNEL, 0);
	stats = stats_now();
	EXPECT_TRUE(buddy_pages(&stats, ZONE_DMA32) < buddy_after_first);
	EXPECT_TRUE(a0 && b0 && a1 && a0 != b0 && a1 != a0 && a1 != b0);
	if (!a0 || !b0 || !a1)
		goto out;

	/* A page CPU 0 allocated, freed on CPU 1, is the next one CPU 1 hands out. */
	free_pages_block(a0, 0);
	after_free = stats_now();
	EXPECT_EQ(after_free.free_pages, BLOCK_PAGES - 2);
	EXPECT_EQ(buddy_pages(&after_free, ZONE_DMA32), buddy_pages(&stats, ZONE_DMA32));
	again = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(again == a0);

	free_pages_block(again, 0);
	free_pages_block(a1, 0);
	host_current_cpu = 0;
	free_pages_block(b0, 0);
	stats = stats_now();
	EXPECT_EQ(stats.free_pages, BLOCK_PAGES);
	EXPECT_TRUE(cached_pages(&stats, ZONE_DMA32) > 0);

	page_alloc_drain_cpu(1);
	stats = stats_now();
	EXPECT_TRUE(cached_pages(&stats, ZONE_DMA32) > 0); /* CPU 0's are still cached */
	page_alloc_drain_cpu(0);
	stats = stats_now();
	EXPECT_EQ(cached_pages(&stats, ZONE_DMA32), 0);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
out:
	sim_stop(&sim);
}

static void test_page_alloc_per_cpu_list_is_drained_when_it_grows_too_long(void)
{
	enum { NR = 600 };
	static struct page *pages[NR];
	struct page_alloc_stats stats;
	struct sim sim;
	unsigned int i, got = 0;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	for (i = 0; i < NR; i++)
		if ((pages[i] = alloc_pages(GFP_KERNEL, 0)))
			got++;
	EXPECT_EQ(got, NR);
	page_alloc_drain_cpu(0);
	host_current_cpu = 1;
	for (i = 0; i < NR; i++)
		free_pages_block(pages[i], 0);
	stats = stats_now();
	EXPECT_EQ(stats.free_pages, BLOCK_PAGES);
	EXPECT_TRUE(cached_pages(&stats, ZONE_DMA32) > 0);
	EXPECT_TRUE(cached_pages(&stats, ZONE_DMA32) < NR / 2);
	page_alloc_drain_cpu(1);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	sim_stop(&sim);
}

static void test_page_alloc_pages_cached_on_the_last_cpu_count_as_free(void)
{
	struct page_alloc_stats stats;
	struct sim sim;
	struct page *page;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	host_current_cpu = NR_CPUS - 1;
	page = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(page != NULL);
	stats = stats_now();
	EXPECT_EQ(stats.free_pages, BLOCK_PAGES - 1);
	EXPECT_TRUE(cached_pages(&stats, ZONE_DMA32) > 0);
	free_pages_block(page, 0);
	EXPECT_EQ(stats_now().free_pages, BLOCK_PAGES);
	page_alloc_drain_cpu(NR_CPUS - 1);
	page_alloc_drain_cpu(NR_CPUS); /* no such CPU: ignored */
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	sim_stop(&sim);
}

static void test_page_alloc_high_order_drains_this_cpu_before_failing(void)
{
	struct page_alloc_stats stats;
	struct sim sim;
	struct page *page;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	page = alloc_pages(GFP_KERNEL, 0);
	free_pages_block(page, 0); /* CPU 0 now caches a batch out of the block */
	stats = stats_now();
	EXPECT_TRUE(cached_pages(&stats, ZONE_DMA32) > 0);
	page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	EXPECT_TRUE(page != NULL);
	EXPECT_TRUE(page && page_to_pfn(page) == 0);
	sim_stop(&sim);
}

/* --- laziness ---------------------------------------------------------------------- */

/* Blocks of mem_map (1024 struct pages each) that no longer hold the
 * garbage the test put there. */
static unsigned int changed_blocks(const struct sim *sim, const uint8_t *garbage)
{
	const size_t block_bytes = BLOCK_PAGES * sizeof(struct page);
	unsigned int n = 0;
	uint64_t block;

	for (block = 0; block < sim->nr_pfns / BLOCK_PAGES; block++)
		if (memcmp(sim->map + block * block_bytes, garbage, block_bytes))
			n++;
	return n;
}

static void test_page_alloc_setup_of_1gib_touches_no_struct_page(void)
{
	const uint64_t nr_pfns = 1ull << (30 - PAGE_SHIFT), start = 0x37, end = nr_pfns - 17;
	const size_t block_bytes = BLOCK_PAGES * sizeof(struct page);
	uint8_t *garbage = malloc(block_bytes);
	struct page_alloc_stats stats;
	struct page *page;
	struct sim sim;

	if (!garbage || !sim_start(&sim, nr_pfns, MAP_GARBAGE)) {
		free(garbage);
		return;
	}
	memset(garbage, MAP_GARBAGE, block_bytes);
	page_alloc_add_free_range(start, end);

	/* The free lists are right although mem_map is still all garbage. */
	EXPECT_EQ(changed_blocks(&sim, garbage), 0);
	/* Head 0x37..0x400: orders 0 3 6 7 8 9; tail of 1007 pages: 9 8 7 6 5 3 2 1 0. */
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 2, 1, 1, 2, 0, 1, 2, 2, 2, 2, nr_pfns / BLOCK_PAGES - 2);
	stats = stats_now();
	EXPECT_EQ(stats.managed_pages, end - start);
	EXPECT_EQ(stats.free_pages, end - start);

	/* The first allocations set up one block each, as they take it. */
	page = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(page != NULL);
	EXPECT_EQ(changed_blocks(&sim, garbage), 1);
	page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	EXPECT_TRUE(page != NULL);
	EXPECT_EQ(changed_blocks(&sim, garbage), 2);
	if (page) {
		uint64_t i;

		EXPECT_EQ(page->flags, PG_head);
		for (i = 1; i < BLOCK_PAGES; i++)
			if (page[i].flags || page[i].refcount || page[i].zone != ZONE_DMA32) {
				UNIT_FAIL("tail page %llu not initialised", (unsigned long long)i);
				break;
			}
		free_pages_block(page, MAX_PAGE_ORDER);
	}
	EXPECT_EQ(stats_now().free_blocks[ZONE_DMA32][MAX_PAGE_ORDER], nr_pfns / BLOCK_PAGES - 3);
	free(garbage);
	sim_stop(&sim);
}

/* Parts of blocks wait, untouched, until no other free block will do; then
 * their block is set up with the frames outside them reserved. */
static void test_page_alloc_parts_of_blocks_are_set_up_only_when_needed(void)
{
	const uint64_t last_block = 2 * BLOCK_PAGES;
	const size_t block_bytes = BLOCK_PAGES * sizeof(struct page);
	uint8_t *garbage = malloc(block_bytes);
	struct page_alloc_stats initial, final;
	struct sim sim;
	struct page *page;

	if (!garbage || !sim_start(&sim, last_block + 0x80, MAP_GARBAGE)) {
		free(garbage);
		return;
	}
	memset(garbage, MAP_GARBAGE, block_bytes);
	page_alloc_add_free_range(0x10, 0x20);
	page_alloc_add_free_range(0x200, 0x3f0);
	page_alloc_add_free_range(0x20, 0x30); /* joins the first part */
	page_alloc_add_free_range(BLOCK_PAGES, 2 * BLOCK_PAGES);
	page_alloc_add_free_range(last_block + 0x10, last_block + 0x70); /* partial last block */
	/* 0x10..0x30: 4 4; 0x200..0x3f0: 8 7 6 5 4; last block: 4 5 5 4. */
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 5, 3, 1, 1, 1, 0, 1);
	EXPECT_EQ(stats_now().managed_pages, 0x20 + 0x1f0 + BLOCK_PAGES + 0x60);
	initial = stats_now();

	page = alloc_pages(GFP_KERNEL, 6); /* from the whole block */
	EXPECT_TRUE(page && page_to_pfn(page) == BLOCK_PAGES);
	EXPECT_TRUE(!memcmp(sim.map, garbage, block_bytes));
	EXPECT_TRUE(!memcmp(mem_map + last_block, garbage, 0x80 * sizeof(struct page)));

	/* No order-10 block anywhere: both parts' blocks get set up to see. */
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER) == NULL);
	EXPECT_EQ(mem_map[0].flags, PG_reserved);
	EXPECT_EQ(mem_map[0xf].flags, PG_reserved);
	EXPECT_EQ(mem_map[0x10].flags, PG_buddy);
	EXPECT_EQ(mem_map[0x20].flags, PG_buddy);
	EXPECT_EQ(mem_map[0x30].flags, PG_reserved);
	EXPECT_EQ(mem_map[0x1ff].flags, PG_reserved);
	EXPECT_EQ(mem_map[0x200].flags, PG_buddy);
	EXPECT_EQ(mem_map[0x3f0].flags, PG_reserved);
	EXPECT_EQ(mem_map[BLOCK_PAGES - 1].flags, PG_reserved);
	EXPECT_EQ(mem_map[last_block].flags, PG_reserved);
	EXPECT_EQ(mem_map[last_block + 0x7f].flags, PG_reserved);
	EXPECT_FALSE(page_alloc_check_free(&mem_map[0x30], 0));

	if (page)
		free_pages_block(page, 6);
	final = stats_now();
	EXPECT_TRUE(same_free_blocks(&initial, &final));
	EXPECT_EQ(final.free_pages, initial.managed_pages);

	/* Into a block set up: freed at once, merging with 0x20..0x30. */
	page_alloc_add_free_range(0x30, 0x40);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 4, 4, 1, 1, 1, 0, 1);
	EXPECT_EQ(stats_now().managed_pages, initial.managed_pages + 0x10);
	EXPECT_EQ(mem_map[0x20].flags, PG_buddy);
	EXPECT_EQ(mem_map[0x20].order, 5);
	free(garbage);
	sim_stop(&sim);
}

static void test_page_alloc_setup_never_writes_free_memory(void)
{
	struct sim sim;
	struct page *page;

	if (!sim_start(&sim, 4 * BLOCK_PAGES, -1))
		return;
	memset(sim.ram, 0xff, sim.ram_bytes);
	page_alloc_add_free_range(0x11, 4 * BLOCK_PAGES - 0x22);
	page = alloc_pages(GFP_KERNEL, 4);
	free_pages_block(page, 4);
	page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	free_pages_block(page, MAX_PAGE_ORDER);
	EXPECT_EQ(unit_first_byte_not(sim.ram, sim.ram_bytes, 0xff), sim.ram_bytes);
	sim_stop(&sim);
}

static void test_page_alloc_adjacent_block_ranges_stay_untouched_however_many(void)
{
	const size_t block_bytes = BLOCK_PAGES * sizeof(struct page);
	uint8_t *garbage = malloc(block_bytes);
	struct sim sim;
	uint64_t block;

	if (!garbage || !sim_start(&sim, 64 * BLOCK_PAGES, MAP_GARBAGE)) {
		free(garbage);
		return;
	}
	memset(garbage, MAP_GARBAGE, block_bytes);
	for (block = 0; block < 64; block++)
		page_alloc_add_free_range(block * BLOCK_PAGES, (block + 1) * BLOCK_PAGES);
	EXPECT_EQ(changed_blocks(&sim, garbage), 0);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 64);
	free(garbage);
	sim_stop(&sim);
}

/* More separate ranges than the allocator keeps lazily: all still usable. */
static void test_page_alloc_many_separate_block_ranges_are_all_handed_out(void)
{
	enum { NR_RANGES = 80 };
	struct sim sim;
	uint64_t block;
	unsigned int got = 0;

	if (!sim_start(&sim, 2 * NR_RANGES * BLOCK_PAGES, MAP_GARBAGE))
		return;
	for (block = 0; block < NR_RANGES; block++)
		page_alloc_add_free_range(2 * block * BLOCK_PAGES, (2 * block + 1) * BLOCK_PAGES);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NR_RANGES);
	EXPECT_EQ(stats_now().managed_pages, NR_RANGES * BLOCK_PAGES);
	while (got <= NR_RANGES) {
		struct page *page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);

		if (!page)
			break;
		if ((page_to_pfn(page) / BLOCK_PAGES) % 2) {
			UNIT_FAIL("block at pfn %#llx was never added",
				  (unsigned long long)page_to_pfn(page));
			break;
		}
		got++;
	}
	EXPECT_EQ(got, NR_RANGES);
	sim_stop(&sim);
}

/* --- flags, failures and bad frees ---------------------------------------------------- */

static void test_page_alloc_zero_flag_zeroes_exactly_the_block(void)
{
	const size_t size = 4 * PAGE_SIZE;
	struct sim sim;
	struct page *page;
	uint8_t *mem;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	memset(sim.ram, 0xff, sim.ram_bytes);
	page_alloc_add_free_range(0, BLOCK_PAGES);
	page = alloc_pages(GFP_KERNEL, 2);
	EXPECT_TRUE(page != NULL);
	if (!page)
		goto out;
	mem = page_address(page);
	EXPECT_EQ(unit_first_byte_not(mem, size, 0xff), size); /* not zeroed unasked */
	free_pages_block(page, 2);

	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	EXPECT_TRUE(page != NULL);
	if (!page)
		goto out;
	mem = page_address(page);
	EXPECT_EQ(unit_first_byte_not(mem, size, 0), size);
	/* Nothing else zeroed. */
	EXPECT_EQ(unit_first_byte_not(sim.ram, mem - sim.ram, 0xff), (size_t)(mem - sim.ram));
	EXPECT_EQ(unit_first_byte_not(mem + size, sim.ram + sim.ram_bytes - (mem + size), 0xff),
		  (size_t)(sim.ram + sim.ram_bytes - (mem + size)));
out:
	sim_stop(&sim);
}

static void test_page_alloc_out_of_memory_returns_null_and_stays_consistent(void)
{
	const uint64_t start = BLOCK_PAGES, end = 2 * BLOCK_PAGES + 0xa3;
	struct page_alloc_stats before, after;
	uint64_t nr = 0, i;
	struct page **pages = calloc(end, sizeof(*pages));
	struct sim sim;

	if (!pages || !sim_start(&sim, 3 * BLOCK_PAGES, -1)) {
		free(pages);
		return;
	}
	page_alloc_add_free_range(start, end);
	before = stats_now();
	while (nr < end && (pages[nr] = alloc_pages(GFP_KERNEL, 0)))
		nr++;
	EXPECT_EQ(nr, end - start);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) == NULL);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 3) == NULL);
	EXPECT_TRUE(alloc_pages(GFP_DMA32, 0) == NULL);
	after = stats_now();
	EXPECT_EQ(after.free_pages, 0);
	EXPECT_EQ(buddy_pages(&after, ZONE_DMA32), 0);
	EXPECT_EQ(after.managed_pages, end - start);

	/* Every even frame back: half the memory free, no order-1 block. */
	for (i = 0; i < nr; i++)
		if (!(page_to_pfn(pages[i]) & 1)) {
			free_pages_block(pages[i], 0);
			pages[i] = NULL;
		}
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 1) == NULL);
	EXPECT_EQ(stats_now().free_pages, (end - start) / 2 + ((end - start) & 1));

	for (i = 0; i < nr; i++)
		if (pages[i])
			free_pages_block(pages[i], 0);
	page_alloc_drain_cpu(0);
	after = stats_now();
	EXPECT_TRUE(same_free_blocks(&before, &after));
	EXPECT_EQ(after.free_pages, end - start);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER) != NULL);
	free(pages);
	sim_stop(&sim);
}

static void test_page_alloc_rejects_orders_above_max(void)
{
	struct sim sim;

	if (!sim_start(&sim, 2 * BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, 2 * BLOCK_PAGES);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1) == NULL);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, ~0u) == NULL);
	EXPECT_EQ(stats_now().free_pages, 2 * BLOCK_PAGES);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
	sim_stop(&sim);
}

/* Holes inside blocks, a range past the end of memory and a partial last
 * block: everything allocatable is taken and must lie inside the ranges. */
static void test_page_alloc_never_hands_out_frames_not_added(void)
{
	static const uint64_t ranges[][2] = {
		{ 0x1, 0x9f },	    { 0x100, 0x1f0 },	{ 0x5f3, 0xc00 },
		{ 0x1400, 0x2000 }, { 0x2b00, 0x3000 }, /* past nr_pfns: clamped */
	};
	const uint64_t nr_pfns = 0x2c55;
	uint8_t *is_added = calloc(nr_pfns, 1), *is_taken = calloc(nr_pfns, 1);
	uint64_t managed = 0, taken = 0, pfn, i;
	struct sim sim;
	int order;

	if (!is_added || !is_taken || !sim_start(&sim, nr_pfns, MAP_GARBAGE))
		goto out_free;
	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		page_alloc_add_free_range(ranges[i][0], ranges[i][1]);
		for (pfn = ranges[i][0]; pfn < ranges[i][1] && pfn < nr_pfns; pfn++)
			is_added[pfn] = 1, managed++;
	}
	EXPECT_EQ(stats_now().managed_pages, managed);
	EXPECT_FALSE(page_alloc_check_free(&mem_map[0xa0], 0)); /* garbage, not set up */
	free_pages_block(&mem_map[0xa0], 0);
	EXPECT_EQ(stats_now().free_pages, managed);

	for (order = MAX_PAGE_ORDER; order >= 0; order--) {
		struct page *page;

		while ((page = alloc_pages(GFP_KERNEL, order))) {
			pfn = page_to_pfn(page);
			for (i = pfn; i < pfn + (1ull << order); i++) {
				if (i >= nr_pfns || !is_added[i] || is_taken[i]) {
					UNIT_FAIL("order %d block %#llx: frame %#llx %s", order,
						  (unsigned long long)pfn, (unsigned long long)i,
						  i >= nr_pfns ? "beyond memory" :
						  is_taken[i]  ? "handed out twice" :
								 "never added");
					goto out;
				}
				is_taken[i] = 1;
			}
			taken += 1ull << order;
		}
	}
	EXPECT_EQ(taken, managed);
	/* Every block is set up now: reserved frames next to free ones say so. */
	EXPECT_EQ(mem_map[0].flags, PG_reserved);
	EXPECT_EQ(mem_map[0xa0].flags, PG_reserved);
	EXPECT_EQ(mem_map[0x5f2].flags, PG_reserved);
	EXPECT_EQ(mem_map[0x2b00 - 1].flags, PG_reserved);
	mem_map[0xa0].refcount = 1; /* as if someone took a reference */
	EXPECT_FALSE(page_alloc_check_free(&mem_map[0xa0], 0));
	free_pages_block(&mem_map[0xa0], 0);
	EXPECT_EQ(stats_now().free_pages, 0);
out:
	sim_stop(&sim);
out_free:
	free(is_added);
	free(is_taken);
}

static void test_page_alloc_double_free_is_ignored_without_corruption(void)
{
	struct page_alloc_stats once, twice;
	struct page *a, *b, *c;
	struct sim sim;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);

	a = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(page_alloc_check_free(a, 0));
	free_pages_block(a, 0);
	EXPECT_FALSE(page_alloc_check_free(a, 0));
	once = stats_now();
	free_pages_block(a, 0); /* on CPU 0's list: must not go there twice */
	twice = stats_now();
	EXPECT_EQ(twice.free_pages, once.free_pages);
	b = alloc_pages(GFP_KERNEL, 0);
	c = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(b == a && c != a);
	free_pages_block(b, 0);
	free_pages_block(c, 0);
	page_alloc_drain_cpu(0);

	a = alloc_pages(GFP_KERNEL, 3);
	free_pages_block(a, 3);
	once = stats_now();
	EXPECT_FALSE(page_alloc_check_free(a, 3));
	free_pages_block(a, 3); /* a free block's head */
	twice = stats_now();
	EXPECT_EQ(twice.free_pages, once.free_pages);
	EXPECT_TRUE(same_free_blocks(&once, &twice));
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	sim_stop(&sim);
}

static void test_page_alloc_shared_page_is_freed_by_its_last_put(void)
{
	struct page_alloc_stats before;
	struct page *page;
	struct sim sim;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	before = stats_now();
	page = alloc_pages(GFP_KERNEL, 0);
	get_page(page);
	get_page(page);
	EXPECT_EQ(page_count(page), 3);
	put_page(page);
	put_page(page);
	EXPECT_EQ(page_count(page), 1);
	EXPECT_EQ(stats_now().free_pages, before.free_pages - 1);
	put_page(page);
	EXPECT_EQ(stats_now().free_pages, before.free_pages);
	EXPECT_FALSE(page_alloc_check_free(page, 0));
	/* One put too many is refused: the page stays free, counted once. */
	put_page(page);
	EXPECT_EQ(page_count(page), 0);
	EXPECT_EQ(stats_now().free_pages, before.free_pages);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) == page);
	EXPECT_EQ(page_count(page), 1);
	sim_stop(&sim);
}

static void test_page_alloc_free_with_wrong_order_or_tail_page_is_ignored(void)
{
	struct page_alloc_stats before;
	struct sim sim;
	struct page *page;

	if (!sim_start(&sim, 2 * BLOCK_PAGES, MAP_GARBAGE))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	page = alloc_pages(GFP_KERNEL, 2);
	EXPECT_TRUE(page != NULL);
	if (!page)
		goto out;
	before = stats_now();
	EXPECT_FALSE(page_alloc_check_free(page, 1));
	EXPECT_FALSE(page_alloc_check_free(page, 3));
	EXPECT_FALSE(page_alloc_check_free(page + 1, 0));
	EXPECT_FALSE(page_alloc_check_free(page + 2, 1));
	EXPECT_FALSE(page_alloc_check_free(page, MAX_PAGE_ORDER + 1));
	free_pages_block(page, 1);
	free_pages_block(page, 3);
	free_pages_block(page + 1, 0);
	free_pages_block(page + 2, 1);
	EXPECT_EQ(stats_now().free_pages, before.free_pages);
	EXPECT_TRUE(page_alloc_check_free(page, 2));
	/* Pointers outside mem_map or into a block never set up (garbage). */
	EXPECT_FALSE(page_alloc_check_free(NULL, 0));
	EXPECT_FALSE(page_alloc_check_free(mem_map - 1, 0));
	EXPECT_FALSE(page_alloc_check_free(mem_map + 2 * BLOCK_PAGES, 0));
	EXPECT_FALSE(page_alloc_check_free(mem_map + BLOCK_PAGES + 8, 0));
	EXPECT_FALSE(page_alloc_check_free((struct page *)((uint8_t *)page + 8), 2));
	/* Garbage that happens to look allocated: the block was never set up. */
	memset(mem_map + BLOCK_PAGES + 8, 0, sizeof(struct page));
	mem_map[BLOCK_PAGES + 8].refcount = 1;
	EXPECT_FALSE(page_alloc_check_free(mem_map + BLOCK_PAGES + 8, 0));
	free_pages_block(mem_map + BLOCK_PAGES + 8, 0);
	free_pages_block(page, 2);
	EXPECT_EQ(stats_now().free_pages, BLOCK_PAGES);
out:
	sim_stop(&sim);
}

static void test_page_alloc_frames_added_twice_are_counted_once(void)
{
	struct sim sim;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0x10, 0x20);
	page_alloc_add_free_range(0x10, 0x20);
	EXPECT_EQ(stats_now().managed_pages, 0x10);
	EXPECT_EQ(stats_now().free_pages, 0x10);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
	sim_stop(&sim);
}

static void test_page_alloc_address_interface_uses_the_direct_map(void)
{
	struct sim sim;
	uint8_t *mem;

	if (!sim_start(&sim, BLOCK_PAGES, -1))
		return;
	page_alloc_add_free_range(0, BLOCK_PAGES);
	mem = get_free_pages(GFP_KERNEL, 1);
	EXPECT_TRUE(mem != NULL);
	if (mem) {
		EXPECT_TRUE(mem >= sim.ram && mem + 2 * PAGE_SIZE <= sim.ram + sim.ram_bytes);
		EXPECT_EQ((mem - sim.ram) % (2 * PAGE_SIZE), 0);
		EXPECT_TRUE(virt_to_page(mem)->flags & PG_head);
		free_pages(mem, 1);
	}
	free_pages(NULL, 0);
	EXPECT_EQ(stats_now().free_pages, BLOCK_PAGES);
	EXPECT_FREE_BLOCKS(ZONE_DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	sim_stop(&sim);
}

static void test_page_alloc_zone_names_match_buddyinfo(void)
{
	EXPECT_STR(zone_name(ZONE_DMA32), "DMA32");
	EXPECT_STR(zone_name(ZONE_NORMAL), "Normal");
	EXPECT_STR(zone_name(NR_ZONES), "?");
}

/* --- randomised sequences ------------------------------------------------------------ */

#define RANDOM_STEPS 20000
#define RANDOM_FULL_CHECK_EVERY 64
#define RANDOM_NR_CPUS 4

enum frame_state { FRAME_HOLE, FRAME_FREE, FRAME_HELD };

struct held_block {
	uint64_t pfn;
	unsigned int order;
};

/* Both zones, holes inside blocks, two ranges in one block, lazy whole
 * blocks, a range across 4 GiB and a partial last block: about 78 MiB. */
static const uint64_t random_ranges[][2] = {
	{ 0x1, 0x9f },
	{ 0x100, 0x3a0 },
	{ 0x5f3, 0x1800 },
	{ 0x2000, 0x2c00 },
	{ DMA32_END_PFN - 0x1007, DMA32_END_PFN + 0x1005 },
	{ DMA32_END_PFN + 0x1400, DMA32_END_PFN + 0x2155 },
};
static const uint64_t random_nr_pfns = DMA32_END_PFN + 0x2155;

struct model {
	struct sim sim;
	uint64_t seed, rng;
	uint8_t *state; /* enum frame_state per pfn */
	uint8_t *is_seen; /* scratch for the full check */
	struct held_block *held;
	unsigned int nr_held, max_held;
	uint64_t managed_pages;
	uint64_t held_pages;
	unsigned long step;
	bool has_failed;
};

static uint64_t model_random(struct model *m)
{
	/* xorshift64* */
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return m->rng * 0x2545f4914f6cdd1dull;
}

static uint64_t signature(const struct model *m, uint64_t pfn)
{
	return (pfn + 1) * 0x9e3779b97f4a7c15ull ^ m->seed;
}

static void model_fail(struct model *m, const char *what, uint64_t pfn)
{
	if (!m->has_failed)
		UNIT_FAIL("seed %llu step %lu: %s (pfn %#llx)", (unsigned long long)m->seed,
			  m->step, what, (unsigned long long)pfn);
	m->has_failed = true;
}

static void model_check_alloc(struct model *m, struct page *page, unsigned int order, gfp_t gfp)
{
	struct page_alloc_stats stats;
	uint64_t pfn, i;

	if (!page) {
		/* NULL only when no allowed zone has a block this large. */
		int z, highest = gfp & __GFP_DMA32 ? ZONE_DMA32 : ZONE_NORMAL;
		unsigned int o;

		stats = stats_now();
		for (z = ZONE_DMA32; z <= highest; z++)
			for (o = order; o < NR_PAGE_ORDERS; o++)
				if (stats.free_blocks[z][o])
					model_fail(m, "NULL although a block was free", o);
		return;
	}
	pfn = page_to_pfn(page);
	if (pfn & ((1ull << order) - 1))
		model_fail(m, "block not naturally aligned", pfn);
	if ((gfp & __GFP_DMA32) && pfn >= DMA32_END_PFN)
		model_fail(m, "GFP_DMA32 block above 4 GiB", pfn);
	if (page->refcount != 1 || page->order != order || page->flags != (order ? PG_head : 0))
		model_fail(m, "allocated head in the wrong state", pfn);
	if (page->zone != pfn_zone(pfn))
		model_fail(m, "head in the wrong zone", pfn);
	if (!(gfp & __GFP_DMA32) && pfn < DMA32_END_PFN) {
		/* The fallback only when ZONE_NORMAL had no block large enough. */
		unsigned int o;

		stats = stats_now();
		for (o = order; o < NR_PAGE_ORDERS; o++)
			if (stats.free_blocks[ZONE_NORMAL][o])
				model_fail(m, "fell back to DMA32 with Normal blocks free", pfn);
	}
	for (i = pfn; i < pfn + (1ull << order); i++) {
		if (i >= m->sim.nr_pfns || m->state[i] != FRAME_FREE) {
			model_fail(m,
				   i >= m->sim.nr_pfns || m->state[i] == FRAME_HOLE ?
					   "block covers a frame never added" :
					   "block overlaps a held block",
				   i);
			return;
		}
		if (i > pfn && (page[i - pfn].flags || page[i - pfn].refcount))
			model_fail(m, "tail page not clean", i);
	}
	if ((gfp & __GFP_ZERO) &&
	    unit_first_byte_not(page_address(page), PAGE_SIZE << order, 0) != PAGE_SIZE << order)
		model_fail(m, "__GFP_ZERO block not zeroed", pfn);
	for (i = pfn; i < pfn + (1ull << order); i++) {
		m->state[i] = FRAME_HELD;
		*(uint64_t *)phys_to_virt(i << PAGE_SHIFT) = signature(m, i);
	}
	m->held[m->nr_held].pfn = pfn;
	m->held[m->nr_held].order = order;
	m->nr_held++;
	m->held_pages += 1ull << order;
}

static void model_free(struct model *m, unsigned int index)
{
	struct held_block block = m->held[index];
	uint64_t i;

	for (i = block.pfn; i < block.pfn + (1ull << block.order); i++) {
		if (*(uint64_t *)phys_to_virt(i << PAGE_SHIFT) != signature(m, i))
			model_fail(m, "held memory was written by the allocator", i);
		m->state[i] = FRAME_FREE;
	}
	if (!page_alloc_check_free(pfn_to_page(block.pfn), block.order))
		model_fail(m, "held block fails the free check", block.pfn);
	free_pages_block(pfn_to_page(block.pfn), block.order);
	m->held[index] = m->held[--m->nr_held];
	m->held_pages -= 1ull << block.order;
}

static void model_check_accounting(struct model *m)
{
	struct page_alloc_stats stats = stats_now();

	if (stats.managed_pages != m->managed_pages)
		model_fail(m, "managed pages changed", stats.managed_pages);
	if (stats.free_pages + m->held_pages != m->managed_pages)
		model_fail(m, "free + held != managed", stats.free_pages);
	if (stats.zone_free_pages[ZONE_DMA32] + stats.zone_free_pages[ZONE_NORMAL] !=
	    stats.free_pages)
		model_fail(m, "zone free pages do not add up", stats.free_pages);
}

/* Marks the frames of a free block or a per-CPU page as seen, once. */
static bool model_see_free(struct model *m, uint64_t pfn, uint64_t nr)
{
	uint64_t i;

	for (i = pfn; i < pfn + nr; i++) {
		if (i >= m->sim.nr_pfns || m->state[i] != FRAME_FREE || m->is_seen[i]) {
			model_fail(m, "free block overlaps another, a held block or a hole", i);
			return false;
		}
		m->is_seen[i] = 1;
	}
	return true;
}

static uint64_t block_end_pfn(const struct model *m, uint64_t pfn)
{
	uint64_t end = (pfn & ~(BLOCK_PAGES - 1)) + BLOCK_PAGES;

	return end < m->sim.nr_pfns ? end : m->sim.nr_pfns;
}

/* Struct pages never written (the random test's mem_map starts zeroed). */
static bool model_block_is_untouched(const struct model *m, uint64_t pfn)
{
	static const struct page zero;
	uint64_t i;

	for (i = pfn & ~(BLOCK_PAGES - 1); i < block_end_pfn(m, pfn); i++)
		if (memcmp(pfn_to_page(i), &zero, sizeof(zero)))
			return false;
	return true;
}

/* The buddy lists' blocks for free frames [start, end): the largest aligned
 * chunks. */
static void count_chunks(uint64_t blocks[NR_ZONES][NR_PAGE_ORDERS], uint64_t start, uint64_t end)
{
	while (start < end) {
		unsigned int order = 0;

		while (order < MAX_PAGE_ORDER && !(start & (1ull << order)) &&
		       start + (2ull << order) <= end)
			order++;
		blocks[pfn_zone(start)][order]++;
		start += 1ull << order;
	}
}

/* Free frames on no list must lie in a block never set up: they are held
 * lazily, as the chunks of each run of them. */
static bool model_see_untouched_block(struct model *m, uint64_t pfn,
				      uint64_t blocks[NR_ZONES][NR_PAGE_ORDERS])
{
	uint64_t i, run_start = 0, end = block_end_pfn(m, pfn);
	bool is_in_run = false;

	if (!model_block_is_untouched(m, pfn)) {
		model_fail(m, "free frame on no list", pfn);
		return false;
	}
	for (i = pfn & ~(BLOCK_PAGES - 1); i <= end; i++) {
		bool is_free = i < end && m->state[i] == FRAME_FREE && !m->is_seen[i];

		if (is_free && !is_in_run)
			run_start = i;
		else if (!is_free && is_in_run)
			count_chunks(blocks, run_start, i);
		is_in_run = is_free;
		if (is_free)
			m->is_seen[i] = 1;
	}
	return true;
}

/* Frames not added in the block holding pfn are reserved, once it is set up. */
static bool model_check_reserved_in_block(struct model *m, uint64_t pfn)
{
	uint64_t i;

	if (model_block_is_untouched(m, pfn))
		return true;
	for (i = pfn & ~(BLOCK_PAGES - 1); i < block_end_pfn(m, pfn); i++)
		if (m->state[i] == FRAME_HOLE && pfn_to_page(i)->flags != PG_reserved) {
			model_fail(m, "frame not added is not PG_reserved", i);
			return false;
		}
	return true;
}

/*
 * Walks the struct pages of every range: free heads (PG_buddy) and per-CPU
 * pages (PG_pcp) must cover exactly the frames the test does not hold,
 * without overlap, apart from blocks never set up (lazy: counted as their
 * chunks); the counts must match the statistics; frames not added in blocks
 * set up must be reserved.
 */
static void model_full_check(struct model *m)
{
	uint64_t blocks[NR_ZONES][NR_PAGE_ORDERS] = { { 0 } }, cached[NR_ZONES] = { 0 };
	struct page_alloc_stats stats = stats_now();
	unsigned int r, z, o;
	uint64_t pfn;

	for (r = 0; r < ARRAY_SIZE(random_ranges); r++)
		memset(m->is_seen + random_ranges[r][0], 0,
		       random_ranges[r][1] - random_ranges[r][0]);
	for (r = 0; r < ARRAY_SIZE(random_ranges); r++) {
		for (pfn = random_ranges[r][0]; pfn < random_ranges[r][1]; pfn++) {
			const struct page *page = pfn_to_page(pfn);

			if (m->state[pfn] == FRAME_HELD)
				continue;
			if (page->flags & PG_buddy) {
				if (page->order > MAX_PAGE_ORDER ||
				    (pfn & ((1ull << page->order) - 1)) ||
				    page->zone != pfn_zone(pfn) || page->refcount) {
					model_fail(m, "bad free head", pfn);
					return;
				}
				if (!model_see_free(m, pfn, 1ull << page->order))
					return;
				blocks[pfn_zone(pfn)][page->order]++;
			} else if (page->flags & PG_pcp) {
				if (page->refcount || !model_see_free(m, pfn, 1))
					return;
				cached[pfn_zone(pfn)]++;
			}
		}
	}
	for (r = 0; r < ARRAY_SIZE(random_ranges); r++) {
		for (pfn = random_ranges[r][0]; pfn < random_ranges[r][1]; pfn++) {
			if (m->state[pfn] != FRAME_FREE || m->is_seen[pfn])
				continue;
			if (!model_see_untouched_block(m, pfn, blocks))
				return;
		}
		if (!model_check_reserved_in_block(m, random_ranges[r][0]) ||
		    !model_check_reserved_in_block(m, random_ranges[r][1] - 1))
			return;
	}
	for (z = 0; z < NR_ZONES; z++) {
		uint64_t pages = cached[z];

		for (o = 0; o < NR_PAGE_ORDERS; o++) {
			if (blocks[z][o] != stats.free_blocks[z][o]) {
				model_fail(m, "free block counts differ from the lists", o);
				return;
			}
			pages += blocks[z][o] << o;
		}
		if (pages != stats.zone_free_pages[z]) {
			model_fail(m, "free pages differ from the lists", z);
			return;
		}
	}
}

static unsigned int random_order(struct model *m)
{
	unsigned int r = model_random(m) % 100;

	if (r < 60)
		return 0;
	if (r < 82)
		return 1 + model_random(m) % 3;
	if (r < 96)
		return 4 + model_random(m) % 4;
	return 8 + model_random(m) % 3;
}

static void model_run(uint64_t seed)
{
	struct page_alloc_stats initial, final;
	struct model m = { .seed = seed, .rng = seed * 2 + 1 };
	unsigned int r, phase_alloc_percent;
	uint64_t pfn, nr;

	m.state = calloc(random_nr_pfns, 1);
	m.is_seen = calloc(random_nr_pfns, 1);
	m.max_held = 1 << 16;
	m.held = calloc(m.max_held, sizeof(*m.held));
	if (!m.state || !m.is_seen || !m.held || !sim_start(&m.sim, random_nr_pfns, -1))
		goto out_free;
	for (r = 0; r < ARRAY_SIZE(random_ranges); r++) {
		page_alloc_add_free_range(random_ranges[r][0], random_ranges[r][1]);
		memset(m.state + random_ranges[r][0], FRAME_FREE,
		       random_ranges[r][1] - random_ranges[r][0]);
		m.managed_pages += random_ranges[r][1] - random_ranges[r][0];
	}
	initial = stats_now();
	model_check_accounting(&m);
	model_full_check(&m);

	for (m.step = 0; m.step < RANDOM_STEPS && !m.has_failed; m.step++) {
		unsigned int op = model_random(&m) % 100;

		/* Fill, churn, then empty: OOM is reached in the first third. */
		phase_alloc_percent = m.step < RANDOM_STEPS / 3	    ? 70 :
				      m.step < 2 * RANDOM_STEPS / 3 ? 50 :
								      35;
		host_current_cpu = model_random(&m) % RANDOM_NR_CPUS;
		if (op < phase_alloc_percent && m.nr_held < m.max_held) {
			unsigned int order = random_order(&m), g = model_random(&m) % 10;
			gfp_t gfp =
				(g < 2 ? GFP_DMA32 : GFP_KERNEL) | (g % 5 == 1 ? __GFP_ZERO : 0);

			model_check_alloc(&m, alloc_pages(gfp, order), order, gfp);
		} else if (op < 98 && m.nr_held) {
			model_free(&m, model_random(&m) % m.nr_held);
		} else {
			page_alloc_drain_cpu(model_random(&m) % RANDOM_NR_CPUS);
		}
		model_check_accounting(&m);
		if (m.step % RANDOM_FULL_CHECK_EVERY == 0)
			model_full_check(&m);
	}
	while (m.nr_held && !m.has_failed) {
		host_current_cpu = model_random(&m) % RANDOM_NR_CPUS;
		model_free(&m, model_random(&m) % m.nr_held);
	}
	model_check_accounting(&m);
	model_full_check(&m);
	drain_cpus(RANDOM_NR_CPUS);
	final = stats_now();
	if (!same_free_blocks(&initial, &final))
		model_fail(&m, "free lists differ from the initial ones after freeing all", 0);
	EXPECT_EQ(final.free_pages, m.managed_pages);
	model_full_check(&m);

	/* The lists hold exactly the frames added: take them all, one by one. */
	host_current_cpu = 0;
	nr = 0;
	while (!m.has_failed) {
		struct page *page = alloc_pages(GFP_KERNEL, 0);

		if (!page)
			break;
		pfn = page_to_pfn(page);
		if (pfn >= random_nr_pfns || m.state[pfn] != FRAME_FREE)
			model_fail(&m, "single page not free in the model", pfn);
		else
			m.state[pfn] = FRAME_HELD;
		nr++;
	}
	EXPECT_EQ(nr, m.managed_pages);
	for (r = 0; r < ARRAY_SIZE(random_ranges); r++)
		for (pfn = random_ranges[r][0]; pfn < random_ranges[r][1]; pfn++)
			if (m.state[pfn] == FRAME_HELD) {
				free_pages_block(pfn_to_page(pfn), 0);
				m.state[pfn] = FRAME_FREE;
			}
	page_alloc_drain_cpu(0);
	final = stats_now();
	if (!same_free_blocks(&initial, &final))
		model_fail(&m, "free lists differ from the initial ones after the sweep", 0);
	sim_stop(&m.sim);
out_free:
	free(m.state);
	free(m.is_seen);
	free(m.held);
}

static void test_page_alloc_random_sequences_keep_invariants_and_coalesce_back(void)
{
	static const uint64_t seeds[] = { 1, 42, 0xdecafbad, 20240601 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seeds); i++)
		model_run(seeds[i]);
}

static CU_TestInfo page_alloc_tests[] = {
	UNIT_TEST(test_page_alloc_order0_from_fresh_block_splits_into_one_block_per_order),
	UNIT_TEST(test_page_alloc_order3_split_keeps_upper_halves_free),
	UNIT_TEST(test_page_alloc_free_coalesces_only_when_buddy_is_free),
	UNIT_TEST(test_page_alloc_adjacent_ranges_coalesce_into_one_block),
	UNIT_TEST(test_page_alloc_blocks_are_naturally_aligned_and_marked),
	UNIT_TEST(test_page_alloc_range_across_4gib_is_split_between_zones),
	UNIT_TEST(test_page_alloc_dma32_flag_allocates_below_4gib),
	UNIT_TEST(test_page_alloc_normal_prefers_above_4gib_and_falls_back),
	UNIT_TEST(test_page_alloc_order0_goes_through_per_cpu_batches),
	UNIT_TEST(test_page_alloc_per_cpu_list_is_drained_when_it_grows_too_long),
	UNIT_TEST(test_page_alloc_pages_cached_on_the_last_cpu_count_as_free),
	UNIT_TEST(test_page_alloc_high_order_drains_this_cpu_before_failing),
	UNIT_TEST(test_page_alloc_setup_of_1gib_touches_no_struct_page),
	UNIT_TEST(test_page_alloc_parts_of_blocks_are_set_up_only_when_needed),
	UNIT_TEST(test_page_alloc_setup_never_writes_free_memory),
	UNIT_TEST(test_page_alloc_adjacent_block_ranges_stay_untouched_however_many),
	UNIT_TEST(test_page_alloc_many_separate_block_ranges_are_all_handed_out),
	UNIT_TEST(test_page_alloc_zero_flag_zeroes_exactly_the_block),
	UNIT_TEST(test_page_alloc_out_of_memory_returns_null_and_stays_consistent),
	UNIT_TEST(test_page_alloc_rejects_orders_above_max),
	UNIT_TEST(test_page_alloc_never_hands_out_frames_not_added),
	UNIT_TEST(test_page_alloc_double_free_is_ignored_without_corruption),
	UNIT_TEST(test_page_alloc_shared_page_is_freed_by_its_last_put),
	UNIT_TEST(test_page_alloc_free_with_wrong_order_or_tail_page_is_ignored),
	UNIT_TEST(test_page_alloc_frames_added_twice_are_counted_once),
	UNIT_TEST(test_page_alloc_address_interface_uses_the_direct_map),
	UNIT_TEST(test_page_alloc_zone_names_match_buddyinfo),
	UNIT_TEST(test_page_alloc_random_sequences_keep_invariants_and_coalesce_back),
	CU_TEST_INFO_NULL,
};

static void unit_register_page_alloc(void)
{
	unit_add_suite("page_alloc", page_alloc_tests);
}

UNIT_REGISTER(unit_register_page_alloc)
