/* The driver side of a split virtqueue (virtio 1.2, 2.7): descriptor table,
 * available and used rings in guest memory, with indirect descriptors and
 * EVENT_IDX notification suppression. Pure memory logic: the transport hands
 * in a notify function, so the same file builds for the host and CUnit plays
 * the device. Not locked: each queue's user serialises its calls. */
#ifndef DRIVERS_VIRTIO_VIRTQUEUE_H
#define DRIVERS_VIRTIO_VIRTQUEUE_H

#include <linux/virtio_ring.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/mm.h>

#define VIRTQ_MAX_SIZE 32768 /* virtio 1.2, 2.7: Queue Size is at most 32768 */
#define VIRTQ_INDIRECT_MIN 4 /* default: chains of this many buffers go indirect */

/* One buffer of a request: guest-physical address and length. */
struct virtq_buf {
	uint64_t phys;
	uint32_t len;
};

/* What the driver remembers about a chain in flight, by head descriptor;
 * kept out of guest-visible memory so a device cannot corrupt it. */
struct virtq_chain {
	void *token; /* NULL: head not in flight */
	struct vring_desc *indirect; /* the indirect table, freed on completion */
	uint32_t in_bytes; /* device-writable bytes: the most the device may report */
	uint16_t nr_descs; /* ring descriptors the chain holds (1 when indirect) */
};

struct virtq_stats {
	uint64_t nr_added, nr_indirect, nr_used;
	uint64_t nr_notifies, nr_notifies_suppressed;
	uint64_t nr_bad_len; /* used lengths past the chain's writable bytes, clamped */
};

struct virtq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_phys, avail_phys, used_phys;
	unsigned int size; /* entries, a power of two */
	unsigned int index; /* the queue's number on its device */
	unsigned int ring_order; /* the rings' pages: 2^ring_order */
	unsigned int indirect_min; /* chains this long or longer go indirect */
	uint16_t nr_free;
	uint16_t free_head;
	uint16_t avail_idx; /* the next avail->idx to publish */
	uint16_t kicked_avail_idx; /* avail_idx when the device was last told */
	uint16_t last_used_idx; /* used entries consumed */
	bool has_event_idx; /* VIRTIO_F_RING_EVENT_IDX negotiated */
	bool has_indirect; /* VIRTIO_F_INDIRECT_DESC negotiated */
	bool is_broken; /* the device broke the protocol: no more requests */
	bool callbacks_off;
	uint16_t *next_free; /* driver's copy of the free list links */
	struct virtq_chain *chains;
	void (*notify)(struct virtq *vq); /* tells the device (transport) */
	void (*callback)(struct virtq *vq); /* used buffers arrived (driver) */
	void *priv; /* the driver's */
	void *transport_priv; /* the transport's */
	struct virtq_stats stats;
};

/* Bytes the three rings of a size-entry queue take, laid out one after the
 * other with their alignments (16, 2, 4). */
size_t virtq_ring_bytes(unsigned int size);

/* Allocates zeroed rings and the driver's state for size entries (a power of
 * two, 1 to VIRTQ_MAX_SIZE). -EINVAL or -ENOMEM. */
int virtq_init(struct virtq *vq, unsigned int index, unsigned int size, bool has_event_idx,
	       bool has_indirect, void (*notify)(struct virtq *vq));
void virtq_destroy(struct virtq *vq);

/* Puts a request on the available ring: nr_out device-readable buffers, then
 * nr_in device-writable ones, as one chain (through an indirect table when
 * negotiated and the chain has indirect_min or more buffers, or does not fit
 * otherwise). token comes back from virtq_get_used(). The device may see
 * it at once; virtq_kick() tells it. -EINVAL (no buffers, NULL token, a zero
 * length, longer than the queue), -ENOSPC (ring full), -ENOMEM (indirect
 * table), -EIO (broken). gfp is for the indirect table. */
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned int nr_out,
	      unsigned int nr_in, void *token, gfp_t gfp);

/* Publishes what virtq_add() queued and says whether the device asked to be
 * notified (virtio 1.2, 2.7.10: avail_event with EVENT_IDX, else the used
 * ring's NO_NOTIFY flag). virtq_kick() also notifies; returns whether it did. */
bool virtq_kick_prepare(struct virtq *vq);
bool virtq_kick(struct virtq *vq);

/* The next completed request's token and the bytes the device wrote, or NULL
 * when none is pending. A used entry naming no chain in flight marks the
 * queue broken (NULL from then on). */
void *virtq_get_used(struct virtq *vq, uint32_t *len);
bool virtq_has_used(const struct virtq *vq);

/* Interrupt suppression (virtio 1.2, 2.7.7): disable asks the device not to
 * interrupt; enable asks for an interrupt at the next used buffer and
 * returns false if one was already there (poll again, or it is missed). */
void virtq_disable_cb(struct virtq *vq);
bool virtq_enable_cb(struct virtq *vq);

/* After a device reset: takes back one chain the device never completed and
 * returns its token, or NULL when none is left. */
void *virtq_detach_unused(struct virtq *vq);

#endif
