/* Names from dentries (Linux's d_path): the path of a place as a process
 * with a given root sees it, built backwards from the dentry up through its
 * parents and the mounts it sits in; getcwd(2) is the first user, /proc's
 * links the next. Under vfs_lock. */
#include <vitro/errno.h>
#include <vitro/string.h>

#include "internal.h"

#define UNREACHABLE "(unreachable)"
#define DELETED " (deleted)"

/* Puts len bytes of name in front of what buf holds from *start. */
static bool prepend(char *buf, size_t *start, const char *name, size_t len)
{
	if (len > *start)
		return false;
	*start -= len;
	memcpy(buf + *start, name, len);
	return true;
}

/* Linux's d_unlinked(): no longer in its parent. Roots are never hashed. */
static bool is_unlinked(const struct dentry *dentry)
{
	return !(dentry->d_flags & DCACHE_HASHED) && dentry->d_parent != dentry;
}

/* Lock held. */
static long d_path_locked(const struct path *path, const struct path *root, char *buf, size_t size)
{
	struct vfsmount *mnt = path->mnt;
	struct dentry *dentry = path->dentry;
	size_t start = size;
	bool is_reachable = true;

	if (!prepend(buf, &start, "", 1))
		return -ENAMETOOLONG;
	if (is_unlinked(dentry) && !prepend(buf, &start, DELETED, sizeof(DELETED) - 1))
		return -ENAMETOOLONG;
	while (dentry != root->dentry || mnt != root->mnt) {
		if (dentry == mnt->mnt_root) {
			/* The top of the tree and not the root: out of reach. */
			if (mnt->mnt_parent == mnt) {
				is_reachable = false;
				break;
			}
			dentry = mnt->mnt_mountpoint;
			mnt = mnt->mnt_parent;
			continue;
		}
		if (dentry->d_parent == dentry) {
			is_reachable = false;
			break;
		}
		if (!prepend(buf, &start, dentry->d_name, dentry->d_name_len) ||
		    !prepend(buf, &start, "/", 1))
			return -ENAMETOOLONG;
		dentry = dentry->d_parent;
	}
	/* The root itself is "/". */
	if (buf[start] != '/' && !prepend(buf, &start, "/", 1))
		return -ENAMETOOLONG;
	if (!is_reachable && !prepend(buf, &start, UNREACHABLE, sizeof(UNREACHABLE) - 1))
		return -ENAMETOOLONG;
	return (long)start;
}

long vfs_d_path(const struct path *path, const struct path *root, char *buf, size_t size)
{
	long start;

	spin_lock(&vfs_lock);
	start = d_path_locked(path, root, buf, size);
	spin_unlock(&vfs_lock);
	return start;
}

long vfs_getcwd(struct fs_struct *fs, char *buf, size_t size)
{
	long start;

	spin_lock(&vfs_lock);
	if (is_unlinked(fs->pwd.dentry)) {
		spin_unlock(&vfs_lock);
		return -ENOENT;
	}
	start = d_path_locked(&fs->pwd, &fs->root, buf, size);
	spin_unlock(&vfs_lock);
	if (start < 0)
		return start;
	memmove(buf, buf + start, size - (size_t)start);
	return (long)(size - (size_t)start);
}
