/* See virtqueue.h. Ring layouts and flags come from <linux/virtio_ring.h>;
 * section numbers are virtio 1.2's. All ring fields are little-endian. */
#include "virtqueue.h"

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#define DESC_SIZE sizeof(struct vring_desc)
#define AVAIL_RING_OFFSET offsetof(struct vring_avail, ring)
#define USED_RING_OFFSET offsetof(struct vring_used, ring)
#define USED_ELEM_SIZE sizeof(struct vring_used_elem)

/* Ring fields the driver writes concurrently are read and written with
 * atomic accesses of their natural size; virtq_enable() checked that every
 * one is naturally aligned. */
static uint16_t ring_load16(const uint8_t *p, int order)
{
	return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, order));
}

static void ring_store16(uint8_t *p, uint16_t value, int order)
{
	__atomic_store_n((uint16_t *)(void *)p, htole16(value), order);
}

static void ring_store32(uint8_t *p, uint32_t value)
{
	__atomic_store_n((uint32_t *)(void *)p, htole32(value), __ATOMIC_RELAXED);
}

static uint8_t *used_event_field(const struct virtq *vq)
{
	return vq->avail + AVAIL_RING_OFFSET + 2u * vq->size;
}

static uint8_t *avail_event_field(const struct virtq *vq)
{
	return vq->used + USED_RING_OFFSET + USED_ELEM_SIZE * vq->size;
}

static uint8_t *ring_part(const struct guest_mem *mem, uint64_t gpa, uint64_t len,
			  unsigned int align)
{
	if (gpa % align)
		return NULL;
	return guest_mem_ptr(mem, gpa, len);
}

int virtq_enable(struct virtq *vq, const struct guest_mem *mem, const struct virtq_layout *layout,
		 uint64_t features)
{
	uint16_t size = layout->size;

	virtq_disable(vq);
	/* 2.7: Queue Size is a power of two; 2.7.5, 2.7.6, 2.7.8: alignment
	 * of the descriptor table (16), available ring (2) and used ring (4). */
	if (!size || size > VIRTQ_SIZE_MAX || (size & (size - 1)))
		return -EINVAL;
	vq->desc = ring_part(mem, layout->desc_gpa, virtq_desc_bytes(size), VRING_DESC_ALIGN_SIZE);
	vq->avail =
		ring_part(mem, layout->avail_gpa, virtq_avail_bytes(size), VRING_AVAIL_ALIGN_SIZE);
	vq->used = ring_part(mem, layout->used_gpa, virtq_used_bytes(size), VRING_USED_ALIGN_SIZE);
	if (!vq->desc || !vq->avail || !vq->used) {
		virtq_disable(vq);
		return -EINVAL;
	}
	vq->mem = mem;
	vq->size = size;
	vq->has_event_idx = features & (1ull << VIRTIO_RING_F_EVENT_IDX);
	vq->has_indirect = features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
	vq->is_ready = true;
	return 0;
}

void virtq_disable(struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
}

static int virtq_break(struct virtq *vq, int rc, const char *why)
{
	vq->is_broken = true;
	vq->error = why;
	return rc;
}

/* Where a chain's walk is: the table it reads descriptors from and how many
 * it has taken from that table, to tell a loop from a long chain. */
struct virtq_walk {
	const uint8_t *table;
	uint32_t table_size;
	uint32_t nr_taken;
	bool is_indirect;
};

static int virtq_add_buffer(struct virtq *vq, struct virtq_chain *chain,
			    const struct vring_desc *desc)
{
	uint64_t addr = le64toh(desc->addr);
	uint32_t len = le32toh(desc->len);
	bool is_writable = le16toh(desc->flags) & VRING_DESC_F_WRITE;
	unsigned int n = chain->nr_readable + chain->nr_writable;
	void *host;

	/* 2.7.4.2: device-writable buffers come after all device-readable ones. */
	if (!is_writable && chain->nr_writable)
		return virtq_break(vq, -EINVAL,
				   "a device-readable descriptor after a writable one");
	if (!len)
		return 0;
	host = guest_mem_ptr(vq->mem, addr, len);
	if (!host)
		return virtq_break(vq, -EFAULT, "a buffer outside guest RAM");
	if (n == chain->iov_capacity)
		return virtq_break(vq, -E2BIG, "a chain longer than the device takes");
	if (is_writable) {
		if (len > UINT32_MAX - chain->writable_bytes)
			return virtq_break(vq, -EOVERFLOW, "writable buffers over 4 GiB in total");
		chain->writable_bytes += len;
		chain->nr_writable++;
	} else {
		if (len > UINT32_MAX - chain->readable_bytes)
			return virtq_break(vq, -EOVERFLOW, "readable buffers over 4 GiB in total");
		chain->readable_bytes += len;
		chain->nr_readable++;
	}
	chain->iov[n] = (struct iovec){ host, len };
	return 0;
}

/* 2.7.5.3: an indirect descriptor points at a table of descriptors that
 * replaces the rest of the chain. */
static int virtq_enter_indirect(struct virtq *vq, struct virtq_walk *walk,
				const struct vring_desc *desc)
{
	uint64_t addr = le64toh(desc->addr);
	uint32_t len = le32toh(desc->len);

	if (!vq->has_indirect)
		return virtq_break(vq, -EINVAL, "an indirect descriptor without INDIRECT_DESC");
	if (walk->is_indirect)
		return virtq_break(vq, -EINVAL, "an indirect descriptor inside an indirect table");
	if (le16toh(desc->flags) & VRING_DESC_F_NEXT)
		return virtq_break(vq, -EINVAL, "an indirect descriptor with NEXT set");
	if (!len || len % DESC_SIZE)
		return virtq_break(vq, -EINVAL, "an indirect table of no or partial descriptors");
	walk->table = guest_mem_ptr(vq->mem, addr, len);
	if (!walk->table)
		return virtq_break(vq, -EFAULT, "an indirect table outside guest RAM");
	walk->table_size = len / DESC_SIZE;
	walk->nr_taken = 0;
	walk->is_indirect = true;
	return 0;
}

