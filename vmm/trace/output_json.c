/* The Chrome trace-event JSON writer (ui.perfetto.dev, chrome://tracing).
 *
 * Layout: {"displayTimeUnit":"ns","traceEvents":[...],"otherData":{...}}.
 * "ts" and "dur" are microseconds with three decimals, so exact to the ns.
 * traceEvents holds two kinds of entries:
 *
 * - Raw events: every original event once, in time order, as an instant
 *   ("ph":"i","s":"t") named after the event, "cat":"vitro.<category>", on
 *   the track of the vCPU it happened on ("pid":1,"tid":CPU), with every
 *   field in "args" under its own name. Integers are JSON numbers, or
 *   strings past 2^53 ("0x..." if unsigned); strings are UTF-8 where the
 *   guest's bytes were, and \u0080-\u00ff stand for single bytes that were
 *   not (escape.h). read_json.c rebuilds the trace from these alone.
 * - Views, derived from the raw events and ignored by read_json.c: in the
 *   process "vCPUs" (pid 1) one thread "CPU n" per vCPU with an "X" slice
 *   per task run (name = comm, args pid/prio; idle runs, pid 0, are left
 *   out) and irq/ipi/timer handler slices nested inside; flow arrows
 *   ("s" at sched_wakeup/sched_wakeup_new, "f" with "bp":"e" at the start of
 *   the wakee's next run; written once the wakee runs, so each has both
 *   ends); in the process "tasks" (pid 2) one thread per
 *   guest pid, named by its comm, with a slice per run naming the CPU.
 * - vitro's own events (the trace's last stream, when it has one) are raw
 *   events in the process "vitro" (pid 3), on its thread 0.
 *
 * otherData carries what is known only at the end: producer "vitro", the
 * layout version, tsc_khz, nr_cpus, vmm_stream (whether vitro's events are
 * there), categories (mask), lost and events (per-stream arrays: the vCPUs,
 * then vitro's) and corrupt_bytes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "json_format.h"
#include "sched_tracker.h"
#include "sinks.h"
#include "task_table.h"

#define JSON_IRQ_DEPTH 8
#define JSON_WRITE_BUFFER (1u << 20)

/* Handler entry/exit pairs drawn as slices; key is the field that must match. */
struct handler_kind {
	enum trace_event_type entry, exit;
	const char *key;
};

static const struct handler_kind handler_kinds[] = {
	{ TRACE_EVENT_irq_handler_entry, TRACE_EVENT_irq_handler_exit, "irq" },
	{ TRACE_EVENT_ipi_entry, TRACE_EVENT_ipi_exit, "vector" },
	{ TRACE_EVENT_timer_expire_entry, TRACE_EVENT_timer_expire_exit, "timer" },
};

struct handler_frame {
	const struct handler_kind *kind;
	uint64_t key;
	uint64_t start_ns;
	uint64_t function; /* timers only */
};

struct json_cpu {
	uint64_t run_flow; /* flow id that ends at the open run's start; 0 none */
	struct handler_frame handlers[JSON_IRQ_DEPTH];
	unsigned int nr_handlers;
};

struct json_task {
	uint32_t pid;
	bool is_woken; /* woken, not yet run: where the wake-up was */
	uint32_t woken_cpu;
	uint64_t woken_ns;
	bool is_named;
	char name[sizeof(struct trace_comm) + 1]; /* thread_name last written */
};

struct json_sink {
	struct trace_sink sink;
	FILE *f;
	unsigned int nr_cpus;
	bool has_vmm_stream;
	struct json_cpu *cpus;
	struct sched_tracker sched;
	struct task_table tasks;
	uint64_t next_flow_id;
	uint64_t last_ts_ns;
	bool has_entries; /* a comma goes before the next entry */
};

static struct json_sink *to_json(struct trace_sink *sink)
{
	return container_of(sink, struct json_sink, sink);
}

static void put_us(FILE *f, uint64_t ns)
{
	fprintf(f, "%" PRIu64 ".%03u", ns / 1000, (unsigned int)(ns % 1000));
}

/* Starts an entry of traceEvents: {"name":NAME,"cat":CAT,"ph":PH */
static void entry_start(struct json_sink *s, const char *name, size_t name_len, const char *cat,
			const char *ph)
{
	fputs(s->has_entries ? ",\n" : "\n", s->f);
	s->has_entries = true;
	fputs("{\"name\":", s->f);
	escape_json(s->f, name, name_len);
	if (cat)
		fprintf(s->f, ",\"cat\":\"%s\"", cat);
	fprintf(s->f, ",\"ph\":\"%s\"", ph);
}

