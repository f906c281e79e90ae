/* Tests for the gdb stub's page-table walk (vmm/gdb/guest_walk.c): page
 * tables built by hand in a small guest RAM, as the guest kernel builds them. */
#include <errno.h>
#include <string.h>

#include "../../vmm/gdb/guest_walk.h"
#include "../../vmm/guest_mem.h"
#include "unit.h"

#define RAM_BYTES (4ull << 20)
#define P 0x1ull
#define RW 0x2ull
#define PS 0x80ull
#define PML4_GPA 0x1000ull
#define PDPT_GPA 0x2000ull
#define PD_GPA 0x3000ull
#define PT_GPA 0x4000ull

static uint8_t ram[RAM_BYTES];

static void set_entry(uint64_t table_gpa, unsigned int index, uint64_t value)
{
	memcpy(ram + table_gpa + index * 8, &value, 8);
}

static unsigned int index_at(uint64_t va, unsigned int level)
{
	return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* 4-level tables for the kernel's -2 GiB mapping: one 4 KiB page, one
 * 2 MiB page and one 1 GiB page. */
#define VA_4K 0xffffffff80001000ull
#define VA_2M 0xffffffff80200000ull
#define VA_1G 0xffff888040000000ull

static void build_long_mode_tables(struct guest_mem *mem, struct guest_paging *paging)
{
	memset(ram, 0, RAM_BYTES);
	guest_mem_layout(mem, ram, RAM_BYTES, 0xc0000000ull, 0x100000000ull);
	set_entry(PML4_GPA, index_at(VA_4K, 4), PDPT_GPA | P | RW);
	set_entry(PDPT_GPA, index_at(VA_4K, 3), PD_GPA | P | RW);
	set_entry(PD_GPA, index_at(VA_4K, 2), PT_GPA | P | RW);
	set_entry(PT_GPA, index_at(VA_4K, 1), 0x5000 | P | RW);
	set_entry(PD_GPA, index_at(VA_2M, 2), 0x200000 | P | RW | PS);
	/* The 1 GiB page goes through its own PML4 slot and PDPT. */
	set_entry(PML4_GPA, index_at(VA_1G, 4), 0x6000 | P | RW);
	set_entry(0x6000, index_at(VA_1G, 3), 0x80000000ull | P | RW | PS);
	*paging = (struct guest_paging){
		.cr0 = X86_CR0_PG | 1,
		.cr3 = PML4_GPA,
		.cr4 = X86_CR4_PAE,
		.efer = X86_EFER_LMA | (1 << 8),
	};
}

static void test_guest_walk_maps_4k_page(void)
{
	struct guest_paging paging;
	struct guest_mem mem;
	uint64_t gpa, size;

	build_long_mode_tables(&mem, &paging);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_4K + 0x123, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x5123);
	EXPECT_EQ(size, 4096);
}

static void test_guest_walk_maps_2m_and_1g_pages(void)
{
	struct guest_paging paging;
	struct guest_mem mem;
	uint64_t gpa, size;

	build_long_mode_tables(&mem, &paging);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_2M + 0x12345, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x212345);
	EXPECT_EQ(size, 2ull << 20);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_1G + 0x3456789, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x83456789ull);
	EXPECT_EQ(size, 1ull << 30);
}

static void test_guest_walk_fails_on_not_present_entries(void)
{
	struct guest_paging paging;
	struct guest_mem mem;
	uint64_t gpa = 0, size = 0;

	build_long_mode_tables(&mem, &paging);
	/* The next 4 KiB page has no PTE, the next PML4 slot nothing. */
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_4K + 0x1000, &gpa, &size), -EFAULT);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0x1000, &gpa, &size), -EFAULT);
	set_entry(PT_GPA, index_at(VA_4K, 1), 0x5000 | RW);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_4K, &gpa, &size), -EFAULT);
}

static void test_guest_walk_rejects_non_canonical_addresses(void)
{
	struct guest_paging paging;
	struct guest_mem mem;
	uint64_t gpa, size;

	build_long_mode_tables(&mem, &paging);
	/* Bit 47 clear but upper bits set: the same PML4 slot, not canonical. */
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_4K & ~(1ull << 47), &gpa, &size), -EFAULT);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0x0000800000000000ull, &gpa, &size), -EFAULT);
}

static void test_guest_walk_survives_tables_outside_ram(void)
{
	struct guest_paging paging;
	struct guest_mem mem;
	uint64_t gpa, size;

	build_long_mode_tables(&mem, &paging);
	/* A PD pointing into the MMIO hole and a CR3 beyond RAM. */
	set_entry(PDPT_GPA, index_at(VA_4K, 3), 0xfee00000ull | P | RW);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_4K, &gpa, &size), -EFAULT);
	paging.cr3 = 0x000ffffffffff000ull;
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_2M, &gpa, &size), -EFAULT);
	/* The last entry of a table at the very end of RAM is still in RAM. */
	paging.cr3 = RAM_BYTES - 4096;
	set_entry(RAM_BYTES - 4096, 511, 0);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0xffffff8000000000ull, &gpa, &size), -EFAULT);
}

