/* See virtqueue.h. Section numbers are the virtio 1.2 specification's. */
#include "virtqueue.h"

#include <vitro/compiler.h>
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/string.h>

/* The device reads and writes the rings concurrently (2.7.13). On x86 stores
 * are not reordered with stores nor loads with loads, so the release and
 * acquire fences only stop the compiler; the full fence orders our
 * avail->idx store before the load of the device's avail_event or flags. */
static inline void virtq_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void virtq_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* 2.7.10: used_event sits after the available ring, avail_event after the used ring. */
static inline volatile uint16_t *virtq_used_event(struct virtq *vq)
{
	return &vq->avail->ring[vq->size];
}

static inline const volatile uint16_t *virtq_avail_event(const struct virtq *vq)
{
	return (const volatile uint16_t *)&vq->used->ring[vq->size];
}

static size_t align_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

/* 2.7: descriptor table (16-byte aligned), available ring with used_event (2),
 * used ring with avail_event (4). */
static size_t virtq_avail_offset(unsigned int size)
{
	return sizeof(struct vring_desc) * size;
}

static size_t virtq_used_offset(unsigned int size)
{
	return align_up(virtq_avail_offset(size) + sizeof(uint16_t) * (3 + size),
			VRING_USED_ALIGN_SIZE);
}

size_t virtq_ring_bytes(unsigned int size)
{
	return virtq_used_offset(size) + sizeof(uint16_t) * 3 +
	       sizeof(struct vring_used_elem) * size;
}

int virtq_init(struct virtq *vq, unsigned int index, unsigned int size, bool has_event_idx,
	       bool has_indirect, void (*notify)(struct virtq *vq))
{
	unsigned int order = 0, i;
	uint8_t *rings;

	memset(vq, 0, sizeof(*vq));
	if (!size || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		return -EINVAL;
	while ((PAGE_SIZE << order) < virtq_ring_bytes(size))
		order++;
	rings = get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!rings)
		goto err_rings;
	vq->chains = kzalloc(size * sizeof(*vq->chains), GFP_KERNEL);
	if (!vq->chains)
		goto err_chains;
	vq->next_free = kmalloc(size * sizeof(*vq->next_free), GFP_KERNEL);
	if (!vq->next_free)
		goto err_next;
	for (i = 0; i < size; i++)
		vq->next_free[i] = (uint16_t)(i + 1);
	vq->desc = (struct vring_desc *)rings;
	vq->avail = (struct vring_avail *)(rings + virtq_avail_offset(size));
	vq->used = (struct vring_used *)(rings + virtq_used_offset(size));
	vq->desc_phys = virt_to_phys(vq->desc);
	vq->avail_phys = virt_to_phys(vq->avail);
	vq->used_phys = virt_to_phys(vq->used);
	vq->size = size;
	vq->index = index;
	vq->ring_order = order;
	vq->indirect_min = VIRTQ_INDIRECT_MIN;
	vq->nr_free = (uint16_t)size;
	vq->has_event_idx = has_event_idx;
	vq->has_indirect = has_indirect;
	vq->notify = notify;
	return 0;

err_next:
	kfree(vq->chains);
err_chains:
	free_pages(rings, order);
err_rings:
	return -ENOMEM;
}

void virtq_destroy(struct virtq *vq)
{
	unsigned int i;

	if (!vq->desc)
		return;
	for (i = 0; i < vq->size; i++)
		kfree(vq->chains[i].indirect);
	kfree(vq->chains);
	kfree(vq->next_free);
	free_pages(vq->desc, vq->ring_order);
	memset(vq, 0, sizeof(*vq));
}

static void virtq_fill_desc(struct vring_desc *d, const struct virtq_buf *buf, bool is_write,
			    bool has_next, uint16_t next)
{
	d->addr = buf->phys;
	d->len = buf->len;
	d->flags = (uint16_t)((is_write ? VRING_DESC_F_WRITE : 0) |
			      (has_next ? VRING_DESC_F_NEXT : 0));
	d->next = has_next ? next : 0;
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned int nr_out,
	      unsigned int nr_in, void *token, gfp_t gfp)
{
	unsigned int total = nr_out + nr_in, i, needed;
	struct vring_desc *table = NULL;
	uint32_t in_bytes = 0;
	uint16_t head, idx;

	if (vq->is_broken)
		return -EIO;
	if (!total || !token || total > vq->size)
		return -EINVAL;
	for (i = 0; i < total; i++) {
		if (!bufs[i].len)
			return -EINVAL;
		if (i >= nr_out)
			in_bytes = bufs[i].len > UINT32_MAX - in_bytes ? UINT32_MAX :
									 in_bytes + bufs[i].len;
	}
	/* 2.7.5.3: an indirect table costs one ring entry whatever its length. */
	if (vq->has_indirect && total > 1 && (total >= vq->indirect_min || total > vq->nr_free)) {
		table = kmalloc(total * sizeof(*table), gfp | __GFP_NOWARN);
		if (!table && total > vq->nr_free)
			return -ENOMEM;
	}
	needed = table ? 1 : total;
	if (needed > vq->nr_free) {
		kfree(table);
		return -ENOSPC;
	}

	head = vq->free_head;
	if (table) {
		for (i = 0; i < total; i++)
			virtq_fill_desc(&table[i], &bufs[i], i >= nr_out, i + 1 < total,
					(uint16_t)(i + 1));
		vq->desc[head] = (struct vring_desc){ .addr = virt_to_phys(table),
						      .len = total * sizeof(*table),
						      .flags = VRING_DESC_F_INDIRECT };
		idx = vq->next_free[head];
		vq->stats.nr_indirect++;
	} else {
		/* The chain follows the free list, whose links stay in next_free. */
		idx = head;
		for (i = 0; i < total; i++) {
			virtq_fill_desc(&vq->desc[idx], &bufs[i], i >= nr_out, i + 1 < total,
					vq->next_free[idx]);
			idx = vq->next_free[idx];
		}
	}
	vq->free_head = idx;
	vq->nr_free -= needed;
	vq->chains[head] = (struct virtq_chain){
		.token = token, .indirect = table, .in_bytes = in_bytes, .nr_descs = needed
	};

	/* 2.7.13.2-3: the ring entry, then (after a write barrier) the index. */
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	vq->avail_idx++;
	virtq_wmb();
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	vq->stats.nr_added++;
	return 0;
}

