/* The trace readers behind trace_read() (output.h), private to vmm/trace,
 * with entry points over memory for the fuzzer. */
#ifndef VMM_TRACE_READ_H
#define VMM_TRACE_READ_H

#include <stddef.h>

#include "../../shared/trace/ring.h"
#include "../error.h"
#include "trace.h"

/* The most vCPUs a file may claim. */
#define TRACE_READ_MAX_CPUS 4096
/* The longest text field: a ring record cannot hold more. */
#define TRACE_TEXT_MAX TRACE_RECORD_MAX

/* A JSON document vitro wrote, len bytes (need not be terminated). */
int trace_read_json_buffer(const char *text, size_t len, struct trace_sink *sink,
			   struct vitro_error *err);

/* Puts "prefix: " before the message in err; returns rc. */
int trace_read_error_prefix(struct vitro_error *err, int rc, const char *prefix);

/* A CTF directory vitro wrote. */
int trace_read_ctf_dir(const char *dir, struct trace_sink *sink, struct vitro_error *err);

#endif
