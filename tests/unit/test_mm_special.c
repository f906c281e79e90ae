/* Special mappings (guest/kernel/mm/special_mapping.c) on the host: the
 * owner's pages mapped as they are, never written through (a debugger's
 * write gets a private copy), rights bounded by the VM_MAY* flags, kept apart
 * from neighbours, shared with a forked child, carried by mremap, and every
 * reference given back. */
#include <string.h>
#include <vitro/errno.h>
#include <vitro/mm_user.h>

#include "mm_world.h"
#include "unit.h"

#define P PAGE_SIZE
#define AT 0x7f0000000000ull
#define TEXT_FLAGS (VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYEXEC | VM_MAYWRITE)
#define DATA_FLAGS (VM_READ | VM_MAYREAD)

static struct page *pages[2];
static struct vm_special_mapping text = { .name = "[text]", .pages = pages, .nr_pages = 2 };
static struct vm_special_mapping data = { .name = "[data]", .pages = pages, .nr_pages = 1 };

/* A fresh world and two pages its owner fills with 'A's and 'B's. */
static struct mm_struct *start(void)
{
	struct mm_struct *mm = mm_world_start();
	unsigned int i;

	for (i = 0; i < 2; i++) {
		pages[i] = alloc_page(0);
		memset(page_address(pages[i]), 'A' + (int)i, PAGE_SIZE);
	}
	return mm;
}

/* The owner lets go of its pages; mm_world_end() then checks that the
 * mappings gave back every reference they took. */
static void end(struct mm_struct *mm)
{
	put_page(pages[0]);
	put_page(pages[1]);
	mm_world_end(mm);
}

static uint8_t byte_at(struct mm_struct *mm, uint64_t addr)
{
	uint8_t value = 0xee;

	EXPECT_EQ(mm_user_read(mm, addr, &value, 1), 0);
	return value;
}

static uint64_t phys_of(struct page *page)
{
	return page_to_pfn(page) << PAGE_SHIFT;
}

static void test_special_mapping_maps_the_owners_pages_themselves(void)
{
	struct mm_struct *mm = start();
	struct vm_area_struct *vma;

	EXPECT_EQ(install_special_mapping(mm, AT, TEXT_FLAGS, &text), 0);
	/* Mapped at once, no copy, read-only and executable. */
	EXPECT_EQ(mm_phys(mm, AT), phys_of(pages[0]));
	EXPECT_EQ(mm_phys(mm, AT + P), phys_of(pages[1]));
	EXPECT_EQ(mm_pte_flags(mm, AT) & (PTE_PRESENT | PTE_USER | PTE_WRITE | PTE_NX),
		  PTE_PRESENT | PTE_USER);
	EXPECT_EQ(page_count(pages[0]), 2);
	EXPECT_EQ(byte_at(mm, AT + 5), 'A');
	EXPECT_EQ(byte_at(mm, AT + P + 5), 'B');
	EXPECT_EQ(mm_user_exec(mm, AT + P), 0);
	EXPECT_EQ(get_mm_counter(mm, MM_FILEPAGES), 2);
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 0);
	EXPECT_EQ(mm->exec_vm, 2);
	vma = mm_vma_at(mm, AT);
	EXPECT_TRUE(vma && vma->vm_special == &text && vma->vm_end == AT + 2 * P);
	EXPECT_TRUE(vma && (vma->vm_flags & VM_DONTEXPAND));
	EXPECT_STR(vma->vm_special->name, "[text]");
	end(mm);
}