static int virtq_walk_chain(struct virtq *vq, struct virtq_chain *chain)
{
	struct virtq_walk walk = { vq->desc, vq->size, 0, false };
	unsigned int nr_descs = 0;
	uint32_t index = chain->head;
	struct vring_desc desc;
	int rc;

	for (;;) {
		/* A walk that takes more descriptors from a table than it
		 * holds has been round a loop. */
		if (++walk.nr_taken > walk.table_size)
			return virtq_break(vq, -ELOOP, "a descriptor loop");
		if (++nr_descs > chain->iov_capacity + 1u)
			return virtq_break(vq, -E2BIG, "a chain longer than the device takes");
		memcpy(&desc, walk.table + (size_t)index * DESC_SIZE, DESC_SIZE);
		if (le16toh(desc.flags) & VRING_DESC_F_INDIRECT) {
			rc = virtq_enter_indirect(vq, &walk, &desc);
			if (rc)
				return rc;
			index = 0;
			continue;
		}
		rc = virtq_add_buffer(vq, chain, &desc);
		if (rc)
			return rc;
		if (!(le16toh(desc.flags) & VRING_DESC_F_NEXT))
			return 0;
		index = le16toh(desc.next);
		if (index >= walk.table_size)
			return virtq_break(vq, -EINVAL, "a next index beyond the table");
	}
}

int virtq_pop_chain(struct virtq *vq, struct virtq_chain *chain)
{
	uint16_t avail_idx, nr_pending, head;

	if (vq->is_broken)
		return -EIO;
	if (!vq->is_ready)
		return 0;
	/* Acquire: the ring entry and the descriptors it names were written
	 * before the index (2.7.13.3). */
	avail_idx = ring_load16(vq->avail + offsetof(struct vring_avail, idx), __ATOMIC_ACQUIRE);
	nr_pending = avail_idx - vq->last_avail_idx;
	if (!nr_pending)
		return 0;
	if (nr_pending > vq->size)
		return virtq_break(vq, -EINVAL, "the available index ran more than a queue ahead");
	head = ring_load16(vq->avail + AVAIL_RING_OFFSET + 2u * (vq->last_avail_idx % vq->size),
			   __ATOMIC_RELAXED);
	vq->last_avail_idx++;
	if (head >= vq->size)
		return virtq_break(vq, -EINVAL, "a chain head beyond the queue size");
	chain->head = head;
	chain->nr_readable = chain->nr_writable = 0;
	chain->readable_bytes = chain->writable_bytes = 0;
	return virtq_walk_chain(vq, chain) ?: 1;
}

void virtq_push_used(struct virtq *vq, uint16_t head, uint32_t len)
{
	uint8_t *elem;

	if (!vq->is_ready || head >= vq->size)
		return;
	elem = vq->used + USED_RING_OFFSET + USED_ELEM_SIZE * (vq->used_idx % vq->size);
	ring_store32(elem + offsetof(struct vring_used_elem, id), head);
	ring_store32(elem + offsetof(struct vring_used_elem, len), len);
	vq->used_idx++;
	/* Release: the buffers' contents and the element before the index. */
	ring_store16(vq->used + offsetof(struct vring_used, idx), vq->used_idx, __ATOMIC_RELEASE);
}

bool virtq_needs_interrupt(struct virtq *vq)
{
	uint16_t old = vq->signalled_used_idx, new = vq->used_idx;

	if (!vq->is_ready)
		return false;
	vq->signalled_used_idx = new;
	/* The driver writes its suppression field, then reads used->idx; the
	 * device writes used->idx, then reads the field. Without a full
	 * barrier both could miss the other's store and the driver would
	 * sleep on a used buffer (2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->has_event_idx)
		return vring_need_event(ring_load16(used_event_field(vq), __ATOMIC_RELAXED), new,
					old);
	if (old == new)
		return false;
	return !(ring_load16(vq->avail + offsetof(struct vring_avail, flags), __ATOMIC_RELAXED) &
		 VRING_AVAIL_F_NO_INTERRUPT);
}

void virtq_disable_notify(struct virtq *vq)
{
	/* With event indexes the device need not write anything: the driver
	 * kicks only when it passes avail_event, which stays behind. */
	if (vq->is_ready && !vq->has_event_idx)
		ring_store16(vq->used + offsetof(struct vring_used, flags), VRING_USED_F_NO_NOTIFY,
			     __ATOMIC_RELAXED);
}

bool virtq_enable_notify(struct virtq *vq)
{
	uint16_t avail_idx;

	if (!vq->is_ready || vq->is_broken)
		return false;
	if (vq->has_event_idx)
		ring_store16(avail_event_field(vq), vq->last_avail_idx, __ATOMIC_RELAXED);
	else
		ring_store16(vq->used + offsetof(struct vring_used, flags), 0, __ATOMIC_RELAXED);
	/* The mirror of virtq_needs_interrupt's barrier: the driver writes
	 * avail->idx, then reads our field. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail_idx = ring_load16(vq->avail + offsetof(struct vring_avail, idx), __ATOMIC_RELAXED);
	return avail_idx != vq->last_avail_idx;
}
