/* The trace ring end to end on the host: the guest's producer
 * (guest/kernel/trace/producer.c) writing, vitro's reader
 * (vmm/trace/ring_reader.c) draining, wrap-around, a full ring counting lost
 * records, long text cut to fit, and a guest that scribbles over its ring. */
#include <stdlib.h>
#include <string.h>

#include "../../guest/kernel/trace/producer.h"
#include "../../vmm/trace/ring_reader.h"
#include "../../vmm/trace/trace.h"
#include "unit.h"

#define DATA_SIZE (64u << 10)

struct ring_fixture {
	uint8_t *mem;
	struct ring_reader reader;
	struct trace_ring ring;
};

struct seen {
	unsigned int count;
	uint16_t type[4096];
	uint64_t tsc[4096];
	uint32_t pid[4096];
	char text[4096];
	uint16_t text_len;
};

static void ring_fixture_init(struct ring_fixture *f)
{
	f->mem = calloc(1, TRACE_RING_HEADER_SIZE + DATA_SIZE);
	ring_reader_init(&f->reader, f->mem, 3, DATA_SIZE);
	f->ring = (struct trace_ring){ .header = (struct trace_ring_header *)f->mem,
				       .data = f->mem + TRACE_RING_HEADER_SIZE,
				       .mask = DATA_SIZE - 1 };
}

static void record_seen(void *opaque, uint16_t type, uint64_t tsc, const uint8_t *payload,
			uint16_t len)
{
	struct seen *s = opaque;
	struct trace_ev_sched_wakeup ev;

	if (s->count >= ARRAY_SIZE(s->type))
		return;
	s->type[s->count] = type;
	s->tsc[s->count] = tsc;
	if (type == TRACE_EVENT_sched_wakeup) {
		memcpy(&ev, payload, sizeof(ev));
		s->pid[s->count] = ev.pid;
	}
	if (type == TRACE_EVENT_console) {
		s->text_len = len - sizeof(struct trace_ev_console);
		memcpy(s->text, payload + sizeof(struct trace_ev_console), s->text_len);
	}
	s->count++;
}

static bool produce_wakeup(struct ring_fixture *f, uint32_t pid, uint64_t tsc)
{
	struct trace_ev_sched_wakeup ev = { .pid = pid, .prio = 120, .target_cpu = 1 };

	memcpy(ev.comm.s, "worker", 6);
	return trace_ring_produce(&f->ring, TRACE_EVENT_sched_wakeup, tsc, &ev, sizeof(ev), NULL,
				  0);
}

static void test_header_written_for_guest(void)
{
	struct ring_fixture f;

	ring_fixture_init(&f);
	EXPECT_TRUE(trace_ring_header_valid(f.ring.header, 3, TRACE_RING_HEADER_SIZE + DATA_SIZE));
	EXPECT_FALSE(trace_ring_header_valid(f.ring.header, 2, TRACE_RING_HEADER_SIZE + DATA_SIZE));
	f.ring.header->data_size = DATA_SIZE - 8;
	EXPECT_FALSE(
		trace_ring_header_valid(f.ring.header, 3, TRACE_RING_HEADER_SIZE + DATA_SIZE - 8));
	free(f.mem);
}

/* Many more records than fit, drained as they go: every one arrives, in
 * order, across many wrap-arounds, and none is lost. */
static void test_round_trip_with_wrap(void)
{
	static struct seen seen;
	struct ring_fixture f;
	unsigned int i, expected = 0;

	ring_fixture_init(&f);
	memset(&seen, 0, sizeof(seen));
	for (i = 0; i < 4000; i++) {
		EXPECT_TRUE(produce_wakeup(&f, i, 1000 + i));
		if (i % 500 == 499)
			ring_reader_drain(&f.reader, record_seen, &seen);
	}
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 4000);
	for (i = 0; i < seen.count; i++)
		if (seen.pid[i] != i || seen.tsc[i] != 1000 + i ||
		    seen.type[i] != TRACE_EVENT_sched_wakeup)
			expected++;
	EXPECT_EQ(expected, 0);
	EXPECT_EQ(ring_reader_lost(&f.reader), 0);
	EXPECT_EQ(f.reader.corrupt_bytes, 0);
	EXPECT_EQ(f.ring.header->tail, f.ring.header->head);
	free(f.mem);
}

/* The in-place path: records that straddle the end of the data area are
 * built in scratch and copied in at commit, the rest are written in place. */
static void test_reserve_commit_across_wraps(void)
{
	static struct seen seen;
	struct ring_fixture f;
	unsigned int i, bad = 0;

	ring_fixture_init(&f);
	memset(&seen, 0, sizeof(seen));
	for (i = 0; i < 4000; i++) {
		struct trace_ev_sched_wakeup *ev =
			trace_ring_reserve(&f.ring, TRACE_EVENT_sched_wakeup, 50 + i, sizeof(*ev));

		if (!EXPECT_TRUE(ev != NULL))
			break;
		*ev = (struct trace_ev_sched_wakeup){ .pid = i, .prio = 120 };
		trace_ring_commit(&f.ring);
		if (i % 700 == 699)
			ring_reader_drain(&f.reader, record_seen, &seen);
	}
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 4000);
	for (i = 0; i < seen.count; i++)
		bad += seen.pid[i] != i || seen.tsc[i] != 50 + i;
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(f.reader.corrupt_bytes, 0);
	free(f.mem);
}

