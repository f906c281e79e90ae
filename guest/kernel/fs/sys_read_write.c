/* Moving bytes between user memory and files: read, write, their vectored
 * (readv, writev) and positional (pread64, pwrite64, preadv, pwritev,
 * preadv2, pwritev2) forms, and lseek. The VFS reads and writes kernel
 * memory, so the bytes pass through a kernel buffer, gathered from and
 * scattered to the caller's vectors: a write of up to PIPE_BUF bytes,
 * vectored or not, reaches a pipe as one atomic write. */
#include <asm/poll.h>
#include <linux/uio.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mm.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

/* Linux caps one read or write at 2 GiB minus a page (MAX_RW_COUNT). */
#define MAX_RW_COUNT (0x7ffff000ul)
#define BOUNCE_SIZE (4 * PAGE_SIZE)

/* preadv2/pwritev2 flags (<linux/fs.h>). */
#ifndef RWF_HIPRI
#define RWF_HIPRI 0x01u
#define RWF_DSYNC 0x02u
#define RWF_SYNC 0x04u
#define RWF_NOWAIT 0x08u
#define RWF_APPEND 0x10u
#endif

/* The x86-64 struct iovec, with the user address as a number. */
struct user_iovec {
	uint64_t base;
	uint64_t len;
};

/* A walk over the caller's vectors. */
struct user_iter {
	const struct user_iovec *iov;
	unsigned long nr, index;
	uint64_t offset; /* into iov[index] */
};

/* Scatters n bytes of src; returns how many reached user memory. */
static size_t iter_copy_out(struct user_iter *it, const uint8_t *src, size_t n)
{
	size_t done = 0;

	while (done < n && it->index < it->nr) {
		const struct user_iovec *v = &it->iov[it->index];
		uint64_t chunk = v->len - it->offset;
		unsigned long missed;

		if (chunk > n - done)
			chunk = n - done;
		missed = copy_to_user(v->base + it->offset, src + done, chunk);
		done += chunk - missed;
		it->offset += chunk - missed;
		if (missed)
			break;
		if (it->offset == v->len) {
			it->index++;
			it->offset = 0;
		}
	}
	return done;
}

/* Gathers up to n bytes into dst; returns how many it could read. */
static size_t iter_copy_in(struct user_iter *it, uint8_t *dst, size_t n)
{
	size_t done = 0;

	while (done < n && it->index < it->nr) {
		const struct user_iovec *v = &it->iov[it->index];
		uint64_t chunk = v->len - it->offset;
		unsigned long missed;

		if (chunk > n - done)
			chunk = n - done;
		missed = copy_from_user(dst + done, v->base + it->offset, chunk);
		done += chunk - missed;
		it->offset += chunk - missed;
		if (missed)
			break;
		if (it->offset == v->len) {
			it->index++;
			it->offset = 0;
		}
	}
	return done;
}

/* Reads total bytes into the vectors, at *pos or (NULL) the file position.
 * A regular file is read until done; a stream (pipe, terminal) only while
 * it has more to give now, so a read never waits once it has something. */