static void put_track(struct json_sink *s, unsigned int pid, uint64_t tid, uint64_t ts_ns)
{
	fputs(",\"ts\":", s->f);
	put_us(s->f, ts_ns);
	fprintf(s->f, ",\"pid\":%u,\"tid\":%" PRIu64, pid, tid);
}

static void put_metadata(struct json_sink *s, const char *what, unsigned int pid, uint64_t tid,
			 const char *key, const char *value, size_t value_len, long sort_index)
{
	entry_start(s, what, strlen(what), NULL, "M");
	fprintf(s->f, ",\"pid\":%u,\"tid\":%" PRIu64 ",\"args\":{\"%s\":", pid, tid, key);
	if (value)
		escape_json(s->f, value, value_len);
	else
		fprintf(s->f, "%ld", sort_index);
	fputs("}}", s->f);
}

static void put_int_field(FILE *f, const struct trace_event *ev, const struct trace_field_desc *fd)
{
	uint64_t u = trace_field_uint(ev, fd);
	int64_t v = trace_field_int(ev, fd);

	switch (fd->type) {
	case TRACE_FIELD_u32:
	case TRACE_FIELD_u64:
		if (u <= JSON_EXACT_INT_MAX)
			fprintf(f, "%" PRIu64, u);
		else
			fprintf(f, "\"0x%" PRIx64 "\"", u);
		break;
	default:
		if (v <= (int64_t)JSON_EXACT_INT_MAX && v >= -(int64_t)JSON_EXACT_INT_MAX)
			fprintf(f, "%" PRId64, v);
		else
			fprintf(f, "\"%" PRId64 "\"", v);
		break;
	}
}

static void put_fields(FILE *f, const struct trace_event *ev)
{
	const struct trace_event_desc *d = trace_event_desc_of(ev);
	unsigned int i;
	size_t len;

	for (i = 0; i < d->nr_fields; i++) {
		const struct trace_field_desc *fd = &d->fields[i];
		const char *bytes;

		fprintf(f, "%s\"%s\":", i ? "," : "", fd->name);
		if (fd->type == TRACE_FIELD_comm || fd->type == TRACE_FIELD_text) {
			bytes = trace_field_bytes(ev, fd, &len);
			escape_json(f, bytes, len);
		} else {
			put_int_field(f, ev, fd);
		}
	}
}

static void put_raw_event(struct json_sink *s, const struct trace_event *ev)
{
	const struct trace_event_desc *d = trace_event_desc_of(ev);
	char cat[64];

	snprintf(cat, sizeof(cat), JSON_RAW_CAT_PREFIX "%s", trace_category_name(d->category));
	entry_start(s, d->name, strlen(d->name), cat, "i");
	fputs(",\"s\":\"t\"", s->f);
	if (ev->cpu == s->nr_cpus) /* vitro's stream */
		put_track(s, JSON_PID_VMM, 0, ev->ts_ns);
	else
		put_track(s, JSON_PID_VCPUS, ev->cpu, ev->ts_ns);
	fputs(",\"args\":{", s->f);
	put_fields(s->f, ev);
	fputs("}}", s->f);
}

static void put_slice(struct json_sink *s, const char *name, size_t name_len, const char *cat,
		      unsigned int pid, uint64_t tid, uint64_t start_ns, uint64_t end_ns)
{
	entry_start(s, name, name_len, cat, "X");
	put_track(s, pid, tid, start_ns);
	fputs(",\"dur\":", s->f);
	put_us(s->f, end_ns - start_ns);
}

static void put_flow(struct json_sink *s, const char *ph, uint64_t id, uint32_t cpu, uint64_t ts)
{
	entry_start(s, "wakeup", 6, "sched.wakeup", ph);
	fprintf(s->f, ",\"id\":%" PRIu64 "%s", id, ph[0] == 'f' ? ",\"bp\":\"e\"" : "");
	put_track(s, JSON_PID_VCPUS, cpu, ts);
	fputs("}", s->f);
}

/* A run becomes a slice on its vCPU's track and on its task's. */
static void put_run(struct json_sink *s, const struct sched_run *run)
{
	char name[32];
	int n;

	if (run->task.pid != 0) {
		put_slice(s, run->task.comm, strlen(run->task.comm), "sched.run", JSON_PID_VCPUS,
			  run->cpu, run->start_ns, run->end_ns);
		fprintf(s->f, ",\"args\":{\"pid\":%" PRIu32 ",\"prio\":%" PRId32 "}}",
			run->task.pid, run->task.prio);
		n = snprintf(name, sizeof(name), "CPU %" PRIu32, run->cpu);
		put_slice(s, name, (size_t)n, "task.run", JSON_PID_TASKS, run->task.pid,
			  run->start_ns, run->end_ns);
		fprintf(s->f, ",\"args\":{\"cpu\":%" PRIu32 "}}", run->cpu);
	}
	if (s->cpus[run->cpu].run_flow)
		put_flow(s, "f", s->cpus[run->cpu].run_flow, run->cpu, run->start_ns);
	s->cpus[run->cpu].run_flow = 0;
}

