/* The boot memory map (guest/kernel/mm/memblock.c): merging, free ranges
 * (RAM minus reserved) and the top-down boot allocator. */
#include <vitro/errno.h>
#include <vitro/memblock.h>

#include "unit.h"

#define MIB (1ull << 20)
#define PAGE_4K 4096ull

struct range_log {
	unsigned int count;
	uint64_t start[16], end[16];
};

static void log_range(uint64_t start, uint64_t end, void *arg)
{
	struct range_log *log = arg;

	if (log->count < 16) {
		log->start[log->count] = start;
		log->end[log->count] = end;
	}
	log->count++;
}

static void test_memblock_merges_overlapping_and_touching_regions(void)
{
	memblock_reset();
	EXPECT_EQ(memblock_add(10 * MIB, 10 * MIB), 0);
	EXPECT_EQ(memblock_add(0, 4 * MIB), 0);
	EXPECT_EQ(memblock_add(4 * MIB, 2 * MIB), 0); /* touches [0, 4M) */
	EXPECT_EQ(memblock_add(15 * MIB, 10 * MIB), 0); /* overlaps [10M, 20M) */
	EXPECT_EQ(memblock.memory.count, 2);
	EXPECT_EQ(memblock.memory.regions[0].base, 0);
	EXPECT_EQ(memblock.memory.regions[0].size, 6 * MIB);
	EXPECT_EQ(memblock.memory.regions[1].base, 10 * MIB);
	EXPECT_EQ(memblock.memory.regions[1].size, 15 * MIB);
	EXPECT_EQ(memblock_end(), 25 * MIB);
	EXPECT_EQ(memblock_ram_bytes(), 21 * MIB);
}

static void test_memblock_free_ranges_are_ram_minus_reserved(void)
{
	struct range_log log = { 0 };

	memblock_reset();
	memblock_add(0, 0x9fc00);
	memblock_add(MIB, 63 * MIB);
	memblock_reserve(0, MIB);
	memblock_reserve(MIB, 200 * 1024); /* the kernel */
	memblock_reserve(60 * MIB, 4 * MIB); /* an initrd at the top */
	memblock_reserve(30 * MIB, PAGE_4K);
	memblock_for_each_free_range(log_range, &log);
	EXPECT_EQ(log.count, 2);
	EXPECT_EQ(log.start[0], MIB + 200 * 1024);
	EXPECT_EQ(log.end[0], 30 * MIB);
	EXPECT_EQ(log.start[1], 30 * MIB + PAGE_4K);
	EXPECT_EQ(log.end[1], 60 * MIB);
	EXPECT_EQ(memblock_reserved_ram_bytes(), 0x9fc00 + 200 * 1024 + 4 * MIB + PAGE_4K);
}

static void test_memblock_alloc_is_top_down_aligned_below_limit_and_reserves(void)
{
	uint64_t a, b;

	memblock_reset();
	memblock_add(MIB, 63 * MIB);
	memblock_reserve(60 * MIB, 4 * MIB);
	a = memblock_alloc(3 * PAGE_4K, 2 * MIB, 64 * MIB);
	EXPECT_EQ(a, 58 * MIB);
	/* The highest free page is just below the reserved top 4 MiB, above a. */
	b = memblock_alloc(PAGE_4K, PAGE_4K, 64 * MIB);
	EXPECT_EQ(b, 60 * MIB - PAGE_4K);
	EXPECT_EQ(memblock_alloc(PAGE_4K, PAGE_4K, 8 * MIB), 8 * MIB - PAGE_4K);
	EXPECT_EQ(memblock_alloc(100 * MIB, PAGE_4K, ~0ull), 0);
	EXPECT_EQ(memblock_alloc(PAGE_4K, 3, ~0ull), 0); /* alignment not a power of 2 */
}

static void test_memblock_alloc_never_returns_reserved_memory(void)
{
	uint64_t addr;
	unsigned int i;

	memblock_reset();
	memblock_add(0, 2 * MIB);
	memblock_reserve(0, MIB);
	for (i = 0; i < 256; i++) {
		addr = memblock_alloc(PAGE_4K, PAGE_4K, ~0ull);
		EXPECT_TRUE(addr >= MIB && addr < 2 * MIB);
	}
	EXPECT_EQ(memblock_alloc(PAGE_4K, PAGE_4K, ~0ull), 0);
	EXPECT_EQ(memblock_reserved_ram_bytes(), 2 * MIB);
}

static void test_memblock_reports_a_full_region_table(void)
{
	unsigned int i;
	int rc = 0;

	memblock_reset();
	for (i = 0; i <= MEMBLOCK_MAX_REGIONS && !rc; i++)
		rc = memblock_add(i * 2 * MIB, MIB);
	EXPECT_EQ(rc, -ENOSPC);
	EXPECT_EQ(memblock.memory.count, MEMBLOCK_MAX_REGIONS);
}

static CU_TestInfo memblock_tests[] = {
	UNIT_TEST(test_memblock_merges_overlapping_and_touching_regions),
	UNIT_TEST(test_memblock_free_ranges_are_ram_minus_reserved),
	UNIT_TEST(test_memblock_alloc_is_top_down_aligned_below_limit_and_reserves),
	UNIT_TEST(test_memblock_alloc_never_returns_reserved_memory),
	UNIT_TEST(test_memblock_reports_a_full_region_table),
	CU_TEST_INFO_NULL,
};

static void unit_register_memblock(void)
{
	unit_add_suite("memblock", memblock_tests);
}

UNIT_REGISTER(unit_register_memblock)
