/* The life of an address space: mm_alloc() makes an empty one, mm_dup()
 * copies one for fork (copy-on-write), mmput() tears the user half down when
 * the last task leaves and mmdrop() frees what lazy-TLB CPUs may still use. */
#include <vitro/slab.h>

#include "internal.h"

static uint64_t user_table_alloc(void)
{
	struct page *page = alloc_page(__GFP_ZERO);

	return page ? page_to_pfn(page) << PAGE_SHIFT : 0;
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	if (pgtable_create(&mm->pgtable, false, user_table_alloc)) {
		kfree(mm);
		return NULL;
	}
	mm->mm_rb = RB_ROOT;
	list_init(&mm->mmap_list);
	mm->mmap_lock = (struct mutex)MUTEX_INIT(mm->mmap_lock);
	mm->users = 1;
	mm->count = 1;
	mm->mmap_base = DEFAULT_MMAP_BASE;
	mm->stack_rlimit = DEFAULT_STACK_RLIMIT;
	arch_mm_init_pgd(mm);
	return mm;
}

void mmget(struct mm_struct *mm)
{
	__atomic_add_fetch(&mm->users, 1, __ATOMIC_RELAXED);
}

void mmgrab(struct mm_struct *mm)
{
	__atomic_add_fetch(&mm->count, 1, __ATOMIC_RELAXED);
}

void mmdrop(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->count, 1, __ATOMIC_ACQ_REL))
		return;
	free_pages_block(pfn_to_page(mm->pgtable.root_phys >> PAGE_SHIFT), 0);
	kfree(mm);
}

/* Linux's exit_mmap(): every page, user page table and area goes; the root
 * (with the kernel half) stays for mmdrop(). */
static void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *tmp;
	struct unmap_batch batch;

	unmap_batch_init(&batch, mm);
	for_each_vma(mm, vma) zap_page_range(&batch, vma, vma->vm_start, vma->vm_end);
	free_pgtables(&batch, 0, USER_PGTABLE_END, 0, USER_PGTABLE_END);
	unmap_batch_finish(&batch);
	list_for_each_entry_safe(vma, tmp, &mm->mmap_list, vm_list) {
		vma_unlink(mm, vma);
		vma_free(vma);
	}
}

void mmput(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL))
		return;
	exit_mmap(mm);
	mmdrop(mm);
}

struct mm_struct *mm_dup(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	uint64_t wp_start = UINT64_MAX, wp_end = 0;
	struct vm_area_struct *vma;
	int err = 0;

	if (!mm)
		return NULL;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->mmap_base = old->mmap_base;
	mm->stack_rlimit = old->stack_rlimit;

	for_each_vma(old, vma)
	{
		struct vm_area_struct *copy;

		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		copy = vma_dup(vma);
		if (!copy) {
			err = -ENOMEM;
			break;
		}
		vma_link(mm, copy);
		/* Shared memory is found again through its object; wiped
		 * areas start empty. */
		if (vma->vm_flags & (VM_SHARED | VM_WIPEONFORK))
			continue;
		err = copy_page_range(mm, copy, vma, &wp_start, &wp_end);
		if (err)
			break;
	}
	/* The parent's CPUs must stop writing through entries now read-only. */
	if (wp_start < wp_end)
		flush_tlb_mm_range(old, wp_start, wp_end);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}
