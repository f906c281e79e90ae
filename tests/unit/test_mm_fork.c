/* fork and teardown of process address spaces (guest/kernel/mm/mm_struct.c)
 * on the host: copy-on-write in both directions, a page with one owner left
 * taken back rather than copied, shared anonymous memory staying shared,
 * MADV_DONTFORK and MADV_WIPEONFORK, the /proc counters, and every page,
 * table, area and file reference returned by mmput(). */
#include <string.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mm_user.h>

#include "kernel_heap.h"
#include "mm_world.h"
#include "unit.h"
#include "vfs_world.h"

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

static struct page *page_at(struct mm_struct *mm, uint64_t addr)
{
	return pfn_to_page(mm_phys(mm, addr) >> PAGE_SHIFT);
}

static void test_fork_parent_and_child_each_see_their_own_writes(void)
{
	struct mm_struct *parent = mm_world_start(), *child;
	uint64_t a = (uint64_t)vm_mmap(parent, 0x10000000, 3 * P, RW, ANON, NULL, 0);
	unsigned int i;

	for (i = 0; i < 3; i++)
		put_byte(parent, a + i * P, 'p');
	mm_world_reset_flushes();
	child = mm_dup(parent);
	EXPECT_TRUE(child != NULL);
	/* Shared, read-only on both sides, the parent's TLB flushed. */
	EXPECT_EQ(mm_phys(child, a), mm_phys(parent, a));
	EXPECT_EQ(page_count(page_at(parent, a)), 2);
	EXPECT_FALSE(mm_pte_flags(parent, a) & PTE_WRITE);
	EXPECT_FALSE(mm_pte_flags(child, a) & PTE_WRITE);
	EXPECT_TRUE(mm_world_flushes.start <= a && mm_world_flushes.end >= a + 3 * P);
	EXPECT_EQ(get_mm_counter(child, MM_ANONPAGES), 3);
	EXPECT_EQ(child->total_vm, 3);

	put_byte(child, a, 'c');
	put_byte(parent, a + P, 'q');
	EXPECT_EQ(byte_at(child, a), 'c');
	EXPECT_EQ(byte_at(parent, a), 'p');
	EXPECT_EQ(byte_at(parent, a + P), 'q');
	EXPECT_EQ(byte_at(child, a + P), 'p');
	EXPECT_EQ(byte_at(child, a + 2 * P), 'p');
	EXPECT_TRUE(mm_phys(child, a) != mm_phys(parent, a));
	EXPECT_EQ(mm_phys(child, a + 2 * P), mm_phys(parent, a + 2 * P));
	mmput(child);
	mm_world_end(parent);
}

static void test_fork_page_with_one_owner_left_is_taken_back_not_copied(void)
{
	struct mm_struct *parent = mm_world_start(), *child;
	uint64_t a = (uint64_t)vm_mmap(parent, 0x10000000, P, RW, ANON, NULL, 0), phys, free;

	put_byte(parent, a, 1);
	phys = mm_phys(parent, a);
	child = mm_dup(parent);
	put_byte(child, a, 2); /* the child copies... */
	EXPECT_TRUE(mm_phys(child, a) != phys);
	EXPECT_EQ(page_count(page_at(parent, a)), 1);
	free = kernel_heap_free_pages();
	put_byte(parent, a, 3); /* ...and the parent, alone now, keeps its page */
	EXPECT_EQ(mm_phys(parent, a), phys);
	EXPECT_EQ(kernel_heap_free_pages(), free);
	EXPECT_EQ(byte_at(parent, a), 3);
	EXPECT_EQ(byte_at(child, a), 2);

	/* The same when the child goes first. */
	mmput(child);
	child = mm_dup(parent);
	mmput(child);
	EXPECT_EQ(page_count(page_at(parent, a)), 1);
	put_byte(parent, a, 4);
	EXPECT_EQ(mm_phys(parent, a), phys);
	mm_world_end(parent);
}

static void test_mprotect_after_fork_keeps_copy_on_write_pending(void)
{
	struct mm_struct *parent = mm_world_start(), *child;
	uint64_t a = (uint64_t)vm_mmap(parent, 0x10000000, 2 * P, RW, ANON, NULL, 0);

	put_byte(parent, a, 'p');
	put_byte(parent, a + P, 'p');
	child = mm_dup(parent);
	put_byte(child, a + P, 'c'); /* the parent's second page is its own again */
	EXPECT_EQ(vm_mprotect(parent, a, 2 * P, PROT_READ), 0);
	EXPECT_EQ(vm_mprotect(parent, a, 2 * P, RW), 0);
	EXPECT_FALSE(mm_pte_flags(parent, a) & PTE_WRITE); /* still the child's too */
	EXPECT_TRUE(mm_pte_flags(parent, a + P) & PTE_WRITE);
	put_byte(parent, a, 'q');
	EXPECT_EQ(byte_at(child, a), 'p');
	EXPECT_EQ(byte_at(parent, a), 'q');
	mmput(child);
	mm_world_end(parent);
}

