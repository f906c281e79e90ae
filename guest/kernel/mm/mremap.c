/* mremap with Linux's checks: shrinking unmaps the tail, growing extends
 * the area in place when the space after it is free, and otherwise (with
 * MREMAP_MAYMOVE) the range moves to a new area, its page-table entries
 * carried over so the contents follow without copying. */
#include "internal.h"

/* Linux's vma_to_resize(): the area holding [addr, addr + old_len), if it
 * may become new_len long. */
static int vma_to_resize(struct mm_struct *mm, uint64_t addr, uint64_t old_len, uint64_t new_len,
			 struct vm_area_struct **found)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	uint64_t pgoff;

	if (!vma || vma->vm_start > addr)
		return -EFAULT;
	/* old_len 0 duplicates a mapping: only shared ones have pages the
	 * copy could share. */
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	if (old_len > vma->vm_end - addr)
		return -EFAULT;
	*found = vma;
	if (new_len == old_len)
		return 0;
	pgoff = vma_page_index(vma, addr);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (vma->vm_flags & VM_DONTEXPAND)
		return -EFAULT;
	return 0;
}

/* The free space after vma takes delta more bytes. */
static bool is_expandable(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t delta)
{
	uint64_t end = vma->vm_end + delta;

	if (end < vma->vm_end || end > TASK_SIZE)
		return false;
	return !find_vma_intersection(mm, vma->vm_end, end);
}

/* Linux's move_vma(): a new area at new_addr, new_len long, continues
 * [old_addr, old_addr + old_len) of vma, whose entries move there; the old
 * range is then unmapped (but for MREMAP_DONTUNMAP, which leaves it empty). */
static long move_vma(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t old_addr,
		     uint64_t old_len, uint64_t new_len, uint64_t new_addr, int flags)
{
	struct vm_area_struct *new_vma;
	int err;

	/* Unmapping may split one area into three. */
	if (mm->map_count >= MAX_MAP_COUNT - 3)
		return -ENOMEM;
	new_vma = vma_dup(vma);
	if (!new_vma)
		return -ENOMEM;
	new_vma->vm_pgoff = vma_page_index(vma, old_addr);
	new_vma->vm_start = new_addr;
	new_vma->vm_end = new_addr + new_len;
	err = move_page_tables(mm, old_addr, new_addr, old_len);
	if (err) {
		struct unmap_batch batch;
		uint64_t floor, ceiling;

		unmap_batch_init(&batch, mm);
		vma_gap_bounds(mm, new_addr, &floor, &ceiling);
		free_pgtables(&batch, new_addr, new_addr + new_len, floor, ceiling);
		unmap_batch_finish(&batch);
		vma_free(new_vma);
		return err;
	}
	vma_link(mm, new_vma);
	if (!(flags & MREMAP_DONTUNMAP) && old_len)
		do_munmap(mm, old_addr, old_addr + old_len); /* cannot split past the check above */
	vma_merge_neighbours(mm, new_vma);
	return (long)new_addr;
}

/* Linux's mremap_to(): MREMAP_FIXED and MREMAP_DONTUNMAP moves. */
static long mremap_to(struct mm_struct *mm, uint64_t addr, uint64_t old_len, uint64_t new_addr,
		      uint64_t new_len, int flags)
{
	struct vm_area_struct *vma;
	long ret;
	int err;

	if (new_addr & ~PAGE_MASK)
		return -EINVAL;
	if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len)
		return -EINVAL;
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL; /* overlap */
	if (mm->map_count + 2 >= MAX_MAP_COUNT - 3)
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		err = do_munmap(mm, new_addr, new_addr + new_len);
		if (err)
			return err;
	}
	if (old_len > new_len) {
		err = do_munmap(mm, addr + new_len, addr + old_len);
		if (err)
			return err;
		old_len = new_len;
	}
	err = vma_to_resize(mm, addr, old_len, new_len, &vma);
	if (err)
		return err;
	if (flags & MREMAP_DONTUNMAP && (vma->vm_flags & VM_DONTEXPAND))
		return -EINVAL;
	ret = get_unmapped_area(mm, new_addr, new_len,
				((flags & MREMAP_FIXED) ? MAP_FIXED : 0) |
					((vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0));
	if (ret < 0)
		return ret;
	return move_vma(mm, vma, addr, old_len, new_len, (uint64_t)ret, flags);
}

long vm_mremap(struct mm_struct *mm, uint64_t addr, uint64_t old_len, uint64_t new_len, int flags,
	       uint64_t new_addr)
{
	struct vm_area_struct *vma;
	long ret;
	int err;

	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	/* MREMAP_DONTUNMAP always moves and never resizes. */
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	old_len = PAGE_ALIGN_UP(old_len);
	new_len = PAGE_ALIGN_UP(new_len);
	if (!new_len)
		return -EINVAL;
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr)
		return -EFAULT;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(mm, addr, old_len, new_addr, new_len, flags);

	/* Shrinking always works: the tail goes. */
	if (old_len >= new_len) {
		if (old_len == new_len)
			return (long)addr;
		err = do_munmap(mm, addr + new_len, addr + old_len);
		return err ? err : (long)addr;
	}
	err = vma_to_resize(mm, addr, old_len, new_len, &vma);
	if (err)
		return err;
	if (old_len == vma->vm_end - addr && is_expandable(mm, vma, new_len - old_len)) {
		vma_resize(mm, vma, vma->vm_start, vma->vm_end + new_len - old_len);
		vma_merge_neighbours(mm, vma);
		return (long)addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	ret = get_unmapped_area(mm, 0, new_len, (vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0);
	if (ret < 0)
		return ret;
	return move_vma(mm, vma, addr, old_len, new_len, (uint64_t)ret, flags);
}
