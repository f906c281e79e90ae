/* access(2), faccessat(2) and faccessat2(2) for the one user there is,
 * root: whether a file exists, is on a writable mount, and (X_OK) has an
 * execute bit. With one user the real and effective IDs agree, so
 * AT_EACCESS changes nothing. */
#include <vitro/errno.h>
#include <vitro/syscalls.h>

#include "sys_util.h"

#define ACCESS_MODES 07 /* R_OK | W_OK | X_OK; F_OK is 0 */

static long do_faccessat(int dirfd, uint64_t upath, int mode, unsigned int flags)
{
	struct at_path at;
	int err;

	if (mode & ~ACCESS_MODES)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = at_path_get(&at, dirfd, upath, flags);
	if (err)
		return err;
	if (at.file)
		err = vfs_faccess(at.file, mode);
	else
		err = vfs_access(&at.fs, at.name, !(flags & AT_SYMLINK_NOFOLLOW), mode);
	at_path_put(&at);
	return err;
}

SYSCALL_DEFINE2(access, uint64_t, upath, int, mode)
{
	return do_faccessat(AT_FDCWD, upath, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, uint64_t, upath, int, mode)
{
	return do_faccessat(dirfd, upath, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, uint64_t, upath, int, mode, int, flags)
{
	return do_faccessat(dirfd, upath, mode, (unsigned int)flags);
}
