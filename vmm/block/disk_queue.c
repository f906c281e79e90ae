/* See disk_queue.h. io_uring through liburing: vectored reads and writes,
 * and fsync with IORING_FSYNC_DATASYNC for flushes. */
#include "disk_queue.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../iov.h"

static int disk_io_run_sync(const struct disk *disk, struct disk_io *io)
{
	switch (io->op) {
	case DISK_IO_READ:
		return disk_read(disk, io->iov, io->nr_iov, io->offset);
	case DISK_IO_WRITE:
		return disk_write(disk, io->iov, io->nr_iov, io->offset);
	case DISK_IO_FLUSH:
		return disk_flush(disk);
	case DISK_IO_DISCARD:
		return disk_discard(disk, io->offset, io->len);
	case DISK_IO_WRITE_ZEROES:
		return disk_write_zeroes(disk, io->offset, io->len, false);
	case DISK_IO_WRITE_ZEROES_UNMAP:
		return disk_write_zeroes(disk, io->offset, io->len, true);
	}
	return -EINVAL;
}

static void disk_queue_complete(struct disk_queue *queue, struct disk_io *io, int result)
{
	io->result = result;
	io->next_done = NULL;
	if (queue->done_tail)
		queue->done_tail->next_done = io;
	else
		queue->done_head = io;
	queue->done_tail = io;
}

static void disk_queue_exit_io_uring(struct disk_queue *queue)
{
	io_uring_queue_exit(&queue->ring);
	if (queue->event_fd >= 0)
		close(queue->event_fd);
	queue->event_fd = -1;
	queue->is_io_uring = false;
}

int disk_queue_init(struct disk_queue *queue, const struct disk *disk, unsigned int depth,
		    enum disk_engine engine)
{
	int rc;

	memset(queue, 0, sizeof(*queue));
	queue->disk = disk;
	queue->depth = depth;
	queue->event_fd = -1;
	if (engine == DISK_ENGINE_SYNC)
		return 0;
	rc = io_uring_queue_init(depth, &queue->ring, 0);
	if (rc)
		return engine == DISK_ENGINE_IO_URING ? rc : 0;
	queue->is_io_uring = true;
	queue->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	rc = queue->event_fd < 0 ? -errno :
				   io_uring_register_eventfd(&queue->ring, queue->event_fd);
	if (rc) {
		disk_queue_exit_io_uring(queue);
		return engine == DISK_ENGINE_IO_URING ? rc : 0;
	}
	return 0;
}

static bool disk_io_suits_io_uring(const struct disk_queue *queue, const struct disk_io *io)
{
	switch (io->op) {
	case DISK_IO_READ:
		return io->nr_iov && io->nr_iov <= IOV_MAX;
	case DISK_IO_WRITE:
		return io->nr_iov && io->nr_iov <= IOV_MAX && !queue->disk->is_read_only;
	case DISK_IO_FLUSH:
		return true;
	default:
		return false;
	}
}

void disk_queue_add(struct disk_queue *queue, struct disk_io *io)
{
	const struct disk *disk = queue->disk;
	struct io_uring_sqe *sqe = NULL;

	if (io->op == DISK_IO_READ || io->op == DISK_IO_WRITE)
		io->len = iov_length(io->iov, io->nr_iov);
	if (queue->is_io_uring && disk_io_suits_io_uring(queue, io)) {
		sqe = io_uring_get_sqe(&queue->ring);
		if (!sqe) {
			disk_queue_submit(queue);
			sqe = io_uring_get_sqe(&queue->ring);
		}
	}
	if (!sqe) {
		disk_queue_complete(queue, io, disk_io_run_sync(disk, io));
		return;
	}
	if (io->op == DISK_IO_READ)
		io_uring_prep_readv(sqe, disk_fd_for(disk, io->iov, io->nr_iov, io->offset),
				    io->iov, io->nr_iov, io->offset);
	else if (io->op == DISK_IO_WRITE)
		io_uring_prep_writev(sqe, disk_fd_for(disk, io->iov, io->nr_iov, io->offset),
				     io->iov, io->nr_iov, io->offset);
	else
		io_uring_prep_fsync(sqe, disk->fd, IORING_FSYNC_DATASYNC);
	io_uring_sqe_set_data(sqe, io);
	queue->nr_in_flight++;
}

void disk_queue_submit(struct disk_queue *queue)
{
	/* On other errors the entries stay queued: the next submit, or the
	 * submit-and-wait in reap, hands them over. */
	if (queue->is_io_uring)
		while (io_uring_submit(&queue->ring) == -EINTR)
			;
}

/* io_uring's answer for io: a short or refused transfer is finished
 * synchronously (O_DIRECT refuses misaligned buffers with EINVAL; a read
 * at the end of a file that shrank comes back short). */
static int disk_io_finish(const struct disk *disk, struct disk_io *io, int res)
{
	struct iovec *iov = io->iov;
	unsigned int nr = io->nr_iov;

	if (io->op == DISK_IO_FLUSH)
		return res < 0 ? res : 0;
	if (res == -EINVAL || res == -EAGAIN || res == -EINTR)
		return disk_io_run_sync(disk, io);
	if (res < 0)
		return res;
	if ((uint64_t)res >= io->len)
		return 0;
	iov_advance(&iov, &nr, res);
	return io->op == DISK_IO_READ ? disk_read(disk, iov, nr, io->offset + res) :
					disk_write(disk, iov, nr, io->offset + res);
}

static void disk_queue_reap_io_uring(struct disk_queue *queue, bool wait)
{
	struct io_uring_cqe *cqe;
	uint64_t count;

	/* Drained before looking, so a completion after the look rings it
	 * again; EAGAIN just means nothing had rung. */
	if (read(queue->event_fd, &count, sizeof(count)) < 0)
		count = 0;
	if (wait && queue->nr_in_flight)
		while (io_uring_submit_and_wait(&queue->ring, 1) == -EINTR)
			;
	while (queue->nr_in_flight && !io_uring_peek_cqe(&queue->ring, &cqe)) {
		struct disk_io *io = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&queue->ring, cqe);
		queue->nr_in_flight--;
		disk_queue_complete(queue, io, disk_io_finish(queue->disk, io, res));
	}
}

unsigned int disk_queue_reap(struct disk_queue *queue, bool wait,
			     void (*done)(struct disk_io *io, void *opaque), void *opaque)
{
	unsigned int nr_done = 0;

	if (queue->is_io_uring)
		disk_queue_reap_io_uring(queue, wait && !queue->done_head);
	while (queue->done_head) {
		struct disk_io *io = queue->done_head;

		queue->done_head = io->next_done;
		if (!queue->done_head)
			queue->done_tail = NULL;
		done(io, opaque);
		nr_done++;
	}
	return nr_done;
}

static void disk_io_drop(struct disk_io *io, void *opaque)
{
	(void)io;
	(void)opaque;
}

void disk_queue_destroy(struct disk_queue *queue)
{
	unsigned int nr_in_flight;

	/* The kernel may still be writing into the buffers (guest RAM) of
	 * reads in flight: they must end before the caller reuses them. */
	while (queue->is_io_uring && queue->nr_in_flight) {
		nr_in_flight = queue->nr_in_flight;
		disk_queue_reap(queue, true, disk_io_drop, NULL);
		if (queue->nr_in_flight == nr_in_flight)
			break; /* io_uring refuses to wait: nothing more to do */
	}
	disk_queue_reap(queue, false, disk_io_drop, NULL);
	if (queue->is_io_uring)
		disk_queue_exit_io_uring(queue);
}
