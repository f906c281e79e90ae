/* The device side of a split virtqueue (virtio 1.2, 2.7): popping descriptor
 * chains the driver made available, as host buffers checked against guest
 * RAM, and returning them through the used ring, with event-index
 * notification suppression both ways and indirect descriptor tables.
 *
 * Everything in the rings is the guest's and may change under our feet: each
 * descriptor is copied once and only the copy is trusted. A malformed chain
 * breaks the queue (virtq_pop_chain returns a negative errno from then on)
 * and the transport sets DEVICE_NEEDS_RESET; nothing outside guest RAM is
 * ever touched. One thread drives a queue's device side at a time. */
#ifndef VMM_VIRTIO_VIRTQUEUE_H
#define VMM_VIRTIO_VIRTQUEUE_H

#include <linux/virtio_ring.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "../guest_mem.h"

/* The largest queue vitro's devices offer (QueueNumMax); the ring format
 * allows 32768. */
#define VIRTQ_SIZE_MAX 1024

/* Where the driver put the three parts of a queue, and its size. */
struct virtq_layout {
	uint16_t size;
	uint64_t desc_gpa;
	uint64_t avail_gpa;
	uint64_t used_gpa;
};

struct virtq {
	const struct guest_mem *mem;
	uint16_t size;
	bool is_ready;
	bool is_broken;
	bool has_event_idx;
	bool has_indirect;
	/* Host views of the rings, checked in RAM and aligned by virtq_enable(). */
	uint8_t *desc;
	uint8_t *avail;
	uint8_t *used;
	uint16_t last_avail_idx; /* the next available entry the device takes */
	uint16_t used_idx; /* the device's copy of used->idx */
	uint16_t signalled_used_idx; /* used_idx when virtq_needs_interrupt last ran */
	const char *error; /* why the queue broke */
};

/* One chain: iov[0, nr_readable) is what the driver gave the device to read,
 * iov[nr_readable, nr_readable + nr_writable) is where the device may write.
 * Zero-length descriptors are left out. The caller provides iov. */
struct virtq_chain {
	uint16_t head; /* the id to give back in the used ring */
	unsigned int nr_readable;
	unsigned int nr_writable;
	uint32_t readable_bytes;
	uint32_t writable_bytes;
	struct iovec *iov;
	unsigned int iov_capacity; /* also the longest chain taken, in descriptors */
};

/* Checks the layout (size a power of two up to VIRTQ_SIZE_MAX, each part in
 * RAM and aligned as 2.7 demands) and readies the queue with the negotiated
 * features (VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_INDIRECT_DESC). Returns 0
 * or -EINVAL with the queue left disabled. */
int virtq_enable(struct virtq *vq, const struct guest_mem *mem, const struct virtq_layout *layout,
		 uint64_t features);

/* Forgets everything, as a device reset does. */
void virtq_disable(struct virtq *vq);

/* Takes the next available chain. Returns 1 with *chain filled, 0 when the
 * driver has made nothing new available (or the queue is not ready), or a
 * negative errno when the ring or the chain is malformed; the queue is then
 * broken (vq->error says why) and returns -EIO until it is disabled. */
int virtq_pop_chain(struct virtq *vq, struct virtq_chain *chain);

/* Gives a chain back: head from virtq_pop_chain, len the bytes the device
 * wrote into it. Publishes the entry to the driver at once. */
void virtq_push_used(struct virtq *vq, uint16_t head, uint32_t len);

/* After one or more pushes: whether the driver wants a used-buffer
 * notification for them (its avail flags or used_event, 2.7.7). */
bool virtq_needs_interrupt(struct virtq *vq);

/* Available-buffer notification suppression (2.7.10): while the device
 * works through the ring it needs no kicks. virtq_enable_notify() asks for
 * them again and returns true if the driver made buffers available
 * meanwhile, which the caller must then process (a kick may not come). */
void virtq_disable_notify(struct virtq *vq);
bool virtq_enable_notify(struct virtq *vq);

/* Bytes each part of a queue of size entries takes, event fields included. */
static inline uint64_t virtq_desc_bytes(uint16_t size)
{
	return 16ull * size;
}

static inline uint64_t virtq_avail_bytes(uint16_t size)
{
	return 6ull + 2ull * size;
}

static inline uint64_t virtq_used_bytes(uint16_t size)
{
	return 6ull + 8ull * size;
}

#endif
