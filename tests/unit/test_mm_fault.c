/* Page faults in process address spaces (guest/kernel/mm/fault.c) on the
 * host, with user accesses made as the MMU makes them (mm_world): demand
 * paging, the signal and si_code a bad access earns, stack growth and its
 * guard gap, private file mappings read through the VFS (real ramfs files),
 * MADV_DONTNEED, and access_vm(). */
#include <string.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mm_user.h>

#include "mm_world.h"
#include "unit.h"
#include "vfs_world.h"

#define P PAGE_SIZE
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define FILE_BYTES 6000 /* a page and a half */

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

static void test_fault_gives_a_zeroed_page_only_where_touched(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0, 4 * P, RW, ANON, NULL, 0), flags;
	uint8_t page[PAGE_SIZE];

	EXPECT_EQ(get_mm_rss(mm), 0);
	/* kernel_heap fills memory with garbage: zeros mean zeroed. */
	EXPECT_EQ(mm_user_read(mm, a + 2 * P, page, sizeof(page)), 0);
	EXPECT_EQ(unit_first_byte_not(page, sizeof(page), 0), sizeof(page));
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1);
	EXPECT_EQ(mm_phys(mm, a), 0);
	EXPECT_EQ(mm_phys(mm, a + P), 0);
	EXPECT_TRUE(mm_phys(mm, a + 2 * P) != 0);
	EXPECT_EQ(mm_phys(mm, a + 3 * P), 0);
	flags = mm_pte_flags(mm, a + 2 * P);
	EXPECT_EQ(flags & (PTE_PRESENT | PTE_USER | PTE_WRITE | PTE_NX),
		  PTE_PRESENT | PTE_USER | PTE_WRITE | PTE_NX);
	put_byte(mm, a + 3 * P + 17, 0x5a);
	EXPECT_EQ(byte_at(mm, a + 3 * P + 17), 0x5a);
	EXPECT_EQ(get_mm_rss(mm), 2);
	EXPECT_EQ(mm->hiwater_rss, 2);
	mm_world_end(mm);
}

static void test_fault_tells_a_missing_mapping_from_a_forbidden_access(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t ro = (uint64_t)vm_mmap(mm, 0x10000000, P, PROT_READ, ANON, NULL, 0);
	uint64_t none = (uint64_t)vm_mmap(mm, 0x10002000, P, PROT_NONE, ANON, NULL, 0);
	uint64_t code = (uint64_t)vm_mmap(mm, 0x10004000, P, PROT_READ | PROT_EXEC, ANON, NULL, 0);
	uint64_t wo = (uint64_t)vm_mmap(mm, 0x10006000, P, PROT_WRITE, ANON, NULL, 0);
	uint8_t value = 1;

	EXPECT_EQ(handle_mm_fault(mm, 0x10001000, FAULT_FLAG_USER), FAULT_MAPERR);
	EXPECT_EQ(handle_mm_fault(mm, 0x2000, FAULT_FLAG_USER | FAULT_FLAG_WRITE), FAULT_MAPERR);
	EXPECT_EQ(handle_mm_fault(mm, 0xffff888000001000ull, FAULT_FLAG_USER), FAULT_MAPERR);
	EXPECT_EQ(vm_fault_si_code(FAULT_ACCERR), SEGV_ACCERR);

	EXPECT_EQ(mm_user_read(mm, ro, &value, 1), 0);
	EXPECT_EQ(mm_user_write(mm, ro, &value, 1), FAULT_ACCERR);
	/* A read that faulted on a present entry asked for a right no user
	 * page has. */
	EXPECT_EQ(handle_mm_fault(mm, ro, FAULT_FLAG_USER | FAULT_FLAG_PRESENT), FAULT_ACCERR);
	EXPECT_EQ(mm_user_exec(mm, ro), FAULT_ACCERR);

	EXPECT_EQ(mm_user_read(mm, none, &value, 1), FAULT_ACCERR);
	EXPECT_EQ(mm_user_write(mm, none, &value, 1), FAULT_ACCERR);
	EXPECT_EQ(get_mm_rss(mm), 1);

	EXPECT_EQ(mm_user_exec(mm, code), 0);
	EXPECT_FALSE(mm_pte_flags(mm, code) & PTE_NX);
	EXPECT_EQ(mm_user_write(mm, code, &value, 1), FAULT_ACCERR);

	/* x86 cannot map write-only: writable means readable. */
	EXPECT_EQ(mm_user_read(mm, wo, &value, 1), 0);
	EXPECT_EQ(mm_user_write(mm, wo, &value, 1), 0);
	mm_world_end(mm);
}

