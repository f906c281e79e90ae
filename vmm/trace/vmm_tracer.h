/* Events vitro itself emits (its device models' view of guest I/O), beside
 * the guest's own. A device gets a tracer, or NULL when nothing is traced;
 * the recorder behind it timestamps each event and merges the stream with
 * the vCPUs' rings. Kept apart from the recorder so device models, their
 * unit tests and fuzzers build without it. */
#ifndef VMM_TRACE_VMM_TRACER_H
#define VMM_TRACE_VMM_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../../shared/trace/events.h"

struct vmm_tracer {
	uint64_t categories; /* mask of enum trace_category */
	/* Any thread may call it; payload is struct trace_ev_<type>. */
	void (*emit)(struct vmm_tracer *t, enum trace_event_type type, const void *payload,
		     uint16_t len);
};

static inline bool vmm_tracer_wants(const struct vmm_tracer *t, enum trace_category cat)
{
	return t && (t->categories >> cat) & 1;
}

/* Nanoseconds on the clock vitro's events are stamped with. */
static inline uint64_t vmm_tracer_now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

#endif
