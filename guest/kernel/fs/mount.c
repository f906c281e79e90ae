/* Mounts and the mount tree: a vfsmount attaches a super block's root over a
 * directory dentry of a parent mount; the path walk crosses into it. Also the
 * per-process root and working directory. Under vfs_lock. */
#include <vitro/errno.h>
#include <vitro/slab.h>

#include "internal.h"

static LIST_HEAD_DECLARE(mount_list);

/* The process's root and working directory, umask 022 as Linux gives init. */
#define INIT_UMASK 0022

void mnt_init(void)
{
	/* Tests start the VFS again and again, each time with no mounts. */
	list_init(&mount_list);
}

struct vfsmount *mntget(struct vfsmount *mnt)
{
	mnt->mnt_count++;
	return mnt;
}

/* The last reference to a detached mount frees it, and the super block with
 * its last mount. Mounts in the tree hold a reference from their parent. */
void mntput(struct vfsmount *mnt)
{
	struct super_block *sb;

	if (--mnt->mnt_count > 0)
		return;
	sb = mnt->mnt_sb;
	list_del(&mnt->mnt_list);
	dput(mnt->mnt_root);
	kfree(mnt);
	vfs_counters.nr_mounts--;
	deactivate_super(sb);
}

void path_get(struct path *path)
{
	mntget(path->mnt);
	dget(path->dentry);
}

void path_put(struct path *path)
{
	dput(path->dentry);
	mntput(path->mnt);
}

void path_set(struct path *dst, const struct path *src)
{
	struct path old = *dst;

	*dst = *src;
	path_get(dst);
	path_put(&old);
}

struct vfsmount *lookup_mnt(struct vfsmount *parent, struct dentry *mountpoint)
{
	struct vfsmount *mnt, *found = NULL;

	/* The last one mounted there hides the others. */
	list_for_each_entry(mnt, &mount_list, mnt_list) {
		if (mnt->mnt_parent == parent && mnt->mnt_mountpoint == mountpoint &&
		    mnt->mnt_parent != mnt)
			found = mnt;
	}
	return found;
}

static int mount_new(const char *fs_type, const char *data, struct vfsmount **result)
{
	struct file_system_type *type = find_filesystem(fs_type);
	struct super_block *sb;
	struct vfsmount *mnt;
	int err;

	if (!type)
		return -ENODEV;
	mnt = kzalloc(sizeof(*mnt), VFS_GFP);
	if (!mnt)
		return -ENOMEM;
	err = sget_fill(type, data, &sb);
	if (err) {
		kfree(mnt);
		return err;
	}
	mnt->mnt_sb = sb;
	mnt->mnt_root = dget(sb->s_root);
	mnt->mnt_parent = mnt;
	mnt->mnt_mountpoint = mnt->mnt_root;
	mnt->mnt_count = 1;
	list_init(&mnt->mnt_mounts);
	list_init(&mnt->mnt_child);
	list_add_tail(&mnt->mnt_list, &mount_list);
	vfs_counters.nr_mounts++;
	*result = mnt;
	return 0;
}

struct vfsmount *kern_mount(const char *fs_type)
{
	struct vfsmount *mnt = NULL;

	spin_lock(&vfs_lock);
	if (mount_new(fs_type, NULL, &mnt))
		mnt = NULL;
	spin_unlock(&vfs_lock);
	return mnt;
}

int vfs_mount_root(struct fs_struct *fs, const char *fs_type, const char *data)
{
	struct vfsmount *mnt;
	int err;

	spin_lock(&vfs_lock);
	err = mount_new(fs_type, data, &mnt);
	if (!err) {
		/* fs's two paths own the tree's root mount. */
		fs->root = (struct path){ .mnt = mnt, .dentry = dget(mnt->mnt_root) };
		fs->pwd = fs->root;
		path_get(&fs->pwd);
		fs->umask = INIT_UMASK;
	}
	spin_unlock(&vfs_lock);
	return err;
}

void fs_struct_copy(struct fs_struct *dst, const struct fs_struct *src)
{
	spin_lock(&vfs_lock);
	*dst = *src;
	path_get(&dst->root);
	path_get(&dst->pwd);
	spin_unlock(&vfs_lock);
}

