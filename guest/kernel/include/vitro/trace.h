/* Tracepoints: events written into this CPU's ring for vitro to read from the
 * host (shared/trace/ring.h). The event list is shared/trace/events.h.
 *
 *   trace_event(sched_wakeup, .pid = t->pid, .comm = trace_comm(t->comm), ...);
 *
 * A disabled event costs one byte load and a not-taken branch: its enable
 * flag is set once at boot from the categories vitro was asked to trace
 * (`--trace-events`); with no trace region (QEMU, or no --trace) all stay 0. */
#ifndef VITRO_TRACE_H
#define VITRO_TRACE_H

#include <stdint.h>

#include <vitro/compiler.h>

#include "../../../../shared/trace/events.h"

extern uint8_t trace_event_on[TRACE_NR_EVENTS];

#define trace_enabled(name) unlikely(trace_event_on[TRACE_EVENT_##name])

/* Fixed-size events are written in place: reserve, fill, commit. */
#define trace_event(name, ...)                                                              \
	do {                                                                                \
		if (trace_enabled(name)) {                                                  \
			unsigned long __flags;                                              \
			struct trace_ev_##name *__ev =                                      \
				trace_reserve(TRACE_EVENT_##name, sizeof(*__ev), &__flags); \
			if (__ev)                                                           \
				*__ev = (struct trace_ev_##name){ __VA_ARGS__ };            \
			trace_commit(__ev, __flags);                                        \
		}                                                                           \
	} while (0)

/* With interrupts off from reserve to commit, on this CPU's ring; NULL when
 * the event is lost (ring full, or no ring). commit takes that NULL too. */
void *trace_reserve(unsigned int type, unsigned int len, unsigned long *flags);
void trace_commit(void *reserved, unsigned long flags);

/* Writes one record (fixed part, then text_len bytes of text, cut to fit a
 * record) into this CPU's ring, or counts it lost when the ring is full.
 * Any context, interrupts on or off; never waits. */
void trace_write(unsigned int type, const void *fixed, unsigned int fixed_len, const char *text,
		 unsigned int text_len);

/* A task's comm is a NUL-padded char[16]: copied whole, two moves. */
static inline struct trace_comm trace_comm(const char comm[16])
{
	struct trace_comm c;

	__builtin_memcpy(&c, comm, sizeof(c));
	return c;
}

/* Finds the trace region in the device tree and maps it; the boot CPU calls
 * it once with the memory manager up, before other CPUs start. */
void trace_init(void);

/* Whether vitro gave this guest trace rings at all. */
bool trace_available(void);

#endif
