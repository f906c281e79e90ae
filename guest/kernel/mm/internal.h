/* What the process address space files of mm/ share and nothing outside mm/
 * may use: the area tree (vma.c), page-table entries and the pages behind
 * them (memory.c), the munmap and mmap cores (mmap.c), faulting pages in
 * (fault.c) and shared anonymous memory (shared_anon.c). Everything here runs
 * with mm->mmap_lock held by the caller of the public entry point. */
#ifndef VITRO_MM_INTERNAL_H
#define VITRO_MM_INTERNAL_H

#include <vitro/errno.h>
#include <vitro/mm_user.h>

#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK) /* wraps to 0 past the top */

static inline uint64_t vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* The page of the backing (file, shared object) that addr in vma maps. */
static inline uint64_t vma_page_index(const struct vm_area_struct *vma, uint64_t addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/* Writes to a private area copy pages (Linux's is_cow_mapping). */
static inline bool is_cow_mapping(uint64_t vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* Where an area's claim on the address space starts: a stack also claims the
 * guard gap below it, which searches for free space keep clear of. */
static inline uint64_t vm_start_gap(const struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return vma->vm_start;
	return vma->vm_start > STACK_GUARD_GAP ? vma->vm_start - STACK_GUARD_GAP : 0;
}

/* PROT_* to VM_* (other bits ignored, as mmap does). */
static inline uint64_t calc_vm_prot_bits(int prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* --- vma.c: the areas ----------------------------------------------------- */

/* A zeroed area of mm, not linked; NULL when out of memory. */
struct vm_area_struct *vma_alloc(struct mm_struct *mm);
/* A copy of vma, not linked, with its own file and shared-object references. */
struct vm_area_struct *vma_dup(const struct vm_area_struct *vma);
/* Drops vma's references and frees it (it must be unlinked). */
void vma_free(struct vm_area_struct *vma);
/* Linking adds the area's pages to mm's counters, unlinking removes them;
 * whoever resizes a linked area accounts the difference. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
/* Moves vma's boundaries (into free space next to it, or inward), keeping
 * each page's file offset, the counters and the gaps right. */
void vma_resize(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start, uint64_t end);
/* Splits vma at addr (strictly inside it): vma keeps [vm_start, addr), the
 * new area *high gets [addr, vm_end). -ENOMEM. No map_count check: callers
 * make the one Linux makes where they are. */
int vma_split(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr,
	      struct vm_area_struct **high);
/* Merges vma with the neighbours it is compatible with (same flags, backing
 * and contiguous offsets); returns the area that now holds vma's range. */
struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma);
/* Gives [start, end), inside vma, vm_flags (splitting vma where the range
 * cuts it, with Linux's map_count check, then merging); *result is the area
 * that holds the range afterwards. Entries are not touched. -ENOMEM. */
int vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start, uint64_t end,
		     uint64_t vm_flags, struct vm_area_struct **result);
/* Changes flags and page protection (not the entries: change_protection()). */
void vma_set_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t vm_flags);
/* The counters behind VmSize, VmData, VmExe, VmStk. */
void vm_stat_account(struct mm_struct *mm, uint64_t vm_flags, int64_t nr_pages);
/* The unmapped stretch around addr (which no area covers): the end of the
 * area below and the start of the one above. */
void vma_gap_bounds(struct mm_struct *mm, uint64_t addr, uint64_t *floor, uint64_t *ceiling);

/* --- memory.c: page-table entries and their pages ------------------------- */

static inline bool pte_has_page(uint64_t pte)
{
	return pte & (PTE_PRESENT | PTE_PROTNONE);
}

