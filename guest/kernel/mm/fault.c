/* Page faults in process address spaces: which signal a bad access earns
 * (Linux's x86 access_error() rules), stack growth, demand paging (zeroed
 * anonymous pages, private file pages read through the VFS, shared anonymous
 * pages from their object, special mappings' own pages) and copy-on-write;
 * and access_vm(), the kernel's way into another mm's memory, which faults
 * through the same code. */
#include <asm/siginfo.h>
#include <vitro/fs.h>
#include <vitro/string.h>

#include "internal.h"

static int fault_signal(int fault, int si_code)
{
	return fault | (si_code << VM_FAULT_CODE_SHIFT);
}

/* Linux's expand_downwards(): the stack's area reaches down to addr's page,
 * keeping STACK_GUARD_GAP from an accessible area below that is not a stack
 * itself, within the stack limit. */
static int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr)
{
	struct vm_area_struct *prev = vma_prev(vma);
	uint64_t nr_grow;

	addr &= PAGE_MASK;
	if (addr < MMAP_MIN_ADDR)
		return -EPERM;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	nr_grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	if (nr_grow > vma->vm_pgoff || vma->vm_end - addr > mm->stack_rlimit)
		return -ENOMEM;
	vma_resize(mm, vma, addr, vma->vm_end);
	return 0;
}

/* Whether the area allows the access: x86 reads everything it can map, and a
 * read that faulted on a present entry wanted rights no user page has. */
static bool is_access_permitted(const struct vm_area_struct *vma, unsigned int fault_flags)
{
	if (fault_flags & FAULT_FLAG_WRITE)
		return vma->vm_flags & VM_WRITE;
	if (fault_flags & FAULT_FLAG_EXEC)
		return vma->vm_flags & VM_EXEC;
	if (fault_flags & FAULT_FLAG_PRESENT)
		return false;
	return vma->vm_flags & VM_ACCESS_FLAGS;
}

/* The leaf bits for a new private page of vma, which is this mapping's alone:
 * writable at once if the area is. */
static uint64_t exclusive_page_prot(const struct vm_area_struct *vma)
{
	uint64_t prot = vma->vm_page_prot;

	if ((prot & PTE_PRESENT) && (vma->vm_flags & VM_WRITE))
		prot |= PTE_WRITE;
	return prot;
}

/* A private file page: the file's bytes at the page's offset, zeros past the
 * end of the file. SIGBUS for a page wholly past the end or a read error. */
static int read_file_page(struct vm_area_struct *vma, uint64_t addr, struct page *page)
{
	int64_t pos = (int64_t)(vma_page_index(vma, addr) << PAGE_SHIFT);
	uint8_t *data = page_address(page);
	long done = kernel_read(vma->vm_file, data, PAGE_SIZE, pos);

	if (done <= 0)
		return fault_signal(VM_FAULT_SIGBUS, BUS_ADRERR);
	if ((uint64_t)done < PAGE_SIZE)
		memset(data + done, 0, PAGE_SIZE - (uint64_t)done);
	return 0;
}

/* The first touch of a page: where its contents come from. */
static int fault_missing(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t *pte,
			 uint64_t addr, bool is_write)
{
	enum mm_counter member = MM_ANONPAGES;
	struct page *page;
	uint64_t prot;
	int rc;

	if (vma->vm_special) {
		uint64_t index = vma_page_index(vma, addr);
		struct page *shared;

		if (index >= vma->vm_special->nr_pages)
			return fault_signal(VM_FAULT_SIGBUS, BUS_ADRERR);
		shared = vma->vm_special->pages[index];
		if (is_write) {
			/* A write (access_vm(), or a store after mprotect
			 * added PROT_WRITE) gets a copy of its own. */
			page = alloc_page(GFP_KERNEL);
			if (!page)
				return VM_FAULT_OOM;
			memcpy(page_address(page), page_address(shared), PAGE_SIZE);
			prot = exclusive_page_prot(vma);
		} else {
			/* The kernel's page itself, in every process: it
			 * counts as file contents, as Linux counts the vDSO. */
			page = shared;
			get_page(page);
			member = MM_FILEPAGES;
			prot = vma->vm_page_prot | PTE_FILE_PAGE;
		}
	} else if (vma->vm_shared_anon) {
		page = shared_anon_get_page(vma->vm_shared_anon, vma_page_index(vma, addr));
		if (!page)
			return VM_FAULT_OOM;
		member = MM_SHMEMPAGES;
		prot = vma->vm_page_prot;
	} else if (vma->vm_file) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			return VM_FAULT_OOM;
		rc = read_file_page(vma, addr, page);
		if (rc) {
			put_page(page);
			return rc;
		}
		/* Read: file contents until written (copy-on-write marks it
		 * anonymous then). Written at once: anonymous already. */
		if (is_write) {
			prot = exclusive_page_prot(vma);
		} else {
			member = MM_FILEPAGES;
			prot = vma->vm_page_prot | PTE_FILE_PAGE;
		}
	} else {
		page = alloc_page(__GFP_ZERO);
		if (!page)
			return VM_FAULT_OOM;
		prot = exclusive_page_prot(vma);
	}
	__atomic_store_n(pte, page_pte(page, prot), __ATOMIC_RELAXED);
	mm_counter_add(mm, member, 1);
	return 0;
}