static int on_switch(struct json_sink *s, const struct trace_event *ev)
{
	const struct sched_run *run;
	struct sched_run ended;
	struct json_task *task;

	if (sched_tracker_switch(&s->sched, ev, &ended))
		put_run(s, &ended);
	run = sched_tracker_current(&s->sched, ev->cpu);
	if (!run || run->task.pid == 0)
		return 0;
	task = task_table_get(&s->tasks, run->task.pid);
	if (!task)
		return -ENOMEM;
	/* A flow is written once both its ends are known, so none dangles. */
	if (task->is_woken) {
		s->cpus[ev->cpu].run_flow = ++s->next_flow_id;
		put_flow(s, "s", s->next_flow_id, task->woken_cpu, task->woken_ns);
		task->is_woken = false;
	}
	if (!task->is_named || strcmp(task->name, run->task.comm)) {
		strcpy(task->name, run->task.comm);
		task->is_named = true;
		put_metadata(s, "thread_name", JSON_PID_TASKS, run->task.pid, "name", task->name,
			     strlen(task->name), 0);
	}
	return 0;
}

static int on_wakeup(struct json_sink *s, const struct trace_event *ev)
{
	struct trace_ev_sched_wakeup w; /* sched_wakeup_new has the same layout */
	struct json_task *task;

	memcpy(&w, ev->payload, sizeof(w));
	task = task_table_get(&s->tasks, w.pid);
	if (!task)
		return -ENOMEM;
	/* The first wake-up since the task last ran is the one it waited on;
	 * one while it still runs waited for nothing (as report.c counts). */
	if (w.pid == 0 || task->is_woken || sched_tracker_is_running(&s->sched, w.pid))
		return 0;
	task->is_woken = true;
	task->woken_cpu = ev->cpu;
	task->woken_ns = ev->ts_ns;
	return 0;
}

static const struct handler_kind *handler_kind_of(uint16_t type, bool *is_entry)
{
	size_t i;

	for (i = 0; i < sizeof(handler_kinds) / sizeof(handler_kinds[0]); i++) {
		if (type == handler_kinds[i].entry || type == handler_kinds[i].exit) {
			*is_entry = type == handler_kinds[i].entry;
			return &handler_kinds[i];
		}
	}
	return NULL;
}

static void put_handler_slice(struct json_sink *s, uint32_t cpu, const struct handler_frame *h,
			      uint64_t end_ns)
{
	const char *label = h->kind->entry == TRACE_EVENT_timer_expire_entry ? "timer" :
			    h->kind->entry == TRACE_EVENT_ipi_entry	     ? "ipi" :
									       "irq";
	char name[48];
	int n;

	if (h->kind->entry == TRACE_EVENT_timer_expire_entry)
		n = snprintf(name, sizeof(name), "timer 0x%" PRIx64, h->function);
	else
		n = snprintf(name, sizeof(name), "%s %" PRIu64, label, h->key);
	put_slice(s, name, (size_t)n, label, JSON_PID_VCPUS, cpu, h->start_ns, end_ns);
	fprintf(s->f, ",\"args\":{\"%s\":%" PRIu64 "}}", h->kind->key, h->key);
}

/* Entries push a frame; an exit closes the innermost frame it matches and
 * forgets those above it, whose exits were lost. */
static void on_handler(struct json_sink *s, const struct trace_event *ev,
		       const struct handler_kind *kind, bool is_entry)
{
	struct json_cpu *c = &s->cpus[ev->cpu];
	uint64_t key = trace_field_uint(ev, trace_field_by_name(ev->type, kind->key));
	unsigned int i;

	if (is_entry) {
		if (c->nr_handlers == JSON_IRQ_DEPTH)
			return;
		c->handlers[c->nr_handlers] = (struct handler_frame){ kind, key, ev->ts_ns, 0 };
		if (kind->entry == TRACE_EVENT_timer_expire_entry)
			c->handlers[c->nr_handlers].function =
				trace_field_uint(ev, trace_field_by_name(ev->type, "function"));
		c->nr_handlers++;
		return;
	}
	for (i = c->nr_handlers; i-- > 0;) {
		if (c->handlers[i].kind == kind && c->handlers[i].key == key) {
			put_handler_slice(s, ev->cpu, &c->handlers[i], ev->ts_ns);
			c->nr_handlers = i;
			return;
		}
	}
}

