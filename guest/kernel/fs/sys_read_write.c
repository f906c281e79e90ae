/* read(2) and write(2) on the calling process's descriptors, through a kernel
 * bounce buffer (the VFS reads and writes kernel memory). */
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

/* Linux caps one read or write at 2 GiB minus a page (MAX_RW_COUNT). */
#define MAX_RW_COUNT (0x7ffff000ul)
#define BOUNCE_SIZE 4096ul

static long read_to_user(struct file *file, uint64_t ubuf, size_t count)
{
	char *bounce = kmalloc(BOUNCE_SIZE, GFP_KERNEL);
	long done = 0;

	if (!bounce)
		return -ENOMEM;
	while ((size_t)done < count) {
		size_t chunk =
			count - (size_t)done < BOUNCE_SIZE ? count - (size_t)done : BOUNCE_SIZE;
		long n = vfs_read(file, bounce, chunk);

		if (n < 0) {
			if (!done)
				done = n;
			break;
		}
		if (copy_to_user(ubuf + (uint64_t)done, bounce, (unsigned long)n)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		done += n;
		/* A short read (terminal line, pipe, end of file) ends the call. */
		if ((size_t)n < chunk)
			break;
	}
	kfree(bounce);
	return done;
}

static long write_from_user(struct file *file, uint64_t ubuf, size_t count)
{
	char *bounce = kmalloc(BOUNCE_SIZE, GFP_KERNEL);
	long done = 0;

	if (!bounce)
		return -ENOMEM;
	while ((size_t)done < count) {
		size_t chunk =
			count - (size_t)done < BOUNCE_SIZE ? count - (size_t)done : BOUNCE_SIZE;
		long n;

		if (copy_from_user(bounce, ubuf + (uint64_t)done, chunk)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		n = vfs_write(file, bounce, chunk);
		if (n < 0) {
			if (!done)
				done = n;
			break;
		}
		done += n;
		if ((size_t)n < chunk)
			break;
	}
	kfree(bounce);
	return done;
}

SYSCALL_DEFINE3(read, int, fd, uint64_t, ubuf, size_t, count)
{
	struct file *file;
	long ret;

	if (!current->files || !(file = fd_get(current->files, fd)))
		return -EBADF;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	ret = access_ok(ubuf, count) ? read_to_user(file, ubuf, count) : -EFAULT;
	vfs_close(file);
	/* /proc/<pid>/io, as Linux counts it: every call, and bytes moved. */
	current->io_syscr++;
	if (ret > 0)
		current->io_rchar += (uint64_t)ret;
	return ret;
}

SYSCALL_DEFINE3(write, int, fd, uint64_t, ubuf, size_t, count)
{
	struct file *file;
	long ret;

	if (!current->files || !(file = fd_get(current->files, fd)))
		return -EBADF;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	ret = access_ok(ubuf, count) ? write_from_user(file, ubuf, count) : -EFAULT;
	vfs_close(file);
	current->io_syscw++;
	if (ret > 0)
		current->io_wchar += (uint64_t)ret;
	return ret;
}
