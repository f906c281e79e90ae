/* Process address spaces (mm/mm_struct.c, vma.c, mmap.c, mprotect.c,
 * mremap.c, madvise.c, fault.c, memory.c, shared_anon.c): creating,
 * forking and freeing an mm, Linux's mmap/munmap/mprotect/mremap/brk/madvise
 * with its checks and errno values, demand paging and copy-on-write in the
 * page-fault handler, and access to another mm's memory. No hardware access:
 * the TLB and the kernel half of the page tables are the arch code's, reached
 * through the hooks at the end. Builds for the host.
 *
 * Locking: the caller holds mm->mmap_lock around every call here that takes
 * an mm (the fault handler's too), except mm_alloc, mmget/mmput and
 * mmgrab/mmdrop; mm_dup needs the old mm's lock (the new mm is not visible to
 * anyone yet). Nothing here takes mmap_lock. Page reference counts are atomic,
 * so mms that share pages (after fork) need not lock each other. */
#ifndef VITRO_MM_USER_H
#define VITRO_MM_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/mm_types.h>
#include <vitro/mman.h>

/* --- lifetime -------------------------------------------------------------- */

/* An empty address space (no areas; the user half of its page tables empty,
 * the kernel half filled by arch_mm_init_pgd()) with one user and one count,
 * mmap_base DEFAULT_MMAP_BASE and stack_rlimit DEFAULT_STACK_RLIMIT (exec may
 * change both, and sets start_brk/brk and the other layout fields), or NULL
 * when out of memory. */
struct mm_struct *mm_alloc(void);

/* users: tasks running in the mm. The last mmput() frees every area, page,
 * user page table and file reference, then drops the users' count. */
void mmget(struct mm_struct *mm);
void mmput(struct mm_struct *mm);

/* count: keeps the struct and the page-table root (with its kernel half)
 * alive after the last user, e.g. while a CPU still has the root in CR3
 * (Linux's lazy TLB). The last mmdrop() frees them. */
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);

/* fork: a new mm with old's areas (but VM_DONTCOPY ones) and counters. Private
 * pages are shared copy-on-write: write access is removed in both mms and the
 * page's reference count raised, so the first write in either copies the page
 * (or takes it back, if the other side let go). Shared anonymous areas share
 * their pages; VM_WIPEONFORK areas start empty in the child. NULL when out of
 * memory. */
struct mm_struct *mm_dup(struct mm_struct *old);

/* --- the areas ------------------------------------------------------------- */

/* The first area with vm_end > addr (it may start above addr), or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);
/* The first area overlapping [start, end), or NULL. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start, uint64_t end);
/* The neighbours in address order, or NULL. */
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
struct vm_area_struct *vma_prev(struct vm_area_struct *vma);

#define for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap_list, vm_list)

/* --- the system calls, in Linux's terms ----------------------------------- */

/*
 * mmap: maps [addr, addr + len) with PROT_* rights and returns the address or
 * -errno. Without MAP_FIXED (or MAP_FIXED_NOREPLACE, which fails with -EEXIST
 * instead of replacing) addr is a hint, used (rounded down to a page, raised
 * to MMAP_MIN_ADDR) if free; else the highest free space below mmap_base, or
 * the lowest above TASK_UNMAPPED_BASE, or in [1 GiB, 2 GiB) with MAP_32BIT.
 * file (NULL with MAP_ANONYMOUS; the area takes its own reference) must be a
 * regular file opened for reading; pgoff is the file offset in pages (the
 * syscall checks the byte offset's alignment). Anonymous and private file
 * mappings work; MAP_SHARED | MAP_ANONYMOUS memory is shared with the
 * children; MAP_SHARED of a file opened read-only maps, as on Linux, like a
 * private mapping that can never be written (no page cache here yet, so its
 * pages are copies read when first touched); MAP_SHARED of a file opened for
 * writing gives -ENODEV for now, MAP_HUGETLB -ENOMEM (-EINVAL with a file).
 * MAP_STACK, MAP_NORESERVE and MAP_UNINITIALIZED are accepted; nothing is
 * mapped until touched, but with MAP_POPULATE (or MAP_LOCKED).
 */
