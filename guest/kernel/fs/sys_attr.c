/* Changing a file's attributes: chmod, chown and the time stamps (utimensat
 * and the older utimes, futimesat and utime), by name, by descriptor, or by
 * descriptor and name. Root may change anything; read-only mounts refuse
 * (EROFS). */
#include <vitro/errno.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

/* utimensat's special nanosecond values (<linux/stat.h> in the kernel). */
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#define NSEC_PER_SEC_LONG 1000000000l

/* attr to dirfd/path (or, with AT_EMPTY_PATH and "", dirfd's file). */
static long setattr_at(int dirfd, uint64_t upath, unsigned int flags, const struct iattr *attr)
{
	struct at_path at;
	int err = at_path_get(&at, dirfd, upath, flags);

	if (err)
		return err;
	if (at.file)
		err = vfs_fsetattr(at.file, attr);
	else
		err = vfs_setattr(&at.fs, at.name, !(flags & AT_SYMLINK_NOFOLLOW), attr);
	at_path_put(&at);
	return err;
}

static long setattr_fd(int fd, const struct iattr *attr)
{
	struct file *file = fdget(fd);
	int err;

	if (!file)
		return -EBADF;
	err = vfs_fsetattr(file, attr);
	vfs_close(file);
	return err;
}

static struct iattr mode_attr(unsigned int mode)
{
	return (struct iattr){ .valid = ATTR_MODE, .mode = mode & S_IALLUGO };
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, uint64_t, upath, unsigned int, mode)
{
	struct iattr attr = mode_attr(mode);

	return setattr_at(dirfd, upath, 0, &attr);
}

SYSCALL_DEFINE2(chmod, uint64_t, upath, unsigned int, mode)
{
	struct iattr attr = mode_attr(mode);

	return setattr_at(AT_FDCWD, upath, 0, &attr);
}

SYSCALL_DEFINE2(fchmod, int, fd, unsigned int, mode)
{
	struct iattr attr = mode_attr(mode);

	return setattr_fd(fd, &attr);
}

/* -1 leaves the owner or group as it is. */
static struct iattr owner_attr(uint32_t uid, uint32_t gid)
{
	struct iattr attr = { .valid = ATTR_KILL_SUID, .uid = uid, .gid = gid };

	if (uid != (uint32_t)-1)
		attr.valid |= ATTR_UID;
	if (gid != (uint32_t)-1)
		attr.valid |= ATTR_GID;
	return attr;
}

SYSCALL_DEFINE5(fchownat, int, dirfd, uint64_t, upath, uint32_t, uid, uint32_t, gid, int, flags)
{
	struct iattr attr = owner_attr(uid, gid);

	if ((unsigned int)flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return setattr_at(dirfd, upath, (unsigned int)flags, &attr);
}

SYSCALL_DEFINE3(chown, uint64_t, upath, uint32_t, uid, uint32_t, gid)
{
	struct iattr attr = owner_attr(uid, gid);

	return setattr_at(AT_FDCWD, upath, 0, &attr);
}

SYSCALL_DEFINE3(lchown, uint64_t, upath, uint32_t, uid, uint32_t, gid)
{
	struct iattr attr = owner_attr(uid, gid);

	return setattr_at(AT_FDCWD, upath, AT_SYMLINK_NOFOLLOW, &attr);
}

SYSCALL_DEFINE3(fchown, int, fd, uint32_t, uid, uint32_t, gid)
{
	struct iattr attr = owner_attr(uid, gid);

	return setattr_fd(fd, &attr);
}

/* Sets one stamp from ts: now, left alone (UTIME_OMIT), or as given. */
static int times_attr(const struct user_timespec *ts, unsigned int bit, struct vfs_timespec *stamp,
		      struct iattr *attr)
{
	if (ts->tv_nsec == UTIME_OMIT)
		return 0;
	if (ts->tv_nsec == UTIME_NOW) {
		*stamp = vfs_now();
	} else {
		if (ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC_LONG)
			return -EINVAL;
		*stamp = (struct vfs_timespec){ .tv_sec = ts->tv_sec, .tv_nsec = ts->tv_nsec };
	}
	attr->valid |= bit;
	return 0;
}

/* times NULL: both now. */
static long do_utimes(int dirfd, uint64_t upath, const struct user_timespec *times,
		      unsigned int flags)
{
	struct user_timespec now[2] = { { .tv_nsec = UTIME_NOW }, { .tv_nsec = UTIME_NOW } };
	struct iattr attr = { 0 };
	int err;

	if (!times)
		times = now;
	err = times_attr(&times[0], ATTR_ATIME, &attr.atime, &attr);
	if (!err)
		err = times_attr(&times[1], ATTR_MTIME, &attr.mtime, &attr);
	if (err)
		return err;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	/* Both UTIME_OMIT: Linux succeeds without even looking the file up. */
	if (!attr.valid)
		return 0;
	/* A descriptor and no name: futimens(3). */
	if (!upath && dirfd != AT_FDCWD)
		return flags ? -EINVAL : setattr_fd(dirfd, &attr);
	return setattr_at(dirfd, upath, flags, &attr);
}

SYSCALL_DEFINE4(utimensat, int, dirfd, uint64_t, upath, uint64_t, utimes, int, flags)
{
	struct user_timespec times[2];

	if (utimes && copy_from_user(times, utimes, sizeof(times)))
		return -EFAULT;
	return do_utimes(dirfd, upath, utimes ? times : NULL, (unsigned int)flags);
}

static long do_futimesat(int dirfd, uint64_t upath, uint64_t utimes)
{
	struct user_timespec times[2];
	struct user_timeval tv[2];

	if (!utimes)
		return do_utimes(dirfd, upath, NULL, 0);
	if (copy_from_user(tv, utimes, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		times[i] = (struct user_timespec){ .tv_sec = tv[i].tv_sec,
						   .tv_nsec = tv[i].tv_usec * 1000 };
	}
	return do_utimes(dirfd, upath, times, 0);
}

SYSCALL_DEFINE3(futimesat, int, dirfd, uint64_t, upath, uint64_t, utimes)
{
	return do_futimesat(dirfd, upath, utimes);
}

SYSCALL_DEFINE2(utimes, uint64_t, upath, uint64_t, utimes)
{
	return do_futimesat(AT_FDCWD, upath, utimes);
}

/* struct utimbuf: whole seconds. */
SYSCALL_DEFINE2(utime, uint64_t, upath, uint64_t, utimbuf)
{
	struct user_timespec times[2] = { 0 };
	int64_t secs[2];

	if (!utimbuf)
		return do_utimes(AT_FDCWD, upath, NULL, 0);
	if (copy_from_user(secs, utimbuf, sizeof(secs)))
		return -EFAULT;
	times[0].tv_sec = secs[0];
	times[1].tv_sec = secs[1];
	return do_utimes(AT_FDCWD, upath, times, 0);
}
