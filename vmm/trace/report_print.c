/* See report.h: the report as text, tables a person reads in a terminal. */
#include <inttypes.h>

#include "escape.h"
#include "report.h"

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static double us(uint64_t ns)
{
	return (double)ns / 1e3;
}

static void print_tasks(const struct trace_report *r, FILE *out)
{
	char comm[ESCAPED_COMM_SIZE];
	size_t i;

	fprintf(out, "%-16s %7s %12s %9s %9s %11s %8s %11s %11s %11s %11s\n", "Task", "pid",
		"CPU ms", "switches", "voluntary", "involuntary", "wake-ups", "lat p50 us",
		"p95 us", "p99 us", "max us");
	for (i = 0; i < r->nr_tasks; i++) {
		const struct trace_task_report *t = &r->tasks[i];

		fprintf(out, "%-16s %7" PRIu32 " %12.3f %9" PRIu64 " %9" PRIu64 " %11" PRIu64,
			escape_comm(comm, t->comm), t->pid, ms(t->run_ns), t->switches,
			t->voluntary, t->involuntary);
		if (t->latency.count)
			fprintf(out, " %8" PRIu64 " %11.3f %11.3f %11.3f %11.3f\n",
				t->latency.count, us(t->latency.p50_ns), us(t->latency.p95_ns),
				us(t->latency.p99_ns), us(t->latency.max_ns));
		else
			fprintf(out, " %8d %11s %11s %11s %11s\n", 0, "-", "-", "-", "-");
	}
	if (!r->nr_tasks)
		fputs("(no task ran: the trace has no sched_switch events)\n", out);
}

static void print_cpus(const struct trace_report *r, FILE *out)
{
	uint64_t span = r->end_ns - r->start_ns;
	unsigned int i;

	fprintf(out, "%-6s %12s %8s %10s %10s\n", "vCPU", "busy ms", "util", "events", "lost");
	for (i = 0; i < r->nr_cpus; i++) {
		const struct trace_cpu_report *c = &r->cpus[i];

		fprintf(out, "%-6u %12.3f %7.2f%% %10" PRIu64 " %10" PRIu64 "\n", i, ms(c->busy_ns),
			span ? 100.0 * (double)c->busy_ns / (double)span : 0.0, c->events, c->lost);
	}
}

static void print_event_counts(const struct trace_report *r, FILE *out)
{
	unsigned int t;

	fprintf(out, "%-20s %10s\n", "Event", "count");
	for (t = 1; t < TRACE_NR_EVENTS; t++)
		if (r->events_by_type[t])
			fprintf(out, "%-20s %10" PRIu64 "\n", trace_event_descs[t].name,
				r->events_by_type[t]);
}

void trace_report_print(const struct trace_report *r, FILE *out)
{
	fprintf(out,
		"%" PRIu64 " events on %u vCPUs from %.6f s to %.6f s (%.3f ms), TSC %" PRIu32
		" kHz\n\n",
		r->nr_events, r->nr_cpus, (double)r->start_ns / 1e9, (double)r->end_ns / 1e9,
		ms(r->end_ns - r->start_ns), r->tsc_khz);
	print_tasks(r, out);
	fputc('\n', out);
	print_cpus(r, out);
	fputc('\n', out);
	print_event_counts(r, out);
	if (r->nr_lost)
		fprintf(out,
			"\nWARNING: %" PRIu64
			" events lost (the guest's trace rings were full), so the figures above undercount; record again with a larger --trace-buffer\n",
			r->nr_lost);
	if (r->corrupt_bytes)
		fprintf(out,
			"\nWARNING: %" PRIu64
			" bytes of malformed trace records were skipped while recording\n",
			r->corrupt_bytes);
}
