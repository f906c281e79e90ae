/* Tests for the VFS path walk and dentry cache (guest/kernel/fs/namei.c,
 * dcache.c, mount.c) over ramfs: lookups, negative dentries, symlinks, name
 * limits, mounts and the shrinker. Every test ends with all counts at zero. */
#include <stdio.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/fs.h>

#include "unit.h"
#include "vfs_world.h"

static struct vfs_stats stats_now(void)
{
	struct vfs_stats stats;

	vfs_get_stats(&stats);
	return stats;
}

static void test_vfs_lookup_walks_dots_and_slashes(void)
{
	struct fs_struct fs;
	struct kstat st, dir_st, root_st;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/a", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/a/b", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/a/b/f", "hi", 2), 0);
	EXPECT_EQ(vfs_stat(&fs, "/a/b/f", &st), 0);
	EXPECT_TRUE(S_ISREG(st.mode));
	EXPECT_EQ(st.size, 2);
	EXPECT_EQ(vfs_stat(&fs, "a//b/./f", &dir_st), 0);
	EXPECT_EQ(dir_st.ino, st.ino);
	EXPECT_EQ(vfs_stat(&fs, "/a/b/../b/f", &dir_st), 0);
	EXPECT_EQ(dir_st.ino, st.ino);
	EXPECT_EQ(vfs_stat(&fs, "/", &root_st), 0);
	EXPECT_TRUE(S_ISDIR(root_st.mode));
	/* ".." at the root stays there. */
	EXPECT_EQ(vfs_stat(&fs, "/../..", &dir_st), 0);
	EXPECT_EQ(dir_st.ino, root_st.ino);
	EXPECT_EQ(vfs_stat(&fs, "/a/b/", &dir_st), 0);
	EXPECT_TRUE(S_ISDIR(dir_st.mode));
	EXPECT_EQ(vfs_stat(&fs, "/a/b/f/", &dir_st), -ENOTDIR);
	EXPECT_EQ(vfs_stat(&fs, "/a/b/f/.", &dir_st), -ENOTDIR);
	EXPECT_EQ(vfs_stat(&fs, "/a/b/f/x", &dir_st), -ENOTDIR);
	EXPECT_EQ(vfs_stat(&fs, "/a/nope", &dir_st), -ENOENT);
	EXPECT_EQ(vfs_stat(&fs, "/a/nope/x", &dir_st), -ENOENT);
	EXPECT_EQ(vfs_stat(&fs, "", &dir_st), -ENOENT);
	/* Relative to the working directory. */
	EXPECT_EQ(vfs_chdir(&fs, "/a/b"), 0);
	EXPECT_EQ(vfs_stat(&fs, "f", &dir_st), 0);
	EXPECT_EQ(dir_st.ino, st.ino);
	EXPECT_EQ(vfs_chdir(&fs, "f"), -ENOTDIR);
	vfs_world_end(&fs);
}

static void test_vfs_miss_is_cached_as_negative_dentry(void)
{
	struct fs_struct fs;
	struct vfs_stats before, after;
	struct kstat st;

	vfs_world_start(&fs);
	before = stats_now();
	EXPECT_EQ(vfs_stat(&fs, "/missing", &st), -ENOENT);
	after = stats_now();
	EXPECT_EQ(after.nr_negative, before.nr_negative + 1);
	EXPECT_EQ(after.nr_dentries, before.nr_dentries + 1);
	EXPECT_EQ(after.nr_fs_lookups, before.nr_fs_lookups + 1);
	/* The second miss is answered by the cache. */
	EXPECT_EQ(vfs_stat(&fs, "/missing", &st), -ENOENT);
	EXPECT_EQ(stats_now().nr_fs_lookups, after.nr_fs_lookups);
	/* Creating the name fills the same dentry. */
	EXPECT_EQ(vfs_world_put(&fs, "/missing", "x", 1), 0);
	after = stats_now();
	EXPECT_EQ(after.nr_negative, before.nr_negative);
	EXPECT_EQ(after.nr_dentries, before.nr_dentries + 1);
	EXPECT_EQ(vfs_stat(&fs, "/missing", &st), 0);
	EXPECT_EQ(st.size, 1);
	vfs_world_end(&fs);
}

