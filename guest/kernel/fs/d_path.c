/* A path's name: from a dentry up through its parents and the mounts it sits
 * on to a root, as Linux's d_path() writes it (" (deleted)" after a name
 * that was unlinked). getcwd(2) and /proc's fd links, maps and mounts print
 * names with it. */
#include <vitro/errno.h>
#include <vitro/string.h>

#include "internal.h"

#define UNREACHABLE "(unreachable)"
#define DELETED " (deleted)"

/* Writes name in front of *end (the text grows leftwards from the end of
 * buf); false if it does not fit. */
static bool prepend(char *buf, char **end, const char *name, size_t len)
{
	if ((size_t)(*end - buf) < len)
		return false;
	*end -= len;
	memcpy(*end, name, len);
	return true;
}

/* Linux's d_unlinked(): no longer in its parent. Roots are never hashed. */
static bool is_unlinked(const struct dentry *dentry)
{
	return !(dentry->d_flags & DCACHE_HASHED) && dentry->d_parent != dentry;
}

long path_format_locked(const struct path *path, const struct path *root, char *buf, size_t size,
			bool *is_reachable)
{
	struct vfsmount *mnt = path->mnt;
	struct dentry *dentry = path->dentry;
	char *end = buf + size;
	bool has_name = false;
	long len;

	if (size == 0)
		return -ENAMETOOLONG;
	*is_reachable = false;
	if (!prepend(buf, &end, "", 1)) /* the NUL */
		return -ENAMETOOLONG;
	/* An unlinked file keeps its dentry, unhashed, while it is open. */
	if (dentry != mnt->mnt_root && is_unlinked(dentry) &&
	    !prepend(buf, &end, DELETED, sizeof(DELETED) - 1))
		return -ENAMETOOLONG;
	for (;;) {
		if (root && mnt == root->mnt && dentry == root->dentry) {
			*is_reachable = true;
			break;
		}
		if (dentry == mnt->mnt_root) {
			if (mnt->mnt_parent == mnt) {
				/* The top of the tree: the root asked for, if none was. */
				*is_reachable = !root;
				break;
			}
			dentry = mnt->mnt_mountpoint;
			mnt = mnt->mnt_parent;
			continue;
		}
		/* A file system's root that is not its mount's: out of reach. */
		if (dentry->d_parent == dentry)
			break;
		if (!prepend(buf, &end, dentry->d_name, dentry->d_name_len) ||
		    !prepend(buf, &end, "/", 1))
			return -ENAMETOOLONG;
		has_name = true;
		dentry = dentry->d_parent;
	}
	if (!has_name && !prepend(buf, &end, "/", 1))
		return -ENAMETOOLONG;
	len = (long)(buf + size - end) - 1;
	memmove(buf, end, (size_t)len + 1);
	return len;
}

long vfs_path_of(const struct path *path, char *buf, size_t size)
{
	bool is_reachable;
	long len;

	spin_lock(&vfs_lock);
	len = path_format_locked(path, NULL, buf, size, &is_reachable);
	spin_unlock(&vfs_lock);
	return len;
}

long vfs_getcwd(struct fs_struct *fs, char *buf, size_t size)
{
	const size_t mark = sizeof(UNREACHABLE) - 1;
	bool is_reachable;
	long len;

	spin_lock(&vfs_lock);
	if (is_unlinked(fs->pwd.dentry)) {
		spin_unlock(&vfs_lock);
		return -ENOENT;
	}
	len = path_format_locked(&fs->pwd, &fs->root, buf, size, &is_reachable);
	spin_unlock(&vfs_lock);
	if (len < 0 || is_reachable)
		return len < 0 ? len : len + 1;
	/* Outside the caller's root: Linux's "(unreachable)" in front. */
	if ((size_t)len + 1 + mark > size)
		return -ENAMETOOLONG;
	memmove(buf + mark, buf, (size_t)len + 1);
	memcpy(buf, UNREACHABLE, mark);
	return len + 1 + (long)mark;
}
