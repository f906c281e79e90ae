/* Trace files: the sinks that write a merged event stream as Chrome/Perfetto
 * JSON, a CTF 1.8 directory or perf-script-like text, the readers that turn
 * a file vitro wrote back into the same stream, and the `vitro trace`
 * tools (report, timeline, convert) built on them. */
#ifndef VMM_TRACE_OUTPUT_H
#define VMM_TRACE_OUTPUT_H

#include <stdio.h>

#include "../error.h"
#include "trace.h"

enum trace_format {
	TRACE_FORMAT_AUTO, /* by the file name */
	TRACE_FORMAT_JSON,
	TRACE_FORMAT_CTF,
	TRACE_FORMAT_TEXT,
};

/* --trace-format json|ctf|text. Returns 0 or -EINVAL with err set. */
int trace_format_parse(const char *name, enum trace_format *fmt, struct vitro_error *err);

/* The format to write path in: requested unless AUTO, else by extension
 * (.json, .txt, .ctf or none for a CTF directory). Returns 0 or -EINVAL. */
int trace_format_for_path(const char *path, enum trace_format requested, enum trace_format *fmt,
			  struct vitro_error *err);

/* A sink writing path in fmt (not AUTO). Creates the file now, so a bad path
 * fails before anything runs; a CTF directory is created, or reused when
 * empty or holding an earlier vitro trace. NULL with err set on failure. */
struct trace_sink *trace_output_open(const char *path, enum trace_format fmt,
				     struct vitro_error *err);

/* Replays a trace vitro wrote (CTF directory or JSON file) into sink:
 * begin, every event in time order, end, with the trace_info recovered
 * from the file. Does not destroy sink. Returns 0, the sink's error, or a
 * negative errno with err saying what is wrong with the file. */
int trace_read(const char *path, struct trace_sink *sink, struct vitro_error *err);

/* `vitro trace report`: a sink printing per-task CPU time, context switches
 * and wake-up latency, per-CPU utilisation, event counts and losses to out
 * at end(). */
struct trace_sink *trace_report_open(FILE *out, struct vitro_error *err);

/* `vitro trace timeline`: a sink writing an SVG of which task ran on each
 * vCPU when. */
struct trace_sink *trace_timeline_open(const char *svg_path, struct vitro_error *err);

/* `vitro trace SUBCOMMAND ...`: argv[0] is "trace". Returns the process's
 * exit status, or a negative errno with err set (as vm_run does). */
int trace_cli_main(int argc, char **argv, struct vitro_error *err);
extern const char trace_cli_usage[];

#endif
