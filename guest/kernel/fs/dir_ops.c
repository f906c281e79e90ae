/* The operations that change directories — mkdir, mknod, symlink, link,
 * rmdir, unlink, rename — and readlink: the VFS's checks and errno values,
 * then the file system's inode operation, then the dentry cache update. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "internal.h"

/* Looks up the parent and the (negative) dentry a new entry will fill. */
static int create_prepare(struct fs_struct *fs, const char *path, bool is_dir, struct nameidata *nd,
			  struct dentry **result)
{
	struct dentry *dentry;
	int err = path_parent(fs, path, nd);

	if (err)
		return err;
	err = -EEXIST;
	if (nd->last_type != LAST_NORM)
		goto err_release;
	err = lookup_last(nd, &dentry);
	if (err)
		goto err_release;
	err = -EEXIST;
	if (dentry->d_inode)
		goto err_put;
	/* "new/" names a directory: only mkdir may create it. */
	err = -ENOENT;
	if (nd->has_trailing_slash && !is_dir)
		goto err_put;
	err = -EROFS;
	if (mnt_is_readonly(nd->path.mnt))
		goto err_put;
	*result = dentry;
	return 0;
err_put:
	dput(dentry);
err_release:
	nd_release(nd);
	return err;
}

/* What a new directory entry is: mkdir, mknod and symlink differ only here. */
struct new_entry {
	enum { NEW_DIR, NEW_NODE, NEW_SYMLINK } kind;
	uint32_t mode;
	vfs_dev_t dev;
	const char *target;
};