static void test_special_mapping_allows_no_right_beyond_its_own(void)
{
	struct mm_struct *mm = start();
	uint8_t value = 1;

	EXPECT_EQ(install_special_mapping(mm, AT, DATA_FLAGS, &data), 0);
	EXPECT_EQ(mm_user_write(mm, AT, &value, 1), FAULT_ACCERR);
	EXPECT_EQ(mm_user_exec(mm, AT), FAULT_ACCERR);
	EXPECT_EQ(vm_mprotect(mm, AT, P, PROT_READ | PROT_WRITE), -EACCES);
	EXPECT_EQ(vm_mprotect(mm, AT, P, PROT_READ | PROT_EXEC), -EACCES);
	/* Not even a debugger writes without VM_MAYWRITE. */
	EXPECT_EQ(access_vm(mm, AT, &value, 1, true), -EFAULT);
	EXPECT_EQ(access_vm(mm, AT, &value, 1, false), 1);
	EXPECT_EQ(value, 'A');
	EXPECT_EQ(((uint8_t *)page_address(pages[0]))[0], 'A');
	end(mm);
}

static void test_special_mapping_refuses_bad_requests(void)
{
	struct mm_struct *mm = start();

	EXPECT_EQ(install_special_mapping(mm, AT, DATA_FLAGS | VM_WRITE, &data), -EINVAL);
	EXPECT_EQ(install_special_mapping(mm, AT, DATA_FLAGS | VM_SHARED, &data), -EINVAL);
	EXPECT_EQ(install_special_mapping(mm, AT + 1, DATA_FLAGS, &data), -EINVAL);
	EXPECT_EQ(install_special_mapping(mm, TASK_SIZE - P, TEXT_FLAGS, &text), -EINVAL);
	EXPECT_EQ(install_special_mapping(mm, 0, DATA_FLAGS, &data), -EINVAL);
	EXPECT_EQ(mm->map_count, 0);
	/* The range must be free: nothing is replaced. */
	EXPECT_EQ(
		vm_mmap(mm, AT + P, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
		(long)(AT + P));
	EXPECT_EQ(install_special_mapping(mm, AT, TEXT_FLAGS, &text), -EEXIST);
	EXPECT_EQ(mm->map_count, 1);
	EXPECT_EQ(page_count(pages[0]), 1);
	end(mm);
}

static void test_special_mappings_never_merge_with_their_neighbours(void)
{
	struct mm_struct *mm = start();
	struct vm_area_struct *anon;

	EXPECT_EQ(install_special_mapping(mm, AT, DATA_FLAGS, &data), 0);
	EXPECT_EQ(install_special_mapping(mm, AT + P, DATA_FLAGS, &data), 0);
	/* Above, an anonymous area that would continue the special one in
	 * every other respect: flags (after the mprotect) and page offset. */
	EXPECT_EQ(vm_mmap(mm, AT + 2 * P, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			  NULL, 0),
		  (long)(AT + 2 * P));
	anon = mm_vma_at(mm, AT + 2 * P);
	anon->vm_flags = DATA_FLAGS | VM_DONTEXPAND | VM_WRITE;
	anon->vm_pgoff = 1;
	EXPECT_EQ(vm_mprotect(mm, AT + 2 * P, P, PROT_READ), 0);
	EXPECT_EQ(mm_vma_at(mm, AT + 2 * P)->vm_flags, DATA_FLAGS | VM_DONTEXPAND);
	EXPECT_EQ(mm->map_count, 3);
	EXPECT_EQ(mm_vma_at(mm, AT + P)->vm_end, AT + 2 * P);
	EXPECT_EQ(byte_at(mm, AT + P), 'A');
	EXPECT_EQ(byte_at(mm, AT + 2 * P), 0);
	end(mm);
}

static void test_special_mapping_is_shared_with_a_forked_child(void)
{
	struct mm_struct *mm = start(), *child;

	EXPECT_EQ(install_special_mapping(mm, AT, TEXT_FLAGS, &text), 0);
	child = mm_dup(mm);
	EXPECT_TRUE(child != NULL);
	EXPECT_EQ(mm_phys(child, AT), phys_of(pages[0]));
	EXPECT_EQ(mm_vma_at(child, AT)->vm_special, &text);
	EXPECT_EQ(page_count(pages[0]), 3);
	EXPECT_EQ(get_mm_counter(child, MM_FILEPAGES), 2);
	mmput(child);
	EXPECT_EQ(page_count(pages[0]), 2);
	EXPECT_EQ(byte_at(mm, AT), 'A');
	end(mm);
}

static void test_special_mapping_gives_a_debugger_a_private_copy(void)
{
	struct mm_struct *mm = start(), *other;
	uint8_t breakpoint = 0xcc;

	EXPECT_EQ(install_special_mapping(mm, AT, TEXT_FLAGS, &text), 0);
	other = mm_dup(mm);
	EXPECT_EQ(access_vm(mm, AT + P + 9, &breakpoint, 1, true), 1);
	EXPECT_EQ(byte_at(mm, AT + P + 9), 0xcc);
	EXPECT_TRUE(mm_phys(mm, AT + P) != phys_of(pages[1]));
	/* The owner's page, and every other process, unchanged. */
	EXPECT_EQ(((uint8_t *)page_address(pages[1]))[9], 'B');
	EXPECT_EQ(byte_at(other, AT + P + 9), 'B');
	EXPECT_EQ(get_mm_counter(mm, MM_FILEPAGES), 1);
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1);
	/* Dropping the copy brings the shared page back. */
	EXPECT_EQ(vm_madvise(mm, AT, 2 * P, MADV_DONTNEED), 0);
	EXPECT_EQ(byte_at(mm, AT + P + 9), 'B');
	EXPECT_EQ(mm_phys(mm, AT + P), phys_of(pages[1]));
	EXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 0);
	/* A write where no entry is yet copies too. */
	EXPECT_EQ(vm_madvise(mm, AT, P, MADV_DONTNEED), 0);
	EXPECT_EQ(access_vm(mm, AT, &breakpoint, 1, true), 1);
	EXPECT_EQ(byte_at(mm, AT), 0xcc);
	EXPECT_EQ(((uint8_t *)page_address(pages[0]))[0], 'A');
	EXPECT_EQ(byte_at(other, AT), 'A');
	mmput(other);
	end(mm);
}