/* A ring nobody drains fills up; further records are counted, not written,
 * and the ones written before are intact. */
static void test_full_ring_counts_lost(void)
{
	static struct seen seen;
	struct ring_fixture f;
	unsigned int i, written = 0, record = 16 + sizeof(struct trace_ev_sched_wakeup);

	ring_fixture_init(&f);
	memset(&seen, 0, sizeof(seen));
	for (i = 0; i < 3000; i++)
		written += produce_wakeup(&f, i, i);
	EXPECT_EQ(written, DATA_SIZE / record);
	EXPECT_EQ(ring_reader_lost(&f.reader), 3000 - written);
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, written);
	EXPECT_EQ(seen.pid[written - 1], written - 1);
	/* Drained: there is room again. */
	EXPECT_TRUE(produce_wakeup(&f, 7, 7));
	free(f.mem);
}

static void test_text_is_cut_to_record_max(void)
{
	static struct seen seen;
	struct trace_ev_console ev = { .level = 6 };
	struct ring_fixture f;
	char text[3000];

	ring_fixture_init(&f);
	memset(&seen, 0, sizeof(seen));
	memset(text, 'x', sizeof(text));
	EXPECT_TRUE(trace_ring_produce(&f.ring, TRACE_EVENT_console, 5, &ev, sizeof(ev), "hi", 2));
	EXPECT_TRUE(trace_ring_produce(&f.ring, TRACE_EVENT_console, 6, &ev, sizeof(ev), text,
				       sizeof(text)));
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 2);
	EXPECT_EQ(seen.text_len, TRACE_RECORD_MAX - 16 - sizeof(ev));
	EXPECT_EQ(seen.text[0], 'x');
	free(f.mem);
}

/* A record whose header makes no sense drops the rest of the batch, counted
 * as corrupt; records published after that decode again. */
static void test_corrupt_record_is_skipped(void)
{
	static struct seen seen;
	struct ring_fixture f;
	struct trace_record *rec;

	ring_fixture_init(&f);
	memset(&seen, 0, sizeof(seen));
	produce_wakeup(&f, 1, 1);
	produce_wakeup(&f, 2, 2);
	rec = (struct trace_record *)(f.ring.data + 16 + sizeof(struct trace_ev_sched_wakeup));
	rec->type = TRACE_NR_EVENTS; /* unknown type */
	produce_wakeup(&f, 3, 3);
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 1);
	EXPECT_EQ(f.reader.corrupt_bytes, 2 * (16 + sizeof(struct trace_ev_sched_wakeup)));
	produce_wakeup(&f, 4, 4);
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 2);
	EXPECT_EQ(seen.pid[1], 4);
	free(f.mem);
}

/* Sizes that lie: a fixed-size event longer than itself, a size beyond what
 * was published, a head far ahead of the tail. None is handed on. */
static void test_lying_sizes_rejected(void)
{
	static struct seen seen;
	struct ring_fixture f;
	struct trace_record *rec;

	ring_fixture_init(&f);
	memset(&seen, 0, sizeof(seen));
	produce_wakeup(&f, 1, 1);
	rec = (struct trace_record *)f.ring.data;
	rec->size += 64;
	f.ring.header->head += 64;
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 0);

	f.ring.header->head += 10 * DATA_SIZE;
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 0);
	EXPECT_TRUE(f.reader.corrupt_bytes >= DATA_SIZE);
	/* The reader's own tail is what counts, not one the guest rewrote. */
	f.ring.header->head = f.reader.tail;
	EXPECT_TRUE(produce_wakeup(&f, 9, 9));
	f.ring.header->tail = 12345;
	ring_reader_drain(&f.reader, record_seen, &seen);
	EXPECT_EQ(seen.count, 1);
	free(f.mem);
}

static CU_TestInfo trace_ring_tests[] = {
	UNIT_TEST(test_header_written_for_guest),    UNIT_TEST(test_round_trip_with_wrap),
	UNIT_TEST(test_reserve_commit_across_wraps), UNIT_TEST(test_full_ring_counts_lost),
	UNIT_TEST(test_text_is_cut_to_record_max),   UNIT_TEST(test_corrupt_record_is_skipped),
	UNIT_TEST(test_lying_sizes_rejected),	     CU_TEST_INFO_NULL,
};

static void register_trace_ring_tests(void)
{
	unit_add_suite("trace_ring", trace_ring_tests);
}
UNIT_REGISTER(register_trace_ring_tests)
