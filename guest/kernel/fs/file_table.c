/* Descriptor tables: small numbers to open files, lowest free first, with
 * close-on-exec flags, as a process sees them through open/dup/close. The
 * table's own spinlock guards it; files are closed after it is dropped, since
 * a driver's release may sleep. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "internal.h"

#define FILES_INITIAL_SLOTS 64u

static bool slot_close_on_exec(const struct files_struct *files, unsigned int fd)
{
	return files->close_on_exec[fd / 64] >> (fd % 64) & 1;
}

static void slot_set_close_on_exec(struct files_struct *files, unsigned int fd, bool value)
{
	if (value)
		files->close_on_exec[fd / 64] |= 1ull << (fd % 64);
	else
		files->close_on_exec[fd / 64] &= ~(1ull << (fd % 64));
}

/* Makes fd[] at least nr_needed slots (a multiple of 64). Lock held. */
static int files_grow(struct files_struct *files, unsigned int nr_needed)
{
	unsigned int nr = files->nr_slots ? files->nr_slots : FILES_INITIAL_SLOTS;
	struct file **fd;
	uint64_t *bits;

	if (nr_needed <= files->nr_slots)
		return 0;
	while (nr < nr_needed)
		nr *= 2;
	fd = kzalloc(nr * sizeof(*fd), GFP_ATOMIC);
	bits = kzalloc(nr / 64 * sizeof(*bits), GFP_ATOMIC);
	if (!fd || !bits) {
		kfree(fd);
		kfree(bits);
		return -ENOMEM;
	}
	if (files->nr_slots) {
		memcpy(fd, files->fd, files->nr_slots * sizeof(*fd));
		memcpy(bits, files->close_on_exec, files->nr_slots / 64 * sizeof(*bits));
	}
	kfree(files->fd);
	kfree(files->close_on_exec);
	files->fd = fd;
	files->close_on_exec = bits;
	files->nr_slots = nr;
	return 0;
}

int files_init(struct files_struct *files)
{
	int err;

	*files = (struct files_struct){ .limit = NR_OPEN_DEFAULT };
	spin_lock_init(&files->lock);
	spin_lock(&files->lock);
	err = files_grow(files, FILES_INITIAL_SLOTS);
	spin_unlock(&files->lock);
	return err;
}

/* Lowest free slot at or above min_fd, grown into if need be. Lock held. */
static int fd_alloc(struct files_struct *files, unsigned int min_fd)
{
	unsigned int fd;
	int err;

	for (fd = min_fd; fd < files->nr_slots; fd++) {
		if (!files->fd[fd])
			break;
	}
	if (fd >= files->limit)
		return -EMFILE;
	err = files_grow(files, fd + 1);
	return err ? err : (int)fd;
}

int fd_install(struct files_struct *files, struct file *file, unsigned int min_fd,
	       bool close_on_exec)
{
	int fd;

	spin_lock(&files->lock);
	fd = fd_alloc(files, min_fd);
	if (fd >= 0) {
		files->fd[fd] = file;
		slot_set_close_on_exec(files, (unsigned int)fd, close_on_exec);
	}
	spin_unlock(&files->lock);
	return fd;
}

/* A descriptor of files is gone: the process's record locks on the file
 * go with it (POSIX), then the table's reference. */
static int close_one(struct files_struct *files, struct file *file)
{
	locks_remove_posix(file, files);
	return vfs_close(file);
}

static struct file *fd_lookup(struct files_struct *files, int fd)
{
	if (fd < 0 || (unsigned int)fd >= files->nr_slots)
		return NULL;
	return files->fd[fd];
}

struct file *fd_get(struct files_struct *files, int fd)
{
	struct file *file;

	spin_lock(&files->lock);
	file = fd_lookup(files, fd);
	/* Nests vfs_lock inside the table's lock; never the other way. */
	if (file)
		fget(file);
	spin_unlock(&files->lock);
	return file;
}

int fd_close(struct files_struct *files, int fd)
{
	struct file *file;

	spin_lock(&files->lock);
	file = fd_lookup(files, fd);
	if (file)
		files->fd[fd] = NULL;
	spin_unlock(&files->lock);
	if (!file)
		return -EBADF;
	return close_one(files, file);
}

