/* The text writer: one line per event in the manner of `perf script`,
 *
 *   comm    pid [cpu] seconds: event: field=value ...
 *
 * where comm/pid is the task running on that vCPU at that moment (prev for a
 * sched_switch, "?" before the vCPU's first switch). sched_switch and the
 * wake-ups read as Linux prints them; every other event lists its fields in
 * order (unsigned values from 2^53 up, addresses, in hex). Strings are
 * escaped so that each event stays on one line; text fields are quoted.
 * Lines starting with '#' are comments: a header, and a trailer with the
 * lost-event counts. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "sched_tracker.h"
#include "sinks.h"

#define TEXT_WRITE_BUFFER (1u << 20)
#define TEXT_HEX_MIN (1ull << 53)

/* Linux's TASK_* state bits (include/linux/sched.h) and their letters in
 * sched_switch's prev_state; 0 is R. */
static const struct {
	uint64_t bit;
	char letter;
} task_states[] = {
	{ 0x0001, 'S' }, { 0x0002, 'D' }, { 0x0004, 'T' }, { 0x0008, 't' }, { 0x0010, 'X' },
	{ 0x0020, 'Z' }, { 0x0040, 'P' }, { 0x0080, 'X' }, { 0x0800, 'N' },
};

struct text_sink {
	struct trace_sink sink;
	FILE *f;
	struct sched_tracker sched;
	bool has_vmm_stream; /* events of stream nr_cpus are vitro's */
};

static struct text_sink *to_text(struct trace_sink *sink)
{
	return container_of(sink, struct text_sink, sink);
}

static void put_state(FILE *f, uint64_t state)
{
	const char *sep = "";
	size_t i;

	if (!state) {
		putc('R', f);
		return;
	}
	for (i = 0; i < sizeof(task_states) / sizeof(task_states[0]); i++) {
		if (state & task_states[i].bit) {
			fprintf(f, "%s%c", sep, task_states[i].letter);
			sep = "|";
			state &= ~task_states[i].bit;
		}
	}
	if (state)
		fprintf(f, "%s0x%" PRIx64, sep, state);
}

/* Kernel addresses (timer, function) read better in hex; counts and times
 * never come near 2^53. */
static void put_unsigned(FILE *f, uint64_t v)
{
	if (v >= TEXT_HEX_MIN)
		fprintf(f, "0x%" PRIx64, v);
	else
		fprintf(f, "%" PRIu64, v);
}

static void put_comm(FILE *f, const struct trace_comm *comm)
{
	char name[sizeof(comm->s) + 1], escaped[ESCAPED_COMM_SIZE];

	sched_comm_copy(name, comm);
	fputs(escape_comm(escaped, name), f);
}

static void put_switch(FILE *f, const struct trace_event *ev)
{
	struct trace_ev_sched_switch sw;

	memcpy(&sw, ev->payload, sizeof(sw));
	fputs("prev_comm=", f);
	put_comm(f, &sw.prev_comm);
	fprintf(f, " prev_pid=%" PRIu32 " prev_prio=%" PRId32 " prev_state=", sw.prev_pid,
		sw.prev_prio);
	put_state(f, sw.prev_state);
	fputs(" ==> next_comm=", f);
	put_comm(f, &sw.next_comm);
	fprintf(f, " next_pid=%" PRIu32 " next_prio=%" PRId32, sw.next_pid, sw.next_prio);
}

static void put_wakeup(FILE *f, const struct trace_event *ev)
{
	struct trace_ev_sched_wakeup w; /* sched_wakeup_new has the same layout */

	memcpy(&w, ev->payload, sizeof(w));
	fputs("comm=", f);
	put_comm(f, &w.comm);
	fprintf(f, " pid=%" PRIu32 " prio=%" PRId32 " target_cpu=%03" PRIu32 " waker_pid=%" PRIu32,
		w.pid, w.prio, w.target_cpu, w.waker_pid);
}

static void put_fields(FILE *f, const struct trace_event *ev)
{
	const struct trace_event_desc *d = trace_event_desc_of(ev);
	unsigned int i;
	size_t len;

	for (i = 0; i < d->nr_fields; i++) {
		const struct trace_field_desc *fd = &d->fields[i];
		const char *bytes;

		fprintf(f, "%s%s=", i ? " " : "", fd->name);
		switch (fd->type) {
		case TRACE_FIELD_u32:
		case TRACE_FIELD_u64:
			put_unsigned(f, trace_field_uint(ev, fd));
			break;
		case TRACE_FIELD_s32:
		case TRACE_FIELD_s64:
			fprintf(f, "%" PRId64, trace_field_int(ev, fd));
			break;
		case TRACE_FIELD_comm:
			bytes = trace_field_bytes(ev, fd, &len);
			escape_text(f, bytes, len, false);
			break;
		case TRACE_FIELD_text:
			bytes = trace_field_bytes(ev, fd, &len);
			putc('"', f);
			escape_text(f, bytes, len, true);
			putc('"', f);
			break;
		}
	}
}

