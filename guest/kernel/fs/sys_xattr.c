/* Extended attributes: no file system here keeps any (Linux's ramfs keeps
 * none either), so after the checks Linux makes first, getting, setting
 * and removing one is EOPNOTSUPP and a list is empty. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

/* <linux/limits.h> and <linux/xattr.h>. */
#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_CREATE 0x1
#define XATTR_REPLACE 0x2

/* A name of 1 to XATTR_NAME_MAX bytes, else ERANGE, as Linux. */
static int check_name(uint64_t uname)
{
	char name[XATTR_NAME_MAX + 1];
	long len = strncpy_from_user(name, uname, sizeof(name));

	if (len < 0)
		return (int)len;
	return len == 0 || len == sizeof(name) ? -ERANGE : 0;
}

#define MAY_WRITE 2 /* access(2)'s W_OK */

/* The file exists (following symlinks or not); for a change (set,
 * remove), its mount is writable (EROFS comes before EOPNOTSUPP). */
static int check_path(uint64_t upath, bool follow, bool is_change)
{
	struct at_path at;
	int err = at_path_get(&at, AT_FDCWD, upath, 0);

	if (err)
		return err;
	err = vfs_access(&at.fs, at.name, follow, is_change ? MAY_WRITE : 0);
	at_path_put(&at);
	return err;
}

static int check_fd(int fd, bool is_change)
{
	struct file *file = fdget(fd);
	int err;

	if (!file)
		return -EBADF;
	err = vfs_faccess(file, is_change ? MAY_WRITE : 0);
	vfs_close(file);
	return err;
}

static long set_checks(uint64_t uname, size_t size, int flags)
{
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	return check_name(uname);
}

/* What is left once every check passed. */
static long no_xattrs(long err)
{
	return err ? err : -EOPNOTSUPP;
}

SYSCALL_DEFINE5(setxattr, uint64_t, upath, uint64_t, uname, uint64_t, uvalue, size_t, size, int,
		flags)
{
	long err = set_checks(uname, size, flags);

	(void)uvalue;
	return no_xattrs(err ? err : check_path(upath, true, true));
}

SYSCALL_DEFINE5(lsetxattr, uint64_t, upath, uint64_t, uname, uint64_t, uvalue, size_t, size, int,
		flags)
{
	long err = set_checks(uname, size, flags);

	(void)uvalue;
	return no_xattrs(err ? err : check_path(upath, false, true));
}

SYSCALL_DEFINE5(fsetxattr, int, fd, uint64_t, uname, uint64_t, uvalue, size_t, size, int, flags)
{
	long err = set_checks(uname, size, flags);

	(void)uvalue;
	return no_xattrs(err ? err : check_fd(fd, true));
}

SYSCALL_DEFINE4(getxattr, uint64_t, upath, uint64_t, uname, uint64_t, uvalue, size_t, size)
{
	long err = check_name(uname);

	(void)uvalue, (void)size;
	return no_xattrs(err ? err : check_path(upath, true, false));
}

SYSCALL_DEFINE4(lgetxattr, uint64_t, upath, uint64_t, uname, uint64_t, uvalue, size_t, size)
{
	long err = check_name(uname);

	(void)uvalue, (void)size;
	return no_xattrs(err ? err : check_path(upath, false, false));
}

SYSCALL_DEFINE4(fgetxattr, int, fd, uint64_t, uname, uint64_t, uvalue, size_t, size)
{
	long err = check_name(uname);

	(void)uvalue, (void)size;
	return no_xattrs(err ? err : check_fd(fd, false));
}

/* An empty list: length 0. */
SYSCALL_DEFINE3(listxattr, uint64_t, upath, uint64_t, ulist, size_t, size)
{
	(void)ulist, (void)size;
	return check_path(upath, true, false);
}

SYSCALL_DEFINE3(llistxattr, uint64_t, upath, uint64_t, ulist, size_t, size)
{
	(void)ulist, (void)size;
	return check_path(upath, false, false);
}

SYSCALL_DEFINE3(flistxattr, int, fd, uint64_t, ulist, size_t, size)
{
	(void)ulist, (void)size;
	return check_fd(fd, false);
}

SYSCALL_DEFINE2(removexattr, uint64_t, upath, uint64_t, uname)
{
	long err = check_name(uname);

	return no_xattrs(err ? err : check_path(upath, true, true));
}

SYSCALL_DEFINE2(lremovexattr, uint64_t, upath, uint64_t, uname)
{
	long err = check_name(uname);

	return no_xattrs(err ? err : check_path(upath, false, true));
}

SYSCALL_DEFINE2(fremovexattr, int, fd, uint64_t, uname)
{
	long err = check_name(uname);

	return no_xattrs(err ? err : check_fd(fd, true));
}
