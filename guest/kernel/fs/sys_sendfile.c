/* sendfile(2): bytes from one file to another through a kernel buffer,
 * from the input's position or from *offset (which it then advances,
 * leaving the input's position alone). */
#include <asm/poll.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

#define MAX_RW_COUNT (0x7ffff000ul)
#define BOUNCE_SIZE (4 * PAGE_SIZE)

static long copy_between(struct file *in, struct file *out, int64_t *pos, size_t count)
{
	size_t size = count < BOUNCE_SIZE ? count : BOUNCE_SIZE;
	uint8_t *bounce = kmalloc(size ? size : 1, GFP_KERNEL);
	long done = 0;

	if (!bounce)
		return -ENOMEM;
	while ((size_t)done < count) {
		size_t chunk = count - (size_t)done < size ? count - (size_t)done : size;
		long n = pos ? vfs_pread(in, bounce, chunk, *pos) : vfs_read(in, bounce, chunk);
		long w;

		if (n <= 0) {
			if (!done)
				done = n;
			break;
		}
		w = vfs_write(out, bounce, (size_t)n);
		if (w < 0) {
			/* What was read but not written goes back, where it can. */
			if (!pos && vfs_file_is_seekable(in))
				in->f_pos -= n;
			if (!done)
				done = w;
			break;
		}
		if (w < n && !pos && vfs_file_is_seekable(in))
			in->f_pos -= n - w;
		done += w;
		if (pos)
			*pos += w;
		if (w < n || (size_t)n < chunk)
			break;
		/* A pipe or terminal with nothing more now: done, not waiting. */
		if (!S_ISREG(in->f_inode->i_mode) && !(vfs_poll(in, NULL) & POLLIN))
			break;
	}
	kfree(bounce);
	return done;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, uint64_t, uoffset, size_t, count)
{
	struct file *in = fdget(in_fd), *out = fdget(out_fd);
	int64_t pos = 0;
	long ret = -EBADF;

	if (!in || !out || !(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		goto out;
	/* As Linux: not onto a file opened for appending. */
	ret = -EINVAL;
	if (out->f_flags & O_APPEND)
		goto out;
	if (uoffset) {
		ret = -EFAULT;
		if (get_user(pos, (int64_t *)uoffset))
			goto out;
		ret = -ESPIPE;
		if (!vfs_file_is_seekable(in))
			goto out;
		ret = -EINVAL;
		if (pos < 0)
			goto out;
	}
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	ret = count ? copy_between(in, out, uoffset ? &pos : NULL, count) : 0;
	if (uoffset && put_user(pos, (int64_t *)uoffset))
		ret = -EFAULT;
out:
	if (in)
		vfs_close(in);
	if (out)
		vfs_close(out);
	return ret;
}
