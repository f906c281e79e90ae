/* The areas of an address space: a red-black tree by start address for
 * O(log n) lookups, augmented with the largest free gap in each subtree for
 * O(log n) free-space searches, and a list in the same order for walking
 * neighbours; splitting, merging, resizing and the counters that follow the
 * areas. */
#include <vitro/fs.h>
#include <vitro/slab.h>

#include "internal.h"

/* The free gap just below vma: from the end of the area before it (or 0) to
 * where vma's claim starts. The list must be in order; the tree need not be. */
static uint64_t vma_own_gap(struct vm_area_struct *vma)
{
	const struct vm_area_struct *prev = vma_prev(vma);
	uint64_t gap_start = prev ? prev->vm_end : 0, gap_end = vm_start_gap(vma);

	return gap_end > gap_start ? gap_end - gap_start : 0;
}

RB_DECLARE_CALLBACKS_MAX(static, vma_gap_callbacks, struct vm_area_struct, vm_rb, uint64_t,
			 rb_subtree_gap, vma_own_gap);

/* vma's own gap changed (its start, its flags or the area before it did). */
static void vma_gap_update(struct vm_area_struct *vma)
{
	if (vma)
		vma_gap_callbacks.propagate(&vma->vm_rb, NULL);
}

struct vm_area_struct *vma_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kzalloc(sizeof(*vma), GFP_KERNEL);

	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	RB_CLEAR_NODE(&vma->vm_rb);
	list_init(&vma->vm_list);
	return vma;
}

struct vm_area_struct *vma_dup(const struct vm_area_struct *vma)
{
	struct vm_area_struct *copy = kmalloc(sizeof(*copy), GFP_KERNEL);

	if (!copy)
		return NULL;
	*copy = *vma;
	RB_CLEAR_NODE(&copy->vm_rb);
	list_init(&copy->vm_list);
	if (copy->vm_file)
		fget(copy->vm_file);
	if (copy->vm_shared_anon)
		shared_anon_get(copy->vm_shared_anon);
	return copy;
}

void vma_free(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		vfs_close(vma->vm_file);
	if (vma->vm_shared_anon)
		shared_anon_put(vma->vm_shared_anon);
	kfree(vma);
}

/* Linux's vm_stat_account(): an area counts as code, stack or data by its
 * flags, in that order. */