static long do_read(struct file *file, struct user_iter *it, size_t total, int64_t *pos)
{
	size_t size = total < BOUNCE_SIZE ? total : BOUNCE_SIZE;
	uint8_t *bounce;
	long done = 0;

	/* Nothing to read: nothing asked of the driver, as long as it could be. */
	if (total == 0)
		return S_ISDIR(file->f_inode->i_mode) ? -EISDIR : 0;
	bounce = kmalloc(size, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while ((size_t)done < total) {
		size_t chunk = total - (size_t)done < size ? total - (size_t)done : size;
		long n = pos ? vfs_pread(file, bounce, chunk, *pos) : vfs_read(file, bounce, chunk);
		size_t copied;

		if (n < 0) {
			if (!done)
				done = n;
			break;
		}
		copied = iter_copy_out(it, bounce, (size_t)n);
		if (pos)
			*pos += (int64_t)copied;
		else if (copied < (size_t)n && vfs_file_is_seekable(file))
			file->f_pos -= (int64_t)((size_t)n - copied);
		done += (long)copied;
		if (copied < (size_t)n) {
			if (!done)
				done = -EFAULT;
			break;
		}
		if ((size_t)n < chunk || n == 0)
			break;
		if (!S_ISREG(file->f_inode->i_mode) && !(vfs_poll(file, NULL) & POLLIN))
			break;
	}
	kfree(bounce);
	return done;
}

/* Writes total bytes from the vectors; stops at a short write or at the
 * first byte that cannot be read from user memory. */
static long do_write(struct file *file, struct user_iter *it, size_t total, int64_t *pos)
{
	size_t size = total < BOUNCE_SIZE ? total : BOUNCE_SIZE;
	uint8_t *bounce;
	long done = 0;

	if (total == 0)
		return file->f_op->write ? 0 : -EINVAL;
	bounce = kmalloc(size, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while ((size_t)done < total) {
		size_t chunk = total - (size_t)done < size ? total - (size_t)done : size;
		size_t got = iter_copy_in(it, bounce, chunk);
		long n;

		if (got == 0) {
			if (!done)
				done = -EFAULT;
			break;
		}
		/* -EPIPE: SIGPIPE is raised here once signals exist. */
		n = pos ? vfs_pwrite(file, bounce, got, *pos) : vfs_write(file, bounce, got);
		if (n < 0) {
			if (!done)
				done = n;
			break;
		}
		done += n;
		if (pos)
			*pos += n;
		if ((size_t)n < got || got < chunk)
			break;
	}
	kfree(bounce);
	return done;
}

/* Copies and checks the caller's vectors (Linux's import_iovec): at most
 * UIO_MAXIOV, none longer than SSIZE_MAX (EINVAL), each in user memory
 * (EFAULT); the total is capped at MAX_RW_COUNT. */
static long import_iovec(uint64_t uiov, unsigned long nr, struct user_iovec **result, size_t *total)
{
	struct user_iovec *iov;
	size_t sum = 0;

	if (nr > UIO_MAXIOV)
		return -EINVAL;
	iov = kmalloc((nr ? nr : 1) * sizeof(*iov), GFP_KERNEL);
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, uiov, nr * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (unsigned long i = 0; i < nr; i++) {
		if ((int64_t)iov[i].len < 0) {
			kfree(iov);
			return -EINVAL;
		}
		if (!access_ok(iov[i].base, iov[i].len)) {
			kfree(iov);
			return -EFAULT;
		}
		if (iov[i].len > MAX_RW_COUNT - sum)
			iov[i].len = MAX_RW_COUNT - sum;
		sum += iov[i].len;
	}
	*result = iov;
	*total = sum;
	return 0;
}

/* What every read and write checks of its file, in Linux's order (a
 * negative position was refused before the descriptor was looked at). */
static long rw_checks(struct file *file, bool is_write, const int64_t *pos)
{
	if (pos && !vfs_file_is_seekable(file))
		return -ESPIPE;
	if (!(file->f_mode & (is_write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	return 0;
}

/* /proc/<pid>/io, as Linux counts it: every call, and the bytes moved. */
static void account_rw(bool is_write, long ret)
{
	if (is_write) {
		current->io_syscw++;
		if (ret > 0)
			current->io_wchar += (uint64_t)ret;
	} else {
		current->io_syscr++;
		if (ret > 0)
			current->io_rchar += (uint64_t)ret;
	}
}

static long rw_vector(int fd, uint64_t uiov, unsigned long nr, int64_t *pos, bool is_write)
{
	struct user_iovec *iov;
	struct user_iter it;
	struct file *file;
	size_t total;
	long ret;

	if (pos && *pos < 0)
		return -EINVAL;
	file = fdget(fd);
	if (!file)
		return -EBADF;
	ret = rw_checks(file, is_write, pos);
	if (ret)
		goto out;
	ret = import_iovec(uiov, nr, &iov, &total);
	if (ret)
		goto out;
	it = (struct user_iter){ .iov = iov, .nr = nr };
	ret = is_write ? do_write(file, &it, total, pos) : do_read(file, &it, total, pos);
	kfree(iov);
out:
	vfs_close(file);
	account_rw(is_write, ret);
	return ret;
}

static long rw_buffer(int fd, uint64_t ubuf, size_t count, int64_t *pos, bool is_write)
{
	struct user_iovec v = { .base = ubuf, .len = count < MAX_RW_COUNT ? count : MAX_RW_COUNT };
	struct user_iter it = { .iov = &v, .nr = 1 };
	struct file *file;
	long ret;

	if (pos && *pos < 0)
		return -EINVAL;
	file = fdget(fd);
	if (!file)
		return -EBADF;
	ret = rw_checks(file, is_write, pos);
	if (!ret && !access_ok(ubuf, v.len))
		ret = -EFAULT;
	if (!ret)
		ret = is_write ? do_write(file, &it, v.len, pos) : do_read(file, &it, v.len, pos);
	vfs_close(file);
	account_rw(is_write, ret);
	return ret;
}

SYSCALL_DEFINE3(read, int, fd, uint64_t, ubuf, size_t, count)
{
	return rw_buffer(fd, ubuf, count, NULL, false);
}

SYSCALL_DEFINE3(write, int, fd, uint64_t, ubuf, size_t, count)
{
	return rw_buffer(fd, ubuf, count, NULL, true);
}

SYSCALL_DEFINE4(pread64, int, fd, uint64_t, ubuf, size_t, count, int64_t, pos)
{
	return rw_buffer(fd, ubuf, count, &pos, false);
}

SYSCALL_DEFINE4(pwrite64, int, fd, uint64_t, ubuf, size_t, count, int64_t, pos)
{
	return rw_buffer(fd, ubuf, count, &pos, true);
}

SYSCALL_DEFINE3(readv, int, fd, uint64_t, uiov, unsigned long, nr)
{
	return rw_vector(fd, uiov, nr, NULL, false);
}

SYSCALL_DEFINE3(writev, int, fd, uint64_t, uiov, unsigned long, nr)
{
	return rw_vector(fd, uiov, nr, NULL, true);
}

/* On x86-64 the position is whole in pos_low; pos_high is for 32-bit
 * callers and ignored, as Linux's pos_from_hilo() does. */
SYSCALL_DEFINE5(preadv, int, fd, uint64_t, uiov, unsigned long, nr, int64_t, pos_low, unsigned long,
		pos_high)
{
	(void)pos_high;
	return rw_vector(fd, uiov, nr, &pos_low, false);
}

SYSCALL_DEFINE5(pwritev, int, fd, uint64_t, uiov, unsigned long, nr, int64_t, pos_low,
		unsigned long, pos_high)
{
	(void)pos_high;
	return rw_vector(fd, uiov, nr, &pos_low, true);
}

/* RWF_HIPRI asks for polling, RWF_DSYNC/RWF_SYNC for the data on stable
 * storage: neither changes anything in memory. RWF_NOWAIT and RWF_APPEND
 * are not done: EOPNOTSUPP, Linux's answer where a file lacks them. */
static long rw_vector2(int fd, uint64_t uiov, unsigned long nr, int64_t pos, unsigned int flags,
		       bool is_write)
{
	if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC))
		return -EOPNOTSUPP;
	/* Position -1: the file position, as readv/writev. */
	return rw_vector(fd, uiov, nr, pos == -1 ? NULL : &pos, is_write);
}

SYSCALL_DEFINE6(preadv2, int, fd, uint64_t, uiov, unsigned long, nr, int64_t, pos_low,
		unsigned long, pos_high, unsigned int, flags)
{
	(void)pos_high;
	return rw_vector2(fd, uiov, nr, pos_low, flags, false);
}

SYSCALL_DEFINE6(pwritev2, int, fd, uint64_t, uiov, unsigned long, nr, int64_t, pos_low,
		unsigned long, pos_high, unsigned int, flags)
{
	(void)pos_high;
	return rw_vector2(fd, uiov, nr, pos_low, flags, true);
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, offset, unsigned int, whence)
{
	struct file *file = fdget(fd);
	int64_t ret;

	if (!file)
		return -EBADF;
	ret = whence > SEEK_HOLE ? -EINVAL : vfs_lseek(file, offset, (int)whence);
	vfs_close(file);
	return ret;
}
