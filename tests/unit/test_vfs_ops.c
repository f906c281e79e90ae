/* Tests for the VFS file API over ramfs (guest/kernel/fs/open.c, dir_ops.c,
 * read_write.c, stat.c, ramfs.c): rename, unlink of open files, getdents,
 * truncation and holes, hard links, open flags. Every test ends with all
 * counts at zero and every page back. */
#include <stdio.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/fs.h>

#include "unit.h"
#include "vfs_world.h"

static long nr_inodes_now(void)
{
	struct vfs_stats stats;

	vfs_get_stats(&stats);
	return stats.nr_inodes;
}

static void test_vfs_rename_replaces_existing_target(void)
{
	struct fs_struct fs;
	struct kstat st, root;
	char buf[16];
	long inodes;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_world_put(&fs, "/a", "new", 3), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/b", "old!", 4), 0);
	inodes = nr_inodes_now();
	EXPECT_EQ(vfs_rename(&fs, "/a", "/b"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/a", &st), -ENOENT);
	EXPECT_EQ(vfs_world_get(&fs, "/b", buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "new", 3), 0);
	/* The replaced file's inode is gone. */
	EXPECT_EQ(nr_inodes_now(), inodes - 1);

	/* Directories: over an empty one, not over a full one; parents' link
	 * counts follow the move. */
	EXPECT_EQ(vfs_mkdir(&fs, "/d1", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/d1/sub", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/d2", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/full", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/full/x", "x", 1), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d1", &st), 0);
	EXPECT_EQ(st.nlink, 3);
	EXPECT_EQ(vfs_rename(&fs, "/d1/sub", "/d2/sub"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d1", &st), 0);
	EXPECT_EQ(st.nlink, 2);
	EXPECT_EQ(vfs_stat(&fs, "/d2", &st), 0);
	EXPECT_EQ(st.nlink, 3);
	EXPECT_EQ(vfs_rename(&fs, "/d2", "/d1"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d1/sub", &st), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d2", &st), -ENOENT);
	EXPECT_EQ(vfs_rename(&fs, "/d1", "/full"), -ENOTEMPTY);
	EXPECT_EQ(vfs_rename(&fs, "/d1", "/d1/sub/in"), -EINVAL);
	EXPECT_EQ(vfs_rename(&fs, "/d1", "/d1/sub"), -EINVAL);
	EXPECT_EQ(vfs_rename(&fs, "/d1/sub", "/d1"), -ENOTEMPTY);
	EXPECT_EQ(vfs_rename(&fs, "/b", "/d1"), -EISDIR);
	EXPECT_EQ(vfs_rename(&fs, "/d1", "/b"), -ENOTDIR);
	EXPECT_EQ(vfs_rename(&fs, "/b", "/b/"), -ENOTDIR);
	EXPECT_EQ(vfs_rename(&fs, "/nope", "/c"), -ENOENT);
	EXPECT_EQ(vfs_rename(&fs, "/d1/.", "/c"), -EBUSY);
	EXPECT_EQ(vfs_rename(&fs, "/b", "/b"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/", &root), 0);
	EXPECT_EQ(root.nlink, 4); /* ".", "..", d1, full */

	/* A long name moves out of the inline buffer and back. */
	EXPECT_EQ(vfs_rename(&fs, "/b", "/a-name-longer-than-the-inline-dentry-buffer"), 0);
	EXPECT_EQ(vfs_rename(&fs, "/a-name-longer-than-the-inline-dentry-buffer", "/c"), 0);
	EXPECT_EQ(vfs_world_get(&fs, "/c", buf, sizeof(buf)), 3);
	vfs_world_end(&fs);
}

static void test_vfs_unlinked_open_file_stays_readable_until_closed(void)
{
	struct fs_struct fs;
	struct file *file;
	struct kstat st;
	char buf[16];
	long inodes;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_world_put(&fs, "/f", "still here", 10), 0);
	inodes = nr_inodes_now();
	EXPECT_EQ(vfs_open(&fs, "/f", O_RDWR, 0, &file), 0);
	EXPECT_EQ(vfs_unlink(&fs, "/f"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/f", &st), -ENOENT);
	EXPECT_EQ(nr_inodes_now(), inodes);
	EXPECT_EQ(vfs_fstat(file, &st), 0);
	EXPECT_EQ(st.nlink, 0);
	EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), 10);
	EXPECT_EQ(memcmp(buf, "still here", 10), 0);
	EXPECT_EQ(vfs_write(file, "!", 1), 1);
	/* A new file of the same name is another inode. */
	EXPECT_EQ(vfs_world_put(&fs, "/f", "other", 5), 0);
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_SET), 0);
	EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), 11);
	EXPECT_EQ(vfs_close(file), 0);
	EXPECT_EQ(nr_inodes_now(), inodes);
	EXPECT_EQ(vfs_unlink(&fs, "/f"), 0);
	EXPECT_EQ(nr_inodes_now(), inodes - 1);
	EXPECT_EQ(vfs_unlink(&fs, "/f"), -ENOENT);
	vfs_world_end(&fs);
}

struct dirent_seen {
	char names[16][32];
	unsigned int types[16];
	unsigned int nr;
};

static void collect_dirents(const uint8_t *buf, long size, struct dirent_seen *seen)
{
	long offset = 0;

	while (offset < size && seen->nr < 16) {
		const struct linux_dirent64 *d = (const void *)(buf + offset);

		EXPECT_EQ(d->d_reclen % 8, 0);
		snprintf(seen->names[seen->nr], sizeof(seen->names[0]), "%s", d->d_name);
		seen->types[seen->nr++] = d->d_type;
		offset += d->d_reclen;
	}
	EXPECT_EQ(offset, size);
}

static int find_name(const struct dirent_seen *seen, const char *name)
{
	for (unsigned int i = 0; i < seen->nr; i++) {
		if (!strcmp(seen->names[i], name))
			return (int)i;
	}
	return -1;
}

static void test_vfs_getdents_lists_entries_with_dot_and_dotdot(void)
{
	struct fs_struct fs;
	struct dirent_seen seen = { 0 };
	struct file *file;
	uint8_t buf[64];
	long got;
	int i;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/d", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/d/sub", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/d/file", "", 0), 0);
	EXPECT_EQ(vfs_symlink(&fs, "file", "/d/link"), 0);
	EXPECT_EQ(vfs_mknod(&fs, "/d/null", S_IFCHR | 0666, MKDEV(1, 3)), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/d/gone", "", 0), 0);
	EXPECT_EQ(vfs_unlink(&fs, "/d/gone"), 0);
	struct kstat st;
	EXPECT_EQ(vfs_stat(&fs, "/d/negative", &st), -ENOENT);

	EXPECT_EQ(vfs_open(&fs, "/d", O_RDONLY | O_DIRECTORY, 0, &file), 0);
	/* A small buffer: several calls, each taking what fits. */
	while ((got = vfs_getdents(file, buf, sizeof(buf))) > 0)
		collect_dirents(buf, got, &seen);
	EXPECT_EQ(got, 0);
	EXPECT_EQ(seen.nr, 6);
	EXPECT_TRUE((i = find_name(&seen, ".")) >= 0 && seen.types[i] == DT_DIR);
	EXPECT_TRUE((i = find_name(&seen, "..")) >= 0 && seen.types[i] == DT_DIR);
	EXPECT_TRUE((i = find_name(&seen, "sub")) >= 0 && seen.types[i] == DT_DIR);
	EXPECT_TRUE((i = find_name(&seen, "file")) >= 0 && seen.types[i] == DT_REG);
	EXPECT_TRUE((i = find_name(&seen, "link")) >= 0 && seen.types[i] == DT_LNK);
	EXPECT_TRUE((i = find_name(&seen, "null")) >= 0 && seen.types[i] == DT_CHR);
	EXPECT_EQ(find_name(&seen, "gone"), -1);
	EXPECT_EQ(find_name(&seen, "negative"), -1);
	/* Rewound, it lists again; a buffer too small for one record is EINVAL. */
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_SET), 0);
	EXPECT_EQ(vfs_getdents(file, buf, 8), -EINVAL);
	EXPECT_TRUE(vfs_getdents(file, buf, sizeof(buf)) > 0);
	EXPECT_EQ(vfs_read(file, buf, 1), -EISDIR);
	/* Regular files and directories: always ready, no ioctls. */
	EXPECT_EQ(vfs_poll(file, NULL), 0x145); /* POLLIN|POLLOUT|POLLRDNORM|POLLWRNORM */
	EXPECT_EQ(vfs_ioctl(file, 0x5401, 0), -ENOTTY);
	EXPECT_EQ(vfs_close(file), 0);
	EXPECT_EQ(vfs_open(&fs, "/d/file", O_RDONLY, 0, &file), 0);
	EXPECT_EQ(vfs_getdents(file, buf, sizeof(buf)), -ENOTDIR);
	EXPECT_EQ(vfs_close(file), 0);
	vfs_world_end(&fs);
}

static void test_vfs_truncate_and_holes_read_as_zeros(void)
{
	struct fs_struct fs;
	static uint8_t buf[20000], ones[6000];
	struct file *file;
	struct kstat st;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_open(&fs, "/sparse", O_RDWR | O_CREAT, 0600, &file), 0);
	EXPECT_EQ(vfs_lseek(file, 10000, SEEK_SET), 10000);
	EXPECT_EQ(vfs_write(file, "x", 1), 1);
	EXPECT_EQ(vfs_fstat(file, &st), 0);
	EXPECT_EQ(st.size, 10001);
	EXPECT_EQ(st.blocks, 8); /* only the chunk that holds the byte */
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_SET), 0);
	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), 10001);
	EXPECT_EQ(unit_first_byte_not(buf, 10000, 0), 10000);
	EXPECT_EQ(buf[10000], 'x');
	EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), 0);

	/* Shrinking then growing again shows zeros, not the old bytes. */
	memset(ones, 0xff, sizeof(ones));
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_SET), 0);
	EXPECT_EQ(vfs_write(file, ones, sizeof(ones)), (long)sizeof(ones));
	EXPECT_EQ(vfs_ftruncate(file, 3000), 0);
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_END), 3000);
	EXPECT_EQ(vfs_truncate(&fs, "/sparse", 12000), 0);
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_SET), 0);
	EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), 12000);
	EXPECT_EQ(unit_first_byte_not(buf, 3000, 0xff), 3000);
	EXPECT_EQ(unit_first_byte_not(buf + 3000, 9000, 0), 9000);
	EXPECT_EQ(vfs_ftruncate(file, -1), -EINVAL);
	EXPECT_EQ(vfs_truncate(&fs, "/sparse", -1), -EINVAL);
	EXPECT_EQ(vfs_truncate(&fs, "/", 0), -EISDIR);
	EXPECT_EQ(vfs_truncate(&fs, "/nope", 0), -ENOENT);
	EXPECT_EQ(vfs_truncate(&fs, "/sparse", (int64_t)1 << 40), -EFBIG);
	EXPECT_EQ(vfs_ftruncate(file, 0), 0);
	EXPECT_EQ(vfs_fstat(file, &st), 0);
	EXPECT_EQ(st.size, 0);
	EXPECT_EQ(st.blocks, 0);
	EXPECT_EQ(vfs_close(file), 0);

	/* ftruncate needs a file open for writing. */
	EXPECT_EQ(vfs_open(&fs, "/sparse", O_RDONLY, 0, &file), 0);
	EXPECT_EQ(vfs_ftruncate(file, 0), -EINVAL);
	EXPECT_EQ(vfs_close(file), 0);
	vfs_world_end(&fs);
}

