/* Tests for `vitro trace report` (vmm/trace/report.c, report_print.c): the
 * numbers of the synthetic ping-pong trace, worked out by hand in
 * trace_synth.c, and nearest-rank percentiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/trace/report.h"
#include "trace_synth.h"
#include "unit.h"

static bool make_report(const struct synth_trace *t, struct trace_report *r)
{
	struct vitro_error err = { "" };
	struct trace_sink *sink = trace_report_sink(r, &err);
	int rc;

	if (!sink) {
		UNIT_FAIL("%s", err.msg);
		return false;
	}
	rc = synth_replay(t, sink);
	sink->destroy(sink);
	return EXPECT_EQ(rc, 0);
}

static const struct trace_task_report *find_task(const struct trace_report *r, uint32_t pid)
{
	size_t i;

	for (i = 0; i < r->nr_tasks; i++)
		if (r->tasks[i].pid == pid)
			return &r->tasks[i];
	UNIT_FAIL("no task %u in the report", pid);
	return NULL;
}

static void expect_latency(const struct trace_task_report *t, uint64_t count, uint64_t p50,
			   uint64_t p95, uint64_t p99, uint64_t max)
{
	if (!t)
		return;
	EXPECT_EQ(t->latency.count, count);
	EXPECT_EQ(t->latency.p50_ns, p50);
	EXPECT_EQ(t->latency.p95_ns, p95);
	EXPECT_EQ(t->latency.p99_ns, p99);
	EXPECT_EQ(t->latency.max_ns, max);
}

static void test_trace_report_counts_the_pingpong_trace(void)
{
	const struct trace_task_report *ping, *pong, *worker;
	struct trace_report r;
	struct synth_trace t;

	synth_build_pingpong(&t);
	if (make_report(&t, &r)) {
		EXPECT_EQ(r.nr_tasks, 3); /* no idle task */
		/* Sorted by CPU time. */
		EXPECT_EQ(r.tasks[0].pid, SYNTH_PID_PING);
		EXPECT_EQ(r.tasks[2].pid, SYNTH_PID_WORKER);
		ping = find_task(&r, SYNTH_PID_PING);
		pong = find_task(&r, SYNTH_PID_PONG);
		worker = find_task(&r, SYNTH_PID_WORKER);
		if (ping && pong && worker) {
			EXPECT_EQ(ping->run_ns, 6100);
			EXPECT_EQ(ping->switches, 2);
			EXPECT_EQ(ping->voluntary, 1);
			EXPECT_EQ(ping->involuntary, 1);
			EXPECT_EQ(pong->run_ns, 3500);
			EXPECT_EQ(pong->switches, 2);
			EXPECT_EQ(pong->voluntary, 2);
			EXPECT_EQ(worker->run_ns, 2000);
			EXPECT_EQ(worker->voluntary, 1);
			EXPECT_STR(worker->comm, SYNTH_WORKER_COMM);
		}
		expect_latency(ping, 1, 2000, 2000, 2000, 2000);
		expect_latency(pong, 1, 1000, 1000, 1000, 1000);
		expect_latency(worker, 1, 500, 500, 500, 500);
		EXPECT_EQ(r.start_ns, 500);
		EXPECT_EQ(r.end_ns, 13100);
		EXPECT_EQ(r.cpus[0].busy_ns, 8100);
		EXPECT_EQ(r.cpus[1].busy_ns, 3500);
		EXPECT_EQ(r.cpus[0].events + r.cpus[1].events, SYNTH_NR_PINGPONG_EVENTS);
		EXPECT_EQ(r.cpus[1].lost, 3);
		EXPECT_EQ(r.nr_lost, 3);
		EXPECT_EQ(r.corrupt_bytes, 16);
		EXPECT_EQ(r.events_by_type[TRACE_EVENT_sched_switch], 8);
		EXPECT_EQ(r.events_by_type[TRACE_EVENT_ipi_entry], 2);
		EXPECT_EQ(r.events_by_type[TRACE_EVENT_console], 1);
	}
	trace_report_fini(&r);
	synth_fini(&t);
}