/* The comm and pid columns: who was running on the vCPU. */
static void put_running(struct text_sink *s, const struct trace_event *ev)
{
	const struct sched_run *run = sched_tracker_current(&s->sched, ev->cpu);
	struct trace_ev_sched_switch sw;
	char comm[sizeof(sw.prev_comm.s) + 1], escaped[ESCAPED_COMM_SIZE];

	if (ev->type == TRACE_EVENT_sched_switch) {
		memcpy(&sw, ev->payload, sizeof(sw));
		sched_comm_copy(comm, &sw.prev_comm);
		fprintf(s->f, "%16s %6" PRIu32, escape_comm(escaped, comm), sw.prev_pid);
	} else if (run) {
		fprintf(s->f, "%16s %6" PRIu32, escape_comm(escaped, run->task.comm),
			run->task.pid);
	} else {
		fprintf(s->f, "%16s %6s", "?", "?");
	}
}

static int text_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct text_sink *s = to_text(sink);
	const char *sep = "";
	unsigned int c;

	if (sched_tracker_init(&s->sched, info->nr_cpus))
		return -ENOMEM;
	s->has_vmm_stream = info->has_vmm_stream;
	fprintf(s->f, "# vitro trace: %u vCPUs%s, TSC %" PRIu32 " kHz, categories ", info->nr_cpus,
		info->has_vmm_stream ? " and vitro's own events [vmm]" : "", info->tsc_khz);
	for (c = 0; c < TRACE_NR_CATEGORIES; c++) {
		if (info->categories & (1ull << c)) {
			fprintf(s->f, "%s%s", sep, trace_category_name(c));
			sep = ",";
		}
	}
	fputs("\n#             comm    pid [cpu]      seconds: event: fields\n", s->f);
	return ferror(s->f) ? -EIO : 0;
}

static int text_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct text_sink *s = to_text(sink);
	struct sched_run ended;

	if (s->has_vmm_stream && ev->cpu == s->sched.nr_cpus) {
		fprintf(s->f, "%16s %6s [vmm]", "vitro", "-");
	} else if (ev->cpu < s->sched.nr_cpus) {
		put_running(s, ev);
		fprintf(s->f, " [%03" PRIu32 "]", ev->cpu);
	} else {
		return -EINVAL;
	}
	fprintf(s->f, " %5" PRIu64 ".%09" PRIu64 ": %s: ", ev->ts_ns / 1000000000,
		ev->ts_ns % 1000000000, trace_event_desc_of(ev)->name);
	if (ev->type == TRACE_EVENT_sched_switch) {
		put_switch(s->f, ev);
		sched_tracker_switch(&s->sched, ev, &ended);
	} else if (ev->type == TRACE_EVENT_sched_wakeup ||
		   ev->type == TRACE_EVENT_sched_wakeup_new) {
		put_wakeup(s->f, ev);
	} else {
		put_fields(s->f, ev);
	}
	putc('\n', s->f);
	return ferror(s->f) ? -EIO : 0;
}

static int text_end(struct trace_sink *sink, const struct trace_info *info)
{
	struct text_sink *s = to_text(sink);
	uint64_t lost = 0;
	unsigned int i;

	for (i = 0; info->lost && i < info->nr_cpus; i++)
		lost += info->lost[i];
	fprintf(s->f, "# lost events: %" PRIu64 " (", lost);
	for (i = 0; i < info->nr_cpus; i++)
		fprintf(s->f, "%scpu%u=%" PRIu64, i ? " " : "", i, info->lost ? info->lost[i] : 0);
	fprintf(s->f, "), corrupt bytes: %" PRIu64 "\n", info->corrupt_bytes);
	if (lost)
		fputs("# warning: the guest's trace rings overflowed (raise --trace-buffer)\n",
		      s->f);
	return trace_file_finish(&s->f);
}

static void text_destroy(struct trace_sink *sink)
{
	struct text_sink *s = to_text(sink);

	if (s->f)
		fclose(s->f);
	sched_tracker_fini(&s->sched);
	free(s);
}

struct trace_sink *text_sink_create(FILE *f, struct vitro_error *err)
{
	struct text_sink *s = calloc(1, sizeof(*s));

	if (!s) {
		fclose(f);
		vitro_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	s->sink = (struct trace_sink){ text_begin, text_event, text_end, text_destroy };
	s->f = f;
	setvbuf(f, NULL, _IOFBF, TEXT_WRITE_BUFFER);
	return &s->sink;
}