long vm_mmap(struct mm_struct *mm, uint64_t addr, uint64_t len, int prot, int flags,
	     struct file *file, uint64_t pgoff);
/* munmap: 0, or -EINVAL for a bad range (-ENOMEM if splitting an area would
 * pass MAX_MAP_COUNT). Holes are fine. */
int vm_munmap(struct mm_struct *mm, uint64_t addr, uint64_t len);
/* mprotect: 0 or -errno (-ENOMEM if part of the range is unmapped: the part
 * before the hole is changed, as on Linux; -EACCES beyond the VM_MAY* rights,
 * e.g. PROT_WRITE on a MAP_SHARED mapping of a file opened read-only). */
int vm_mprotect(struct mm_struct *mm, uint64_t addr, uint64_t len, int prot);
/* mremap: the (possibly new) address or -errno. Shrinks, grows in place when
 * the space after is free, or moves with MREMAP_MAYMOVE (to new_addr with
 * MREMAP_FIXED); MREMAP_DONTUNMAP moves the pages but leaves the old area. */
long vm_mremap(struct mm_struct *mm, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
	       int flags, uint64_t new_addr);
/* brk: moves the break (mm->brk) to new_brk and returns it; on failure
 * returns the old break (Linux's semantics). new_brk below mm->start_brk
 * queries the break. */
long vm_brk(struct mm_struct *mm, uint64_t new_brk);
/* madvise: MADV_DONTNEED (and MADV_FREE, on private anonymous memory) drop
 * the pages, so private anonymous memory reads zeros and private file
 * mappings the file again, while shared anonymous memory keeps its contents;
 * MADV_DONTFORK/DOFORK, WIPEONFORK/KEEPONFORK, DONTDUMP/DODUMP set area
 * flags; MADV_POPULATE_READ/WRITE fault pages in; MADV_REMOVE gives
 * -EOPNOTSUPP where Linux would free shared pages (no reverse map yet to
 * find every mapper); the other advice Linux knows is accepted and ignored,
 * unknown advice is -EINVAL. Holes give -ENOMEM after the rest is done. */
int vm_madvise(struct mm_struct *mm, uint64_t addr, uint64_t len, int advice);

/* --- special mappings ------------------------------------------------------ */

/* Pages the kernel owns and maps into processes as they are, neither file
 * contents nor anonymous memory (Linux's install_special_mapping): the vDSO
 * and its vvar page. The owner holds a reference to each page for as long as
 * the description lives (for ever, in practice); every mapping of a page
 * takes one more. */
struct vm_special_mapping {
	const char *name; /* what /proc/PID/maps shows: "[vdso]", "[vvar]" */
	struct page **pages; /* the area's pages, in order */
	unsigned int nr_pages;
};

/* Maps all of sm's pages at addr (page aligned; the range must be free, else
 * -EEXIST) with vm_flags: VM_READ and VM_EXEC and the VM_MAY* rights
 * mprotect may add. VM_WRITE and VM_SHARED are refused (-EINVAL): a write
 * would reach everyone's copy. With VM_MAYWRITE a debugger's access_vm (or
 * mprotect then a store) writes a private copy of the page, as on Linux. The
 * area never grows (VM_DONTEXPAND), never merges with another, and its
 * entries are filled at once. Returns 0 or -errno (-ENOMEM). */
int install_special_mapping(struct mm_struct *mm, uint64_t addr, uint64_t vm_flags,
			    const struct vm_special_mapping *sm);

/* --- page faults ----------------------------------------------------------- */

/* fault_flags: the x86 #PF error-code bits, so the arch handler can pass
 * (error_code & 0x17). USER does not change the handling (a kernel access to
 * user memory is checked as the user's would be). */
#define FAULT_FLAG_PRESENT 0x01u /* the entry was present: a protection fault */
#define FAULT_FLAG_WRITE 0x02u
#define FAULT_FLAG_USER 0x04u
#define FAULT_FLAG_EXEC 0x10u /* instruction fetch */