static void test_fault_grows_a_stack_down_to_the_access_within_its_limit(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t top = 0x7ff000000000ull, stack = top - 4 * P;
	struct vm_area_struct *vma;

	mm->stack_rlimit = 16 * P;
	EXPECT_EQ(vm_mmap(mm, stack, 4 * P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN, NULL, 0),
		  (long)stack);
	put_byte(mm, stack - 3 * P + 8, 3);
	vma = mm_vma_at(mm, stack);
	EXPECT_EQ(vma->vm_start, stack - 3 * P);
	EXPECT_EQ(vma->vm_end, top);
	EXPECT_EQ(mm->stack_vm, 7);
	EXPECT_EQ(mm->total_vm, 7);
	EXPECT_EQ(get_mm_rss(mm), 1); /* only the page touched */
	EXPECT_EQ(byte_at(mm, stack - 3 * P + 8), 3);
	/* 17 pages would pass the limit; 16 do not. */
	EXPECT_EQ(mm_user_write(mm, top - 17 * P, &(uint8_t){ 1 }, 1), FAULT_MAPERR);
	EXPECT_EQ(vma->vm_start, stack - 3 * P);
	put_byte(mm, top - 16 * P, 4);
	EXPECT_EQ(vma->vm_start, top - 16 * P);
	mm_world_end(mm);
}

static void test_stack_growth_keeps_the_guard_gap_from_the_area_below(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t stack = 0x7ff000000000ull, below_end = stack - STACK_GUARD_GAP - P;
	uint8_t value = 5;

	EXPECT_EQ(vm_mmap(mm, stack, P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN, NULL, 0),
		  (long)stack);
	EXPECT_EQ(vm_mmap(mm, below_end - P, P, RW, ANON | MAP_FIXED, NULL, 0),
		  (long)(below_end - P));
	/* Down to exactly a gap above the area below: fine. */
	EXPECT_EQ(mm_user_write(mm, stack - P, &value, 1), 0);
	EXPECT_EQ(mm_user_write(mm, stack - 2 * P, &value, 1), FAULT_MAPERR);
	EXPECT_EQ(mm_vma_at(mm, stack)->vm_start, stack - P);
	/* An inaccessible area below (a guard mapping) does not count. */
	EXPECT_EQ(vm_mprotect(mm, below_end - P, P, PROT_NONE), 0);
	EXPECT_EQ(mm_user_write(mm, stack - 2 * P, &value, 1), 0);
	mm_world_end(mm);
}

/* A ramfs file with FILE_BYTES of a known pattern. */
static void make_file(struct fs_struct *fs, const char *path, uint8_t *data)
{
	unsigned int i;

	for (i = 0; i < FILE_BYTES; i++)
		data[i] = (uint8_t)(i * 7 + 1);
	EXPECT_EQ(vfs_world_put(fs, path, data, FILE_BYTES), 0);
}

static struct file *open_file(struct fs_struct *fs, const char *path, unsigned int flags)
{
	struct file *file = NULL;

	EXPECT_EQ(vfs_open(fs, path, flags, 0644, &file), 0);
	return file;
}

static void test_private_file_mapping_reads_the_file_and_keeps_writes_private(void)
{
	static uint8_t data[FILE_BYTES], page[PAGE_SIZE], back[FILE_BYTES];
	struct fs_struct fs;
	struct mm_struct *mm = mm_world_start_with_files(&fs);
	struct file *file;
	uint64_t a, phys;

	make_file(&fs, "/lib.so", data);
	file = open_file(&fs, "/lib.so", O_RDONLY);
	a = (uint64_t)vm_mmap(mm, 0, 3 * P, RW, MAP_PRIVATE, file, 0);
	vfs_close(file); /* the mapping holds its own reference */
	EXPECT_EQ(get_mm_rss(mm), 0);

	EXPECT_EQ(mm_user_read(mm, a, page, P), 0);
	EXPECT_TRUE(memcmp(page, data, P) == 0);
	EXPECT_EQ(mm_user_read(mm, a + P, page, P), 0);
	EXPECT_TRUE(memcmp(page, data + P, FILE_BYTES - P) == 0);
	EXPECT_EQ(unit_first_byte_not(page + FILE_BYTES - P, 2 * P - FILE_BYTES, 0),
		  2 * P - FILE_BYTES); /* past the end of the file: zeros */
	EXPECT_EQ(get_mm_counter(mm, MM_FILEPAGES), 2);
	EXPECT_FALSE(mm_pte_flags(mm, a) & PTE_WRITE); /* a write must be seen */
	/* Wholly past the end of the file: SIGBUS, as on Linux. */
	EXPECT_EQ(mm_user_read(mm, a + 2 * P, page, 1), FAULT_BUS_ADRERR);

	phys = mm_phys(mm, a);
	put_byte(mm, a + 10, 0xff);
	EXPECT_EQ(byte_at(mm, a + 10), 0xff);
	EXPECT_EQ(mm_phys(mm, a), phys); /* ours alone: written in place */
	EXPECT_EQ(get_mm_counter(mm, MM_FILEPAGES), 1);
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1);
	EXPECT_EQ(vfs_world_get(&fs, "/lib.so", back, sizeof(back)), FILE_BYTES);
	EXPECT_TRUE(memcmp(back, data, FILE_BYTES) == 0);
	mm_world_end_with_files(mm, &fs);
}