static inline struct page *pte_page(uint64_t pte)
{
	return pfn_to_page((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

static inline uint64_t page_pte(const struct page *page, uint64_t prot)
{
	return (page_to_pfn(page) << PAGE_SHIFT) | (prot & supported_pte_mask);
}

/* The leaf bits an area's flags call for (see vm_area_struct.vm_page_prot). */
uint64_t vm_get_page_prot(uint64_t vm_flags);

/* Which RSS counter a page mapped by pte in vma counts in. */
static inline enum mm_counter pte_counter(const struct vm_area_struct *vma, uint64_t pte)
{
	if (vma->vm_shared_anon)
		return MM_SHMEMPAGES;
	return pte & PTE_FILE_PAGE ? MM_FILEPAGES : MM_ANONPAGES;
}

void mm_counter_add(struct mm_struct *mm, enum mm_counter member, int64_t nr_pages);

/*
 * Pages and page tables taken out of use wait here until the TLB no longer
 * holds entries for them: entries are cleared first, then the range is
 * flushed, then the pages are released (Linux's mmu_gather). The batch
 * flushes by itself when its page array fills.
 */
#define UNMAP_BATCH_PAGES 64

struct unmap_batch {
	struct mm_struct *mm;
	uint64_t start, end; /* entries cleared or changed in [start, end) */
	unsigned int nr_pages;
	struct page *pages[UNMAP_BATCH_PAGES];
	struct list_head tables; /* page-table pages, linked through buddy_list */
};

void unmap_batch_init(struct unmap_batch *batch, struct mm_struct *mm);
/* Flushes what is pending and releases the pages and tables. */
void unmap_batch_finish(struct unmap_batch *batch);

/* Clears the entries of vma in [start, end) and gives their pages to batch. */
void zap_page_range(struct unmap_batch *batch, struct vm_area_struct *vma, uint64_t start,
		    uint64_t end);
/* Frees the page tables of [start, end) inside the unused stretch
 * [floor, ceiling) through batch. */
void free_pgtables(struct unmap_batch *batch, uint64_t start, uint64_t end, uint64_t floor,
		   uint64_t ceiling);
/* Gives the entries of vma in [start, end) vma's current protection; returns
 * how many changed (the caller flushes if any did). */
uint64_t change_protection(struct vm_area_struct *vma, uint64_t start, uint64_t end);
/* fork: copies src_vma's entries into dst's tables for dst_vma, removing
 * write access on both sides and taking a page reference per entry; widens
 * [*wp_start, *wp_end) to the entries of src that lost write access.
 * -ENOMEM if a table cannot be allocated (the entries copied so far stay, for
 * mmput() to release). */
int copy_page_range(struct mm_struct *dst, struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma, uint64_t *wp_start, uint64_t *wp_end);
/* mremap: moves the entries of [old_addr, old_addr + len) to new_addr in the
 * same mm, flushing the old range. On -ENOMEM every entry is back where it
 * was (tables made for the new range stay: the caller frees them). */
int move_page_tables(struct mm_struct *mm, uint64_t old_addr, uint64_t new_addr, uint64_t len);

/* --- mmap.c ---------------------------------------------------------------- */

/* munmap of the page-aligned [start, end): 0 or -ENOMEM. */
int do_munmap(struct mm_struct *mm, uint64_t start, uint64_t end);
/* Free space for len bytes following flags (MAP_FIXED, MAP_32BIT, MAP_SHARED),
 * addr a hint or the fixed address: the address or -errno. */
long get_unmapped_area(struct mm_struct *mm, uint64_t addr, uint64_t len, int flags);
/* Replaces whatever is in [addr, addr + len) by a new area; merges it with
 * its neighbours. Returns addr or -ENOMEM. */
long mmap_region(struct mm_struct *mm, uint64_t addr, uint64_t len, uint64_t vm_flags,
		 struct file *file, uint64_t pgoff);

/* --- fault.c --------------------------------------------------------------- */

/* Brings the page at addr (page aligned, inside vma, whose rights the caller
 * checked) in, ready for a write if is_write: a private page is then this
 * mapping's alone, though its entry gets write access only if the area has
 * VM_WRITE (access_vm() may write where the user may not). Returns 0 or
 * VM_FAULT_* with the si_code. */
int fault_page(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr, bool is_write);
/* Faults [start, end) in as user reads (or writes) would; stops at the first
 * failure and returns its VM_FAULT_* result, else 0. */
int populate_range(struct mm_struct *mm, uint64_t start, uint64_t end, bool is_write);

/* --- shared_anon.c: the pages of MAP_SHARED | MAP_ANONYMOUS memory --------- */

/* An empty object with one reference; NULL when out of memory. */
struct shared_anon *shared_anon_create(void);
void shared_anon_get(struct shared_anon *shared);
/* The last reference frees the object and its pages. */
void shared_anon_put(struct shared_anon *shared);
/* The page at index (a zeroed one if it had none yet) with a reference for
 * the caller, or NULL when out of memory. */
struct page *shared_anon_get_page(struct shared_anon *shared, uint64_t index);

#endif
