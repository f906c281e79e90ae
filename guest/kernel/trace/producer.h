/* Writing one record into a trace ring (shared/trace/ring.h): the part of the
 * producer that does not touch hardware, so the host's unit tests, fuzzer and
 * benchmark run the guest's own code against vitro's reader. */
#ifndef GUEST_KERNEL_TRACE_PRODUCER_H
#define GUEST_KERNEL_TRACE_PRODUCER_H

#include <stdbool.h>
#include <stdint.h>

#include "../../../shared/trace/ring.h"

struct trace_ring {
	struct trace_ring_header *header;
	uint8_t *data;
	uint64_t mask; /* data_size - 1 */
	/* The record between trace_ring_reserve() and trace_ring_commit(). */
	unsigned int pending_size;
	bool pending_wraps; /* built in scratch, copied in at commit */
	uint8_t scratch[TRACE_RECORD_MAX];
};

/* Whether a ring header is one vitro set up for this CPU and ring size. */
bool trace_ring_header_valid(const struct trace_ring_header *h, unsigned int cpu,
			     uint64_t ring_size);

/* Appends a record: fixed part, then text (cut so the record stays within
 * TRACE_RECORD_MAX), zero padding; publishes it with a release store of head.
 * When it does not fit, counts it in lost instead. The caller makes sure
 * nothing else writes this ring meanwhile. Returns whether it was written. */
bool trace_ring_produce(struct trace_ring *r, unsigned int type, uint64_t tsc, const void *fixed,
			unsigned int fixed_len, const char *text, unsigned int text_len);

/* Copies len bytes into the ring at byte position pos, wrapping at the end;
 * src NULL writes zeros. */
void trace_ring_copy_in(const struct trace_ring *r, uint64_t pos, const void *src,
			unsigned int len);

/* Room for size more bytes after head; counts the record lost when there is none. */
static inline bool trace_ring_has_room(struct trace_ring *r, uint64_t head, unsigned int size)
{
	/* The consumer's tail, with acquire: its copy-out is done before we reuse the space. */
	uint64_t used = head - __atomic_load_n(&r->header->tail, __ATOMIC_ACQUIRE);

	if (used > r->mask + 1 || r->mask + 1 - used < size) {
		r->header->lost++;
		return false;
	}
	return true;
}

/* The in-place path for fixed-size events: reserves a record of fixed_len
 * payload bytes and returns where to write the payload (in the ring when the
 * record does not wrap, else in scratch), or NULL (counted lost) when it
 * does not fit. trace_ring_commit() publishes it. Inline: every instruction
 * here is paid per event, and emulated ones are dear. */
static inline void *trace_ring_reserve(struct trace_ring *r, unsigned int type, uint64_t tsc,
				       unsigned int fixed_len)
{
	unsigned int size = (sizeof(struct trace_record) + fixed_len + TRACE_RECORD_ALIGN - 1) &
			    ~(TRACE_RECORD_ALIGN - 1);
	uint64_t head = r->header->head, offset = head & r->mask;
	struct trace_record *rec;

	if (size > TRACE_RECORD_MAX || !trace_ring_has_room(r, head, size))
		return NULL;
	r->pending_size = size;
	r->pending_wraps = offset + size > r->mask + 1;
	rec = (struct trace_record *)(r->pending_wraps ? r->scratch : r->data + offset);
	*rec = (struct trace_record){ .type = type, .size = size, .tsc = tsc };
	/* Padding is zero, as the reader expects; the payload is the caller's to fill. */
	*(uint64_t *)((uint8_t *)rec + size - 8) = 0;
	return rec + 1;
}

static inline void trace_ring_commit(struct trace_ring *r)
{
	uint64_t head = r->header->head;

	if (r->pending_wraps)
		trace_ring_copy_in(r, head, r->scratch, r->pending_size);
	__atomic_store_n(&r->header->head, head + r->pending_size, __ATOMIC_RELEASE);
}

#endif
