/* See vmalloc.h. Areas live in a list sorted by address and are found first
 * fit; each takes its pages one at a time from the page allocator and maps
 * them 4 KiB at a time. (Linux keeps areas in an augmented red-black tree;
 * the list is enough for the handful of areas this kernel has so far.) */
#include <vitro/errno.h>
#include <vitro/list.h>
#include <vitro/slab.h>
#include <vitro/spinlock.h>
#include <vitro/string.h>
#include <vitro/tlb.h>
#include <vitro/vmalloc.h>

#define GUARD_SIZE PAGE_SIZE

struct vm_area {
	struct list_head list;
	uint64_t start; /* first mapped byte (a guard page lies below) */
	uint64_t size; /* mapped bytes */
	bool is_freeing; /* vfree() under way: still holds its addresses */
};

static struct pgtable *vmalloc_pgtable;
static LIST_HEAD_DECLARE(vm_areas);
static struct spinlock vm_lock = SPINLOCK_INIT;
/* The vmalloc page tables: CPUs map and unmap their areas at once, and a
 * missing intermediate table must be added once. Not held across TLB
 * flushes, which wait for other CPUs. */
static struct spinlock vm_pgtable_lock = SPINLOCK_INIT;
static struct vmalloc_stats stats;

void vmalloc_init(struct pgtable *kernel_pgtable)
{
	vmalloc_pgtable = kernel_pgtable;
	list_init(&vm_areas);
	stats = (struct vmalloc_stats){ 0, 0 };
}

/* First fit: the lowest gap that holds a guard, the area and a guard. The
 * caller holds vm_lock; the new area is linked in order. */
static int area_place(struct vm_area *area, uint64_t size)
{
	uint64_t need = size + 2 * GUARD_SIZE, cursor = VMALLOC_START;
	struct vm_area *pos;

	list_for_each_entry(pos, &vm_areas, list) {
		if (pos->start - GUARD_SIZE - cursor >= need)
			break;
		cursor = pos->start + pos->size + GUARD_SIZE;
	}
	if (&pos->list == &vm_areas && VMALLOC_END - cursor < need)
		return -ENOMEM;
	area->start = cursor + GUARD_SIZE;
	area->size = size;
	area->is_freeing = false;
	list_add_tail(&area->list, &pos->list); /* before pos: keeps the order */
	return 0;
}

static struct vm_area *area_find(uint64_t addr)
{
	struct vm_area *pos;

	list_for_each_entry(pos, &vm_areas, list)
		if (addr >= pos->start && addr < pos->start + pos->size)
			return pos;
	return NULL;
}

/* Unmaps and frees the pages of [start, start + size). */
static void area_release_pages(uint64_t start, uint64_t size)
{
	uint64_t off, phys;
	unsigned long flags = spin_lock_irqsave(&vm_pgtable_lock);

	for (off = 0; off < size; off += PAGE_SIZE)
		if (pgtable_lookup(vmalloc_pgtable, start + off, &phys, NULL, NULL))
			free_pages_block(pfn_to_page(phys >> PAGE_SHIFT), 0);
	pgtable_unmap(vmalloc_pgtable, start, size);
	spin_unlock_irqrestore(&vm_pgtable_lock, flags);
	flush_tlb_kernel_range(start, start + size);
}

static void *vmalloc_gfp(size_t size, gfp_t gfp)
{
	struct vm_area *area;
	unsigned long flags;
	uint64_t off;
	int rc;

	if (!size || !vmalloc_pgtable || size > VMALLOC_END - VMALLOC_START)
		return NULL;
	size = (size + PAGE_SIZE - 1) & PAGE_MASK;
	area = kmalloc(sizeof(*area), gfp);
	if (!area)
		return NULL;
	flags = spin_lock_irqsave(&vm_lock);
	rc = area_place(area, size);
	spin_unlock_irqrestore(&vm_lock, flags);
	if (rc)
		goto err_free_area;

	for (off = 0; off < size; off += PAGE_SIZE) {
		struct page *page = alloc_pages(gfp, 0);

		if (!page)
			goto err_release;
		flags = spin_lock_irqsave(&vm_pgtable_lock);
		rc = pgtable_map(vmalloc_pgtable, area->start + off,
				 page_to_pfn(page) << PAGE_SHIFT, PAGE_SIZE, PROT_KERNEL_RW);
		spin_unlock_irqrestore(&vm_pgtable_lock, flags);
		if (rc) {
			free_pages_block(page, 0);
			goto err_release;
		}
	}
	flags = spin_lock_irqsave(&vm_lock);
	stats.nr_areas++;
	stats.mapped_bytes += size;
	spin_unlock_irqrestore(&vm_lock, flags);
	return (void *)area->start;

err_release:
	area_release_pages(area->start, off);
	flags = spin_lock_irqsave(&vm_lock);
	list_del(&area->list);
	spin_unlock_irqrestore(&vm_lock, flags);
err_free_area:
	kfree(area);
	return NULL;
}

