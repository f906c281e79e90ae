/* See trace.h: the descriptor table, generated from shared/trace/events.h. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "trace.h"

#define FIELD_SIZE_u32 4
#define FIELD_SIZE_s32 4
#define FIELD_SIZE_u64 8
#define FIELD_SIZE_s64 8
#define FIELD_SIZE_comm 16
#define FIELD_SIZE_text 0

#define DESC_FIELD(type, name) { #name, TRACE_FIELD_##type, 0, FIELD_SIZE_##type },
#define DESC_FIELDS(name, cat, fields) static struct trace_field_desc fields_##name[] = { fields };
TRACE_EVENTS(DESC_FIELDS, DESC_FIELD)
#undef DESC_FIELDS

#define FIELD_IS_TEXT_u32 0
#define FIELD_IS_TEXT_s32 0
#define FIELD_IS_TEXT_u64 0
#define FIELD_IS_TEXT_s64 0
#define FIELD_IS_TEXT_comm 0
#define FIELD_IS_TEXT_text 1
#define HAS_TEXT_FIELD(type, name) | FIELD_IS_TEXT_##type
#define HAS_TEXT(name, cat, fields) enum { has_text_##name = 0 fields };
TRACE_EVENTS(HAS_TEXT, HAS_TEXT_FIELD)
#undef HAS_TEXT

#define DESC_EVENT(name, cat, fields)                                              \
	[TRACE_EVENT_##name] = { #name,                                            \
				 TRACE_CAT_##cat,                                  \
				 sizeof(struct trace_ev_##name),                   \
				 has_text_##name,                                  \
				 sizeof(fields_##name) / sizeof(fields_##name[0]), \
				 fields_##name },
const struct trace_event_desc trace_event_descs[TRACE_NR_EVENTS] = {
	[TRACE_EVENT_NONE] = { "", 0, 0, false, 0, NULL }, TRACE_EVENTS(DESC_EVENT, )
};
#undef DESC_EVENT

static const char *const category_names[] = {
#define CAT_NAME(upper, lower) #lower,
	TRACE_CATEGORIES(CAT_NAME)
#undef CAT_NAME
};

/* Offsets follow from the sizes, since the structs are packed; computed once
 * at start-up rather than written twice. The field arrays are not const. */
__attribute__((constructor)) static void trace_descs_layout(void)
{
	unsigned int t, i;

	for (t = 1; t < TRACE_NR_EVENTS; t++) {
		const struct trace_event_desc *d = &trace_event_descs[t];
		struct trace_field_desc *f = (struct trace_field_desc *)d->fields;
		uint16_t offset = 0;

		for (i = 0; i < d->nr_fields; i++) {
			f[i].offset = offset;
			offset += f[i].size;
		}
	}
}

const char *trace_category_name(enum trace_category cat)
{
	return (unsigned int)cat < TRACE_NR_CATEGORIES ? category_names[cat] : "?";
}

enum trace_event_type trace_event_by_name(const char *name, size_t len)
{
	unsigned int t;

	for (t = 1; t < TRACE_NR_EVENTS; t++)
		if (strlen(trace_event_descs[t].name) == len &&
		    !memcmp(trace_event_descs[t].name, name, len))
			return t;
	return TRACE_EVENT_NONE;
}

int trace_parse_categories(const char *list, uint64_t *mask, struct vitro_error *err)
{
	const char *p = list;
	unsigned int c;

	*mask = 0;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == 3 && !memcmp(p, "all", 3)) {
			*mask |= TRACE_ALL_CATEGORIES;
		} else {
			for (c = 0; c < TRACE_NR_CATEGORIES; c++)
				if (strlen(category_names[c]) == len &&
				    !memcmp(category_names[c], p, len))
					break;
			if (c == TRACE_NR_CATEGORIES || !len)
				return vitro_error_set(
					err, -EINVAL,
					"--trace-events: unknown category '%.*s' (use all or a list of sched, irq, timer, syscall, block, net, mm, printk)",
					(int)len, p);
			*mask |= 1ull << c;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*mask)
		return vitro_error_set(err, -EINVAL,
				       "--trace-events: empty list (use all, or e.g. sched,irq)");
	return 0;
}

const struct trace_field_desc *trace_field_by_name(enum trace_event_type type, const char *name)
{
	const struct trace_event_desc *d;
	unsigned int i;

	if ((unsigned int)type >= TRACE_NR_EVENTS)
		return NULL;
	d = &trace_event_descs[type];
	for (i = 0; i < d->nr_fields; i++)
		if (!strcmp(d->fields[i].name, name))
			return &d->fields[i];
	return NULL;
}

uint64_t trace_field_uint(const struct trace_event *ev, const struct trace_field_desc *f)
{
	uint32_t v32;
	uint64_t v64;

	if (f->size == 4 && f->offset + 4u <= ev->size) {
		memcpy(&v32, ev->payload + f->offset, 4);
		return v32;
	}
	if (f->size == 8 && f->offset + 8u <= ev->size) {
		memcpy(&v64, ev->payload + f->offset, 8);
		return v64;
	}
	return 0;
}

int64_t trace_field_int(const struct trace_event *ev, const struct trace_field_desc *f)
{
	uint64_t v = trace_field_uint(ev, f);

	return f->size == 4 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

const char *trace_field_string(const struct trace_event *ev, const struct trace_field_desc *f,
			       char *buf, size_t buf_size)
{
	size_t avail = ev->size > f->offset ? ev->size - f->offset : 0, n;

	if (f->type == TRACE_FIELD_comm && avail > 16)
		avail = 16;
	n = avail < buf_size - 1 ? avail : buf_size - 1;
	memcpy(buf, ev->payload + f->offset, n);
	buf[n] = '\0';
	return buf;
}
