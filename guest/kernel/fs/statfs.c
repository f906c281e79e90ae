/* statfs(2) and fstatfs(2): what a mounted file system reports about
 * itself. Every file system here lives in memory with no set limit, so like
 * Linux's ramfs (and an unlimited tmpfs) it reports no blocks and no inodes,
 * only its type, block size and name length, and the mount's flags. */
#include <vitro/errno.h>

#include "internal.h"

/* statfs f_flags, Linux's ST_* (<linux/statfs.h> in the kernel only). */
#define STATFS_RDONLY 0x0001u
#define STATFS_NOSUID 0x0002u
#define STATFS_NODEV 0x0004u
#define STATFS_NOEXEC 0x0008u
#define STATFS_VALID 0x0020u /* f_flags means something */
#define STATFS_NOATIME 0x0400u
#define STATFS_NODIRATIME 0x0800u
#define STATFS_RELATIME 0x1000u

static const struct {
	unsigned int mnt_flag, st_flag;
} statfs_flags[] = {
	{ MNT_READONLY, STATFS_RDONLY },   { MNT_NOSUID, STATFS_NOSUID },
	{ MNT_NODEV, STATFS_NODEV },	   { MNT_NOEXEC, STATFS_NOEXEC },
	{ MNT_NOATIME, STATFS_NOATIME },   { MNT_NODIRATIME, STATFS_NODIRATIME },
	{ MNT_RELATIME, STATFS_RELATIME },
};

/* Lock held. */
static void statfs_locked(const struct path *path, struct kstatfs *st)
{
	struct super_block *sb = path->mnt->mnt_sb;

	*st = (struct kstatfs){
		.type = sb->s_magic,
		.bsize = PAGE_SIZE,
		.frsize = PAGE_SIZE,
		.fsid = sb->s_dev,
		.namelen = NAME_MAX,
		.flags = STATFS_VALID,
	};
	for (unsigned int i = 0; i < sizeof(statfs_flags) / sizeof(statfs_flags[0]); i++) {
		if (path->mnt->mnt_flags & statfs_flags[i].mnt_flag)
			st->flags |= statfs_flags[i].st_flag;
	}
	if (sb->s_op && sb->s_op->statfs)
		sb->s_op->statfs(sb, st);
}

int vfs_statfs(struct fs_struct *fs, const char *name, struct kstatfs *st)
{
	struct path path;
	int err;

	spin_lock(&vfs_lock);
	err = path_lookup(fs, name, LOOKUP_FOLLOW, &path);
	if (!err) {
		statfs_locked(&path, st);
		path_put(&path);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_fstatfs(struct file *file, struct kstatfs *st)
{
	spin_lock(&vfs_lock);
	statfs_locked(&file->f_path, st);
	spin_unlock(&vfs_lock);
	return 0;
}
