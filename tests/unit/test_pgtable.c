/* The x86-64 page-table builder (guest/kernel/mm/pgtable.c) on simulated
 * physical memory: which leaf sizes it picks, what lookups return, and the
 * errors for overlaps, bad arguments and no memory. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>

#include "unit.h"

#define SIM_BYTES (8u << 20)
#define TABLE_POOL_START 0x100000ull

static uint8_t *sim_ram;
static uint64_t next_table;
static unsigned int tables_allocated;
static unsigned int tables_left;

static uint64_t bump_alloc_table(void)
{
	uint64_t phys;

	if (!tables_left || next_table + PAGE_SIZE > SIM_BYTES)
		return 0;
	tables_left--;
	tables_allocated++;
	phys = next_table;
	next_table += PAGE_SIZE;
	memset(host_phys_base + phys, 0, PAGE_SIZE);
	return phys;
}

static struct pgtable fresh(bool has_1g)
{
	struct pgtable pt;

	if (!sim_ram) {
		sim_ram = mmap(NULL, SIM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (sim_ram == MAP_FAILED)
			abort();
	}
	host_phys_base = sim_ram;
	next_table = TABLE_POOL_START;
	tables_allocated = 0;
	tables_left = 1000;
	EXPECT_EQ(pgtable_create(&pt, has_1g, bump_alloc_table), 0);
	return pt;
}

static uint64_t size_at(struct pgtable *pt, uint64_t virt)
{
	uint64_t size = 0;

	if (!pgtable_lookup(pt, virt, NULL, NULL, &size))
		return 0;
	return size;
}

static void test_pgtable_maps_4k_page_and_nothing_around_it(void)
{
	struct pgtable pt = fresh(true);
	uint64_t phys, flags, size;

	EXPECT_EQ(pgtable_map(&pt, 0xffffc90000001000ull, 0x5000, PAGE_SIZE, PROT_KERNEL_RW), 0);
	EXPECT_TRUE(pgtable_lookup(&pt, 0xffffc90000001234ull, &phys, &flags, &size));
	EXPECT_EQ(phys, 0x5234);
	EXPECT_EQ(size, PGTABLE_SIZE_4K);
	EXPECT_TRUE(flags & PTE_NX);
	EXPECT_TRUE(flags & PTE_WRITE);
	EXPECT_FALSE(flags & PTE_HUGE);
	EXPECT_FALSE(pgtable_lookup(&pt, 0xffffc90000000fffull, NULL, NULL, NULL));
	EXPECT_FALSE(pgtable_lookup(&pt, 0xffffc90000002000ull, NULL, NULL, NULL));
	EXPECT_EQ(tables_allocated, 4); /* PML4, PDPT, PD, PT */
}

static void test_pgtable_uses_1g_leaves_when_the_cpu_has_them(void)
{
	struct pgtable pt = fresh(true);
	uint64_t phys;

	EXPECT_EQ(pgtable_map(&pt, 0xffff888000000000ull, 0, 2ull << 30, PROT_KERNEL_RW), 0);
	EXPECT_EQ(size_at(&pt, 0xffff888000000000ull), PGTABLE_SIZE_1G);
	EXPECT_TRUE(pgtable_lookup(&pt, 0xffff888000000000ull + 0x40001234ull, &phys, NULL, NULL));
	EXPECT_EQ(phys, 0x40001234ull);
	EXPECT_EQ(tables_allocated, 2); /* PML4, PDPT */
}

static void test_pgtable_uses_2m_leaves_without_1g_pages(void)
{
	struct pgtable pt = fresh(false);

	EXPECT_EQ(pgtable_map(&pt, 0xffff888000000000ull, 0, 1ull << 30, PROT_KERNEL_RW), 0);
	EXPECT_EQ(size_at(&pt, 0xffff888000000000ull), PGTABLE_SIZE_2M);
	EXPECT_EQ(size_at(&pt, 0xffff888000000000ull + (1ull << 30) - 1), PGTABLE_SIZE_2M);
	EXPECT_EQ(tables_allocated, 3); /* PML4, PDPT, one PD */
}

