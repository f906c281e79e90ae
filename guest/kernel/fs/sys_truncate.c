/* truncate(2) and ftruncate(2): a regular file's size set, the bytes past
 * it dropped, new ones reading as zeros. */
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
