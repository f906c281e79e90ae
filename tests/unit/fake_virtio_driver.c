/* See fake_virtio_driver.h. Ring offsets are virtio 1.2, 2.7 (split
 * virtqueues), written out here rather than taken from vitro's code. */
#include "fake_virtio_driver.h"

#include <linux/virtio_ring.h>
#include <string.h>

#include "unit.h"

bool fake_guest_init(struct fake_guest *guest)
{
	guest->host = unit_guarded_alloc(FAKE_RAM_SIZE);
	if (!guest->host)
		return false;
	memset(guest->host, 0, FAKE_RAM_SIZE);
	guest_mem_layout(&guest->mem, guest->host, FAKE_RAM_SIZE, FAKE_RAM_LOW_END,
			 FAKE_RAM_HIGH_START);
	guest->next_free_gpa = 0x1000;
	return true;
}

void fake_guest_destroy(struct fake_guest *guest)
{
	unit_guarded_free(guest->host, FAKE_RAM_SIZE);
	guest->host = NULL;
}

uint64_t fake_guest_alloc(struct fake_guest *guest, uint64_t size, uint64_t align)
{
	uint64_t gpa = (guest->next_free_gpa + align - 1) & ~(align - 1);

	if (gpa + size > FAKE_RAM_LOW_END)
		return 0;
	guest->next_free_gpa = gpa + size;
	return gpa;
}

void *fake_guest_ptr(struct fake_guest *guest, uint64_t gpa)
{
	return guest_mem_ptr(&guest->mem, gpa, 1);
}

static void put16(struct fake_guest *guest, uint64_t gpa, uint16_t value)
{
	memcpy(fake_guest_ptr(guest, gpa), &value, 2);
}

static uint16_t get16(struct fake_guest *guest, uint64_t gpa)
{
	uint16_t value;

	memcpy(&value, fake_guest_ptr(guest, gpa), 2);
	return value;
}

static void put_desc(struct fake_guest *guest, uint64_t gpa, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	uint8_t *p = fake_guest_ptr(guest, gpa);

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

void fake_virtq_init(struct fake_virtq *q, struct fake_guest *guest, uint16_t size)
{
	memset(q, 0, sizeof(*q));
	q->guest = guest;
	q->layout.size = size;
	q->layout.desc_gpa = fake_guest_alloc(guest, 16u * size, 16);
	q->layout.avail_gpa = fake_guest_alloc(guest, 6 + 2u * size, 2);
	q->layout.used_gpa = fake_guest_alloc(guest, 6 + 8u * size, 4);
}

void fake_virtq_set_desc(struct fake_virtq *q, uint16_t index, uint64_t gpa, uint32_t len,
			 uint16_t flags, uint16_t next)
{
	put_desc(q->guest, q->layout.desc_gpa + 16u * index, gpa, len, flags, next);
}

void fake_virtq_set_indirect_desc(struct fake_virtq *q, uint64_t table_gpa, uint16_t index,
				  uint64_t gpa, uint32_t len, uint16_t flags, uint16_t next)
{
	put_desc(q->guest, table_gpa + 16u * index, gpa, len, flags, next);
}

void fake_virtq_make_available(struct fake_virtq *q, uint16_t head)
{
	put16(q->guest, q->layout.avail_gpa + 4 + 2u * (q->avail_idx % q->layout.size), head);
	q->avail_idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	put16(q->guest, q->layout.avail_gpa + 2, q->avail_idx);
}

void fake_virtq_set_avail_idx(struct fake_virtq *q, uint16_t idx)
{
	q->avail_idx = idx;
	put16(q->guest, q->layout.avail_gpa + 2, idx);
}

static uint16_t buffer_flags(const struct fake_buffer *buf, bool has_next)
{
	return (buf->is_writable ? VRING_DESC_F_WRITE : 0) | (has_next ? VRING_DESC_F_NEXT : 0);
}

uint16_t fake_virtq_add_chain(struct fake_virtq *q, const struct fake_buffer *bufs, unsigned int nr)
{
	uint16_t head = q->next_desc % q->layout.size;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		uint16_t index = (head + i) % q->layout.size;

		fake_virtq_set_desc(q, index, bufs[i].gpa, bufs[i].len,
				    buffer_flags(&bufs[i], i + 1 < nr),
				    (index + 1) % q->layout.size);
	}
	q->next_desc = (head + nr) % q->layout.size;
	fake_virtq_make_available(q, head);
	return head;
}

uint16_t fake_virtq_add_indirect_chain(struct fake_virtq *q, const struct fake_buffer *bufs,
				       unsigned int nr)
{
	uint64_t table = fake_guest_alloc(q->guest, 16u * nr, 16);
	uint16_t head = q->next_desc % q->layout.size;
	unsigned int i;

	for (i = 0; i < nr; i++)
		fake_virtq_set_indirect_desc(q, table, i, bufs[i].gpa, bufs[i].len,
					     buffer_flags(&bufs[i], i + 1 < nr), i + 1);
	fake_virtq_set_desc(q, head, table, 16u * nr, VRING_DESC_F_INDIRECT, 0);
	q->next_desc = (head + 1) % q->layout.size;
	fake_virtq_make_available(q, head);
	return head;
}

bool fake_virtq_get_used(struct fake_virtq *q, uint32_t *id, uint32_t *len)
{
	uint8_t *elem;

	if (get16(q->guest, q->layout.used_gpa + 2) == q->last_used_idx)
		return false;
	elem = fake_guest_ptr(q->guest,
			      q->layout.used_gpa + 4 + 8u * (q->last_used_idx % q->layout.size));
	memcpy(id, elem, 4);
	memcpy(len, elem + 4, 4);
	q->last_used_idx++;
	return true;
}

void fake_virtq_set_avail_flags(struct fake_virtq *q, uint16_t flags)
{
	put16(q->guest, q->layout.avail_gpa, flags);
}

void fake_virtq_set_used_event(struct fake_virtq *q, uint16_t idx)
{
	put16(q->guest, q->layout.avail_gpa + 4 + 2u * q->layout.size, idx);
}

uint16_t fake_virtq_used_flags(struct fake_virtq *q)
{
	return get16(q->guest, q->layout.used_gpa);
}

uint16_t fake_virtq_avail_event(struct fake_virtq *q)
{
	return get16(q->guest, q->layout.used_gpa + 4 + 8u * q->layout.size);
}
