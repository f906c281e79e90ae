/* See trace_synth.h. Times are in ns; the expected report numbers follow
 * from them (runs end at the next switch on their CPU, or at 13100, the last
 * event):
 *   ping (10): runs 1000-5000, 9000-10000, 12000-13100 = 6100 ns; switched
 *              out twice (S at 5000, R at 10000: 1 voluntary, 1 involuntary);
 *              woken at 7000, ran at 9000: latency 2000
 *   pong (11): run 4000-7500 = 3500 ns; switched out at 500 and 7500, both S;
 *              woken at 3000, ran at 4000: latency 1000
 *   worker (12): run 10000-12000 = 2000 ns; switched out once, dead (X);
 *              woken (new) at 9500, ran at 10000: latency 500
 *   CPU 0 busy 8100 ns, CPU 1 busy 3500 ns, over the span 500-13100 */
#include "trace_synth.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../vmm/trace/output.h"
#include "../../vmm/trace/sinks.h"
#include "unit.h"

#define PRIO_PING 120
#define PRIO_PONG 98
#define PRIO_WORKER (-1)

static int32_t prio_of(uint32_t pid)
{
	return pid == SYNTH_PID_PONG   ? PRIO_PONG :
	       pid == SYNTH_PID_WORKER ? PRIO_WORKER :
					 PRIO_PING;
}

static struct trace_comm comm_of(const char *s)
{
	struct trace_comm c;

	memset(&c, 0, sizeof(c));
	memcpy(c.s, s, strnlen(s, sizeof(c.s)));
	return c;
}

void synth_init(struct synth_trace *t, unsigned int nr_cpus)
{
	memset(t, 0, sizeof(*t));
	if (nr_cpus > SYNTH_MAX_CPUS)
		abort();
	t->info.nr_cpus = nr_cpus;
	t->info.tsc_khz = 2000000;
	t->info.categories = TRACE_ALL_CATEGORIES;
	t->info.lost = t->lost;
	t->info.events = t->counts;
}

void synth_fini(struct synth_trace *t)
{
	free(t->events);
	t->events = NULL;
	t->nr_events = t->cap = 0;
}

/* Events are stored by value; re-pointed at their payloads after a move. */
static struct synth_event *synth_append(struct synth_trace *t)
{
	size_t i;

	if (t->nr_events == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->events = realloc(t->events, t->cap * sizeof(*t->events));
		if (!t->events)
			abort();
		for (i = 0; i < t->nr_events; i++)
			t->events[i].ev.payload = t->events[i].payload;
	}
	return &t->events[t->nr_events++];
}

void synth_add(struct synth_trace *t, uint64_t ts_ns, uint32_t cpu, enum trace_event_type type,
	       const void *fixed, size_t fixed_size, const char *text, size_t text_len, size_t pad)
{
	struct synth_event *e = synth_append(t);

	if (fixed_size + text_len + pad > sizeof(e->payload) ||
	    cpu >= trace_info_nr_streams(&t->info))
		abort();

	memcpy(e->payload, fixed, fixed_size);
	if (text_len)
		memcpy(e->payload + fixed_size, text, text_len);
	memset(e->payload + fixed_size + text_len, 0, pad);
	e->ev = (struct trace_event){ ts_ns, cpu, (uint16_t)type,
				      (uint16_t)(fixed_size + text_len + pad), e->payload };
	t->counts[cpu]++;
}

void synth_switch(struct synth_trace *t, uint64_t ts_ns, uint32_t cpu, uint32_t prev_pid,
		  const char *prev_comm, uint64_t prev_state, uint32_t next_pid,
		  const char *next_comm)
{
	struct trace_ev_sched_switch sw = {
		prev_state,	    prev_pid, prev_pid ? prio_of(prev_pid) : 120,
		comm_of(prev_comm), next_pid, next_pid ? prio_of(next_pid) : 120,
		comm_of(next_comm)
	};

	synth_add(t, ts_ns, cpu, TRACE_EVENT_sched_switch, &sw, sizeof(sw), NULL, 0, 0);
}

void synth_wakeup(struct synth_trace *t, uint64_t ts_ns, uint32_t cpu, bool is_new, uint32_t pid,
		  const char *comm, uint32_t waker_pid)
{
	struct trace_ev_sched_wakeup w = { pid, prio_of(pid), comm_of(comm), cpu, waker_pid };

	synth_add(t, ts_ns, cpu, is_new ? TRACE_EVENT_sched_wakeup_new : TRACE_EVENT_sched_wakeup,
		  &w, sizeof(w), NULL, 0, 0);
}

static void synth_pair(struct synth_trace *t, uint64_t ts_ns, uint32_t cpu,
		       enum trace_event_type type, uint32_t a, uint32_t b)
{
	uint32_t v[2] = { a, b };

	synth_add(t, ts_ns, cpu, type, v, sizeof(v), NULL, 0, 0);
}

