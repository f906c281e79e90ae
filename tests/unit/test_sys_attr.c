/* Tests for access, chmod, chown, the time stamps, truncation, the sync
 * calls and mount/umount2 (guest/kernel/fs/sys_access.c, sys_attr.c,
 * sys_truncate.c, sys_sync.c, sys_mount.c over attr.c and mount.c): root's
 * view of permissions, set-ID bits taken away by chown, UTIME_NOW and
 * UTIME_OMIT, and read-only, noexec and nodev mounts. */
#include <linux/mount.h>
#include <string.h>
#include <vitro/errno.h>

#include "sys_world.h"
#include "unit.h"

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

static int64_t fixed_clock(void)
{
	return 5000000000ll + 123; /* 5 s and 123 ns after the epoch */
}

static void test_sys_access_as_root(void)
{
	struct sys_world w;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "x");
	EXPECT_EQ(SYS(chmod, U("/f"), 0), 0);
	/* Root reads and writes anything; running needs an execute bit. */
	EXPECT_EQ(SYS(access, U("/f"), 0 /* F_OK */), 0);
	EXPECT_EQ(SYS(access, U("/f"), 4 | 2), 0);
	EXPECT_EQ(SYS(access, U("/f"), 1), -EACCES);
	EXPECT_EQ(SYS(chmod, U("/f"), 0010), 0);
	EXPECT_EQ(SYS(access, U("/f"), 1), 0);
	EXPECT_EQ(SYS(access, U("/"), 1), 0);
	EXPECT_EQ(SYS(access, U("/nope"), 0), -ENOENT);
	EXPECT_EQ(SYS(access, U("/f"), 8), -EINVAL);
	EXPECT_EQ(SYS(access, HOST_USER_BAD_ADDR, 0), -EFAULT);
	/* faccessat2: flags, a dangling link with and without following. */
	EXPECT_EQ(SYS(symlink, U("/gone"), U("/dangling")), 0);
	EXPECT_EQ(SYS(faccessat, AT_FDCWD, U("/dangling"), 0), -ENOENT);
	EXPECT_EQ(SYS(faccessat2, AT_FDCWD, U("/dangling"), 0, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT_EQ(SYS(faccessat2, AT_FDCWD, U("/f"), 0, AT_EACCESS), 0);
	EXPECT_EQ(SYS(faccessat2, AT_FDCWD, U("/f"), 0, 0x1), -EINVAL);
	fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(faccessat2, fd, U(""), 1, AT_EMPTY_PATH), 0);
	EXPECT_EQ(SYS(faccessat2, fd, U(""), 1, 0), -ENOENT);
	sys_world_end(&w);
}

static void test_sys_chmod_chown_and_set_id_bits(void)
{
	struct sys_world w;
	struct kstat st;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "x");
	EXPECT_EQ(SYS(chmod, U("/f"), 06755 | S_IFDIR), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.mode, S_IFREG | 06755); /* the type stays */
	/* chown takes set-user-ID away, and set-group-ID with group execute. */
	EXPECT_EQ(SYS(chown, U("/f"), 1000, -1), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.uid, 1000);
	EXPECT_EQ(st.gid, 0);
	EXPECT_EQ(st.mode, S_IFREG | 0755);
	/* Without group execute, set-group-ID (mandatory locking) stays. */
	EXPECT_EQ(SYS(chmod, U("/f"), 02644), 0);
	EXPECT_EQ(SYS(chown, U("/f"), -1, -1), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.mode, S_IFREG | 02644);
	EXPECT_EQ(st.uid, 1000);
	/* fchown, fchmod, lchown and fchownat's flags. */
	fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(fchown, fd, 7, 8), 0);
	EXPECT_EQ(SYS(fchmod, fd, 0600), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.uid, 7);
	EXPECT_EQ(st.gid, 8);
	EXPECT_EQ(st.mode, S_IFREG | 0600);
	EXPECT_EQ(SYS(symlink, U("/f"), U("/s")), 0);
	EXPECT_EQ(SYS(lchown, U("/s"), 3, 3), 0);
	EXPECT_EQ(vfs_lstat(&w.fs, "/s", &st), 0);
	EXPECT_EQ(st.uid, 3);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.uid, 7);
	EXPECT_EQ(SYS(fchownat, AT_FDCWD, U("/s"), 9, 9, 0), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.uid, 9);
	EXPECT_EQ(SYS(fchownat, fd, U(""), 4, 4, AT_EMPTY_PATH), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.uid, 4);
	EXPECT_EQ(SYS(fchownat, AT_FDCWD, U("/f"), 1, 1, 0x1), -EINVAL);
	EXPECT_EQ(SYS(fchmod, 99, 0600), -EBADF);
	EXPECT_EQ(SYS(chmod, U("/nope"), 0600), -ENOENT);
	sys_world_end(&w);
}

