/* open(2) and its family, close(2) and close_range(2): a path and open
 * flags from the process, a file from the VFS, the lowest free descriptor
 * for it. */
#include <linux/close_range.h>
#include <vitro/errno.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

static long do_open(int dirfd, uint64_t upath, unsigned int flags, uint32_t mode)
{
	struct fs_struct *fs = current_fs();
	struct at_path at;
	struct file *file;
	int err, fd;

	/* O_TMPFILE needs write access and O_DIRECTORY, and then a file system
	 * that makes unnamed files, which ramfs does not. */
	if (flags & __O_TMPFILE) {
		if ((flags & O_TMPFILE) != O_TMPFILE || (flags & O_CREAT) ||
		    (flags & O_ACCMODE) == O_RDONLY)
			return -EINVAL;
		return -EOPNOTSUPP;
	}
	/* Linux 6.4 and later: no creating a directory through open. */
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	mode = flags & O_CREAT ? mode & S_IALLUGO & ~(fs ? fs->umask : 0) : 0;
	err = at_path_get(&at, dirfd, upath, 0);
	if (err)
		return err;
	err = vfs_open(&at.fs, at.name, flags, mode, &file);
	at_path_put(&at);
	if (err)
		return err;
	fd = fd_install(current_files(), file, 0, flags & O_CLOEXEC);
	if (fd < 0)
		vfs_close(file);
	return fd;
}

SYSCALL_DEFINE3(open, uint64_t, upath, int, flags, unsigned int, mode)
{
	return do_open(AT_FDCWD, upath, (unsigned int)flags, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, uint64_t, upath, int, flags, unsigned int, mode)
{
	return do_open(dirfd, upath, (unsigned int)flags, mode);
}

SYSCALL_DEFINE2(creat, uint64_t, upath, unsigned int, mode)
{
	return do_open(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	struct files_struct *files = current_files();

	return files ? fd_close(files, fd) : -EBADF;
}

/* No descriptor table is shared yet (CLONE_FILES comes with threads), so
 * CLOSE_RANGE_UNSHARE has nothing to unshare. */
SYSCALL_DEFINE3(close_range, unsigned int, first, unsigned int, last, unsigned int, flags)
{
	struct files_struct *files = current_files();

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if (files)
		files_close_range(files, first, last, flags & CLOSE_RANGE_CLOEXEC);
	return 0;
}
