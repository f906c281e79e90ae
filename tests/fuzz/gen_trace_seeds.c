/* Writes the seeds for fuzz_trace_read: a small two-vCPU trace (switches, a
 * wake-up, an irq, a console line with odd bytes, lost events) as vitro's
 * own JSON and CTF writers put it, each file behind the harness's selector
 * byte (0 JSON, 1 CTF stream, 2 CTF metadata). Run by tests/fuzz/make-seeds:
 *   gen_trace_seeds OUTPUT_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/trace/output.h"

#define NR_CPUS 2

static struct trace_comm comm(const char *s)
{
	struct trace_comm c;

	memset(&c, 0, sizeof(c));
	memcpy(c.s, s, strnlen(s, sizeof(c.s)));
	return c;
}

static void check(int rc, const char *what, const struct vitro_error *err)
{
	if (rc) {
		fprintf(stderr, "gen_trace_seeds: %s: %s\n", what, err ? err->msg : "failed");
		exit(1);
	}
}

static void write_trace(const char *path, enum trace_format fmt)
{
	static const char text[] = "boot: \"ok\"\n\xff";
	struct trace_ev_sched_switch sw[] = {
		{ 0, 0, 120, comm("swapper/0"), 2, 120, comm("ping") },
		{ 1, 2, 120, comm("ping"), 0, 120, comm("swapper/0") },
		{ 0, 0, 120, comm("swapper/1"), 3, 98, comm("pong") },
	};
	struct trace_ev_sched_wakeup wake = { 3, 98, comm("pong"), 1, 2 };
	struct trace_ev_irq_handler_entry irq = { 4, 36 };
	uint8_t console[sizeof(struct trace_ev_console) + sizeof(text)] = { 6 };
	struct trace_event events[] = {
		{ 1000, 0, TRACE_EVENT_sched_switch, sizeof(sw[0]), (uint8_t *)&sw[0] },
		{ 1500, 0, TRACE_EVENT_sched_wakeup, sizeof(wake), (uint8_t *)&wake },
		{ 1600, 1, TRACE_EVENT_irq_handler_entry, sizeof(irq), (uint8_t *)&irq },
		{ 1700, 1, TRACE_EVENT_irq_handler_exit, sizeof(irq), (uint8_t *)&irq },
		{ 2000, 1, TRACE_EVENT_sched_switch, sizeof(sw[2]), (uint8_t *)&sw[2] },
		{ 2500, 0, TRACE_EVENT_console, sizeof(console) - 1, console },
		{ 3000, 0, TRACE_EVENT_sched_switch, sizeof(sw[1]), (uint8_t *)&sw[1] },
	};
	uint64_t lost[NR_CPUS] = { 0, 2 }, counts[NR_CPUS] = { 4, 3 };
	struct trace_info info = { NR_CPUS, 2000000, TRACE_ALL_CATEGORIES, lost, counts, 8, false };
	struct vitro_error err = { "" };
	struct trace_sink *sink = trace_output_open(path, fmt, &err);
	size_t i;

	check(!sink, path, &err);
	memcpy(console + sizeof(struct trace_ev_console), text, sizeof(text) - 1);
	check(sink->begin(sink, &info), "begin", NULL);
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		check(sink->event(sink, &events[i]), "event", NULL);
	check(sink->end(sink, &info), "end", NULL);
	sink->destroy(sink);
}

/* Copies file behind the selector byte into dir/name. */
static void write_seed(const char *file, unsigned char selector, const char *dir, const char *name)
{
	char path[4096];
	FILE *in = fopen(file, "rb"), *out;
	int c;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "wb");
	if (!in || !out) {
		perror(in ? path : file);
		exit(1);
	}
	putc(selector, out);
	while ((c = getc(in)) != EOF)
		putc(c, out);
	fclose(in);
	if (fclose(out)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/gen-trace-seeds-XXXXXX", json[64], ctf[64], file[96];

	if (argc != 2 || !mkdtemp(tmp)) {
		fprintf(stderr, "usage: gen_trace_seeds OUTPUT_DIR\n");
		return 2;
	}
	snprintf(json, sizeof(json), "%s/t.json", tmp);
	snprintf(ctf, sizeof(ctf), "%s/t.ctf", tmp);
	write_trace(json, TRACE_FORMAT_JSON);
	write_trace(ctf, TRACE_FORMAT_CTF);
	write_seed(json, 0, argv[1], "json-two-cpus");
	snprintf(file, sizeof(file), "%s/stream_0", ctf);
	write_seed(file, 1, argv[1], "ctf-stream-0");
	snprintf(file, sizeof(file), "%s/stream_1", ctf);
	write_seed(file, 1, argv[1], "ctf-stream-1-lost");
	snprintf(file, sizeof(file), "%s/metadata", ctf);
	write_seed(file, 2, argv[1], "ctf-metadata");
	remove(json);
	remove(file);
	snprintf(file, sizeof(file), "%s/stream_0", ctf);
	remove(file);
	snprintf(file, sizeof(file), "%s/stream_1", ctf);
	remove(file);
	remove(ctf);
	remove(tmp);
	return 0;
}
