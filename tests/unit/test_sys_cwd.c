/* Tests for chdir, fchdir, getcwd, chroot and umask
 * (guest/kernel/fs/sys_cwd.c, d_path.c): the path getcwd builds up through
 * mounts, ERANGE, ENOENT once the directory is gone, "(unreachable)"
 * outside the root, and the umask's effect on new files. */
#include <string.h>
#include <vitro/errno.h>

#include "sys_world.h"
#include "unit.h"

static void test_sys_getcwd_follows_chdir_and_fchdir(void)
{
	struct sys_world w;
	uint64_t buf;
	long dir;

	sys_world_start(&w);
	buf = UBUF(PATH_MAX);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), 2);
	EXPECT_STR(UPTR(char, buf), "/");
	EXPECT_EQ(SYS(mkdir, U("/a"), 0755), 0);
	EXPECT_EQ(SYS(mkdir, U("/a/bb"), 0755), 0);
	EXPECT_EQ(SYS(chdir, U("/a/bb")), 0);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), 6);
	EXPECT_STR(UPTR(char, buf), "/a/bb");
	EXPECT_EQ(SYS(getcwd, buf, 6), 6);
	EXPECT_EQ(SYS(getcwd, buf, 5), -ERANGE);
	EXPECT_EQ(SYS(getcwd, buf, 0), -ERANGE);
	EXPECT_EQ(SYS(getcwd, HOST_USER_BAD_ADDR, PATH_MAX), -EFAULT);
	EXPECT_EQ(SYS(chdir, U("..")), 0);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), 3);
	EXPECT_STR(UPTR(char, buf), "/a");

	/* Through a mount: the mount point's name, not the mounted root's. */
	EXPECT_EQ(SYS(mount, 0, U("/a/bb"), U("tmpfs"), 0, 0), 0);
	EXPECT_EQ(SYS(mkdir, U("/a/bb/in"), 0755), 0);
	dir = SYS(open, U("/a/bb/in"), O_RDONLY | O_DIRECTORY);
	EXPECT_EQ(SYS(fchdir, dir), 0);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), 9);
	EXPECT_STR(UPTR(char, buf), "/a/bb/in");
	EXPECT_EQ(SYS(close, dir), 0);

	/* Errors. */
	EXPECT_EQ(SYS(chdir, U("/nope")), -ENOENT);
	sys_world_put("/file", "x");
	EXPECT_EQ(SYS(chdir, U("/file")), -ENOTDIR);
	dir = SYS(open, U("/file"), O_RDONLY);
	EXPECT_EQ(SYS(fchdir, dir), -ENOTDIR);
	EXPECT_EQ(SYS(fchdir, 99), -EBADF);
	EXPECT_EQ(SYS(chdir, HOST_USER_BAD_ADDR), -EFAULT);
	EXPECT_EQ(SYS(chdir, U("/")), 0);
	EXPECT_EQ(SYS(umount2, U("/a/bb"), 0), 0);
	sys_world_end(&w);
}

static void test_sys_getcwd_of_removed_and_unreachable_directories(void)
{
	struct sys_world w;
	uint64_t buf;

	sys_world_start(&w);
	buf = UBUF(PATH_MAX);
	EXPECT_EQ(SYS(mkdir, U("/gone"), 0755), 0);
	EXPECT_EQ(SYS(chdir, U("/gone")), 0);
	EXPECT_EQ(SYS(rmdir, U("/gone")), 0);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), -ENOENT);
	/* Nothing can be made in it, and ".." still leads out. */
	EXPECT_EQ(SYS(mkdir, U("x"), 0755), -ENOENT);
	EXPECT_EQ(SYS(chdir, U("..")), 0);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), 2);

	/* chroot while the cwd is outside the new root: Linux prefixes
	 * "(unreachable)". */
	EXPECT_EQ(SYS(mkdir, U("/jail"), 0755), 0);
	EXPECT_EQ(SYS(mkdir, U("/out"), 0755), 0);
	EXPECT_EQ(SYS(chdir, U("/out")), 0);
	EXPECT_EQ(SYS(chroot, U("/jail")), 0);
	EXPECT_TRUE(SYS(getcwd, buf, PATH_MAX) > 0);
	EXPECT_STR(UPTR(char, buf), "(unreachable)/out");
	/* Absolute names now start in the jail. */
	EXPECT_EQ(SYS(chdir, U("/")), 0);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), 2);
	EXPECT_EQ(SYS(mkdir, U("/inside"), 0755), 0);
	EXPECT_EQ(SYS(chdir, U("/../../inside")), 0);
	EXPECT_EQ(SYS(getcwd, buf, PATH_MAX), 8);
	EXPECT_STR(UPTR(char, buf), "/inside");
	sys_world_end(&w);
}

static void test_sys_umask_applies_to_every_creation(void)
{
	struct sys_world w;
	struct kstat st;

	sys_world_start(&w);
	EXPECT_EQ(SYS(umask, 0077), 0022);
	EXPECT_EQ(SYS(umask, 01777), 0077); /* only the permission bits */
	EXPECT_EQ(SYS(umask, 0027), 0777);
	EXPECT_EQ(SYS(mkdir, U("/d"), 0777), 0);
	EXPECT_EQ(SYS(open, U("/f"), O_CREAT | O_WRONLY, 0666), 0);
	EXPECT_EQ(SYS(mknod, U("/p"), S_IFIFO | 0666, 0), 0);
	EXPECT_EQ(vfs_stat(&w.fs, "/d", &st), 0);
	EXPECT_EQ(st.mode & 07777, 0750);
	EXPECT_EQ(vfs_stat(&w.fs, "/f", &st), 0);
	EXPECT_EQ(st.mode & 07777, 0640);
	EXPECT_EQ(vfs_stat(&w.fs, "/p", &st), 0);
	EXPECT_EQ(st.mode & 07777, 0640);
	/* Symlinks are 0777 whatever the umask. */
	EXPECT_EQ(SYS(symlink, U("/f"), U("/s")), 0);
	EXPECT_EQ(vfs_lstat(&w.fs, "/s", &st), 0);
	EXPECT_EQ(st.mode & 07777, 0777);
	sys_world_end(&w);
}

static CU_TestInfo sys_cwd_tests[] = {
	UNIT_TEST(test_sys_getcwd_follows_chdir_and_fchdir),
	UNIT_TEST(test_sys_getcwd_of_removed_and_unreachable_directories),
	UNIT_TEST(test_sys_umask_applies_to_every_creation),
	CU_TEST_INFO_NULL,
};

static void register_sys_cwd(void)
{
	unit_add_suite("sys_cwd", sys_cwd_tests);
}
UNIT_REGISTER(register_sys_cwd)
