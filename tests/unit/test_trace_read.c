/* Tests for reading traces back (vmm/trace/read*.c, json_parse.c): every
 * format vitro can read gives back exactly the events it was given, and
 * anything else is refused with a message, never a crash. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/trace/json.h"
#include "../../vmm/trace/output.h"
#include "../../vmm/trace/read.h"
#include "trace_synth.h"
#include "unit.h"

static void expect_round_trip(enum trace_format fmt, const char *name)
{
	struct vitro_error err = { "" };
	struct synth_trace t, got;
	char dir[256], path[300];

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	synth_build_pingpong(&t);
	if (!synth_write(&t, path, fmt)) {
		if (EXPECT_EQ(synth_read(path, &got, &err), 0))
			synth_expect_same_trace(&got, &t);
		else
			UNIT_FAIL("%s", err.msg);
		synth_fini(&got);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

static void test_trace_json_reads_back_event_for_event(void)
{
	expect_round_trip(TRACE_FORMAT_JSON, "t.json");
}

static void test_trace_ctf_reads_back_event_for_event(void)
{
	expect_round_trip(TRACE_FORMAT_CTF, "t.ctf");
}

/* A sink that checks what every reader promises: time order, valid types
 * and sizes, CPUs within the trace. */
struct checking_sink {
	struct trace_sink sink;
	unsigned int nr_cpus;
	uint64_t last_ts;
	bool has_failed;
};

static int check_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct checking_sink *c = (struct checking_sink *)sink;

	c->nr_cpus = info->nr_cpus;
	c->last_ts = 0;
	return 0;
}

static int check_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct checking_sink *c = (struct checking_sink *)sink;

	if (ev->cpu >= c->nr_cpus || ev->type == TRACE_EVENT_NONE || ev->type >= TRACE_NR_EVENTS ||
	    ev->size < trace_event_descs[ev->type].fixed_size || ev->ts_ns < c->last_ts)
		c->has_failed = true;
	c->last_ts = ev->ts_ns;
	return 0;
}

static int check_end(struct trace_sink *sink, const struct trace_info *info)
{
	(void)sink;
	(void)info;
	return 0;
}

static struct checking_sink checking_sink = {
	{ check_begin, check_event, check_end, NULL }, 0, 0, false
};

/* Reads buf as JSON from a guarded copy, so a read past its end faults. */
static int read_json_guarded(const char *buf, size_t size, struct vitro_error *err)
{
	uint8_t *copy = unit_guarded_copy(buf, size);
	int rc;

	rc = trace_read_json_buffer((const char *)copy, size, &checking_sink.sink, err);
	unit_guarded_free(copy, size);
	return rc;
}

struct damaged_json {
	const char *text;
	size_t size;
};

static int read_every_prefix_and_mutation(void *arg, char *note, size_t note_size)
{
	const struct damaged_json *d = arg;
	struct vitro_error err;
	char *buf = malloc(d->size);
	size_t i;

	/* Every prefix short of the closing brace (the file ends "}\n"). */
	for (i = 0; i + 1 < d->size; i++) {
		snprintf(note, note_size, "prefix of %zu bytes", i);
		err.msg[0] = '\0';
		if (read_json_guarded(d->text, i, &err) >= 0 || !err.msg[0])
			return -1;
	}
	for (i = 0; i < d->size; i += 3) {
		static const char swaps[] = { '"', '\\', '{', ']', '9', '-', '\0', '\xff' };

		snprintf(note, note_size, "byte %zu changed", i);
		memcpy(buf, d->text, d->size);
		buf[i] = swaps[i % sizeof(swaps)];
		err.msg[0] = '\0';
		if (read_json_guarded(buf, d->size, &err) < 0 && !err.msg[0])
			return -1;
	}
	free(buf);
	return checking_sink.has_failed ? -1 : 0;
}