static void test_file_mapping_starts_at_its_page_offset(void)
{
	static uint8_t data[FILE_BYTES];
	struct fs_struct fs;
	struct mm_struct *mm = mm_world_start_with_files(&fs);
	struct file *file;
	uint64_t a;

	make_file(&fs, "/data", data);
	file = open_file(&fs, "/data", O_RDONLY);
	a = (uint64_t)vm_mmap(mm, 0, P, PROT_READ, MAP_PRIVATE, file, 1);
	EXPECT_EQ(byte_at(mm, a), data[P]);
	EXPECT_EQ(byte_at(mm, a + FILE_BYTES - P - 1), data[FILE_BYTES - 1]);
	vfs_close(file);
	mm_world_end_with_files(mm, &fs);
}

static void test_file_mapping_checks_how_the_file_was_opened(void)
{
	static uint8_t data[FILE_BYTES];
	struct fs_struct fs;
	struct mm_struct *mm = mm_world_start_with_files(&fs);
	struct file *read_only, *write_only, *read_write, *dir;
	long a;

	make_file(&fs, "/f", data);
	EXPECT_EQ(vfs_mkdir(&fs, "/d", 0755), 0);
	read_only = open_file(&fs, "/f", O_RDONLY);
	write_only = open_file(&fs, "/f", O_WRONLY);
	read_write = open_file(&fs, "/f", O_RDWR);
	dir = open_file(&fs, "/d", O_RDONLY | O_DIRECTORY);

	EXPECT_EQ(vm_mmap(mm, 0, P, PROT_READ, MAP_PRIVATE, write_only, 0), -EACCES);
	EXPECT_EQ(vm_mmap(mm, 0, P, RW, MAP_SHARED, read_only, 0), -EACCES);
	EXPECT_EQ(vm_mmap(mm, 0, P, PROT_READ, MAP_PRIVATE, dir, 0), -ENODEV);
	EXPECT_EQ(vm_mmap(mm, 0, P, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, read_only, 0), -EINVAL);
	EXPECT_EQ(vm_mmap(mm, 0, P, PROT_READ, MAP_PRIVATE, read_only, UINT64_MAX >> 13),
		  -EOVERFLOW);
	EXPECT_EQ(vm_mmap(mm, 0, P, PROT_READ, MAP_SHARED_VALIDATE | MAP_32BIT, read_only, 0),
		  -EOPNOTSUPP);
	/* No page cache yet: writes through a shared mapping cannot reach the
	 * file. */
	EXPECT_EQ(vm_mmap(mm, 0, P, PROT_READ, MAP_SHARED, read_write, 0), -ENODEV);
	EXPECT_EQ(mm->map_count, 0);

	/* Shared, but the file can never be written through it. */
	a = vm_mmap(mm, 0, P, PROT_READ, MAP_SHARED, read_only, 0);
	EXPECT_TRUE(a > 0);
	EXPECT_EQ(mm_vma_at(mm, (uint64_t)a)->vm_flags & (VM_SHARED | VM_MAYSHARE | VM_MAYWRITE),
		  VM_MAYSHARE);
	EXPECT_EQ(byte_at(mm, (uint64_t)a + 1), data[1]);
	EXPECT_EQ(vm_mprotect(mm, (uint64_t)a, P, RW), -EACCES);
	EXPECT_EQ(vm_mprotect(mm, (uint64_t)a, P, PROT_READ | PROT_EXEC), 0);

	vfs_close(read_only);
	vfs_close(write_only);
	vfs_close(read_write);
	vfs_close(dir);
	mm_world_end_with_files(mm, &fs);
}

