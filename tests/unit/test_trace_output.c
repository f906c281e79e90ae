/* Tests for the trace writers (vmm/trace/output*.c): choosing the format,
 * opening errors, the Chrome JSON views and the perf-script-like text. CTF
 * has its own file (test_trace_ctf.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/trace/json.h"
#include "../../vmm/trace/output.h"
#include "trace_synth.h"
#include "unit.h"

static void expect_format(const char *path, enum trace_format requested, enum trace_format want)
{
	struct vitro_error err = { "" };
	enum trace_format got = TRACE_FORMAT_AUTO;

	if (trace_format_for_path(path, requested, &got, &err))
		UNIT_FAIL("%s: %s", path, err.msg);
	else if (got != want)
		UNIT_FAIL("%s: format %d, want %d", path, got, want);
}

static void test_trace_format_follows_the_extension(void)
{
	expect_format("t.json", TRACE_FORMAT_AUTO, TRACE_FORMAT_JSON);
	expect_format("/tmp/T.JSON", TRACE_FORMAT_AUTO, TRACE_FORMAT_JSON);
	expect_format("t.txt", TRACE_FORMAT_AUTO, TRACE_FORMAT_TEXT);
	expect_format("t.ctf", TRACE_FORMAT_AUTO, TRACE_FORMAT_CTF);
	expect_format("trace", TRACE_FORMAT_AUTO, TRACE_FORMAT_CTF);
	expect_format("runs.d/trace", TRACE_FORMAT_AUTO, TRACE_FORMAT_CTF);
	expect_format(".trace", TRACE_FORMAT_AUTO, TRACE_FORMAT_CTF);
	/* --trace-format wins over the name. */
	expect_format("t.json", TRACE_FORMAT_TEXT, TRACE_FORMAT_TEXT);
	expect_format("t.dat", TRACE_FORMAT_CTF, TRACE_FORMAT_CTF);
}

static void test_trace_format_refuses_an_unknown_extension(void)
{
	struct vitro_error err = { "" };
	enum trace_format fmt;

	EXPECT_EQ(trace_format_for_path("out.dat", TRACE_FORMAT_AUTO, &fmt, &err), -EINVAL);
	EXPECT_CONTAINS(err.msg, "out.dat");
	EXPECT_CONTAINS(err.msg, "--trace-format");
}

static void test_trace_format_parse_knows_three_names(void)
{
	struct vitro_error err = { "" };
	enum trace_format fmt;

	EXPECT_EQ(trace_format_parse("json", &fmt, &err), 0);
	EXPECT_EQ(fmt, TRACE_FORMAT_JSON);
	EXPECT_EQ(trace_format_parse("ctf", &fmt, &err), 0);
	EXPECT_EQ(fmt, TRACE_FORMAT_CTF);
	EXPECT_EQ(trace_format_parse("text", &fmt, &err), 0);
	EXPECT_EQ(fmt, TRACE_FORMAT_TEXT);
	EXPECT_EQ(trace_format_parse("xml", &fmt, &err), -EINVAL);
	EXPECT_CONTAINS(err.msg, "json, ctf or text");
}

static void test_trace_output_open_names_the_path_it_cannot_create(void)
{
	static const enum trace_format formats[] = { TRACE_FORMAT_JSON, TRACE_FORMAT_TEXT,
						     TRACE_FORMAT_CTF };
	struct vitro_error err = { "" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		err.msg[0] = '\0';
		EXPECT_TRUE(!trace_output_open("/nonexistent-vitro-dir/t", formats[i], &err));
		EXPECT_CONTAINS(err.msg, "/nonexistent-vitro-dir/t");
		EXPECT_CONTAINS(err.msg, "No such file or directory");
	}
}

/* --- JSON ------------------------------------------------------------------ */

struct json_doc {
	char *text;
	struct json_parser jp;
	struct json_value root;
	const struct json_value *events;
};