static void test_trace_json_reader_survives_damage(void)
{
	char dir[256], path[300];
	struct damaged_json d;
	struct synth_trace t;
	char *text;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.json", dir);
	synth_build_pingpong(&t);
	if (!synth_write(&t, path, TRACE_FORMAT_JSON) && (text = synth_read_file(path, &d.size))) {
		d.text = text;
		UNIT_RUN_ISOLATED("damaged JSON", read_every_prefix_and_mutation, &d);
		free(text);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

static void expect_json_refused(const char *text, const char *want)
{
	struct vitro_error err = { "" };

	EXPECT_TRUE(read_json_guarded(text, strlen(text), &err) < 0);
	EXPECT_CONTAINS(err.msg, want);
}

#define OTHER_DATA(lost)                                                                      \
	"\"otherData\":{\"producer\":\"vitro\",\"version\":1,\"tsc_khz\":1000,\"nr_cpus\":1," \
	"\"categories\":1,\"lost\":" lost ",\"corrupt_bytes\":0}"
#define IRQ(ts, tid)                                                                    \
	"{\"name\":\"irq_handler_entry\",\"cat\":\"vitro.irq\",\"ph\":\"i\",\"ts\":" ts \
	",\"pid\":1,\"tid\":" tid ",\"args\":{\"irq\":1,\"vector\":33}}"

static void test_trace_json_reader_refuses_what_vitro_did_not_write(void)
{
	expect_json_refused("[]", "expected '{'");
	expect_json_refused("{\"traceEvents\":[]}", "no otherData");
	expect_json_refused("{\"traceEvents\":[],\"otherData\":{\"producer\":\"chrome\"}}",
			    "does not say vitro");
	expect_json_refused("{" OTHER_DATA("[0]") "} x", "data after the end");
	expect_json_refused("{" OTHER_DATA("[0,0]") "}", "lost has 2 streams, not 1");
	expect_json_refused("{\"traceEvents\":[" IRQ("1.0", "1") "]," OTHER_DATA("[0]") "}",
			    "an event on CPU 1 of a 1-CPU trace");
	expect_json_refused("{\"traceEvents\":[" IRQ("1.0001", "0") "]," OTHER_DATA("[0]") "}",
			    "traceEvents[0]: bad ts");
	expect_json_refused("{\"traceEvents\":[" IRQ("-1", "0") "]," OTHER_DATA("[0]") "}",
			    "bad ts");
	expect_json_refused(
		"{\"traceEvents\":[{\"name\":\"nope\",\"cat\":\"vitro.irq\"}]," OTHER_DATA(
			"[0]") "}",
		"an event this vitro does not know");
	expect_json_refused(
		"{\"traceEvents\":[{\"name\":\"irq_handler_exit\",\"cat\":\"vitro.irq\","
		"\"ts\":1,\"pid\":1,\"tid\":0,\"args\":{\"irq\":4294967296,"
		"\"vector\":1}}]," OTHER_DATA("[0]") "}",
		"not an integer of its type: irq");
	expect_json_refused("{\"traceEvents\":[{\"name\":\"sched_process_exit\",\"cat\":"
			    "\"vitro.sched\",\"ts\":1,\"pid\":1,\"tid\":0,\"args\":{\"pid\":1,"
			    "\"prio\":1,\"comm\":\"seventeen bytes!!\"}}]," OTHER_DATA("[0]") "}",
			    "string too long: comm");
}

/* Hand-edited JSON need not be in time order; the replay is. */
static void test_trace_json_reader_replays_in_time_order(void)
{
	static const char text[] = "{\"traceEvents\":[" IRQ("3.000", "0") "," IRQ(
		"1.5", "0") "," IRQ("2", "0") "]," OTHER_DATA("[7]") "}";
	struct vitro_error err = { "" };
	struct synth_trace got;
	struct trace_sink *sink = synth_collector(&got);

	if (EXPECT_EQ(trace_read_json_buffer(text, strlen(text), sink, &err), 0) &&
	    EXPECT_EQ(got.nr_events, 3)) {
		EXPECT_EQ(got.events[0].ev.ts_ns, 1500);
		EXPECT_EQ(got.events[1].ev.ts_ns, 2000);
		EXPECT_EQ(got.events[2].ev.ts_ns, 3000);
		EXPECT_EQ(got.lost[0], 7);
	}
	sink->destroy(sink);
	synth_fini(&got);
}

static void test_trace_read_says_what_it_cannot_read(void)
{
	struct vitro_error err = { "" };
	struct synth_trace got;
	char dir[256], path[300];
	FILE *f;

	EXPECT_EQ(synth_read("/nonexistent-vitro-trace.json", &got, &err), -ENOENT);
	EXPECT_CONTAINS(err.msg, "/nonexistent-vitro-trace.json: No such file or directory");
	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.bin", dir);
	f = fopen(path, "w");
	fputs("\x7f"
	      "ELF",
	      f);
	fclose(f);
	EXPECT_EQ(synth_read(path, &got, &err), -EINVAL);
	EXPECT_CONTAINS(err.msg, "not a trace vitro wrote");
	EXPECT_EQ(synth_read(dir, &got, &err), -ENOENT);
	EXPECT_CONTAINS(err.msg, "no CTF metadata");
	synth_rmtree(dir);
}

/* --- the JSON parser --------------------------------------------------------- */

static int parse_json(const char *text, struct vitro_error *err)
{
	struct json_parser jp;
	struct json_value v;
	int rc;

	json_parser_init(&jp, text, strlen(text), err);
	rc = json_parser_value(&jp, &v);
	if (!rc && !json_parser_at_end(&jp))
		rc = -EINVAL;
	json_parser_fini(&jp);
	return rc;
}

static void test_json_parser_follows_the_grammar(void)
{
	static const char *const good[] = {
		"0",  "-0.5e+3", "\"\\u00e9\\ud83d\\ude00\"",
		"[]", "{}",	 " [1, {\"a\": [null, true, false]}] ",
	};
	static const char *const bad[] = {
		"01",
		"1.",
		"-",
		"[1,]",
		"{\"a\" 1}",
		"{\"a\":1,}",
		"\"tab\there\"",
		"\"\\x\"",
		"\"\\u12g4\"",
		"\"open",
		"[1 2]",
		"tru",
		"{1:2}",
		"",
	};
	struct vitro_error err;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		if (parse_json(good[i], &err))
			UNIT_FAIL("refused %s: %s", good[i], err.msg);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!parse_json(bad[i], &err))
			UNIT_FAIL("accepted %s", bad[i]);
}

static void test_json_parser_bounds_nesting(void)
{
	char deep[2 * JSON_MAX_DEPTH + 8];
	struct vitro_error err = { "" };
	size_t i;

	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[2 * JSON_MAX_DEPTH - 1 - i] = ']';
	}
	deep[2 * JSON_MAX_DEPTH] = '\0';
	EXPECT_EQ(parse_json(deep, &err), 0);
	memmove(deep + 1, deep, 2 * JSON_MAX_DEPTH + 1);
	deep[0] = '[';
	strcat(deep, "]");
	EXPECT_EQ(parse_json(deep, &err), -EINVAL);
	EXPECT_CONTAINS(err.msg, "nested too deep");
}