int fd_dup(struct files_struct *files, int old_fd, unsigned int min_fd, bool close_on_exec)
{
	struct file *file = fd_get(files, old_fd);
	int fd;

	if (!file)
		return -EBADF;
	if (min_fd >= files->limit) {
		vfs_close(file);
		return -EINVAL;
	}
	fd = fd_install(files, file, min_fd, close_on_exec);
	if (fd < 0)
		vfs_close(file);
	return fd;
}

int fd_dup2(struct files_struct *files, int old_fd, int new_fd, bool close_on_exec)
{
	struct file *file, *replaced = NULL;
	int err;

	if (new_fd < 0 || (unsigned int)new_fd >= files->limit)
		return -EBADF;
	file = fd_get(files, old_fd);
	if (!file)
		return -EBADF;
	if (old_fd == new_fd) {
		vfs_close(file);
		return new_fd;
	}
	spin_lock(&files->lock);
	err = files_grow(files, (unsigned int)new_fd + 1);
	if (!err) {
		replaced = files->fd[new_fd];
		files->fd[new_fd] = file;
		slot_set_close_on_exec(files, (unsigned int)new_fd, close_on_exec);
	}
	spin_unlock(&files->lock);
	if (err) {
		vfs_close(file);
		return err;
	}
	/* dup2 closes what new_fd held, silently. */
	if (replaced)
		close_one(files, replaced);
	return new_fd;
}

int fd_get_close_on_exec(struct files_struct *files, int fd)
{
	int result = -EBADF;

	spin_lock(&files->lock);
	if (fd_lookup(files, fd))
		result = slot_close_on_exec(files, (unsigned int)fd);
	spin_unlock(&files->lock);
	return result;
}

int fd_set_close_on_exec(struct files_struct *files, int fd, bool close_on_exec)
{
	int err = -EBADF;

	spin_lock(&files->lock);
	if (fd_lookup(files, fd)) {
		slot_set_close_on_exec(files, (unsigned int)fd, close_on_exec);
		err = 0;
	}
	spin_unlock(&files->lock);
	return err;
}

int files_copy(struct files_struct *dst, struct files_struct *src)
{
	int err = files_init(dst);

	if (err)
		return err;
	dst->limit = src->limit;
	spin_lock(&src->lock);
	err = files_grow(dst, src->nr_slots);
	if (!err) {
		for (unsigned int fd = 0; fd < src->nr_slots; fd++) {
			if (!src->fd[fd])
				continue;
			dst->fd[fd] = fget(src->fd[fd]);
			slot_set_close_on_exec(dst, fd, slot_close_on_exec(src, fd));
		}
	}
	spin_unlock(&src->lock);
	if (err)
		files_release(dst);
	return err;
}

/* Closes the descriptors for which close_all or their close-on-exec flag
 * says so, one at a time with the lock dropped around each close. */
static void files_close_matching(struct files_struct *files, bool close_all)
{
	for (unsigned int fd = 0;; fd++) {
		struct file *file = NULL;

		spin_lock(&files->lock);
		if (fd >= files->nr_slots) {
			spin_unlock(&files->lock);
			return;
		}
		if (files->fd[fd] && (close_all || slot_close_on_exec(files, fd))) {
			file = files->fd[fd];
			files->fd[fd] = NULL;
			slot_set_close_on_exec(files, fd, false);
		}
		spin_unlock(&files->lock);
		if (file)
			close_one(files, file);
	}
}

void files_close_range(struct files_struct *files, unsigned int first, unsigned int last,
		       bool only_mark_close_on_exec)
{
	for (unsigned int fd = first; fd <= last; fd++) {
		struct file *file = NULL;

		spin_lock(&files->lock);
		if (fd >= files->nr_slots) {
			spin_unlock(&files->lock);
			return;
		}
		if (files->fd[fd] && only_mark_close_on_exec) {
			slot_set_close_on_exec(files, fd, true);
		} else if (files->fd[fd]) {
			file = files->fd[fd];
			files->fd[fd] = NULL;
			slot_set_close_on_exec(files, fd, false);
		}
		spin_unlock(&files->lock);
		if (file)
			close_one(files, file);
		if (fd == UINT32_MAX)
			return;
	}
}

void files_close_on_exec(struct files_struct *files)
{
	files_close_matching(files, false);
}

void files_release(struct files_struct *files)
{
	files_close_matching(files, true);
	kfree(files->fd);
	kfree(files->close_on_exec);
	files->fd = NULL;
	files->close_on_exec = NULL;
	files->nr_slots = 0;
}
