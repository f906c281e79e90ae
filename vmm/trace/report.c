/* See report.h: the sink that gathers the report's numbers. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "sched_tracker.h"
#include "sinks.h"
#include "task_table.h"

struct report_task {
	uint32_t pid;
	struct trace_task_report out;
	bool is_woken; /* a wake-up waits for the task to run */
	uint64_t woken_ns;
	uint64_t *latencies;
	size_t nr_latencies, latencies_cap;
};

struct report_sink {
	struct trace_sink sink;
	struct trace_report *report;
	FILE *print_to; /* trace_report_open(): print at end() */
	struct trace_report own; /* ... into this */
	struct sched_tracker sched;
	struct task_table tasks;
	bool has_events;
	bool has_vmm_stream;
};

static struct report_sink *to_report(struct trace_sink *sink)
{
	return container_of(sink, struct report_sink, sink);
}

static struct report_task *task_of(struct report_sink *s, uint32_t pid, const char *comm)
{
	struct report_task *t = task_table_get(&s->tasks, pid);

	if (t && comm) {
		t->out.pid = pid;
		snprintf(t->out.comm, sizeof(t->out.comm), "%s", comm);
	}
	return t;
}

static int add_latency(struct report_task *t, uint64_t ns)
{
	if (t->nr_latencies == t->latencies_cap) {
		size_t cap = t->latencies_cap ? t->latencies_cap * 2 : 16;
		uint64_t *l = realloc(t->latencies, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		t->latencies = l;
		t->latencies_cap = cap;
	}
	t->latencies[t->nr_latencies++] = ns;
	return 0;
}

static int add_run(struct report_sink *s, const struct sched_run *run)
{
	struct report_task *t = task_of(s, run->task.pid, run->task.comm);

	if (!t)
		return -ENOMEM;
	t->out.run_ns += run->end_ns - run->start_ns;
	if (run->task.pid != 0)
		s->report->cpus[run->cpu].busy_ns += run->end_ns - run->start_ns;
	return 0;
}

static int on_switch(struct report_sink *s, const struct trace_event *ev)
{
	struct trace_ev_sched_switch sw;
	char prev_comm[sizeof(sw.prev_comm.s) + 1], next_comm[sizeof(sw.next_comm.s) + 1];
	struct report_task *prev, *next;
	struct sched_run ended;

	memcpy(&sw, ev->payload, sizeof(sw));
	sched_comm_copy(prev_comm, &sw.prev_comm);
	sched_comm_copy(next_comm, &sw.next_comm);
	if (sched_tracker_switch(&s->sched, ev, &ended) && add_run(s, &ended))
		return -ENOMEM;
	prev = task_of(s, sw.prev_pid, prev_comm);
	if (!prev)
		return -ENOMEM;
	prev->out.switches++;
	if (sw.prev_state)
		prev->out.voluntary++;
	else
		prev->out.involuntary++;
	next = task_of(s, sw.next_pid, next_comm);
	if (!next)
		return -ENOMEM;
	if (next->is_woken) {
		next->is_woken = false;
		return add_latency(next, ev->ts_ns - next->woken_ns);
	}
	return 0;
}

/* The first wake-up since the task last ran is the one it waited on; one
 * while it still runs (it was woken before it got to sleep) is no wait. */
static int on_wakeup(struct report_sink *s, const struct trace_event *ev)
{
	struct trace_ev_sched_wakeup w; /* sched_wakeup_new has the same layout */
	char comm[sizeof(w.comm.s) + 1];
	struct report_task *t;

	memcpy(&w, ev->payload, sizeof(w));
	sched_comm_copy(comm, &w.comm);
	t = task_of(s, w.pid, comm);
	if (!t)
		return -ENOMEM;
	if (!t->is_woken && w.pid != 0 && !sched_tracker_is_running(&s->sched, w.pid)) {
		t->is_woken = true;
		t->woken_ns = ev->ts_ns;
	}
	return 0;
}

static int report_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct report_sink *s = to_report(sink);
	struct trace_report *r = s->report;

	memset(r, 0, sizeof(*r));
	r->nr_cpus = info->nr_cpus;
	r->tsc_khz = info->tsc_khz;
	s->has_vmm_stream = info->has_vmm_stream;
	r->cpus = calloc(info->nr_cpus ? info->nr_cpus : 1, sizeof(*r->cpus));
	if (!r->cpus || sched_tracker_init(&s->sched, info->nr_cpus))
		return -ENOMEM;
	return 0;
}

