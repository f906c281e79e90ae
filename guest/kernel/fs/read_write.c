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

static long read_at(struct file *file, void *buf, size_t count, int64_t *pos)
{
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(file->f_inode->i_mode))
		return -EISDIR;
	if (!file->f_op->read)
		return -EINVAL;
	if (count > (size_t)MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return file->f_op->read(file, buf, count, pos);
}

long kernel_read(struct file *file, void *buf, size_t count, int64_t pos)
{
	if (pos < 0)
		return -EINVAL;
	return read_at(file, buf, count, &pos);
}

static long write_at(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!file->f_op->write)
		return -EINVAL;
	if (count > (size_t)MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return file->f_op->write(file, buf, count, pos);
}

long vfs_read(struct file *file, void *buf, size_t count)
{
	return read_at(file, buf, count, &file->f_pos);
}

long vfs_write(struct file *file, const void *buf, size_t count)
{
	return write_at(file, buf, count, &file->f_pos);
}

bool vfs_file_is_seekable(const struct file *file)
{
	uint32_t mode = file->f_inode->i_mode;

	if (file->f_mode & FMODE_PATH)
		return false;
	return file->f_op->llseek || S_ISREG(mode) || S_ISDIR(mode) || S_ISBLK(mode);
}

long vfs_pread(struct file *file, void *buf, size_t count, int64_t pos)
{
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (!vfs_file_is_seekable(file))
		return -ESPIPE;
	if (pos < 0)
		return -EINVAL;
	return read_at(file, buf, count, &pos);
}

long vfs_pwrite(struct file *file, const void *buf, size_t count, int64_t pos)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!vfs_file_is_seekable(file))
		return -ESPIPE;
	if (pos < 0)
		return -EINVAL;
	return write_at(file, buf, count, &pos);
}

int64_t noop_llseek(struct file *file, int64_t offset, int whence)
{
	(void)offset, (void)whence;
	return file->f_pos;
}

/* Linux's generic_file_llseek: SEEK_DATA and SEEK_HOLE see a file that is
 * all data, with the one hole at its end. */
int64_t vfs_lseek(struct file *file, int64_t offset, int whence)
{
	int64_t base, size, max_bytes;

	if (!vfs_file_is_seekable(file))
		return -ESPIPE;
	if (file->f_op->llseek)
		return file->f_op->llseek(file, offset, whence);
	spin_lock(&vfs_lock);
	size = file->f_inode->i_size;
	max_bytes = file->f_inode->i_sb->s_maxbytes;
	spin_unlock(&vfs_lock);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = file->f_pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (offset < 0 || offset >= size)
			return -ENXIO;
		file->f_pos = whence == SEEK_DATA ? offset : size;
		return file->f_pos;
	default:
		return -EINVAL;
	}
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
		return -EINVAL;
	if (S_ISREG(file->f_inode->i_mode) && base + offset > max_bytes)
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
	/* Removed while open: Linux's IS_DEADDIR. */
	if (READ_ONCE(file->f_inode->i_nlink) == 0)
		return -ENOENT;
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
