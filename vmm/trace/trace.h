/* Host-side view of guest trace events: descriptors generated from the
 * shared event list, decoded events, and the sink interface that every
 * output (CTF, Chrome JSON, text) and every report implements. Events reach
 * a sink merged across vCPUs in time order. */
#ifndef VMM_TRACE_TRACE_H
#define VMM_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../shared/trace/events.h"
#include "../error.h"

enum trace_field_type {
	TRACE_FIELD_u32,
	TRACE_FIELD_s32,
	TRACE_FIELD_u64,
	TRACE_FIELD_s64,
	TRACE_FIELD_comm,
	TRACE_FIELD_text,
};

struct trace_field_desc {
	const char *name;
	enum trace_field_type type;
	uint16_t offset; /* in the event's payload */
	uint16_t size; /* 0 for text: it runs to the end of the payload */
};

struct trace_event_desc {
	const char *name;
	enum trace_category category;
	uint16_t fixed_size; /* sizeof(struct trace_ev_<name>) */
	bool has_text;
	unsigned int nr_fields;
	const struct trace_field_desc *fields;
};

/* Indexed by enum trace_event_type; entry 0 (TRACE_EVENT_NONE) has no name. */
extern const struct trace_event_desc trace_event_descs[TRACE_NR_EVENTS];

const char *trace_category_name(enum trace_category cat);

/* Looks an event up by name; returns TRACE_EVENT_NONE when unknown. */
enum trace_event_type trace_event_by_name(const char *name, size_t len);

/* Parses a --trace-events list ("sched,irq", "all") into a category mask.
 * Returns 0, or -EINVAL with err naming the unknown word. */
int trace_parse_categories(const char *list, uint64_t *mask, struct vitro_error *err);
#define TRACE_ALL_CATEGORIES ((1ull << TRACE_NR_CATEGORIES) - 1)
#define TRACE_DEFAULT_CATEGORIES TRACE_ALL_CATEGORIES

/* One decoded event. payload holds size bytes laid out as struct
 * trace_ev_<name>, then the text field's bytes if the event has one;
 * size >= the descriptor's fixed_size always. */
struct trace_event {
	uint64_t ts_ns; /* since vitro started */
	uint32_t cpu;
	uint16_t type; /* enum trace_event_type, never NONE */
	uint16_t size;
	const uint8_t *payload;
};

/* Field accessors; the caller passes a field of the event's own type. */
uint64_t trace_field_uint(const struct trace_event *ev, const struct trace_field_desc *f);
int64_t trace_field_int(const struct trace_event *ev, const struct trace_field_desc *f);
/* comm or text as a NUL-terminated string in buf (cut to buf_size - 1). */
const char *trace_field_string(const struct trace_event *ev, const struct trace_field_desc *f,
			       char *buf, size_t buf_size);
/* The descriptor of the named field of an event type, or NULL. */
const struct trace_field_desc *trace_field_by_name(enum trace_event_type type, const char *name);

/* What is known about the whole trace; complete only when end() is called. */
/* Streams: one per vCPU (index = CPU), then, with has_vmm_stream, vitro's
 * own events (index nr_cpus; see vmm_tracer.h). */
struct trace_info {
	unsigned int nr_cpus;
	uint32_t tsc_khz;
	uint64_t categories; /* mask of enabled categories */
	const uint64_t *lost; /* per stream: records the guest dropped (ring full) */
	const uint64_t *events; /* per stream: records decoded */
	uint64_t corrupt_bytes; /* bytes vitro rejected as malformed */
	bool has_vmm_stream;
};

static inline unsigned int trace_info_nr_streams(const struct trace_info *info)
{
	return info->nr_cpus + (info->has_vmm_stream ? 1 : 0);
}

/* The stream an event came from is vitro's own. */
static inline bool trace_stream_is_vmm(const struct trace_info *info, uint32_t stream)
{
	return info->has_vmm_stream && stream == info->nr_cpus;
}

struct trace_sink {
	int (*begin)(struct trace_sink *sink, const struct trace_info *info);
	int (*event)(struct trace_sink *sink, const struct trace_event *ev);
	int (*end)(struct trace_sink *sink, const struct trace_info *info);
	void (*destroy)(struct trace_sink *sink);
};

#endif