static void test_guest_walk_rejects_page_size_bit_in_pml4(void)
{
	struct guest_paging paging;
	struct guest_mem mem;
	uint64_t gpa, size;

	build_long_mode_tables(&mem, &paging);
	set_entry(PML4_GPA, index_at(VA_4K, 4), PDPT_GPA | P | RW | PS);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, VA_4K, &gpa, &size), -EFAULT);
}

static void test_guest_walk_is_identity_with_paging_off(void)
{
	struct guest_paging paging = { .cr0 = 1 };
	struct guest_mem mem;
	uint64_t gpa, size;

	guest_mem_layout(&mem, ram, RAM_BYTES, 0xc0000000ull, 0x100000000ull);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0x100000, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x100000);
	EXPECT_EQ(size, 4096);
}

static void test_guest_walk_five_level_paging(void)
{
	struct guest_paging paging;
	struct guest_mem mem;
	uint64_t gpa, size;
	const uint64_t va = 0xff00000000001000ull; /* canonical with 57 bits */

	build_long_mode_tables(&mem, &paging);
	paging.cr4 |= X86_CR4_LA57;
	paging.cr3 = 0x7000;
	set_entry(0x7000, (va >> 48) & 0x1ff, 0x8000 | P | RW);
	set_entry(0x8000, index_at(va, 4), 0x9000 | P | RW);
	set_entry(0x9000, index_at(va, 3), 0xa000 | P | RW);
	set_entry(0xa000, index_at(va, 2), 0xb000 | P | RW);
	set_entry(0xb000, index_at(va, 1), 0x42000 | P | RW);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, va + 8, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x42008);
	/* Bit 56 set without the bits above it: not canonical with 57 bits. */
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0x0100000000001000ull, &gpa, &size), -EFAULT);
}

static void test_guest_walk_pae_and_32bit_paging(void)
{
	struct guest_paging paging = { .cr0 = X86_CR0_PG | 1, .cr3 = 0x1000, .cr4 = X86_CR4_PAE };
	struct guest_mem mem;
	uint32_t pde, pte;
	uint64_t gpa, size;

	memset(ram, 0, RAM_BYTES);
	guest_mem_layout(&mem, ram, RAM_BYTES, 0xc0000000ull, 0x100000000ull);
	/* PAE: PDPTE 3 (0xc0000000 and up) -> PD with a 2 MiB page. */
	set_entry(0x1000, 3, 0x2000 | P);
	set_entry(0x2000, 0, 0x400000 | P | RW | PS);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0xc0001234, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x401234);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0x100000000ull, &gpa, &size), -EFAULT);
	/* 32-bit: a 4 MiB page with PSE, a 4 KiB page through a page table. */
	paging = (struct guest_paging){ .cr0 = X86_CR0_PG | 1, .cr3 = 0x3000, .cr4 = X86_CR4_PSE };
	pde = 0x00800000 | P | PS;
	memcpy(ram + 0x3000 + 1 * 4, &pde, 4);
	pde = 0x4000 | P;
	memcpy(ram + 0x3000 + 2 * 4, &pde, 4);
	pte = 0x9000 | P;
	memcpy(ram + 0x4000 + 5 * 4, &pte, 4);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0x00400000 + 0x1234, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x801234);
	EXPECT_EQ(size, 4ull << 20);
	EXPECT_EQ(guest_walk_translate(&mem, &paging, 0x00805abc, &gpa, &size), 0);
	EXPECT_EQ(gpa, 0x9abc);
}

static CU_TestInfo guest_walk_tests[] = {
	UNIT_TEST(test_guest_walk_maps_4k_page),
	UNIT_TEST(test_guest_walk_maps_2m_and_1g_pages),
	UNIT_TEST(test_guest_walk_fails_on_not_present_entries),
	UNIT_TEST(test_guest_walk_rejects_non_canonical_addresses),
	UNIT_TEST(test_guest_walk_survives_tables_outside_ram),
	UNIT_TEST(test_guest_walk_rejects_page_size_bit_in_pml4),
	UNIT_TEST(test_guest_walk_is_identity_with_paging_off),
	UNIT_TEST(test_guest_walk_five_level_paging),
	UNIT_TEST(test_guest_walk_pae_and_32bit_paging),
	CU_TEST_INFO_NULL,
};

static void unit_register_guest_walk(void)
{
	unit_add_suite("guest_walk", guest_walk_tests);
}

UNIT_REGISTER(unit_register_guest_walk)
