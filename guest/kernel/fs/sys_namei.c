/* The calls that change names in the tree: mkdir, mknod, rmdir, unlink,
 * rename, link and symlink, each with its *at form, and readlink. Paths
 * and directory descriptors come in here; the VFS's dir_ops.c does the
 * rest. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

static unsigned int current_umask(void)
{
	struct fs_struct *fs = current_fs();

	return fs ? fs->umask : 0;
}

/* Linux's new_decode_dev(): the dev_t of mknod(2) (glibc's makedev). */
static vfs_dev_t decode_dev(uint64_t dev)
{
	unsigned int major = (unsigned int)((dev & 0xfff00) >> 8);
	unsigned int minor = (unsigned int)((dev & 0xff) | ((dev >> 12) & 0xfff00));

	return MKDEV(major, minor);
}

static long do_mkdirat(int dirfd, uint64_t upath, unsigned int mode)
{
	struct at_path at;
	int err = at_path_get(&at, dirfd, upath, 0);

	if (err)
		return err;
	/* Linux keeps the sticky bit but not set-user-ID or set-group-ID. */
	err = vfs_mkdir(&at.fs, at.name, mode & (0777 | S_ISVTX) & ~current_umask());
	at_path_put(&at);
	return err;
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, uint64_t, upath, unsigned int, mode)
{
	return do_mkdirat(dirfd, upath, mode);
}

SYSCALL_DEFINE2(mkdir, uint64_t, upath, unsigned int, mode)
{
	return do_mkdirat(AT_FDCWD, upath, mode);
}

static long do_mknodat(int dirfd, uint64_t upath, unsigned int mode, uint64_t dev)
{
	struct at_path at;
	int err;

	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	err = at_path_get(&at, dirfd, upath, 0);
	if (err)
		return err;
	err = vfs_mknod(&at.fs, at.name, (mode & S_IFMT) | (mode & S_IALLUGO & ~current_umask()),
			S_ISCHR(mode) || S_ISBLK(mode) ? decode_dev(dev) : 0);
	at_path_put(&at);
	return err;
}

SYSCALL_DEFINE4(mknodat, int, dirfd, uint64_t, upath, unsigned int, mode, unsigned int, dev)
{
	return do_mknodat(dirfd, upath, mode, dev);
}

SYSCALL_DEFINE3(mknod, uint64_t, upath, unsigned int, mode, unsigned int, dev)
{
	return do_mknodat(AT_FDCWD, upath, mode, dev);
}

static long do_unlinkat(int dirfd, uint64_t upath, bool is_dir)
{
	struct at_path at;
	int err = at_path_get(&at, dirfd, upath, 0);

	if (err)
		return err;
	err = is_dir ? vfs_rmdir(&at.fs, at.name) : vfs_unlink(&at.fs, at.name);
	at_path_put(&at);
	return err;
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, uint64_t, upath, int, flags)
{
	if ((unsigned int)flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return do_unlinkat(dirfd, upath, flags & AT_REMOVEDIR);
}

SYSCALL_DEFINE1(unlink, uint64_t, upath)
{
	return do_unlinkat(AT_FDCWD, upath, false);
}

SYSCALL_DEFINE1(rmdir, uint64_t, upath)
{
	return do_unlinkat(AT_FDCWD, upath, true);
}

static long do_renameat2(int old_dirfd, uint64_t uold, int new_dirfd, uint64_t unew,
			 unsigned int flags)
{
	struct at_path old, new;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & RENAME_WHITEOUT))
		return -EINVAL;
	err = at_path_get(&old, old_dirfd, uold, 0);
	if (err)
		return err;
	err = at_path_get(&new, new_dirfd, unew, 0);
	if (!err) {
		err = vfs_renameat(&old.fs, old.name, &new.fs, new.name, flags);
		at_path_put(&new);
	}
	at_path_put(&old);
	return err;
}

SYSCALL_DEFINE5(renameat2, int, old_dirfd, uint64_t, uold, int, new_dirfd, uint64_t, unew,
		unsigned int, flags)
{
	return do_renameat2(old_dirfd, uold, new_dirfd, unew, flags);
}