static void test_madvise_dontneed_gives_zeros_or_the_file_again(void)
{
	static uint8_t data[FILE_BYTES];
	struct fs_struct fs;
	struct mm_struct *mm = mm_world_start_with_files(&fs);
	struct file *file;
	uint64_t anon, mapped;

	make_file(&fs, "/f", data);
	file = open_file(&fs, "/f", O_RDONLY);
	anon = (uint64_t)vm_mmap(mm, 0, 2 * P, RW, ANON, NULL, 0);
	mapped = (uint64_t)vm_mmap(mm, 0, 2 * P, RW, MAP_PRIVATE, file, 0);
	vfs_close(file);
	put_byte(mm, anon + 5, 'a');
	put_byte(mm, anon + P, 'b');
	put_byte(mm, mapped + 5, 'f');
	EXPECT_EQ(get_mm_rss(mm), 3);

	mm_world_reset_flushes();
	EXPECT_EQ(vm_madvise(mm, anon, 2 * P, MADV_DONTNEED), 0);
	EXPECT_EQ(vm_madvise(mm, mapped, P, MADV_DONTNEED), 0);
	EXPECT_EQ(get_mm_rss(mm), 0);
	EXPECT_TRUE(mm_world_flushes.nr_flushes > 0);
	EXPECT_EQ(byte_at(mm, anon + 5), 0);
	EXPECT_EQ(byte_at(mm, anon + P), 0);
	EXPECT_EQ(byte_at(mm, mapped + 5), data[5]);
	EXPECT_EQ(mm->map_count, 2);
	mm_world_end_with_files(mm, &fs);
}

static void test_madvise_checks_arguments_and_reports_holes_after_advising(void)
{
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, P, RW, ANON, NULL, 0);
	uint64_t b = (uint64_t)vm_mmap(mm, 0x10002000, P, RW, ANON, NULL, 0);

	put_byte(mm, a, 1);
	put_byte(mm, b, 2);
	EXPECT_EQ(vm_madvise(mm, a + 1, P, MADV_DONTNEED), -EINVAL);
	EXPECT_EQ(vm_madvise(mm, a, P, 77), -EINVAL);
	EXPECT_EQ(vm_madvise(mm, a, P, MADV_HWPOISON), -EINVAL);
	EXPECT_EQ(vm_madvise(mm, a, 0, MADV_DONTNEED), 0);
	EXPECT_EQ(vm_madvise(mm, a, UINT64_MAX - 10, MADV_DONTNEED), -EINVAL);
	EXPECT_EQ(get_mm_rss(mm), 2);
	/* The hole between a and b: both still get the advice. */
	EXPECT_EQ(vm_madvise(mm, a, 3 * P, MADV_DONTNEED), -ENOMEM);
	EXPECT_EQ(get_mm_rss(mm), 0);
	EXPECT_EQ(vm_madvise(mm, 0x20000000, P, MADV_NORMAL), -ENOMEM);
	EXPECT_EQ(vm_madvise(mm, a, P, MADV_SEQUENTIAL), 0);
	EXPECT_EQ(vm_madvise(mm, a, P, MADV_HUGEPAGE), 0);
	/* Populating faults the pages in, for writing if asked. */
	EXPECT_EQ(vm_madvise(mm, a, P, MADV_POPULATE_WRITE), 0);
	EXPECT_TRUE(mm_pte_flags(mm, a) & PTE_WRITE);
	EXPECT_EQ(get_mm_rss(mm), 1);
	EXPECT_EQ(vm_mprotect(mm, b, P, PROT_READ), 0);
	EXPECT_EQ(vm_madvise(mm, b, P, MADV_POPULATE_WRITE), -EINVAL);
	EXPECT_EQ(vm_madvise(mm, b, P, MADV_POPULATE_READ), 0);
	EXPECT_EQ(get_mm_rss(mm), 2);
	mm_world_end(mm);
}

