/* A synthetic guest trace for the trace output tests: two vCPUs, three tasks
 * ping-ponging with wake-ups, an irq, an ipi, a timer, a fork/exec/exit, a
 * console line with quotes, a newline and a byte that is not UTF-8, and
 * events lost on CPU 1. The numbers it should report are in trace_synth.c. */
#ifndef TESTS_UNIT_TRACE_SYNTH_H
#define TESTS_UNIT_TRACE_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../vmm/trace/trace.h"

#define SYNTH_MAX_CPUS 4
#define SYNTH_NR_CPUS 2
#define SYNTH_PAYLOAD_MAX 256

struct synth_event {
	struct trace_event ev;
	uint8_t payload[SYNTH_PAYLOAD_MAX];
};

struct synth_trace {
	struct synth_event *events;
	size_t nr_events, cap;
	uint64_t lost[SYNTH_MAX_CPUS];
	uint64_t counts[SYNTH_MAX_CPUS];
	struct trace_info info;
};

/* Appends an event: the fixed part, then text (if any) and pad zero bytes. */
void synth_add(struct synth_trace *t, uint64_t ts_ns, uint32_t cpu, enum trace_event_type type,
	       const void *fixed, size_t fixed_size, const char *text, size_t text_len, size_t pad);
void synth_switch(struct synth_trace *t, uint64_t ts_ns, uint32_t cpu, uint32_t prev_pid,
		  const char *prev_comm, uint64_t prev_state, uint32_t next_pid,
		  const char *next_comm);
void synth_wakeup(struct synth_trace *t, uint64_t ts_ns, uint32_t cpu, bool is_new, uint32_t pid,
		  const char *comm, uint32_t waker_pid);

/* An empty trace of nr_cpus (<= SYNTH_MAX_CPUS) vCPUs; synth_fini frees it. */
void synth_init(struct synth_trace *t, unsigned int nr_cpus);
void synth_fini(struct synth_trace *t);

/* The scenario described above. */
void synth_build_pingpong(struct synth_trace *t);

/* begin, every event, end; returns the first error. Does not destroy sink. */
int synth_replay(const struct synth_trace *t, struct trace_sink *sink);

/* A sink that records what it is given into t (synth_init'ed by begin). */
struct trace_sink *synth_collector(struct synth_trace *t);

/* trace_read() of path into got (emptied first; synth_fini it after). */
int synth_read(const char *path, struct synth_trace *got, struct vitro_error *err);

/* Whether a and b are the same event: time, CPU, type and every field's
 * value (strings up to their NUL); if not, why says where they differ. */
bool synth_event_equal(const struct trace_event *a, const struct trace_event *b, char *why,
		       size_t why_size);

/* Compares two traces event for event and their trace_info, recording a
 * test failure for the first difference. Returns true if equal. */
bool synth_expect_same_trace(const struct synth_trace *got, const struct synth_trace *want);

/* The whole file, NUL-terminated, or NULL (with a test failure). */
char *synth_read_file(const char *path, size_t *size);

/* Writes t to path in fmt through trace_output_open(); 0 or a test failure. */
int synth_write(const struct synth_trace *t, const char *path, int fmt);

/* A fresh directory under TMPDIR, and its removal with everything in it. */
void synth_tmpdir(char *path, size_t size);
void synth_rmtree(const char *path);

/* Pids and comms of the scenario. */
#define SYNTH_PID_PING 10
#define SYNTH_PID_PONG 11
#define SYNTH_PID_WORKER 12
#define SYNTH_WORKER_COMM "w\"k<&>\xff"
#define SYNTH_CONSOLE_TEXT "pong says \"hi\" \\o/\n\xfe end"
#define SYNTH_NR_PINGPONG_EVENTS 24

#endif
