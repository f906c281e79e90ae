/* Tests for the stat family and statfs (guest/kernel/fs/sys_stat.c,
 * sys_statfs.c): Linux's x86-64 struct stat and struct statx as user space
 * reads them, symlinks followed or not, AT_EMPTY_PATH, device numbers in
 * glibc's encoding, and bad flags and pointers. */
#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/stat.h>
#include <string.h>
#include <vitro/errno.h>

#include "sys_world.h"
#include "unit.h"

static void test_sys_stat_fills_linux_struct_stat(void)
{
	struct sys_world w;
	struct stat *st;
	struct kstat k;
	uint64_t ubuf;

	sys_world_start(&w);
	sys_world_put("/f", "12345");
	EXPECT_EQ(SYS(symlink, U("f"), U("/link")), 0);
	ubuf = UBUF(sizeof(struct stat));
	st = UPTR(struct stat, ubuf);
	EXPECT_EQ(sizeof(struct stat), 144);
	EXPECT_EQ(SYS(stat, U("/link"), ubuf), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &k), 0);
	EXPECT_EQ(st->st_ino, k.ino);
	EXPECT_EQ(st->st_mode, S_IFREG | 0644);
	EXPECT_EQ(st->st_nlink, 1);
	EXPECT_EQ(st->st_size, 5);
	EXPECT_EQ(st->st_blksize, 4096);
	EXPECT_EQ(st->st_blocks, 8);
	/* The anonymous device (0, n) of ramfs, as glibc's makedev sees it. */
	EXPECT_EQ(st->st_dev, MINOR(k.dev) & 0xff);
	EXPECT_EQ(SYS(lstat, U("/link"), ubuf), 0);
	EXPECT_EQ(st->st_mode, S_IFLNK | 0777);
	EXPECT_EQ(st->st_size, 1);
	EXPECT_EQ(SYS(newfstatat, AT_FDCWD, U("/link"), ubuf, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT_EQ(st->st_mode, S_IFLNK | 0777);
	EXPECT_EQ(SYS(newfstatat, AT_FDCWD, U("/link"), ubuf, 0x1), -EINVAL);
	EXPECT_EQ(SYS(stat, U("/nope"), ubuf), -ENOENT);
	EXPECT_EQ(SYS(stat, U("/f"), HOST_USER_BAD_ADDR), -EFAULT);
	EXPECT_EQ(SYS(stat, U("/f/"), ubuf), -ENOTDIR);
	sys_world_end(&w);
}

static void test_sys_fstat_and_empty_path(void)
{
	struct sys_world w;
	struct stat *st;
	uint64_t ubuf;
	long fd, path_fd;

	sys_world_start(&w);
	EXPECT_EQ(SYS(mknod, U("/null"), S_IFCHR | 0666, (1 << 8) | 3), 0);
	EXPECT_EQ(SYS(mkdir, U("/d"), 0700), 0);
	ubuf = UBUF(sizeof(struct stat));
	st = UPTR(struct stat, ubuf);
	EXPECT_EQ(SYS(stat, U("/null"), ubuf), 0);
	EXPECT_EQ(st->st_mode, S_IFCHR | 0644); /* umask 022 */
	EXPECT_EQ(st->st_rdev, (1 << 8) | 3);
	fd = SYS(open, U("/d"), O_RDONLY);
	EXPECT_EQ(SYS(fstat, fd, ubuf), 0);
	EXPECT_EQ(st->st_mode, S_IFDIR | 0700);
	EXPECT_EQ(st->st_nlink, 2);
	EXPECT_EQ(SYS(fstat, 77, ubuf), -EBADF);
	/* "" is ENOENT unless AT_EMPTY_PATH; then it is dirfd's file, or the
	 * working directory for AT_FDCWD. */
	EXPECT_EQ(SYS(newfstatat, fd, U(""), ubuf, 0), -ENOENT);
	path_fd = SYS(open, U("/null"), O_PATH);
	EXPECT_EQ(SYS(newfstatat, path_fd, U(""), ubuf, AT_EMPTY_PATH), 0);
	EXPECT_EQ(st->st_mode, S_IFCHR | 0644);
	EXPECT_EQ(SYS(fstat, path_fd, ubuf), 0);
	EXPECT_EQ(SYS(newfstatat, AT_FDCWD, U(""), ubuf, AT_EMPTY_PATH), 0);
	EXPECT_EQ(st->st_mode, S_IFDIR | 0755);
	EXPECT_EQ(SYS(newfstatat, fd, U("."), ubuf, 0), 0);
	EXPECT_EQ(st->st_mode, S_IFDIR | 0700);
	sys_world_end(&w);
}

static void test_sys_statx_reports_basic_stats(void)
{
	struct sys_world w;
	struct statx *sx;
	uint64_t ubuf;

	sys_world_start(&w);
	sys_world_put("/f", "abc");
	EXPECT_EQ(SYS(mknod, U("/tty"), S_IFCHR | 0600, (4 << 8) | 300 % 256 | ((300 >> 8) << 20)),
		  0);
	ubuf = UBUF(sizeof(struct statx));
	sx = UPTR(struct statx, ubuf);
	memset(sx, 0xff, sizeof(*sx));
	EXPECT_EQ(SYS(statx, AT_FDCWD, U("/f"), 0, STATX_ALL, ubuf), 0);
	EXPECT_EQ(sx->stx_mask, STATX_BASIC_STATS);
	EXPECT_EQ(sx->stx_size, 3);
	EXPECT_EQ(sx->stx_mode, S_IFREG | 0644);
	EXPECT_EQ(sx->stx_nlink, 1);
	EXPECT_EQ(sx->stx_btime.tv_sec, 0);
	EXPECT_EQ(sx->__spare3[11], 0);
	/* Major and minor apart, a minor above 255 included. */
	EXPECT_EQ(SYS(statx, AT_FDCWD, U("/tty"), 0, STATX_TYPE, ubuf), 0);
	EXPECT_EQ(sx->stx_rdev_major, 4);
	EXPECT_EQ(sx->stx_rdev_minor, 300);
	EXPECT_EQ(SYS(statx, AT_FDCWD, U("/f"), AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, 0, ubuf),
		  -EINVAL);
	EXPECT_EQ(SYS(statx, AT_FDCWD, U("/f"), 0, STATX__RESERVED, ubuf), -EINVAL);
	EXPECT_EQ(SYS(statx, AT_FDCWD, U("/f"), AT_REMOVEDIR, 0, ubuf), -EINVAL);
	EXPECT_EQ(SYS(statx, AT_FDCWD, U("/f"), AT_STATX_DONT_SYNC, 0, HOST_USER_BAD_ADDR),
		  -EFAULT);
	sys_world_end(&w);
}

/* tmpfs's size= and nr_inodes=: ENOSPC past them, statfs counting what is
 * used, freed space back after an unlink; ramfs has no sizes. */
static void test_sys_tmpfs_limits_and_statfs(void)
{
	struct sys_world w;
	struct statfs *st;
	uint64_t ubuf, data;
	long fd;

	sys_world_start(&w);
	ubuf = UBUF(sizeof(struct statfs));
	st = UPTR(struct statfs, ubuf);
	data = UBUF(4096 * 3);
	EXPECT_EQ(SYS(mkdir, U("/t"), 0755), 0);
	EXPECT_EQ(SYS(mount, U("none"), U("/t"), U("tmpfs"), 0, U("size=8k,nr_inodes=3,bogus=1")),
		  -EINVAL);
	EXPECT_EQ(SYS(mount, U("none"), U("/t"), U("tmpfs"), 0, U("size=lots")), -EINVAL);
	EXPECT_EQ(SYS(mount, U("none"), U("/t"), U("tmpfs"), 0, U("size=8k,nr_inodes=3")), 0);
	EXPECT_EQ(SYS(statfs, U("/t"), ubuf), 0);
	EXPECT_EQ(st->f_blocks, 2);
	EXPECT_EQ(st->f_bfree, 2);
	EXPECT_EQ(st->f_files, 3);
	EXPECT_EQ(st->f_ffree, 2); /* the root is one */
	fd = SYS(open, U("/t/f"), O_RDWR | O_CREAT, 0644);
	EXPECT_TRUE(fd >= 0);
	/* Two pages fit; the third is refused, a partial write first. */
	EXPECT_EQ(SYS(write, fd, data, 4096 + 100), 4096 + 100);
	EXPECT_EQ(SYS(write, fd, data, 8192), 4096 - 100);
	EXPECT_EQ(SYS(write, fd, data, 1), -ENOSPC);
	EXPECT_EQ(SYS(statfs, U("/t"), ubuf), 0);
	EXPECT_EQ(st->f_bfree, 0);
	EXPECT_EQ(st->f_ffree, 1);
	EXPECT_EQ(SYS(mkdir, U("/t/d"), 0755), 0);
	EXPECT_EQ(SYS(mkdir, U("/t/e"), 0755), -ENOSPC);
	EXPECT_EQ(SYS(close, fd), 0);
	EXPECT_EQ(SYS(unlink, U("/t/f")), 0);
	EXPECT_EQ(SYS(statfs, U("/t"), ubuf), 0);
	EXPECT_EQ(st->f_bfree, 2);
	EXPECT_EQ(st->f_ffree, 1);
	EXPECT_EQ(SYS(rmdir, U("/t/d")), 0);
	EXPECT_EQ(SYS(umount2, U("/t"), 0), 0);
	/* A percentage of the RAM, and ramfs ignoring sizes. */
	EXPECT_EQ(SYS(mount, U("none"), U("/t"), U("tmpfs"), 0, U("size=10%")), 0);
	EXPECT_EQ(SYS(statfs, U("/t"), ubuf), 0);
	EXPECT_TRUE(st->f_blocks > 0);
	EXPECT_EQ(SYS(umount2, U("/t"), 0), 0);
	EXPECT_EQ(SYS(mount, U("none"), U("/t"), U("ramfs"), 0, U("size=8k,whatever")), 0);
	EXPECT_EQ(SYS(statfs, U("/t"), ubuf), 0);
	EXPECT_EQ(st->f_blocks, 0);
	EXPECT_EQ(SYS(umount2, U("/t"), 0), 0);
	sys_world_end(&w);
}

static void test_sys_statfs_reports_type_and_mount_flags(void)
{
	struct sys_world w;
	struct statfs *st;
	uint64_t ubuf;
	long fd;

	sys_world_start(&w);
	ubuf = UBUF(sizeof(struct statfs));
	st = UPTR(struct statfs, ubuf);
	EXPECT_EQ(SYS(statfs, U("/"), ubuf), 0);
	EXPECT_EQ(st->f_type, RAMFS_MAGIC);
	EXPECT_EQ(st->f_bsize, 4096);
	EXPECT_EQ(st->f_namelen, NAME_MAX);
	EXPECT_EQ(st->f_flags, 0x20 /* ST_VALID */);
	EXPECT_EQ(SYS(mkdir, U("/t"), 0755), 0);
	EXPECT_EQ(SYS(mount, U("none"), U("/t"), U("tmpfs"), MS_NOSUID | MS_NODEV, 0), 0);
	fd = SYS(open, U("/t"), O_PATH);
	EXPECT_EQ(SYS(fstatfs, fd, ubuf), 0);
	EXPECT_EQ(st->f_type, TMPFS_MAGIC);
	/* nosuid, nodev, and relatime by default, as Linux. */
	EXPECT_EQ(st->f_flags, 0x20 | 0x2 | 0x4 | 0x1000);
	EXPECT_EQ(SYS(statfs, U("/nope"), ubuf), -ENOENT);
	EXPECT_EQ(SYS(fstatfs, 55, ubuf), -EBADF);
	EXPECT_EQ(SYS(fstatfs, fd, HOST_USER_BAD_ADDR), -EFAULT);
	EXPECT_EQ(SYS(close, fd), 0);
	EXPECT_EQ(SYS(umount2, U("/t"), 0), 0);
	sys_world_end(&w);
}

static CU_TestInfo sys_stat_tests[] = {
	UNIT_TEST(test_sys_stat_fills_linux_struct_stat),
	UNIT_TEST(test_sys_fstat_and_empty_path),
	UNIT_TEST(test_sys_statx_reports_basic_stats),
	UNIT_TEST(test_sys_tmpfs_limits_and_statfs),
	UNIT_TEST(test_sys_statfs_reports_type_and_mount_flags),
	CU_TEST_INFO_NULL,
};

static void register_sys_stat(void)
{
	unit_add_suite("sys_stat", sys_stat_tests);
}
UNIT_REGISTER(register_sys_stat)
