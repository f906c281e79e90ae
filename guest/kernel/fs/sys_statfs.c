/* statfs(2) and fstatfs(2) in the x86-64 struct statfs of <asm/statfs.h>. */
#include <asm/statfs.h>
#include <vitro/errno.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

static long statfs_to_user(const struct kstatfs *k, uint64_t ubuf)
{
	struct statfs st;

	memset(&st, 0, sizeof(st));
	st.f_type = (long)k->type;
	st.f_bsize = (long)k->bsize;
	st.f_blocks = (long)k->blocks;
	st.f_bfree = (long)k->bfree;
	st.f_bavail = (long)k->bavail;
	st.f_files = (long)k->files;
	st.f_ffree = (long)k->ffree;
	st.f_fsid.val[0] = (int)(uint32_t)k->fsid;
	st.f_fsid.val[1] = (int)(uint32_t)(k->fsid >> 32);
	st.f_namelen = (long)k->namelen;
	st.f_frsize = (long)k->frsize;
	st.f_flags = (long)k->flags;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, uint64_t, upath, uint64_t, ubuf)
{
	struct fs_struct *fs = current_fs();
	struct kstatfs k;
	char *name;
	int err;

	if (!fs)
		return -ENOENT;
	err = getname(upath, false, &name);
	if (err)
		return err;
	err = vfs_statfs(fs, name, &k);
	putname(name);
	return err ? err : statfs_to_user(&k, ubuf);
}

SYSCALL_DEFINE2(fstatfs, int, fd, uint64_t, ubuf)
{
	struct file *file = fdget_raw(fd);
	struct kstatfs k;
	int err;

	if (!file)
		return -EBADF;
	err = vfs_fstatfs(file, &k);
	vfs_close(file);
	return err ? err : statfs_to_user(&k, ubuf);
}
