/* See disk.h. */
#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../iov.h"

/* What O_DIRECT wants of buffers, lengths and offsets on most hosts; where
 * it wants more, the transfer fails with EINVAL and goes through the page
 * cache instead. */
#define DISK_DIRECT_ALIGN 512
#define DISK_IO_SIZE_MIN 512u
#define DISK_IO_SIZE_MAX 65536u

static uint32_t disk_clamp_io_size(uint64_t size)
{
	uint32_t io_size = DISK_IO_SIZE_MIN;

	while (io_size < size && io_size < DISK_IO_SIZE_MAX)
		io_size <<= 1;
	return io_size;
}

static int disk_open_error(const char *path, const struct disk_options *options, int e,
			   struct vitro_error *err)
{
	switch (e) {
	case ENOENT:
		return vitro_error_set(
			err, -e,
			"%s: No such file or directory (create it with 'truncate -s 1G %s')", path,
			path);
	case EACCES:
	case EROFS:
	case EPERM:
		if (!options->is_read_only)
			return vitro_error_set(err, -e,
					       "%s: %s (make it writable, or attach it with ,ro)",
					       path, strerror(e));
		break;
	case EINVAL:
		if (options->is_direct)
			return vitro_error_set(
				err, -e,
				"%s: its file system cannot do cache=none (O_DIRECT; use cache=writeback)",
				path);
		break;
	}
	return vitro_error_set(err, -e, "%s: %s", path, strerror(e));
}

static int disk_measure(struct disk *disk, struct vitro_error *err)
{
	struct stat st;
	uint64_t size;
	int sector;

	if (fstat(disk->fd, &st))
		return vitro_error_set(err, -errno, "%s: %s", disk->path, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		disk->size_bytes = st.st_size;
		disk->io_size_bytes = disk_clamp_io_size(st.st_blksize);
		return 0;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(disk->fd, BLKGETSIZE64, &size))
			return vitro_error_set(err, -errno, "%s: cannot read its size: %s",
					       disk->path, strerror(errno));
		disk->size_bytes = size;
		if (ioctl(disk->fd, BLKPBSZGET, &sector))
			sector = DISK_IO_SIZE_MIN;
		disk->io_size_bytes = disk_clamp_io_size(sector);
		return 0;
	}
	return vitro_error_set(err, -EINVAL, "%s: not a regular file or block device", disk->path);
}

/* Open file description locks: they belong to this open file, not to the
 * process, so a second --disk of the same image in one vitro conflicts too,
 * and they go away with the descriptor. */
static int disk_lock(struct disk *disk, struct vitro_error *err)
{
	struct flock lock = {
		.l_type = disk->is_read_only ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
	};

	if (!fcntl(disk->fd, F_OFD_SETLK, &lock))
		return 0;
	if (errno == EAGAIN || errno == EACCES)
		return vitro_error_set(
			err, -EBUSY,
			"%s: in use by another VM, or by another --disk of this one (the image is locked; stop the other user, or attach it read-only everywhere with ,ro)",
			disk->path);
	return vitro_error_set(err, -errno, "%s: cannot lock the image: %s", disk->path,
			       strerror(errno));
}

/* A second, buffered descriptor for the same open file, through /proc so
 * that a rename of the path in between cannot swap the file. */
