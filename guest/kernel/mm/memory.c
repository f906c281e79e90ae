/* The page-table entries of process address spaces and the pages behind
 * them: protections from area flags, clearing ranges (munmap, madvise, exit)
 * with the TLB flushed before pages and tables are released, changing
 * protections (mprotect), copying for fork, moving for mremap, and counting
 * resident pages for /proc. Entries are changed with atomic operations: the
 * MMU may set accessed and dirty bits in them at any time. */
#include "internal.h"

/* Resident-page shares for Pss are summed in 1/4096ths of a byte, as Linux. */
#define PSS_SHIFT 12

uint64_t supported_pte_mask = ~0ull;

uint64_t vm_get_page_prot(uint64_t vm_flags)
{
	uint64_t prot;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return PTE_PROTNONE;
	/* x86 cannot express write-only or execute-only: any right reads. */
	prot = PTE_PRESENT | PTE_USER;
	if (!(vm_flags & VM_EXEC))
		prot |= PTE_NX;
	if ((vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED))
		prot |= PTE_WRITE;
	return prot;
}

static uint64_t rss_total[NR_MM_COUNTERS];

uint64_t mm_rss_total(enum mm_counter member)
{
	return __atomic_load_n(&rss_total[member], __ATOMIC_RELAXED);
}

void mm_counter_add(struct mm_struct *mm, enum mm_counter member, int64_t nr_pages)
{
	uint64_t rss;

	__atomic_store_n(&mm->rss[member], mm->rss[member] + (uint64_t)nr_pages, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rss_total[member], (uint64_t)nr_pages, __ATOMIC_RELAXED);
	if (nr_pages > 0) {
		rss = get_mm_rss(mm);
		if (rss > mm->hiwater_rss)
			mm->hiwater_rss = rss;
	}
}

/* --- the unmap batch -------------------------------------------------------- */

void unmap_batch_init(struct unmap_batch *batch, struct mm_struct *mm)
{
	batch->mm = mm;
	batch->start = UINT64_MAX;
	batch->end = 0;
	batch->nr_pages = 0;
	list_init(&batch->tables);
}

static void batch_note_range(struct unmap_batch *batch, uint64_t start, uint64_t end)
{
	if (start < batch->start)
		batch->start = start;
	if (end > batch->end)
		batch->end = end;
}

static void batch_release(struct unmap_batch *batch)
{
	struct page *page, *tmp;
	unsigned int i;

	if (batch->start < batch->end)
		flush_tlb_mm_range(batch->mm, batch->start, batch->end);
	batch->start = UINT64_MAX;
	batch->end = 0;
	for (i = 0; i < batch->nr_pages; i++)
		put_page(batch->pages[i]);
	batch->nr_pages = 0;
	list_for_each_entry_safe(page, tmp, &batch->tables, buddy_list) {
		list_del(&page->buddy_list);
		free_pages_block(page, 0);
	}
}

void unmap_batch_finish(struct unmap_batch *batch)
{
	batch_release(batch);
}

struct zap_walk {
	struct unmap_batch *batch;
	struct vm_area_struct *vma;
};

static int zap_pte(uint64_t *pte, uint64_t virt, void *arg)
{
	struct zap_walk *walk = arg;
	struct unmap_batch *batch = walk->batch;
	uint64_t entry = __atomic_exchange_n(pte, 0, __ATOMIC_RELAXED);

	if (!pte_has_page(entry))
		return 0;
	mm_counter_add(batch->mm, pte_counter(walk->vma, entry), -1);
	batch_note_range(batch, virt, virt + PAGE_SIZE);
	if (batch->nr_pages == UNMAP_BATCH_PAGES)
		batch_release(batch); /* flushes this entry too */
	batch->pages[batch->nr_pages++] = pte_page(entry);
	return 0;
}

void zap_page_range(struct unmap_batch *batch, struct vm_area_struct *vma, uint64_t start,
		    uint64_t end)
{
	struct zap_walk walk = { .batch = batch, .vma = vma };

	if (start < end)
		pgtable_walk_ptes(&batch->mm->pgtable, start, end, zap_pte, &walk);
}

static void batch_free_table(uint64_t phys, void *arg)
{
	struct unmap_batch *batch = arg;

	list_add(&pfn_to_page(phys >> PAGE_SHIFT)->buddy_list, &batch->tables);
}

void free_pgtables(struct unmap_batch *batch, uint64_t start, uint64_t end, uint64_t floor,
		   uint64_t ceiling)
{
	struct list_head *first = batch->tables.next;

	pgtable_free_tables(&batch->mm->pgtable, start, end, floor, ceiling, batch_free_table,
			    batch);
	/* Paging-structure caches may hold the freed tables even where no
	 * entry was present; on x86 any invalidation drops them all. */
	if (batch->tables.next != first)
		batch_note_range(batch, start, end);
}

/* --- mprotect --------------------------------------------------------------- */

struct protect_walk {
	struct vm_area_struct *vma;
	uint64_t nr_changed;
};

static int protect_pte(uint64_t *pte, uint64_t virt, void *arg)
{
	struct protect_walk *walk = arg;
	const struct vm_area_struct *vma = walk->vma;
	uint64_t entry = *pte, new;

	(void)virt;
	if (!pte_has_page(entry))
		return 0;
	new = (entry & (PTE_ADDR_MASK | PTE_FILE_PAGE | PTE_ACCESSED | PTE_DIRTY)) |
	      (vma->vm_page_prot & supported_pte_mask);
	/* A private page only this mapping has, and not file contents, has no
	 * copy-on-write pending: it may be written at once. */
	if ((new &PTE_PRESENT) && is_cow_mapping(vma->vm_flags) && (vma->vm_flags & VM_WRITE) &&
	    !(entry & PTE_FILE_PAGE) && page_count(pte_page(entry)) == 1)
		new |= PTE_WRITE;
	if (new != entry) {
		__atomic_store_n(pte, new, __ATOMIC_RELAXED);
		walk->nr_changed++;
	}
	return 0;
}

