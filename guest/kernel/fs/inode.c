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
