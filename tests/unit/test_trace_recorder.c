/* vitro's trace recorder (vmm/trace/recorder.c) without a VM: the guest's
 * producer writes into the recorder's own ring region, the recorder drains,
 * spools and merges, and the file it writes is read back. Checks the merge
 * across vCPUs by time, TSC-to-ns conversion, lost counts, and option errors. */
#include <errno.h>
#include <string.h>

#include "../../guest/kernel/trace/producer.h"
#include "../../vmm/trace/output.h"
#include "../../vmm/trace/recorder.h"
#include "../../vmm/trace/vmm_tracer.h"
#include "trace_synth.h"
#include "unit.h"

#define RING_DATA (64u << 10)

static struct trace_ring recorder_ring(struct trace_recorder *r, unsigned int cpu)
{
	uint64_t gpa, size;
	void *host;
	uint8_t *ring;

	trace_recorder_region(r, &gpa, &size, &host);
	ring = (uint8_t *)host + cpu * trace_recorder_ring_size(r);
	return (struct trace_ring){ .header = (struct trace_ring_header *)ring,
				    .data = ring + TRACE_RING_HEADER_SIZE,
				    .mask = RING_DATA - 1 };
}

static void produce_wakeup(struct trace_ring *ring, uint32_t pid, uint64_t tsc)
{
	struct trace_ev_sched_wakeup ev = { .pid = pid, .prio = 120 };

	trace_ring_produce(ring, TRACE_EVENT_sched_wakeup, tsc, &ev, sizeof(ev), NULL, 0);
}

static void test_recorder_merges_cpus_in_time_order(void)
{
	struct trace_options opt = { .categories = TRACE_ALL_CATEGORIES,
				     .buffer_bytes = RING_DATA };
	const struct trace_field_desc *pid = trace_field_by_name(TRACE_EVENT_sched_wakeup, "pid");
	struct vitro_error err = { "" };
	struct trace_recorder *r;
	struct trace_ring rings[2];
	struct synth_trace got;
	char dir[256], path[300];
	unsigned int k, out_of_order = 0, wrong_time = 0, written = 0;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	opt.path = path;
	if (!EXPECT_EQ(trace_recorder_create(&r, &opt, 2, &err), 0)) {
		UNIT_FAIL("%s", err.msg);
		trace_recorder_destroy(r);
		return;
	}
	trace_recorder_set_clock(r, 1000000, 5000, 0); /* 1 GHz: one tick per ns */
	rings[0] = recorder_ring(r, 0);
	rings[1] = recorder_ring(r, 1);
	/* CPU 1 runs 5 ns behind CPU 0; the drain runs now and then, as vitro's thread. */
	for (k = 0; k < 3000; k++) {
		produce_wakeup(&rings[0], 2 * k, 5000 + 10 * k);
		produce_wakeup(&rings[1], 2 * k + 1, 5005 + 10 * k);
		if (k % 1000 == 999)
			trace_recorder_drain(r);
	}
	/* Then CPU 1 alone, with nobody draining: its ring overflows. */
	for (k = 0; k < 2000; k++)
		written += trace_ring_produce(&rings[1], TRACE_EVENT_sched_wakeup, 100000 + k,
					      &(struct trace_ev_sched_wakeup){ .pid = 9 },
					      sizeof(struct trace_ev_sched_wakeup), NULL, 0);
	EXPECT_EQ(trace_recorder_finish(r, &err), 0);
	trace_recorder_destroy(r);

	if (!EXPECT_EQ(synth_read(path, &got, &err), 0)) {
		UNIT_FAIL("%s", err.msg);
		synth_rmtree(dir);
		return;
	}
	EXPECT_EQ(got.nr_events, 6000 + written);
	EXPECT_EQ(got.info.lost[0], 0);
	EXPECT_EQ(got.info.lost[1], 2000 - written);
	EXPECT_TRUE(written > 0 && written < 2000);
	for (k = 0; k < got.nr_events; k++) {
		const struct trace_event *ev = &got.events[k].ev;

		if (k && ev->ts_ns < got.events[k - 1].ev.ts_ns)
			out_of_order++;
		if (k < 6000 && (ev->cpu != k % 2 || trace_field_uint(ev, pid) != k ||
				 ev->ts_ns != 10 * (k / 2) + 5 * (k % 2)))
			wrong_time++;
	}
	EXPECT_EQ(out_of_order, 0);
	EXPECT_EQ(wrong_time, 0);
	synth_fini(&got);
	synth_rmtree(dir);
}

/* vitro's own events (vmm_tracer.h) form the stream after the vCPUs', stamped on
 * the host clock from the start time given, merged with the guest's in time. */
