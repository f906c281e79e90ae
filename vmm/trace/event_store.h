/* Events a trace reader has collected from a file, held until they can be
 * replayed to a sink in time order (files need not be: a CTF trace is one
 * stream per vCPU, and JSON can be edited). */
#ifndef VMM_TRACE_EVENT_STORE_H
#define VMM_TRACE_EVENT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct stored_event {
	uint64_t ts_ns;
	size_t offset; /* of the payload in bytes */
	size_t seq; /* order added, the last tie-breaker */
	uint32_t cpu;
	uint16_t type;
	uint16_t size;
};

struct event_store {
	struct stored_event *events;
	size_t nr_events, events_cap;
	uint8_t *bytes;
	size_t nr_bytes, bytes_cap;
};

void event_store_init(struct event_store *s);
void event_store_fini(struct event_store *s);

/* Copies ev in. The caller has checked it (type, size >= fixed size).
 * Returns 0 or -ENOMEM. */
int event_store_add(struct event_store *s, const struct trace_event *ev);

/* Sorts by time, then CPU, then order added (as vitro's merge orders
 * them), and replays begin(info), every event, end(info). Returns the
 * sink's first error. */
int event_store_replay(struct event_store *s, const struct trace_info *info,
		       struct trace_sink *sink);

#endif
