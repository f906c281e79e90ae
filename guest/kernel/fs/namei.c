/* The path walk: component by component through the dentry cache, with "."
 * and "..", mount crossing, symlinks (at most MAXSYMLINKS per walk) and the
 * name length limits, giving the errno values Linux gives. Under vfs_lock. */
#include <vitro/errno.h>
#include <vitro/string.h>

#include "internal.h"

static bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* Down through everything mounted on path. */
void follow_mounts_path(struct path *path)
{
	while (path->dentry->d_mounted) {
		struct vfsmount *mnt = lookup_mnt(path->mnt, path->dentry);
		struct path down;

		if (!mnt)
			return;
		down = (struct path){ .mnt = mnt, .dentry = mnt->mnt_root };
		path_get(&down);
		path_put(path);
		*path = down;
	}
}

static void follow_dotdot(struct nameidata *nd)
{
	for (;;) {
		struct vfsmount *mnt = nd->path.mnt;
		struct path up;

		/* ".." never leaves the process's root. */
		if (path_equal(&nd->path, &nd->fs->root))
			break;
		if (nd->path.dentry != mnt->mnt_root) {
			struct dentry *parent = dget(nd->path.dentry->d_parent);

			dput(nd->path.dentry);
			nd->path.dentry = parent;
			break;
		}
		if (mnt->mnt_parent == mnt)
			break;
		/* At a mount's root: ".." is taken in the covered directory. */
		up = (struct path){ .mnt = mnt->mnt_parent, .dentry = mnt->mnt_mountpoint };
		path_get(&up);
		path_put(&nd->path);
		nd->path = up;
	}
	follow_mounts_path(&nd->path);
}

/* The child name of parent, from the cache or the file system; referenced
 * and possibly negative. */
static int lookup_child(struct dentry *parent, const char *name, size_t len, struct dentry **result)
{
	struct inode *dir = parent->d_inode;
	struct dentry *dentry = d_lookup(parent, name, len);
	int err;

	/* A mount point is kept whatever its file system says, as on Linux. */
	if (dentry && dentry->d_op && dentry->d_op->d_revalidate && !dentry->d_mounted &&
	    !dentry->d_op->d_revalidate(dentry)) {
		/* Stale: whoever still holds it keeps it, unhashed. */
		d_drop(dentry);
		dput(dentry);
		dentry = NULL;
	}
	if (dentry) {
		*result = dentry;
		return 0;
	}
	if (!dir->i_op || !dir->i_op->lookup)
		return -ENOTDIR;
	/* A removed directory (someone's cwd) takes no new entries. */
	if (dir->i_nlink == 0)
		return -ENOENT;
	dentry = d_alloc(parent, name, len);
	if (!dentry)
		return -ENOMEM;
	vfs_counters.nr_fs_lookups++;
	err = dir->i_op->lookup(dir, dentry);
	if (err) {
		d_drop(dentry);
		dput(dentry);
		return err;
	}
	*result = dentry;
	return 0;
}

static enum last_type classify(const char *name, size_t len)
{
	if (name[0] == '.' && len == 1)
		return LAST_DOT;
	if (name[0] == '.' && name[1] == '.' && len == 2)
		return LAST_DOTDOT;
	return LAST_NORM;
}

/* Moves nd->path to the component name, following a symlink there if
 * follow. */
static int step(struct nameidata *nd, const char *name, size_t len, enum last_type type,
		bool follow)
{
	struct dentry *dentry;
	struct inode *inode;
	struct path next;
	int err;

	if (!S_ISDIR(nd->path.dentry->d_inode->i_mode))
		return -ENOTDIR;
	if (type == LAST_ROOT || type == LAST_DOT)
		return 0;
	if (type == LAST_DOTDOT) {
		follow_dotdot(nd);
		return 0;
	}
	err = lookup_child(nd->path.dentry, name, len, &dentry);
	if (err)
		return err;
	if (!dentry->d_inode) {
		dput(dentry);
		return -ENOENT;
	}
	next = (struct path){ .mnt = mntget(nd->path.mnt), .dentry = dentry };
	follow_mounts_path(&next);
	inode = next.dentry->d_inode;
	if (follow && S_ISLNK(inode->i_mode)) {
		/* The body is walked from the link's directory, nd->path. */
		igrab(inode);
		path_put(&next);
		err = follow_link(nd, inode, true);
		iput(inode);
		return err;
	}
	path_put(&nd->path);
	nd->path = next;
	return 0;
}

