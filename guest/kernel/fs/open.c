/* Opening and closing files, and truncation: open(2)'s flags and errno
 * values over the path walk, and the struct file an open returns. O_PATH
 * opens give a file that only names a place (fstat, fchdir, a directory
 * for the *at calls): no driver is opened, nothing is read or written. */
#include <vitro/errno.h>
#include <vitro/slab.h>

#include "internal.h"

struct open_state {
	unsigned int flags;
	uint32_t mode;
	bool must_be_dir;
	bool was_created;
	struct inode *link; /* holds the symlink body nd->last points into */
};

static int open_create(struct nameidata *nd, struct open_state *st, struct dentry *dentry)
{
	struct inode *dir = nd->path.dentry->d_inode;
	int err;

	if (st->must_be_dir)
		return -EISDIR;
	if (mnt_is_readonly(nd->path.mnt))
		return -EROFS;
	if (!dir->i_op->create)
		return -EACCES;
	err = dir->i_op->create(dir, dentry, S_IFREG | (st->mode & 07777));
	if (!err)
		st->was_created = true;
	return err;
}

/* The last component of an open: created, or followed through symlinks (a
 * dangling one with O_CREAT creates its target, as on Linux). */
static int open_last(struct nameidata *nd, struct open_state *st, struct path *result)
{
	for (;;) {
		struct dentry *dentry;
		struct inode *inode;
		struct path next;
		const char *body;
		int err;

		if (nd->last_type != LAST_NORM) {
			if (st->flags & O_CREAT)
				return -EISDIR;
			err = nd_last_component(nd, LOOKUP_FOLLOW);
			if (err)
				return err;
			*result = nd->path;
			path_get(result);
			return 0;
		}
		err = lookup_last(nd, &dentry);
		if (err)
			return err;
		if (!dentry->d_inode) {
			err = st->flags & O_CREAT ? open_create(nd, st, dentry) : -ENOENT;
			if (err) {
				dput(dentry);
				return err;
			}
		} else if ((st->flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
			dput(dentry);
			return -EEXIST;
		}
		next = (struct path){ .mnt = mntget(nd->path.mnt), .dentry = dentry };
		follow_mounts_path(&next);
		inode = next.dentry->d_inode;
		/* O_PATH | O_NOFOLLOW names the symlink itself. */
		if (!S_ISLNK(inode->i_mode) ||
		    (st->flags & (O_PATH | O_NOFOLLOW)) == (O_PATH | O_NOFOLLOW)) {
			*result = next;
			return 0;
		}
		if (st->flags & O_NOFOLLOW) {
			path_put(&next);
			return -ELOOP;
		}
		if (++nd->nr_links > MAXSYMLINKS) {
			path_put(&next);
			return -ELOOP;
		}
		/* A magic link (/proc/self/fd/N) opens the place itself: a
		 * pipe or a deleted file has no name to walk to. */
		if (inode->i_op->get_link_path) {
			err = inode->i_op->get_link_path(inode, result);
			if (err <= 0) {
				path_put(&next);
				return err;
			}
		}
		body = inode->i_op->get_link ? inode->i_op->get_link(inode) : NULL;
		igrab(inode);
		path_put(&next);
		if (st->link)
			iput(st->link);
		st->link = inode;
		if (!body || !*body)
			return -ENOENT;
		err = nd_walk_parent(nd, body);
		if (err)
			return err;
		st->must_be_dir |= nd->has_trailing_slash;
	}
}

static bool wants_write(unsigned int flags)
{
	return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR ||
	       (flags & O_TRUNC);
}

static int open_checks(const struct path *path, const struct open_state *st)
{
	struct inode *inode = path->dentry->d_inode;
	uint32_t mode = inode->i_mode;

	if (S_ISDIR(mode)) {
		if (!(st->flags & O_PATH) && ((st->flags & O_CREAT) || wants_write(st->flags)))
			return -EISDIR;
	} else if (st->must_be_dir) {
		return -ENOTDIR;
	}
	if (st->flags & O_PATH)
		return 0;
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && (path->mnt->mnt_flags & MNT_NODEV))
		return -EACCES;
	/* Devices, FIFOs and sockets are written without changing the file
	 * system, so a read-only mount lets them be. */
	if ((S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)) && wants_write(st->flags) &&
	    mnt_is_readonly(path->mnt))
		return -EROFS;
	/* No drivers yet for block devices or sockets. */
	if (!inode->i_fop)
		return -ENXIO;
	return 0;
}

struct file *alloc_file(const struct path *path, unsigned int flags, unsigned int mode,
			const struct file_operations *fops)
{
	struct file *file = kzalloc(sizeof(*file), GFP_KERNEL);

	if (!file)
		return NULL;
	spin_lock(&vfs_lock);
	file->f_path = *path;
	path_get(&file->f_path);
	vfs_counters.nr_files++;
	spin_unlock(&vfs_lock);
	file->f_inode = path->dentry->d_inode;
	file->f_op = fops;
	file->f_flags = flags;
	file->f_mode = mode;
	file->f_count = 1;
	list_init(&file->f_ep_links);
	return file;
}

