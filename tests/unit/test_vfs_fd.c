/* Tests for descriptor tables (guest/kernel/fs/file_table.c) over ramfs
 * files: lowest free number, dup/dup2 sharing one open file, close-on-exec,
 * the descriptor limit, and copies for fork. */
#include <string.h>
#include <vitro/errno.h>
#include <vitro/fs.h>

#include "unit.h"
#include "vfs_world.h"

static int open_fd(struct fs_struct *fs, struct files_struct *files, const char *path,
		   unsigned int flags)
{
	struct file *file;
	int err = vfs_open(fs, path, flags, 0644, &file);
	int fd;

	if (err)
		return err;
	fd = fd_install(files, file, 0, flags & O_CLOEXEC);
	if (fd < 0)
		vfs_close(file);
	return fd;
}

static long nr_files_now(void)
{
	struct vfs_stats stats;

	vfs_get_stats(&stats);
	return stats.nr_files;
}

static void test_fd_lowest_free_number_and_dup_share_position(void)
{
	struct fs_struct fs;
	struct files_struct files;
	struct file *a, *b;
	char buf[4];

	vfs_world_start(&fs);
	EXPECT_EQ(files_init(&files), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/f", "abcdef", 6), 0);
	EXPECT_EQ(open_fd(&fs, &files, "/f", O_RDONLY), 0);
	EXPECT_EQ(open_fd(&fs, &files, "/f", O_RDONLY), 1);
	EXPECT_EQ(open_fd(&fs, &files, "/f", O_RDONLY), 2);
	EXPECT_EQ(fd_close(&files, 1), 0);
	EXPECT_EQ(fd_close(&files, 1), -EBADF);
	EXPECT_EQ(open_fd(&fs, &files, "/f", O_RDONLY), 1);
	EXPECT_EQ(nr_files_now(), 3);

	/* dup: one open file, one position. */
	EXPECT_EQ(fd_dup(&files, 0, 0, false), 3);
	EXPECT_EQ(fd_dup(&files, 0, 10, false), 10);
	EXPECT_EQ(nr_files_now(), 3);
	a = fd_get(&files, 0);
	b = fd_get(&files, 10);
	EXPECT_TRUE(a == b);
	EXPECT_EQ(vfs_read(a, buf, 2), 2);
	EXPECT_EQ(vfs_read(b, buf, 2), 2);
	EXPECT_EQ(memcmp(buf, "cd", 2), 0);
	vfs_close(a);
	vfs_close(b);
	EXPECT_TRUE(fd_get(&files, 4) == NULL);
	EXPECT_TRUE(fd_get(&files, -1) == NULL);
	EXPECT_EQ(fd_dup(&files, 4, 0, false), -EBADF);

	/* dup2 replaces what the target held, and is a no-op onto itself. */
	EXPECT_EQ(fd_dup2(&files, 2, 1, false), 1);
	EXPECT_EQ(nr_files_now(), 2);
	EXPECT_EQ(fd_dup2(&files, 2, 2, false), 2);
	EXPECT_EQ(fd_dup2(&files, 9, 2, false), -EBADF);
	EXPECT_EQ(fd_dup2(&files, 2, NR_OPEN_DEFAULT, false), -EBADF);
	EXPECT_EQ(fd_dup2(&files, 2, 500, false), 500);
	files_release(&files);
	EXPECT_EQ(nr_files_now(), 0);
	vfs_world_end(&fs);
}

static void test_fd_close_on_exec_and_copy(void)
{
	struct fs_struct fs;
	struct files_struct files, child;

	vfs_world_start(&fs);
	EXPECT_EQ(files_init(&files), 0);
	EXPECT_EQ(open_fd(&fs, &files, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), 0);
	EXPECT_EQ(open_fd(&fs, &files, "/", O_RDONLY | O_DIRECTORY), 1);
	EXPECT_EQ(fd_get_close_on_exec(&files, 0), 1);
	EXPECT_EQ(fd_get_close_on_exec(&files, 1), 0);
	EXPECT_EQ(fd_get_close_on_exec(&files, 2), -EBADF);
	EXPECT_EQ(fd_dup(&files, 1, 0, true), 2);
	EXPECT_EQ(fd_get_close_on_exec(&files, 2), 1);
	EXPECT_EQ(fd_set_close_on_exec(&files, 2, false), 0);
	EXPECT_EQ(fd_set_close_on_exec(&files, 7, false), -EBADF);

	/* A copy shares the open files; each side closes its own. */
	EXPECT_EQ(files_copy(&child, &files), 0);
	EXPECT_EQ(nr_files_now(), 2);
	files_close_on_exec(&child);
	EXPECT_TRUE(fd_get(&child, 0) == NULL);
	EXPECT_EQ(fd_close(&child, 1), 0);
	EXPECT_EQ(fd_close(&child, 2), 0);
	files_release(&child);
	EXPECT_EQ(nr_files_now(), 2);
	EXPECT_EQ(fd_close(&files, 0), 0);
	EXPECT_EQ(nr_files_now(), 1);
	files_release(&files);
	EXPECT_EQ(nr_files_now(), 0);
	vfs_world_end(&fs);
}

static void test_fd_table_grows_up_to_the_limit(void)
{
	struct fs_struct fs;
	struct files_struct files;
	int fd = 0;

	vfs_world_start(&fs);
	EXPECT_EQ(files_init(&files), 0);
	EXPECT_EQ(open_fd(&fs, &files, "/", O_RDONLY), 0);
	for (int i = 1; i < NR_OPEN_DEFAULT; i++) {
		fd = fd_dup(&files, 0, 0, false);
		if (fd != i)
			break;
	}
	EXPECT_EQ(fd, NR_OPEN_DEFAULT - 1);
	EXPECT_EQ(fd_dup(&files, 0, 0, false), -EMFILE);
	EXPECT_EQ(fd_dup(&files, 0, NR_OPEN_DEFAULT, false), -EINVAL);
	EXPECT_EQ(fd_close(&files, 700), 0);
	EXPECT_EQ(fd_dup(&files, 0, 0, false), 700);
	EXPECT_EQ(nr_files_now(), 1);
	files_release(&files);
	vfs_world_end(&fs);
}

static CU_TestInfo vfs_fd_tests[] = {
	UNIT_TEST(test_fd_lowest_free_number_and_dup_share_position),
	UNIT_TEST(test_fd_close_on_exec_and_copy),
	UNIT_TEST(test_fd_table_grows_up_to_the_limit),
	CU_TEST_INFO_NULL,
};

static void register_vfs_fd(void)
{
	unit_add_suite("vfs_fd", vfs_fd_tests);
}
UNIT_REGISTER(register_vfs_fd)
