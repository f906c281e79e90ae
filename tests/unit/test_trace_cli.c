/* Tests for the `vitro trace` command line (vmm/trace/trace_cli.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../vmm/trace/output.h"
#include "trace_synth.h"
#include "unit.h"

static int cli(struct vitro_error *err, int argc, ...)
{
	char *argv[16];
	va_list ap;
	int i;

	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	err->msg[0] = '\0';
	return trace_cli_main(argc, argv, err);
}

static void test_trace_cli_says_what_is_missing(void)
{
	struct vitro_error err;

	EXPECT_EQ(cli(&err, 1, "trace"), -EINVAL);
	EXPECT_CONTAINS(err.msg, "report, timeline or convert");
	EXPECT_EQ(cli(&err, 2, "trace", "draw"), -EINVAL);
	EXPECT_CONTAINS(err.msg, "unknown command 'draw'");
	EXPECT_EQ(cli(&err, 2, "trace", "report"), -EINVAL);
	EXPECT_CONTAINS(err.msg, "vitro trace report FILE");
	EXPECT_EQ(cli(&err, 3, "trace", "timeline", "t.json"), -EINVAL);
	EXPECT_CONTAINS(err.msg, "-o OUT.svg");
	EXPECT_EQ(cli(&err, 4, "trace", "timeline", "t.json", "-o"), -EINVAL);
	EXPECT_CONTAINS(err.msg, "-o needs a value");
	EXPECT_EQ(cli(&err, 4, "trace", "report", "a.json", "b.json"), -EINVAL);
	EXPECT_CONTAINS(err.msg, "one trace at a time");
	EXPECT_EQ(cli(&err, 4, "trace", "report", "--bogus", "a.json"), -EINVAL);
	EXPECT_CONTAINS(err.msg, "unknown option --bogus");
	EXPECT_EQ(cli(&err, 3, "trace", "report", "/nonexistent-vitro.json"), -ENOENT);
	EXPECT_CONTAINS(err.msg, "/nonexistent-vitro.json: No such file or directory");
}

static void test_trace_cli_converts_and_draws(void)
{
	struct vitro_error err = { "" };
	char dir[256], json[300], ctf[300], back[300], svg[300], svg2[300], *text;
	struct synth_trace t, got;
	struct stat st;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(json, sizeof(json), "%s/t.json", dir);
	snprintf(ctf, sizeof(ctf), "%s/t.ctf", dir);
	snprintf(back, sizeof(back), "%s/back", dir);
	snprintf(svg, sizeof(svg), "%s/t.svg", dir);
	snprintf(svg2, sizeof(svg2), "%s/t2.svg", dir);
	synth_build_pingpong(&t);
	if (!synth_write(&t, json, TRACE_FORMAT_JSON)) {
		EXPECT_EQ(cli(&err, 5, "trace", "convert", json, "-o", ctf), 0);
		EXPECT_EQ(cli(&err, 6, "trace", "convert", ctf, "--output", back,
			      "--trace-format=json"),
			  0);
		if (EXPECT_EQ(synth_read(back, &got, &err), 0))
			synth_expect_same_trace(&got, &t);
		synth_fini(&got);
		EXPECT_EQ(cli(&err, 5, "trace", "timeline", back, "-o", svg), 0);
		text = synth_read_file(svg, NULL);
		EXPECT_TRUE(text && strstr(text, "</svg>"));
		free(text);
		/* Writing over the trace being read would destroy it first. */
		EXPECT_EQ(cli(&err, 5, "trace", "convert", ctf, "-o", ctf), -EINVAL);
		EXPECT_CONTAINS(err.msg, "is the trace being read");
		EXPECT_EQ(stat(ctf, &st), 0);
		/* A trace that cannot be read leaves no picture behind. */
		EXPECT_TRUE(cli(&err, 5, "trace", "timeline", svg, "-o", svg2) < 0);
		EXPECT_CONTAINS(err.msg, "not a trace vitro wrote");
		EXPECT_EQ(stat(svg2, &st), -1);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

static CU_TestInfo trace_cli_tests[] = {
	UNIT_TEST(test_trace_cli_says_what_is_missing),
	UNIT_TEST(test_trace_cli_converts_and_draws),
	CU_TEST_INFO_NULL,
};

static void register_trace_cli_tests(void)
{
	unit_add_suite("trace_cli", trace_cli_tests);
}
UNIT_REGISTER(register_trace_cli_tests)