void vm_stat_account(struct mm_struct *mm, uint64_t vm_flags, int64_t nr_pages)
{
	mm->total_vm += (uint64_t)nr_pages;
	if (mm->total_vm > mm->hiwater_vm)
		mm->hiwater_vm = mm->total_vm;
	if ((vm_flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC)
		mm->exec_vm += (uint64_t)nr_pages;
	else if (vm_flags & VM_STACK)
		mm->stack_vm += (uint64_t)nr_pages;
	else if ((vm_flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE)
		mm->data_vm += (uint64_t)nr_pages;
}

void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;
	struct vm_area_struct *next = NULL;

	while (*link) {
		struct vm_area_struct *at = rb_entry(*link, struct vm_area_struct, vm_rb);

		parent = *link;
		if (vma->vm_start < at->vm_start) {
			next = at; /* the last turn left is at the successor */
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
		}
	}
	/*
	 * Gaps are measured from the area before, so the list comes first,
	 * then next's smaller gap goes up a tree that is otherwise in step;
	 * then vma joins as a leaf with its own gap, and the rotations that
	 * rebalance the tree carry values that are all current.
	 */
	list_add_tail(&vma->vm_list, next ? &next->vm_list : &mm->mmap_list);
	vma->vm_mm = mm;
	vma_gap_update(next);
	rb_link_node(&vma->vm_rb, parent, link);
	vma->rb_subtree_gap = vma_own_gap(vma);
	vma_gap_callbacks.propagate(parent, NULL);
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	mm->map_count++;
	vm_stat_account(mm, vma->vm_flags, (int64_t)vma_pages(vma));
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(vma);

	/* The tree stays in step with vma still in the list (next's gap
	 * measured from vma); then next's gap grows. */
	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	RB_CLEAR_NODE(&vma->vm_rb);
	list_del(&vma->vm_list);
	list_init(&vma->vm_list);
	vma_gap_update(next);
	mm->map_count--;
	vm_stat_account(mm, vma->vm_flags, -(int64_t)vma_pages(vma));
}

void vma_resize(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	int64_t nr_pages = (int64_t)((end - start) >> PAGE_SHIFT) - (int64_t)vma_pages(vma);
	bool is_start_moved = start != vma->vm_start, is_end_moved = end != vma->vm_end;

	/* Each page keeps its offset in the backing: vm_pgoff follows the start. */
	if (start < vma->vm_start)
		vma->vm_pgoff -= (vma->vm_start - start) >> PAGE_SHIFT;
	else
		vma->vm_pgoff += (start - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_start = start;
	vma->vm_end = end;
	vm_stat_account(mm, vma->vm_flags, nr_pages);
	if (is_start_moved)
		vma_gap_update(vma);
	if (is_end_moved)
		vma_gap_update(vma_next(vma));
}

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	struct rb_node *node = mm->mm_rb.rb_node;
	struct vm_area_struct *found = NULL;

	while (node) {
		struct vm_area_struct *vma = rb_entry(node, struct vm_area_struct, vm_rb);

		if (vma->vm_end > addr) {
			found = vma;
			if (vma->vm_start <= addr)
				break;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	if (vma->vm_list.next == &vma->vm_mm->mmap_list)
		return NULL;
	return list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
}

struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	if (vma->vm_list.prev == &vma->vm_mm->mmap_list)
		return NULL;
	return list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list);
}

void vma_gap_bounds(struct mm_struct *mm, uint64_t addr, uint64_t *floor, uint64_t *ceiling)
{
	struct vm_area_struct *next = find_vma(mm, addr), *prev;

	if (next)
		prev = vma_prev(next);
	else
		prev = list_empty(&mm->mmap_list) ?
			       NULL :
			       list_entry(mm->mmap_list.prev, struct vm_area_struct, vm_list);
	*floor = prev ? prev->vm_end : 0;
	*ceiling = next ? next->vm_start : USER_PGTABLE_END;
}

int vma_split(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr,
	      struct vm_area_struct **high)
{
	struct vm_area_struct *new = vma_dup(vma);

	if (!new)
		return -ENOMEM;
	new->vm_start = addr;
	new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	vma_resize(mm, vma, vma->vm_start, addr);
	vma_link(mm, new);
	*high = new;
	return 0;
}

static bool can_merge(const struct vm_area_struct *low, const struct vm_area_struct *high)
{
	return low->vm_end == high->vm_start && low->vm_flags == high->vm_flags &&
	       low->vm_file == high->vm_file && low->vm_shared_anon == high->vm_shared_anon &&
	       low->vm_special == high->vm_special &&
	       low->vm_pgoff + vma_pages(low) == high->vm_pgoff;
}

/* high's range joins low; high goes. */
static void merge_into(struct mm_struct *mm, struct vm_area_struct *low,
		       struct vm_area_struct *high)
{
	uint64_t end = high->vm_end;

	vma_unlink(mm, high);
	vma_resize(mm, low, low->vm_start, end);
	vma_free(high);
}

struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(vma), *prev = vma_prev(vma);

	if (next && can_merge(vma, next))
		merge_into(mm, vma, next);
	if (prev && can_merge(prev, vma)) {
		merge_into(mm, prev, vma);
		vma = prev;
	}
	return vma;
}

void vma_set_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t vm_flags)
{
	vm_stat_account(mm, vma->vm_flags, -(int64_t)vma_pages(vma));
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vm_stat_account(mm, vma->vm_flags, (int64_t)vma_pages(vma));
	vma_gap_update(vma); /* a stack's claim includes its guard gap */
}

int vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start, uint64_t end,
		     uint64_t vm_flags, struct vm_area_struct **result)
{
	struct vm_area_struct *high;
	int err;

	*result = vma;
	if (vm_flags == vma->vm_flags)
		return 0;
	if (start > vma->vm_start) {
		if (mm->map_count >= MAX_MAP_COUNT)
			return -ENOMEM;
		err = vma_split(mm, vma, start, &high);
		if (err)
			return err;
		vma = high;
	}
	if (end < vma->vm_end) {
		if (mm->map_count >= MAX_MAP_COUNT)
			return -ENOMEM;
		err = vma_split(mm, vma, end, &high);
		if (err)
			return err;
	}
	vma_set_flags(mm, vma, vm_flags);
	*result = vma_merge_neighbours(mm, vma);
	return 0;
}