static int disk_open_buffered(struct disk *disk, struct vitro_error *err)
{
	char self[64];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", disk->fd);
	disk->buffered_fd = open(self, (disk->is_read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (disk->buffered_fd < 0)
		return vitro_error_set(err, -errno, "%s: cannot reopen it without O_DIRECT: %s",
				       disk->path, strerror(errno));
	return 0;
}

int disk_open(struct disk *disk, const struct disk_options *options, struct vitro_error *err)
{
	int flags = (options->is_read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	int rc;

	memset(disk, 0, sizeof(*disk));
	disk->fd = disk->buffered_fd = -1;
	disk->is_read_only = options->is_read_only;
	disk->is_direct = options->is_direct;
	disk->path = strdup(options->path);
	if (!disk->path)
		return vitro_error_set(err, -ENOMEM, "out of memory");
	disk->fd = open(options->path, flags | (options->is_direct ? O_DIRECT : 0));
	if (disk->fd < 0) {
		rc = disk_open_error(options->path, options, errno, err);
		goto err_free_path;
	}
	rc = disk_measure(disk, err);
	rc = rc ?: disk_lock(disk, err);
	if (rc)
		goto err_close;
	if (!disk->is_direct) {
		disk->buffered_fd = disk->fd;
		return 0;
	}
	rc = disk_open_buffered(disk, err);
	if (rc)
		goto err_close;
	return 0;

err_close:
	close(disk->fd);
err_free_path:
	free(disk->path);
	memset(disk, 0, sizeof(*disk));
	disk->fd = disk->buffered_fd = -1;
	return rc;
}

void disk_close(struct disk *disk)
{
	if (disk->buffered_fd >= 0 && disk->buffered_fd != disk->fd)
		close(disk->buffered_fd);
	if (disk->fd >= 0)
		close(disk->fd);
	free(disk->path);
	memset(disk, 0, sizeof(*disk));
	disk->fd = disk->buffered_fd = -1;
}

int disk_fd_for(const struct disk *disk, const struct iovec *iov, unsigned int nr, uint64_t offset)
{
	unsigned int i;

	if (!disk->is_direct || offset % DISK_DIRECT_ALIGN)
		return disk->buffered_fd;
	for (i = 0; i < nr; i++)
		if ((uintptr_t)iov[i].iov_base % DISK_DIRECT_ALIGN ||
		    iov[i].iov_len % DISK_DIRECT_ALIGN)
			return disk->buffered_fd;
	return disk->fd;
}

static int disk_transfer(const struct disk *disk, bool is_write, struct iovec *iov, unsigned int nr,
			 uint64_t offset)
{
	int fd = disk_fd_for(disk, iov, nr, offset);

	while (nr) {
		unsigned int batch = nr < IOV_MAX ? nr : IOV_MAX;
		ssize_t n =
			is_write ? pwritev(fd, iov, batch, offset) : preadv(fd, iov, batch, offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EINVAL && fd != disk->buffered_fd) {
				fd = disk->buffered_fd;
				continue;
			}
			return -errno;
		}
		if (!n && iov_length(iov, batch)) {
			unsigned int i;

			if (is_write)
				return -EIO;
			/* The file ends here (it shrank under us): zeros. */
			for (i = 0; i < nr; i++)
				memset(iov[i].iov_base, 0, iov[i].iov_len);
			return 0;
		}
		offset += n;
		iov_advance(&iov, &nr, n);
	}
	return 0;
}

int disk_read(const struct disk *disk, struct iovec *iov, unsigned int nr, uint64_t offset)
{
	return disk_transfer(disk, false, iov, nr, offset);
}

int disk_write(const struct disk *disk, struct iovec *iov, unsigned int nr, uint64_t offset)
{
	if (disk->is_read_only)
		return -EROFS;
	return disk_transfer(disk, true, iov, nr, offset);
}

int disk_flush(const struct disk *disk)
{
	while (fdatasync(disk->fd))
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int disk_fallocate(const struct disk *disk, int mode, uint64_t offset, uint64_t len)
{
	while (fallocate(disk->fd, mode, offset, len))
		if (errno != EINTR)
			return -errno;
	return 0;
}

static bool is_unsupported(int rc)
{
	return rc == -EOPNOTSUPP || rc == -ENOTTY || rc == -ENOSYS || rc == -EINVAL;
}

int disk_discard(const struct disk *disk, uint64_t offset, uint64_t len)
{
	int rc;

	if (disk->is_read_only)
		return -EROFS;
	rc = disk_fallocate(disk, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len);
	return is_unsupported(rc) ? 0 : rc;
}

static int disk_write_zero_buffers(const struct disk *disk, uint64_t offset, uint64_t len)
{
	static uint8_t zero_block[65536]; /* never written */
	struct iovec iov;
	int rc;

	while (len) {
		size_t chunk = len < sizeof(zero_block) ? len : sizeof(zero_block);

		iov = (struct iovec){ zero_block, chunk };
		rc = disk_transfer(disk, true, &iov, 1, offset);
		if (rc)
			return rc;
		offset += chunk;
		len -= chunk;
	}
	return 0;
}

int disk_write_zeroes(const struct disk *disk, uint64_t offset, uint64_t len, bool may_unmap)
{
	int rc = -EOPNOTSUPP;

	if (disk->is_read_only)
		return -EROFS;
	if (may_unmap)
		rc = disk_fallocate(disk, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len);
	if (is_unsupported(rc))
		rc = disk_fallocate(disk, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset, len);
	if (is_unsupported(rc))
		rc = disk_write_zero_buffers(disk, offset, len);
	return rc;
}
