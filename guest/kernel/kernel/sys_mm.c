/* The memory system calls: Linux's argument checks in front of the address
 * space's operations (vitro/mm_user.h), under the address space's lock. */
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mm_user.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/pgtable.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

SYSCALL_DEFINE6(mmap, uint64_t, addr, uint64_t, len, int, prot, int, flags, int, fd, uint64_t, off)
{
	struct mm_struct *mm = current->mm;
	struct file *file = NULL;
	long ret;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = current->files ? fd_get(current->files, fd) : NULL;
		if (!file)
			return -EBADF;
	}
	mutex_lock(&mm->mmap_lock);
	ret = vm_mmap(mm, addr, len, prot, flags, file, off / PAGE_SIZE);
	mutex_unlock(&mm->mmap_lock);
	if (file)
		vfs_close(file);
	return ret;
}

SYSCALL_DEFINE2(munmap, uint64_t, addr, uint64_t, len)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mutex_lock(&mm->mmap_lock);
	ret = vm_munmap(mm, addr, len);
	mutex_unlock(&mm->mmap_lock);
	return ret;
}

SYSCALL_DEFINE3(mprotect, uint64_t, addr, uint64_t, len, int, prot)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mutex_lock(&mm->mmap_lock);
	ret = vm_mprotect(mm, addr, len, prot);
	mutex_unlock(&mm->mmap_lock);
	return ret;
}

SYSCALL_DEFINE5(mremap, uint64_t, addr, uint64_t, old_len, uint64_t, new_len, int, flags, uint64_t,
		new_addr)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mutex_lock(&mm->mmap_lock);
	ret = vm_mremap(mm, addr, old_len, new_len, flags, new_addr);
	mutex_unlock(&mm->mmap_lock);
	return ret;
}

SYSCALL_DEFINE1(brk, uint64_t, new_brk)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mutex_lock(&mm->mmap_lock);
	ret = vm_brk(mm, new_brk);
	mutex_unlock(&mm->mmap_lock);
	return ret;
}

SYSCALL_DEFINE3(madvise, uint64_t, addr, uint64_t, len, int, advice)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mutex_lock(&mm->mmap_lock);
	ret = vm_madvise(mm, addr, len, advice);
	mutex_unlock(&mm->mmap_lock);
	return ret;
}

/* Which pages of [addr, addr + len) are in memory: one byte per page, bit 0
 * set when a page is mapped now (not merely allowed by its area). Page
 * tables are walked a chunk at a time, absent tables skipped whole. */
#define MINCORE_CHUNK_PAGES 4096

struct mincore_chunk {
	uint8_t *vec;
	uint64_t start;
};

static int mincore_mark(uint64_t *pte, uint64_t virt, void *arg)
{
	struct mincore_chunk *c = arg;

	if (*pte & PTE_PRESENT)
		c->vec[(virt - c->start) / PAGE_SIZE] = 1;
	return 0;
}

/* Whether areas cover [start, end) without a hole. */
static bool range_is_mapped(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	while (start < end) {
		if (!vma || vma->vm_start > start)
			return false;
		start = vma->vm_end;
		vma = vma_next(vma);
	}
	return true;
}

SYSCALL_DEFINE3(mincore, uint64_t, addr, uint64_t, len, uint64_t, uvec)
{
	struct mm_struct *mm = current->mm;
	struct mincore_chunk c;
	uint64_t end, pages;
	long ret = 0;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!len)
		return 0;
	if (len > TASK_SIZE || addr > TASK_SIZE - len)
		return -ENOMEM;
	end = addr + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	c.vec = kmalloc(MINCORE_CHUNK_PAGES, GFP_KERNEL);
	if (!c.vec)
		return -ENOMEM;
	/* The lock is let go around each copy out: the user's vector may need a
	 * page fault, which takes it. */
	for (c.start = addr; !ret && c.start < end; c.start += pages * PAGE_SIZE) {
		pages = (end - c.start) / PAGE_SIZE;
		if (pages > MINCORE_CHUNK_PAGES)
			pages = MINCORE_CHUNK_PAGES;
		memset(c.vec, 0, pages);
		mutex_lock(&mm->mmap_lock);
		if (range_is_mapped(mm, c.start, c.start + pages * PAGE_SIZE))
			pgtable_walk_ptes(&mm->pgtable, c.start, c.start + pages * PAGE_SIZE,
					  mincore_mark, &c);
		else
			ret = -ENOMEM;
		mutex_unlock(&mm->mmap_lock);
		if (!ret && copy_to_user(uvec + (c.start - addr) / PAGE_SIZE, c.vec, pages))
			ret = -EFAULT;
	}
	kfree(c.vec);
	return ret;
}