/* pid 5 is woken 20 times on CPU 1 and runs on CPU 0 after latencies of
 * 1..20 us, in a shuffled order. Nearest rank of 20 samples: p50 is the
 * 10th smallest, p95 the 19th, p99 the 20th. */
static void test_trace_report_latency_percentiles_are_nearest_rank(void)
{
	static const unsigned int order[20] = { 7,  19, 3, 12, 1,  20, 15, 9, 4,  11,
						18, 2,	6, 14, 10, 17, 5,  8, 16, 13 };
	const struct trace_task_report *task;
	struct trace_report r;
	struct synth_trace t;
	uint64_t now = 1000;
	size_t i;

	synth_init(&t, 2);
	synth_switch(&t, 10, 1, 0, "swapper/1", 0, 6, "waker");
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		synth_wakeup(&t, now, 1, false, 5, "sleeper", 6);
		synth_switch(&t, now + order[i] * 1000ull, 0, 0, "swapper/0", 0, 5, "sleeper");
		synth_switch(&t, now + order[i] * 1000ull + 100, 0, 5, "sleeper", 1, 0,
			     "swapper/0");
		now += 100000;
	}
	if (make_report(&t, &r)) {
		task = find_task(&r, 5);
		expect_latency(task, 20, 10000, 19000, 20000, 20000);
		if (task)
			EXPECT_EQ(task->run_ns, 20 * 100);
	}
	trace_report_fini(&r);
	synth_fini(&t);
}

/* Woken while still on its CPU (before it got to sleep), a task waits for
 * nothing; the next switch that runs it is not a wake-up latency. */
static void test_trace_report_ignores_wakeups_of_running_tasks(void)
{
	const struct trace_task_report *task;
	struct trace_report r;
	struct synth_trace t;

	synth_init(&t, 2);
	synth_switch(&t, 100, 0, 0, "swapper/0", 0, 5, "busy");
	synth_wakeup(&t, 200, 1, false, 5, "busy", 0);
	synth_switch(&t, 300, 0, 5, "busy", 0, 0, "swapper/0");
	synth_switch(&t, 5000, 0, 0, "swapper/0", 0, 5, "busy");
	if (make_report(&t, &r)) {
		task = find_task(&r, 5);
		expect_latency(task, 0, 0, 0, 0, 0);
		if (task)
			EXPECT_EQ(task->involuntary, 1);
	}
	trace_report_fini(&r);
	synth_fini(&t);
}

static void test_trace_report_prints_tables_and_warnings(void)
{
	struct trace_report r;
	struct synth_trace t;
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	synth_build_pingpong(&t);
	if (make_report(&t, &r)) {
		out = open_memstream(&text, &size);
		trace_report_print(&r, out);
		fclose(out);
		EXPECT_CONTAINS(text, "24 events on 2 vCPUs");
		EXPECT_CONTAINS(
			text,
			"\nping                  10        0.006         2         1           1        1       2.000       2.000       2.000       2.000\n");
		EXPECT_CONTAINS(text, "\nw\"k<&>\\xff            12 ");
		EXPECT_CONTAINS(text, "\n0             0.008   64.29%         13          0\n");
		EXPECT_CONTAINS(text, "\n1             0.004   27.78%         11          3\n");
		EXPECT_CONTAINS(text, "\nsched_switch                  8\n");
		EXPECT_CONTAINS(text, "WARNING: 3 events lost");
		EXPECT_CONTAINS(text, "--trace-buffer");
		EXPECT_CONTAINS(text, "WARNING: 16 bytes of malformed trace records");
		free(text);
	}
	trace_report_fini(&r);
	synth_fini(&t);
}

static CU_TestInfo trace_report_tests[] = {
	UNIT_TEST(test_trace_report_counts_the_pingpong_trace),
	UNIT_TEST(test_trace_report_latency_percentiles_are_nearest_rank),
	UNIT_TEST(test_trace_report_ignores_wakeups_of_running_tasks),
	UNIT_TEST(test_trace_report_prints_tables_and_warnings),
	CU_TEST_INFO_NULL,
};

static void register_trace_report_tests(void)
{
	unit_add_suite("trace_report", trace_report_tests);
}
UNIT_REGISTER(register_trace_report_tests)