uint64_t change_protection(struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct protect_walk walk = { .vma = vma };

	if (start < end)
		pgtable_walk_ptes(&vma->vm_mm->pgtable, start, end, protect_pte, &walk);
	return walk.nr_changed;
}

/* --- fork ------------------------------------------------------------------- */

struct copy_walk {
	struct mm_struct *dst;
	struct vm_area_struct *dst_vma;
	uint64_t *wp_start, *wp_end;
};

static int copy_pte(uint64_t *src_pte, uint64_t virt, void *arg)
{
	struct copy_walk *walk = arg;
	uint64_t entry = *src_pte, *dst_pte;

	if (!pte_has_page(entry))
		return 0;
	dst_pte = pgtable_pte_alloc(&walk->dst->pgtable, virt, true);
	if (!dst_pte)
		return -ENOMEM;
	if (entry & PTE_WRITE) {
		entry = __atomic_and_fetch(src_pte, ~PTE_WRITE, __ATOMIC_RELAXED);
		if (virt < *walk->wp_start)
			*walk->wp_start = virt;
		if (virt + PAGE_SIZE > *walk->wp_end)
			*walk->wp_end = virt + PAGE_SIZE;
	}
	get_page(pte_page(entry));
	*dst_pte = entry & ~(PTE_ACCESSED | PTE_DIRTY);
	mm_counter_add(walk->dst, pte_counter(walk->dst_vma, entry), 1);
	return 0;
}

int copy_page_range(struct mm_struct *dst, struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma, uint64_t *wp_start, uint64_t *wp_end)
{
	struct copy_walk walk = {
		.dst = dst, .dst_vma = dst_vma, .wp_start = wp_start, .wp_end = wp_end
	};

	return pgtable_walk_ptes(&src_vma->vm_mm->pgtable, src_vma->vm_start, src_vma->vm_end,
				 copy_pte, &walk);
}

/* --- mremap ----------------------------------------------------------------- */

struct move_walk {
	struct mm_struct *mm;
	uint64_t delta; /* destination minus source, modulo 2^64 */
	uint64_t failed_at;
};

static int move_pte(uint64_t *pte, uint64_t virt, void *arg)
{
	struct move_walk *walk = arg;
	uint64_t *dst = pgtable_pte_alloc(&walk->mm->pgtable, virt + walk->delta, true);

	if (!dst) {
		walk->failed_at = virt;
		return -ENOMEM;
	}
	__atomic_store_n(dst, __atomic_exchange_n(pte, 0, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	return 0;
}

int move_page_tables(struct mm_struct *mm, uint64_t old_addr, uint64_t new_addr, uint64_t len)
{
	struct move_walk walk = { .mm = mm, .delta = new_addr - old_addr };
	int rc;

	if (!len)
		return 0;
	rc = pgtable_walk_ptes(&mm->pgtable, old_addr, old_addr + len, move_pte, &walk);
	if (rc) {
		/* Every table of the old range is still there: moving back
		 * cannot fail. */
		struct move_walk back = { .mm = mm, .delta = old_addr - new_addr };

		if (walk.failed_at > old_addr)
			pgtable_walk_ptes(&mm->pgtable, new_addr,
					  new_addr + (walk.failed_at - old_addr), move_pte, &back);
		flush_tlb_mm_range(mm, new_addr, new_addr + len);
	}
	flush_tlb_mm_range(mm, old_addr, old_addr + len);
	return rc;
}

/* --- /proc ------------------------------------------------------------------ */

struct rss_walk {
	struct vm_area_struct *vma;
	struct vma_rss *rss;
	uint64_t pss, pss_dirty; /* bytes << PSS_SHIFT */
};

static int rss_pte(uint64_t *pte, uint64_t virt, void *arg)
{
	struct rss_walk *walk = arg;
	uint64_t entry = *pte;
	enum mm_counter counter;
	uint64_t share;
	int mappers;

	(void)virt;
	if (!pte_has_page(entry))
		return 0;
	counter = pte_counter(walk->vma, entry);
	switch (counter) {
	case MM_FILEPAGES:
		walk->rss->file_pages++;
		break;
	case MM_ANONPAGES:
		walk->rss->anon_pages++;
		break;
	default:
		walk->rss->shmem_pages++;
		break;
	}
	/* The shared object holds a reference of its own. */
	mappers = page_count(pte_page(entry)) - (walk->vma->vm_shared_anon ? 1 : 0);
	if (mappers < 1)
		mappers = 1;
	if (mappers > 1) {
		walk->rss->shared_pages++;
		if (counter == MM_FILEPAGES)
			walk->rss->shared_file_pages++;
	}
	share = (PAGE_SIZE << PSS_SHIFT) / (uint64_t)mappers;
	walk->pss += share;
	/* File pages not written since read are clean; the rest are not. */
	if (counter != MM_FILEPAGES)
		walk->pss_dirty += share;
	return 0;
}

void vma_get_rss(struct vm_area_struct *vma, struct vma_rss *rss)
{
	struct rss_walk walk = { .vma = vma, .rss = rss };

	*rss = (struct vma_rss){ 0 };
	pgtable_walk_ptes(&vma->vm_mm->pgtable, vma->vm_start, vma->vm_end, rss_pte, &walk);
	rss->pss_bytes = walk.pss >> PSS_SHIFT;
	rss->pss_dirty_bytes = walk.pss_dirty >> PSS_SHIFT;
}