static void expect_decoded(const char *json, bool is_bytes_escape, const char *want,
			   size_t want_len)
{
	struct vitro_error err = { "" };
	struct json_parser jp;
	struct json_value v;
	char out[64];
	size_t n;

	json_parser_init(&jp, json, strlen(json), &err);
	if (EXPECT_EQ(json_parser_value(&jp, &v), 0)) {
		n = json_string_decode(&v, out, sizeof(out), is_bytes_escape);
		if (n != want_len || memcmp(out, want, n))
			UNIT_FAIL("%s decoded to %zu bytes, not the %zu expected", json, n,
				  want_len);
	}
	json_parser_fini(&jp);
}

static void test_json_string_decode_handles_escapes(void)
{
	expect_decoded("\"a\\n\\\"\\\\\\/\"", false, "a\n\"\\/", 5);
	expect_decoded("\"\\u00e9\"", false, "\xc3\xa9", 2);
	/* vitro's own convention: \u0080-\u00ff are the bytes themselves. */
	expect_decoded("\"\\u00e9\\u00ff\"", true, "\xe9\xff", 2);
	expect_decoded("\"\\ud83d\\ude00\"", false, "\xf0\x9f\x98\x80", 4);
	expect_decoded("\"\\ud83dx\"", false, "\xef\xbf\xbdx", 4);
	expect_decoded("\"raw \xc3\xa9\"", true, "raw \xc3\xa9", 6);
}

static CU_TestInfo trace_read_tests[] = {
	UNIT_TEST(test_trace_json_reads_back_event_for_event),
	UNIT_TEST(test_trace_ctf_reads_back_event_for_event),
	UNIT_TEST(test_trace_json_reader_survives_damage),
	UNIT_TEST(test_trace_json_reader_refuses_what_vitro_did_not_write),
	UNIT_TEST(test_trace_json_reader_replays_in_time_order),
	UNIT_TEST(test_trace_read_says_what_it_cannot_read),
	UNIT_TEST(test_json_parser_follows_the_grammar),
	UNIT_TEST(test_json_parser_bounds_nesting),
	UNIT_TEST(test_json_string_decode_handles_escapes),
	CU_TEST_INFO_NULL,
};

static void register_trace_read_tests(void)
{
	unit_add_suite("trace_read", trace_read_tests);
}
UNIT_REGISTER(register_trace_read_tests)
