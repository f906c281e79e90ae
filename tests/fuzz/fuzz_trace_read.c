/* libFuzzer target: reading trace files back (vmm/trace/read_json.c with
 * json_parse.c, read_ctf.c, ctf_metadata.c), then every event a reader
 * accepts through the writers and reports (JSON, text, report, timeline),
 * whose input is then as odd as a file can make it. The first byte picks
 * what the rest is:
 *   0  a JSON trace
 *   1  a CTF stream file, read against vitro's own metadata for 4 vCPUs
 *      whose uuid is the one in the input's first packet header
 *   2  CTF metadata text
 * Readers must fail with a message or hand on only events of known types,
 * at least their fixed size, on CPUs of the trace, in time order (JSON), and
 * with payloads inside the input (CTF). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/trace/ctf.h"
#include "../../vmm/trace/output.h"
#include "../../vmm/trace/read.h"
#include "../../vmm/trace/report.h"
#include "../../vmm/trace/sinks.h"

#define FUZZ_NR_CPUS 4

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_trace_read: invariant failed: %s\n", what);
	abort();
}

static void check_event(const struct trace_event *ev, unsigned int nr_cpus)
{
	if (ev->type == TRACE_EVENT_NONE || ev->type >= TRACE_NR_EVENTS)
		fail("event of no known type");
	if (ev->size < trace_event_descs[ev->type].fixed_size ||
	    ev->size > trace_event_descs[ev->type].fixed_size + TRACE_TEXT_MAX)
		fail("event size outside its type's bounds");
	if (ev->cpu >= nr_cpus)
		fail("event on a CPU beyond the trace's");
}

/* Checks what trace_read promises, and passes everything on to the sinks. */
struct tee_sink {
	struct trace_sink sink;
	struct trace_sink *to[4];
	unsigned int nr_to;
	unsigned int nr_cpus;
	uint64_t last_ts;
	int stage; /* 0 before begin, 1 events, 2 after end */
};

static int tee_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct tee_sink *t = container_of(sink, struct tee_sink, sink);
	unsigned int i;
	int rc;

	if (t->stage != 0 || !info->nr_cpus || info->nr_cpus > TRACE_READ_MAX_CPUS)
		fail("begin out of place or with no CPUs");
	t->stage = 1;
	t->nr_cpus = info->nr_cpus;
	for (i = 0; i < t->nr_to; i++)
		if ((rc = t->to[i]->begin(t->to[i], info)))
			return rc;
	return 0;
}

static int tee_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct tee_sink *t = container_of(sink, struct tee_sink, sink);
	unsigned int i;
	int rc;

	if (t->stage != 1)
		fail("event outside begin/end");
	check_event(ev, t->nr_cpus);
	if (ev->ts_ns < t->last_ts)
		fail("events out of time order");
	t->last_ts = ev->ts_ns;
	for (i = 0; i < t->nr_to; i++)
		if ((rc = t->to[i]->event(t->to[i], ev)))
			return rc;
	return 0;
}

static int tee_end(struct trace_sink *sink, const struct trace_info *info)
{
	struct tee_sink *t = container_of(sink, struct tee_sink, sink);
	unsigned int i;
	int rc;

	if (t->stage != 1 || info->nr_cpus != t->nr_cpus)
		fail("end out of place or with other CPUs");
	t->stage = 2;
	for (i = 0; i < t->nr_to; i++)
		if ((rc = t->to[i]->end(t->to[i], info)))
			return rc;
	return 0;
}

