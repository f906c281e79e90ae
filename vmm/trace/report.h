/* `vitro trace report`: what a trace says about its tasks and vCPUs, in the
 * manner of `perf sched latency`. The sink computes a struct trace_report;
 * printing is separate, so tests check the numbers themselves. */
#ifndef VMM_TRACE_REPORT_H
#define VMM_TRACE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../error.h"
#include "trace.h"

/* Wake-up latency: from sched_wakeup (or _new) of a task that was not
 * running to the sched_switch that runs it. Percentiles are nearest-rank:
 * the smallest sample with at least p% of the samples at or below it. */
struct trace_latency {
	uint64_t count;
	uint64_t p50_ns, p95_ns, p99_ns, max_ns;
};

struct trace_task_report {
	uint32_t pid;
	char comm[17]; /* the last name it ran under */
	uint64_t run_ns; /* CPU time, from the runs sched_tracker.h describes */
	uint64_t switches; /* times switched out */
	uint64_t voluntary; /* switched out not RUNNING: it blocked or exited */
	uint64_t involuntary; /* switched out RUNNING: preempted */
	struct trace_latency latency;
};

struct trace_cpu_report {
	uint64_t busy_ns; /* runs of tasks other than pid 0, the idle task */
	uint64_t events;
	uint64_t lost;
};

struct trace_report {
	unsigned int nr_cpus;
	uint32_t tsc_khz;
	uint64_t start_ns, end_ns; /* first and last event */
	size_t nr_tasks;
	struct trace_task_report *tasks; /* by CPU time, most first; no pid 0 */
	struct trace_cpu_report *cpus;
	uint64_t events_by_type[TRACE_NR_EVENTS];
	uint64_t nr_events, nr_lost, corrupt_bytes;
};

/* A sink that fills *report at end(); free it with trace_report_fini(). */
struct trace_sink *trace_report_sink(struct trace_report *report, struct vitro_error *err);
void trace_report_fini(struct trace_report *report);

void trace_report_print(const struct trace_report *report, FILE *out);

#endif
