/* Tests for the calls that change names (guest/kernel/fs/sys_namei.c) and
 * getdents64 (sys_getdents.c): the *at forms with directory descriptors,
 * AT_REMOVEDIR, RENAME_NOREPLACE and the unsupported rename flags, linkat's
 * AT_SYMLINK_FOLLOW and AT_EMPTY_PATH, readlink's truncation, and a
 * directory listed across several calls with a small buffer. */
#include <stdio.h>
#include <string.h>
#include <vitro/errno.h>

#include "sys_world.h"
#include "unit.h"

static void test_sys_mkdir_rmdir_unlink_errors(void)
{
	struct sys_world w;
	struct kstat st;
	long dir;

	sys_world_start(&w);
	EXPECT_EQ(SYS(mkdir, U("/d"), 07777), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/d", &st), 0);
	EXPECT_EQ(st.mode, S_IFDIR | 01755); /* sticky kept, set-ID bits not */
	EXPECT_EQ(SYS(mkdir, U("/d"), 0755), -EEXIST);
	EXPECT_EQ(SYS(mkdir, U("/no/d"), 0755), -ENOENT);
	EXPECT_EQ(SYS(mkdir, HOST_USER_BAD_ADDR, 0755), -EFAULT);
	dir = SYS(open, U("/d"), O_RDONLY | O_DIRECTORY);
	EXPECT_EQ(SYS(mkdirat, dir, U("sub"), 0700), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/d/sub", &st), 0);
	sys_world_put("/d/f", "x");
	EXPECT_EQ(SYS(rmdir, U("/d")), -ENOTEMPTY);
	EXPECT_EQ(SYS(rmdir, U("/d/f")), -ENOTDIR);
	EXPECT_EQ(SYS(unlink, U("/d/sub")), -EISDIR);
	EXPECT_EQ(SYS(unlinkat, dir, U("sub"), 0x1), -EINVAL);
	EXPECT_EQ(SYS(unlinkat, dir, U("f"), AT_REMOVEDIR), -ENOTDIR);
	EXPECT_EQ(SYS(unlinkat, dir, U("sub"), AT_REMOVEDIR), 0);
	EXPECT_EQ(SYS(unlinkat, dir, U("f"), 0), 0);
	EXPECT_EQ(SYS(unlink, U("/d/f")), -ENOENT);
	EXPECT_EQ(SYS(rmdir, U("/d/.")), -EINVAL);
	EXPECT_EQ(SYS(close, dir), 0);
	EXPECT_EQ(SYS(rmdir, U("/d")), 0);

	/* mknod: FIFOs and devices; directories through mknod are EPERM. */
	EXPECT_EQ(SYS(mknod, U("/fifo"), S_IFIFO | 0600, 0), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/fifo", &st), 0);
	EXPECT_EQ(st.mode, S_IFIFO | 0600);
	EXPECT_EQ(SYS(mknod, U("/dir"), S_IFDIR | 0600, 0), -EPERM);
	EXPECT_EQ(SYS(mknod, U("/bad"), 0170000, 0), -EINVAL);
	EXPECT_EQ(SYS(mknodat, AT_FDCWD, U("/plain"), 0600, 0), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/plain", &st), 0);
	EXPECT_EQ(st.mode, S_IFREG | 0600);
	sys_world_end(&w);
}

static void test_sys_rename_flags_and_directory_descriptors(void)
{
	struct sys_world w;
	long a, b;
	uint64_t buf;

	sys_world_start(&w);
	EXPECT_EQ(SYS(mkdir, U("/a"), 0755), 0);
	EXPECT_EQ(SYS(mkdir, U("/b"), 0755), 0);
	sys_world_put("/a/x", "x");
	sys_world_put("/b/y", "y");
	a = SYS(open, U("/a"), O_PATH);
	b = SYS(open, U("/b"), O_PATH);
	EXPECT_EQ(SYS(renameat2, a, U("x"), b, U("y"), RENAME_NOREPLACE), -EEXIST);
	EXPECT_EQ(SYS(renameat2, a, U("x"), b, U("y"), RENAME_EXCHANGE), -EINVAL);
	EXPECT_EQ(SYS(renameat2, a, U("x"), b, U("y"), RENAME_WHITEOUT), -EINVAL);
	EXPECT_EQ(SYS(renameat2, a, U("x"), b, U("y"), RENAME_NOREPLACE | RENAME_EXCHANGE),
		  -EINVAL);
	EXPECT_EQ(SYS(renameat2, a, U("x"), b, U("y"), 0x80), -EINVAL);
	EXPECT_EQ(SYS(renameat2, a, U("x"), b, U("z"), RENAME_NOREPLACE), 0);
	EXPECT_EQ(SYS(renameat, b, U("z"), b, U("y")), 0);
	buf = UBUF(4);
	EXPECT_EQ(SYS(pread64, SYS(open, U("/b/y"), O_RDONLY), buf, 4, 0), 1);
	EXPECT_EQ(memcmp(UPTR(char, buf), "x", 1), 0);
	EXPECT_EQ(SYS(rename, U("/b/y"), U("/a/x/")), -ENOTDIR);
	EXPECT_EQ(SYS(rename, U("/nope"), U("/a/q")), -ENOENT);
	EXPECT_EQ(SYS(rename, U("/a"), U("/a/in")), -EINVAL);
	sys_world_end(&w);
}

static void test_sys_link_symlink_readlink(void)
{
	struct sys_world w;
	struct kstat st;
	uint64_t buf;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "data");
	EXPECT_EQ(SYS(symlink, U("/f"), U("/s")), 0);
	EXPECT_EQ(SYS(symlink, U(""), U("/empty")), -ENOENT);
	EXPECT_EQ(SYS(symlink, U("/f"), U("/s")), -EEXIST);
	/* linkat: the link itself by default, its target with AT_SYMLINK_FOLLOW. */
	EXPECT_EQ(SYS(linkat, AT_FDCWD, U("/s"), AT_FDCWD, U("/s2"), 0), 0);
	EXPECT_EQ(vfs_lstat(&w.fs, "/s2", &st), 0);
	EXPECT_TRUE(S_ISLNK(st.mode));
	EXPECT_EQ(SYS(linkat, AT_FDCWD, U("/s"), AT_FDCWD, U("/f2"), AT_SYMLINK_FOLLOW), 0);
	EXPECT_EQ(vfs_lstat(&w.fs, "/f2", &st), 0);
	EXPECT_TRUE(S_ISREG(st.mode));
	EXPECT_EQ(st.nlink, 2);
	EXPECT_EQ(SYS(linkat, AT_FDCWD, U("/f"), AT_FDCWD, U("/f3"), 0x1), -EINVAL);
	EXPECT_EQ(SYS(link, U("/"), U("/root2")), -EPERM);
	/* AT_EMPTY_PATH: a name for an open file, until it has none left. */
	fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(linkat, fd, U(""), AT_FDCWD, U("/f3"), 0), -ENOENT);
	EXPECT_EQ(SYS(linkat, fd, U(""), AT_FDCWD, U("/f3"), AT_EMPTY_PATH), 0);
	EXPECT_EQ(SYS(unlink, U("/f")), 0);
	EXPECT_EQ(SYS(unlink, U("/f2")), 0);
	EXPECT_EQ(SYS(unlink, U("/f3")), 0);
	EXPECT_EQ(SYS(linkat, fd, U(""), AT_FDCWD, U("/back"), AT_EMPTY_PATH), -ENOENT);

	/* readlink: no NUL, silently cut to the buffer; EINVAL for the rest. */
	buf = UBUF(8);
	memset(UPTR(char, buf), '#', 8);
	EXPECT_EQ(SYS(readlink, U("/s"), buf, 8), 2);
	EXPECT_EQ(memcmp(UPTR(char, buf), "/f##", 4), 0);
	EXPECT_EQ(SYS(readlink, U("/s"), buf, 1), 1);
	EXPECT_EQ(SYS(readlink, U("/s"), buf, 0), -EINVAL);
	EXPECT_EQ(SYS(readlink, U("/s"), buf, -1), -EINVAL);
	EXPECT_EQ(SYS(readlink, U("/"), buf, 8), -EINVAL);
	EXPECT_EQ(SYS(readlink, U("/s"), HOST_USER_BAD_ADDR, 8), -EFAULT);
	EXPECT_EQ(SYS(readlinkat, AT_FDCWD, U(""), buf, 8), -ENOENT);
	EXPECT_EQ(SYS(readlinkat, fd, U(""), buf, 8), -ENOENT);
	sys_world_end(&w);
}

struct dirent_walk {
	char names[16][16];
	unsigned int nr;
	unsigned int nr_calls;
};

static void list_all(long fd, unsigned int buf_size, struct dirent_walk *walk)
{
	uint64_t buf = UBUF(buf_size);
	long got;

	memset(walk, 0, sizeof(*walk));
	while ((got = SYS(getdents64, fd, buf, buf_size)) > 0) {
		for (long off = 0; off < got;) {
			struct linux_dirent64 *d = UPTR(struct linux_dirent64, buf + (uint64_t)off);

			EXPECT_EQ(d->d_reclen % 8, 0);
			if (walk->nr < 16)
				snprintf(walk->names[walk->nr++], 16, "%s%c", d->d_name,
					 d->d_type == DT_DIR ? '/' : ' ');
			off += d->d_reclen;
		}
		walk->nr_calls++;
	}
	EXPECT_EQ(got, 0);
}

static void test_sys_getdents64_across_calls_with_a_small_buffer(void)
{
	struct sys_world w;
	struct dirent_walk walk;
	long fd;

	sys_world_start(&w);
	EXPECT_EQ(SYS(mkdir, U("/d"), 0755), 0);
	EXPECT_EQ(SYS(mkdir, U("/d/sub"), 0755), 0);
	sys_world_put("/d/alpha", "a");
	sys_world_put("/d/beta", "b");
	sys_world_put("/d/gamma", "c");
	fd = SYS(open, U("/d"), O_RDONLY | O_DIRECTORY);
	/* 32 bytes hold one record of a short name at a time. */
	list_all(fd, 32, &walk);
	EXPECT_EQ(walk.nr, 6);
	EXPECT_EQ(walk.nr_calls, 6);
	EXPECT_STR(walk.names[0], "./");
	EXPECT_STR(walk.names[1], "../");
	EXPECT_STR(walk.names[2], "sub/");
	EXPECT_STR(walk.names[3], "alpha ");
	EXPECT_STR(walk.names[5], "gamma ");
	/* Rewound, a bigger buffer takes them in one call. */
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_SET), 0);
	list_all(fd, 4096, &walk);
	EXPECT_EQ(walk.nr, 6);
	EXPECT_EQ(walk.nr_calls, 1);
	/* Too small for even one record; a bad buffer; not a directory. */
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_SET), 0);
	EXPECT_EQ(SYS(getdents64, fd, UBUF(8), 8), -EINVAL);
	EXPECT_EQ(SYS(getdents64, fd, HOST_USER_BAD_ADDR, 64), -EFAULT);
	EXPECT_EQ(SYS(getdents64, fd, host_user_edge() - 24, 64), -EFAULT);
	/* The fault lost nothing: the first record is still to come. */
	list_all(fd, 4096, &walk);
	EXPECT_EQ(walk.nr, 6);
	EXPECT_EQ(SYS(getdents64, SYS(open, U("/d/alpha"), O_RDONLY), UBUF(64), 64), -ENOTDIR);
	EXPECT_EQ(SYS(getdents64, 99, UBUF(64), 64), -EBADF);
	/* A removed directory lists nothing more: ENOENT, as on Linux. */
	fd = SYS(open, U("/d/sub"), O_RDONLY | O_DIRECTORY);
	EXPECT_EQ(SYS(rmdir, U("/d/sub")), 0);
	EXPECT_EQ(SYS(getdents64, fd, UBUF(256), 256), -ENOENT);
	sys_world_end(&w);
}

static CU_TestInfo sys_names_tests[] = {
	UNIT_TEST(test_sys_mkdir_rmdir_unlink_errors),
	UNIT_TEST(test_sys_rename_flags_and_directory_descriptors),
	UNIT_TEST(test_sys_link_symlink_readlink),
	UNIT_TEST(test_sys_getdents64_across_calls_with_a_small_buffer),
	CU_TEST_INFO_NULL,
};

static void register_sys_names(void)
{
	unit_add_suite("sys_names", sys_names_tests);
}
UNIT_REGISTER(register_sys_names)
