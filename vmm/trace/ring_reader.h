/* The consumer side of one trace ring (shared/trace/ring.h): copies published
 * records out of guest memory, checks each one, and hands the good ones on.
 * Pure, so the fuzzer and unit tests drive it over plain memory. */
#ifndef VMM_TRACE_RING_READER_H
#define VMM_TRACE_RING_READER_H

#include <stdint.h>

#include "../../shared/trace/ring.h"

struct ring_reader {
	struct trace_ring_header *header; /* guest memory: every field is untrusted */
	uint8_t *data;
	uint64_t data_size; /* what vitro set up, not what the header says now */
	uint64_t tail; /* vitro's own count; the header's copy is for the guest */
	uint64_t corrupt_bytes; /* skipped because a record made no sense */
	uint64_t records; /* handed on */
};

/* Called for each valid record: payload is the record after its header,
 * len bytes (at least the event's fixed size), in vitro's own memory. */
typedef void (*ring_record_fn)(void *opaque, uint16_t type, uint64_t tsc, const uint8_t *payload,
			       uint16_t len);

/* Sets up the header of a fresh ring for the guest. data_size is a power of two. */
void ring_reader_init(struct ring_reader *r, void *ring, uint32_t cpu, uint64_t data_size);

/* Consumes everything published so far. A malformed record drops what is
 * left of this batch (the stream cannot be resynchronised) and counts it
 * in corrupt_bytes. Returns the number of records handed on. */
uint64_t ring_reader_drain(struct ring_reader *r, ring_record_fn fn, void *opaque);

/* Records the guest dropped because the ring was full (as it reports). */
uint64_t ring_reader_lost(const struct ring_reader *r);

#endif
