/* Tests for `vitro trace timeline` (vmm/trace/timeline.c): the SVG is XML a
 * browser takes, a lane per vCPU, and stays small however long the trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/trace/output.h"
#include "trace_synth.h"
#include "unit.h"

static char *write_svg(const struct synth_trace *t, const char *path)
{
	struct vitro_error err = { "" };
	struct trace_sink *sink = trace_timeline_open(path, &err);
	int rc;

	if (!sink) {
		UNIT_FAIL("%s", err.msg);
		return NULL;
	}
	rc = synth_replay(t, sink);
	sink->destroy(sink);
	return EXPECT_EQ(rc, 0) ? synth_read_file(path, NULL) : NULL;
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (; (haystack = strstr(haystack, needle)); haystack++)
		n++;
	return n;
}

/* xmllint, or Python's XML parser, as the judge of well-formedness where
 * either is installed (neither is a dependency of vitro). */
static void expect_well_formed_xml(const char *path)
{
	char cmd[512];

	if (!system("command -v xmllint >/dev/null 2>&1"))
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
	else if (!system("command -v python3 >/dev/null 2>&1"))
		snprintf(
			cmd, sizeof(cmd),
			"python3 -c 'import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])' '%s'",
			path);
	else
		return;
	if (system(cmd))
		UNIT_FAIL("%s is not well-formed XML", path);
}

static void test_trace_timeline_draws_a_lane_per_vcpu(void)
{
	char dir[256], path[300], *svg;
	struct synth_trace t;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.svg", dir);
	synth_build_pingpong(&t);
	svg = write_svg(&t, path);
	if (svg) {
		expect_well_formed_xml(path);
		EXPECT_EQ(count(svg, "<g class=\"lane\""), 2);
		EXPECT_CONTAINS(svg, "id=\"cpu0\"");
		EXPECT_CONTAINS(svg, ">CPU 1</text>");
		/* Four runs on CPU 0 (ping three times, the worker once), one on CPU 1. */
		EXPECT_EQ(count(svg, "<rect class=\"p10\" x="), 3 + 1); /* + the legend's */
		EXPECT_EQ(count(svg, "<rect class=\"p11\" x="), 1 + 1);
		EXPECT_CONTAINS(svg, "<title>ping (pid 10): from 0.001000 ms for 4.000 us</title>");
		/* The comm is escaped, and its byte that is not UTF-8 replaced. */
		EXPECT_CONTAINS(svg, "w&quot;k&lt;&amp;&gt;\xef\xbf\xbd (pid 12)");
		EXPECT_CONTAINS(svg, "ms</text>");
		EXPECT_CONTAINS(svg, "3 events lost");
		free(svg);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

/* 100,000 runs of 100 ns over 10 ms: far narrower than a pixel each. */
static void test_trace_timeline_merges_runs_narrower_than_a_pixel(void)
{
	char dir[256], path[300], *svg;
	struct synth_trace t;
	size_t size, i;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.svg", dir);
	synth_init(&t, 1);
	for (i = 0; i < 100000; i++)
		synth_switch(&t, 100 * i, 0, 100 + (uint32_t)(i % 2), "a", 0,
			     100 + (uint32_t)((i + 1) % 2), "b");
	/* One long run at the end stays a rectangle of its own. */
	synth_switch(&t, 100 * i, 0, 101, "b", 0, 7, "long");
	synth_switch(&t, 100 * i + 5000000, 0, 7, "long", 1, 0, "swapper/0");
	svg = write_svg(&t, path);
	if (svg) {
		size = strlen(svg);
		EXPECT_TRUE(size < 1000000);
		EXPECT_TRUE(count(svg, "<rect ") < 2000);
		EXPECT_CONTAINS(svg, " runs from 0.000000 ms over ");
		EXPECT_CONTAINS(svg, "<title>long (pid 7): from 10.000000 ms for 5.000 ms</title>");
		expect_well_formed_xml(path);
		free(svg);
	}
	synth_fini(&t);
	synth_rmtree(dir);
}

/* The "#rrggbb" of pid's class in an SVG, or "" if it has none. */
static void colour_of(const char *svg, uint32_t pid, char out[8])
{
	char rule[32];
	const char *p;

	snprintf(rule, sizeof(rule), ".p%u{fill:", pid);
	p = svg ? strstr(svg, rule) : NULL;
	snprintf(out, 8, "%.7s", p ? p + strlen(rule) : "");
}

static void test_trace_timeline_colours_a_pid_the_same_in_every_trace(void)
{
	char dir[256], path[300], *one, *two, a[8], b[8], c[8];
	struct synth_trace t;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.svg", dir);
	synth_build_pingpong(&t);
	one = write_svg(&t, path);
	synth_fini(&t);
	synth_init(&t, 1);
	synth_switch(&t, 10, 0, 0, "swapper/0", 0, 10, "other name");
	synth_switch(&t, 20, 0, 10, "other name", 1, 0, "swapper/0");
	two = write_svg(&t, path);
	colour_of(one, 10, a);
	colour_of(two, 10, b);
	colour_of(one, 11, c);
	EXPECT_EQ(strlen(a), 7);
	EXPECT_STR(a, b);
	/* ... and neighbouring pids differently. */
	EXPECT_TRUE(strcmp(a, c) != 0);
	free(one);
	free(two);
	synth_fini(&t);
	synth_rmtree(dir);
}

/* Times as far apart as a u64 allows still give a finite axis. */
static void test_trace_timeline_draws_an_axis_for_any_span(void)
{
	static const uint64_t ends[] = { 0, 1, 999, UINT64_MAX / 2, UINT64_MAX - 1, UINT64_MAX };
	char dir[256], path[300], *svg;
	struct synth_trace t;
	size_t i;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.svg", dir);
	for (i = 0; i < ARRAY_SIZE(ends); i++) {
		synth_init(&t, 1);
		synth_switch(&t, ends[i] / 3, 0, 0, "swapper/0", 0, 5, "five");
		synth_switch(&t, ends[i], 0, 5, "five", 1, 0, "swapper/0");
		svg = write_svg(&t, path);
		if (svg && count(svg, "text-anchor=\"middle\"") > 12)
			UNIT_FAIL("span %llu: %zu ticks", (unsigned long long)ends[i],
				  count(svg, "text-anchor=\"middle\""));
		EXPECT_TRUE(svg && strstr(svg, "</svg>"));
		free(svg);
		synth_fini(&t);
	}
	synth_rmtree(dir);
}

static CU_TestInfo trace_timeline_tests[] = {
	UNIT_TEST(test_trace_timeline_draws_a_lane_per_vcpu),
	UNIT_TEST(test_trace_timeline_merges_runs_narrower_than_a_pixel),
	UNIT_TEST(test_trace_timeline_colours_a_pid_the_same_in_every_trace),
	UNIT_TEST(test_trace_timeline_draws_an_axis_for_any_span),
	CU_TEST_INFO_NULL,
};

static void register_trace_timeline_tests(void)
{
	unit_add_suite("trace_timeline", trace_timeline_tests);
}
UNIT_REGISTER(register_trace_timeline_tests)
