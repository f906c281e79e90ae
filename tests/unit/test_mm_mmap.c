/* mmap, munmap and brk on process address spaces (guest/kernel/mm/mmap.c)
 * on the host: where areas go, which arguments fail with which errno (as on
 * Linux), MAP_FIXED over existing mappings, splitting, merging, and every
 * page and page table coming back. */
#include <vitro/errno.h>
#include <vitro/mm_user.h>

#include "kernel_heap.h"
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

static void test_mmap_places_areas_top_down_below_mmap_base(void)
{
	struct mm_struct *mm = mm_world_start();
	long a, b, c;

	a = vm_mmap(mm, 0, 2 * P, RW, ANON, NULL, 0);
	b = vm_mmap(mm, 0, P, PROT_READ, ANON, NULL, 0);
	c = vm_mmap(mm, 0, 100, RW, ANON, NULL, 0); /* rounded up to a page */
	EXPECT_EQ(a, mm->mmap_base - 2 * P);
	EXPECT_EQ(b, a - P);
	EXPECT_EQ(c, b - P);
	EXPECT_EQ(mm->map_count, 3);
	EXPECT_EQ(mm->total_vm, 4);
	EXPECT_EQ(mm->data_vm, 3); /* the private writable ones */
	/* Nothing is there until touched. */
	EXPECT_EQ(get_mm_rss(mm), 0);
	EXPECT_EQ(mm_phys(mm, (uint64_t)a), 0);
	mm_world_end(mm);
}

static void test_mmap_merges_adjacent_compatible_anonymous_areas(void)
{
	struct mm_struct *mm = mm_world_start();
	struct vm_area_struct *vma;
	long a, b, c, shared;

	a = vm_mmap(mm, 0, 2 * P, RW, ANON, NULL, 0);
	b = vm_mmap(mm, 0, P, RW, ANON, NULL, 0);
	EXPECT_EQ(b, a - P);
	c = vm_mmap(mm, (uint64_t)a + 2 * P, P, RW, ANON | MAP_FIXED, NULL, 0);
	EXPECT_EQ(c, a + 2 * P);
	EXPECT_EQ(mm->map_count, 1);
	vma = mm_vma_at(mm, (uint64_t)a);
	EXPECT_EQ(vma->vm_start, b);
	EXPECT_EQ(vma->vm_end, a + 3 * P);
	/* Shared memory is its own object: no merging with private memory. */
	shared = vm_mmap(mm, (uint64_t)b - P, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL,
			 0);
	EXPECT_EQ(shared, b - P);
	EXPECT_EQ(mm->map_count, 2);
	EXPECT_EQ(mm->total_vm, 5);
	mm_world_end(mm);
}

static void test_mmap_uses_a_free_hint_and_searches_when_it_is_taken(void)
{
	struct mm_struct *mm = mm_world_start();
	long a, b;

	a = vm_mmap(mm, 0x10000000, 2 * P, RW, ANON, NULL, 0);
	EXPECT_EQ(a, 0x10000000);
	b = vm_mmap(mm, 0x10001000, P, RW, ANON, NULL, 0); /* inside a: taken */
	EXPECT_TRUE(b > 0 && b != 0x10001000 && b != 0x10000000);
	EXPECT_EQ(mm_vma_at(mm, (uint64_t)b)->vm_end - mm_vma_at(mm, (uint64_t)b)->vm_start, P);
	/* x86-64 rounds a hint down; below vm.mmap_min_addr it is raised. */
	EXPECT_EQ(vm_mmap(mm, 0x20000123, P, RW, ANON, NULL, 0), 0x20000000);
	EXPECT_EQ(vm_mmap(mm, 0x1000, P, RW, ANON, NULL, 0), MMAP_MIN_ADDR);
	mm_world_end(mm);
}