static void test_vfs_shrink_frees_unused_dentries_only(void)
{
	struct fs_struct fs;
	struct vfs_stats before;
	struct kstat st;
	char name[32];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/keep", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/keep/sub", 0755), 0);
	before = stats_now();
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "/keep/sub/miss%d", i);
		EXPECT_EQ(vfs_stat(&fs, name, &st), -ENOENT);
	}
	EXPECT_EQ(stats_now().nr_unused, before.nr_unused + 10);
	EXPECT_EQ(dcache_shrink(3), 3);
	EXPECT_EQ(stats_now().nr_dentries, before.nr_dentries + 7);
	EXPECT_EQ(dcache_shrink(1000), 7);
	EXPECT_EQ(stats_now().nr_dentries, before.nr_dentries);
	EXPECT_EQ(dcache_shrink(1000), 0);
	/* ramfs's entries are the file system: never shrunk. */
	EXPECT_EQ(vfs_stat(&fs, "/keep/sub", &st), 0);
	/* A shrunk miss is looked up again and still missing. */
	EXPECT_EQ(vfs_stat(&fs, "/keep/sub/miss3", &st), -ENOENT);
	vfs_world_end(&fs);
}

static const struct file_operations tablefs_file_fops = { 0 };

/* "tablefs": a file system with backing store, whose dentries and inodes
 * the cache may drop and look up again (unlike ramfs, which pins them). Its
 * root holds the files "one", "two" and "three". */
static int tablefs_lookup(struct inode *dir, struct dentry *dentry)
{
	static const char *const names[] = { "one", "two", "three" };
	struct inode *inode;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (dentry->d_name_len != strlen(names[i]) ||
		    memcmp(dentry->d_name, names[i], dentry->d_name_len))
			continue;
		inode = new_inode(dir->i_sb, S_IFREG | 0444);
		if (!inode)
			return -ENOMEM;
		inode->i_size = (int64_t)i + 1;
		inode->i_fop = &tablefs_file_fops;
		d_instantiate(dentry, inode);
	}
	return 0;
}

static const struct inode_operations tablefs_dir_iops = { .lookup = tablefs_lookup };

/* "three" goes stale at every lookup; misses are not cached. */
static unsigned int tablefs_revalidations;

static bool tablefs_revalidate(struct dentry *dentry)
{
	tablefs_revalidations++;
	return strcmp(dentry->d_name, "three") != 0;
}

static bool tablefs_delete(const struct dentry *dentry)
{
	return dentry->d_inode == NULL;
}

static const struct dentry_operations tablefs_dops = {
	.d_revalidate = tablefs_revalidate,
	.d_delete = tablefs_delete,
};

