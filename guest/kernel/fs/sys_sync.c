/* Flushing to stable storage: sync, syncfs, fsync, fdatasync and
 * sync_file_range. Every file system here lives in memory, so there is
 * nothing to write back; the calls check their arguments as Linux does and
 * succeed. fsync wants a file whose file system has an fsync method: on
 * Linux's ramfs that is regular files and directories, not pipes or
 * terminals (EINVAL). */
#include <vitro/errno.h>
#include <vitro/syscalls.h>

#include "sys_util.h"

/* sync_file_range flags (<linux/fs.h>). */
#define SYNC_FILE_RANGE_WAIT_BEFORE 1u
#define SYNC_FILE_RANGE_WRITE 2u
#define SYNC_FILE_RANGE_WAIT_AFTER 4u
#define SYNC_FILE_RANGE_FLAGS \
	(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)

SYSCALL_DEFINE0(sync)
{
	return 0;
}

static long do_fsync(int fd)
{
	struct file *file = fdget(fd);
	uint32_t mode;

	if (!file)
		return -EBADF;
	mode = file->f_inode->i_mode;
	vfs_close(file);
	return S_ISREG(mode) || S_ISDIR(mode) ? 0 : -EINVAL;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return do_fsync(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return do_fsync(fd);
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *file = fdget(fd);

	if (!file)
		return -EBADF;
	vfs_close(file);
	return 0;
}

SYSCALL_DEFINE4(sync_file_range, int, fd, int64_t, offset, int64_t, nbytes, unsigned int, flags)
{
	struct file *file;
	uint32_t mode;

	if (flags & ~SYNC_FILE_RANGE_FLAGS)
		return -EINVAL;
	if (offset < 0 || nbytes < 0 || (nbytes && offset > INT64_MAX - nbytes))
		return -EINVAL;
	file = fdget(fd);
	if (!file)
		return -EBADF;
	mode = file->f_inode->i_mode;
	vfs_close(file);
	return S_ISREG(mode) || S_ISDIR(mode) || S_ISBLK(mode) || S_ISLNK(mode) ? 0 : -ESPIPE;
}
