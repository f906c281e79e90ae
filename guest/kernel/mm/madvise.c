/* madvise with Linux's checks and its walk over the areas of a range (holes
 * give -ENOMEM once the mapped parts have had the advice). What changes
 * memory: MADV_DONTNEED/FREE drop pages, the fork and dump advice set area
 * flags, MADV_POPULATE_* fault pages in; advice about paging or huge pages
 * has nothing to act on here and is accepted. */
#include "internal.h"

static bool is_known_advice(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_REMOVE:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
	case MADV_DONTNEED_LOCKED:
		return true;
	default:
		/* MADV_COLLAPSE needs huge pages; HWPOISON and SOFT_OFFLINE
		 * memory-failure handling. */
		return false;
	}
}

static int zap_range(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct unmap_batch batch;

	unmap_batch_init(&batch, mm);
	zap_page_range(&batch, vma, start, end);
	unmap_batch_finish(&batch);
	return 0;
}

/* Linux's madvise_populate(): -EINVAL where the rights do not allow the
 * access, -EFAULT where a fault would signal, -ENOMEM. */
static int populate(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start, uint64_t end,
		    bool is_write)
{
	uint64_t addr;

	if (!(vma->vm_flags & (is_write ? VM_WRITE : VM_READ)))
		return -EINVAL;
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		int rc = fault_page(mm, vma, addr, is_write);

		if (rc)
			return rc & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
	}
	return 0;
}

static int set_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start, uint64_t end,
		     uint64_t vm_flags)
{
	struct vm_area_struct *result;

	return vma_modify_flags(mm, vma, start, end, vm_flags, &result);
}

/* The advice for [start, end), which lies inside vma. */
static int madvise_vma(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end, int advice)
{
	uint64_t flags = vma->vm_flags;

	switch (advice) {
	case MADV_DONTNEED:
		if (flags & VM_LOCKED)
			return -EINVAL;
		return zap_range(mm, vma, start, end);
	case MADV_DONTNEED_LOCKED:
		return zap_range(mm, vma, start, end);
	case MADV_FREE:
		/* Freed at once, which MADV_FREE allows: reads then see zeros. */
		if ((flags & VM_LOCKED) || vma->vm_file || vma->vm_shared_anon)
			return -EINVAL;
		return zap_range(mm, vma, start, end);
	case MADV_REMOVE:
		if (flags & VM_LOCKED)
			return -EINVAL;
		if (!vma->vm_file && !vma->vm_shared_anon)
			return -EINVAL;
		if ((flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
			return -EACCES;
		/* Freeing shared pages needs every mapper's entries, and there
		 * is no reverse map to find them yet. */
		return -EOPNOTSUPP;
	case MADV_DONTFORK:
		return set_flags(mm, vma, start, end, flags | VM_DONTCOPY);
	case MADV_DOFORK:
		return set_flags(mm, vma, start, end, flags & ~VM_DONTCOPY);
	case MADV_WIPEONFORK:
		if (vma->vm_file || (flags & VM_SHARED))
			return -EINVAL;
		return set_flags(mm, vma, start, end, flags | VM_WIPEONFORK);
	case MADV_KEEPONFORK:
		return set_flags(mm, vma, start, end, flags & ~VM_WIPEONFORK);
	case MADV_DONTDUMP:
		return set_flags(mm, vma, start, end, flags | VM_DONTDUMP);
	case MADV_DODUMP:
		return set_flags(mm, vma, start, end, flags & ~VM_DONTDUMP);
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return populate(mm, vma, start, end, advice == MADV_POPULATE_WRITE);
	default:
		return 0;
	}
}

int vm_madvise(struct mm_struct *mm, uint64_t start, uint64_t len, int advice)
{
	struct vm_area_struct *vma;
	uint64_t end, aligned_len;
	int unmapped_error = 0;

	if (!is_known_advice(advice))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	aligned_len = PAGE_ALIGN_UP(len);
	if (len && !aligned_len)
		return -EINVAL; /* rounded up past the top */
	end = start + aligned_len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	vma = find_vma(mm, start);
	for (;;) {
		uint64_t piece_end;
		int err;

		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		piece_end = vma->vm_end < end ? vma->vm_end : end;
		err = madvise_vma(mm, vma, start, piece_end, advice);
		if (err)
			return err;
		start = piece_end;
		if (start >= end)
			break;
		/* The advice may have split or merged areas: look up again. */
		vma = find_vma(mm, start);
	}
	return unmapped_error;
}