static void test_fork_keeps_shared_anonymous_memory_shared(void)
{
	struct mm_struct *parent = mm_world_start(), *child;
	uint64_t a = (uint64_t)vm_mmap(parent, 0, 2 * P, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);

	put_byte(parent, a, 'x');
	child = mm_dup(parent);
	/* Page 1 was never touched before the fork: both must still meet on
	 * the same page. */
	put_byte(child, a + P, 'y');
	put_byte(child, a, 'z');
	EXPECT_EQ(byte_at(parent, a + P), 'y');
	EXPECT_EQ(byte_at(parent, a), 'z');
	EXPECT_EQ(mm_phys(parent, a + P), mm_phys(child, a + P));
	EXPECT_EQ(get_mm_counter(parent, MM_SHMEMPAGES), 2);
	EXPECT_EQ(get_mm_counter(child, MM_SHMEMPAGES), 2);
	/* Dropping the pages from one mapping keeps the contents. */
	EXPECT_EQ(vm_madvise(child, a, 2 * P, MADV_DONTNEED), 0);
	EXPECT_EQ(byte_at(child, a), 'z');
	EXPECT_EQ(vm_madvise(parent, a, P, MADV_FREE), -EINVAL);
	EXPECT_EQ(vm_madvise(parent, a, P, MADV_REMOVE), -EOPNOTSUPP);
	mmput(parent);
	EXPECT_EQ(byte_at(child, a + P), 'y'); /* the object outlives the parent */
	mm_world_end(child);
}

static void test_fork_leaves_out_dontfork_and_empties_wipeonfork_areas(void)
{
	struct mm_struct *parent = mm_world_start(), *child;
	uint64_t a = (uint64_t)vm_mmap(parent, 0x10000000, 3 * P, RW, ANON, NULL, 0);
	uint64_t b = (uint64_t)vm_mmap(parent, 0x20000000, P, RW, ANON, NULL, 0);

	put_byte(parent, a, 1);
	put_byte(parent, a + 2 * P, 2);
	put_byte(parent, b, 3);
	EXPECT_EQ(vm_madvise(parent, a + P, P, MADV_DONTFORK), 0);
	EXPECT_EQ(parent->map_count, 4);
	EXPECT_EQ(vm_madvise(parent, b, P, MADV_WIPEONFORK), 0);
	child = mm_dup(parent);
	EXPECT_EQ(child->map_count, 3);
	EXPECT_TRUE(mm_vma_at(child, a + P) == NULL);
	EXPECT_EQ(byte_at(child, a + 2 * P), 2);
	EXPECT_EQ(byte_at(child, b), 0);
	EXPECT_EQ(byte_at(parent, b), 3);
	EXPECT_EQ(child->total_vm, 3);
	EXPECT_EQ(vm_madvise(parent, a + P, P, MADV_DOFORK), 0);
	EXPECT_EQ(parent->map_count, 2);
	mmput(child);
	mm_world_end(parent);
}

