/* The virtio-blk device model (virtio 1.2, 5.2) over a host disk image:
 * IN, OUT, FLUSH, GET_ID, DISCARD and WRITE_ZEROES, read-only images,
 * VIRTIO_BLK_F_MQ with one queue of I/O (io_uring or synchronous) per
 * virtqueue. It is a struct virtio_device: any transport can front it.
 *
 * With I/O threads each virtqueue is served by its own thread, woken by the
 * queue's kick eventfd (a KVM ioeventfd, or written by queue_notify) and by
 * its I/O completions. Without, a kick serves the queue on the kicking
 * thread and returns once every request has completed (tests, fuzzing). */
#ifndef VMM_DEVICES_VIRTIO_BLK_H
#define VMM_DEVICES_VIRTIO_BLK_H

#include <linux/virtio_blk.h>
#include <stdbool.h>

#include "../block/disk.h"
#include "../block/disk_queue.h"
#include "../error.h"
#include "../guest_mem.h"
#include "../virtio/virtio.h"

struct vmm_tracer;

#define VIRTIO_BLK_QUEUE_SIZE 256 /* QueueNumMax of every queue */
/* Data segments per request, advertised as seg_max: a request's chain,
 * header and status included, then fits a queue even without indirect
 * descriptors. */
#define VIRTIO_BLK_SEG_MAX 126
#define VIRTIO_BLK_SIZE_MAX (1u << 20) /* bytes per segment, size_max */
#define VIRTIO_BLK_MAX_QUEUES 64
/* Ranges per DISCARD or WRITE_ZEROES request, and sectors per range. */
#define VIRTIO_BLK_MAX_RANGES 32
#define VIRTIO_BLK_MAX_RANGE_SECTORS (1u << 21)

struct virtio_blk_options {
	unsigned int nr_queues; /* 1 to VIRTIO_BLK_MAX_QUEUES */
	enum disk_engine engine;
	bool has_io_threads;
	/* GET_ID's answer, up to VIRTIO_BLK_ID_BYTES; NULL: the image's file
	 * name. */
	const char *serial;
	/* Where the vmm_blk_* events go (NULL: nowhere), naming the disk
	 * trace_dev. */
	struct vmm_tracer *tracer;
	uint32_t trace_dev;
};

struct virtio_blk;

/* Takes over disk (closed by virtio_blk_destroy). The device is read-only
 * when the disk is. Returns 0 or a negative errno with err set. */
int virtio_blk_create(struct virtio_blk **blk, struct disk *disk, const struct guest_mem *mem,
		      const struct virtio_blk_options *options, struct vitro_error *err);

/* Call after the transport is gone (its destroy resets the device). */
void virtio_blk_destroy(struct virtio_blk *blk);

struct virtio_device *virtio_blk_device(struct virtio_blk *blk);

/* The eventfd that kicks queue index, for KVM_IOEVENTFD on the transport's
 * notify register; -1 without I/O threads. */
int virtio_blk_kick_fd(const struct virtio_blk *blk, unsigned int index);

/* The I/O engine a queue uses while active ("io_uring" or "sync"), for
 * messages and tests. */
const char *virtio_blk_engine_name(const struct virtio_blk *blk, unsigned int index);

#endif
