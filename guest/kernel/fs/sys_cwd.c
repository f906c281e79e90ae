/* Where a process stands in the tree and what it leaves out of new files'
 * modes: chdir, fchdir, getcwd, chroot and umask, on its fs_struct. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

static long set_place(uint64_t upath, bool is_root)
{
	struct fs_struct *fs = current_fs();
	char *name;
	int err;

	if (!fs)
		return -ENOENT;
	err = getname(upath, false, &name);
	if (err)
		return err;
	err = is_root ? vfs_chroot(fs, name) : vfs_chdir(fs, name);
	putname(name);
	return err;
}

SYSCALL_DEFINE1(chdir, uint64_t, upath)
{
	return set_place(upath, false);
}

/* Linux asks for CAP_SYS_CHROOT, which root has. */
SYSCALL_DEFINE1(chroot, uint64_t, upath)
{
	return set_place(upath, true);
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct fs_struct *fs = current_fs();
	struct file *file = fdget_raw(fd);
	int err;

	if (!file)
		return -EBADF;
	err = fs ? vfs_fchdir(fs, file) : -ENOENT;
	vfs_close(file);
	return err;
}

/* Returns the length with the NUL, as the system call does (glibc returns
 * the buffer). */
SYSCALL_DEFINE2(getcwd, uint64_t, ubuf, unsigned long, size)
{
	struct fs_struct *fs = current_fs();
	char *buf;
	long len;

	if (!fs)
		return -ENOENT;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = vfs_getcwd(fs, buf, PATH_MAX);
	if (len > 0 && (unsigned long)len > size)
		len = -ERANGE;
	else if (len > 0 && copy_to_user(ubuf, buf, (unsigned long)len))
		len = -EFAULT;
	kfree(buf);
	return len;
}

SYSCALL_DEFINE1(umask, unsigned int, mask)
{
	struct fs_struct *fs = current_fs();
	unsigned int old;

	if (!fs)
		return 0;
	old = __atomic_exchange_n(&fs->umask, mask & 0777, __ATOMIC_RELAXED);
	return old;
}