/* handle_mm_fault() results: 0 when the access can be retried, else one of
 * these, with the si_code for the signal in the bits above VM_FAULT_CODE_SHIFT
 * (vm_fault_si_code()): SEGV_MAPERR (no area), SEGV_ACCERR (the area forbids
 * the access) or BUS_ADRERR (a file page wholly past the end of the file). */
#define VM_FAULT_OOM 0x0001
#define VM_FAULT_SIGBUS 0x0002
#define VM_FAULT_SIGSEGV 0x0040
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)
#define VM_FAULT_CODE_SHIFT 16

static inline int vm_fault_si_code(int fault)
{
	return fault >> VM_FAULT_CODE_SHIFT;
}

/* Makes the access described by fault_flags at addr possible, or says which
 * signal it deserves: anonymous memory gets a zeroed page on first touch,
 * private file mappings a page read from the file (bytes past the end of the
 * file zero), a write to a copy-on-write page a copy (or the page itself if
 * no one else has it), and a stack (VM_GROWSDOWN) grows down to a fault
 * below it, up to mm->stack_rlimit and no closer than STACK_GUARD_GAP to the
 * area below. */
int handle_mm_fault(struct mm_struct *mm, uint64_t addr, unsigned int fault_flags);

/* Reads (write false) or writes len bytes at addr in mm from or to the kernel
 * buffer buf, faulting pages in as needed (Linux's access_remote_vm with
 * FOLL_FORCE, for the ELF loader and ptrace-like users: any area may be read;
 * a private area that could be made writable may be written, which copies the
 * page; stacks are not grown). Returns the bytes done, or -EFAULT (-ENOMEM)
 * if not even the first byte could be. */
long access_vm(struct mm_struct *mm, uint64_t addr, void *buf, size_t len, bool write);

/* --- counters for /proc ---------------------------------------------------- */

static inline uint64_t get_mm_counter(const struct mm_struct *mm, enum mm_counter member)
{
	return __atomic_load_n(&mm->rss[member], __ATOMIC_RELAXED);
}

static inline uint64_t get_mm_rss(const struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

/* Pages mapped by every address space together, by counter, as
 * /proc/meminfo's AnonPages, Mapped and Shmem. A page that several address
 * spaces map (after fork) counts once for each; Linux counts it once. */
uint64_t mm_rss_total(enum mm_counter member);

/* One area's resident pages, for /proc/PID/smaps. */
struct vma_rss {
	uint64_t anon_pages; /* Anonymous */
	uint64_t file_pages;
	uint64_t shmem_pages;
	uint64_t shared_pages; /* also mapped elsewhere (Shared_*) */
	uint64_t shared_file_pages; /* of those, file pages (clean: not written) */
	uint64_t pss_bytes; /* Pss: each page's size divided by its mappers */
	uint64_t pss_dirty_bytes; /* the part of Pss that is not clean file pages */
};

/* Walks the area's page tables (caller holds mmap_lock). */
void vma_get_rss(struct vm_area_struct *vma, struct vma_rss *rss);

/* --- hooks the arch code provides ------------------------------------------ */

/* Fills the kernel half of mm's new page-table root (PML4 entries 256-511)
 * from the kernel's. Until arch/x86 defines it, a weak stand-in
 * (mm/arch_hooks.c) panics; host builds: tests/unit/mm_world.c. */
void arch_mm_init_pgd(struct mm_struct *mm);

/* Invalidates [start, end) of mm in the TLB (and paging-structure caches) of
 * every CPU that may hold entries of mm, before this returns. Called after
 * entries were changed or removed and before the pages or page tables they
 * pointed to are freed. Until arch/x86 defines it, a weak stand-in flushes
 * the range on every CPU (flush_tlb_kernel_range). */
void flush_tlb_mm_range(struct mm_struct *mm, uint64_t start, uint64_t end);

/* Bits user PTEs may carry: the arch code clears PTE_NX when the CPU has no
 * NX (execute-disable) bit. */
extern uint64_t supported_pte_mask;

#endif
