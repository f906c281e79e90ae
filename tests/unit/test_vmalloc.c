/* vmalloc (guest/kernel/mm/vmalloc.c) on the host: areas are mapped page by
 * page from the page allocator into a page-table tree, with unmapped guard
 * pages around each, and give everything back when freed. Kernel virtual
 * addresses cannot be dereferenced here, so tests look through the tree. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/cpu.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>
#include <vitro/slab.h>
#include <vitro/vmalloc.h>

#include "unit.h"

#define RAM_PAGES 8192ull /* 32 MiB */
#define BLOCK_BYTES (PAGES_PER_MAX_BLOCK * PAGE_SIZE)

static uint8_t *ram;
static struct page *map;
static struct pgtable pt;

static uint64_t buddy_table(void)
{
	struct page *page = alloc_pages(__GFP_ZERO, 0);

	return page ? page_to_pfn(page) << PAGE_SHIFT : 0;
}

static void world_start(void)
{
	if (!ram) {
		uint8_t *raw = mmap(NULL, RAM_PAGES * PAGE_SIZE + BLOCK_BYTES,
				    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (raw == MAP_FAILED)
			abort();
		ram = (uint8_t *)(((uintptr_t)raw + BLOCK_BYTES - 1) & ~(BLOCK_BYTES - 1));
		map = malloc(page_alloc_map_bytes(RAM_PAGES));
		if (!map)
			abort();
	}
	memset(ram, 0xa7, RAM_PAGES * PAGE_SIZE);
	host_phys_base = ram;
	host_current_cpu = 0;
	page_alloc_init(map, RAM_PAGES);
	page_alloc_add_free_range(1, RAM_PAGES);
	slab_init();
	if (pgtable_create(&pt, false, buddy_table))
		abort();
	vmalloc_init(&pt);
}

/* Pages neither free nor held by slabs: what vmalloc'd areas and page
 * tables take. (The area descriptors themselves live in kmalloc slabs.) */
static uint64_t pages_in_use(void)
{
	struct page_alloc_stats stats;

	slab_shrink_all();
	page_alloc_drain_cpu(0);
	page_alloc_get_stats(&stats);
	return stats.managed_pages - stats.free_pages - slab_total_pages();
}

static bool is_mapped(const void *addr)
{
	return pgtable_lookup(&pt, (uint64_t)addr, NULL, NULL, NULL);
}

static void test_vmalloc_maps_distinct_pages_inside_the_vmalloc_range(void)
{
	uint8_t *area;
	uint64_t off, phys, prev = ~0ull, flags;

	world_start();
	area = vmalloc(5 * PAGE_SIZE);
	EXPECT_TRUE(area != NULL);
	EXPECT_TRUE((uint64_t)area >= VMALLOC_START && (uint64_t)area < VMALLOC_END);
	EXPECT_EQ((uint64_t)area % PAGE_SIZE, 0);
	for (off = 0; off < 5 * PAGE_SIZE; off += PAGE_SIZE) {
		EXPECT_TRUE(pgtable_lookup(&pt, (uint64_t)area + off, &phys, &flags, NULL));
		EXPECT_TRUE(phys != prev);
		EXPECT_TRUE(flags & PTE_WRITE);
		EXPECT_TRUE(flags & PTE_NX);
		EXPECT_TRUE(vmalloc_to_page(area + off) == pfn_to_page(phys >> PAGE_SHIFT));
		prev = phys;
	}
	vfree(area);
}

static void test_vmalloc_surrounds_each_area_with_unmapped_guard_pages(void)
{
	uint8_t *a, *b;
	uint64_t lo, hi;

	world_start();
	a = vmalloc(PAGE_SIZE);
	b = vmalloc(3 * PAGE_SIZE);
	EXPECT_TRUE(a && b && b > a);
	EXPECT_FALSE(is_mapped(a - PAGE_SIZE));
	EXPECT_FALSE(is_mapped(a + PAGE_SIZE));
	EXPECT_FALSE(is_mapped(b - PAGE_SIZE));
	EXPECT_FALSE(is_mapped(b + 3 * PAGE_SIZE));
	EXPECT_TRUE(vmalloc_guard_hit((uint64_t)b - 1, &lo, &hi));
	EXPECT_EQ(lo, (uint64_t)b);
	EXPECT_EQ(hi, (uint64_t)b + 3 * PAGE_SIZE);
	EXPECT_TRUE(vmalloc_guard_hit((uint64_t)a + PAGE_SIZE, &lo, &hi));
	EXPECT_EQ(lo, (uint64_t)a);
	EXPECT_FALSE(vmalloc_guard_hit((uint64_t)a, &lo, &hi));
	EXPECT_TRUE(vmalloc_area_bounds((uint64_t)b + 5, &lo, &hi));
	EXPECT_EQ(lo, (uint64_t)b);
	vfree(a);
	vfree(b);
}

static void test_vfree_unmaps_and_returns_every_page(void)
{
	uint64_t before;
	uint8_t *area;
	struct vmalloc_stats stats;

	world_start();
	vfree(vmalloc(64 * PAGE_SIZE)); /* builds the page tables, which stay */
	before = pages_in_use();
	area = vmalloc(64 * PAGE_SIZE);
	EXPECT_TRUE(area != NULL);
	vmalloc_get_stats(&stats);
	EXPECT_EQ(stats.nr_areas, 1);
	EXPECT_EQ(stats.mapped_bytes, 64 * PAGE_SIZE);
	EXPECT_EQ(pages_in_use(), before + 64);
	vfree(area);
	EXPECT_FALSE(is_mapped(area));
	EXPECT_FALSE(is_mapped(area + 63 * PAGE_SIZE));
	EXPECT_EQ(pages_in_use(), before);
	vmalloc_get_stats(&stats);
	EXPECT_EQ(stats.nr_areas, 0);
	EXPECT_EQ(stats.mapped_bytes, 0);
}

static void test_vmalloc_reuses_the_lowest_free_gap(void)
{
	uint8_t *a, *b, *c;

	world_start();
	a = vmalloc(2 * PAGE_SIZE);
	b = vmalloc(2 * PAGE_SIZE);
	vfree(a);
	c = vmalloc(PAGE_SIZE);
	EXPECT_TRUE(c == a);
	vfree(b);
	vfree(c);
}

static void test_vzalloc_hands_out_zeroed_pages(void)
{
	uint8_t *area;
	uint64_t phys, i;
	const uint8_t *bytes;

	world_start(); /* RAM is filled with 0xa7 */
	area = vzalloc(2 * PAGE_SIZE);
	EXPECT_TRUE(area != NULL);
	EXPECT_TRUE(pgtable_lookup(&pt, (uint64_t)area + PAGE_SIZE, &phys, NULL, NULL));
	bytes = phys_to_virt(phys);
	for (i = 0; i < PAGE_SIZE && !bytes[i]; i++)
		;
	EXPECT_EQ(i, PAGE_SIZE);
	vfree(area);
}

static void test_vmalloc_out_of_memory_returns_null_and_leaks_nothing(void)
{
	static struct page *hog[RAM_PAGES];
	static unsigned int hog_order[RAM_PAGES];
	struct page_alloc_stats stats;
	unsigned int nr_hog = 0, i;
	int order;
	uint64_t before;

	world_start();
	vfree(vmalloc(2 << 20)); /* page tables for the range tried below */
	/* Leave well under 2 MiB free, so the area fails part way. */
	for (order = MAX_PAGE_ORDER; order >= 0; order--) {
		for (;;) {
			page_alloc_get_stats(&stats);
			if (stats.free_pages < 256 + (1u << order))
				break;
			hog[nr_hog] = alloc_pages(0, order);
			if (!hog[nr_hog])
				break;
			hog_order[nr_hog++] = order;
		}
	}
	page_alloc_get_stats(&stats);
	EXPECT_TRUE(stats.free_pages < 512);
	EXPECT_TRUE(stats.free_pages > 16);
	before = pages_in_use();
	EXPECT_TRUE(vmalloc(2 << 20) == NULL);
	EXPECT_EQ(pages_in_use(), before);
	EXPECT_TRUE(vmalloc(0) == NULL);
	for (i = 0; i < nr_hog; i++)
		free_pages_block(hog[i], hog_order[i]);
}

static void test_vfree_ignores_addresses_that_do_not_start_an_area(void)
{
	uint8_t *area;

	world_start();
	area = vmalloc(2 * PAGE_SIZE);
	vfree(area + PAGE_SIZE);
	vfree((void *)(VMALLOC_START + 12345 * PAGE_SIZE));
	EXPECT_TRUE(is_mapped(area));
	EXPECT_TRUE(is_mapped(area + PAGE_SIZE));
	vfree(area);
	EXPECT_FALSE(is_mapped(area));
}

static void test_kernel_stack_has_guard_page_below(void)
{
	uint8_t *stack;
	uint64_t lo, hi;

	world_start();
	stack = kernel_stack_alloc();
	EXPECT_TRUE(stack != NULL);
	EXPECT_TRUE(is_mapped(stack));
	EXPECT_TRUE(is_mapped(stack + KERNEL_STACK_SIZE - 1));
	EXPECT_FALSE(is_mapped(stack - 1));
	EXPECT_TRUE(vmalloc_guard_hit((uint64_t)stack - 8, &lo, &hi));
	EXPECT_EQ(hi - lo, KERNEL_STACK_SIZE);
	kernel_stack_free(stack);
}

static CU_TestInfo vmalloc_tests[] = {
	UNIT_TEST(test_vmalloc_maps_distinct_pages_inside_the_vmalloc_range),
	UNIT_TEST(test_vmalloc_surrounds_each_area_with_unmapped_guard_pages),
	UNIT_TEST(test_vfree_unmaps_and_returns_every_page),
	UNIT_TEST(test_vmalloc_reuses_the_lowest_free_gap),
	UNIT_TEST(test_vzalloc_hands_out_zeroed_pages),
	UNIT_TEST(test_vmalloc_out_of_memory_returns_null_and_leaks_nothing),
	UNIT_TEST(test_vfree_ignores_addresses_that_do_not_start_an_area),
	UNIT_TEST(test_kernel_stack_has_guard_page_below),
	CU_TEST_INFO_NULL,
};

static void unit_register_vmalloc(void)
{
	unit_add_suite("vmalloc", vmalloc_tests);
}

UNIT_REGISTER(unit_register_vmalloc)