static int json_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct json_sink *s = to_json(sink);
	unsigned int i;
	char name[32];
	int n;

	s->nr_cpus = info->nr_cpus;
	s->cpus = calloc(info->nr_cpus ? info->nr_cpus : 1, sizeof(*s->cpus));
	if (!s->cpus || sched_tracker_init(&s->sched, info->nr_cpus))
		return -ENOMEM;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", s->f);
	put_metadata(s, "process_name", JSON_PID_VCPUS, 0, "name", "vCPUs", 5, 0);
	put_metadata(s, "process_sort_index", JSON_PID_VCPUS, 0, "sort_index", NULL, 0, 0);
	for (i = 0; i < info->nr_cpus; i++) {
		n = snprintf(name, sizeof(name), "CPU %u", i);
		put_metadata(s, "thread_name", JSON_PID_VCPUS, i, "name", name, (size_t)n, 0);
		put_metadata(s, "thread_sort_index", JSON_PID_VCPUS, i, "sort_index", NULL, 0, i);
	}
	put_metadata(s, "process_name", JSON_PID_TASKS, 0, "name", "tasks", 5, 0);
	put_metadata(s, "process_sort_index", JSON_PID_TASKS, 0, "sort_index", NULL, 0, 1);
	s->has_vmm_stream = info->has_vmm_stream;
	if (s->has_vmm_stream) {
		put_metadata(s, "process_name", JSON_PID_VMM, 0, "name", "vitro", 5, 0);
		put_metadata(s, "process_sort_index", JSON_PID_VMM, 0, "sort_index", NULL, 0, 2);
		put_metadata(s, "thread_name", JSON_PID_VMM, 0, "name", "device models", 13, 0);
	}
	return ferror(s->f) ? -EIO : 0;
}

static int json_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct json_sink *s = to_json(sink);
	const struct handler_kind *kind;
	bool is_entry;
	int rc = 0;

	if (ev->cpu >= s->nr_cpus + (s->has_vmm_stream ? 1 : 0))
		return -EINVAL;
	if (ev->ts_ns > s->last_ts_ns)
		s->last_ts_ns = ev->ts_ns;
	put_raw_event(s, ev);
	if (ev->cpu == s->nr_cpus)
		return ferror(s->f) ? -EIO : 0; /* vitro's: no task or handler views */
	if (ev->type == TRACE_EVENT_sched_switch)
		rc = on_switch(s, ev);
	else if (ev->type == TRACE_EVENT_sched_wakeup || ev->type == TRACE_EVENT_sched_wakeup_new)
		rc = on_wakeup(s, ev);
	else if ((kind = handler_kind_of(ev->type, &is_entry)))
		on_handler(s, ev, kind, is_entry);
	if (!rc && ferror(s->f))
		rc = -EIO;
	return rc;
}

static void put_u64_array(FILE *f, const char *key, const uint64_t *v, unsigned int n)
{
	unsigned int i;

	fprintf(f, ",\n\"%s\":[", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : "", v ? v[i] : 0);
	fputc(']', f);
}

static int json_end(struct trace_sink *sink, const struct trace_info *info)
{
	struct json_sink *s = to_json(sink);
	struct sched_run ended;
	unsigned int i;

	for (i = 0; i < s->nr_cpus; i++)
		if (sched_tracker_end(&s->sched, i, s->last_ts_ns, &ended))
			put_run(s, &ended);
	fprintf(s->f,
		"\n],\n\"otherData\":{\"producer\":\"%s\",\"version\":%d,\n\"tsc_khz\":%" PRIu32
		",\n\"nr_cpus\":%u,\n\"vmm_stream\":%s,\n\"categories\":%" PRIu64,
		JSON_PRODUCER, JSON_LAYOUT_VERSION, info->tsc_khz, info->nr_cpus,
		info->has_vmm_stream ? "true" : "false", info->categories);
	put_u64_array(s->f, "lost", info->lost, trace_info_nr_streams(info));
	put_u64_array(s->f, "events", info->events, trace_info_nr_streams(info));
	fprintf(s->f, ",\n\"corrupt_bytes\":%" PRIu64 "}}\n", info->corrupt_bytes);
	return trace_file_finish(&s->f);
}

static void json_destroy(struct trace_sink *sink)
{
	struct json_sink *s = to_json(sink);

	if (s->f)
		fclose(s->f);
	sched_tracker_fini(&s->sched);
	task_table_fini(&s->tasks);
	free(s->cpus);
	free(s);
}

struct trace_sink *json_sink_create(FILE *f, struct vitro_error *err)
{
	struct json_sink *s = calloc(1, sizeof(*s));

	if (!s) {
		fclose(f);
		vitro_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	s->sink = (struct trace_sink){ json_begin, json_event, json_end, json_destroy };
	s->f = f;
	setvbuf(f, NULL, _IOFBF, JSON_WRITE_BUFFER);
	task_table_init(&s->tasks, sizeof(struct json_task));
	return &s->sink;
}
