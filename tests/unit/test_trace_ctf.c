/* Tests for the CTF writer and reader (vmm/trace/output_ctf.c, read_ctf.c,
 * ctf_metadata.c, ctf_dir.c), with babeltrace2, the reference CTF reader, as
 * the judge of what we write. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../vmm/trace/ctf.h"
#include "../../vmm/trace/output.h"
#include "trace_synth.h"
#include "unit.h"

struct babeltrace_run {
	size_t nr_events; /* lines "[time] ..." */
	size_t nr_warnings; /* lines with WARNING or ERROR */
	char *output; /* the first BABELTRACE_KEPT bytes */
	char warnings[4096]; /* the lines with WARNING or ERROR */
	int status;
};

#define BABELTRACE_KEPT (64u << 10)

static bool has_babeltrace2(void)
{
	if (!system("command -v babeltrace2 >/dev/null 2>&1"))
		return true;
	UNIT_FAIL("babeltrace2 is missing: run scripts/setup-deps (it installs babeltrace2, "
		  "which these tests use to check vitro's CTF)");
	return false;
}

static bool run_babeltrace2(const char *dir, struct babeltrace_run *run)
{
	char cmd[512], line[4096];
	size_t used = 0;
	FILE *p;

	memset(run, 0, sizeof(*run));
	if (!has_babeltrace2())
		return false;
	snprintf(cmd, sizeof(cmd), "babeltrace2 '%s' 2>&1", dir);
	p = popen(cmd, "r");
	run->output = malloc(BABELTRACE_KEPT);
	if (!p || !run->output)
		abort();
	run->output[0] = '\0';
	while (fgets(line, sizeof(line), p)) {
		size_t n = strlen(line);

		run->nr_events += line[0] == '[';
		if (strstr(line, "WARNING") || strstr(line, "ERROR")) {
			run->nr_warnings++;
			strncat(run->warnings, line,
				sizeof(run->warnings) - strlen(run->warnings) - 1);
		}
		if (used + n < BABELTRACE_KEPT) {
			memcpy(run->output + used, line, n + 1);
			used += n;
		}
	}
	run->status = pclose(p);
	return true;
}