void synth_build_pingpong(struct synth_trace *t)
{
	struct trace_ev_timer_expire_entry timer = { 0xffff888000123456ull, 0xffffffff81234567ull,
						     11000 };
	struct trace_ev_timer_expire_exit timer_exit = { timer.timer };
	struct trace_ev_sched_process_fork fork = { SYNTH_PID_PING, SYNTH_PID_WORKER,
						    comm_of("ping"), comm_of(SYNTH_WORKER_COMM) };
	struct trace_ev_sched_process_exec exec = { SYNTH_PID_WORKER, SYNTH_PID_WORKER };
	struct trace_ev_sched_migrate_task migrate = { SYNTH_PID_WORKER, PRIO_WORKER,
						       comm_of(SYNTH_WORKER_COMM), 1, 0 };
	struct trace_ev_sched_process_exit exit = { SYNTH_PID_WORKER, PRIO_WORKER,
						    comm_of(SYNTH_WORKER_COMM) };
	struct trace_ev_console console = { 6 };
	static const char filename[] = "/bin/worker";
	static const char text[] = SYNTH_CONSOLE_TEXT;

	synth_init(t, SYNTH_NR_CPUS);
	synth_switch(t, 500, 1, SYNTH_PID_PONG, "pong", 1, 0, "swapper/1");
	synth_switch(t, 1000, 0, 0, "swapper/0", 0, SYNTH_PID_PING, "ping");
	synth_wakeup(t, 3000, 0, false, SYNTH_PID_PONG, "pong", SYNTH_PID_PING);
	synth_switch(t, 4000, 1, 0, "swapper/1", 0, SYNTH_PID_PONG, "pong");
	synth_pair(t, 4500, 1, TRACE_EVENT_irq_handler_entry, 4, 36);
	synth_pair(t, 4700, 1, TRACE_EVENT_irq_handler_exit, 4, 36);
	synth_switch(t, 5000, 0, SYNTH_PID_PING, "ping", 1, 0, "swapper/0");
	/* Text as the ring pads it: zeros up to the record's 8-byte end. */
	synth_add(t, 6000, 1, TRACE_EVENT_console, &console, sizeof(console), text,
		  sizeof(text) - 1, 7);
	synth_wakeup(t, 7000, 1, false, SYNTH_PID_PING, "ping", SYNTH_PID_PONG);
	synth_switch(t, 7500, 1, SYNTH_PID_PONG, "pong", 1, 0, "swapper/1");
	synth_switch(t, 9000, 0, 0, "swapper/0", 0, SYNTH_PID_PING, "ping");
	synth_add(t, 9400, 0, TRACE_EVENT_sched_process_fork, &fork, sizeof(fork), NULL, 0, 0);
	synth_add(t, 9450, 0, TRACE_EVENT_sched_migrate_task, &migrate, sizeof(migrate), NULL, 0,
		  0);
	synth_wakeup(t, 9500, 0, true, SYNTH_PID_WORKER, SYNTH_WORKER_COMM, SYNTH_PID_PING);
	/* Same time on both vCPUs: the merge puts CPU 0 first. */
	synth_pair(t, 9500, 1, TRACE_EVENT_ipi_entry, 251, 0);
	synth_switch(t, 10000, 0, SYNTH_PID_PING, "ping", 0, SYNTH_PID_WORKER, SYNTH_WORKER_COMM);
	synth_add(t, 10100, 0, TRACE_EVENT_sched_process_exec, &exec, sizeof(exec), filename,
		  sizeof(filename) - 1, 0);
	synth_add(t, 11000, 0, TRACE_EVENT_timer_expire_entry, &timer, sizeof(timer), NULL, 0, 0);
	synth_add(t, 11200, 0, TRACE_EVENT_timer_expire_exit, &timer_exit, sizeof(timer_exit), NULL,
		  0, 0);
	synth_add(t, 11900, 0, TRACE_EVENT_sched_process_exit, &exit, sizeof(exit), NULL, 0, 0);
	synth_switch(t, 12000, 0, SYNTH_PID_WORKER, SYNTH_WORKER_COMM, 0x80, SYNTH_PID_PING,
		     "ping");
	synth_pair(t, 12500, 1, TRACE_EVENT_ipi_exit, 251, 0);
	synth_pair(t, 13000, 1, TRACE_EVENT_ipi_entry, 252, 0);
	synth_pair(t, 13100, 1, TRACE_EVENT_ipi_exit, 252, 0);
	t->lost[1] = 3;
	t->info.corrupt_bytes = 16;
}

int synth_replay(const struct synth_trace *t, struct trace_sink *sink)
{
	size_t i;
	int rc = sink->begin(sink, &t->info);

	for (i = 0; !rc && i < t->nr_events; i++)
		rc = sink->event(sink, &t->events[i].ev);
	return rc ?: sink->end(sink, &t->info);
}

/* --- collecting and comparing --------------------------------------------- */

struct collector {
	struct trace_sink sink;
	struct synth_trace *t;
};

static int collect_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct synth_trace *t = container_of(sink, struct collector, sink)->t;

	if (trace_info_nr_streams(info) > SYNTH_MAX_CPUS)
		return -E2BIG;
	synth_init(t, info->nr_cpus);
	t->info.has_vmm_stream = info->has_vmm_stream;
	t->info.tsc_khz = info->tsc_khz;
	t->info.categories = info->categories;
	return 0;
}