static void test_vfs_hard_links_count_and_share_data(void)
{
	struct fs_struct fs;
	struct kstat a, b;
	char buf[8];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_world_put(&fs, "/f", "shared", 6), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/d", 0755), 0);
	EXPECT_EQ(vfs_link(&fs, "/f", "/d/g"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/f", &a), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d/g", &b), 0);
	EXPECT_EQ(a.ino, b.ino);
	EXPECT_EQ(a.nlink, 2);
	EXPECT_EQ(vfs_link(&fs, "/f", "/d/g"), -EEXIST);
	EXPECT_EQ(vfs_link(&fs, "/d", "/d2"), -EPERM);
	EXPECT_EQ(vfs_link(&fs, "/nope", "/x"), -ENOENT);
	EXPECT_EQ(vfs_link(&fs, "/f", "/f2/"), -ENOENT);
	/* Renaming one name onto another of the same inode does nothing. */
	EXPECT_EQ(vfs_rename(&fs, "/f", "/d/g"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/f", &a), 0);
	EXPECT_EQ(vfs_unlink(&fs, "/f"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d/g", &b), 0);
	EXPECT_EQ(b.nlink, 1);
	EXPECT_EQ(vfs_world_get(&fs, "/d/g", buf, sizeof(buf)), 6);
	EXPECT_EQ(memcmp(buf, "shared", 6), 0);
	/* A symlink is linked itself, not its target. */
	EXPECT_EQ(vfs_symlink(&fs, "/d/g", "/s"), 0);
	EXPECT_EQ(vfs_link(&fs, "/s", "/s2"), 0);
	EXPECT_EQ(vfs_lstat(&fs, "/s2", &a), 0);
	EXPECT_TRUE(S_ISLNK(a.mode));
	EXPECT_EQ(a.nlink, 2);
	vfs_world_end(&fs);
}

static void test_vfs_open_flags_behave_as_linux(void)
{
	struct fs_struct fs;
	struct file *file;
	struct kstat st;
	char buf[16];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_open(&fs, "/f", O_RDONLY, 0, &file), -ENOENT);
	EXPECT_EQ(vfs_open(&fs, "/f", O_WRONLY | O_CREAT | O_EXCL, 0640, &file), 0);
	EXPECT_EQ(vfs_fstat(file, &st), 0);
	EXPECT_EQ(st.mode, S_IFREG | 0640);
	EXPECT_EQ(vfs_write(file, "abc", 3), 3);
	EXPECT_EQ(vfs_read(file, buf, 1), -EBADF);
	EXPECT_EQ(vfs_close(file), 0);
	EXPECT_EQ(vfs_open(&fs, "/f", O_WRONLY | O_CREAT | O_EXCL, 0640, &file), -EEXIST);
	EXPECT_EQ(vfs_open(&fs, "/f", O_RDONLY | O_DIRECTORY, 0, &file), -ENOTDIR);
	EXPECT_EQ(vfs_open(&fs, "/f/", O_RDONLY, 0, &file), -ENOTDIR);
	EXPECT_EQ(vfs_open(&fs, "/g/", O_RDWR | O_CREAT, 0600, &file), -EISDIR);
	EXPECT_EQ(vfs_open(&fs, "/", O_RDWR, 0, &file), -EISDIR);
	EXPECT_EQ(vfs_open(&fs, "/", O_RDONLY | O_CREAT, 0600, &file), -EISDIR);
	EXPECT_EQ(vfs_open(&fs, "/nodir/f", O_RDWR | O_CREAT, 0600, &file), -ENOENT);

	/* O_APPEND writes at the end whatever the position. */
	EXPECT_EQ(vfs_open(&fs, "/f", O_RDWR | O_APPEND, 0, &file), 0);
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_SET), 0);
	EXPECT_EQ(vfs_write(file, "de", 2), 2);
	EXPECT_EQ(vfs_lseek(file, 0, SEEK_CUR), 5);
	EXPECT_EQ(vfs_lseek(file, -6, SEEK_CUR), -EINVAL);
	EXPECT_EQ(vfs_lseek(file, -1, SEEK_END), 4);
	EXPECT_EQ(vfs_lseek(file, 0, 7), -EINVAL);
	EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), 1);
	EXPECT_EQ(buf[0], 'e');
	EXPECT_EQ(vfs_close(file), 0);

	/* O_TRUNC empties it; O_RDONLY cannot write. */
	EXPECT_EQ(vfs_open(&fs, "/f", O_RDONLY | O_TRUNC, 0, &file), 0);
	EXPECT_EQ(vfs_write(file, "x", 1), -EBADF);
	EXPECT_EQ(vfs_fstat(file, &st), 0);
	EXPECT_EQ(st.size, 0);
	EXPECT_EQ(vfs_close(file), 0);

	/* Device nodes keep mode and number; no driver answers yet. */
	EXPECT_EQ(vfs_mknod(&fs, "/null", S_IFCHR | 0666, MKDEV(1, 3)), 0);
	EXPECT_EQ(vfs_stat(&fs, "/null", &st), 0);
	EXPECT_EQ(st.mode, S_IFCHR | 0666);
	EXPECT_EQ(st.rdev, MKDEV(1, 3));
	EXPECT_EQ(vfs_open(&fs, "/null", O_RDWR, 0, &file), -ENXIO);
	EXPECT_EQ(vfs_mknod(&fs, "/dir", S_IFDIR | 0755, 0), -EINVAL);
	EXPECT_EQ(vfs_mknod(&fs, "/null", S_IFBLK | 0600, MKDEV(8, 0)), -EEXIST);
	vfs_world_end(&fs);
}