void fs_struct_release(struct fs_struct *fs)
{
	spin_lock(&vfs_lock);
	path_put(&fs->pwd);
	path_put(&fs->root);
	spin_unlock(&vfs_lock);
	fs->root = fs->pwd = (struct path){ 0 };
}

static int fs_set_path(struct fs_struct *fs, const char *name, bool is_root)
{
	struct path path;
	int err;

	spin_lock(&vfs_lock);
	err = path_lookup(fs, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	if (!err) {
		path_set(is_root ? &fs->root : &fs->pwd, &path);
		path_put(&path);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_chdir(struct fs_struct *fs, const char *path)
{
	return fs_set_path(fs, path, false);
}

int vfs_chroot(struct fs_struct *fs, const char *path)
{
	return fs_set_path(fs, path, true);
}

int vfs_fchdir(struct fs_struct *fs, struct file *file)
{
	if (!S_ISDIR(file->f_inode->i_mode))
		return -ENOTDIR;
	spin_lock(&vfs_lock);
	path_set(&fs->pwd, &file->f_path);
	spin_unlock(&vfs_lock);
	return 0;
}

int vfs_mount(struct fs_struct *fs, const char *fs_type, const char *target)
{
	return vfs_mount_flags(fs, fs_type, target, 0);
}

int vfs_mount_flags(struct fs_struct *fs, const char *fs_type, const char *target,
		    unsigned int mnt_flags)
{
	return vfs_mount_data(fs, fs_type, target, mnt_flags, NULL);
}

int vfs_mount_data(struct fs_struct *fs, const char *fs_type, const char *target,
		   unsigned int mnt_flags, const char *data)
{
	struct vfsmount *mnt;
	struct path where;
	int err;

	spin_lock(&vfs_lock);
	err = path_lookup(fs, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &where);
	if (err)
		goto out;
	err = mount_new(fs_type, data, &mnt);
	if (err)
		goto err_put;
	mnt->mnt_flags = mnt_flags;
	/* The new mount keeps its mount point and parent mount alive. */
	mnt->mnt_parent = mntget(where.mnt);
	mnt->mnt_mountpoint = dget(where.dentry);
	where.dentry->d_mounted++;
	list_add_tail(&mnt->mnt_child, &where.mnt->mnt_mounts);
err_put:
	path_put(&where);
out:
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_remount(struct fs_struct *fs, const char *target, unsigned int mnt_flags, unsigned int keep)
{
	struct path path;
	int err;

	spin_lock(&vfs_lock);
	err = path_lookup(fs, target, LOOKUP_FOLLOW, &path);
	if (!err) {
		if (path.dentry != path.mnt->mnt_root)
			err = -EINVAL;
		else
			path.mnt->mnt_flags = (path.mnt->mnt_flags & keep) | (mnt_flags & ~keep);
		path_put(&path);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_umount(struct fs_struct *fs, const char *target)
{
	return vfs_umount_flags(fs, target, true);
}

int vfs_umount_flags(struct fs_struct *fs, const char *target, bool follow)
{
	struct vfsmount *mnt, *parent;
	struct dentry *mountpoint;
	struct path path;
	int err;

	spin_lock(&vfs_lock);
	err = path_lookup(fs, target, follow ? LOOKUP_FOLLOW : 0, &path);
	if (err)
		goto out;
	mnt = path.mnt;
	err = -EINVAL;
	if (path.dentry != mnt->mnt_root || mnt->mnt_parent == mnt)
		goto err_put;
	/* Busy: anything but the tree's reference and our lookup's. */
	err = -EBUSY;
	if (mnt->mnt_count > 2 || !list_empty(&mnt->mnt_mounts))
		goto err_put;
	err = 0;
	parent = mnt->mnt_parent;
	mountpoint = mnt->mnt_mountpoint;
	list_del(&mnt->mnt_child);
	mountpoint->d_mounted--;
	mnt->mnt_parent = mnt;
	mnt->mnt_mountpoint = mnt->mnt_root;
	dput(mountpoint);
	mntput(parent);
	mntput(mnt); /* the tree's reference */
err_put:
	path_put(&path);
out:
	spin_unlock(&vfs_lock);
	return err;
}
