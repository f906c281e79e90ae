/* See virtio_blk.h. Request layout and status codes from <linux/virtio_blk.h>;
 * section numbers are virtio 1.2's. A request is a chain whose readable
 * part starts with struct virtio_blk_outhdr and whose last writable byte is
 * the status; where the rest lies in the buffers is up to the driver
 * (2.7.4.2: no assumptions about the descriptor layout). */
#include "virtio_blk.h"

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../iov.h"
#include "../trace/vmm_tracer.h"

#define SECTOR_BYTES 512 /* 5.2.6: sector numbers count 512-byte units */
#define REQUEST_IOV_CAPACITY (VIRTIO_BLK_SEG_MAX + 2) /* data, header, status */

#define BLK_FEATURES                                                         \
	((1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |  \
	 (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_TOPOLOGY) | \
	 (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_MQ))
#define BLK_WRITE_FEATURES ((1ull << VIRTIO_BLK_F_DISCARD) | (1ull << VIRTIO_BLK_F_WRITE_ZEROES))

struct blk_queue;

struct blk_request {
	struct blk_queue *queue;
	struct virtq_chain chain;
	struct disk_io io;
	uint8_t *status; /* the chain's last writable byte */
	uint32_t reply_bytes; /* written before the status when the request succeeds */
	/* For the trace, when it is on: what the header asked, and when. */
	bool is_traced;
	uint32_t type;
	uint64_t sector;
	uint32_t bytes;
	uint64_t start_ns;
};

struct blk_queue {
	struct virtio_blk *blk;
	unsigned int index;
	struct virtq *vq;
	int kick_fd; /* -1 without I/O threads */
	/* From activation to reset: */
	bool is_active;
	bool is_broken_reported;
	struct disk_queue io;
	struct blk_request *requests; /* one per queue entry */
	struct iovec *iov_pool;
	struct blk_request **free;
	unsigned int nr_free;
	pthread_t thread;
	bool has_thread;
	atomic_bool is_stopping;
};

struct virtio_blk {
	struct virtio_device dev;
	struct disk disk;
	struct virtio_blk_options options;
	uint64_t capacity_sectors;
	struct virtio_blk_config config; /* little-endian, as the driver reads it */
	char serial[VIRTIO_BLK_ID_BYTES];
	struct virtq virtqs[VIRTIO_BLK_MAX_QUEUES];
	struct blk_queue queues[VIRTIO_BLK_MAX_QUEUES];
};

static struct virtio_blk *to_blk(struct virtio_device *dev)
{
	return (struct virtio_blk *)((uint8_t *)dev - offsetof(struct virtio_blk, dev));
}

static struct blk_request *to_request(struct disk_io *io)
{
	return (struct blk_request *)((uint8_t *)io - offsetof(struct blk_request, io));
}

/* --- trace events ---------------------------------------------------------- */

static void blk_trace_queue(struct blk_request *req, const struct virtio_blk_outhdr *header)
{
	struct blk_queue *q = req->queue;
	struct virtio_blk *blk = q->blk;
	struct trace_ev_vmm_blk_queue ev;
	const struct virtq_chain *chain = &req->chain;

	req->is_traced = vmm_tracer_wants(blk->options.tracer, TRACE_CAT_BLOCK);
	if (!req->is_traced)
		return;
	req->type = le32toh(header->type);
	req->sector = le64toh(header->sector);
	/* Data bytes: what follows the header, or what precedes the status. */
	req->bytes = req->type == VIRTIO_BLK_T_OUT ?
			     chain->readable_bytes - (uint32_t)sizeof(*header) :
		     req->type == VIRTIO_BLK_T_IN ? chain->writable_bytes - 1 :
						    0;
	req->start_ns = vmm_tracer_now_ns();
	ev = (struct trace_ev_vmm_blk_queue){ .sector = req->sector,
					      .bytes = req->bytes,
					      .dev = blk->options.trace_dev,
					      .type = req->type,
					      .queue = q->index };
	blk->options.tracer->emit(blk->options.tracer, TRACE_EVENT_vmm_blk_queue, &ev, sizeof(ev));
}

/* The request goes to the host's I/O (io_uring, or the synchronous path). */
static void blk_trace_submit(const struct blk_request *req)
{
	struct virtio_blk *blk = req->queue->blk;
	struct trace_ev_vmm_blk_submit ev;

	if (!req->is_traced)
		return;
	ev = (struct trace_ev_vmm_blk_submit){ .sector = req->sector,
					       .queued_ns = vmm_tracer_now_ns() - req->start_ns,
					       .bytes = req->bytes,
					       .dev = blk->options.trace_dev,
					       .type = req->type,
					       .queue = req->queue->index };
	blk->options.tracer->emit(blk->options.tracer, TRACE_EVENT_vmm_blk_submit, &ev, sizeof(ev));
}

static void blk_trace_complete(struct blk_request *req, uint8_t status)
{
	struct virtio_blk *blk = req->queue->blk;
	struct trace_ev_vmm_blk_complete ev;

	if (!req->is_traced)
		return;
	req->is_traced = false;
	ev = (struct trace_ev_vmm_blk_complete){ .sector = req->sector,
						 .latency_ns = vmm_tracer_now_ns() - req->start_ns,
						 .status = status,
						 .bytes = req->bytes,
						 .dev = blk->options.trace_dev,
						 .type = req->type,
						 .queue = req->queue->index };
	blk->options.tracer->emit(blk->options.tracer, TRACE_EVENT_vmm_blk_complete, &ev,
				  sizeof(ev));
}

/* --- requests ----------------------------------------------------------- */

static void blk_request_release(struct blk_request *req, uint32_t used_len)
{
	struct blk_queue *q = req->queue;

	virtq_push_used(q->vq, req->chain.head, used_len);
	q->free[q->nr_free++] = req;
}

/* The used length counts every byte the device wrote: the reply and the
 * status (2.7.8). */
static void blk_request_finish(struct blk_request *req, uint8_t status, uint32_t reply_bytes)
{
	blk_trace_complete(req, status);
	*req->status = status;
	blk_request_release(req, reply_bytes + 1);
}

static void blk_io_done(struct disk_io *io, void *opaque)
{
	struct blk_request *req = to_request(io);

	(void)opaque;
	if (io->result)
		blk_request_finish(req, VIRTIO_BLK_S_IOERR, 0);
	else
		blk_request_finish(req, VIRTIO_BLK_S_OK, req->reply_bytes);
}

static bool blk_sectors_in_range(const struct virtio_blk *blk, uint64_t sector, uint64_t nr_sectors)
{
	return sector <= blk->capacity_sectors && nr_sectors <= blk->capacity_sectors - sector;
}

/* IN reads into the writable buffers before the status byte, OUT writes
 * the readable bytes after the header (5.2.6). */
static void blk_request_transfer(struct blk_request *req, uint64_t sector, bool is_write)
{
	struct virtio_blk *blk = req->queue->blk;
	struct virtq_chain *chain = &req->chain;
	struct disk_io *io = &req->io;
	uint32_t len;

	if (is_write && blk->disk.is_read_only) {
		blk_request_finish(req, VIRTIO_BLK_S_IOERR, 0);
		return;
	}
	len = is_write ? chain->readable_bytes - sizeof(struct virtio_blk_outhdr) :
			 chain->writable_bytes - 1;
	if (len % SECTOR_BYTES || !blk_sectors_in_range(blk, sector, len / SECTOR_BYTES)) {
		blk_request_finish(req, VIRTIO_BLK_S_IOERR, 0);
		return;
	}
	if (!len) {
		blk_request_finish(req, VIRTIO_BLK_S_OK, 0);
		return;
	}
	*io = (struct disk_io){ .op = is_write ? DISK_IO_WRITE : DISK_IO_READ,
				.offset = sector * SECTOR_BYTES };
	if (is_write) {
		io->iov = chain->iov;
		io->nr_iov = iov_trim(chain->iov, chain->nr_readable,
				      sizeof(struct virtio_blk_outhdr), len);
		req->reply_bytes = 0;
	} else {
		io->iov = chain->iov + chain->nr_readable;
		io->nr_iov = iov_trim(io->iov, chain->nr_writable, 0, len);
		req->reply_bytes = len;
	}
	blk_trace_submit(req);
	disk_queue_add(&req->queue->io, io);
}

static void blk_request_get_id(struct blk_request *req)
{
	struct virtio_blk *blk = req->queue->blk;
	struct virtq_chain *chain = &req->chain;
	uint32_t room = chain->writable_bytes - 1;
	uint32_t len = room < VIRTIO_BLK_ID_BYTES ? room : VIRTIO_BLK_ID_BYTES;

	iov_copy_to(chain->iov + chain->nr_readable, chain->nr_writable, 0, blk->serial, len);
	blk_request_finish(req, VIRTIO_BLK_S_OK, len);
}

/* DISCARD and WRITE_ZEROES: an array of ranges after the header. Every
 * range is checked before any is carried out, from one copy of them. */
static uint8_t blk_ranges_check(const struct virtio_blk *blk,
				const struct virtio_blk_discard_write_zeroes *ranges,
				unsigned int nr, bool is_write_zeroes)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		uint32_t flags = le32toh(ranges[i].flags);
		uint32_t nr_sectors = le32toh(ranges[i].num_sectors);

		/* 5.2.6.2: unknown flags, or UNMAP on a discard, are UNSUPP. */
		if (flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP ||
		    (!is_write_zeroes && (flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)))
			return VIRTIO_BLK_S_UNSUPP;
		if (nr_sectors > VIRTIO_BLK_MAX_RANGE_SECTORS ||
		    !blk_sectors_in_range(blk, le64toh(ranges[i].sector), nr_sectors))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

static void blk_request_ranges(struct blk_request *req, bool is_write_zeroes)
{
	struct virtio_blk_discard_write_zeroes ranges[VIRTIO_BLK_MAX_RANGES];
	struct virtio_blk *blk = req->queue->blk;
	struct virtq_chain *chain = &req->chain;
	uint32_t len = chain->readable_bytes - sizeof(struct virtio_blk_outhdr);
	unsigned int feature = is_write_zeroes ? VIRTIO_BLK_F_WRITE_ZEROES : VIRTIO_BLK_F_DISCARD;
	unsigned int i, nr = len / sizeof(ranges[0]);
	uint8_t status;
	int rc = 0;

	if (!virtio_device_has_feature(&blk->dev, feature)) {
		blk_request_finish(req, VIRTIO_BLK_S_UNSUPP, 0);
		return;
	}
	if (blk->disk.is_read_only || !nr || len % sizeof(ranges[0]) ||
	    nr > VIRTIO_BLK_MAX_RANGES) {
		blk_request_finish(req, VIRTIO_BLK_S_IOERR, 0);
		return;
	}
	iov_copy_from(chain->iov, chain->nr_readable, sizeof(struct virtio_blk_outhdr), ranges,
		      len);
	status = blk_ranges_check(blk, ranges, nr, is_write_zeroes);
	for (i = 0; i < nr && status == VIRTIO_BLK_S_OK && !rc; i++) {
		uint64_t offset = le64toh(ranges[i].sector) * SECTOR_BYTES;
		uint64_t bytes = (uint64_t)le32toh(ranges[i].num_sectors) * SECTOR_BYTES;
		bool may_unmap = le32toh(ranges[i].flags) & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;

		rc = is_write_zeroes ? disk_write_zeroes(&blk->disk, offset, bytes, may_unmap) :
				       disk_discard(&blk->disk, offset, bytes);
	}
	blk_request_finish(req, rc ? VIRTIO_BLK_S_IOERR : status, 0);
}

static void blk_request_start(struct blk_request *req)
{
	struct virtq_chain *chain = &req->chain;
	struct virtio_blk_outhdr header;
	const struct iovec *last;

	req->is_traced = false;
	/* Without a writable byte there is nowhere to put a status: the
	 * chain goes back as it came. */
	if (!chain->writable_bytes) {
		blk_request_release(req, 0);
		return;
	}
	last = &chain->iov[chain->nr_readable + chain->nr_writable - 1];
	req->status = (uint8_t *)last->iov_base + last->iov_len - 1;
	if (chain->readable_bytes < sizeof(header)) {
		blk_request_finish(req, VIRTIO_BLK_S_IOERR, 0);
		return;
	}
	iov_copy_from(chain->iov, chain->nr_readable, 0, &header, sizeof(header));
	blk_trace_queue(req, &header);
	switch (le32toh(header.type)) {
	case VIRTIO_BLK_T_IN:
		blk_request_transfer(req, le64toh(header.sector), false);
		break;
	case VIRTIO_BLK_T_OUT:
		blk_request_transfer(req, le64toh(header.sector), true);
		break;
	case VIRTIO_BLK_T_FLUSH:
		req->io = (struct disk_io){ .op = DISK_IO_FLUSH };
		req->reply_bytes = 0;
		blk_trace_submit(req);
		disk_queue_add(&req->queue->io, &req->io);
		break;
	case VIRTIO_BLK_T_GET_ID:
		blk_request_get_id(req);
		break;
	case VIRTIO_BLK_T_DISCARD:
		blk_request_ranges(req, false);
		break;
	case VIRTIO_BLK_T_WRITE_ZEROES:
		blk_request_ranges(req, true);
		break;
	default:
		blk_request_finish(req, VIRTIO_BLK_S_UNSUPP, 0);
		break;
	}
}

/* --- queues --------------------------------------------------------------- */

/* Starts requests until the ring is empty or every request slot is busy;
 * in the second case completions bring the queue back here. */
static void blk_queue_start_requests(struct blk_queue *q)
{
	int rc = 0;

	do {
		virtq_disable_notify(q->vq);
		while (q->nr_free) {
			struct blk_request *req = q->free[q->nr_free - 1];

			rc = virtq_pop_chain(q->vq, &req->chain);
			if (rc <= 0)
				break;
			q->nr_free--;
			blk_request_start(req);
		}
		disk_queue_submit(&q->io);
		if (rc < 0 || !q->nr_free)
			break;
	} while (virtq_enable_notify(q->vq));
	if (rc < 0 && !q->is_broken_reported) {
		q->is_broken_reported = true;
		virtio_device_set_needs_reset(&q->blk->dev);
	}
}

/* Works until the ring is empty and nothing completed is left unanswered;
 * with wait_for_io also until nothing is in flight. */
static void blk_queue_serve(struct blk_queue *q, bool wait_for_io)
{
	do {
		blk_queue_start_requests(q);
		virtio_device_notify_used(&q->blk->dev, q->index);
	} while (disk_queue_reap(&q->io, wait_for_io, blk_io_done, NULL));
}

static void *blk_queue_thread(void *opaque)
{
	struct blk_queue *q = opaque;
	struct pollfd fds[2] = {
		{ .fd = q->kick_fd, .events = POLLIN },
		{ .fd = disk_queue_event_fd(&q->io), .events = POLLIN },
	};
	uint64_t count;

	while (!atomic_load(&q->is_stopping)) {
		if (poll(fds, fds[1].fd >= 0 ? 2 : 1, -1) < 0)
			continue;
		if ((fds[0].revents & POLLIN) && read(q->kick_fd, &count, sizeof(count)) < 0)
			count = 0; /* another reader got it: nothing lost */
		if (atomic_load(&q->is_stopping))
			break;
		blk_queue_serve(q, false);
	}
	return NULL;
}

static int blk_queue_start_thread(struct blk_queue *q)
{
	sigset_t all, old;
	int rc;

	/* The thread takes no signals: they are for the vCPU and main threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	atomic_store(&q->is_stopping, false);
	rc = pthread_create(&q->thread, NULL, blk_queue_thread, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
	q->has_thread = true;
	return 0;
}

static void blk_queue_stop(struct blk_queue *q)
{
	uint64_t one = 1;

	if (q->has_thread) {
		atomic_store(&q->is_stopping, true);
		while (write(q->kick_fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
		pthread_join(q->thread, NULL);
		q->has_thread = false;
	}
	if (q->is_active)
		disk_queue_destroy(&q->io);
	free(q->requests);
	free(q->iov_pool);
	free(q->free);
	q->requests = NULL;
	q->iov_pool = NULL;
	q->free = NULL;
	q->nr_free = 0;
	q->is_active = false;
	q->is_broken_reported = false;
}

static int blk_queue_activate(struct blk_queue *q)
{
	struct virtio_blk *blk = q->blk;
	unsigned int i, nr = q->vq->size;
	int rc;

	q->requests = calloc(nr, sizeof(*q->requests));
	q->iov_pool = calloc((size_t)nr * REQUEST_IOV_CAPACITY, sizeof(*q->iov_pool));
	q->free = calloc(nr, sizeof(*q->free));
	if (!q->requests || !q->iov_pool || !q->free) {
		rc = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < nr; i++) {
		q->requests[i].queue = q;
		q->requests[i].chain.iov = q->iov_pool + (size_t)i * REQUEST_IOV_CAPACITY;
		q->requests[i].chain.iov_capacity = REQUEST_IOV_CAPACITY;
		q->free[i] = &q->requests[nr - 1 - i];
	}
	q->nr_free = nr;
	rc = disk_queue_init(&q->io, &blk->disk, nr, blk->options.engine);
	if (rc)
		goto err_free;
	q->is_active = true;
	if (blk->options.has_io_threads) {
		rc = blk_queue_start_thread(q);
		if (rc)
			goto err_free;
	}
	return 0;

err_free:
	blk_queue_stop(q);
	return rc;
}

/* --- the device's ops -------------------------------------------------- */

static void blk_config_read(struct virtio_device *dev, uint32_t offset, void *data,
			    unsigned int size)
{
	memcpy(data, (const uint8_t *)&to_blk(dev)->config + offset, size);
}

static void blk_reset(struct virtio_device *dev)
{
	struct virtio_blk *blk = to_blk(dev);
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++)
		blk_queue_stop(&blk->queues[i]);
}

static int blk_activate(struct virtio_device *dev)
{
	struct virtio_blk *blk = to_blk(dev);
	unsigned int i;
	int rc;

	for (i = 0; i < dev->nr_queues; i++) {
		if (!dev->queues[i].is_ready)
			continue;
		rc = blk_queue_activate(&blk->queues[i]);
		if (rc) {
			blk_reset(dev);
			return rc;
		}
	}
	return 0;
}

static void blk_queue_notify(struct virtio_device *dev, unsigned int index)
{
	struct blk_queue *q = &to_blk(dev)->queues[index];
	uint64_t one = 1;

	if (!q->is_active)
		return;
	if (q->has_thread) {
		while (write(q->kick_fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
		return;
	}
	blk_queue_serve(q, true);
}

static const struct virtio_device_ops blk_ops = {
	.config_read = blk_config_read,
	.activate = blk_activate,
	.queue_notify = blk_queue_notify,
	.reset = blk_reset,
};

/* --- set-up --------------------------------------------------------------- */

static unsigned int log2_of(uint32_t power_of_two)
{
	unsigned int n = 0;

	while (power_of_two > 1) {
		power_of_two >>= 1;
		n++;
	}
	return n;
}

/* 5.2.4: the configuration layout; fields of features not offered stay 0. */
static void blk_fill_config(struct virtio_blk *blk)
{
	struct virtio_blk_config *c = &blk->config;
	uint32_t io_sectors = blk->disk.io_size_bytes / SECTOR_BYTES;

	memset(c, 0, sizeof(*c));
	c->capacity = htole64(blk->capacity_sectors);
	c->size_max = htole32(VIRTIO_BLK_SIZE_MAX);
	c->seg_max = htole32(VIRTIO_BLK_SEG_MAX);
	c->blk_size = htole32(SECTOR_BYTES);
	c->physical_block_exp = log2_of(io_sectors);
	c->min_io_size = htole16(io_sectors);
	c->num_queues = htole16(blk->dev.nr_queues);
	c->max_discard_sectors = htole32(VIRTIO_BLK_MAX_RANGE_SECTORS);
	c->max_discard_seg = htole32(VIRTIO_BLK_MAX_RANGES);
	c->discard_sector_alignment = htole32(io_sectors);
	c->max_write_zeroes_sectors = htole32(VIRTIO_BLK_MAX_RANGE_SECTORS);
	c->max_write_zeroes_seg = htole32(VIRTIO_BLK_MAX_RANGES);
	c->write_zeroes_may_unmap = 1;
}

static void blk_set_serial(struct virtio_blk *blk, const char *serial)
{
	const char *name = strrchr(blk->disk.path, '/');

	if (!serial)
		serial = name ? name + 1 : blk->disk.path;
	/* NUL-padded, not necessarily terminated (5.2.6: 20 bytes). */
	memset(blk->serial, 0, sizeof(blk->serial));
	memcpy(blk->serial, serial, strnlen(serial, sizeof(blk->serial)));
}

static void blk_close_kick_fds(struct virtio_blk *blk)
{
	unsigned int i;

	for (i = 0; i < VIRTIO_BLK_MAX_QUEUES; i++) {
		if (blk->queues[i].kick_fd >= 0)
			close(blk->queues[i].kick_fd);
		blk->queues[i].kick_fd = -1;
	}
}

int virtio_blk_create(struct virtio_blk **out, struct disk *disk, const struct guest_mem *mem,
		      const struct virtio_blk_options *options, struct vitro_error *err)
{
	struct virtio_blk *blk;
	unsigned int i;

	if (!options->nr_queues || options->nr_queues > VIRTIO_BLK_MAX_QUEUES)
		return vitro_error_set(err, -EINVAL, "%s: queues=%u: from 1 to %u", disk->path,
				       options->nr_queues, VIRTIO_BLK_MAX_QUEUES);
	blk = calloc(1, sizeof(*blk));
	if (!blk)
		return vitro_error_set(err, -ENOMEM, "out of memory");
	blk->disk = *disk;
	blk->options = *options;
	blk->capacity_sectors = disk->size_bytes / SECTOR_BYTES;
	blk->dev = (struct virtio_device){
		.ops = &blk_ops,
		.device_id = VIRTIO_ID_BLOCK,
		.features = VIRTIO_CORE_FEATURES | BLK_FEATURES |
			    (disk->is_read_only ? 1ull << VIRTIO_BLK_F_RO : BLK_WRITE_FEATURES),
		.config_size = sizeof(blk->config),
		.nr_queues = options->nr_queues,
		.queue_size_max = VIRTIO_BLK_QUEUE_SIZE,
		.queues = blk->virtqs,
		.mem = mem,
	};
	blk_fill_config(blk);
	blk_set_serial(blk, options->serial);
	for (i = 0; i < VIRTIO_BLK_MAX_QUEUES; i++) {
		struct blk_queue *q = &blk->queues[i];

		q->blk = blk;
		q->index = i;
		q->vq = &blk->virtqs[i];
		q->kick_fd = -1;
		atomic_init(&q->is_stopping, false);
	}
	for (i = 0; i < options->nr_queues && options->has_io_threads; i++) {
		blk->queues[i].kick_fd = eventfd(0, EFD_CLOEXEC);
		if (blk->queues[i].kick_fd < 0) {
			int e = errno;

			blk_close_kick_fds(blk);
			free(blk);
			return vitro_error_set(err, -e, "cannot create an eventfd: %s",
					       strerror(e));
		}
	}
	/* Only now is the disk ours to close. */
	memset(disk, 0, sizeof(*disk));
	disk->fd = disk->buffered_fd = -1;
	*out = blk;
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *blk)
{
	if (!blk)
		return;
	blk_reset(&blk->dev);
	blk_close_kick_fds(blk);
	disk_close(&blk->disk);
	free(blk);
}

struct virtio_device *virtio_blk_device(struct virtio_blk *blk)
{
	return &blk->dev;
}

int virtio_blk_kick_fd(const struct virtio_blk *blk, unsigned int index)
{
	return index < blk->dev.nr_queues ? blk->queues[index].kick_fd : -1;
}

const char *virtio_blk_engine_name(const struct virtio_blk *blk, unsigned int index)
{
	if (index >= blk->dev.nr_queues || !blk->queues[index].is_active)
		return "inactive";
	return blk->queues[index].io.is_io_uring ? "io_uring" : "sync";
}
