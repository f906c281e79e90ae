/* Changing and checking what an inode allows: chmod, chown and utimes
 * (vfs_setattr) and access(2) (vfs_access), by path or open file. One user
 * exists, root, so permission bits never refuse anything but execution of
 * a file with no execute bit; read-only and noexec mounts do refuse. */
#include <vitro/errno.h>

#include "internal.h"

#define MAY_EXEC 1 /* access(2)'s X_OK, W_OK, R_OK */
#define MAY_WRITE 2
#define MAY_READ 4

/* Lock held. */
static int setattr_locked(const struct path *path, const struct iattr *attr)
{
	struct inode *inode = path->dentry->d_inode;

	if (!attr->valid)
		return 0;
	if (mnt_is_readonly(path->mnt))
		return -EROFS;
	if (attr->valid & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) | (attr->mode & S_IALLUGO);
	/* As Linux's chown_common(), which root does not escape; set-group-ID
	 * without group execute (mandatory locking) stays. */
	if ((attr->valid & ATTR_KILL_SUID) && !S_ISDIR(inode->i_mode)) {
		inode->i_mode &= ~S_ISUID;
		if (inode->i_mode & 0010)
			inode->i_mode &= ~S_ISGID;
	}
	if (attr->valid & ATTR_UID)
		inode->i_uid = attr->uid;
	if (attr->valid & ATTR_GID)
		inode->i_gid = attr->gid;
	if (attr->valid & ATTR_ATIME)
		inode->i_atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		inode->i_mtime = attr->mtime;
	inode->i_ctime = vfs_now();
	return 0;
}

int vfs_setattr(struct fs_struct *fs, const char *name, bool follow, const struct iattr *attr)
{
	struct path path;
	int err;

	spin_lock(&vfs_lock);
	err = path_lookup(fs, name, follow ? LOOKUP_FOLLOW : 0, &path);
	if (!err) {
		err = setattr_locked(&path, attr);
		path_put(&path);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_fsetattr(struct file *file, const struct iattr *attr)
{
	int err;

	spin_lock(&vfs_lock);
	err = setattr_locked(&file->f_path, attr);
	spin_unlock(&vfs_lock);
	return err;
}

/* Linux's inode_permission() for a caller with every capability: writing
 * to what lives in the file system fails on a read-only mount, executing
 * needs an execute bit (directories are always searchable) and a mount that
 * allows it. Lock held. */
static int access_locked(const struct path *path, int mode)
{
	struct inode *inode = path->dentry->d_inode;
	uint32_t imode = inode->i_mode;

	if ((mode & MAY_WRITE) && mnt_is_readonly(path->mnt) &&
	    (S_ISREG(imode) || S_ISDIR(imode) || S_ISLNK(imode)))
		return -EROFS;
	if ((mode & MAY_EXEC) && !S_ISDIR(imode)) {
		if (!(imode & 0111))
			return -EACCES;
		if (S_ISREG(imode) && (path->mnt->mnt_flags & MNT_NOEXEC))
			return -EACCES;
	}
	return 0;
}

int vfs_access(struct fs_struct *fs, const char *name, bool follow, int mode)
{
	struct path path;
	int err;

	if (mode & ~(MAY_READ | MAY_WRITE | MAY_EXEC))
		return -EINVAL;
	spin_lock(&vfs_lock);
	err = path_lookup(fs, name, follow ? LOOKUP_FOLLOW : 0, &path);
	if (!err) {
		err = access_locked(&path, mode);
		path_put(&path);
	}
	spin_unlock(&vfs_lock);
	return err;
}

int vfs_faccess(struct file *file, int mode)
{
	int err;

	if (mode & ~(MAY_READ | MAY_WRITE | MAY_EXEC))
		return -EINVAL;
	spin_lock(&vfs_lock);
	err = access_locked(&file->f_path, mode);
	spin_unlock(&vfs_lock);
	return err;
}