static bool json_doc_load(struct json_doc *doc, const char *path)
{
	struct vitro_error err = { "" };

	doc->text = synth_read_file(path, NULL);
	if (!doc->text)
		return false;
	json_parser_init(&doc->jp, doc->text, strlen(doc->text), &err);
	if (json_parser_value(&doc->jp, &doc->root) || !json_parser_at_end(&doc->jp)) {
		UNIT_FAIL("%s is not JSON: %s", path, err.msg);
		return false;
	}
	doc->events = json_object_get(&doc->root, "traceEvents");
	return EXPECT_TRUE(doc->events && doc->events->type == JSON_ARRAY);
}

static void json_doc_free(struct json_doc *doc)
{
	json_parser_fini(&doc->jp);
	free(doc->text);
}

static bool is_text(const struct json_value *v, const char *s)
{
	return v && (v->type == JSON_STRING || v->type == JSON_NUMBER) && v->len == strlen(s) &&
	       !memcmp(v->text, s, v->len);
}

static const struct json_value *get(const struct json_value *obj, const char *key)
{
	return json_object_get(obj, key);
}

/* The entries with this ph, pid and tid (NULL: any), and name (NULL: any). */
static size_t count_entries(const struct json_doc *doc, const char *ph, const char *pid,
			    const char *tid, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < doc->events->nr_children; i++) {
		const struct json_value *e = &doc->events->children[i];

		if (is_text(get(e, "ph"), ph) && (!pid || is_text(get(e, "pid"), pid)) &&
		    (!tid || is_text(get(e, "tid"), tid)) &&
		    (!name || is_text(get(e, "name"), name)))
			n++;
	}
	return n;
}

/* The first entry with these values (name, ts NULL: any), or NULL with a
 * test failure. */
static const struct json_value *find_entry(const struct json_doc *doc, const char *ph,
					   const char *tid, const char *name, const char *ts)
{
	size_t i;

	for (i = 0; i < doc->events->nr_children; i++) {
		const struct json_value *e = &doc->events->children[i];

		if (is_text(get(e, "ph"), ph) && is_text(get(e, "tid"), tid) &&
		    (!name || is_text(get(e, "name"), name)) && (!ts || is_text(get(e, "ts"), ts)))
			return e;
	}
	UNIT_FAIL("no \"%s\" entry %s on tid %s at ts %s", ph, name ? name : "", tid,
		  ts ? ts : "any");
	return NULL;
}

static bool decoded_is(const struct json_value *v, const char *want)
{
	char buf[256];
	size_t n;

	if (!v || v->type != JSON_STRING)
		return false;
	n = json_string_decode(v, buf, sizeof(buf), true);
	return n == strlen(want) && !memcmp(buf, want, n);
}

static void write_pingpong_json(char *dir, size_t dir_size, char *path, size_t path_size)
{
	struct synth_trace t;

	synth_tmpdir(dir, dir_size);
	snprintf(path, path_size, "%s/t.json", dir);
	synth_build_pingpong(&t);
	synth_write(&t, path, TRACE_FORMAT_JSON);
	synth_fini(&t);
}

static void test_trace_json_has_a_track_per_vcpu_and_per_task(void)
{
	char dir[256], path[300];
	struct json_doc doc;

	write_pingpong_json(dir, sizeof(dir), path, sizeof(path));
	if (json_doc_load(&doc, path)) {
		EXPECT_TRUE(is_text(get(&doc.root, "displayTimeUnit"), "ns"));
		EXPECT_EQ(count_entries(&doc, "M", "1", "0", "process_name"), 1);
		EXPECT_EQ(count_entries(&doc, "M", "2", "0", "process_name"), 1);
		EXPECT_TRUE(decoded_is(
			get(get(find_entry(&doc, "M", "1", "thread_name", NULL) ?: &doc.root,
				"args"),
			    "name"),
			"CPU 1"));
		/* Task runs on the vCPU tracks: name = comm, idle left out. */
		EXPECT_EQ(count_entries(&doc, "X", "1", "0", "ping"), 3);
		EXPECT_EQ(count_entries(&doc, "X", "1", "1", "pong"), 1);
		EXPECT_EQ(count_entries(&doc, "X", "1", NULL, "swapper/0"), 0);
		EXPECT_TRUE(
			is_text(get(find_entry(&doc, "X", "0", "ping", "1.000"), "dur"), "4.000"));
		EXPECT_TRUE(
			is_text(get(find_entry(&doc, "X", "0", "ping", "12.000"), "dur"), "1.100"));
		EXPECT_TRUE(is_text(
			get(get(find_entry(&doc, "X", "1", "pong", "4.000"), "args"), "prio"),
			"98"));
		/* ... and on the task tracks: one thread per pid, slices name the CPU. */
		EXPECT_EQ(count_entries(&doc, "X", "2", "10", "CPU 0"), 3);
		EXPECT_EQ(count_entries(&doc, "X", "2", "11", "CPU 1"), 1);
		EXPECT_EQ(count_entries(&doc, "M", "2", "12", "thread_name"), 1);
		EXPECT_TRUE(decoded_is(
			get(get(find_entry(&doc, "M", "12", "thread_name", NULL) ?: &doc.root,
				"args"),
			    "name"),
			SYNTH_WORKER_COMM));
		json_doc_free(&doc);
	}
	synth_rmtree(dir);
}