static void test_pgtable_splits_unaligned_range_into_largest_pieces(void)
{
	struct pgtable pt = fresh(true);
	uint64_t base = 0xffff888000000000ull;

	/* [1 MiB, 5 MiB): 4 KiB pages up to 2 MiB, one 2 MiB page, 4 KiB after. */
	EXPECT_EQ(pgtable_map(&pt, base + 0x100000, 0x100000, 0x400000, PROT_KERNEL_RW), 0);
	EXPECT_EQ(size_at(&pt, base + 0x100000), PGTABLE_SIZE_4K);
	EXPECT_EQ(size_at(&pt, base + 0x1ff000), PGTABLE_SIZE_4K);
	EXPECT_EQ(size_at(&pt, base + 0x200000), PGTABLE_SIZE_2M);
	EXPECT_EQ(size_at(&pt, base + 0x3fffff), PGTABLE_SIZE_2M);
	EXPECT_EQ(size_at(&pt, base + 0x400000), PGTABLE_SIZE_4K);
	EXPECT_EQ(size_at(&pt, base + 0x4ff000), PGTABLE_SIZE_4K);
	EXPECT_EQ(size_at(&pt, base + 0x500000), 0);
	EXPECT_EQ(size_at(&pt, base + 0xff000), 0);
}

static void test_pgtable_large_page_needs_physical_alignment_too(void)
{
	struct pgtable pt = fresh(true);

	/* Virtually 2 MiB aligned, physically not: only 4 KiB pages fit. */
	EXPECT_EQ(
		pgtable_map(&pt, 0xffffc90000200000ull, 0x201000, PGTABLE_SIZE_2M, PROT_KERNEL_RO),
		0);
	EXPECT_EQ(size_at(&pt, 0xffffc90000200000ull), PGTABLE_SIZE_4K);
}

static void test_pgtable_refuses_to_map_over_existing_mapping(void)
{
	struct pgtable pt = fresh(true);
	uint64_t base = 0xffffc90000000000ull, phys;

	EXPECT_EQ(pgtable_map(&pt, base, 0x200000, PGTABLE_SIZE_2M, PROT_KERNEL_RW), 0);
	EXPECT_EQ(pgtable_map(&pt, base + 0x1000, 0x9000, PAGE_SIZE, PROT_KERNEL_RW), -EEXIST);
	EXPECT_EQ(pgtable_map(&pt, base, 0x400000, PGTABLE_SIZE_2M, PROT_KERNEL_RW), -EEXIST);
	EXPECT_TRUE(pgtable_lookup(&pt, base + 0x1000, &phys, NULL, NULL));
	EXPECT_EQ(phys, 0x201000);
}

static void test_pgtable_rejects_bad_arguments(void)
{
	struct pgtable pt = fresh(true);

	EXPECT_EQ(pgtable_map(&pt, 0xffffc90000000100ull, 0, PAGE_SIZE, PROT_KERNEL_RW), -EINVAL);
	EXPECT_EQ(pgtable_map(&pt, 0xffffc90000000000ull, 0x10, PAGE_SIZE, PROT_KERNEL_RW),
		  -EINVAL);
	EXPECT_EQ(pgtable_map(&pt, 0xffffc90000000000ull, 0, 100, PROT_KERNEL_RW), -EINVAL);
	EXPECT_EQ(pgtable_map(&pt, 0xffffc90000000000ull, 0, 0, PROT_KERNEL_RW), -EINVAL);
	/* Non-canonical: bits 63:48 must copy bit 47. */
	EXPECT_EQ(pgtable_map(&pt, 0x0000800000000000ull, 0, PAGE_SIZE, PROT_KERNEL_RW), -EINVAL);
	EXPECT_EQ(pgtable_map(&pt, 0x00007ffffffff000ull, 0, 2 * PAGE_SIZE, PROT_KERNEL_RW),
		  -EINVAL);
	EXPECT_FALSE(pgtable_lookup(&pt, 0x0000800000000000ull, NULL, NULL, NULL));
}