bool virtq_kick_prepare(struct virtq *vq)
{
	uint16_t old = vq->kicked_avail_idx, new = vq->avail_idx;
	bool needed;

	if (old == new)
		return false;
	virtq_mb();
	vq->kicked_avail_idx = new;
	if (vq->has_event_idx) {
		/* 2.7.10: notify when avail_event lies in [old, new). */
		uint16_t event = *virtq_avail_event(vq);

		needed = (uint16_t)(new - event - 1) < (uint16_t)(new - old);
	} else {
		needed = !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
	}
	if (needed)
		vq->stats.nr_notifies++;
	else
		vq->stats.nr_notifies_suppressed++;
	return needed;
}

bool virtq_kick(struct virtq *vq)
{
	if (!virtq_kick_prepare(vq))
		return false;
	vq->notify(vq);
	return true;
}

static void virtq_free_chain(struct virtq *vq, uint16_t head)
{
	struct virtq_chain *chain = &vq->chains[head];
	uint16_t last = head, i;

	for (i = 1; i < chain->nr_descs; i++)
		last = vq->next_free[last];
	vq->next_free[last] = vq->free_head;
	vq->free_head = head;
	vq->nr_free += chain->nr_descs;
	kfree(chain->indirect);
	*chain = (struct virtq_chain){ 0 };
}

bool virtq_has_used(const struct virtq *vq)
{
	return !vq->is_broken &&
	       __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) != vq->last_used_idx;
}

void *virtq_get_used(struct virtq *vq, uint32_t *len)
{
	uint16_t used_idx, pending;
	struct vring_used_elem elem;
	void *token;

	if (vq->is_broken)
		return NULL;
	/* Acquire: the entry is read after the index that published it. */
	used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
	if (used_idx == vq->last_used_idx)
		return NULL;
	pending = (uint16_t)(used_idx - vq->last_used_idx);
	elem = vq->used->ring[vq->last_used_idx & (vq->size - 1)];
	if (pending > vq->size || elem.id >= vq->size || !vq->chains[elem.id].token) {
		vq->is_broken = true; /* 2.7.8: the device returned what it never got */
		return NULL;
	}
	token = vq->chains[elem.id].token;
	if (elem.len > vq->chains[elem.id].in_bytes) {
		elem.len = vq->chains[elem.id].in_bytes;
		vq->stats.nr_bad_len++;
	}
	if (len)
		*len = elem.len;
	virtq_free_chain(vq, (uint16_t)elem.id);
	vq->last_used_idx++;
	vq->stats.nr_used++;
	if (vq->has_event_idx && !vq->callbacks_off)
		*virtq_used_event(vq) = vq->last_used_idx;
	return token;
}

void virtq_disable_cb(struct virtq *vq)
{
	vq->callbacks_off = true;
	/* With EVENT_IDX, used_event left behind already stops interrupts. */
	if (!vq->has_event_idx)
		WRITE_ONCE(vq->avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
}

bool virtq_enable_cb(struct virtq *vq)
{
	vq->callbacks_off = false;
	if (vq->has_event_idx)
		*virtq_used_event(vq) = vq->last_used_idx;
	else
		WRITE_ONCE(vq->avail->flags, 0);
	/* The device may have used a buffer before it saw the request. */
	virtq_mb();
	return !virtq_has_used(vq);
}

void *virtq_detach_unused(struct virtq *vq)
{
	unsigned int i;

	for (i = 0; i < vq->size; i++) {
		void *token = vq->chains[i].token;

		if (token) {
			virtq_free_chain(vq, (uint16_t)i);
			return token;
		}
	}
	return NULL;
}