void *vmalloc(size_t size)
{
	return vmalloc_gfp(size, GFP_KERNEL);
}

void *vzalloc(size_t size)
{
	return vmalloc_gfp(size, GFP_KERNEL | __GFP_ZERO);
}

void vfree(const void *addr)
{
	struct vm_area *area;
	unsigned long flags;

	if (!addr)
		return;
	flags = spin_lock_irqsave(&vm_lock);
	area = area_find((uint64_t)addr);
	if (area && (area->start != (uint64_t)addr || area->is_freeing))
		area = NULL; /* not the start of a live area: ignore rather than corrupt */
	if (area)
		area->is_freeing = true;
	spin_unlock_irqrestore(&vm_lock, flags);
	if (!area)
		return;
	/* The addresses stay taken until unmapped and flushed everywhere. */
	area_release_pages(area->start, area->size);
	flags = spin_lock_irqsave(&vm_lock);
	list_del(&area->list);
	stats.nr_areas--;
	stats.mapped_bytes -= area->size;
	spin_unlock_irqrestore(&vm_lock, flags);
	kfree(area);
}

struct page *vmalloc_to_page(const void *addr)
{
	uint64_t phys;

	if (!vmalloc_pgtable || !pgtable_lookup(vmalloc_pgtable, (uint64_t)addr, &phys, NULL, NULL))
		return NULL;
	return pfn_to_page(phys >> PAGE_SHIFT);
}

bool vmalloc_guard_hit(uint64_t addr, uint64_t *area_start, uint64_t *area_end)
{
	struct vm_area *pos;

	/* Lock-free on purpose: this runs in fault handlers. The list is only
	 * read; a racing change can at worst make the report less precise. */
	list_for_each_entry(pos, &vm_areas, list) {
		if ((addr >= pos->start - GUARD_SIZE && addr < pos->start) ||
		    (addr >= pos->start + pos->size &&
		     addr < pos->start + pos->size + GUARD_SIZE)) {
			*area_start = pos->start;
			*area_end = pos->start + pos->size;
			return true;
		}
	}
	return false;
}

bool vmalloc_area_bounds(uint64_t addr, uint64_t *area_start, uint64_t *area_end)
{
	/* Lock-free for the same reason as vmalloc_guard_hit(). */
	struct vm_area *area = area_find(addr);

	if (!area)
		return false;
	*area_start = area->start;
	*area_end = area->start + area->size;
	return true;
}

static uint64_t nr_kernel_stacks;

void *kernel_stack_alloc(void)
{
	void *stack = vmalloc(KERNEL_STACK_SIZE);

	if (stack)
		__atomic_add_fetch(&nr_kernel_stacks, 1, __ATOMIC_RELAXED);
	return stack;
}

void kernel_stack_free(void *stack)
{
	if (stack)
		__atomic_sub_fetch(&nr_kernel_stacks, 1, __ATOMIC_RELAXED);
	vfree(stack);
}

uint64_t kernel_stack_count(void)
{
	return __atomic_load_n(&nr_kernel_stacks, __ATOMIC_RELAXED);
}

void vmalloc_get_stats(struct vmalloc_stats *out)
{
	unsigned long flags = spin_lock_irqsave(&vm_lock);

	*out = stats;
	spin_unlock_irqrestore(&vm_lock, flags);
}
