/* mprotect and mremap on process address spaces (guest/kernel/mm/mprotect.c,
 * mremap.c) on the host: splitting and merging back, the entries following
 * the new rights, PROT_NONE keeping contents, moves that carry the pages
 * along, and Linux's errno values. */
#include <vitro/errno.h>
#include <vitro/mm_user.h>

#include "mm_world.h"
#include "unit.h"

#define P PAGE_SIZE
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static uint8_t byte_at(struct mm_struct *mm, uint64_t addr)
{
	uint8_t value = 0xee;

	EXPECT_EQ(mm_user_read(mm, addr, &value, 1), 0);
	return value;
}

static void put_byte(struct mm_struct *mm, uint64_t addr, uint8_t value)
{
	EXPECT_EQ(mm_user_write(mm, addr, &value, 1), 0);
}

static void test_mprotect_splits_the_area_and_merges_it_back(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0, 3 * P, RW, ANON, NULL, 0);
	uint8_t value = 1;

	put_byte(mm, a, 'a');
	put_byte(mm, a + P, 'b');
	put_byte(mm, a + 2 * P, 'c');
	mm_world_reset_flushes();
	EXPECT_EQ(vm_mprotect(mm, a + P, P, PROT_READ), 0);
	EXPECT_EQ(mm->map_count, 3);
	EXPECT_EQ(mm_vma_at(mm, a + P)->vm_flags & VM_ACCESS_FLAGS, VM_READ);
	EXPECT_FALSE(mm_pte_flags(mm, a + P) & PTE_WRITE);
	EXPECT_TRUE(mm_pte_flags(mm, a) & PTE_WRITE);
	EXPECT_TRUE(mm_world_flushes.start <= a + P && mm_world_flushes.end >= a + 2 * P);
	EXPECT_EQ(mm_user_write(mm, a + P, &value, 1), FAULT_ACCERR);
	EXPECT_EQ(byte_at(mm, a + P), 'b');
	EXPECT_EQ(mm->data_vm, 2);

	EXPECT_EQ(vm_mprotect(mm, a + P, P, RW), 0);
	EXPECT_EQ(mm->map_count, 1);
	EXPECT_EQ(mm->data_vm, 3);
	/* The page is this mapping's alone: writable again without a fault. */
	EXPECT_TRUE(mm_pte_flags(mm, a + P) & PTE_WRITE);
	put_byte(mm, a + P, 'B');
	EXPECT_EQ(byte_at(mm, a + P), 'B');
	mm_world_end(mm);
}

static void test_mprotect_none_hides_the_pages_but_keeps_them(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0, 2 * P, RW | PROT_EXEC, ANON, NULL, 0);
	uint8_t value;

	put_byte(mm, a + 9, 'k');
	EXPECT_FALSE(mm_pte_flags(mm, a) & PTE_NX);
	EXPECT_EQ(vm_mprotect(mm, a, 2 * P, PROT_NONE), 0);
	EXPECT_EQ(mm_phys(mm, a), 0); /* not present to the MMU */
	EXPECT_EQ(mm_user_read(mm, a + 9, &value, 1), FAULT_ACCERR);
	EXPECT_EQ(get_mm_rss(mm), 1);
	EXPECT_EQ(vm_mprotect(mm, a, 2 * P, PROT_READ), 0);
	EXPECT_EQ(byte_at(mm, a + 9), 'k');
	EXPECT_TRUE(mm_pte_flags(mm, a) & PTE_NX);
	EXPECT_EQ(get_mm_rss(mm), 1);
	mm_world_end(mm);
}