static void test_sys_utimensat_now_omit_and_errors(void)
{
	struct sys_world w;
	struct kstat st;
	int64_t times[4];
	uint64_t utimes;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "x");
	vfs_set_clock(fixed_clock);
	times[0] = 100, times[1] = 7; /* atime 100.000000007 */
	times[2] = 200, times[3] = UTIME_OMIT; /* mtime left alone */
	utimes = host_user_copy(times, sizeof(times));
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(SYS(utimensat, AT_FDCWD, U("/f"), utimes, 0), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.atime.tv_sec, 100);
	EXPECT_EQ(st.atime.tv_nsec, 7);
	EXPECT_EQ(st.mtime.tv_sec, 0);
	EXPECT_EQ(st.ctime.tv_sec, 5);
	EXPECT_EQ(st.ctime.tv_nsec, 123);
	/* NULL: both now; UTIME_NOW the same. */
	EXPECT_EQ(SYS(utimensat, AT_FDCWD, U("/f"), 0, 0), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.atime.tv_sec, 5);
	EXPECT_EQ(st.mtime.tv_nsec, 123);
	/* Both UTIME_OMIT succeeds even for a name that does not exist. */
	times[1] = UTIME_OMIT;
	utimes = host_user_copy(times, sizeof(times));
	EXPECT_EQ(SYS(utimensat, AT_FDCWD, U("/nope"), utimes, 0), 0);
	/* A bad nanosecond count, bad flags, bad pointers. */
	times[1] = 1000000000;
	EXPECT_EQ(SYS(utimensat, AT_FDCWD, U("/f"), host_user_copy(times, sizeof(times)), 0),
		  -EINVAL);
	EXPECT_EQ(SYS(utimensat, AT_FDCWD, U("/f"), 0, 0x1), -EINVAL);
	EXPECT_EQ(SYS(utimensat, AT_FDCWD, U("/f"), HOST_USER_BAD_ADDR, 0), -EFAULT);
	EXPECT_EQ(SYS(utimensat, AT_FDCWD, 0, 0, 0), -EFAULT);
	/* futimens: a descriptor and no name. */
	fd = SYS(open, U("/f"), O_RDONLY);
	times[0] = 42, times[1] = 0, times[2] = 43, times[3] = 0;
	EXPECT_EQ(SYS(utimensat, fd, 0, host_user_copy(times, sizeof(times)), 0), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.atime.tv_sec, 42);
	EXPECT_EQ(st.mtime.tv_sec, 43);
	EXPECT_EQ(SYS(utimensat, fd, 0, 0, AT_SYMLINK_NOFOLLOW), -EINVAL);
	/* utimes: microseconds. */
	times[0] = 1, times[1] = 999999, times[2] = 2, times[3] = 1000000;
	EXPECT_EQ(SYS(utimes, U("/f"), host_user_copy(times, sizeof(times))), -EINVAL);
	times[3] = 5;
	EXPECT_EQ(SYS(utimes, U("/f"), host_user_copy(times, sizeof(times))), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.atime.tv_nsec, 999999000);
	EXPECT_EQ(st.mtime.tv_nsec, 5000);
	vfs_set_clock(NULL);
	sys_world_end(&w);
}

static void test_sys_truncate_and_sync(void)
{
	struct sys_world w;
	struct kstat st;
	uint64_t fds;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "0123456789");
	EXPECT_EQ(SYS(truncate, U("/f"), 4), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.size, 4);
	EXPECT_EQ(SYS(truncate, U("/f"), -1), -EINVAL);
	EXPECT_EQ(SYS(truncate, U("/"), 0), -EISDIR);
	EXPECT_EQ(SYS(truncate, U("/nope"), 0), -ENOENT);
	fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(ftruncate, fd, 0), -EINVAL); /* not open for writing */
	EXPECT_EQ(SYS(fsync, fd), 0);
	EXPECT_EQ(SYS(fdatasync, fd), 0);
	EXPECT_EQ(SYS(syncfs, fd), 0);
	EXPECT_EQ(SYS(close, fd), 0);
	fd = SYS(open, U("/f"), O_WRONLY);
	EXPECT_EQ(SYS(ftruncate, fd, 100), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.size, 100);
	EXPECT_EQ(SYS(sync_file_range, fd, 0, 10, 0x8), -EINVAL);
	EXPECT_EQ(SYS(sync_file_range, fd, 0, 10, 2), 0);
	EXPECT_EQ(SYS(fadvise64, fd, 0, 0, 6), -EINVAL);
	EXPECT_EQ(SYS(fadvise64, fd, 0, 0, 4), 0);
	EXPECT_EQ(SYS(ftruncate, 99, 0), -EBADF);
	/* Pipes have nothing to sync and no size. */
	fds = UBUF(8);
	EXPECT_EQ(SYS(pipe, fds), 0);
	EXPECT_EQ(SYS(fsync, UPTR(int, fds)[0]), -EINVAL);
	EXPECT_EQ(SYS(ftruncate, UPTR(int, fds)[1], 0), -EINVAL);
	EXPECT_EQ(SYS(sync_file_range, UPTR(int, fds)[0], 0, 0, 0), -ESPIPE);
	EXPECT_EQ(SYS(fadvise64, UPTR(int, fds)[0], 0, 0, 0), -ESPIPE);
	EXPECT_EQ(SYS(sync, 0), 0);
	EXPECT_EQ(SYS(fsync, 99), -EBADF);
	sys_world_end(&w);
}