static int report_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct report_sink *s = to_report(sink);
	struct trace_report *r = s->report;

	if (s->has_vmm_stream && ev->cpu == r->nr_cpus)
		return 0; /* vitro's own events: nothing ran on a vCPU */
	if (ev->cpu >= r->nr_cpus)
		return -EINVAL;
	if (!s->has_events)
		r->start_ns = ev->ts_ns;
	s->has_events = true;
	if (ev->ts_ns > r->end_ns)
		r->end_ns = ev->ts_ns;
	r->events_by_type[ev->type]++;
	r->cpus[ev->cpu].events++;
	r->nr_events++;
	if (ev->type == TRACE_EVENT_sched_switch)
		return on_switch(s, ev);
	if (ev->type == TRACE_EVENT_sched_wakeup || ev->type == TRACE_EVENT_sched_wakeup_new)
		return on_wakeup(s, ev);
	return 0;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the ceil(p/100 * n)-th smallest of n sorted samples. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned int p)
{
	size_t rank = (p * n + 99) / 100;

	return sorted[rank ? rank - 1 : 0];
}

static void summarise_latency(struct report_task *t)
{
	struct trace_latency *l = &t->out.latency;
	size_t n = t->nr_latencies;

	l->count = n;
	if (!n)
		return;
	qsort(t->latencies, n, sizeof(*t->latencies), compare_u64);
	l->p50_ns = percentile(t->latencies, n, 50);
	l->p95_ns = percentile(t->latencies, n, 95);
	l->p99_ns = percentile(t->latencies, n, 99);
	l->max_ns = t->latencies[n - 1];
}

static int compare_tasks(const void *a, const void *b)
{
	const struct trace_task_report *x = a, *y = b;

	if (x->run_ns != y->run_ns)
		return x->run_ns > y->run_ns ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int collect_tasks(struct report_sink *s)
{
	struct trace_report *r = s->report;
	size_t i, n = task_table_count(&s->tasks);

	r->tasks = calloc(n ? n : 1, sizeof(*r->tasks));
	if (!r->tasks)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct report_task *t = task_table_at(&s->tasks, i);

		if (t->pid == 0)
			continue;
		summarise_latency(t);
		r->tasks[r->nr_tasks++] = t->out;
	}
	qsort(r->tasks, r->nr_tasks, sizeof(*r->tasks), compare_tasks);
	return 0;
}

static int report_end(struct trace_sink *sink, const struct trace_info *info)
{
	struct report_sink *s = to_report(sink);
	struct trace_report *r = s->report;
	struct sched_run ended;
	unsigned int cpu;
	int rc = 0;

	for (cpu = 0; cpu < r->nr_cpus && !rc; cpu++) {
		r->cpus[cpu].lost = info->lost ? info->lost[cpu] : 0;
		r->nr_lost += r->cpus[cpu].lost;
		if (sched_tracker_end(&s->sched, cpu, r->end_ns, &ended))
			rc = add_run(s, &ended);
	}
	r->corrupt_bytes = info->corrupt_bytes;
	rc = rc ?: collect_tasks(s);
	if (!rc && s->print_to) {
		trace_report_print(r, s->print_to);
		if (fflush(s->print_to) || ferror(s->print_to))
			rc = -EIO;
	}
	return rc;
}

static void report_destroy(struct trace_sink *sink)
{
	struct report_sink *s = to_report(sink);
	size_t i;

	for (i = 0; i < task_table_count(&s->tasks); i++)
		free(((struct report_task *)task_table_at(&s->tasks, i))->latencies);
	task_table_fini(&s->tasks);
	sched_tracker_fini(&s->sched);
	trace_report_fini(&s->own);
	free(s);
}

void trace_report_fini(struct trace_report *report)
{
	free(report->tasks);
	free(report->cpus);
	report->tasks = NULL;
	report->cpus = NULL;
}

static struct report_sink *report_sink_new(struct vitro_error *err)
{
	struct report_sink *s = calloc(1, sizeof(*s));

	if (!s) {
		vitro_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	s->sink = (struct trace_sink){ report_begin, report_event, report_end, report_destroy };
	task_table_init(&s->tasks, sizeof(struct report_task));
	return s;
}

struct trace_sink *trace_report_sink(struct trace_report *report, struct vitro_error *err)
{
	struct report_sink *s = report_sink_new(err);

	if (!s)
		return NULL;
	memset(report, 0, sizeof(*report));
	s->report = report;
	return &s->sink;
}

struct trace_sink *trace_report_open(FILE *out, struct vitro_error *err)
{
	struct report_sink *s = report_sink_new(err);

	if (!s)
		return NULL;
	s->report = &s->own;
	s->print_to = out;
	return &s->sink;
}
