/* The VFS in the running kernel: the root init got, /dev and its memory
 * devices through the same calls the syscalls will make. */
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/ktest.h>
#include <vitro/string.h>

#include "../../guest/kernel/kernel/rootfs.h"

KTEST(fs_dev_memory_devices_work)
{
	uint8_t buf[16], zero[16] = { 0 };
	struct file *file;

	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/dev/urandom", O_RDONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), (long)sizeof(buf));
	KTEST_EXPECT(memcmp(buf, zero, sizeof(buf)) != 0);
	vfs_close(file);
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/dev/full", O_WRONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_write(file, buf, 1), -ENOSPC);
	vfs_close(file);
}

KTEST(fs_root_holds_files_written_at_run_time)
{
	static const char text[] = "written by ktest\n";
	char back[sizeof(text)];
	struct file *file;
	struct kstat st;

	KTEST_EXPECT_EQ(vfs_mkdir(&init_fs, "/ktest-dir", 0755), 0);
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/ktest-dir/f", O_CREAT | O_WRONLY, 0644, &file), 0);
	KTEST_EXPECT_EQ(vfs_write(file, text, sizeof(text)), (long)sizeof(text));
	vfs_close(file);
	KTEST_EXPECT_EQ(vfs_stat(&init_fs, "/ktest-dir/f", &st), 0);
	KTEST_EXPECT_EQ(st.size, (int64_t)sizeof(text));
	KTEST_EXPECT_EQ(vfs_open(&init_fs, "/ktest-dir/f", O_RDONLY, 0, &file), 0);
	KTEST_EXPECT_EQ(vfs_read(file, back, sizeof(back)), (long)sizeof(text));
	KTEST_EXPECT(!memcmp(back, text, sizeof(text)));
	vfs_close(file);
	KTEST_EXPECT_EQ(vfs_unlink(&init_fs, "/ktest-dir/f"), 0);
	KTEST_EXPECT_EQ(vfs_rmdir(&init_fs, "/ktest-dir"), 0);
}