static void test_pgtable_reports_no_memory_for_tables(void)
{
	struct pgtable pt = fresh(true);

	tables_left = 1; /* a PDPT, but no PD */
	EXPECT_EQ(pgtable_map(&pt, 0xffffc90000000000ull, 0, PAGE_SIZE, PROT_KERNEL_RW), -ENOMEM);
	EXPECT_FALSE(pgtable_lookup(&pt, 0xffffc90000000000ull, NULL, NULL, NULL));
}

static void test_pgtable_unmaps_pages_and_whole_large_pages_only(void)
{
	struct pgtable pt = fresh(true);
	uint64_t base = 0xffffc90000000000ull;

	EXPECT_EQ(pgtable_map(&pt, base, 0x200000, 2 * PGTABLE_SIZE_2M, PROT_KERNEL_RW), 0);
	EXPECT_EQ(pgtable_unmap(&pt, base + 0x1000, PAGE_SIZE), -EINVAL);
	EXPECT_EQ(size_at(&pt, base + 0x1000), PGTABLE_SIZE_2M);
	EXPECT_EQ(pgtable_unmap(&pt, base, PGTABLE_SIZE_2M), 0);
	EXPECT_EQ(size_at(&pt, base), 0);
	EXPECT_EQ(size_at(&pt, base + PGTABLE_SIZE_2M), PGTABLE_SIZE_2M);

	EXPECT_EQ(pgtable_map(&pt, base, 0x5000, 3 * PAGE_SIZE, PROT_KERNEL_RW), 0);
	/* Holes inside the range are fine. */
	EXPECT_EQ(pgtable_unmap(&pt, base + PAGE_SIZE, 4 * PAGE_SIZE), 0);
	EXPECT_EQ(size_at(&pt, base), PGTABLE_SIZE_4K);
	EXPECT_EQ(size_at(&pt, base + PAGE_SIZE), 0);
	EXPECT_EQ(size_at(&pt, base + 2 * PAGE_SIZE), 0);
}

static void test_pgtable_keeps_protection_bits_and_sets_huge_only_on_large_leaves(void)
{
	struct pgtable pt = fresh(true);
	uint64_t flags;

	EXPECT_EQ(pgtable_map(&pt, 0xffffffff80100000ull, 0x100000, PAGE_SIZE, PROT_KERNEL_RX), 0);
	EXPECT_TRUE(pgtable_lookup(&pt, 0xffffffff80100000ull, NULL, &flags, NULL));
	EXPECT_EQ(flags & (PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_GLOBAL | PTE_HUGE),
		  PTE_PRESENT | PTE_GLOBAL);
	EXPECT_EQ(pgtable_map(&pt, 0xffff888000000000ull, 0, PGTABLE_SIZE_2M, PROT_KERNEL_MMIO), 0);
	EXPECT_TRUE(pgtable_lookup(&pt, 0xffff888000000000ull, NULL, &flags, NULL));
	EXPECT_EQ(flags & (PTE_PCD | PTE_PWT | PTE_HUGE), PTE_PCD | PTE_PWT | PTE_HUGE);
}

/* --- entry-level access (process address spaces) --------------------------- */

static uint64_t entry_of(uint64_t table_phys, unsigned int index)
{
	return ((const uint64_t *)phys_to_virt(table_phys))[index];
}

static void test_pgtable_pte_alloc_puts_user_bit_on_the_whole_user_path(void)
{
	struct pgtable pt = fresh(false);
	uint64_t *pte, pml4e, pdpte, pde, phys;

	/* A kernel-only path first: its tables get PTE_USER once a user entry
	 * needs them. */
	pte = pgtable_pte_alloc(&pt, 0x400000, false);
	EXPECT_TRUE(pte != NULL);
	EXPECT_FALSE(entry_of(pt.root_phys, 0) & PTE_USER);
	EXPECT_EQ(tables_allocated, 4);
	EXPECT_TRUE(pgtable_pte_alloc(&pt, 0x401000, true) == pte + 1);
	EXPECT_EQ(tables_allocated, 4);
	pml4e = entry_of(pt.root_phys, 0);
	pdpte = entry_of(pml4e & PTE_ADDR_MASK, 0);
	pde = entry_of(pdpte & PTE_ADDR_MASK, 2);
	EXPECT_EQ(pml4e & (PTE_PRESENT | PTE_WRITE | PTE_USER), PTE_PRESENT | PTE_WRITE | PTE_USER);
	EXPECT_EQ(pdpte & PTE_USER, PTE_USER);
	EXPECT_EQ(pde & PTE_USER, PTE_USER);
	pte[1] = 0x9000 | PTE_PRESENT | PTE_USER;
	EXPECT_TRUE(pgtable_lookup(&pt, 0x401234, &phys, NULL, NULL));
	EXPECT_EQ(phys, 0x9234);
	EXPECT_TRUE(pgtable_pte_find(&pt, 0x5ff000) == pte + 511);
	EXPECT_TRUE(pgtable_pte_find(&pt, 0x600000) == NULL); /* no table for that 2 MiB */
	EXPECT_TRUE(pgtable_pte_find(&pt, 0x0000800000000000ull) == NULL);
	EXPECT_TRUE(pgtable_pte_alloc(&pt, 0x0000800000000000ull, true) == NULL);
}