static void test_access_vm_crosses_pages_and_faults_them_in(void)
{
	static uint8_t out[6000], in[6000];
	struct mm_struct *mm = mm_world_start();
	uint64_t a = (uint64_t)vm_mmap(mm, 0x10000000, 3 * P, RW, ANON, NULL, 0);
	unsigned int i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i ^ (i >> 8));
	EXPECT_EQ(access_vm(mm, a + 100, out, sizeof(out), true), (long)sizeof(out));
	EXPECT_EQ(get_mm_rss(mm), 2); /* [a + 100, a + 6100) touches two pages */
	EXPECT_EQ(mm_user_read(mm, a + 100, in, sizeof(in)), 0);
	EXPECT_TRUE(memcmp(in, out, sizeof(in)) == 0);
	memset(in, 0, sizeof(in));
	EXPECT_EQ(access_vm(mm, a + 100, in, sizeof(in), false), (long)sizeof(in));
	EXPECT_TRUE(memcmp(in, out, sizeof(in)) == 0);
	/* Running off the end: what was done; nothing done: -EFAULT. */
	EXPECT_EQ(access_vm(mm, a + 3 * P - 10, in, 100, false), 10);
	EXPECT_EQ(access_vm(mm, a + 3 * P, in, 100, false), -EFAULT);
	EXPECT_EQ(access_vm(mm, a, in, 0, false), 0);
	mm_world_end(mm);
}

static void test_access_vm_writes_private_read_only_memory_as_a_debugger_would(void)
{
	static uint8_t data[FILE_BYTES], back[FILE_BYTES];
	struct fs_struct fs;
	struct mm_struct *mm = mm_world_start_with_files(&fs);
	struct file *file;
	uint64_t text, shared, none;
	uint8_t patch[4] = { 0xcc, 0xcc, 0xcc, 0xcc }, value;

	make_file(&fs, "/prog", data);
	file = open_file(&fs, "/prog", O_RDONLY);
	text = (uint64_t)vm_mmap(mm, 0, P, PROT_READ | PROT_EXEC, MAP_PRIVATE, file, 0);
	shared = (uint64_t)vm_mmap(mm, 0, P, PROT_READ, MAP_SHARED, file, 0);
	none = (uint64_t)vm_mmap(mm, 0, P, PROT_NONE, ANON, NULL, 0);
	vfs_close(file);

	EXPECT_EQ(access_vm(mm, text + 8, patch, sizeof(patch), true), (long)sizeof(patch));
	EXPECT_EQ(byte_at(mm, text + 8), 0xcc);
	EXPECT_EQ(byte_at(mm, text + 7), data[7]);
	EXPECT_FALSE(mm_pte_flags(mm, text) & PTE_WRITE);
	EXPECT_EQ(mm_user_write(mm, text, &value, 1), FAULT_ACCERR);
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1); /* a private copy now */
	EXPECT_EQ(vfs_world_get(&fs, "/prog", back, sizeof(back)), FILE_BYTES);
	EXPECT_TRUE(memcmp(back, data, FILE_BYTES) == 0);
	/* Never writable (the file is open read-only): no forcing either. */
	EXPECT_EQ(access_vm(mm, shared, patch, 1, true), -EFAULT);
	/* Any area may be read, PROT_NONE ones too. */
	EXPECT_EQ(access_vm(mm, none, &value, 1, false), 1);
	EXPECT_EQ(value, 0);
	EXPECT_EQ(mm_user_read(mm, none, &value, 1), FAULT_ACCERR);
	mm_world_end_with_files(mm, &fs);
}

static CU_TestInfo mm_fault_tests[] = {
	UNIT_TEST(test_fault_gives_a_zeroed_page_only_where_touched),
	UNIT_TEST(test_fault_tells_a_missing_mapping_from_a_forbidden_access),
	UNIT_TEST(test_fault_grows_a_stack_down_to_the_access_within_its_limit),
	UNIT_TEST(test_stack_growth_keeps_the_guard_gap_from_the_area_below),
	UNIT_TEST(test_private_file_mapping_reads_the_file_and_keeps_writes_private),
	UNIT_TEST(test_file_mapping_starts_at_its_page_offset),
	UNIT_TEST(test_file_mapping_checks_how_the_file_was_opened),
	UNIT_TEST(test_madvise_dontneed_gives_zeros_or_the_file_again),
	UNIT_TEST(test_madvise_checks_arguments_and_reports_holes_after_advising),
	UNIT_TEST(test_access_vm_crosses_pages_and_faults_them_in),
	UNIT_TEST(test_access_vm_writes_private_read_only_memory_as_a_debugger_would),
	CU_TEST_INFO_NULL,
};

static void unit_register_mm_fault(void)
{
	unit_add_suite("mm_fault", mm_fault_tests);
}

UNIT_REGISTER(unit_register_mm_fault)