static void test_vma_rss_splits_anonymous_file_and_shared_pages_for_smaps(void)
{
	static uint8_t data[2 * PAGE_SIZE];
	struct fs_struct fs;
	struct mm_struct *mm = mm_world_start_with_files(&fs), *child;
	struct vma_rss rss;
	struct file *file;
	uint64_t mapped, anon;

	memset(data, 'f', sizeof(data));
	EXPECT_EQ(vfs_world_put(&fs, "/f", data, sizeof(data)), 0);
	EXPECT_EQ(vfs_open(&fs, "/f", O_RDONLY, 0, &file), 0);
	mapped = (uint64_t)vm_mmap(mm, 0, 2 * P, RW, MAP_PRIVATE, file, 0);
	anon = (uint64_t)vm_mmap(mm, 0, 2 * P, RW, ANON, NULL, 0);
	vfs_close(file);
	EXPECT_EQ(byte_at(mm, mapped), 'f');
	put_byte(mm, mapped + P, 'w');
	put_byte(mm, anon, 1);
	put_byte(mm, anon + P, 2);
	child = mm_dup(mm);

	vma_get_rss(mm_vma_at(mm, mapped), &rss);
	EXPECT_EQ(rss.file_pages, 1);
	EXPECT_EQ(rss.anon_pages, 1);
	EXPECT_EQ(rss.shared_pages, 2);
	EXPECT_EQ(rss.shared_file_pages, 1);
	EXPECT_EQ(rss.pss_bytes, P); /* two pages, each half ours */
	EXPECT_EQ(rss.pss_dirty_bytes, P / 2); /* the written one */
	put_byte(child, anon, 9);
	vma_get_rss(mm_vma_at(mm, anon), &rss);
	EXPECT_EQ(rss.anon_pages, 2);
	EXPECT_EQ(rss.shared_pages, 1);
	EXPECT_EQ(rss.shared_file_pages, 0);
	EXPECT_EQ(rss.pss_bytes, P + P / 2);
	EXPECT_EQ(rss.pss_dirty_bytes, P + P / 2);
	EXPECT_EQ(get_mm_counter(child, MM_FILEPAGES), 1);
	EXPECT_EQ(get_mm_counter(child, MM_ANONPAGES), 3);
	mmput(child);
	mm_world_end_with_files(mm, &fs);
}

static void test_mmput_returns_everything_a_busy_family_held(void)
{
	static uint8_t data[3 * PAGE_SIZE];
	struct fs_struct fs;
	struct mm_struct *mm = mm_world_start_with_files(&fs), *child, *grandchild;
	uint64_t text, heap, shared, stack, far;
	struct file *file;

	memset(data, 0x90, sizeof(data));
	EXPECT_EQ(vfs_world_put(&fs, "/bin", data, sizeof(data)), 0);
	EXPECT_EQ(vfs_open(&fs, "/bin", O_RDONLY, 0, &file), 0);
	text = (uint64_t)vm_mmap(mm, 0x400000, 3 * P, PROT_READ | PROT_EXEC, MAP_PRIVATE, file, 0);
	vfs_close(file);
	mm->start_brk = mm->brk = 0x800000;
	heap = 0x800000;
	EXPECT_EQ(vm_brk(mm, heap + 5 * P), (long)(heap + 5 * P));
	shared = (uint64_t)vm_mmap(mm, 0, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	stack = 0x7ffff0000000ull;
	EXPECT_EQ(vm_mmap(mm, stack - 2 * P, 2 * P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN, NULL, 0),
		  (long)(stack - 2 * P));
	far = (uint64_t)vm_mmap(mm, 0x500000000000ull, P, RW, ANON, NULL, 0);
	EXPECT_EQ(byte_at(mm, text + 2 * P), 0x90);
	put_byte(mm, heap + 4 * P, 1);
	put_byte(mm, shared + 3 * P, 2);
	put_byte(mm, stack - 6 * P, 3); /* grows */
	put_byte(mm, far, 4);

	child = mm_dup(mm);
	put_byte(child, heap + 4 * P, 5);
	put_byte(child, shared, 6);
	EXPECT_EQ(vm_mprotect(child, heap, P, PROT_READ), 0);
	grandchild = mm_dup(child);
	EXPECT_EQ(vm_mremap(grandchild, far, P, 8 * P, MREMAP_MAYMOVE, 0) > 0, true);
	EXPECT_EQ(vm_munmap(mm, text + P, P), 0);
	mmput(mm);
	EXPECT_EQ(byte_at(grandchild, shared), 6);
	EXPECT_EQ(byte_at(grandchild, shared + 3 * P), 2);
	mmput(child);
	mm_world_end_with_files(grandchild, &fs); /* every page, table, area and file */
}

static CU_TestInfo mm_fork_tests[] = {
	UNIT_TEST(test_fork_parent_and_child_each_see_their_own_writes),
	UNIT_TEST(test_fork_page_with_one_owner_left_is_taken_back_not_copied),
	UNIT_TEST(test_mprotect_after_fork_keeps_copy_on_write_pending),
	UNIT_TEST(test_fork_keeps_shared_anonymous_memory_shared),
	UNIT_TEST(test_fork_leaves_out_dontfork_and_empties_wipeonfork_areas),
	UNIT_TEST(test_vma_rss_splits_anonymous_file_and_shared_pages_for_smaps),
	UNIT_TEST(test_mmput_returns_everything_a_busy_family_held),
	CU_TEST_INFO_NULL,
};

static void unit_register_mm_fork(void)
{
	unit_add_suite("mm_fork", mm_fork_tests);
}

UNIT_REGISTER(unit_register_mm_fork)
