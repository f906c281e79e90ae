/* Hints about how a file will be read: fadvise64(2) and readahead(2). Files
 * here live in memory, so there is nothing to read ahead or drop; the
 * calls check what Linux checks and succeed. */
#include <vitro/errno.h>
#include <vitro/syscalls.h>

#include "sys_util.h"

#define FADVISE_NOREUSE 5 /* the last POSIX_FADV_* */

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, offset, int64_t, len, int, advice)
{
	struct file *file = fdget(fd);
	uint32_t mode;

	(void)offset;
	if (!file)
		return -EBADF;
	mode = file->f_inode->i_mode;
	vfs_close(file);
	if (S_ISFIFO(mode))
		return -ESPIPE;
	if (advice < 0 || advice > FADVISE_NOREUSE || len < 0)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE3(readahead, int, fd, int64_t, offset, size_t, count)
{
	struct file *file = fdget(fd);
	bool is_readable;
	uint32_t mode;

	(void)offset, (void)count;
	if (!file)
		return -EBADF;
	mode = file->f_inode->i_mode;
	is_readable = file->f_mode & FMODE_READ;
	vfs_close(file);
	if (!is_readable)
		return -EBADF;
	return S_ISREG(mode) ? 0 : -EINVAL;
}