static void test_special_mapping_moves_with_mremap_but_never_grows(void)
{
	struct mm_struct *mm = start();
	uint64_t to = AT + 64 * P;

	EXPECT_EQ(install_special_mapping(mm, AT, TEXT_FLAGS, &text), 0);
	EXPECT_EQ(vm_mremap(mm, AT, 2 * P, 3 * P, MREMAP_MAYMOVE, 0), -EFAULT);
	EXPECT_EQ(vm_mremap(mm, AT, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, to), (long)to);
	EXPECT_EQ(mm_vma_at(mm, AT), NULL);
	EXPECT_EQ(mm_phys(mm, to + P), phys_of(pages[1]));
	/* Its second page alone, unmapped and touched again after a
	 * DONTNEED of the first: the offsets still find the right pages. */
	EXPECT_EQ(vm_munmap(mm, to, P), 0);
	EXPECT_EQ(vm_madvise(mm, to + P, P, MADV_DONTNEED), 0);
	EXPECT_EQ(mm_phys(mm, to + P), 0);
	EXPECT_EQ(byte_at(mm, to + P), 'B');
	EXPECT_EQ(page_count(pages[0]), 1);
	EXPECT_EQ(page_count(pages[1]), 2);
	end(mm);
}

static CU_TestInfo mm_special_tests[] = {
	UNIT_TEST(test_special_mapping_maps_the_owners_pages_themselves),
	UNIT_TEST(test_special_mapping_allows_no_right_beyond_its_own),
	UNIT_TEST(test_special_mapping_refuses_bad_requests),
	UNIT_TEST(test_special_mappings_never_merge_with_their_neighbours),
	UNIT_TEST(test_special_mapping_is_shared_with_a_forked_child),
	UNIT_TEST(test_special_mapping_gives_a_debugger_a_private_copy),
	UNIT_TEST(test_special_mapping_moves_with_mremap_but_never_grows),
	CU_TEST_INFO_NULL,
};

static void unit_register_mm_special(void)
{
	unit_add_suite("mm_special", mm_special_tests);
}

UNIT_REGISTER(unit_register_mm_special)
