/* Tests for open(2) and its family, close(2) and close_range(2)
 * (guest/kernel/fs/sys_open.c, sys_util.c) through the system call entry
 * points over ramfs: the open flags, the *at directory rules, and the
 * errors for bad pointers, names and descriptors. */
#include <string.h>
#include <vitro/errno.h>

#include "sys_world.h"
#include "unit.h"

static void test_sys_open_creates_with_umask_and_lowest_descriptor(void)
{
	struct sys_world w;
	struct kstat st;

	sys_world_start(&w);
	EXPECT_EQ(SYS(open, U("/f"), O_WRONLY | O_CREAT, 0666), 0);
	EXPECT_EQ(SYS(creat, U("/g"), 0777), 1);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.mode, S_IFREG | 0644); /* umask 022 */
	EXPECT_EQ(vfs_stat(&w.fs, "/g", &st), 0);
	EXPECT_EQ(st.mode, S_IFREG | 0755);
	EXPECT_EQ(SYS(umask, 0), 022);
	EXPECT_EQ(SYS(open, U("/h"), O_RDWR | O_CREAT, 0666), 2);
	EXPECT_EQ(vfs_stat(&w.fs, "/h", &st), 0);
	EXPECT_EQ(st.mode, S_IFREG | 0666);
	/* Without O_CREAT the mode means nothing, and nothing is created. */
	EXPECT_EQ(SYS(open, U("/none"), O_RDONLY, 0777), -ENOENT);
	EXPECT_EQ(SYS(close, 1), 0);
	EXPECT_EQ(SYS(close, 1), -EBADF);
	EXPECT_EQ(SYS(openat, AT_FDCWD, U("/g"), O_RDONLY), 1);
	EXPECT_EQ(SYS(close, -1), -EBADF);
	EXPECT_EQ(SYS(close, 5000), -EBADF);
	sys_world_end(&w);
}

static void test_sys_open_flag_semantics(void)
{
	struct sys_world w;
	uint64_t buf;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "hello");
	EXPECT_EQ(SYS(open, U("/f"), O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
	/* O_EXCL without O_CREAT is ignored. */
	fd = SYS(open, U("/f"), O_RDONLY | O_EXCL);
	EXPECT_TRUE(fd >= 0);
	EXPECT_EQ(SYS(close, fd), 0);

	/* O_APPEND: every write lands at the end, whatever the position. */
	fd = SYS(open, U("/f"), O_WRONLY | O_APPEND);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_SET), 0);
	EXPECT_EQ(SYS(write, fd, U("!"), 1), 1);
	EXPECT_EQ(SYS(close, fd), 0);
	buf = UBUF(16);
	fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(read, fd, buf, 16), 6);
	EXPECT_EQ(memcmp(UPTR(char, buf), "hello!", 6), 0);
	EXPECT_EQ(SYS(close, fd), 0);

	/* O_TRUNC empties, even with O_RDONLY (as Linux). */
	fd = SYS(open, U("/f"), O_RDONLY | O_TRUNC);
	EXPECT_EQ(SYS(read, fd, buf, 16), 0);
	EXPECT_EQ(SYS(close, fd), 0);

	/* F_GETFL: creation flags gone, O_LARGEFILE always there. */
	fd = SYS(open, U("/f"), O_RDWR | O_CREAT | O_NONBLOCK, 0600);
	EXPECT_EQ(SYS(fcntl, fd, F_GETFL), O_RDWR | O_NONBLOCK | O_LARGEFILE);
	EXPECT_EQ(SYS(close, fd), 0);

	/* O_DIRECTORY. */
	EXPECT_EQ(SYS(mkdir, U("/d"), 0755), 0);
	EXPECT_EQ(SYS(open, U("/f"), O_RDONLY | O_DIRECTORY), -ENOTDIR);
	fd = SYS(open, U("/d"), O_RDONLY | O_DIRECTORY);
	EXPECT_TRUE(fd >= 0);
	EXPECT_EQ(SYS(close, fd), 0);
	EXPECT_EQ(SYS(open, U("/d"), O_WRONLY), -EISDIR);
	EXPECT_EQ(SYS(open, U("/d"), O_RDONLY | O_CREAT, 0644), -EISDIR);
	EXPECT_EQ(SYS(open, U("/new"), O_RDONLY | O_CREAT | O_DIRECTORY, 0644), -EINVAL);
	EXPECT_EQ(SYS(open, U("/f/"), O_RDONLY), -ENOTDIR);
	EXPECT_EQ(SYS(open, U("/f/x"), O_RDONLY), -ENOTDIR);

	/* O_TMPFILE: checked, then not supported by ramfs. */
	EXPECT_EQ(SYS(open, U("/d"), O_TMPFILE | O_RDONLY, 0600), -EINVAL);
	EXPECT_EQ(SYS(open, U("/d"), O_TMPFILE | O_RDWR, 0600), -EOPNOTSUPP);
	sys_world_end(&w);
}

