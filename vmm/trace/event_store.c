/* See event_store.h. */
#include "event_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void event_store_init(struct event_store *s)
{
	memset(s, 0, sizeof(*s));
}

void event_store_fini(struct event_store *s)
{
	free(s->events);
	free(s->bytes);
	event_store_init(s);
}

/* Makes room for n more elements of size bytes in *buf (count *nr, capacity *cap). */
static int reserve(void **buf, size_t *cap, size_t nr, size_t n, size_t size)
{
	size_t want = *cap ? *cap : 1024;
	void *p;

	if (nr + n <= *cap)
		return 0;
	while (want < nr + n) {
		if (want > SIZE_MAX / 2 / size)
			return -ENOMEM;
		want *= 2;
	}
	p = realloc(*buf, want * size);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = want;
	return 0;
}

int event_store_add(struct event_store *s, const struct trace_event *ev)
{
	struct stored_event *e;

	if (reserve((void **)&s->events, &s->events_cap, s->nr_events, 1, sizeof(*s->events)) ||
	    reserve((void **)&s->bytes, &s->bytes_cap, s->nr_bytes, ev->size, 1))
		return -ENOMEM;
	e = &s->events[s->nr_events];
	*e = (struct stored_event){ ev->ts_ns, s->nr_bytes, s->nr_events,
				    ev->cpu,   ev->type,    ev->size };
	memcpy(s->bytes + s->nr_bytes, ev->payload, ev->size);
	s->nr_bytes += ev->size;
	s->nr_events++;
	return 0;
}

static int compare_events(const void *a, const void *b)
{
	const struct stored_event *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int event_store_replay(struct event_store *s, const struct trace_info *info,
		       struct trace_sink *sink)
{
	size_t i;
	int rc;

	if (s->nr_events)
		qsort(s->events, s->nr_events, sizeof(*s->events), compare_events);
	rc = sink->begin(sink, info);
	for (i = 0; !rc && i < s->nr_events; i++) {
		const struct stored_event *e = &s->events[i];
		struct trace_event ev = { e->ts_ns, e->cpu, e->type, e->size,
					  s->bytes + e->offset };

		rc = sink->event(sink, &ev);
	}
	return rc ?: sink->end(sink, info);
}