static void test_trace_json_shows_handlers_as_slices(void)
{
	char dir[256], path[300];
	struct json_doc doc;

	write_pingpong_json(dir, sizeof(dir), path, sizeof(path));
	if (json_doc_load(&doc, path)) {
		EXPECT_TRUE(
			is_text(get(find_entry(&doc, "X", "1", "irq 4", "4.500"), "dur"), "0.200"));
		EXPECT_TRUE(is_text(get(find_entry(&doc, "X", "1", "ipi 251", "9.500"), "dur"),
				    "3.000"));
		EXPECT_TRUE(is_text(
			get(find_entry(&doc, "X", "0", "timer 0xffffffff81234567", "11.000"),
			    "dur"),
			"0.200"));
		json_doc_free(&doc);
	}
	synth_rmtree(dir);
}

/* The wake-up's flow starts where the waker runs and ends where the wakee next does. */
static void expect_flow(const struct json_doc *doc, const char *s_tid, const char *s_ts,
			const char *f_tid, const char *f_ts)
{
	const struct json_value *s = find_entry(doc, "s", s_tid, "wakeup", s_ts);
	const struct json_value *f = find_entry(doc, "f", f_tid, "wakeup", f_ts);
	const struct json_value *id = s ? get(s, "id") : NULL;

	if (!s || !f || !id)
		return;
	EXPECT_TRUE(is_text(get(f, "bp"), "e"));
	if (get(f, "id")->len != id->len || memcmp(get(f, "id")->text, id->text, id->len))
		UNIT_FAIL("flow from tid %s at %s ends at tid %s at %s with another id", s_tid,
			  s_ts, f_tid, f_ts);
}

static void test_trace_json_links_wakeups_to_the_next_run(void)
{
	char dir[256], path[300];
	struct json_doc doc;

	write_pingpong_json(dir, sizeof(dir), path, sizeof(path));
	if (json_doc_load(&doc, path)) {
		EXPECT_EQ(count_entries(&doc, "s", NULL, NULL, "wakeup"), 3);
		EXPECT_EQ(count_entries(&doc, "f", NULL, NULL, "wakeup"), 3);
		expect_flow(&doc, "0", "3.000", "1", "4.000"); /* pong */
		expect_flow(&doc, "1", "7.000", "0", "9.000"); /* ping */
		expect_flow(&doc, "0", "9.500", "0", "10.000"); /* worker, new */
		json_doc_free(&doc);
	}
	synth_rmtree(dir);
}

