/* See producer.h. */
#include <vitro/string.h>

#include "producer.h"

bool trace_ring_header_valid(const struct trace_ring_header *h, unsigned int cpu,
			     uint64_t ring_size)
{
	return h->magic == TRACE_RING_MAGIC && h->version == TRACE_RING_VERSION && h->cpu == cpu &&
	       h->header_size == TRACE_RING_HEADER_SIZE &&
	       h->data_size + TRACE_RING_HEADER_SIZE == ring_size &&
	       !(h->data_size & (h->data_size - 1)) && h->data_size >= TRACE_RECORD_MAX;
}

/* Copies len bytes into the ring at byte position pos, wrapping at the end;
 * src NULL writes zeros. */
static void ring_copy_in(const struct trace_ring *r, uint64_t pos, const void *src,
			 unsigned int len)
{
	uint64_t offset = pos & r->mask, room = r->mask + 1 - offset;
	unsigned int first = len < room ? len : (unsigned int)room;

	if (src) {
		memcpy(r->data + offset, src, first);
		memcpy(r->data, (const uint8_t *)src + first, len - first);
	} else {
		memset(r->data + offset, 0, first);
		memset(r->data, 0, len - first);
	}
}

/* Room for size more bytes; counts the record lost when there is none. */
static bool ring_has_room(struct trace_ring *r, unsigned int size)
{
	uint64_t head = r->header->head;
	/* The consumer's tail, with acquire: its copy-out is done before we reuse the space. */
	uint64_t tail = __atomic_load_n(&r->header->tail, __ATOMIC_ACQUIRE);

	if (head - tail > r->mask + 1 || r->mask + 1 - (head - tail) < size) {
		r->header->lost++;
		return false;
	}
	return true;
}

void *trace_ring_reserve(struct trace_ring *r, unsigned int type, uint64_t tsc,
			 unsigned int fixed_len)
{
	unsigned int size = (sizeof(struct trace_record) + fixed_len + TRACE_RECORD_ALIGN - 1) &
			    ~(TRACE_RECORD_ALIGN - 1);
	uint64_t offset = r->header->head & r->mask;
	struct trace_record *rec;

	if (size > TRACE_RECORD_MAX || !ring_has_room(r, size))
		return NULL;
	r->pending_size = size;
	r->pending_wraps = offset + size > r->mask + 1;
	rec = (struct trace_record *)(r->pending_wraps ? r->scratch : r->data + offset);
	*rec = (struct trace_record){ .type = type, .size = size, .tsc = tsc };
	/* Padding is zero, as the reader expects; the payload is the caller's to fill. */
	*(uint64_t *)((uint8_t *)rec + size - 8) = 0;
	return rec + 1;
}

void trace_ring_commit(struct trace_ring *r)
{
	uint64_t head = r->header->head;

	if (r->pending_wraps)
		ring_copy_in(r, head, r->scratch, r->pending_size);
	__atomic_store_n(&r->header->head, head + r->pending_size, __ATOMIC_RELEASE);
}

bool trace_ring_produce(struct trace_ring *r, unsigned int type, uint64_t tsc, const void *fixed,
			unsigned int fixed_len, const char *text, unsigned int text_len)
{
	struct trace_record rec;
	unsigned int used = sizeof(rec) + fixed_len, size;
	uint64_t head = r->header->head;

	if (used > TRACE_RECORD_MAX)
		return false;
	if (text_len > TRACE_RECORD_MAX - used)
		text_len = TRACE_RECORD_MAX - used;
	size = (used + text_len + TRACE_RECORD_ALIGN - 1) & ~(TRACE_RECORD_ALIGN - 1);
	if (!ring_has_room(r, size))
		return false;
	rec = (struct trace_record){ .type = type, .size = size, .tsc = tsc };
	ring_copy_in(r, head, &rec, sizeof(rec));
	ring_copy_in(r, head + sizeof(rec), fixed, fixed_len);
	ring_copy_in(r, head + used, text, text_len);
	ring_copy_in(r, head + used + text_len, NULL, size - used - text_len);
	__atomic_store_n(&r->header->head, head + size, __ATOMIC_RELEASE);
	return true;
}
