/* mount(2) and umount2(2): new mounts of a file system type by name (ramfs,
 * tmpfs, and whatever registers later, such as proc), remounts that change
 * a mount's flags, and the propagation change every mount already has
 * (private). Bind and move mounts, and shared or slave propagation, are not
 * there: EINVAL. */
#include <linux/mount.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

/* umount2 flags (<sys/mount.h>; not in the kernel's UAPI headers). */
#define UMOUNT_FORCE 1u
#define UMOUNT_DETACH 2u
#define UMOUNT_EXPIRE 4u
#define UMOUNT_NOFOLLOW 8u

#define MS_ATIME_FLAGS (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
#define MNT_ATIME_FLAGS (MNT_NOATIME | MNT_NODIRATIME | MNT_RELATIME)
#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* Linux's path_mount(): relatime unless noatime or strictatime is asked. */
static unsigned int mnt_flags_of(unsigned long flags)
{
	unsigned int mnt_flags = 0;

	if (flags & MS_RDONLY)
		mnt_flags |= MNT_READONLY;
	if (flags & MS_NOSUID)
		mnt_flags |= MNT_NOSUID;
	if (flags & MS_NODEV)
		mnt_flags |= MNT_NODEV;
	if (flags & MS_NOEXEC)
		mnt_flags |= MNT_NOEXEC;
	if (flags & MS_NODIRATIME)
		mnt_flags |= MNT_NODIRATIME;
	if (flags & MS_NOATIME)
		mnt_flags |= MNT_NOATIME;
	else if (!(flags & MS_STRICTATIME))
		mnt_flags |= MNT_RELATIME;
	return mnt_flags;
}

/* A copy of an optional user string of at most a page (type, options). */
static int copy_mount_string(uint64_t ustr, char **result)
{
	char *s;
	long len;

	*result = NULL;
	if (!ustr)
		return 0;
	s = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	len = strncpy_from_user(s, ustr, PAGE_SIZE);
	if (len < 0 || len == PAGE_SIZE) {
		kfree(s);
		return len < 0 ? (int)len : -EINVAL;
	}
	*result = s;
	return 0;
}

static long new_mount(struct fs_struct *fs, const char *type, const char *target,
		      unsigned long flags, const char *data)
{
	int err;

	if (!type)
		return -EINVAL;
	/* The file system reads its own options; read-only comes after, as
	 * the root was set up. */
	err = vfs_mount_data(fs, type, target, mnt_flags_of(flags) & ~MNT_READONLY, data);
	if (err)
		return err;
	if (flags & MS_RDONLY)
		vfs_remount(fs, target, MNT_READONLY, ~MNT_READONLY);
	return 0;
}

SYSCALL_DEFINE5(mount, uint64_t, usource, uint64_t, utarget, uint64_t, utype, unsigned long, flags,
		uint64_t, udata)
{
	struct fs_struct *fs = current_fs();
	char *source, *target, *type = NULL, *data = NULL;
	long err;

	if (!fs)
		return -ENOENT;
	/* The old magic number in the top half means nothing. */
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	/* The source names no device for the file systems there are; it is
	 * only checked to be readable. */
	err = copy_mount_string(usource, &source);
	if (err)
		return err;
	kfree(source);
	err = getname(utarget, false, &target);
	if (err)
		return err;
	err = copy_mount_string(utype, &type);
	if (!err)
		err = copy_mount_string(udata, &data);
	if (err)
		goto out;
	if (flags & MS_NOSYMFOLLOW) {
		err = -EINVAL;
	} else if (flags & MS_REMOUNT) {
		/* No atime flag given: the mount keeps the ones it has. */
		unsigned int keep = flags & MS_ATIME_FLAGS ? 0 : MNT_ATIME_FLAGS;

		err = (flags & MS_BIND) ? -EINVAL :
					  vfs_remount(fs, target, mnt_flags_of(flags), keep);
	} else if (flags & (MS_BIND | MS_MOVE)) {
		err = -EINVAL;
	} else if (flags & MS_PROPAGATION) {
		/* Every mount is private already; the target must be one. */
		err = (flags & MS_PROPAGATION) != MS_PRIVATE ? -EINVAL :
							       vfs_remount(fs, target, 0, ~0u);
	} else {
		err = new_mount(fs, type, target, flags, data);
	}
out:
	kfree(data);
	kfree(type);
	putname(target);
	return err;
}

SYSCALL_DEFINE2(umount2, uint64_t, utarget, int, flags)
{
	struct fs_struct *fs = current_fs();
	unsigned int f = (unsigned int)flags;
	char *target;
	int err;

	if (f & ~(UMOUNT_FORCE | UMOUNT_DETACH | UMOUNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	/* Expiry marks are not kept, so MNT_EXPIRE cannot work as Linux's. */
	if (f & UMOUNT_EXPIRE)
		return -EINVAL;
	if (!fs)
		return -ENOENT;
	err = getname(utarget, false, &target);
	if (err)
		return err;
	/* MNT_FORCE matters to network file systems only. A lazy MNT_DETACH
	 * of a busy mount is not done: it stays, with EBUSY. */
	err = vfs_umount_flags(fs, target, !(f & UMOUNT_NOFOLLOW));
	putname(target);
	return err;
}
