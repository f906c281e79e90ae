/* libFuzzer target: vitro's trace-ring reader (vmm/trace/ring_reader.c) over
 * a ring whose contents a hostile guest chose. The input's first bytes set
 * the header's head and lost fields, the rest fills the data area; the
 * reader drains it several times as the "guest" moves head on, and every
 * record it hands on must be a known type with at least its fixed size,
 * whose fields decode without reading out of bounds.
 *
 * Input: u64 head, u8 steps, then the data bytes (up to the ring size). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/trace/ring_reader.h"
#include "../../vmm/trace/trace.h"

#define DATA_SIZE 4096u

static void check_record(void *opaque, uint16_t type, uint64_t tsc, const uint8_t *payload,
			 uint16_t len)
{
	struct trace_event ev = { tsc, 0, type, len, payload };
	const struct trace_event_desc *d;
	char buf[TRACE_RECORD_MAX + 1];
	unsigned int i;

	(void)opaque;
	if (type == TRACE_EVENT_NONE || type >= TRACE_NR_EVENTS) {
		fprintf(stderr, "invariant failed: type %u handed on\n", type);
		abort();
	}
	d = &trace_event_descs[type];
	if (len < d->fixed_size || len + sizeof(struct trace_record) > TRACE_RECORD_MAX) {
		fprintf(stderr, "invariant failed: %s with %u payload bytes\n", d->name, len);
		abort();
	}
	for (i = 0; i < d->nr_fields; i++) {
		const struct trace_field_desc *f = &d->fields[i];

		if (f->type == TRACE_FIELD_comm || f->type == TRACE_FIELD_text)
			trace_field_string(&ev, f, buf, sizeof(buf));
		else
			trace_field_int(&ev, f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ring;
	struct ring_reader reader;
	struct trace_ring_header *h;
	uint64_t head;
	unsigned int steps, i;

	if (size < 9)
		return 0;
	if (!ring)
		ring = malloc(TRACE_RING_HEADER_SIZE + DATA_SIZE);
	ring_reader_init(&reader, ring, 0, DATA_SIZE);
	h = (struct trace_ring_header *)ring;
	memcpy(&head, data, 8);
	steps = data[8] % 4 + 1;
	data += 9;
	size -= 9;
	memset(ring + TRACE_RING_HEADER_SIZE, 0, DATA_SIZE);
	memcpy(ring + TRACE_RING_HEADER_SIZE, data, size < DATA_SIZE ? size : DATA_SIZE);
	/* Small heads walk through the data a bit at a time; large ones are lies. */
	for (i = 1; i <= steps; i++) {
		h->head = head < 4 * DATA_SIZE ? head * i / steps : head;
		ring_reader_drain(&reader, check_record, NULL);
	}
	if (reader.tail != h->head) {
		fprintf(stderr, "invariant failed: reader stopped at %llu, head %llu\n",
			(unsigned long long)reader.tail, (unsigned long long)h->head);
		abort();
	}
	return 0;
}