/* A task woken but never run again gets no arrow that ends nowhere. */
static void test_trace_json_draws_no_flow_without_a_run(void)
{
	char dir[256], path[300];
	struct synth_trace t;
	struct json_doc doc;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.json", dir);
	synth_init(&t, 1);
	synth_switch(&t, 10, 0, 0, "swapper/0", 0, 5, "waker");
	synth_wakeup(&t, 20, 0, false, 6, "sleeper", 5);
	synth_switch(&t, 30, 0, 5, "waker", 1, 0, "swapper/0");
	if (!synth_write(&t, path, TRACE_FORMAT_JSON) && json_doc_load(&doc, path)) {
		EXPECT_EQ(count_entries(&doc, "s", NULL, NULL, "wakeup"), 0);
		EXPECT_EQ(count_entries(&doc, "f", NULL, NULL, "wakeup"), 0);
		EXPECT_EQ(count_entries(&doc, "i", "1", "0", "sched_wakeup"), 1);
		json_doc_free(&doc);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

static void test_trace_json_keeps_every_event_with_its_fields(void)
{
	char dir[256], path[300];
	const struct json_value *e, *other, *lost;
	struct json_doc doc;
	size_t i, raw = 0;

	write_pingpong_json(dir, sizeof(dir), path, sizeof(path));
	if (json_doc_load(&doc, path)) {
		for (i = 0; i < doc.events->nr_children; i++) {
			const struct json_value *cat = get(&doc.events->children[i], "cat");

			raw += cat && cat->len > 6 && !memcmp(cat->text, "vitro.", 6);
		}
		EXPECT_EQ(raw, SYNTH_NR_PINGPONG_EVENTS);
		e = find_entry(&doc, "i", "1", "console", "6.000");
		EXPECT_TRUE(e && is_text(get(e, "cat"), "vitro.printk"));
		EXPECT_TRUE(e && decoded_is(get(get(e, "args"), "msg"), SYNTH_CONSOLE_TEXT));
		e = find_entry(&doc, "i", "0", "timer_expire_entry", "11.000");
		EXPECT_TRUE(e && is_text(get(get(e, "args"), "timer"), "0xffff888000123456"));
		EXPECT_TRUE(e && is_text(get(get(e, "args"), "now_ns"), "11000"));
		e = find_entry(&doc, "i", "0", "sched_switch", "12.000");
		EXPECT_TRUE(e && is_text(get(get(e, "args"), "prev_state"), "128"));
		EXPECT_TRUE(e && is_text(get(get(e, "args"), "prev_prio"), "-1"));
		/* The byte that is not UTF-8 is a \u escape; the rest is escaped as JSON wants. */
		EXPECT_CONTAINS(doc.text, "\"msg\":\"pong says \\\"hi\\\" \\\\o/\\n\\u00fe end\"");
		EXPECT_CONTAINS(doc.text, "\"comm\":\"w\\\"k<&>\\u00ff\"");
		other = get(&doc.root, "otherData");
		EXPECT_TRUE(other && is_text(get(other, "tsc_khz"), "2000000"));
		EXPECT_TRUE(other && is_text(get(other, "corrupt_bytes"), "16"));
		lost = other ? get(other, "lost") : NULL;
		if (EXPECT_TRUE(lost && lost->type == JSON_ARRAY && lost->nr_children == 2)) {
			EXPECT_TRUE(is_text(&lost->children[0], "0"));
			EXPECT_TRUE(is_text(&lost->children[1], "3"));
		}
		json_doc_free(&doc);
	}
	synth_rmtree(dir);
}

/* Python's json module, where there is one, as a second opinion. */
static void test_trace_json_parses_with_python(void)
{
	char dir[256], path[300], cmd[512];

	if (system("command -v python3 >/dev/null 2>&1"))
		return; /* not a dependency; the other JSON tests still run */
	write_pingpong_json(dir, sizeof(dir), path, sizeof(path));
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "sys.exit(0 if len(d[\"traceEvents\"]) > 24 else 1)' '%s'",
		 path);
	EXPECT_EQ(system(cmd), 0);
	synth_rmtree(dir);
}

/* --- text ------------------------------------------------------------------ */

static char *write_text(const struct synth_trace *t, char *dir, size_t dir_size)
{
	char path[300];

	synth_tmpdir(dir, dir_size);
	snprintf(path, sizeof(path), "%s/t.txt", dir);
	if (synth_write(t, path, TRACE_FORMAT_TEXT))
		return NULL;
	return synth_read_file(path, NULL);
}

static void test_trace_text_reads_like_perf_script(void)
{
	struct synth_trace t;
	char dir[256], *text;
	size_t lines = 0;
	const char *c;

	synth_build_pingpong(&t);
	text = write_text(&t, dir, sizeof(dir));
	if (text) {
		for (c = text; *c; c++)
			lines += *c == '\n';
		EXPECT_EQ(lines, SYNTH_NR_PINGPONG_EVENTS + 4);
		EXPECT_CONTAINS(
			text,
			"\n            pong     11 [001]     0.000000500: sched_switch: prev_comm=pong prev_pid=11 prev_prio=98 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n");
		EXPECT_CONTAINS(
			text,
			"\n            ping     10 [000]     0.000003000: sched_wakeup: comm=pong pid=11 prio=98 target_cpu=000 waker_pid=10\n");
		EXPECT_CONTAINS(
			text,
			"\n            pong     11 [001]     0.000006000: console: level=6 msg=\"pong says \\\"hi\\\" \\\\o/\\n\\xfe end\"\n");
		EXPECT_CONTAINS(
			text,
			"\n      w\"k<&>\\xff     12 [000]     0.000012000: sched_switch: prev_comm=w\"k<&>\\xff prev_pid=12 prev_prio=-1 prev_state=X ==> next_comm=ping next_pid=10 next_prio=120\n");
		EXPECT_CONTAINS(
			text,
			"0.000011000: timer_expire_entry: timer=0xffff888000123456 function=0xffffffff81234567 now_ns=11000\n");
		EXPECT_CONTAINS(
			text,
			"\n       swapper/1      0 [001]     0.000009500: ipi_entry: vector=251 reserved=0\n");
		EXPECT_CONTAINS(text, "\n# lost events: 3 (cpu0=0 cpu1=3), corrupt bytes: 16\n");
		EXPECT_CONTAINS(text, "raise --trace-buffer");
	}
	free(text);
	synth_fini(&t);
	synth_rmtree(dir);
}

static void test_trace_text_shows_states_and_unknown_tasks(void)
{
	struct synth_trace t;
	uint32_t irq[2] = { 9, 41 };
	char dir[256], *text;

	synth_init(&t, 1);
	synth_add(&t, 5, 0, TRACE_EVENT_irq_handler_entry, irq, sizeof(irq), NULL, 0, 0);
	synth_switch(&t, 10, 0, 7, "a", 0x3, 8, "b");
	synth_switch(&t, 20, 0, 8, "b", 0x1000, 7, "a");
	synth_switch(&t, 30, 0, 7, "a", 0x800, 8, "b");
	text = write_text(&t, dir, sizeof(dir));
	if (text) {
		EXPECT_CONTAINS(
			text,
			"\n               ?      ? [000]     0.000000005: irq_handler_entry: irq=9 vector=41\n");
		EXPECT_CONTAINS(text, " prev_state=S|D ==> ");
		EXPECT_CONTAINS(text, " prev_state=0x1000 ==> ");
		EXPECT_CONTAINS(text, " prev_state=N ==> ");
		EXPECT_CONTAINS(text, "\n# lost events: 0 (cpu0=0), corrupt bytes: 0\n");
		EXPECT_FALSE(strstr(text, "raise --trace-buffer"));
	}
	free(text);
	synth_fini(&t);
	synth_rmtree(dir);
}

static CU_TestInfo trace_output_tests[] = {
	UNIT_TEST(test_trace_format_follows_the_extension),
	UNIT_TEST(test_trace_format_refuses_an_unknown_extension),
	UNIT_TEST(test_trace_format_parse_knows_three_names),
	UNIT_TEST(test_trace_output_open_names_the_path_it_cannot_create),
	UNIT_TEST(test_trace_json_has_a_track_per_vcpu_and_per_task),
	UNIT_TEST(test_trace_json_shows_handlers_as_slices),
	UNIT_TEST(test_trace_json_links_wakeups_to_the_next_run),
	UNIT_TEST(test_trace_json_draws_no_flow_without_a_run),
	UNIT_TEST(test_trace_json_keeps_every_event_with_its_fields),
	UNIT_TEST(test_trace_json_parses_with_python),
	UNIT_TEST(test_trace_text_reads_like_perf_script),
	UNIT_TEST(test_trace_text_shows_states_and_unknown_tasks),
	CU_TEST_INFO_NULL,
};

static void register_trace_output_tests(void)
{
	unit_add_suite("trace_output", trace_output_tests);
}
UNIT_REGISTER(register_trace_output_tests)