static void test_mprotect_checks_arguments_and_stops_at_a_hole(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, 2 * P, RW, ANON, NULL, 0);
	uint64_t stack = (uint64_t)vm_mmap(mm, 0x20000000, 2 * P, RW,
					   ANON | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);

	(void)vm_mmap(mm, 0x10003000, P, RW, ANON, NULL, 0);
	EXPECT_EQ(vm_mprotect(mm, a + 1, P, PROT_READ), -EINVAL);
	EXPECT_EQ(vm_mprotect(mm, a, P, 0x10), -EINVAL);
	EXPECT_EQ(vm_mprotect(mm, a, 0, PROT_READ), 0);
	EXPECT_EQ(vm_mprotect(mm, 0x30000000, P, PROT_READ), -ENOMEM);
	EXPECT_EQ(vm_mprotect(mm, a - P, 2 * P, PROT_READ), -ENOMEM);
	EXPECT_EQ(vm_mprotect(mm, a, UINT64_MAX - 2, PROT_READ), -ENOMEM);
	/* The part before the hole changes, as on Linux. */
	EXPECT_EQ(vm_mprotect(mm, a, 4 * P, PROT_READ), -ENOMEM);
	EXPECT_EQ(mm_vma_at(mm, a)->vm_flags & VM_ACCESS_FLAGS, VM_READ);
	EXPECT_EQ(mm_vma_at(mm, 0x10003000)->vm_flags & VM_ACCESS_FLAGS, VM_READ | VM_WRITE);
	/* PROT_GROWSDOWN reaches down to a stack's start, and only a stack's. */
	EXPECT_EQ(vm_mprotect(mm, a + P, P, PROT_READ | PROT_GROWSDOWN), -EINVAL);
	EXPECT_EQ(vm_mprotect(mm, stack + P, P, PROT_READ | PROT_GROWSDOWN), 0);
	EXPECT_EQ(mm_vma_at(mm, stack)->vm_flags & VM_ACCESS_FLAGS, VM_READ);
	EXPECT_EQ(mm_vma_at(mm, stack)->vm_end, stack + 2 * P);
	EXPECT_EQ(vm_mprotect(mm, stack, P, PROT_READ | PROT_GROWSUP), -EINVAL);
	mm_world_end(mm);
}

static void test_mremap_move_carries_the_pages_along(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, 2 * P, RW, ANON, NULL, 0), b, phys;
	uint8_t value;

	put_byte(mm, a, 'A');
	put_byte(mm, a + P, 'B');
	phys = mm_phys(mm, a + P);
	(void)vm_mmap(mm, a + 2 * P, P, PROT_READ, ANON | MAP_FIXED, NULL, 0); /* in the way */
	EXPECT_EQ(vm_mremap(mm, a, 2 * P, 4 * P, 0, 0), -ENOMEM);
	b = (uint64_t)vm_mremap(mm, a, 2 * P, 4 * P, MREMAP_MAYMOVE, 0);
	EXPECT_TRUE(b != a && !(b & ~PAGE_MASK));
	EXPECT_EQ(byte_at(mm, b), 'A');
	EXPECT_EQ(byte_at(mm, b + P), 'B');
	EXPECT_EQ(mm_phys(mm, b + P), phys); /* moved, not copied */
	EXPECT_EQ(byte_at(mm, b + 3 * P), 0);
	EXPECT_EQ(mm_user_read(mm, a, &value, 1), FAULT_MAPERR);
	EXPECT_EQ(mm_vma_at(mm, b)->vm_end, b + 4 * P);
	EXPECT_EQ(get_mm_rss(mm), 3);
	EXPECT_EQ(mm->total_vm, 5);
	mm_world_end(mm);
}

static void test_mremap_grows_in_place_and_shrinks(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, 2 * P, RW, ANON, NULL, 0);
	uint8_t value;

	put_byte(mm, a + P, 'x');
	EXPECT_EQ(vm_mremap(mm, a, 2 * P, 4 * P, 0, 0), (long)a);
	EXPECT_EQ(mm_vma_at(mm, a)->vm_end, a + 4 * P);
	put_byte(mm, a + 3 * P, 'y');
	EXPECT_EQ(mm->total_vm, 4);
	EXPECT_EQ(vm_mremap(mm, a, 4 * P, P, 0, 0), (long)a);
	EXPECT_EQ(mm_vma_at(mm, a)->vm_end, a + P);
	EXPECT_EQ(get_mm_rss(mm), 0);
	EXPECT_EQ(mm_user_read(mm, a + P, &value, 1), FAULT_MAPERR);
	EXPECT_EQ(vm_mremap(mm, a, P, P, 0, 0), (long)a);
	EXPECT_EQ(mm->total_vm, 1);
	mm_world_end(mm);
}

