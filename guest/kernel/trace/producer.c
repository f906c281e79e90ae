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

void trace_ring_copy_in(const struct trace_ring *r, uint64_t pos, const void *src, unsigned int len)
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
	if (!trace_ring_has_room(r, head, size))
		return false;
	rec = (struct trace_record){ .type = type, .size = size, .tsc = tsc };
	trace_ring_copy_in(r, head, &rec, sizeof(rec));
	trace_ring_copy_in(r, head + sizeof(rec), fixed, fixed_len);
	trace_ring_copy_in(r, head + used, text, text_len);
	trace_ring_copy_in(r, head + used + text_len, NULL, size - used - text_len);
	__atomic_store_n(&r->header->head, head + size, __ATOMIC_RELEASE);
	return true;
}
