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

#endif
