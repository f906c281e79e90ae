/* Tests for guest RAM layout and bounds checks (vmm/guest_mem.c). A small
 * hole (1 MiB at 2 MiB) stands in for the MMIO hole so no test needs GiBs. */
#include <string.h>

#include "../../shared/machine.h"
#include "../../vmm/guest_mem.h"
#include "unit.h"

#define MiB (1ull << 20)
#define HOLE_START (2 * MiB)
#define HOLE_END (3 * MiB)

static uint8_t host[3 * MiB];

static void split_layout(struct guest_mem *mem)
{
	/* 3 MiB of RAM: [0, 2 MiB) and [3 MiB, 4 MiB). */
	guest_mem_layout(mem, host, 3 * MiB, HOLE_START, HOLE_END);
}

static void test_guest_mem_layout_keeps_small_ram_in_one_range(void)
{
	struct guest_mem mem;

	guest_mem_layout(&mem, host, 16 * MiB, MACHINE_MMIO_HOLE_START, MACHINE_MMIO_HOLE_END);
	EXPECT_EQ(mem.nr_ranges, 1);
	EXPECT_EQ(mem.ranges[0].gpa, 0);
	EXPECT_EQ(mem.ranges[0].size, 16 * MiB);
	EXPECT_EQ(guest_mem_end(&mem), 16 * MiB);
}

static void test_guest_mem_layout_moves_ram_past_hole(void)
{
	struct guest_mem mem;

	split_layout(&mem);
	EXPECT_EQ(mem.nr_ranges, 2);
	EXPECT_EQ(mem.ranges[0].gpa, 0);
	EXPECT_EQ(mem.ranges[0].size, HOLE_START);
	EXPECT_EQ(mem.ranges[1].gpa, HOLE_END);
	EXPECT_EQ(mem.ranges[1].size, MiB);
	EXPECT_TRUE(mem.ranges[1].host == host + HOLE_START);
	EXPECT_EQ(guest_mem_end(&mem), HOLE_END + MiB);
	/* RAM that exactly fills the space below the hole needs no second range. */
	guest_mem_layout(&mem, host, HOLE_START, HOLE_START, HOLE_END);
	EXPECT_EQ(mem.nr_ranges, 1);
}

static void test_guest_mem_ptr_maps_both_ranges_to_host(void)
{
	struct guest_mem mem;

	split_layout(&mem);
	EXPECT_TRUE(guest_mem_ptr(&mem, 0, HOLE_START) == host);
	EXPECT_TRUE(guest_mem_ptr(&mem, 0x1234, 16) == host + 0x1234);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END, MiB) == host + HOLE_START);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END + 0x10, 1) == host + HOLE_START + 0x10);
	/* Length 0 means one byte. */
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_START - 1, 0) == host + HOLE_START - 1);
}

static void test_guest_mem_ptr_rejects_range_crossing_range_end(void)
{
	struct guest_mem mem;

	split_layout(&mem);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_START - 8, 9) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END + MiB - 8, 9) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END + MiB, 0) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, 0, 3 * MiB) == NULL);
	/* Whole ranges fit; one more byte does not. */
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END, MiB + 1) == NULL);
}

static void test_guest_mem_ptr_rejects_mmio_hole(void)
{
	struct guest_mem mem;

	split_layout(&mem);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_START, 1) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_START + 0x800, 4) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END - 1, 1) == NULL);
	/* Starting in the hole and ending in the upper range. */
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END - 4, 8) == NULL);
	EXPECT_FALSE(guest_mem_contains(&mem, HOLE_START, 1));
	EXPECT_TRUE(guest_mem_contains(&mem, HOLE_END, 1));
}

static void test_guest_mem_ptr_rejects_wrap_around(void)
{
	struct guest_mem mem;

	split_layout(&mem);
	EXPECT_TRUE(guest_mem_ptr(&mem, UINT64_MAX, 1) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, UINT64_MAX - 7, 16) == NULL);
	/* gpa + len wraps to a small address inside RAM. */
	EXPECT_TRUE(guest_mem_ptr(&mem, 0x1000, UINT64_MAX) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, HOLE_END + 0x10, UINT64_MAX - HOLE_END) == NULL);
	EXPECT_TRUE(guest_mem_ptr(&mem, UINT64_MAX - 0xfff, 0x2000) == NULL);
}

static CU_TestInfo guest_mem_tests[] = {
	UNIT_TEST(test_guest_mem_layout_keeps_small_ram_in_one_range),
	UNIT_TEST(test_guest_mem_layout_moves_ram_past_hole),
	UNIT_TEST(test_guest_mem_ptr_maps_both_ranges_to_host),
	UNIT_TEST(test_guest_mem_ptr_rejects_range_crossing_range_end),
	UNIT_TEST(test_guest_mem_ptr_rejects_mmio_hole),
	UNIT_TEST(test_guest_mem_ptr_rejects_wrap_around),
	CU_TEST_INFO_NULL,
};

static void unit_register_guest_mem(void)
{
	unit_add_suite("guest_mem", guest_mem_tests);
}

UNIT_REGISTER(unit_register_guest_mem)