static void test_mmap_rejects_what_linux_rejects(void)
{
	struct mm_struct *mm = mm_world_start();

	EXPECT_EQ(vm_mmap(mm, 0, 0, RW, ANON, NULL, 0), -EINVAL);
	EXPECT_EQ(vm_mmap(mm, 0, P, RW, MAP_ANONYMOUS, NULL, 0), -EINVAL);
	EXPECT_EQ(vm_mmap(mm, 0, P, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, NULL, 0), -EINVAL);
	EXPECT_EQ(vm_mmap(mm, 0x10000800, P, RW, ANON | MAP_FIXED, NULL, 0), -EINVAL);
	EXPECT_EQ(vm_mmap(mm, TASK_SIZE - P, 2 * P, RW, ANON | MAP_FIXED, NULL, 0), -ENOMEM);
	EXPECT_EQ(vm_mmap(mm, 0, TASK_SIZE + P, RW, ANON, NULL, 0), -ENOMEM);
	EXPECT_EQ(vm_mmap(mm, 0, UINT64_MAX - 5, RW, ANON, NULL, 0), -ENOMEM);
	EXPECT_EQ(vm_mmap(mm, 0, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, NULL, 0),
		  -EINVAL);
	EXPECT_EQ(vm_mmap(mm, 0, P, RW, ANON | MAP_HUGETLB, NULL, 0), -ENOMEM);
	EXPECT_EQ(mm->map_count, 0);
	EXPECT_EQ(mm->total_vm, 0);
	mm_world_end(mm);
}

static void test_mmap_fixed_replaces_an_existing_mapping_and_frees_its_pages(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a;

	a = (uint64_t)vm_mmap(mm, 0, 3 * P, RW, ANON, NULL, 0);
	put_byte(mm, a, 'A');
	put_byte(mm, a + P, 'B');
	put_byte(mm, a + 2 * P, 'C');
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 3);
	mm_world_reset_flushes();

	EXPECT_EQ(vm_mmap(mm, a + P, P, RW, ANON | MAP_FIXED, NULL, 0), (long)(a + P));
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 2);
	EXPECT_EQ(mm_phys(mm, a + P), 0);
	EXPECT_TRUE(mm_world_flushes.nr_flushes > 0);
	EXPECT_TRUE(mm_world_flushes.start <= a + P && mm_world_flushes.end >= a + 2 * P);
	EXPECT_EQ(byte_at(mm, a + P), 0);
	EXPECT_EQ(byte_at(mm, a), 'A');
	EXPECT_EQ(byte_at(mm, a + 2 * P), 'C');
	EXPECT_TRUE(mm_phys(mm, a + P) != 0);
	/* Same flags and offsets as its neighbours: one area again. */
	EXPECT_EQ(mm->map_count, 1);
	EXPECT_EQ(mm->total_vm, 3);
	mm_world_end(mm);
}

static void test_mmap_fixed_noreplace_refuses_to_touch_an_existing_mapping(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x30000000, 2 * P, RW, ANON, NULL, 0);

	put_byte(mm, a, 'x');
	EXPECT_EQ(vm_mmap(mm, a, P, RW, ANON | MAP_FIXED_NOREPLACE, NULL, 0), -EEXIST);
	EXPECT_EQ(vm_mmap(mm, a - P, 2 * P, RW, ANON | MAP_FIXED_NOREPLACE, NULL, 0), -EEXIST);
	EXPECT_EQ(byte_at(mm, a), 'x');
	EXPECT_EQ(vm_mmap(mm, a + 2 * P, P, PROT_READ, ANON | MAP_FIXED_NOREPLACE, NULL, 0),
		  (long)(a + 2 * P));
	EXPECT_EQ(mm->map_count, 2);
	mm_world_end(mm);
}

static void test_mmap_populate_faults_every_page_in_at_once(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0, 3 * P, RW, ANON | MAP_POPULATE, NULL, 0);
	unsigned int i;

	EXPECT_EQ(get_mm_rss(mm), 3);
	for (i = 0; i < 3; i++)
		EXPECT_TRUE(mm_pte_flags(mm, a + i * P) & PTE_WRITE);
	/* Inaccessible memory cannot be populated, yet maps. */
	EXPECT_TRUE(vm_mmap(mm, 0, 2 * P, PROT_NONE, ANON | MAP_POPULATE, NULL, 0) > 0);
	/* MAP_NONBLOCK cancels MAP_POPULATE, as on Linux. */
	EXPECT_TRUE(vm_mmap(mm, 0, P, RW, ANON | MAP_POPULATE | MAP_NONBLOCK, NULL, 0) > 0);
	EXPECT_EQ(get_mm_rss(mm), 3);
	mm_world_end(mm);
}