static void test_sys_open_symlinks_nofollow_and_loops(void)
{
	struct sys_world w;
	uint64_t buf = 0;
	long fd;

	sys_world_start(&w);
	sys_world_put("/target", "t");
	EXPECT_EQ(SYS(symlink, U("/target"), U("/link")), 0);
	EXPECT_EQ(SYS(symlink, U("/loop2"), U("/loop1")), 0);
	EXPECT_EQ(SYS(symlink, U("/loop1"), U("/loop2")), 0);
	EXPECT_EQ(SYS(open, U("/link"), O_RDONLY | O_NOFOLLOW), -ELOOP);
	EXPECT_EQ(SYS(open, U("/loop1"), O_RDONLY), -ELOOP);
	fd = SYS(open, U("/link"), O_RDONLY);
	EXPECT_TRUE(fd >= 0);
	buf = UBUF(4);
	EXPECT_EQ(SYS(read, fd, buf, 4), 1);
	EXPECT_EQ(SYS(close, fd), 0);

	/* O_PATH | O_NOFOLLOW names the link itself: readlinkat reads it,
	 * fstat sees a link, read is refused. */
	fd = SYS(open, U("/link"), O_PATH | O_NOFOLLOW);
	EXPECT_TRUE(fd >= 0);
	buf = UBUF(32);
	EXPECT_EQ(SYS(readlinkat, fd, U(""), buf, 32), 7);
	EXPECT_EQ(memcmp(UPTR(char, buf), "/target", 7), 0);
	EXPECT_EQ(SYS(read, fd, buf, 1), -EBADF);
	EXPECT_EQ(SYS(fcntl, fd, F_GETFL), O_PATH | O_NOFOLLOW | O_LARGEFILE);
	EXPECT_EQ(SYS(fcntl, fd, F_SETFL, O_NONBLOCK), -EBADF);
	EXPECT_EQ(SYS(close, fd), 0);
	sys_world_end(&w);
}

static void test_sys_open_bad_names_and_pointers(void)
{
	struct sys_world w;
	char long_name[PATH_MAX + 1];
	char long_component[NAME_MAX + 3];

	sys_world_start(&w);
	EXPECT_EQ(SYS(open, HOST_USER_BAD_ADDR, O_RDONLY), -EFAULT);
	EXPECT_EQ(SYS(open, 0, O_RDONLY), -EFAULT);
	EXPECT_EQ(SYS(open, U(""), O_RDONLY), -ENOENT);
	/* A name that runs into an unmapped page faults. */
	memset(UPTR(char, host_user_edge() - 2), 'a', 2);
	EXPECT_EQ(SYS(open, host_user_edge() - 2, O_RDONLY), -EFAULT);
	UPTR(char, host_user_edge() - 1)[0] = '\0';
	EXPECT_EQ(SYS(open, host_user_edge() - 2, O_RDONLY), -ENOENT);
	/* PATH_MAX bytes without a NUL: too long; PATH_MAX - 1 bytes: fine. */
	memset(long_name, 'a', sizeof(long_name));
	for (int i = 1; i < PATH_MAX; i += 2)
		long_name[i] = '/';
	long_name[PATH_MAX] = '\0';
	EXPECT_EQ(SYS(open, U(long_name), O_RDONLY), -ENAMETOOLONG);
	long_name[PATH_MAX - 1] = '\0';
	EXPECT_EQ(SYS(open, U(long_name), O_RDONLY), -ENOENT);
	memset(long_component, 'b', sizeof(long_component));
	long_component[0] = '/';
	long_component[NAME_MAX + 2] = '\0';
	EXPECT_EQ(SYS(open, U(long_component), O_RDONLY | O_CREAT, 0644), -ENAMETOOLONG);
	long_component[NAME_MAX + 1] = '\0';
	EXPECT_EQ(SYS(open, U(long_component), O_RDONLY | O_CREAT, 0644), 0);
	sys_world_end(&w);
}