static void test_sys_mount_read_only_noexec_nodev(void)
{
	struct sys_world w;
	struct kstat st;
	long fd;

	sys_world_start(&w);
	EXPECT_EQ(SYS(mkdir, U("/m"), 0755), 0);
	EXPECT_EQ(SYS(mount, U("x"), U("/m"), U("nosuchfs"), 0, 0), -ENODEV);
	EXPECT_EQ(SYS(mount, U("x"), U("/m"), 0, 0, 0), -EINVAL);
	EXPECT_EQ(SYS(mount, U("x"), U("/m"), U("tmpfs"), MS_BIND, 0), -EINVAL);
	EXPECT_EQ(SYS(mount, U("x"), U("/m"), U("tmpfs"), 0, U("mode=0x1")), -EINVAL);
	EXPECT_EQ(SYS(mount, U("x"), U("/m"), U("tmpfs"), MS_MGC_VAL | MS_NOEXEC | MS_NODEV,
		      U("size=64m,mode=1777,uid=5")),
		  0);
	EXPECT_EQ(vfs_stat(&w.fs, "/m", &st), 0);
	EXPECT_EQ(st.mode, S_IFDIR | 01777);
	EXPECT_EQ(st.uid, 5);
	sys_world_put("/m/prog", "#!");
	EXPECT_EQ(SYS(chmod, U("/m/prog"), 0755), 0);
	EXPECT_EQ(SYS(access, U("/m/prog"), 1), -EACCES);
	EXPECT_EQ(SYS(mknod, U("/m/null"), S_IFCHR | 0666, (1 << 8) | 3), 0);
	EXPECT_EQ(SYS(open, U("/m/null"), O_RDONLY), -EACCES);

	/* Read-only: nothing in it changes; remount read-write again. */
	EXPECT_EQ(SYS(mount, 0, U("/m/prog"), 0, MS_REMOUNT | MS_RDONLY, 0), -EINVAL);
	EXPECT_EQ(SYS(mount, 0, U("/m"), 0, MS_REMOUNT | MS_RDONLY, 0), 0);
	EXPECT_EQ(SYS(open, U("/m/prog"), O_WRONLY), -EROFS);
	EXPECT_EQ(SYS(open, U("/m/new"), O_WRONLY | O_CREAT, 0644), -EROFS);
	EXPECT_EQ(SYS(mkdir, U("/m/d"), 0755), -EROFS);
	EXPECT_EQ(SYS(mkdir, U("/m/prog"), 0755), -EEXIST);
	EXPECT_EQ(SYS(unlink, U("/m/prog")), -EROFS);
	EXPECT_EQ(SYS(rename, U("/m/prog"), U("/m/p2")), -EROFS);
	EXPECT_EQ(SYS(chmod, U("/m/prog"), 0700), -EROFS);
	EXPECT_EQ(SYS(truncate, U("/m/prog"), 0), -EROFS);
	EXPECT_EQ(SYS(access, U("/m/prog"), 2), -EROFS);
	fd = SYS(open, U("/m/prog"), O_RDONLY);
	EXPECT_TRUE(fd >= 0);
	EXPECT_EQ(SYS(close, fd), 0);
	EXPECT_EQ(SYS(mount, 0, U("/m"), 0, MS_REMOUNT, 0), 0);
	EXPECT_EQ(SYS(unlink, U("/m/prog")), 0);

	/* Propagation: private is what every mount is; shared is not there. */
	EXPECT_EQ(SYS(mount, 0, U("/m"), 0, MS_PRIVATE | MS_REC, 0), 0);
	EXPECT_EQ(SYS(mount, 0, U("/m"), 0, MS_SHARED, 0), -EINVAL);
	/* umount2: flags, busy, done. */
	EXPECT_EQ(SYS(umount2, U("/m"), 0x10), -EINVAL);
	EXPECT_EQ(SYS(umount2, U("/m"), 4 /* MNT_EXPIRE */), -EINVAL);
	EXPECT_EQ(SYS(chdir, U("/m")), 0);
	EXPECT_EQ(SYS(umount2, U("/m"), 2 /* MNT_DETACH */), -EBUSY);
	EXPECT_EQ(SYS(chdir, U("/")), 0);
	EXPECT_EQ(SYS(symlink, U("/m"), U("/mlink")), 0);
	EXPECT_EQ(SYS(umount2, U("/mlink"), 8 /* UMOUNT_NOFOLLOW */), -EINVAL);
	EXPECT_EQ(SYS(umount2, U("/mlink"), 0), 0);
	EXPECT_EQ(SYS(umount2, U("/m"), 0), -EINVAL);
	sys_world_end(&w);
}