static void test_munmap_in_the_middle_splits_the_area(void)
{
	struct mm_struct *mm = mm_world_start();
	struct vm_area_struct *low, *high;
	uint64_t a = (uint64_t)vm_mmap(mm, 0, 5 * P, RW, ANON, NULL, 0);
	unsigned int i;
	uint8_t value;

	for (i = 0; i < 5; i++)
		put_byte(mm, a + i * P, (uint8_t)('0' + i));
	mm_world_reset_flushes();
	EXPECT_EQ(vm_munmap(mm, a + 2 * P, P), 0);
	EXPECT_EQ(mm->map_count, 2);
	low = mm_vma_at(mm, a);
	high = mm_vma_at(mm, a + 3 * P);
	EXPECT_TRUE(low && high && low != high);
	EXPECT_EQ(low->vm_end, a + 2 * P);
	EXPECT_EQ(high->vm_start, a + 3 * P);
	EXPECT_EQ(high->vm_end, a + 5 * P);
	EXPECT_EQ(high->vm_pgoff, low->vm_pgoff + 3);
	EXPECT_TRUE(mm_vma_at(mm, a + 2 * P) == NULL);
	EXPECT_EQ(mm_user_read(mm, a + 2 * P, &value, 1), FAULT_MAPERR);
	for (i = 0; i < 5; i++)
		if (i != 2)
			EXPECT_EQ(byte_at(mm, a + i * P), '0' + i);
	EXPECT_EQ(get_mm_rss(mm), 4);
	EXPECT_EQ(mm->total_vm, 4);
	EXPECT_TRUE(mm_world_flushes.start <= a + 2 * P && mm_world_flushes.end >= a + 3 * P);
	mm_world_end(mm);
}

static void test_munmap_checks_arguments_and_accepts_holes(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x40000000, P, RW, ANON, NULL, 0);
	uint64_t b = (uint64_t)vm_mmap(mm, 0x40003000, 2 * P, PROT_READ, ANON, NULL, 0);

	EXPECT_EQ(vm_munmap(mm, a + 1, P), -EINVAL);
	EXPECT_EQ(vm_munmap(mm, a, 0), -EINVAL);
	EXPECT_EQ(vm_munmap(mm, TASK_SIZE - P, 2 * P), -EINVAL);
	EXPECT_EQ(vm_munmap(mm, 0x50000000, 10 * P), 0); /* nothing there */
	EXPECT_EQ(mm->map_count, 2);
	/* One call over both areas and the hole between them. */
	EXPECT_EQ(vm_munmap(mm, a, b + 2 * P - a - 1), 0);
	EXPECT_EQ(mm->map_count, 0);
	EXPECT_EQ(mm->total_vm, 0);
	mm_world_end(mm);
}

static void test_munmap_gives_back_the_page_tables_of_an_emptied_range(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t before = kernel_heap_free_pages(), mapped, a;

	a = (uint64_t)vm_mmap(mm, 0x7f0000000000ull, P, RW, ANON, NULL, 0);
	mapped = kernel_heap_free_pages(); /* the area took slab memory */
	put_byte(mm, a, 1);
	/* The page, and a PDPT, a PD and a PT under the root. */
	EXPECT_EQ(kernel_heap_free_pages(), mapped - 4);
	EXPECT_EQ(vm_madvise(mm, a, P, MADV_DONTNEED), 0);
	EXPECT_EQ(kernel_heap_free_pages(), mapped - 3);
	/* No entry is left, but the CPU may cache the tables themselves. */
	mm_world_reset_flushes();
	EXPECT_EQ(vm_munmap(mm, a, P), 0);
	EXPECT_EQ(kernel_heap_free_pages(), before);
	EXPECT_EQ(mm_world_flushes.nr_flushes, 1);
	EXPECT_TRUE(mm_world_flushes.start <= a && mm_world_flushes.end >= a + P);
	mm_world_end(mm);
}

static void test_munmap_keeps_page_tables_a_neighbour_still_uses(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = 0x7f0000000000ull, before;

	EXPECT_EQ(vm_mmap(mm, a, P, RW, ANON, NULL, 0), (long)a);
	EXPECT_EQ(vm_mmap(mm, a + 2 * P, P, PROT_READ, ANON, NULL, 0), (long)(a + 2 * P));
	put_byte(mm, a, 7);
	EXPECT_EQ(byte_at(mm, a + 2 * P), 0);
	before = kernel_heap_free_pages();
	EXPECT_EQ(vm_munmap(mm, a, P), 0);
	EXPECT_EQ(kernel_heap_free_pages(), before + 1); /* the page only */
	EXPECT_EQ(byte_at(mm, a + 2 * P), 0);
	mm_world_end(mm);
}

