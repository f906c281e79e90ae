/* See mm_world.h. */
#include "mm_world.h"

#include <stdlib.h>
#include <string.h>

#include "kernel_heap.h"
#include "unit.h"
#include "vfs_world.h"

#define RAM_PAGES 4096ul /* 16 MiB, kernel_heap's most */

struct mm_world_flushes mm_world_flushes;
static uint64_t baseline_free_pages;

struct mm_struct *mm_world_start(void)
{
	struct mm_struct *mm;

	kernel_heap_start(RAM_PAGES);
	mm_world_reset_flushes();
	baseline_free_pages = kernel_heap_free_pages();
	mm = mm_alloc();
	if (!mm)
		abort();
	return mm;
}

void mm_world_end(struct mm_struct *mm)
{
	mmput(mm);
	EXPECT_EQ(kernel_heap_free_pages(), baseline_free_pages);
}

struct mm_struct *mm_world_start_with_files(struct fs_struct *fs)
{
	struct mm_struct *mm;

	vfs_world_start(fs);
	mm_world_reset_flushes();
	mm = mm_alloc();
	if (!mm)
		abort();
	return mm;
}

void mm_world_end_with_files(struct mm_struct *mm, struct fs_struct *fs)
{
	mmput(mm);
	vfs_world_end(fs); /* every page, file and inode back */
}

void arch_mm_init_pgd(struct mm_struct *mm)
{
	(void)mm; /* host tests run no kernel: nothing to share */
}

void flush_tlb_mm_range(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	(void)mm;
	if (!mm_world_flushes.nr_flushes || start < mm_world_flushes.start)
		mm_world_flushes.start = start;
	if (!mm_world_flushes.nr_flushes || end > mm_world_flushes.end)
		mm_world_flushes.end = end;
	mm_world_flushes.nr_flushes++;
}

void mm_world_reset_flushes(void)
{
	memset(&mm_world_flushes, 0, sizeof(mm_world_flushes));
}

uint64_t mm_phys(struct mm_struct *mm, uint64_t addr)
{
	uint64_t phys;

	return pgtable_lookup(&mm->pgtable, addr, &phys, NULL, NULL) ? phys : 0;
}

uint64_t mm_pte_flags(struct mm_struct *mm, uint64_t addr)
{
	uint64_t flags;

	return pgtable_lookup(&mm->pgtable, addr, NULL, &flags, NULL) ? flags : 0;
}

struct vm_area_struct *mm_vma_at(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

/* What the MMU checks for a user access: a present user entry with the
 * right; otherwise the fault handler runs with the error code the CPU would
 * give, and the access is retried once. Returns the page's bytes or NULL. */
static uint8_t *user_access(struct mm_struct *mm, uint64_t addr, unsigned int access, int *fault)
{
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		uint64_t phys, flags = 0;
		bool is_present = pgtable_lookup(&mm->pgtable, addr, &phys, &flags, NULL);
		bool is_allowed = is_present && (flags & PTE_USER) &&
				  (!(access & FAULT_FLAG_WRITE) || (flags & PTE_WRITE)) &&
				  (!(access & FAULT_FLAG_EXEC) || !(flags & PTE_NX));

		if (is_allowed)
			return phys_to_virt(phys);
		*fault = handle_mm_fault(
			mm, addr, access | FAULT_FLAG_USER | (is_present ? FAULT_FLAG_PRESENT : 0));
		if (*fault)
			return NULL;
	}
	*fault = -1; /* fixed twice and still not allowed: a handler bug */
	return NULL;
}

static int user_copy(struct mm_struct *mm, uint64_t addr, uint8_t *buf, size_t len, bool is_write)
{
	while (len) {
		size_t chunk = PAGE_SIZE - (addr & ~PAGE_MASK);
		int fault = 0;
		uint8_t *data;

		if (chunk > len)
			chunk = len;
		data = user_access(mm, addr, is_write ? FAULT_FLAG_WRITE : 0, &fault);
		if (!data)
			return fault;
		if (is_write)
			memcpy(data, buf, chunk);
		else
			memcpy(buf, data, chunk);
		addr += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int mm_user_read(struct mm_struct *mm, uint64_t addr, void *buf, size_t len)
{
	return user_copy(mm, addr, buf, len, false);
}

int mm_user_write(struct mm_struct *mm, uint64_t addr, const void *buf, size_t len)
{
	return user_copy(mm, addr, (uint8_t *)buf, len, true);
}

int mm_user_exec(struct mm_struct *mm, uint64_t addr)
{
	int fault = 0;

	return user_access(mm, addr, FAULT_FLAG_EXEC, &fault) ? 0 : fault;
}
