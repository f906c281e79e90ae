/* stat, lstat and fstat: an inode's attributes in a struct kstat. */
#include <vitro/errno.h>

#include "internal.h"

void inode_fill_kstat(const struct inode *inode, struct kstat *stat)
{
	*stat = (struct kstat){
		.ino = inode->i_ino,
		.dev = inode->i_sb->s_dev,
		.rdev = inode->i_rdev,
		.mode = inode->i_mode,
		.nlink = inode->i_nlink,
		.uid = inode->i_uid,
		.gid = inode->i_gid,
		.size = inode->i_size,
		.blksize = 4096,
		.blocks = inode->i_blocks,
		.atime = inode->i_atime,
		.mtime = inode->i_mtime,
		.ctime = inode->i_ctime,
	};
}

static int stat_path(struct fs_struct *fs, const char *name, unsigned int flags, struct kstat *stat)
{
	struct path path;
	int err;

	spin_lock(&vfs_lock);
	err = path_lookup(fs, name, flags, &path);
	if (!err) {
		inode_fill_kstat(path.dentry->d_inode, stat);
		path_put(&path);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_stat(struct fs_struct *fs, const char *path, struct kstat *stat)
{
	return stat_path(fs, path, LOOKUP_FOLLOW, stat);
}

int vfs_lstat(struct fs_struct *fs, const char *path, struct kstat *stat)
{
	return stat_path(fs, path, 0, stat);
}

int vfs_fstat(struct file *file, struct kstat *stat)
{
	spin_lock(&vfs_lock);
	inode_fill_kstat(file->f_inode, stat);
	spin_unlock(&vfs_lock);
	return 0;
}
