/* read, write, lseek, getdents, poll and ioctl on an open file, and reads at
 * a position for the kernel (kernel_read): the access checks and
 * errno values, then the file's f_op. f_pos is not locked: two threads
 * sharing one file may race on it (Linux serialises them with f_pos_lock). */
#include <asm/poll.h>
#include <vitro/errno.h>
#include <vitro/string.h>

#include "internal.h"

/* Linux's MAX_RW_COUNT: one call moves at most this many bytes. */
#define MAX_RW_COUNT (0x7fffffffl & (long)PAGE_MASK)

long vfs_read(struct file *file, void *buf, size_t count)
{
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(file->f_inode->i_mode))
		return -EISDIR;
	if (!file->f_op->read)
		return -EINVAL;
	if (count > (size_t)MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return file->f_op->read(file, buf, count, &file->f_pos);
}

long kernel_read(struct file *file, void *buf, size_t count, int64_t pos)
{
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(file->f_inode->i_mode))
		return -EISDIR;
	if (!file->f_op->read)
		return -EINVAL;
	if (pos < 0)
		return -EINVAL;
	if (count > (size_t)MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return file->f_op->read(file, buf, count, &pos);
}

long vfs_write(struct file *file, const void *buf, size_t count)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!file->f_op->write)
		return -EINVAL;
	if (count > (size_t)MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return file->f_op->write(file, buf, count, &file->f_pos);
}

int64_t vfs_lseek(struct file *file, int64_t offset, int whence)
{
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = file->f_pos;
		break;
	case SEEK_END:
		spin_lock(&vfs_lock);
		base = file->f_inode->i_size;
		spin_unlock(&vfs_lock);
		break;
	default:
		return -EINVAL;
	}
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
		return -EINVAL;
	file->f_pos = base + offset;
	return file->f_pos;
}

struct getdents_buf {
	struct dir_context ctx;
	uint8_t *buf;
	size_t size;
	size_t used;
	bool is_full;
};

static bool getdents_emit(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
			  unsigned int type)
{
	struct getdents_buf *gb = container_of(ctx, struct getdents_buf, ctx);
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~(size_t)7;
	struct linux_dirent64 *dirent;

	if (gb->used + reclen > gb->size) {
		gb->is_full = true;
		return false;
	}
	dirent = (struct linux_dirent64 *)(gb->buf + gb->used);
	dirent->d_ino = ino;
	dirent->d_off = ctx->pos + 1;
	dirent->d_reclen = (uint16_t)reclen;
	dirent->d_type = (uint8_t)type;
	memcpy(dirent->d_name, name, len);
	memset(dirent->d_name + len, 0, reclen - offsetof(struct linux_dirent64, d_name) - len);
	gb->used += reclen;
	return true;
}

long vfs_getdents(struct file *file, void *buf, size_t size)
{
	struct getdents_buf gb = {
		.ctx = { .emit = getdents_emit, .pos = file->f_pos },
		.buf = buf,
		.size = size,
	};
	int err;

	if (!S_ISDIR(file->f_inode->i_mode) || !file->f_op->iterate)
		return -ENOTDIR;
	err = file->f_op->iterate(file, &gb.ctx);
	file->f_pos = gb.ctx.pos;
	if (err)
		return err;
	/* Not even one record fits. */
	if (gb.used == 0 && gb.is_full)
		return -EINVAL;
	return (long)gb.used;
}

unsigned int vfs_poll(struct file *file, struct poll_table *wait)
{
	if (!file->f_op->poll)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	return file->f_op->poll(file, wait);
}

long vfs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!file->f_op->ioctl)
		return -ENOTTY;
	return file->f_op->ioctl(file, cmd, arg);
}