static void test_brk_grows_shrinks_and_answers_with_the_break(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t base = 0x602000;
	uint8_t value;

	mm->start_brk = mm->brk = base;
	EXPECT_EQ(vm_brk(mm, 0), base); /* a query */
	EXPECT_EQ(vm_brk(mm, base + 3 * P + 5), base + 3 * P + 5);
	EXPECT_EQ(mm->brk, base + 3 * P + 5);
	put_byte(mm, base + 4 * P - 1, 9); /* the page holding the break is in */
	EXPECT_EQ(mm->map_count, 1);
	EXPECT_EQ(vm_brk(mm, base + 6 * P), base + 6 * P);
	EXPECT_EQ(mm->map_count, 1); /* the heap grew as one area */
	EXPECT_EQ(mm_vma_at(mm, base)->vm_end, base + 6 * P);

	EXPECT_EQ(vm_brk(mm, base + P), base + P);
	EXPECT_EQ(mm_vma_at(mm, base)->vm_end, base + P);
	EXPECT_EQ(mm_user_read(mm, base + 3 * P, &value, 1), FAULT_MAPERR);
	EXPECT_EQ(get_mm_rss(mm), 0); /* the written page went with the shrink */
	/* Below the start: refused, the break stays. */
	EXPECT_EQ(vm_brk(mm, base - P), base + P);
	EXPECT_EQ(vm_brk(mm, TASK_SIZE + P), base + P);
	mm_world_end(mm);
}

static void test_brk_stops_a_page_short_of_the_next_mapping(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t base = 0x602000, wall = 0x700000;

	mm->start_brk = mm->brk = base;
	EXPECT_EQ(vm_mmap(mm, wall, P, PROT_READ, ANON | MAP_FIXED, NULL, 0), (long)wall);
	EXPECT_EQ(vm_brk(mm, wall), base);
	EXPECT_EQ(vm_brk(mm, wall - P + 1), base);
	EXPECT_EQ(vm_brk(mm, wall - P), wall - P);
	mm_world_end(mm);
}

static void test_mmap_32bit_lands_in_the_second_gigabyte(void)
{
	struct mm_struct *mm = mm_world_start();
	long a = vm_mmap(mm, 0, 4 * P, RW, ANON | MAP_32BIT, NULL, 0);
	long b = vm_mmap(mm, 0, P, RW, ANON | MAP_32BIT, NULL, 0);

	EXPECT_EQ(a, 0x40000000);
	EXPECT_EQ(b, 0x40000000 + 4 * P);
	mm_world_end(mm);
}

static void test_mmap_search_keeps_the_guard_gap_below_a_stack(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t stack = mm->mmap_base - 16 * P;
	long a;

	EXPECT_EQ(vm_mmap(mm, stack, 16 * P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN, NULL, 0),
		  (long)stack);
	EXPECT_EQ(mm->stack_vm, 16);
	a = vm_mmap(mm, 0, P, RW, ANON, NULL, 0);
	EXPECT_EQ(a, stack - STACK_GUARD_GAP - P);
	/* A hint inside the gap is not taken either. */
	EXPECT_TRUE(vm_mmap(mm, stack - P, P, RW, ANON, NULL, 0) != (long)(stack - P));
	mm_world_end(mm);
}

static CU_TestInfo mm_mmap_tests[] = {
	UNIT_TEST(test_mmap_places_areas_top_down_below_mmap_base),
	UNIT_TEST(test_mmap_merges_adjacent_compatible_anonymous_areas),
	UNIT_TEST(test_mmap_uses_a_free_hint_and_searches_when_it_is_taken),
	UNIT_TEST(test_mmap_rejects_what_linux_rejects),
	UNIT_TEST(test_mmap_fixed_replaces_an_existing_mapping_and_frees_its_pages),
	UNIT_TEST(test_mmap_fixed_noreplace_refuses_to_touch_an_existing_mapping),
	UNIT_TEST(test_mmap_populate_faults_every_page_in_at_once),
	UNIT_TEST(test_munmap_in_the_middle_splits_the_area),
	UNIT_TEST(test_munmap_checks_arguments_and_accepts_holes),
	UNIT_TEST(test_munmap_gives_back_the_page_tables_of_an_emptied_range),
	UNIT_TEST(test_munmap_keeps_page_tables_a_neighbour_still_uses),
	UNIT_TEST(test_brk_grows_shrinks_and_answers_with_the_break),
	UNIT_TEST(test_brk_stops_a_page_short_of_the_next_mapping),
	UNIT_TEST(test_mmap_32bit_lands_in_the_second_gigabyte),
	UNIT_TEST(test_mmap_search_keeps_the_guard_gap_below_a_stack),
	CU_TEST_INFO_NULL,
};

static void unit_register_mm_mmap(void)
{
	unit_add_suite("mm_mmap", mm_mmap_tests);
}

UNIT_REGISTER(unit_register_mm_mmap)
