/* Private to vmm/trace: the writers behind trace_output_open() and what the
 * sinks share. Each sink embeds struct trace_sink first and finds itself
 * with container_of. */
#ifndef VMM_TRACE_SINKS_H
#define VMM_TRACE_SINKS_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "../error.h"
#include "trace.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* The writers take f over (it is closed by destroy, or here on failure). */
struct trace_sink *json_sink_create(FILE *f, struct vitro_error *err);
struct trace_sink *text_sink_create(FILE *f, struct vitro_error *err);
/* dir exists and is empty (ctf_dir.c prepares it). */
struct trace_sink *ctf_sink_create(const char *dir, struct vitro_error *err);

/* A comm or text field's bytes in the payload, up to its first NUL or its
 * end (16 bytes for comm, the payload's end for text). */
const char *trace_field_bytes(const struct trace_event *ev, const struct trace_field_desc *f,
			      size_t *len);

/* Closes *f and clears it: 0, -EIO if any write failed, or fclose's errno. */
static inline int trace_file_finish(FILE **f)
{
	int rc = ferror(*f) ? -EIO : 0;

	if (fclose(*f) && !rc)
		rc = -errno;
	*f = NULL;
	return rc;
}

/* The event's descriptor; the sink contract guarantees a valid type. */
static inline const struct trace_event_desc *trace_event_desc_of(const struct trace_event *ev)
{
	return &trace_event_descs[ev->type];
}

#endif
