/* mprotect: new rights for a range of areas, with Linux's checks; areas are
 * split where the range cuts them and merged again with neighbours that end
 * up alike, and the page-table entries follow. */
#include "internal.h"

int vm_mprotect(struct mm_struct *mm, uint64_t start, uint64_t len, int prot)
{
	int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	struct vm_area_struct *vma;
	uint64_t end, new_bits, at;

	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN_UP(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;

	vma = find_vma(mm, start);
	if (!vma)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		/* The change reaches down to the start of the stack. */
		if (vma->vm_start >= end)
			return -ENOMEM;
		start = vma->vm_start;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			return -EINVAL;
	} else {
		if (vma->vm_start > start)
			return -ENOMEM;
		if (grows & PROT_GROWSUP)
			return -EINVAL; /* x86 has no areas that grow up */
	}

	new_bits = calc_vm_prot_bits(prot);
	for (at = start;;) {
		uint64_t new_flags = new_bits | (vma->vm_flags & ~VM_ACCESS_FLAGS);
		uint64_t piece_end = vma->vm_end < end ? vma->vm_end : end;
		int err;

		/* Every right asked for needs its VM_MAY* bit (4 bits up). */
		if ((new_flags & ~(new_flags >> 4)) & VM_ACCESS_FLAGS)
			return -EACCES;
		if (new_flags != vma->vm_flags) {
			err = vma_modify_flags(mm, vma, at, piece_end, new_flags, &vma);
			if (err)
				return err;
			if (change_protection(vma, at, piece_end))
				flush_tlb_mm_range(mm, at, piece_end);
		}
		at = piece_end;
		if (at >= end)
			return 0;
		/* Merging may have joined the next area to this one: look it up. */
		vma = find_vma(mm, at);
		if (!vma || vma->vm_start > at)
			return -ENOMEM;
	}
}
