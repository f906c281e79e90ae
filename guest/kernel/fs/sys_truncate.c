/* A regular file's size: truncate(2) and ftruncate(2) set it (the bytes
 * past it dropped, new ones reading as zeros); fallocate(2) would reserve
 * room, which ramfs does not do (EOPNOTSUPP, as Linux's ramfs), after
 * Linux's checks. */
#include <vitro/errno.h>
#include <vitro/syscalls.h>

#include "sys_util.h"

SYSCALL_DEFINE2(truncate, uint64_t, upath, int64_t, length)
{
	struct fs_struct *fs = current_fs();
	char *name;
	int err;

	if (!fs)
		return -ENOENT;
	err = getname(upath, false, &name);
	if (err)
		return err;
	err = vfs_truncate(fs, name, length);
	putname(name);
	return err;
}

SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, length)
{
	struct file *file = fdget(fd);
	int err;

	if (!file)
		return -EBADF;
	err = vfs_ftruncate(file, length);
	vfs_close(file);
	return err;
}

/* fallocate modes (<linux/falloc.h>). */
#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#define FALLOC_FL_NO_HIDE_STALE 0x04
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE 0x10
#define FALLOC_FL_INSERT_RANGE 0x20
#define FALLOC_FL_UNSHARE_RANGE 0x40
#define FALLOC_FL_MODES                                                          \
	(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | \
	 FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE)

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, int64_t, offset, int64_t, len)
{
	struct file *file;
	uint32_t imode;
	bool is_writable;

	if (offset < 0 || len <= 0)
		return -EINVAL;
	if ((unsigned int)mode & ~FALLOC_FL_MODES)
		return -EOPNOTSUPP;
	/* A hole is punched keeping the size, as Linux wants it asked. */
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	file = fdget(fd);
	if (!file)
		return -EBADF;
	imode = file->f_inode->i_mode;
	is_writable = file->f_mode & FMODE_WRITE;
	vfs_close(file);
	if (!is_writable)
		return -EBADF;
	if (S_ISFIFO(imode))
		return -ESPIPE;
	if (S_ISDIR(imode))
		return -EISDIR;
	if (!S_ISREG(imode) && !S_ISBLK(imode))
		return -ENODEV;
	if (offset > INT64_MAX - len)
		return -EFBIG;
	return -EOPNOTSUPP;
}
