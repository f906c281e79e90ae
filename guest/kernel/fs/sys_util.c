/* See sys_util.h. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#include "internal.h"
#include "sys_util.h"

struct files_struct *current_files(void)
{
	return current->files;
}

struct fs_struct *current_fs(void)
{
	return current->fs;
}

struct file *fdget_raw(int fd)
{
	struct files_struct *files = current_files();

	return files ? fd_get(files, fd) : NULL;
}

struct file *fdget(int fd)
{
	struct file *file = fdget_raw(fd);

	if (file && (file->f_mode & FMODE_PATH)) {
		vfs_close(file);
		return NULL;
	}
	return file;
}

int getname(uint64_t upath, bool allow_empty, char **result)
{
	char *name = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	if (!name)
		return -ENOMEM;
	len = strncpy_from_user(name, upath, PATH_MAX);
	if (len < 0 || len == PATH_MAX || (len == 0 && !allow_empty)) {
		kfree(name);
		return len < 0 ? (int)len : len ? -ENAMETOOLONG : -ENOENT;
	}
	*result = name;
	return 0;
}

void putname(char *name)
{
	kfree(name);
}

int at_path_get(struct at_path *at, int dirfd, uint64_t upath, unsigned int flags)
{
	struct fs_struct *fs = current_fs();
	struct file *dir;
	int err;

	*at = (struct at_path){ 0 };
	err = getname(upath, flags & AT_EMPTY_PATH, &at->name);
	if (err)
		return err;
	at->is_empty = !at->name[0];
	err = -ENOENT;
	if (!fs)
		goto err_name;
	if (at->name[0] == '/' || dirfd == AT_FDCWD) {
		if (at->is_empty)
			memcpy(at->name, ".", 2);
		fs_struct_copy(&at->fs, fs);
		at->has_fs = true;
		return 0;
	}
	err = -EBADF;
	dir = fdget_raw(dirfd);
	if (!dir)
		goto err_name;
	if (at->is_empty) {
		at->file = dir;
		return 0;
	}
	err = -ENOTDIR;
	if (!S_ISDIR(dir->f_inode->i_mode)) {
		vfs_close(dir);
		goto err_name;
	}
	fs_struct_copy(&at->fs, fs);
	at->has_fs = true;
	spin_lock(&vfs_lock);
	path_set(&at->fs.pwd, &dir->f_path);
	spin_unlock(&vfs_lock);
	vfs_close(dir);
	return 0;
err_name:
	putname(at->name);
	at->name = NULL;
	return err;
}

void at_path_put(struct at_path *at)
{
	if (at->file)
		vfs_close(at->file);
	if (at->has_fs)
		fs_struct_release(&at->fs);
	putname(at->name);
	*at = (struct at_path){ 0 };
}
