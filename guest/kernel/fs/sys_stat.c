/* The stat family: stat, lstat, fstat, newfstatat and statx, packing the
 * VFS's struct kstat into the x86-64 struct stat of <asm/stat.h> and the
 * struct statx of <linux/stat.h>. */
#include <asm/stat.h>
#include <linux/stat.h>
#include <vitro/errno.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

/* Linux's new_encode_dev(): the dev_t user space sees (glibc's makedev). */
static uint64_t encode_dev(vfs_dev_t dev)
{
	uint64_t major = MAJOR(dev), minor = MINOR(dev);

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffull) << 12);
}

static int stat_to_user(const struct kstat *k, uint64_t ubuf)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = encode_dev(k->dev);
	st.st_ino = k->ino;
	st.st_nlink = k->nlink;
	st.st_mode = k->mode;
	st.st_uid = k->uid;
	st.st_gid = k->gid;
	st.st_rdev = encode_dev(k->rdev);
	st.st_size = k->size;
	st.st_blksize = k->blksize;
	st.st_blocks = (long)k->blocks;
	st.st_atime = (unsigned long)k->atime.tv_sec;
	st.st_atime_nsec = (unsigned long)k->atime.tv_nsec;
	st.st_mtime = (unsigned long)k->mtime.tv_sec;
	st.st_mtime_nsec = (unsigned long)k->mtime.tv_nsec;
	st.st_ctime = (unsigned long)k->ctime.tv_sec;
	st.st_ctime_nsec = (unsigned long)k->ctime.tv_nsec;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

/* A stat by name or, with AT_EMPTY_PATH and "", of dirfd's file. */
static int stat_at(int dirfd, uint64_t upath, unsigned int flags, struct kstat *k)
{
	struct at_path at;
	int err = at_path_get(&at, dirfd, upath, flags);

	if (err)
		return err;
	if (at.file)
		err = vfs_fstat(at.file, k);
	else if (flags & AT_SYMLINK_NOFOLLOW)
		err = vfs_lstat(&at.fs, at.name, k);
	else
		err = vfs_stat(&at.fs, at.name, k);
	at_path_put(&at);
	return err;
}

#define NEWFSTATAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)

SYSCALL_DEFINE4(newfstatat, int, dirfd, uint64_t, upath, uint64_t, ubuf, int, flags)
{
	struct kstat k;
	int err;

	if ((unsigned int)flags & ~NEWFSTATAT_FLAGS)
		return -EINVAL;
	err = stat_at(dirfd, upath, (unsigned int)flags, &k);
	return err ? err : stat_to_user(&k, ubuf);
}

SYSCALL_DEFINE2(stat, uint64_t, upath, uint64_t, ubuf)
{
	struct kstat k;
	int err = stat_at(AT_FDCWD, upath, 0, &k);

	return err ? err : stat_to_user(&k, ubuf);
}

SYSCALL_DEFINE2(lstat, uint64_t, upath, uint64_t, ubuf)
{
	struct kstat k;
	int err = stat_at(AT_FDCWD, upath, AT_SYMLINK_NOFOLLOW, &k);

	return err ? err : stat_to_user(&k, ubuf);
}

SYSCALL_DEFINE2(fstat, int, fd, uint64_t, ubuf)
{
	struct file *file = fdget_raw(fd);
	struct kstat k;
	int err;

	if (!file)
		return -EBADF;
	err = vfs_fstat(file, &k);
	vfs_close(file);
	return err ? err : stat_to_user(&k, ubuf);
}

static struct statx_timestamp statx_time(struct vfs_timespec t)
{
	return (struct statx_timestamp){ .tv_sec = t.tv_sec, .tv_nsec = (uint32_t)t.tv_nsec };
}

#define STATX_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)

/* Whatever mask asks, the basic fields are all there is (no birth time, no
 * mount id) and all that stx_mask claims; there is nothing to synchronise
 * with, so the AT_STATX_*_SYNC flags change nothing. */
SYSCALL_DEFINE5(statx, int, dirfd, uint64_t, upath, int, flags, unsigned int, mask, uint64_t, ubuf)
{
	struct statx sx;
	struct kstat k;
	int err;

	if (((unsigned int)flags & ~STATX_FLAGS) ||
	    ((unsigned int)flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	err = stat_at(dirfd, upath, (unsigned int)flags, &k);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = k.blksize;
	sx.stx_nlink = k.nlink;
	sx.stx_uid = k.uid;
	sx.stx_gid = k.gid;
	sx.stx_mode = (uint16_t)k.mode;
	sx.stx_ino = k.ino;
	sx.stx_size = (uint64_t)k.size;
	sx.stx_blocks = k.blocks;
	sx.stx_atime = statx_time(k.atime);
	sx.stx_ctime = statx_time(k.ctime);
	sx.stx_mtime = statx_time(k.mtime);
	sx.stx_rdev_major = MAJOR(k.rdev);
	sx.stx_rdev_minor = MINOR(k.rdev);
	sx.stx_dev_major = MAJOR(k.dev);
	sx.stx_dev_minor = MINOR(k.dev);
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}