static int create_entry(struct fs_struct *fs, const char *path, const struct new_entry *e)
{
	struct nameidata nd;
	struct dentry *dentry;
	struct inode *dir;
	int err;

	spin_lock(&vfs_lock);
	err = create_prepare(fs, path, e->kind == NEW_DIR, &nd, &dentry);
	if (err)
		goto out;
	dir = nd.path.dentry->d_inode;
	err = -EPERM;
	if (e->kind == NEW_DIR && dir->i_op->mkdir)
		err = dir->i_op->mkdir(dir, dentry, e->mode);
	else if (e->kind == NEW_NODE && dir->i_op->mknod)
		err = dir->i_op->mknod(dir, dentry, e->mode, e->dev);
	else if (e->kind == NEW_SYMLINK && dir->i_op->symlink)
		err = dir->i_op->symlink(dir, dentry, e->target);
	dput(dentry);
	nd_release(&nd);
out:
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_mkdir(struct fs_struct *fs, const char *path, uint32_t mode)
{
	struct new_entry e = { .kind = NEW_DIR, .mode = S_IFDIR | (mode & 07777) };

	return create_entry(fs, path, &e);
}

int vfs_mknod(struct fs_struct *fs, const char *path, uint32_t mode, vfs_dev_t dev)
{
	struct new_entry e = { .kind = NEW_NODE, .dev = dev };

	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	if (!S_ISREG(mode) && !S_ISCHR(mode) && !S_ISBLK(mode) && !S_ISFIFO(mode) &&
	    !S_ISSOCK(mode))
		return -EINVAL;
	e.mode = mode & (S_IFMT | 07777);
	return create_entry(fs, path, &e);
}

int vfs_symlink(struct fs_struct *fs, const char *target, const char *link_path)
{
	struct new_entry e = { .kind = NEW_SYMLINK, .target = target };

	if (!*target)
		return -ENOENT;
	if (strnlen(target, PATH_MAX) == PATH_MAX)
		return -ENAMETOOLONG;
	return create_entry(fs, link_path, &e);
}

/* A new name new_path for old. Lock held. */
static int link_locked(const struct path *old, struct fs_struct *new_fs, const char *new_path)
{
	struct inode *inode = old->dentry->d_inode;
	struct nameidata nd;
	struct dentry *dentry;
	struct inode *dir;
	int err;

	if (S_ISDIR(inode->i_mode))
		return -EPERM;
	err = create_prepare(new_fs, new_path, false, &nd, &dentry);
	if (err)
		return err;
	dir = nd.path.dentry->d_inode;
	if (nd.path.mnt != old->mnt)
		err = -EXDEV;
	else if (inode->i_nlink == 0)
		err = -ENOENT; /* an open file that lost its last name stays nameless */
	else
		err = dir->i_op->link ? dir->i_op->link(old->dentry, dir, dentry) : -EPERM;
	dput(dentry);
	nd_release(&nd);
	return err;
}

int vfs_linkat(struct fs_struct *old_fs, const char *old_path, struct fs_struct *new_fs,
	       const char *new_path, bool follow)
{
	struct path old;
	int err;

	spin_lock(&vfs_lock);
	/* Without AT_SYMLINK_FOLLOW a symlink is linked itself. */
	err = path_lookup(old_fs, old_path, follow ? LOOKUP_FOLLOW : 0, &old);
	if (!err) {
		err = link_locked(&old, new_fs, new_path);
		path_put(&old);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_link(struct fs_struct *fs, const char *old_path, const char *new_path)
{
	return vfs_linkat(fs, old_path, fs, new_path, false);
}

int vfs_link_file(struct file *file, struct fs_struct *new_fs, const char *new_path)
{
	int err;

	spin_lock(&vfs_lock);
	err = link_locked(&file->f_path, new_fs, new_path);
	spin_unlock(&vfs_lock);
	return err;
}

/* Looks up the existing entry a removal names. */
static int remove_prepare(struct fs_struct *fs, const char *path, bool is_dir, struct nameidata *nd,
			  struct dentry **result)
{
	struct dentry *dentry;
	int err = path_parent(fs, path, nd);

	if (err)
		return err;
	if (nd->last_type != LAST_NORM) {
		/* As Linux: rmdir(".") is EINVAL, rmdir("..") ENOTEMPTY, the
		 * root EBUSY; unlink of any of them EISDIR. */
		if (!is_dir)
			err = -EISDIR;
		else if (nd->last_type == LAST_DOT)
			err = -EINVAL;
		else if (nd->last_type == LAST_DOTDOT)
			err = -ENOTEMPTY;
		else
			err = -EBUSY;
		goto err_release;
	}
	err = -EROFS;
	if (mnt_is_readonly(nd->path.mnt))
		goto err_release;
	err = lookup_last(nd, &dentry);
	if (err)
		goto err_release;
	err = -ENOENT;
	if (!dentry->d_inode)
		goto err_put;
	if (is_dir && !S_ISDIR(dentry->d_inode->i_mode))
		err = -ENOTDIR;
	else if (!is_dir && S_ISDIR(dentry->d_inode->i_mode))
		err = -EISDIR;
	else if (!is_dir && nd->has_trailing_slash)
		err = -ENOTDIR;
	else if (dentry->d_mounted)
		err = -EBUSY;
	else
		err = 0;
	if (err)
		goto err_put;
	*result = dentry;
	return 0;
err_put:
	dput(dentry);
err_release:
	nd_release(nd);
	return err;
}

/* rmdir and unlink: one walk, the file system's method, the name dropped.
 * Open files keep an unlinked file's unhashed dentry, and so its inode. */
static int vfs_remove(struct fs_struct *fs, const char *path, bool is_dir)
{
	struct nameidata nd;
	struct dentry *dentry;
	struct inode *dir;
	int err;

	spin_lock(&vfs_lock);
	err = remove_prepare(fs, path, is_dir, &nd, &dentry);
	if (err)
		goto out;
	dir = nd.path.dentry->d_inode;
	if (is_dir)
		err = dir->i_op->rmdir ? dir->i_op->rmdir(dir, dentry) : -EPERM;
	else
		err = dir->i_op->unlink ? dir->i_op->unlink(dir, dentry) : -EPERM;
	if (!err) {
		d_drop(dentry);
		if (is_dir)
			d_prune_children(dentry);
	}
	dput(dentry);
	nd_release(&nd);
out:
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_rmdir(struct fs_struct *fs, const char *path)
{
	return vfs_remove(fs, path, true);
}

int vfs_unlink(struct fs_struct *fs, const char *path)
{
	return vfs_remove(fs, path, false);
}

static int rename_checks(struct nameidata *old_nd, struct dentry *old, struct nameidata *new_nd,
			 struct dentry *new)
{
	struct inode *source = old->d_inode;
	struct inode *target = new->d_inode;
	bool is_dir;

	if (!source)
		return -ENOENT;
	is_dir = S_ISDIR(source->i_mode);
	if (!is_dir && (old_nd->has_trailing_slash || new_nd->has_trailing_slash))
		return -ENOTDIR;
	if (old->d_mounted || new->d_mounted)
		return -EBUSY;
	/* A directory cannot move below itself. */
	if (is_dir && d_is_ancestor(old, new_nd->path.dentry))
		return -EINVAL;
	if (!target)
		return 0;
	if (is_dir && !S_ISDIR(target->i_mode))
		return -ENOTDIR;
	if (!is_dir && S_ISDIR(target->i_mode))
		return -EISDIR;
	/* The target holds the source: it is not empty. */
	if (d_is_ancestor(new, old_nd->path.dentry))
		return -ENOTEMPTY;
	return 0;
}

int vfs_rename(struct fs_struct *fs, const char *old_path, const char *new_path)
{
	return vfs_renameat(fs, old_path, fs, new_path, 0);
}

int vfs_renameat(struct fs_struct *old_fs, const char *old_path, struct fs_struct *new_fs,
		 const char *new_path, unsigned int flags)
{
	struct nameidata old_nd, new_nd;
	struct dentry *old, *new;
	struct inode *old_dir, *new_dir;
	char *long_name = NULL;
	int err;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	spin_lock(&vfs_lock);
	err = path_parent(old_fs, old_path, &old_nd);
	if (err)
		goto out;
	err = path_parent(new_fs, new_path, &new_nd);
	if (err)
		goto err_old_nd;
	err = -EXDEV;
	if (old_nd.path.mnt != new_nd.path.mnt)
		goto err_new_nd;
	err = -EBUSY;
	if (old_nd.last_type != LAST_NORM)
		goto err_new_nd;
	/* As Linux: "." or ".." as the new name exists, for NOREPLACE. */
	if (new_nd.last_type != LAST_NORM) {
		err = flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
		goto err_new_nd;
	}
	err = -EROFS;
	if (mnt_is_readonly(old_nd.path.mnt))
		goto err_new_nd;
	err = lookup_last(&old_nd, &old);
	if (err)
		goto err_new_nd;
	err = lookup_last(&new_nd, &new);
	if (err)
		goto err_old;
	if (!old->d_inode)
		err = -ENOENT;
	else if ((flags & RENAME_NOREPLACE) && new->d_inode)
		err = -EEXIST;
	else
		err = rename_checks(&old_nd, old, &new_nd, new);
	/* Two names of one inode: rename does nothing, as POSIX says. */
	if (err || old == new || (new->d_inode &&new->d_inode == old->d_inode))
		goto err_new;
	if (new_nd.last_len >= DNAME_INLINE_LEN) {
		err = -ENOMEM;
		long_name = kmalloc(new_nd.last_len + 1, VFS_GFP);
		if (!long_name)
			goto err_new;
	}
	old_dir = old_nd.path.dentry->d_inode;
	new_dir = new_nd.path.dentry->d_inode;
	err = old_dir->i_op->rename ? old_dir->i_op->rename(old_dir, old, new_dir, new) : -EPERM;
	if (err) {
		kfree(long_name);
		goto err_new;
	}
	if (new->d_inode && S_ISDIR(new->d_inode->i_mode))
		d_prune_children(new);
	d_drop(new);
	d_move(old, new_nd.path.dentry, new_nd.last, new_nd.last_len, long_name);
err_new:
	dput(new);
err_old:
	dput(old);
err_new_nd:
	nd_release(&new_nd);
err_old_nd:
	nd_release(&old_nd);
out:
	spin_unlock(&vfs_lock);
	return err;
}

/* Lock held. */
static long readlink_inode(struct inode *inode, char *buf, size_t size)
{
	const char *body;
	size_t len;

	if (!S_ISLNK(inode->i_mode) || !inode->i_op->get_link)
		return -EINVAL;
	body = inode->i_op->get_link(inode);
	len = strlen(body);
	/* Truncated silently, with no NUL, as readlink(2). */
	if (len > size)
		len = size;
	memcpy(buf, body, len);
	return (long)len;
}

long vfs_readlink(struct fs_struct *fs, const char *path, char *buf, size_t size)
{
	struct path link;
	long err;

	if (size == 0)
		return -EINVAL;
	spin_lock(&vfs_lock);
	err = path_lookup(fs, path, 0, &link);
	if (!err) {
		err = readlink_inode(link.dentry->d_inode, buf, size);
		path_put(&link);
	}
	spin_unlock(&vfs_lock);
	return err;
}

long vfs_freadlink(struct file *file, char *buf, size_t size)
{
	long err;

	if (size == 0)
		return -EINVAL;
	spin_lock(&vfs_lock);
	err = readlink_inode(file->f_inode, buf, size);
	spin_unlock(&vfs_lock);
	return err;
}