static void test_mremap_fixed_moves_over_what_was_at_the_target(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, P, RW, ANON, NULL, 0);
	uint64_t target = (uint64_t)vm_mmap(mm, 0x20000000, 3 * P, RW, ANON, NULL, 0);

	put_byte(mm, a, 'm');
	put_byte(mm, target + P, 'o');
	EXPECT_EQ(vm_mremap(mm, a, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, target + P),
		  (long)(target + P));
	EXPECT_EQ(byte_at(mm, target + P), 'm');
	EXPECT_EQ(byte_at(mm, target), 0);
	EXPECT_TRUE(mm_vma_at(mm, a) == NULL);
	EXPECT_EQ(get_mm_rss(mm), 2);
	mm_world_end(mm);
}

static void test_mremap_rejects_what_linux_rejects(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, 2 * P, RW, ANON, NULL, 0);

	EXPECT_EQ(vm_mremap(mm, a, P, 2 * P, 0x40, 0), -EINVAL);
	EXPECT_EQ(vm_mremap(mm, a, P, P, MREMAP_FIXED, 0x30000000), -EINVAL);
	EXPECT_EQ(vm_mremap(mm, a, P, 2 * P, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0), -EINVAL);
	EXPECT_EQ(vm_mremap(mm, a + 5, P, P, MREMAP_MAYMOVE, 0), -EINVAL);
	EXPECT_EQ(vm_mremap(mm, a, P, 0, MREMAP_MAYMOVE, 0), -EINVAL);
	EXPECT_EQ(vm_mremap(mm, 0x30000000, P, 2 * P, MREMAP_MAYMOVE, 0), -EFAULT);
	EXPECT_EQ(vm_mremap(mm, a, 3 * P, 4 * P, MREMAP_MAYMOVE, 0), -EFAULT);
	EXPECT_EQ(vm_mremap(mm, a, 0, P, MREMAP_MAYMOVE, 0), -EINVAL); /* private: no copy */
	EXPECT_EQ(vm_mremap(mm, a + P, P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, a), -EINVAL);
	EXPECT_EQ(vm_mremap(mm, a, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, a + 3), -EINVAL);
	EXPECT_EQ(mm->map_count, 1);
	mm_world_end(mm);
}

static void test_mremap_dontunmap_leaves_the_old_area_empty(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, P, RW, ANON, NULL, 0), b;

	put_byte(mm, a, 'd');
	b = (uint64_t)vm_mremap(mm, a, P, P, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	EXPECT_TRUE(b != a && (long)b > 0);
	EXPECT_EQ(byte_at(mm, b), 'd');
	EXPECT_TRUE(mm_vma_at(mm, a) != NULL);
	EXPECT_EQ(byte_at(mm, a), 0);
	EXPECT_EQ(mm->map_count, 2);
	mm_world_end(mm);
}

static void test_mremap_old_len_zero_maps_shared_memory_twice(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0, P, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0), b;

	put_byte(mm, a, 'S');
	b = (uint64_t)vm_mremap(mm, a, 0, P, MREMAP_MAYMOVE, 0);
	EXPECT_TRUE(b != a && (long)b > 0);
	EXPECT_EQ(byte_at(mm, b), 'S');
	put_byte(mm, b + 1, 'T');
	EXPECT_EQ(byte_at(mm, a + 1), 'T');
	EXPECT_EQ(get_mm_counter(mm, MM_SHMEMPAGES), 2); /* one page, mapped twice */
	mm_world_end(mm);
}

static CU_TestInfo mm_remap_tests[] = {
	UNIT_TEST(test_mprotect_splits_the_area_and_merges_it_back),
	UNIT_TEST(test_mprotect_none_hides_the_pages_but_keeps_them),
	UNIT_TEST(test_mprotect_checks_arguments_and_stops_at_a_hole),
	UNIT_TEST(test_mremap_move_carries_the_pages_along),
	UNIT_TEST(test_mremap_grows_in_place_and_shrinks),
	UNIT_TEST(test_mremap_fixed_moves_over_what_was_at_the_target),
	UNIT_TEST(test_mremap_rejects_what_linux_rejects),
	UNIT_TEST(test_mremap_dontunmap_leaves_the_old_area_empty),
	UNIT_TEST(test_mremap_old_len_zero_maps_shared_memory_twice),
	CU_TEST_INFO_NULL,
};

static void unit_register_mm_remap(void)
{
	unit_add_suite("mm_remap", mm_remap_tests);
}

UNIT_REGISTER(unit_register_mm_remap)