static void test_sys_openat_directory_descriptors(void)
{
	struct sys_world w;
	long dir, file, fd;
	uint64_t buf;

	sys_world_start(&w);
	EXPECT_EQ(SYS(mkdir, U("/d"), 0755), 0);
	sys_world_put("/d/in", "inside");
	sys_world_put("/top", "top");
	dir = SYS(open, U("/d"), O_RDONLY | O_DIRECTORY);
	file = SYS(open, U("/top"), O_RDONLY);
	buf = UBUF(8);
	fd = SYS(openat, dir, U("in"), O_RDONLY);
	EXPECT_TRUE(fd >= 0);
	EXPECT_EQ(SYS(read, fd, buf, 8), 6);
	EXPECT_EQ(SYS(close, fd), 0);
	/* ".." from the directory, and absolute names ignore dirfd. */
	fd = SYS(openat, dir, U("../top"), O_RDONLY);
	EXPECT_TRUE(fd >= 0);
	EXPECT_EQ(SYS(close, fd), 0);
	fd = SYS(openat, 999, U("/top"), O_RDONLY);
	EXPECT_TRUE(fd >= 0);
	EXPECT_EQ(SYS(close, fd), 0);
	EXPECT_EQ(SYS(openat, 999, U("top"), O_RDONLY), -EBADF);
	EXPECT_EQ(SYS(openat, file, U("top"), O_RDONLY), -ENOTDIR);
	/* An O_PATH descriptor of a directory is a fine dirfd. */
	fd = SYS(open, U("/d"), O_PATH);
	EXPECT_EQ(SYS(openat, fd, U("in"), O_RDONLY | O_CLOEXEC), fd + 1);
	EXPECT_EQ(SYS(fcntl, fd + 1, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(SYS(fcntl, fd, F_GETFD), 0);
	sys_world_end(&w);
}

static void test_sys_open_runs_out_of_descriptors(void)
{
	struct sys_world w;
	struct vfs_stats stats;
	long fd = 0;

	sys_world_start(&w);
	sys_world_put("/f", "x");
	w.files.limit = 8;
	for (int i = 0; i < 8; i++)
		fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(fd, 7);
	EXPECT_EQ(SYS(open, U("/f"), O_RDONLY), -EMFILE);
	vfs_get_stats(&stats);
	EXPECT_EQ(stats.nr_files, 8);
	/* close_range: a marked range, then a closed one. */
	EXPECT_EQ(SYS(close_range, 2, 1, 0), -EINVAL);
	EXPECT_EQ(SYS(close_range, 0, 1, 0x80), -EINVAL);
	EXPECT_EQ(SYS(close_range, 0, 3, 4 /* CLOSE_RANGE_CLOEXEC */), 0);
	EXPECT_EQ(SYS(fcntl, 3, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(SYS(fcntl, 4, F_GETFD), 0);
	EXPECT_EQ(SYS(close_range, 2, ~0u, 0), 0);
	vfs_get_stats(&stats);
	EXPECT_EQ(stats.nr_files, 2);
	EXPECT_EQ(SYS(close, 2), -EBADF);
	EXPECT_EQ(SYS(fcntl, 1, F_GETFD), FD_CLOEXEC);
	sys_world_end(&w);
}

static CU_TestInfo sys_open_tests[] = {
	UNIT_TEST(test_sys_open_creates_with_umask_and_lowest_descriptor),
	UNIT_TEST(test_sys_open_flag_semantics),
	UNIT_TEST(test_sys_open_symlinks_nofollow_and_loops),
	UNIT_TEST(test_sys_open_bad_names_and_pointers),
	UNIT_TEST(test_sys_openat_directory_descriptors),
	UNIT_TEST(test_sys_open_runs_out_of_descriptors),
	CU_TEST_INFO_NULL,
};

static void register_sys_open(void)
{
	unit_add_suite("sys_open", sys_open_tests);
}
UNIT_REGISTER(register_sys_open)