static void test_pgtable_pte_alloc_fails_cleanly_without_memory_or_under_large_page(void)
{
	struct pgtable pt = fresh(false);

	tables_left = 2;
	EXPECT_TRUE(pgtable_pte_alloc(&pt, 0x400000, true) == NULL);
	EXPECT_EQ(
		pgtable_map(&pt, 0xffffc90000200000ull, 0x200000, PGTABLE_SIZE_2M, PROT_KERNEL_RW),
		-ENOMEM);
	tables_left = 10;
	EXPECT_EQ(
		pgtable_map(&pt, 0xffffc90000200000ull, 0x200000, PGTABLE_SIZE_2M, PROT_KERNEL_RW),
		0);
	EXPECT_TRUE(pgtable_pte_alloc(&pt, 0xffffc90000201000ull, false) == NULL);
	EXPECT_TRUE(pgtable_pte_find(&pt, 0xffffc90000201000ull) == NULL);
}

#define MAX_VISITS 16

struct visits {
	unsigned int nr;
	uint64_t virt[MAX_VISITS];
	uint64_t entry[MAX_VISITS];
	unsigned int stop_after; /* 0: never */
};

static int record_visit(uint64_t *pte, uint64_t virt, void *arg)
{
	struct visits *v = arg;

	if (v->nr < MAX_VISITS) {
		v->virt[v->nr] = virt;
		v->entry[v->nr] = *pte;
	}
	v->nr++;
	return v->stop_after && v->nr == v->stop_after ? 7 : 0;
}

static void test_pgtable_walk_ptes_visits_nonzero_entries_in_range_in_order(void)
{
	struct pgtable pt = fresh(false);
	static const uint64_t addrs[] = { 0x3ff000, 0x400000, 0x5ff000, 0x40000000,
					  0x7fffffe00000 };
	struct visits v = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++)
		*pgtable_pte_alloc(&pt, addrs[i], true) = (i + 1) << PAGE_SHIFT | PTE_PRESENT;
	*pgtable_pte_alloc(&pt, 0x401000, true) = PTE_SOFT_10; /* not present, but in use */
	pgtable_pte_alloc(&pt, 0x402000, true); /* zero: skipped */

	EXPECT_EQ(pgtable_walk_ptes(&pt, 0x400000, 0x7ffffffff000ull, record_visit, &v), 0);
	EXPECT_EQ(v.nr, 5);
	EXPECT_EQ(v.virt[0], 0x400000);
	EXPECT_EQ(v.virt[1], 0x401000);
	EXPECT_EQ(v.entry[1], PTE_SOFT_10);
	EXPECT_EQ(v.virt[2], 0x5ff000);
	EXPECT_EQ(v.virt[3], 0x40000000);
	EXPECT_EQ(v.virt[4], 0x7fffffe00000ull);
	EXPECT_EQ(v.entry[4], 5 << PAGE_SHIFT | PTE_PRESENT);

	v = (struct visits){ .stop_after = 2 };
	EXPECT_EQ(pgtable_walk_ptes(&pt, 0, 0x0000800000000000ull, record_visit, &v), 7);
	EXPECT_EQ(v.nr, 2);
	EXPECT_EQ(v.virt[1], 0x400000);

	v = (struct visits){ 0 };
	EXPECT_EQ(pgtable_walk_ptes(&pt, 0x5ff000, 0x5ff000, record_visit, &v), -EINVAL);
	EXPECT_EQ(pgtable_walk_ptes(&pt, 0x5ff800, 0x600000, record_visit, &v), -EINVAL);
	EXPECT_EQ(v.nr, 0);
}

