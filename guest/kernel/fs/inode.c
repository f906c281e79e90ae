/* Inodes: allocation, reference counting and eviction. An inode lives while
 * a dentry points at it; with its last reference it is evicted (its file
 * system frees the data) — ramfs keeps linked inodes alive by pinning their
 * dentries, so only unlinked ones reach that point. Under vfs_lock. */
#include <vitro/slab.h>

#include "internal.h"

static int64_t (*vfs_clock)(void);

/* So the VFS may test any operation without checking i_op first. */
static const struct inode_operations empty_iops;

void vfs_set_clock(int64_t (*now_ns)(void))
{
	vfs_clock = now_ns;
}

struct vfs_timespec vfs_now(void)
{
	int64_t ns = vfs_clock ? vfs_clock() : 0;

	return (struct vfs_timespec){ .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
}

struct inode *new_inode(struct super_block *sb, uint32_t mode)
{
	struct inode *inode = kzalloc(sizeof(*inode), VFS_GFP);

	if (!inode)
		return NULL;
	inode->i_sb = sb;
	inode->i_mode = mode;
	inode->i_op = &empty_iops;
	inode->i_nlink = 1;
	list_init(&inode->i_flock);
	inode->i_count = 1;
	inode->i_ino = ++sb->s_next_ino;
	inode->i_atime = inode->i_mtime = inode->i_ctime = vfs_now();
	vfs_counters.nr_inodes++;
	return inode;
}

struct inode *igrab(struct inode *inode)
{
	inode->i_count++;
	return inode;
}

void iput(struct inode *inode)
{
	if (--inode->i_count > 0)
		return;
	if (inode->i_sb->s_op && inode->i_sb->s_op->evict_inode)
		inode->i_sb->s_op->evict_inode(inode);
	kfree(inode);
	vfs_counters.nr_inodes--;
}

static bool timespec_before(struct vfs_timespec a, struct vfs_timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* Linux's touch_atime: not with O_NOATIME or a noatime mount (nodiratime
 * for directories); with relatime only when the access time is not newer
 * than the last change, or a day old. */
void file_accessed(struct file *file)
{
	struct inode *inode = file->f_inode;
	unsigned int mnt_flags = file->f_path.mnt->mnt_flags;
	struct vfs_timespec now;

	if ((file->f_flags & O_NOATIME) || (mnt_flags & MNT_NOATIME) ||
	    ((mnt_flags & MNT_NODIRATIME) && S_ISDIR(inode->i_mode)))
		return;
	now = vfs_now();
	if ((mnt_flags & MNT_RELATIME) && timespec_before(inode->i_mtime, inode->i_atime) &&
	    timespec_before(inode->i_ctime, inode->i_atime) &&
	    now.tv_sec - inode->i_atime.tv_sec < 24 * 60 * 60)
		return;
	inode->i_atime = now;
}
