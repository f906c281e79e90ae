/* A queue of asynchronous I/O on one disk, for one thread: on io_uring where
 * the host allows it, else done synchronously with preadv/pwritev as it is
 * queued. Either way completions come back through disk_queue_reap(), so a
 * device model has one path for both. One queue per device queue (and
 * thread); several may share a disk. */
#ifndef VMM_BLOCK_DISK_QUEUE_H
#define VMM_BLOCK_DISK_QUEUE_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "disk.h"

enum disk_engine {
	DISK_ENGINE_AUTO, /* io_uring, or synchronous if io_uring cannot be set up */
	DISK_ENGINE_IO_URING,
	DISK_ENGINE_SYNC,
};

enum disk_io_op {
	DISK_IO_READ,
	DISK_IO_WRITE,
	DISK_IO_FLUSH,
	DISK_IO_DISCARD,
	DISK_IO_WRITE_ZEROES,
	DISK_IO_WRITE_ZEROES_UNMAP, /* the blocks may be freed */
};

/* One operation, owned by the caller until it comes back from reap. */
struct disk_io {
	enum disk_io_op op;
	struct iovec *iov; /* READ, WRITE: the queue may change the array */
	unsigned int nr_iov;
	uint64_t offset;
	uint64_t len; /* DISCARD, WRITE_ZEROES; set by disk_queue_add for transfers */
	int result; /* on completion: 0 or a negative errno */
	struct disk_io *next_done;
};

struct disk_queue {
	const struct disk *disk;
	bool is_io_uring;
	struct io_uring ring;
	int event_fd; /* io_uring completions; -1 for the synchronous engine */
	unsigned int depth;
	unsigned int nr_in_flight; /* in the kernel */
	struct disk_io *done_head; /* completed, not yet reaped */
	struct disk_io *done_tail;
};

/* depth: the most operations in flight at once. Returns 0 or a negative
 * errno (only DISK_ENGINE_IO_URING can fail for want of io_uring). */
int disk_queue_init(struct disk_queue *queue, const struct disk *disk, unsigned int depth,
		    enum disk_engine engine);

/* Waits for operations in flight, drops every completion, frees the queue. */
void disk_queue_destroy(struct disk_queue *queue);

/* Queues io; at most depth may be queued or in flight. Discards and
 * zeroing are rare and done at once on either engine. */
void disk_queue_add(struct disk_queue *queue, struct disk_io *io);

/* Hands what was queued to the kernel. */
void disk_queue_submit(struct disk_queue *queue);

/* Passes each completed operation to done(io, opaque). With wait, and
 * nothing completed yet but something in flight, waits for one first.
 * Returns how many completed. */
unsigned int disk_queue_reap(struct disk_queue *queue, bool wait,
			     void (*done)(struct disk_io *io, void *opaque), void *opaque);

/* Readable when io_uring has completions; -1 with the synchronous engine,
 * whose completions are ready as soon as disk_queue_add returns. */
static inline int disk_queue_event_fd(const struct disk_queue *queue)
{
	return queue->event_fd;
}

#endif