static int tablefs_fill_super(struct super_block *sb, const char *data)
{
	struct inode *root = new_inode(sb, S_IFDIR | 0555);

	(void)data;
	if (!root)
		return -ENOMEM;
	root->i_op = &tablefs_dir_iops;
	sb->s_d_op = &tablefs_dops;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct file_system_type tablefs_type = {
	.name = "tablefs",
	.fill_super = tablefs_fill_super,
};

static void test_vfs_shrink_frees_unused_inodes_of_backed_fs(void)
{
	struct fs_struct fs;
	struct vfs_stats before, after;
	struct file *file;
	struct kstat st;

	vfs_world_start(&fs);
	register_filesystem(&tablefs_type); /* -EBUSY after the first test run */
	EXPECT_EQ(vfs_mkdir(&fs, "/t", 0755), 0);
	EXPECT_EQ(vfs_mount(&fs, "tablefs", "/t"), 0);
	before = stats_now();
	EXPECT_EQ(vfs_stat(&fs, "/t/one", &st), 0);
	EXPECT_EQ(st.size, 1);
	EXPECT_EQ(vfs_stat(&fs, "/t/three", &st), 0);
	EXPECT_EQ(st.size, 3);
	EXPECT_EQ(vfs_stat(&fs, "/t/four", &st), -ENOENT);
	EXPECT_EQ(vfs_open(&fs, "/t/two", O_RDONLY, 0, &file), 0);
	after = stats_now();
	/* The miss "four" was not kept (d_delete). */
	EXPECT_EQ(after.nr_inodes, before.nr_inodes + 3);
	EXPECT_EQ(after.nr_dentries, before.nr_dentries + 3);
	EXPECT_EQ(after.nr_negative, before.nr_negative);
	EXPECT_EQ(after.nr_fs_lookups, before.nr_fs_lookups + 4);
	/* "one" is revalidated and kept; "three" is stale and looked up anew. */
	tablefs_revalidations = 0;
	EXPECT_EQ(vfs_stat(&fs, "/t/one", &st), 0);
	EXPECT_EQ(vfs_stat(&fs, "/t/three", &st), 0);
	EXPECT_EQ(st.size, 3);
	EXPECT_EQ(tablefs_revalidations, 2);
	EXPECT_EQ(stats_now().nr_fs_lookups, after.nr_fs_lookups + 1);
	EXPECT_EQ(stats_now().nr_inodes, after.nr_inodes);
	/* The open file's dentry stays; "one" and "three" and their inodes go. */
	EXPECT_EQ(dcache_shrink(100), 2);
	after = stats_now();
	EXPECT_EQ(after.nr_inodes, before.nr_inodes + 1);
	EXPECT_EQ(after.nr_dentries, before.nr_dentries + 1);
	EXPECT_EQ(vfs_close(file), 0);
	EXPECT_EQ(dcache_shrink(100), 1);
	EXPECT_EQ(stats_now().nr_inodes, before.nr_inodes);
	/* Looked up from the file system again. */
	EXPECT_EQ(vfs_stat(&fs, "/t/one", &st), 0);
	EXPECT_EQ(st.size, 1);
	EXPECT_EQ(stats_now().nr_fs_lookups, after.nr_fs_lookups + 1);
	EXPECT_EQ(vfs_umount(&fs, "/t"), 0);
	vfs_world_end(&fs);
}

static void test_vfs_symlinks_follow_and_loop_gives_eloop(void)
{
	struct fs_struct fs;
	struct kstat st, target;
	struct file *file;
	char buf[64], name[32], prev[32];

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/d", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/d/t", "data", 4), 0);
	EXPECT_EQ(vfs_symlink(&fs, "d", "/rel"), 0);
	EXPECT_EQ(vfs_symlink(&fs, "/d/t", "/abs"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d/t", &target), 0);
	EXPECT_EQ(vfs_stat(&fs, "/rel/t", &st), 0);
	EXPECT_EQ(st.ino, target.ino);
	EXPECT_EQ(vfs_stat(&fs, "/abs", &st), 0);
	EXPECT_EQ(st.ino, target.ino);
	EXPECT_EQ(vfs_lstat(&fs, "/abs", &st), 0);
	EXPECT_TRUE(S_ISLNK(st.mode));
	EXPECT_EQ(st.size, 4);
	EXPECT_EQ(vfs_readlink(&fs, "/abs", buf, sizeof(buf)), 4);
	EXPECT_EQ(memcmp(buf, "/d/t", 4), 0);
	EXPECT_EQ(vfs_readlink(&fs, "/abs", buf, 2), 2);
	EXPECT_EQ(vfs_readlink(&fs, "/d/t", buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(vfs_open(&fs, "/abs", O_RDONLY | O_NOFOLLOW, 0, &file), -ELOOP);

	EXPECT_EQ(vfs_symlink(&fs, "/l2", "/l1"), 0);
	EXPECT_EQ(vfs_symlink(&fs, "l1", "/l2"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/l1", &st), -ELOOP);
	EXPECT_EQ(vfs_stat(&fs, "/l1/x", &st), -ELOOP);
	EXPECT_EQ(vfs_open(&fs, "/l1", O_RDONLY, 0, &file), -ELOOP);
	EXPECT_EQ(vfs_lstat(&fs, "/l1", &st), 0);

	/* A chain of 40 links resolves; 41 is one too many. */
	snprintf(prev, sizeof(prev), "/d/t");
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "/c%d", i);
		EXPECT_EQ(vfs_symlink(&fs, prev, name), 0);
		snprintf(prev, sizeof(prev), "%s", name);
	}
	EXPECT_EQ(vfs_stat(&fs, "/c40", &st), 0);
	EXPECT_EQ(st.ino, target.ino);
	EXPECT_EQ(vfs_stat(&fs, "/c41", &st), -ELOOP);

	/* A dangling link with O_CREAT creates its target. */
	EXPECT_EQ(vfs_symlink(&fs, "/d/new", "/dangling"), 0);
	EXPECT_EQ(vfs_stat(&fs, "/dangling", &st), -ENOENT);
	EXPECT_EQ(vfs_world_put(&fs, "/dangling", "n", 1), 0);
	EXPECT_EQ(vfs_stat(&fs, "/d/new", &st), 0);
	EXPECT_EQ(st.size, 1);
	EXPECT_EQ(vfs_symlink(&fs, "", "/empty"), -ENOENT);
	EXPECT_EQ(vfs_symlink(&fs, "x", "/abs"), -EEXIST);
	vfs_world_end(&fs);
}

static void test_vfs_name_limits_give_enametoolong(void)
{
	struct fs_struct fs;
	static char path[PATH_MAX + 16];
	struct kstat st;
	size_t len;

	vfs_world_start(&fs);
	path[0] = '/';
	memset(path + 1, 'n', NAME_MAX);
	path[1 + NAME_MAX] = '\0';
	EXPECT_EQ(vfs_mkdir(&fs, path, 0755), 0);
	EXPECT_EQ(vfs_stat(&fs, path, &st), 0);
	path[1 + NAME_MAX] = 'n';
	path[2 + NAME_MAX] = '\0';
	EXPECT_EQ(vfs_mkdir(&fs, path, 0755), -ENAMETOOLONG);
	EXPECT_EQ(vfs_stat(&fs, path, &st), -ENAMETOOLONG);

	/* 4095 characters and the NUL fit; 4096 do not. */
	len = 0;
	while (len < PATH_MAX - 1) {
		path[len++] = '/';
		if (len < PATH_MAX - 1)
			path[len++] = '.';
	}
	path[len] = '\0';
	EXPECT_EQ(strlen(path), PATH_MAX - 1);
	EXPECT_EQ(vfs_stat(&fs, path, &st), 0);
	path[len++] = '/';
	path[len] = '\0';
	EXPECT_EQ(vfs_stat(&fs, path, &st), -ENAMETOOLONG);
	vfs_world_end(&fs);
}

static void test_vfs_dotdot_crosses_mount_points(void)
{
	struct fs_struct fs, jail;
	struct kstat root, mnt, in, st;
	struct file *file;
	long nr_mounts;

	vfs_world_start(&fs);
	nr_mounts = stats_now().nr_mounts;
	EXPECT_EQ(vfs_mkdir(&fs, "/mnt", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/mnt/hidden", "h", 1), 0);
	EXPECT_EQ(vfs_stat(&fs, "/", &root), 0);
	EXPECT_EQ(vfs_mount(&fs, "nosuchfs", "/mnt"), -ENODEV);
	EXPECT_EQ(vfs_mount(&fs, "tmpfs", "/mnt/hidden"), -ENOTDIR);
	EXPECT_EQ(vfs_mount(&fs, "tmpfs", "/mnt"), 0);
	EXPECT_EQ(stats_now().nr_mounts, nr_mounts + 1);
	/* The mount hides what was below. */
	EXPECT_EQ(vfs_stat(&fs, "/mnt/hidden", &st), -ENOENT);
	EXPECT_EQ(vfs_mkdir(&fs, "/mnt/in", 0755), 0);
	EXPECT_EQ(vfs_stat(&fs, "/mnt", &mnt), 0);
	EXPECT_EQ(vfs_stat(&fs, "/mnt/in", &in), 0);
	EXPECT_TRUE(mnt.dev != root.dev);
	EXPECT_EQ(in.dev, mnt.dev);
	EXPECT_EQ(vfs_stat(&fs, "/mnt/in/..", &st), 0);
	EXPECT_EQ(st.ino, mnt.ino);
	EXPECT_EQ(st.dev, mnt.dev);
	EXPECT_EQ(vfs_stat(&fs, "/mnt/in/../..", &st), 0);
	EXPECT_EQ(st.ino, root.ino);
	EXPECT_EQ(st.dev, root.dev);
	EXPECT_EQ(vfs_chdir(&fs, "/mnt"), 0);
	EXPECT_EQ(vfs_stat(&fs, "..", &st), 0);
	EXPECT_EQ(st.dev, root.dev);
	EXPECT_EQ(vfs_stat(&fs, "../mnt/in", &st), 0);
	EXPECT_EQ(st.ino, in.ino);
	EXPECT_EQ(vfs_rename(&fs, "/mnt/in", "/moved"), -EXDEV);
	EXPECT_EQ(vfs_rmdir(&fs, "/mnt"), -EBUSY);

	/* A process rooted in the mount cannot climb out of it. */
	fs_struct_copy(&jail, &fs);
	EXPECT_EQ(vfs_chroot(&jail, "/mnt"), 0);
	EXPECT_EQ(vfs_stat(&jail, "/../..", &st), 0);
	EXPECT_EQ(st.dev, mnt.dev);
	EXPECT_EQ(st.ino, mnt.ino);
	EXPECT_EQ(vfs_stat(&jail, "/in", &st), 0);
	fs_struct_release(&jail);

	/* Busy while a file or the cwd is in it. */
	EXPECT_EQ(vfs_open(&fs, "/mnt/in", O_RDONLY | O_DIRECTORY, 0, &file), 0);
	EXPECT_EQ(vfs_chdir(&fs, "/"), 0);
	EXPECT_EQ(vfs_umount(&fs, "/mnt"), -EBUSY);
	vfs_close(file);
	EXPECT_EQ(vfs_umount(&fs, "/mnt/in"), -EINVAL);
	EXPECT_EQ(vfs_umount(&fs, "/mnt"), 0);
	EXPECT_EQ(stats_now().nr_mounts, nr_mounts);
	EXPECT_EQ(vfs_stat(&fs, "/mnt/in", &st), -ENOENT);
	EXPECT_EQ(vfs_stat(&fs, "/mnt/hidden", &st), 0);
	EXPECT_EQ(vfs_umount(&fs, "/"), -EINVAL);
	vfs_world_end(&fs);
}

static void test_vfs_umount_frees_a_populated_tmpfs(void)
{
	struct fs_struct fs;
	struct vfs_stats before;

	vfs_world_start(&fs);
	EXPECT_EQ(vfs_mkdir(&fs, "/t", 0755), 0);
	before = stats_now();
	EXPECT_EQ(vfs_mount(&fs, "tmpfs", "/t"), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/t/a", 0755), 0);
	EXPECT_EQ(vfs_mkdir(&fs, "/t/a/b", 0755), 0);
	EXPECT_EQ(vfs_world_put(&fs, "/t/a/b/f", "abc", 3), 0);
	EXPECT_EQ(vfs_symlink(&fs, "a/b", "/t/l"), 0);
	EXPECT_EQ(vfs_link(&fs, "/t/a/b/f", "/t/a/g"), 0);
	EXPECT_EQ(vfs_umount(&fs, "/t"), 0);
	EXPECT_EQ(stats_now().nr_dentries, before.nr_dentries);
	EXPECT_EQ(stats_now().nr_inodes, before.nr_inodes);
	EXPECT_EQ(stats_now().nr_superblocks, before.nr_superblocks);
	vfs_world_end(&fs);
}

static CU_TestInfo vfs_namei_tests[] = {
	UNIT_TEST(test_vfs_lookup_walks_dots_and_slashes),
	UNIT_TEST(test_vfs_miss_is_cached_as_negative_dentry),
	UNIT_TEST(test_vfs_shrink_frees_unused_dentries_only),
	UNIT_TEST(test_vfs_shrink_frees_unused_inodes_of_backed_fs),
	UNIT_TEST(test_vfs_symlinks_follow_and_loop_gives_eloop),
	UNIT_TEST(test_vfs_name_limits_give_enametoolong),
	UNIT_TEST(test_vfs_dotdot_crosses_mount_points),
	UNIT_TEST(test_vfs_umount_frees_a_populated_tmpfs),
	CU_TEST_INFO_NULL,
};

static void register_vfs_namei(void)
{
	unit_add_suite("vfs_namei", vfs_namei_tests);
}
UNIT_REGISTER(register_vfs_namei)