/* Walks name up to its last component, which it leaves in nd. */
int nd_walk_parent(struct nameidata *nd, const char *name)
{
	if (*name == '/') {
		path_set(&nd->path, &nd->fs->root);
		while (*name == '/')
			name++;
	}
	if (!*name) {
		nd->last = name;
		nd->last_len = 0;
		nd->last_type = LAST_ROOT;
		nd->has_trailing_slash = false;
		return 0;
	}
	for (;;) {
		const char *component = name;
		size_t len = 0;
		bool has_slash;
		int err;

		while (name[len] && name[len] != '/')
			len++;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		name += len;
		has_slash = *name == '/';
		while (*name == '/')
			name++;
		if (!*name) {
			nd->last = component;
			nd->last_len = len;
			nd->last_type = classify(component, len);
			nd->has_trailing_slash = has_slash;
			return 0;
		}
		err = step(nd, component, len, classify(component, len), true);
		if (err)
			return err;
	}
}

int nd_last_component(struct nameidata *nd, unsigned int flags)
{
	/* "name/" means the directory name, through a symlink if need be. */
	bool must_be_dir = nd->has_trailing_slash || (flags & LOOKUP_DIRECTORY);
	bool follow = (flags & LOOKUP_FOLLOW) || nd->has_trailing_slash;
	int err = step(nd, nd->last, nd->last_len, nd->last_type, follow);

	if (err)
		return err;
	if (must_be_dir && !S_ISDIR(nd->path.dentry->d_inode->i_mode))
		return -ENOTDIR;
	return 0;
}

int follow_link(struct nameidata *nd, struct inode *link, bool follow_last)
{
	const char *body;
	int err;

	if (++nd->nr_links > MAXSYMLINKS)
		return -ELOOP;
	if (link->i_op && link->i_op->get_link_path) {
		struct path target;

		err = link->i_op->get_link_path(link, &target);
		if (err <= 0) {
			if (!err) {
				path_put(&nd->path);
				nd->path = target;
			}
			return err;
		}
	}
	body = link->i_op && link->i_op->get_link ? link->i_op->get_link(link) : NULL;
	if (!body || !*body)
		return -ENOENT;
	err = nd_walk_parent(nd, body);
	if (err)
		return err;
	return nd_last_component(nd, follow_last ? LOOKUP_FOLLOW : 0);
}

static int nd_start(struct nameidata *nd, struct fs_struct *fs, const char *name)
{
	size_t len = strnlen(name, PATH_MAX);

	*nd = (struct nameidata){ .fs = fs };
	if (len == 0)
		return -ENOENT;
	/* PATH_MAX counts the terminating NUL. */
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	nd->path = fs->pwd;
	path_get(&nd->path);
	return 0;
}

void nd_release(struct nameidata *nd)
{
	path_put(&nd->path);
}

int path_lookup(struct fs_struct *fs, const char *name, unsigned int flags, struct path *result)
{
	struct nameidata nd;
	int err = nd_start(&nd, fs, name);

	if (err)
		return err;
	err = nd_walk_parent(&nd, name);
	if (!err)
		err = nd_last_component(&nd, flags);
	if (err) {
		nd_release(&nd);
		return err;
	}
	*result = nd.path;
	return 0;
}

int path_parent(struct fs_struct *fs, const char *name, struct nameidata *nd)
{
	int err = nd_start(nd, fs, name);

	if (err)
		return err;
	err = nd_walk_parent(nd, name);
	if (err)
		nd_release(nd);
	return err;
}

int lookup_last(struct nameidata *nd, struct dentry **result)
{
	if (!S_ISDIR(nd->path.dentry->d_inode->i_mode))
		return -ENOTDIR;
	return lookup_child(nd->path.dentry, nd->last, nd->last_len, result);
}
