/* See sinks.h: string fields read in place, without a copy or a length cap. */
#include <string.h>

#include "sinks.h"

const char *trace_field_bytes(const struct trace_event *ev, const struct trace_field_desc *f,
			      size_t *len)
{
	size_t avail = ev->size > f->offset ? ev->size - f->offset : 0;
	const char *s = (const char *)ev->payload + f->offset;
	const char *nul;

	if (f->type == TRACE_FIELD_comm && avail > sizeof(struct trace_comm))
		avail = sizeof(struct trace_comm);
	nul = avail ? memchr(s, '\0', avail) : NULL;
	*len = nul ? (size_t)(nul - s) : avail;
	return s;
}
