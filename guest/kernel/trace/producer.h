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

/* The in-place path for fixed-size events: reserves a record of fixed_len
 * payload bytes and returns where to write the payload (in the ring when the
 * record does not wrap, else in scratch), or NULL (counted lost) when it
 * does not fit. trace_ring_commit() publishes it. */
void *trace_ring_reserve(struct trace_ring *r, unsigned int type, uint64_t tsc,
			 unsigned int fixed_len);
void trace_ring_commit(struct trace_ring *r);

#endif