static void test_trace_ctf_is_read_by_babeltrace2(void)
{
	struct babeltrace_run run;
	struct synth_trace t;
	char dir[256], path[300];

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.ctf", dir);
	synth_build_pingpong(&t);
	if (!synth_write(&t, path, TRACE_FORMAT_CTF) && run_babeltrace2(path, &run)) {
		EXPECT_EQ(run.status, 0);
		EXPECT_EQ(run.nr_events, SYNTH_NR_PINGPONG_EVENTS);
		/* The one warning is the lost count, reported as babeltrace2 does. */
		EXPECT_EQ(run.nr_warnings, 1);
		EXPECT_CONTAINS(run.warnings, "Tracer discarded 3 events");
		EXPECT_CONTAINS(run.warnings, "stream_1");
		EXPECT_CONTAINS(
			run.output,
			"sched_switch: { cpu_id = 0 }, { prev_state = 128, prev_pid = 12, prev_prio = -1, prev_comm = \"w\\\"k<&>");
		EXPECT_CONTAINS(run.output, "filename = \"/bin/worker\" }");
		EXPECT_CONTAINS(run.output, "timer = 18446612682071225430, function = ");
		EXPECT_CONTAINS(run.output, "[00:00:00.000013100]");
		free(run.output);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

/* A trace of n sched_switch and console events on one vCPU. */
static void build_long_trace(struct synth_trace *t, size_t n)
{
	char text[200];
	uint32_t level = 4;
	size_t i;

	synth_init(t, 1);
	for (i = 0; i < n; i++) {
		if (i % 10 == 9) {
			memset(text, 'a' + (int)(i % 26), sizeof(text));
			synth_add(t, 1000 * i, 0, TRACE_EVENT_console, &level, sizeof(level), text,
				  i % sizeof(text), 0);
		} else {
			synth_switch(t, 1000 * i, 0, (uint32_t)i, "from", 1, (uint32_t)i + 1, "to");
		}
	}
	t->lost[0] = 5;
}

static int count_event(void *opaque, const struct trace_event *ev)
{
	(void)opaque;
	(void)ev;
	return 0;
}

static void test_trace_ctf_splits_long_streams_into_packets(void)
{
	struct vitro_error err = { "" };
	struct synth_trace t, got;
	struct babeltrace_run run;
	struct ctf_stream_summary summary;
	struct ctf_metadata md;
	char dir[256], path[300];
	char *metadata, *stream;
	size_t metadata_size, stream_size;

	synth_tmpdir(dir, sizeof(dir));
	build_long_trace(&t, 20000);
	if (!synth_write(&t, dir, TRACE_FORMAT_CTF)) {
		snprintf(path, sizeof(path), "%s/metadata", dir);
		metadata = synth_read_file(path, &metadata_size);
		snprintf(path, sizeof(path), "%s/stream_0", dir);
		stream = synth_read_file(path, &stream_size);
		if (metadata && stream &&
		    EXPECT_EQ(ctf_metadata_parse(metadata, metadata_size, &md, &err), 0) &&
		    EXPECT_EQ(ctf_stream_parse((uint8_t *)stream, stream_size, &md, path,
					       count_event, NULL, &summary, &err),
			      0)) {
			EXPECT_EQ(summary.nr_events, 20000);
			/* 64 KiB packets, and the lost count in a packet of its own. */
			EXPECT_TRUE(summary.nr_packets > stream_size / CTF_PACKET_MAX_SIZE + 1);
			EXPECT_EQ(summary.discarded, 5);
		}
		free(metadata);
		free(stream);
		if (EXPECT_EQ(synth_read(dir, &got, &err), 0))
			synth_expect_same_trace(&got, &t);
		synth_fini(&got);
		if (run_babeltrace2(dir, &run)) {
			EXPECT_EQ(run.nr_events, 20000);
			EXPECT_EQ(run.nr_warnings, 1);
			EXPECT_CONTAINS(run.warnings, "Tracer discarded 5 events");
			free(run.output);
		}
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

static void test_trace_ctf_replaces_an_earlier_vitro_trace(void)
{
	struct vitro_error err = { "" };
	struct synth_trace t, one_cpu, got;
	char dir[256], path[300];
	struct stat st;

	synth_tmpdir(dir, sizeof(dir));
	synth_build_pingpong(&t);
	synth_init(&one_cpu, 1);
	synth_switch(&one_cpu, 100, 0, 0, "swapper/0", 0, 5, "five");
	snprintf(path, sizeof(path), "%s/stream_1", dir);
	if (!synth_write(&t, dir, TRACE_FORMAT_CTF) && EXPECT_EQ(stat(path, &st), 0) &&
	    !synth_write(&one_cpu, dir, TRACE_FORMAT_CTF)) {
		/* A stream left from the run with two vCPUs would be read as its CPU 1. */
		EXPECT_EQ(stat(path, &st), -1);
		if (EXPECT_EQ(synth_read(dir, &got, &err), 0))
			synth_expect_same_trace(&got, &one_cpu);
		synth_fini(&got);
	}
	synth_fini(&t);
	synth_fini(&one_cpu);
	synth_rmtree(dir);
}

static void test_trace_ctf_refuses_a_directory_of_other_files(void)
{
	struct vitro_error err = { "" };
	char dir[256], path[300], *kept;
	FILE *f;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("mine\n", f);
	fclose(f);
	EXPECT_TRUE(!trace_output_open(dir, TRACE_FORMAT_CTF, &err));
	EXPECT_CONTAINS(err.msg, "not a vitro trace");
	kept = synth_read_file(path, NULL);
	EXPECT_STR(kept, "mine\n");
	free(kept);
	/* A file of that name is not a directory to write into either. */
	EXPECT_TRUE(!trace_output_open(path, TRACE_FORMAT_CTF, &err));
	EXPECT_CONTAINS(err.msg, "not a directory");
	synth_rmtree(dir);
}

/* Writes the ping-pong trace, applies edit to one of its files, and expects
 * trace_read to fail with a message containing want. */
static void expect_read_error(const char *file, void (*edit)(char *data, size_t *size),
			      const char *want)
{
	struct vitro_error err = { "" };
	char dir[256], path[300], *data;
	struct synth_trace t, got;
	size_t size;
	FILE *f;

	synth_tmpdir(dir, sizeof(dir));
	synth_build_pingpong(&t);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!synth_write(&t, dir, TRACE_FORMAT_CTF) && (data = synth_read_file(path, &size))) {
		edit(data, &size);
		f = fopen(path, "wb");
		fwrite(data, 1, size, f);
		fclose(f);
		free(data);
		EXPECT_TRUE(synth_read(dir, &got, &err) < 0);
		EXPECT_CONTAINS(err.msg, want);
		synth_fini(&got);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

static void cut_in_half(char *data, size_t *size)
{
	(void)data;
	*size /= 2;
}

static void break_magic(char *data, size_t *size)
{
	(void)size;
	data[0] ^= 1;
}

static void grow_content_size(char *data, size_t *size)
{
	(void)size;
	data[CTF_PACKET_HEADER_SIZE + 16 + 5] = 0x10; /* content_size in bits, far past the end */
}

static void unknown_event_id(char *data, size_t *size)
{
	(void)size;
	data[CTF_PACKET_PREAMBLE_SIZE] = 0x7f;
}

static void other_uuid(char *data, size_t *size)
{
	(void)size;
	data[4] ^= 0xff;
}

static void rename_a_field(char *data, size_t *size)
{
	char *f = strstr(data, "prev_pid;");

	(void)size;
	if (f)
		memcpy(f, "prev_xid", 8);
}

static void unknown_event(char *data, size_t *size)
{
	char *f = strstr(data, "\"sched_wakeup\"");

	(void)size;
	if (f)
		memcpy(f, "\"sched_wokeup\"", 14);
}

static void foreign_tracer(char *data, size_t *size)
{
	char *f = strstr(data, "tracer_name = \"vitro\"");

	(void)size;
	if (f)
		memcpy(f, "tracer_name = \"lttng\"", 21);
}

static void test_trace_ctf_reader_refuses_damaged_traces(void)
{
	expect_read_error("stream_0", cut_in_half, "stream_0: packet at byte 0:");
	expect_read_error("stream_1", break_magic, "bad magic");
	expect_read_error("stream_0", grow_content_size, "content_size or packet_size");
	expect_read_error("stream_0", unknown_event_id, "event id the metadata does not declare");
	expect_read_error("stream_0", other_uuid, "uuid differs");
	expect_read_error("metadata", rename_a_field, "other fields than this vitro's");
	expect_read_error("metadata", unknown_event, "'sched_wokeup' is unknown");
	expect_read_error("metadata", foreign_tracer, "does not say vitro wrote it");
	expect_read_error("metadata", cut_in_half, "metadata");
}

static void test_trace_ctf_reader_wants_every_stream(void)
{
	struct vitro_error err = { "" };
	char dir[256], path[300];
	struct synth_trace t, got;

	synth_tmpdir(dir, sizeof(dir));
	synth_build_pingpong(&t);
	snprintf(path, sizeof(path), "%s/stream_1", dir);
	if (!synth_write(&t, dir, TRACE_FORMAT_CTF)) {
		unlink(path);
		EXPECT_EQ(synth_read(dir, &got, &err), -ENOENT);
		EXPECT_CONTAINS(err.msg, "stream_1");
		synth_fini(&got);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

static CU_TestInfo trace_ctf_tests[] = {
	UNIT_TEST(test_trace_ctf_is_read_by_babeltrace2),
	UNIT_TEST(test_trace_ctf_splits_long_streams_into_packets),
	UNIT_TEST(test_trace_ctf_replaces_an_earlier_vitro_trace),
	UNIT_TEST(test_trace_ctf_refuses_a_directory_of_other_files),
	UNIT_TEST(test_trace_ctf_reader_refuses_damaged_traces),
	UNIT_TEST(test_trace_ctf_reader_wants_every_stream),
	CU_TEST_INFO_NULL,
};

static void register_trace_ctf_tests(void)
{
	unit_add_suite("trace_ctf", trace_ctf_tests);
}
UNIT_REGISTER(register_trace_ctf_tests)