static int collect_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct synth_trace *t = container_of(sink, struct collector, sink)->t;

	if (ev->size > SYNTH_PAYLOAD_MAX || ev->cpu >= trace_info_nr_streams(&t->info))
		return -E2BIG;
	synth_add(t, ev->ts_ns, ev->cpu, ev->type, ev->payload, ev->size, NULL, 0, 0);
	return 0;
}

static int collect_end(struct trace_sink *sink, const struct trace_info *info)
{
	struct synth_trace *t = container_of(sink, struct collector, sink)->t;
	unsigned int i;

	/* What end() says is the truth; the counts synth_add kept must agree. */
	for (i = 0; i < trace_info_nr_streams(info); i++) {
		if (info->events[i] != t->counts[i])
			return -EPROTO;
		t->lost[i] = info->lost[i];
	}
	t->info.corrupt_bytes = info->corrupt_bytes;
	return 0;
}

static void collect_destroy(struct trace_sink *sink)
{
	free(container_of(sink, struct collector, sink));
}

struct trace_sink *synth_collector(struct synth_trace *t)
{
	struct collector *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->sink = (struct trace_sink){ collect_begin, collect_event, collect_end, collect_destroy };
	c->t = t;
	return &c->sink;
}

int synth_read(const char *path, struct synth_trace *got, struct vitro_error *err)
{
	struct trace_sink *sink = synth_collector(got);
	int rc;

	memset(got, 0, sizeof(*got));
	rc = trace_read(path, sink, err);
	sink->destroy(sink);
	return rc;
}

bool synth_event_equal(const struct trace_event *a, const struct trace_event *b, char *why,
		       size_t why_size)
{
	const struct trace_event_desc *d;
	unsigned int i;

	if (a->ts_ns != b->ts_ns || a->cpu != b->cpu || a->type != b->type) {
		snprintf(why, why_size, "ts/cpu/type %" PRIu64 "/%u/%u vs %" PRIu64 "/%u/%u",
			 a->ts_ns, a->cpu, a->type, b->ts_ns, b->cpu, b->type);
		return false;
	}
	d = &trace_event_descs[a->type];
	for (i = 0; i < d->nr_fields; i++) {
		const struct trace_field_desc *f = &d->fields[i];
		size_t alen, blen;
		const char *as, *bs;

		if (f->type == TRACE_FIELD_comm || f->type == TRACE_FIELD_text) {
			as = trace_field_bytes(a, f, &alen);
			bs = trace_field_bytes(b, f, &blen);
			if (alen == blen && !memcmp(as, bs, alen))
				continue;
		} else if (trace_field_uint(a, f) == trace_field_uint(b, f)) {
			continue;
		}
		snprintf(why, why_size, "%s: field %s differs", d->name, f->name);
		return false;
	}
	return true;
}

bool synth_expect_same_trace(const struct synth_trace *got, const struct synth_trace *want)
{
	char why[160];
	size_t i;

	if (!EXPECT_EQ(got->nr_events, want->nr_events) ||
	    !EXPECT_EQ(got->info.nr_cpus, want->info.nr_cpus) ||
	    !EXPECT_EQ(got->info.tsc_khz, want->info.tsc_khz) ||
	    !EXPECT_EQ(got->info.categories, want->info.categories) ||
	    !EXPECT_EQ(got->info.corrupt_bytes, want->info.corrupt_bytes))
		return false;
	for (i = 0; i < want->info.nr_cpus; i++)
		if (!EXPECT_EQ(got->lost[i], want->lost[i]) ||
		    !EXPECT_EQ(got->counts[i], want->counts[i]))
			return false;
	for (i = 0; i < want->nr_events; i++) {
		if (!synth_event_equal(&got->events[i].ev, &want->events[i].ev, why, sizeof(why))) {
			UNIT_FAIL("event %zu: %s", i, why);
			return false;
		}
	}
	return true;
}

char *synth_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(data = malloc((size_t)n + 1)) || fread(data, 1, (size_t)n, f) != (size_t)n) {
		UNIT_FAIL("cannot read %s", path);
		free(data);
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	if (size)
		*size = (size_t)n;
	return data;
}

int synth_write(const struct synth_trace *t, const char *path, int fmt)
{
	struct vitro_error err = { "" };
	struct trace_sink *sink = trace_output_open(path, fmt, &err);
	int rc;

	if (!sink) {
		UNIT_FAIL("trace_output_open(%s): %s", path, err.msg);
		return -1;
	}
	rc = synth_replay(t, sink);
	sink->destroy(sink);
	if (rc)
		UNIT_FAIL("writing %s: %s", path, strerror(-rc));
	return rc;
}

/* --- temporary directories ------------------------------------------------ */

void synth_tmpdir(char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(path, size, "%s/vitro-trace-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(path)) {
		perror("mkdtemp");
		abort();
	}
}

void synth_rmtree(const char *path)
{
	char child[4096];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(path);

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		if (!lstat(child, &st) && S_ISDIR(st.st_mode))
			synth_rmtree(child);
		else
			unlink(child);
	}
	closedir(d);
	rmdir(path);
}