/* A write to a page mapped without write access. */
static int fault_write_protected(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t *pte,
				 uint64_t addr)
{
	uint64_t entry = *pte, keep, new_entry;
	struct page *page = pte_page(entry), *copy;

	if (vma->vm_flags & VM_SHARED) {
		/* Shared memory is not copied; the entry just lacked the right. */
		if (vma->vm_flags & VM_WRITE)
			__atomic_or_fetch(pte, PTE_WRITE, __ATOMIC_RELAXED);
		return 0;
	}
	/* The rights stay as they are (present or PROT_NONE, NX); the page and
	 * what it counts as change. */
	keep = entry & ~(PTE_ADDR_MASK | PTE_FILE_PAGE | PTE_WRITE | PTE_ACCESSED | PTE_DIRTY);
	if ((entry & PTE_PRESENT) && (vma->vm_flags & VM_WRITE))
		keep |= PTE_WRITE;
	if (page_count(page) == 1) {
		/* No one else maps it (the others only ever drop references
		 * while we hold mmap_lock): take it back. */
		__atomic_store_n(pte, (entry & PTE_ADDR_MASK) | keep, __ATOMIC_RELAXED);
		if (entry & PTE_FILE_PAGE) {
			mm_counter_add(mm, MM_FILEPAGES, -1);
			mm_counter_add(mm, MM_ANONPAGES, 1);
		}
		return 0;
	}
	copy = alloc_page(GFP_KERNEL);
	if (!copy)
		return VM_FAULT_OOM;
	memcpy(page_address(copy), page_address(page), PAGE_SIZE);
	new_entry = page_pte(copy, 0) | keep;
	__atomic_store_n(pte, new_entry, __ATOMIC_RELAXED);
	mm_counter_add(mm, pte_counter(vma, entry), -1);
	mm_counter_add(mm, MM_ANONPAGES, 1);
	/* No CPU may go on reading the old page through this mm once it is
	 * someone else's alone. */
	if (entry & PTE_PRESENT)
		flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
	put_page(page);
	return 0;
}

int fault_page(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr, bool is_write)
{
	uint64_t *pte = pgtable_pte_alloc(&mm->pgtable, addr, true), entry;

	if (!pte)
		return VM_FAULT_OOM;
	entry = *pte;
	if (!pte_has_page(entry))
		return fault_missing(mm, vma, pte, addr, is_write);
	if (is_write && !(entry & PTE_WRITE))
		return fault_write_protected(mm, vma, pte, addr);
	return 0; /* already done: another thread's fault, or a stale TLB entry */
}

int handle_mm_fault(struct mm_struct *mm, uint64_t addr, unsigned int fault_flags)
{
	struct vm_area_struct *vma = addr < TASK_SIZE ? find_vma(mm, addr) : NULL;

	if (!vma)
		return fault_signal(VM_FAULT_SIGSEGV, SEGV_MAPERR);
	if (addr < vma->vm_start &&
	    (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(mm, vma, addr)))
		return fault_signal(VM_FAULT_SIGSEGV, SEGV_MAPERR);
	if (!is_access_permitted(vma, fault_flags))
		return fault_signal(VM_FAULT_SIGSEGV, SEGV_ACCERR);
	return fault_page(mm, vma, addr & PAGE_MASK, fault_flags & FAULT_FLAG_WRITE);
}

int populate_range(struct mm_struct *mm, uint64_t start, uint64_t end, bool is_write)
{
	unsigned int flags = is_write ? FAULT_FLAG_WRITE : 0;
	uint64_t addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		int rc = handle_mm_fault(mm, addr, flags);

		if (rc)
			return rc;
	}
	return 0;
}

/* Linux's check_vma_flags() with FOLL_FORCE: reads may see any area, writes
 * need write access or a private area that could be made writable. */
static bool is_forced_access_permitted(const struct vm_area_struct *vma, bool is_write)
{
	if (is_write)
		return (vma->vm_flags & VM_WRITE) || is_cow_mapping(vma->vm_flags);
	return vma->vm_flags & (VM_READ | VM_MAYREAD);
}

/* The page behind addr, faulted in (for writing, if is_write): 0 or -errno. */
static int get_user_page(struct mm_struct *mm, uint64_t addr, bool is_write, struct page **page)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	uint64_t *pte;

	if (!vma || vma->vm_start > addr || !is_forced_access_permitted(vma, is_write))
		return -EFAULT;
	pte = pgtable_pte_find(&mm->pgtable, addr);
	if (!pte || !pte_has_page(*pte) || (is_write && !(*pte & PTE_WRITE))) {
		int rc = fault_page(mm, vma, addr & PAGE_MASK, is_write);

		if (rc)
			return rc & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
		pte = pgtable_pte_find(&mm->pgtable, addr);
	}
	*page = pte_page(*pte);
	return 0;
}

long access_vm(struct mm_struct *mm, uint64_t addr, void *buf, size_t len, bool write)
{
	size_t done = 0;
	int err = 0;

	if (addr + len < addr)
		len = -addr; /* to the top of the address space, which fails anyway */
	while (done < len) {
		uint64_t at = addr + done, offset = at & ~PAGE_MASK;
		size_t chunk = PAGE_SIZE - offset;
		struct page *page;

		if (chunk > len - done)
			chunk = len - done;
		err = get_user_page(mm, at, write, &page);
		if (err)
			break;
		if (write)
			memcpy((uint8_t *)page_address(page) + offset, (const uint8_t *)buf + done,
			       chunk);
		else
			memcpy((uint8_t *)buf + done, (const uint8_t *)page_address(page) + offset,
			       chunk);
		done += chunk;
	}
	return done ? (long)done : err;
}
