/* vfs_path_of() (guest/kernel/fs/d_path.c) on the host: names built up
 * through directories and mount points, the root, unlinked files, and a
 * buffer too small. */
#include <string.h>
#include <vitro/errno.h>
#include <vitro/fs.h>

#include "unit.h"
#include "vfs_world.h"

static long path_of_file(struct fs_struct *fs, const char *name, char *buf, size_t size)
{
	struct file *file;
	long len;

	if (vfs_open(fs, name, O_RDONLY, 0, &file))
		return -1000;
	len = vfs_path_of(&file->f_path, buf, size);
	vfs_close(file);
	return len;
}

static void test_vfs_path_of_names_files_through_mounts(void)
{
	struct fs_struct fs;
	char buf[64];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/a", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/a/mnt", 0755), 0);
	EXPECT_EQ(vfs_mount(&fs, "tmpfs", "/a/mnt"), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/a/mnt/d", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/a/mnt/d/file", "x", 1), 0);
	EXPECT_EQ(vfs_chdir(&fs, "/a/mnt"), 0);

	/* Reached through ".." and a relative name, named from the top. */
	EXPECT_EQ(path_of_file(&fs, "d/../d/file", buf, sizeof(buf)), 13);
	EXPECT_STR(buf, "/a/mnt/d/file");
	/* The mounted file system's root is the mount point's name. */
	EXPECT_EQ(path_of_file(&fs, ".", buf, sizeof(buf)), 6);
	EXPECT_STR(buf, "/a/mnt");
	EXPECT_EQ(path_of_file(&fs, "/", buf, sizeof(buf)), 1);
	EXPECT_STR(buf, "/");

	EXPECT_EQ(vfs_chdir(&fs, "/"), 0);
	EXPECT_EQ(vfs_unlink(&fs, "/a/mnt/d/file"), 0);
	EXPECT_EQ(vfs_rmdir(&fs, "/a/mnt/d"), 0);
	EXPECT_EQ(vfs_umount(&fs, "/a/mnt"), 0);
	vfs_world_end(&fs);
}

static void test_vfs_path_of_marks_unlinked_files_deleted(void)
{
	struct fs_struct fs;
	struct file *file;
	char buf[64];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/tmp", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/tmp/gone", "x", 1), 0);
	EXPECT_EQ(vfs_open(&fs, "/tmp/gone", O_RDONLY, 0, &file), 0);
	EXPECT_EQ(vfs_unlink(&fs, "/tmp/gone"), 0);
	EXPECT_EQ(vfs_path_of(&file->f_path, buf, sizeof(buf)), 19);
	EXPECT_STR(buf, "/tmp/gone (deleted)");
	vfs_close(file);
	vfs_world_end(&fs);
}

static void test_vfs_path_of_refuses_a_short_buffer(void)
{
	struct fs_struct fs;
	char buf[16];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/abcdef", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/abcdef/ghijkl", "x", 1), 0);
	/* 14 characters and the NUL fit in 15 bytes, not in 14. */
	EXPECT_EQ(path_of_file(&fs, "/abcdef/ghijkl", buf, 15), 14);
	EXPECT_STR(buf, "/abcdef/ghijkl");
	EXPECT_EQ(path_of_file(&fs, "/abcdef/ghijkl", buf, 14), -ENAMETOOLONG);
	EXPECT_EQ(path_of_file(&fs, "/abcdef/ghijkl", buf, 0), -ENAMETOOLONG);
	EXPECT_EQ(vfs_unlink(&fs, "/abcdef/ghijkl"), 0);
	EXPECT_EQ(vfs_rmdir(&fs, "/abcdef"), 0);
	vfs_world_end(&fs);
}

static CU_TestInfo vfs_path_tests[] = {
	UNIT_TEST(test_vfs_path_of_names_files_through_mounts),
	UNIT_TEST(test_vfs_path_of_marks_unlinked_files_deleted),
	UNIT_TEST(test_vfs_path_of_refuses_a_short_buffer),
	CU_TEST_INFO_NULL,
};

static void register_vfs_path(void)
{
	unit_add_suite("vfs_path", vfs_path_tests);
}
UNIT_REGISTER(register_vfs_path)
