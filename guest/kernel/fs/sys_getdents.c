/* getdents64(2): directory entries as struct linux_dirent64 records,
 * through a kernel buffer. A call returns what fits in one page or the
 * caller's buffer, whichever is smaller; callers loop until it returns 0. */
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

SYSCALL_DEFINE3(getdents64, int, fd, uint64_t, udirent, unsigned int, count)
{
	struct file *file = fdget(fd);
	size_t size = count < PAGE_SIZE ? count : PAGE_SIZE;
	int64_t pos;
	void *buf;
	long ret;

	if (!file)
		return -EBADF;
	ret = -EFAULT;
	if (!access_ok(udirent, count))
		goto out;
	ret = -ENOMEM;
	buf = kmalloc(size ? size : 1, GFP_KERNEL);
	if (!buf)
		goto out;
	pos = file->f_pos;
	ret = vfs_getdents(file, buf, size);
	/* Entries that did not reach the caller are read again next time. */
	if (ret > 0 && copy_to_user(udirent, buf, (unsigned long)ret)) {
		file->f_pos = pos;
		ret = -EFAULT;
	}
	kfree(buf);
out:
	vfs_close(file);
	return ret;
}
