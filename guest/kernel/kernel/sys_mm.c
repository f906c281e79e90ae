/* The memory system calls: Linux's argument checks in front of the address
 * space's operations (vitro/mm_user.h), under the address space's lock. */
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mm_user.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>

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