static void check_vmm_stream(const char *name)
{
	struct trace_options opt = { .categories = 1ull << TRACE_CAT_BLOCK,
				     .buffer_bytes = RING_DATA };
	const struct trace_field_desc *sector =
		trace_field_by_name(TRACE_EVENT_vmm_blk_queue, "sector");
	struct trace_ev_vmm_blk_queue queued = { .sector = 77, .bytes = 4096, .queue = 1 };
	struct vitro_error err = { "" };
	struct trace_recorder *r;
	struct vmm_tracer *tracer;
	struct trace_ring ring;
	struct synth_trace got;
	char dir[256], path[300];
	uint64_t now;

	synth_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	opt.path = path;
	if (!EXPECT_EQ(trace_recorder_create(&r, &opt, 2, &err), 0)) {
		UNIT_FAIL("%s", err.msg);
		trace_recorder_destroy(r);
		return;
	}
	/* vitro started a second ago; the guest's event is at 0.5 s. */
	now = vmm_tracer_now_ns();
	trace_recorder_set_clock(r, 1000000, 0, now - 1000000000ull);
	ring = recorder_ring(r, 1);
	produce_wakeup(&ring, 5, 500000000ull);
	tracer = trace_recorder_vmm_tracer(r);
	EXPECT_TRUE(vmm_tracer_wants(tracer, TRACE_CAT_BLOCK));
	EXPECT_TRUE(!vmm_tracer_wants(tracer, TRACE_CAT_SCHED));
	tracer->emit(tracer, TRACE_EVENT_vmm_blk_queue, &queued, sizeof(queued));
	EXPECT_EQ(trace_recorder_finish(r, &err), 0);
	trace_recorder_destroy(r);
	if (!EXPECT_EQ(synth_read(path, &got, &err), 0)) {
		UNIT_FAIL("%s: %s", name, err.msg);
		synth_rmtree(dir);
		return;
	}
	EXPECT_TRUE(got.info.has_vmm_stream);
	EXPECT_EQ(got.info.nr_cpus, 2);
	if (EXPECT_EQ(got.nr_events, 2)) {
		const struct trace_event *guest = &got.events[0].ev, *vmm = &got.events[1].ev;

		EXPECT_EQ(guest->cpu, 1);
		EXPECT_EQ(guest->ts_ns, 500000000ull);
		EXPECT_EQ(vmm->cpu, 2);
		EXPECT_EQ(vmm->type, TRACE_EVENT_vmm_blk_queue);
		EXPECT_EQ(trace_field_uint(vmm, sector), 77);
		EXPECT_TRUE(vmm->ts_ns >= 1000000000ull && vmm->ts_ns < 60000000000ull);
		EXPECT_EQ(got.info.events[2], 1);
	}
	synth_fini(&got);
	synth_rmtree(dir);
}

static void test_recorder_adds_vitros_own_stream(void)
{
	check_vmm_stream("v.json");
	check_vmm_stream("v.ctf");
}

static void test_recorder_rejects_bad_options(void)
{
	struct trace_options opt = { .path = "x.json",
				     .categories = TRACE_ALL_CATEGORIES,
				     .buffer_bytes = 3u << 20 };
	struct vitro_error err = { "" };
	struct trace_recorder *r;

	EXPECT_EQ(trace_recorder_create(&r, &opt, 2, &err), -EINVAL);
	EXPECT_CONTAINS(err.msg, "power of two");
	trace_recorder_destroy(r);
	opt.buffer_bytes = 256u << 20;
	EXPECT_EQ(trace_recorder_create(&r, &opt, 8, &err), -EINVAL);
	EXPECT_CONTAINS(err.msg, "smaller --trace-buffer");
	trace_recorder_destroy(r);
	opt.buffer_bytes = 1u << 20;
	opt.path = "/nonexistent-dir/x.json";
	EXPECT_EQ(trace_recorder_create(&r, &opt, 1, &err) < 0, true);
	EXPECT_CONTAINS(err.msg, "/nonexistent-dir/x.json");
	trace_recorder_destroy(r);
}

static CU_TestInfo trace_recorder_tests[] = {
	UNIT_TEST(test_recorder_adds_vitros_own_stream),
	UNIT_TEST(test_recorder_merges_cpus_in_time_order),
	UNIT_TEST(test_recorder_rejects_bad_options),
	CU_TEST_INFO_NULL,
};

static void register_trace_recorder_tests(void)
{
	unit_add_suite("trace_recorder", trace_recorder_tests);
}
UNIT_REGISTER(register_trace_recorder_tests)