static unsigned int tables_freed;

static void count_free_table(uint64_t phys, void *arg)
{
	(void)arg;
	EXPECT_TRUE(phys >= TABLE_POOL_START && phys < next_table);
	tables_freed++;
}

static void test_pgtable_free_tables_frees_only_tables_inside_floor_and_ceiling(void)
{
	struct pgtable pt = fresh(false);
	uint64_t *pte_a, *pte_b;

	pte_a = pgtable_pte_alloc(&pt, 0x400000, true); /* PDPT, PD, PT for [4M, 6M) */
	pte_b = pgtable_pte_alloc(&pt, 0x600000, true); /* a second PT: [6M, 8M) */
	*pte_a = 0x1000 | PTE_PRESENT;
	*pte_b = 0x2000 | PTE_PRESENT;
	EXPECT_EQ(tables_allocated, 5);

	/* b's page went; the area ending at 0x401000 is still there. */
	*pte_b = 0;
	tables_freed = 0;
	pgtable_free_tables(&pt, 0x600000, 0x601000, 0x401000, 0x0000800000000000ull,
			    count_free_table, NULL);
	EXPECT_EQ(tables_freed, 1);
	EXPECT_TRUE(pgtable_pte_find(&pt, 0x600000) == NULL);
	EXPECT_TRUE(pgtable_pte_find(&pt, 0x400000) == pte_a);

	/* A neighbour just above keeps the table it shares. */
	*pte_a = 0;
	pgtable_pte_alloc(&pt, 0x5ff000, true);
	pgtable_free_tables(&pt, 0x400000, 0x401000, 0, 0x5ff000, count_free_table, NULL);
	EXPECT_EQ(tables_freed, 1);

	/* Everything: the PT, PD and PDPT go, the root stays. */
	pgtable_free_tables(&pt, 0, 0x0000800000000000ull, 0, 0x0000800000000000ull,
			    count_free_table, NULL);
	EXPECT_EQ(tables_freed, 4);
	EXPECT_EQ(entry_of(pt.root_phys, 0), 0);
}

static CU_TestInfo pgtable_tests[] = {
	UNIT_TEST(test_pgtable_maps_4k_page_and_nothing_around_it),
	UNIT_TEST(test_pgtable_uses_1g_leaves_when_the_cpu_has_them),
	UNIT_TEST(test_pgtable_uses_2m_leaves_without_1g_pages),
	UNIT_TEST(test_pgtable_splits_unaligned_range_into_largest_pieces),
	UNIT_TEST(test_pgtable_large_page_needs_physical_alignment_too),
	UNIT_TEST(test_pgtable_refuses_to_map_over_existing_mapping),
	UNIT_TEST(test_pgtable_rejects_bad_arguments),
	UNIT_TEST(test_pgtable_reports_no_memory_for_tables),
	UNIT_TEST(test_pgtable_unmaps_pages_and_whole_large_pages_only),
	UNIT_TEST(test_pgtable_keeps_protection_bits_and_sets_huge_only_on_large_leaves),
	UNIT_TEST(test_pgtable_pte_alloc_puts_user_bit_on_the_whole_user_path),
	UNIT_TEST(test_pgtable_pte_alloc_fails_cleanly_without_memory_or_under_large_page),
	UNIT_TEST(test_pgtable_walk_ptes_visits_nonzero_entries_in_range_in_order),
	UNIT_TEST(test_pgtable_free_tables_frees_only_tables_inside_floor_and_ceiling),
	CU_TEST_INFO_NULL,
};

static void unit_register_pgtable(void)
{
	unit_add_suite("pgtable", pgtable_tests);
}

UNIT_REGISTER(unit_register_pgtable)