static void test_vfs_rmdir_and_unlink_errors(void)
{
	struct fs_struct fs;
	struct kstat st;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/d", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/d", 0755), -EEXIST);
	EXPECT_EQ(vfs_mkdir(&fs, "/d/e/", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/", 0755), -EEXIST);
	EXPECT_EQ(vfs_mkdir(&fs, "/x/y", 0755), -ENOENT);
	EXPECT_EQ(vfs_world_put(&fs, "/d/e/f", "", 0), 0);
	EXPECT_EQ(vfs_rmdir(&fs, "/d"), -ENOTEMPTY);
	EXPECT_EQ(vfs_rmdir(&fs, "/d/e/f"), -ENOTDIR);
	EXPECT_EQ(vfs_rmdir(&fs, "/d/."), -EINVAL);
	EXPECT_EQ(vfs_rmdir(&fs, "/d/e/.."), -ENOTEMPTY);
	EXPECT_EQ(vfs_rmdir(&fs, "/"), -EBUSY);
	EXPECT_EQ(vfs_unlink(&fs, "/d"), -EISDIR);
	EXPECT_EQ(vfs_unlink(&fs, "/d/e/f/"), -ENOTDIR);
	EXPECT_EQ(vfs_stat(&fs, "/d/e/miss", &st), -ENOENT);
	EXPECT_EQ(vfs_unlink(&fs, "/d/e/f"), 0);
	/* A cached miss inside does not keep the directory busy. */
	EXPECT_EQ(vfs_rmdir(&fs, "/d/e/"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d/e", &st), -ENOENT);
	EXPECT_EQ(vfs_stat(&fs, "/d", &st), 0);
	EXPECT_EQ(st.nlink, 2);
	EXPECT_EQ(vfs_rmdir(&fs, "/d"), 0);
	EXPECT_EQ(vfs_rmdir(&fs, "/d"), -ENOENT);

	/* A removed working directory takes no new entries; ".." still works. */
	EXPECT_EQ(vfs_mkdir(&fs, "/cwd", 0755), 0);
	EXPECT_EQ(vfs_chdir(&fs, "/cwd"), 0);
	EXPECT_EQ(vfs_rmdir(&fs, "/cwd"), 0);
	EXPECT_EQ(vfs_stat(&fs, ".", &st), 0);
	EXPECT_EQ(st.nlink, 0);
	EXPECT_EQ(vfs_mkdir(&fs, "new", 0755), -ENOENT);
	EXPECT_EQ(vfs_world_put(&fs, "f", "", 0), -ENOENT);
	EXPECT_EQ(vfs_stat(&fs, "../cwd", &st), -ENOENT);
	EXPECT_EQ(vfs_chdir(&fs, ".."), 0);
	vfs_world_end(&fs);
}

/* A /dev/zero-like driver that counts its opens and releases. */
static int zero_opens, zero_releases;

static int zero_open(struct inode *inode, struct file *file)
{
	(void)file;
	zero_opens++;
	return MINOR(inode->i_rdev) == 7 ? -EIO : 0;
}

static int zero_release(struct inode *inode, struct file *file)
{
	(void)inode;
	(void)file;
	zero_releases++;
	return 0;
}

static long zero_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	(void)file;
	memset(buf, 0, count);
	*pos += (int64_t)count;
	return (long)count;
}

static long zero_write(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	(void)file;
	(void)buf;
	(void)pos;
	return (long)count;
}

static unsigned int zero_poll(struct file *file, struct poll_table *wait)
{
	(void)file;
	(void)wait;
	return 0x4; /* POLLOUT only */
}

static long zero_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	(void)file;
	(void)arg;
	return cmd == 0x5401 ? 42 : -ENOTTY;
}

static const struct file_operations zero_fops = {
	.poll = zero_poll,
	.ioctl = zero_ioctl,
	.open = zero_open,
	.release = zero_release,
	.read = zero_read,
	.write = zero_write,
};

static void test_vfs_char_device_node_opens_its_driver(void)
{
	struct fs_struct fs;
	struct file *file;
	char buf[8];

	vfs_world_start(&fs);
	zero_opens = zero_releases = 0;
	EXPECT_EQ(vfs_mknod(&fs, "/zero", S_IFCHR | 0666, MKDEV(1, 5)), 0);
	EXPECT_EQ(vfs_mknod(&fs, "/bad", S_IFCHR | 0666, MKDEV(1, 7)), 0);
	EXPECT_EQ(vfs_mknod(&fs, "/disk", S_IFBLK | 0600, MKDEV(8, 0)), 0);
	EXPECT_EQ(vfs_open(&fs, "/zero", O_RDWR, 0, &file), -ENXIO);
	EXPECT_EQ(chrdev_register(MKDEV(1, 5), 3, &zero_fops), 0);
	EXPECT_EQ(chrdev_register(MKDEV(1, 7), 1, &zero_fops), -EBUSY);
	EXPECT_EQ(chrdev_register(MKDEV(1, 0), 0, &zero_fops), -EINVAL);
	EXPECT_EQ(vfs_open(&fs, "/zero", O_RDWR, 0, &file), 0);
	EXPECT_EQ(zero_opens, 1);
	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(vfs_read(file, buf, sizeof(buf)), 8);
	EXPECT_EQ(unit_first_byte_not((const uint8_t *)buf, sizeof(buf), 0), sizeof(buf));
	EXPECT_EQ(vfs_write(file, "abc", 3), 3);
	EXPECT_EQ(vfs_ioctl(file, 0x5401, 0), 42);
	EXPECT_EQ(vfs_poll(file, NULL), 0x4);
	EXPECT_EQ(vfs_close(file), 0);
	EXPECT_EQ(zero_releases, 1);
	/* The driver's open failing fails the open, and nothing leaks. */
	EXPECT_EQ(vfs_open(&fs, "/bad", O_RDONLY, 0, &file), -EIO);
	EXPECT_EQ(vfs_open(&fs, "/disk", O_RDONLY, 0, &file), -ENXIO);
	chrdev_unregister(MKDEV(1, 5));
	EXPECT_EQ(vfs_open(&fs, "/zero", O_RDWR, 0, &file), -ENXIO);
	vfs_world_end(&fs);
}

static CU_TestInfo vfs_ops_tests[] = {
	UNIT_TEST(test_vfs_char_device_node_opens_its_driver),
	UNIT_TEST(test_vfs_rename_replaces_existing_target),
	UNIT_TEST(test_vfs_unlinked_open_file_stays_readable_until_closed),
	UNIT_TEST(test_vfs_getdents_lists_entries_with_dot_and_dotdot),
	UNIT_TEST(test_vfs_truncate_and_holes_read_as_zeros),
	UNIT_TEST(test_vfs_hard_links_count_and_share_data),
	UNIT_TEST(test_vfs_open_flags_behave_as_linux),
	UNIT_TEST(test_vfs_rmdir_and_unlink_errors),
	CU_TEST_INFO_NULL,
};

static void register_vfs_ops(void)
{
	unit_add_suite("vfs_ops", vfs_ops_tests);
}
UNIT_REGISTER(register_vfs_ops)