SYSCALL_DEFINE4(renameat, int, old_dirfd, uint64_t, uold, int, new_dirfd, uint64_t, unew)
{
	return do_renameat2(old_dirfd, uold, new_dirfd, unew, 0);
}

SYSCALL_DEFINE2(rename, uint64_t, uold, uint64_t, unew)
{
	return do_renameat2(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

/* AT_EMPTY_PATH links the file olddirfd is open on (Linux asks for
 * CAP_DAC_READ_SEARCH, which root has). */
static long do_linkat(int old_dirfd, uint64_t uold, int new_dirfd, uint64_t unew,
		      unsigned int flags)
{
	struct at_path old, new;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = at_path_get(&old, old_dirfd, uold, flags & AT_EMPTY_PATH);
	if (err)
		return err;
	err = at_path_get(&new, new_dirfd, unew, 0);
	if (!err) {
		if (old.file)
			err = vfs_link_file(old.file, &new.fs, new.name);
		else
			err = vfs_linkat(&old.fs, old.name, &new.fs, new.name,
					 flags & AT_SYMLINK_FOLLOW);
		at_path_put(&new);
	}
	at_path_put(&old);
	return err;
}

SYSCALL_DEFINE5(linkat, int, old_dirfd, uint64_t, uold, int, new_dirfd, uint64_t, unew, int, flags)
{
	return do_linkat(old_dirfd, uold, new_dirfd, unew, (unsigned int)flags);
}

SYSCALL_DEFINE2(link, uint64_t, uold, uint64_t, unew)
{
	return do_linkat(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

static long do_symlinkat(uint64_t utarget, int new_dirfd, uint64_t ulink)
{
	struct at_path at;
	char *target;
	int err = getname(utarget, false, &target);

	if (err)
		return err;
	err = at_path_get(&at, new_dirfd, ulink, 0);
	if (!err) {
		err = vfs_symlink(&at.fs, target, at.name);
		at_path_put(&at);
	}
	putname(target);
	return err;
}

SYSCALL_DEFINE3(symlinkat, uint64_t, utarget, int, new_dirfd, uint64_t, ulink)
{
	return do_symlinkat(utarget, new_dirfd, ulink);
}

SYSCALL_DEFINE2(symlink, uint64_t, utarget, uint64_t, ulink)
{
	return do_symlinkat(utarget, AT_FDCWD, ulink);
}

/* An empty path reads the link dirfd is open on (O_PATH | O_NOFOLLOW);
 * for anything else, or no dirfd, that is ENOENT, as on Linux. */
static long do_readlinkat(int dirfd, uint64_t upath, uint64_t ubuf, int size)
{
	size_t kernel_size;
	struct at_path at;
	char *buf;
	long ret;

	if (size <= 0)
		return -EINVAL;
	ret = at_path_get(&at, dirfd, upath, AT_EMPTY_PATH);
	if (ret)
		return ret;
	kernel_size = (size_t)size < PATH_MAX ? (size_t)size : PATH_MAX;
	ret = -ENOMEM;
	buf = kmalloc(kernel_size, GFP_KERNEL);
	if (!buf)
		goto out;
	if (at.file)
		ret = vfs_freadlink(at.file, buf, kernel_size);
	else if (at.is_empty)
		ret = -ENOENT;
	else
		ret = vfs_readlink(&at.fs, at.name, buf, kernel_size);
	if (at.is_empty && ret == -EINVAL)
		ret = -ENOENT;
	if (ret > 0 && copy_to_user(ubuf, buf, (unsigned long)ret))
		ret = -EFAULT;
	kfree(buf);
out:
	at_path_put(&at);
	return ret;
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, uint64_t, upath, uint64_t, ubuf, int, size)
{
	return do_readlinkat(dirfd, upath, ubuf, size);
}

SYSCALL_DEFINE3(readlink, uint64_t, upath, uint64_t, ubuf, int, size)
{
	return do_readlinkat(AT_FDCWD, upath, ubuf, size);
}