static void read_json(const uint8_t *data, size_t size)
{
	struct tee_sink tee = { { tee_begin, tee_event, tee_end, NULL }, { NULL }, 0, 0, 0, 0 };
	struct vitro_error err = { "" };
	FILE *json = fopen("/dev/null", "w"), *text = fopen("/dev/null", "w");
	FILE *report_out = fopen("/dev/null", "w");
	unsigned int i;
	int rc;

	if (!json || !text || !report_out)
		abort();
	tee.to[tee.nr_to++] = json_sink_create(json, &err);
	tee.to[tee.nr_to++] = text_sink_create(text, &err);
	tee.to[tee.nr_to++] = trace_report_open(report_out, &err);
	tee.to[tee.nr_to++] = trace_timeline_open("/dev/null", &err);
	for (i = 0; i < tee.nr_to; i++)
		if (!tee.to[i])
			fail("a sink could not be made");
	rc = trace_read_json_buffer((const char *)data, size, &tee.sink, &err);
	if (rc && (!err.msg[0] || !memchr(err.msg, '\0', sizeof(err.msg))))
		fail("JSON refused without a message");
	if (!rc && tee.stage != 2)
		fail("JSON read without end()");
	for (i = 0; i < tee.nr_to; i++)
		tee.to[i]->destroy(tee.to[i]);
	fclose(report_out);
}

struct stream_check {
	const uint8_t *data;
	size_t size;
};

static int check_stream_event(void *opaque, const struct trace_event *ev)
{
	const struct stream_check *c = opaque;

	check_event(ev, FUZZ_NR_CPUS);
	if (ev->payload < c->data || ev->payload + ev->size > c->data + c->size)
		fail("CTF event payload outside the stream");
	return 0;
}

/* vitro's metadata for FUZZ_NR_CPUS vCPUs, parsed, with the given uuid. */
static void own_metadata(const uint8_t uuid[CTF_UUID_SIZE], struct ctf_metadata *md)
{
	uint64_t lost[FUZZ_NR_CPUS] = { 0 }, events[FUZZ_NR_CPUS] = { 0 };
	struct trace_info info = { FUZZ_NR_CPUS, 1000000, TRACE_ALL_CATEGORIES, lost, events, 0,
				   false };
	struct vitro_error err = { "" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	ctf_metadata_write(f, uuid, &info);
	fclose(f);
	if (ctf_metadata_parse(text, len, md, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail("vitro's own metadata does not parse");
	}
	free(text);
}

static void read_ctf_stream(const uint8_t *data, size_t size)
{
	uint8_t uuid[CTF_UUID_SIZE] = { 0 };
	struct stream_check check = { data, size };
	struct ctf_stream_summary summary;
	struct vitro_error err = { "" };
	struct ctf_metadata md;
	int rc;

	if (size >= 4 + CTF_UUID_SIZE)
		memcpy(uuid, data + 4, CTF_UUID_SIZE);
	own_metadata(uuid, &md);
	rc = ctf_stream_parse(data, size, &md, "stream", check_stream_event, &check, &summary,
			      &err);
	if (rc && !err.msg[0])
		fail("CTF stream refused without a message");
	if (!rc && (summary.cpu >= FUZZ_NR_CPUS || !summary.nr_packets))
		fail("CTF stream accepted with no packets or a CPU out of range");
}

static void read_ctf_metadata(const uint8_t *data, size_t size)
{
	struct vitro_error err = { "" };
	struct ctf_metadata md;
	unsigned int id;

	if (ctf_metadata_parse((const char *)data, size, &md, &err)) {
		if (!err.msg[0])
			fail("metadata refused without a message");
		return;
	}
	if (!md.nr_cpus || md.nr_cpus > CTF_MAX_CPUS)
		fail("metadata accepted with a CPU count out of range");
	for (id = 0; id < CTF_MAX_EVENT_IDS; id++)
		if (md.types[id] >= TRACE_NR_EVENTS)
			fail("metadata maps an id to no event");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (!size)
		return 0;
	/* An exactly sized copy, so a read past the end trips ASan. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		abort();
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		read_json(copy, size - 1);
		break;
	case 1:
		read_ctf_stream(copy, size - 1);
		break;
	default:
		read_ctf_metadata(copy, size - 1);
		break;
	}
	free(copy);
	return 0;
}
