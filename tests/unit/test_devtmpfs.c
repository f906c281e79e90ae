/* /dev as the kernel mounts it (guest/kernel/fs/devtmpfs.c) with the memory
 * devices behind it (guest/drivers/char/mem.c), driven through the VFS. */
#include <string.h>
#include <vitro/devtmpfs.h>
#include <vitro/errno.h>

#include "../../guest/drivers/char/mem.h"
#include "unit.h"
#include "vfs_world.h"

static long rw(struct fs_struct *fs, const char *path, bool is_write, void *buf, size_t len)
{
	struct file *file;
	long n;
	int rc = vfs_open(fs, path, is_write ? O_WRONLY : O_RDONLY, 0, &file);

	if (rc)
		return rc;
	n = is_write ? vfs_write(file, buf, len) : vfs_read(file, buf, len);
	vfs_close(file);
	return n;
}

static void test_devtmpfs_nodes_and_memory_devices(void)
{
	uint8_t buf[64], other[64], zero[64] = { 0 };
	struct fs_struct fs;
	struct kstat st;

	vfs_world_start(&fs);
	EXPECT_EQ(mem_devices_register(), 0);
	EXPECT_EQ(devtmpfs_mount(&fs), 0);

	EXPECT_EQ(vfs_stat(&fs, "/dev/null", &st), 0);
	EXPECT_EQ(st.mode, S_IFCHR | 0666);
	EXPECT_EQ(st.rdev, MKDEV(1, 3));
	EXPECT_EQ(vfs_stat(&fs, "/dev/console", &st), 0);
	EXPECT_EQ(st.mode, S_IFCHR | 0600);
	EXPECT_EQ(st.rdev, MKDEV(5, 1));

	EXPECT_EQ(rw(&fs, "/dev/null", true, buf, 10), 10);
	EXPECT_EQ(rw(&fs, "/dev/null", false, buf, 10), 0);
	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(rw(&fs, "/dev/zero", false, buf, sizeof(buf)), sizeof(buf));
	EXPECT_TRUE(!memcmp(buf, zero, sizeof(buf)));
	EXPECT_EQ(rw(&fs, "/dev/full", true, buf, 1), -ENOSPC);
	EXPECT_EQ(rw(&fs, "/dev/full", false, buf, 8), 8);
	EXPECT_EQ(rw(&fs, "/dev/urandom", false, buf, sizeof(buf)), sizeof(buf));
	EXPECT_EQ(rw(&fs, "/dev/random", false, other, sizeof(other)), sizeof(other));
	EXPECT_TRUE(memcmp(buf, other, sizeof(buf)) != 0);
	EXPECT_TRUE(memcmp(buf, zero, sizeof(buf)) != 0);
	/* No driver behind the console in this test: Linux's ENXIO. */
	EXPECT_EQ(rw(&fs, "/dev/console", false, buf, 1), -ENXIO);

	mem_devices_unregister();
	EXPECT_EQ(vfs_umount(&fs, "/dev"), 0);
	vfs_world_end(&fs);
}

/* An initramfs that brings its own /dev keeps it underneath the mount. */
static void test_devtmpfs_over_an_existing_dev_directory(void)
{
	struct fs_struct fs;
	struct kstat st;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/dev", 0700), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/dev/mine", "x", 1), 0);
	EXPECT_EQ(devtmpfs_mount(&fs), 0);
	EXPECT_EQ(vfs_stat(&fs, "/dev/mine", &st), -ENOENT);
	EXPECT_EQ(vfs_stat(&fs, "/dev/zero", &st), 0);
	EXPECT_EQ(vfs_umount(&fs, "/dev"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/dev/mine", &st), 0);
	EXPECT_EQ(vfs_unlink(&fs, "/dev/mine"), 0);
	vfs_world_end(&fs);
}

static CU_TestInfo devtmpfs_tests[] = {
	UNIT_TEST(test_devtmpfs_nodes_and_memory_devices),
	UNIT_TEST(test_devtmpfs_over_an_existing_dev_directory),
	CU_TEST_INFO_NULL,
};

static void register_devtmpfs_tests(void)
{
	unit_add_suite("devtmpfs", devtmpfs_tests);
}
UNIT_REGISTER(register_devtmpfs_tests)