/* What an O_PATH file can do: nothing through f_op. */
static const struct file_operations path_fops;

/* What open(2) keeps in f_flags (F_GETFL): not the flags that only steered
 * the open, and O_LARGEFILE always, as a 64-bit Linux does. */
#define OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)
int vfs_open(struct fs_struct *fs, const char *name, unsigned int flags, uint32_t mode,
	     struct file **result)
{
	struct open_state st = { .flags = flags, .mode = mode };
	struct nameidata nd;
	struct inode *inode;
	struct file *file;
	struct path path;
	int err;

	/* Linux ignores every other flag with O_PATH. */
	if (flags & O_PATH)
		st.flags = flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	file = kzalloc(sizeof(*file), GFP_KERNEL);
	if (!file)
		return -ENOMEM;
	list_init(&file->f_ep_links);
	spin_lock(&vfs_lock);
	err = path_parent(fs, name, &nd);
	if (err)
		goto err_unlock;
	st.must_be_dir = nd.has_trailing_slash || (flags & O_DIRECTORY);
	err = open_last(&nd, &st, &path);
	if (st.link)
		iput(st.link);
	nd_release(&nd);
	if (err)
		goto err_unlock;
	inode = path.dentry->d_inode;
	err = open_checks(&path, &st);
	if (err)
		goto err_path;
	if ((flags & O_TRUNC) && S_ISREG(inode->i_mode) && !st.was_created && inode->i_size) {
		err = inode->i_op->truncate ? inode->i_op->truncate(inode, 0) : -EINVAL;
		if (err)
			goto err_path;
	}
	file->f_path = path;
	file->f_inode = inode;
	file->f_flags = (flags & ~OPEN_ONLY_FLAGS) | O_LARGEFILE;
	file->f_count = 1;
	if (flags & O_PATH) {
		file->f_op = &path_fops;
		file->f_mode = FMODE_PATH;
	} else {
		file->f_op = inode->i_fop;
		if ((flags & O_ACCMODE) != O_WRONLY && (flags & O_ACCMODE) != 3)
			file->f_mode |= FMODE_READ;
		if ((flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR)
			file->f_mode |= FMODE_WRITE;
	}
	vfs_counters.nr_files++;
	spin_unlock(&vfs_lock);

	/* A driver's open may sleep: no lock, the path references keep
	 * everything alive. */
	if (file->f_op->open) {
		err = file->f_op->open(inode, file);
		if (err) {
			spin_lock(&vfs_lock);
			vfs_counters.nr_files--;
			goto err_path;
		}
	}
	*result = file;
	return 0;
err_path:
	path_put(&path);
err_unlock:
	spin_unlock(&vfs_lock);
	kfree(file);
	return err;
}

struct file *fget(struct file *file)
{
	spin_lock(&vfs_lock);
	file->f_count++;
	spin_unlock(&vfs_lock);
	return file;
}

int vfs_close(struct file *file)
{
	bool is_last;
	int err = 0;

	spin_lock(&vfs_lock);
	is_last = --file->f_count == 0;
	spin_unlock(&vfs_lock);
	if (!is_last)
		return 0;
	if (!list_empty(&file->f_ep_links))
		eventpoll_release(file);
	locks_remove_file(file);
	if (file->f_op->release)
		err = file->f_op->release(file->f_inode, file);
	spin_lock(&vfs_lock);
	/* An unlinked file's dentry, then its inode and data, go here. */
	path_put(&file->f_path);
	vfs_counters.nr_files--;
	spin_unlock(&vfs_lock);
	kfree(file);
	return err;
}

static int do_truncate(const struct path *path, int64_t length)
{
	struct inode *inode = path->dentry->d_inode;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	if (mnt_is_readonly(path->mnt))
		return -EROFS;
	if (length > inode->i_sb->s_maxbytes)
		return -EFBIG;
	if (!inode->i_op->truncate)
		return -EPERM;
	return inode->i_op->truncate(inode, length);
}

int vfs_truncate(struct fs_struct *fs, const char *name, int64_t length)
{
	struct path path;
	int err;

	if (length < 0)
		return -EINVAL;
	spin_lock(&vfs_lock);
	err = path_lookup(fs, name, LOOKUP_FOLLOW, &path);
	if (!err) {
		err = do_truncate(&path, length);
		path_put(&path);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_ftruncate(struct file *file, int64_t length)
{
	int err;

	if (length < 0 || !(file->f_mode & FMODE_WRITE) || !S_ISREG(file->f_inode->i_mode))
		return -EINVAL;
	spin_lock(&vfs_lock);
	err = do_truncate(&file->f_path, length);
	spin_unlock(&vfs_lock);
	return err;
}
