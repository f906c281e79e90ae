/* Special mappings: pages the kernel owns, mapped into a process as they are
 * (Linux's install_special_mapping), for the vDSO and its vvar page. The area
 * points at its description (vm_special); faults map the description's pages
 * (fault.c), and everything else (fork, munmap, mremap, exit) treats them as
 * any mapped page with a reference count. */
#include "internal.h"

int install_special_mapping(struct mm_struct *mm, uint64_t addr, uint64_t vm_flags,
			    const struct vm_special_mapping *sm)
{
	uint64_t len = (uint64_t)sm->nr_pages << PAGE_SHIFT;
	struct vm_area_struct *vma;
	int rc;

	if (!sm->nr_pages || (addr & ~PAGE_MASK) || (vm_flags & (VM_WRITE | VM_SHARED)) ||
	    addr < MMAP_MIN_ADDR || addr > TASK_SIZE || len > TASK_SIZE - addr)
		return -EINVAL;
	if (find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	if (mm->map_count > MAX_MAP_COUNT)
		return -ENOMEM;
	vma = vma_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags | VM_DONTEXPAND;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_special = sm;
	vma_link(mm, vma);
	/* Every process touches these at once (the C library looks the vDSO
	 * up at start-up): mapping them now saves a fault each. */
	rc = populate_range(mm, addr, addr + len, false);
	if (rc) {
		do_munmap(mm, addr, addr + len);
		return -ENOMEM;
	}
	return 0;
}
