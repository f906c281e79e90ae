/* A disk image on the host (a regular file or a block device), opened and
 * locked for one VM, and the synchronous operations on it that every I/O
 * engine falls back to. Block device models (virtio-blk) sit on top. */
#ifndef VMM_BLOCK_DISK_H
#define VMM_BLOCK_DISK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "../error.h"

struct disk_options {
	const char *path;
	bool is_read_only;
	/* cache=none: O_DIRECT, around the host page cache. Transfers that
	 * O_DIRECT's alignment rules refuse go through the page cache. */
	bool is_direct;
};

struct disk {
	char *path;
	int fd; /* opened O_DIRECT when is_direct; holds the lock */
	int buffered_fd; /* fd itself unless is_direct */
	uint64_t size_bytes;
	/* The host's preferred I/O size (a power of two, 512 to 64 KiB): the
	 * physical sector or file-system block, a hint for the guest. */
	uint32_t io_size_bytes;
	bool is_read_only;
	bool is_direct;
};

/* Opens and locks the image: a write lock, or a read lock when read-only,
 * so no two VMs write one image and none reads it while another writes.
 * Errors name the path and the fix ("PATH: No such file or directory
 * (create it with ...)"). Returns 0 or a negative errno with err set. */
int disk_open(struct disk *disk, const struct disk_options *options, struct vitro_error *err);
void disk_close(struct disk *disk);

/* Whole transfers of iov[0, nr) at offset: short counts are resumed, and a
 * read past the end of the file reads zeros. iov may be changed. Return 0
 * or a negative errno. */
int disk_read(const struct disk *disk, struct iovec *iov, unsigned int nr, uint64_t offset);
int disk_write(const struct disk *disk, struct iovec *iov, unsigned int nr, uint64_t offset);

/* The descriptor suited to this transfer: the O_DIRECT one when buffers,
 * lengths and offset are all aligned for it. */
int disk_fd_for(const struct disk *disk, const struct iovec *iov, unsigned int nr, uint64_t offset);

/* fdatasync: everything written so far is on stable storage. */
int disk_flush(const struct disk *disk);

/* The range's blocks may be freed; a hint, so where the host cannot punch
 * holes it is a success that changes nothing. */
int disk_discard(const struct disk *disk, uint64_t offset, uint64_t len);

/* The range reads as zeros afterwards; with may_unmap its blocks may be
 * freed. Falls back from hole punching to zeroing to writing zeros. */
int disk_write_zeroes(const struct disk *disk, uint64_t offset, uint64_t len, bool may_unmap);

#endif