static void test_sys_fallocate_and_xattrs_are_checked_then_unsupported(void)
{
	struct sys_world w;
	uint64_t fds, list;
	char long_name[300];
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "x");
	fd = SYS(open, U("/f"), O_RDWR);
	EXPECT_EQ(SYS(fallocate, fd, 0, 0, 4096), -EOPNOTSUPP);
	EXPECT_EQ(SYS(fallocate, fd, 0, -1, 4096), -EINVAL);
	EXPECT_EQ(SYS(fallocate, fd, 0, 0, 0), -EINVAL);
	EXPECT_EQ(SYS(fallocate, fd, 0x2 /* PUNCH_HOLE alone */, 0, 1), -EOPNOTSUPP);
	EXPECT_EQ(SYS(fallocate, fd, 0, INT64_MAX, 2), -EFBIG);
	EXPECT_EQ(SYS(fallocate, SYS(open, U("/f"), O_RDONLY), 0, 0, 1), -EBADF);
	EXPECT_EQ(SYS(fallocate, SYS(open, U("/"), O_RDONLY), 0, 0, 1), -EBADF);
	fds = UBUF(8);
	EXPECT_EQ(SYS(pipe, fds), 0);
	EXPECT_EQ(SYS(fallocate, UPTR(int, fds)[1], 0, 0, 1), -ESPIPE);

	/* Extended attributes: none kept, but the checks come first. */
	EXPECT_EQ(SYS(getxattr, U("/f"), U("user.a"), UBUF(8), 8), -EOPNOTSUPP);
	EXPECT_EQ(SYS(getxattr, U("/nope"), U("user.a"), UBUF(8), 8), -ENOENT);
	EXPECT_EQ(SYS(getxattr, U("/f"), U(""), UBUF(8), 8), -ERANGE);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	EXPECT_EQ(SYS(setxattr, U("/f"), U(long_name), 0, 0, 0), -ERANGE);
	EXPECT_EQ(SYS(setxattr, U("/f"), U("user.a"), U("v"), 1, 4), -EINVAL);
	EXPECT_EQ(SYS(setxattr, U("/f"), U("user.a"), U("v"), 65537, 0), -E2BIG);
	EXPECT_EQ(SYS(setxattr, U("/f"), HOST_USER_BAD_ADDR, U("v"), 1, 0), -EFAULT);
	EXPECT_EQ(SYS(fsetxattr, fd, U("user.a"), U("v"), 1, 0), -EOPNOTSUPP);
	EXPECT_EQ(SYS(fremovexattr, 99, U("user.a")), -EBADF);
	list = UBUF(64);
	EXPECT_EQ(SYS(listxattr, U("/f"), list, 64), 0);
	EXPECT_EQ(SYS(flistxattr, fd, list, 64), 0);
	EXPECT_EQ(SYS(llistxattr, U("/nope"), list, 64), -ENOENT);
	EXPECT_EQ(SYS(mount, 0, U("/"), 0, MS_REMOUNT | MS_RDONLY, 0), 0);
	EXPECT_EQ(SYS(removexattr, U("/f"), U("user.a")), -EROFS);
	EXPECT_EQ(SYS(lgetxattr, U("/f"), U("user.a"), 0, 0), -EOPNOTSUPP);
	EXPECT_EQ(SYS(mount, 0, U("/"), 0, MS_REMOUNT, 0), 0);
	sys_world_end(&w);
}

static CU_TestInfo sys_attr_tests[] = {
	UNIT_TEST(test_sys_access_as_root),
	UNIT_TEST(test_sys_chmod_chown_and_set_id_bits),
	UNIT_TEST(test_sys_utimensat_now_omit_and_errors),
	UNIT_TEST(test_sys_truncate_and_sync),
	UNIT_TEST(test_sys_mount_read_only_noexec_nodev),
	UNIT_TEST(test_sys_fallocate_and_xattrs_are_checked_then_unsupported),
	CU_TEST_INFO_NULL,
};

static void register_sys_attr(void)
{
	unit_add_suite("sys_attr", sys_attr_tests);
}
UNIT_REGISTER(register_sys_attr)
