/* The guest's block layer (guest/kernel/block/) with a driver simulated here:
 * merging in plugs, software queues and mq-deadline, tags bounding what waits,
 * queue depth and busy drivers, completion on the submitting CPU, the FLUSH
 * and FUA sequences, mq-deadline's order, and the block trace events. CPUs
 * are simulated with host_current_cpu. */
#include <string.h>
#include <vitro/blkdev.h>
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/trace.h>

#include "../../guest/kernel/block/internal.h"
#include "host_kernel.h"
#include "kernel_heap.h"
#include "unit.h"

#define LOG_MAX 256
#define NR_BIOS 128

struct issued {
	enum req_op op;
	uint64_t sector;
	uint32_t bytes;
	unsigned int hw_queue, nr_bios;
};

static struct {
	struct issued log[LOG_MAX]; /* what the driver was handed, in order */
	unsigned int nr_log;
	struct request *in_flight[LOG_MAX];
	unsigned int nr_in_flight;
	unsigned int nr_commits, nr_tags_freed, nr_ipis, ipi_cpu[LOG_MAX];
	bool is_busy;
	int fail_with;
} drv;

static struct bio_record {
	unsigned int nr_ends, end_cpu, end_order;
	blk_status_t status;
} rec[NR_BIOS];
static unsigned int nr_ended;

static struct bio bios[NR_BIOS];
static struct bio_vec vecs[NR_BIOS][4];
static uint8_t *data;
static struct gendisk disk;
static struct blk_mq_tag_set set;
static struct request_queue *q;

void blk_mq_raise_done_ipi(unsigned int cpu)
{
	drv.ipi_cpu[drv.nr_ipis++ % LOG_MAX] = cpu;
}

void blk_mq_tags_freed(struct blk_mq_hw_ctx *hctx)
{
	(void)hctx;
	drv.nr_tags_freed++;
}

static int fake_queue_rq(struct blk_mq_hw_ctx *hctx, struct request *rq)
{
	struct bio *bio;
	unsigned int n = 0;

	if (drv.is_busy)
		return BLK_STS_RESOURCE;
	if (drv.fail_with)
		return drv.fail_with;
	for (bio = rq->bio; rq->op != REQ_OP_FLUSH && bio; bio = bio->next)
		n++;
	if (drv.nr_log < LOG_MAX)
		drv.log[drv.nr_log++] =
			(struct issued){ rq->op, rq->sector, rq->nr_bytes, hctx->index, n };
	drv.in_flight[drv.nr_in_flight++] = rq;
	return BLK_STS_OK;
}

static void fake_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	(void)hctx;
	drv.nr_commits++;
}

static const struct blk_mq_ops fake_ops = { .queue_rq = fake_queue_rq,
					    .commit_rqs = fake_commit_rqs };

static void end_io(struct bio *bio)
{
	struct bio_record *r = bio->private;

	r->nr_ends++;
	r->end_cpu = host_current_cpu;
	r->end_order = nr_ended++;
	r->status = bio->status;
}

static unsigned int setup_nr_requests = 64; /* 0: the queue's default */

static void setup(unsigned int nr_hw, unsigned int depth, unsigned int nr_cpus,
		  const char *elevator)
{
	kernel_heap_start(1024);
	memset(&drv, 0, sizeof(drv));
	memset(rec, 0, sizeof(rec));
	nr_ended = 0;
	host_now_ns = 1000;
	host_current_cpu = 0;
	data = kmalloc(64 * 1024, GFP_KERNEL);
	set = (struct blk_mq_tag_set){ .ops = &fake_ops,
				       .nr_hw_queues = nr_hw,
				       .queue_depth = depth,
				       .nr_requests = setup_nr_requests,
				       .cmd_size = 32,
				       .nr_cpus = nr_cpus,
				       .elevator = elevator };
	q = blk_mq_alloc_queue(&set);
	CU_ASSERT_FATAL(q != NULL);
	disk = (struct gendisk){ .name = "vdt", .capacity_sectors = 1 << 20, .queue = q };
	q->disk = &disk;
}

static void teardown(void)
{
	blk_mq_free_queue(q);
	kfree(data);
	q = NULL;
}

/* Bio i: op on sectors [sector, sector + bytes / 512) in one vector. */
static struct bio *bio_make(unsigned int i, enum req_op op, uint64_t sector, uint32_t bytes)
{
	struct bio *bio = &bios[i];

	vecs[i][0] = (struct bio_vec){ data, bytes };
	*bio = (struct bio){ .disk = &disk,
			     .op = op,
			     .sector = sector,
			     .size = bytes,
			     .vecs = bytes && (op == REQ_OP_READ || op == REQ_OP_WRITE) ? vecs[i] :
											  NULL,
			     .nr_vecs = bytes && (op == REQ_OP_READ || op == REQ_OP_WRITE) ? 1 : 0,
			     .end_io = end_io,
			     .private = &rec[i] };
	return bio;
}

static int submit(unsigned int i, enum req_op op, uint64_t sector, uint32_t bytes)
{
	return blk_mq_submit_bio(bio_make(i, op, sector, bytes), NULL);
}

/* The driver finishes its oldest request, on the current CPU. */
static void complete_oldest(blk_status_t status)
{
	struct request *rq;

	CU_ASSERT_FATAL(drv.nr_in_flight > 0);
	rq = drv.in_flight[0];
	memmove(drv.in_flight, drv.in_flight + 1, --drv.nr_in_flight * sizeof(drv.in_flight[0]));
	blk_mq_complete_request(rq, status);
}

static void test_blk_mq_read_reaches_driver_and_completes(void)
{
	setup(1, 4, 1, "none");
	EXPECT_EQ(submit(0, REQ_OP_READ, 8, 4096), 0);
	CU_ASSERT_FATAL(drv.nr_log == 1);
	EXPECT_EQ(drv.log[0].op, REQ_OP_READ);
	EXPECT_EQ(drv.log[0].sector, 8);
	EXPECT_EQ(drv.log[0].bytes, 4096);
	EXPECT_EQ(drv.nr_commits, 1);
	EXPECT_EQ(rec[0].nr_ends, 0);
	complete_oldest(0);
	EXPECT_EQ(rec[0].nr_ends, 1);
	EXPECT_EQ(rec[0].status, 0);
	EXPECT_EQ(q->hctxs[0].nr_free_tags, q->hctxs[0].nr_requests);
	teardown();
}

/* Submissions are checked once at the door: past the end, misaligned, over
 * the limits, writes to a read-only disk, operations the device lacks. */
static void test_blk_mq_rejects_bad_bios(void)
{
	setup(1, 4, 1, "none");
	q->limits.max_sectors = 16;
	submit(0, REQ_OP_READ, (1 << 20) - 4, 4096);
	EXPECT_EQ(rec[0].status, -EIO);
	submit(1, REQ_OP_READ, 0, 1000);
	EXPECT_EQ(rec[1].status, -EINVAL);
	submit(2, REQ_OP_READ, 0, 16384); /* 32 sectors > 16 */
	EXPECT_EQ(rec[2].status, -EINVAL);
	submit(3, REQ_OP_DISCARD, 0, 4096);
	EXPECT_EQ(rec[3].status, -EOPNOTSUPP);
	q->limits.is_read_only = true;
	submit(4, REQ_OP_WRITE, 0, 4096);
	EXPECT_EQ(rec[4].status, -EROFS);
	q->limits.logical_block_size = 4096;
	q->limits.is_read_only = false;
	submit(5, REQ_OP_WRITE, 1, 4096);
	EXPECT_EQ(rec[5].status, -EINVAL);
	EXPECT_EQ(drv.nr_log, 0);
	EXPECT_EQ(nr_ended, 6);
	teardown();
}

/* Four 4 KiB writes in a plug, submitted backwards: one 16 KiB request. */
static void test_blk_mq_plug_merges_adjacent_bios_into_one_request(void)
{
	struct blk_plug plug;
	unsigned int i;

	setup(1, 8, 1, "none");
	blk_plug_init(&plug);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(blk_mq_submit_bio(bio_make(i, REQ_OP_WRITE, 24 - 8 * i, 4096), &plug), 0);
	submit(4, REQ_OP_WRITE, 1000, 4096); /* not plugged: goes at once */
	EXPECT_EQ(drv.nr_log, 1);
	/* The four became one request in the plug; the next bio joins its back. */
	EXPECT_EQ(blk_mq_submit_bio(bio_make(5, REQ_OP_WRITE, 32, 4096), &plug), 0);
	EXPECT_EQ(plug.nr_rqs, 1);
	blk_plug_flush(&plug);
	CU_ASSERT_FATAL(drv.nr_log == 2);
	EXPECT_EQ(drv.log[1].sector, 0);
	EXPECT_EQ(drv.log[1].bytes, 5 * 4096);
	EXPECT_EQ(drv.log[1].nr_bios, 5);
	complete_oldest(0);
	complete_oldest(0);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(rec[i].nr_ends, 1);
	EXPECT_EQ(q->hctxs[0].nr_free_tags, q->hctxs[0].nr_requests);
	teardown();
}

/* Separate requests in the plug that touch after sorting become one. */
static void test_blk_mq_plug_flush_joins_requests_that_meet(void)
{
	struct blk_plug plug;

	setup(1, 8, 1, "none");
	blk_plug_init(&plug);
	blk_mq_submit_bio(bio_make(0, REQ_OP_READ, 16, 4096), &plug);
	blk_mq_submit_bio(bio_make(1, REQ_OP_READ, 0, 4096), &plug);
	blk_mq_submit_bio(bio_make(2, REQ_OP_READ, 100, 4096), &plug);
	blk_mq_submit_bio(bio_make(3, REQ_OP_READ, 8, 4096), &plug); /* fills the gap */
	blk_mq_submit_bio(bio_make(4, REQ_OP_WRITE, 24, 4096), &plug); /* another op */
	blk_plug_flush(&plug);
	CU_ASSERT_FATAL(drv.nr_log == 3);
	EXPECT_EQ(drv.log[0].sector, 0);
	EXPECT_EQ(drv.log[0].bytes, 3 * 4096);
	EXPECT_EQ(drv.log[1].op, REQ_OP_WRITE);
	EXPECT_EQ(drv.log[2].sector, 100);
	teardown();
}

/* While the device is full, bios merge into what waits in the software
 * queue, front and back, within max_sectors. */
static void test_blk_mq_software_queue_merges_within_limits(void)
{
	setup(1, 1, 1, "none");
	q->limits.max_sectors = 24;
	submit(0, REQ_OP_READ, 1000, 512); /* occupies the one slot */
	submit(1, REQ_OP_READ, 8, 4096);
	submit(2, REQ_OP_READ, 16, 4096); /* back */
	submit(3, REQ_OP_READ, 0, 4096); /* front */
	submit(4, REQ_OP_READ, 24, 4096); /* would make 32 sectors: its own request */
	EXPECT_EQ(q->hctxs[0].nr_merged, 2);
	complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 2);
	EXPECT_EQ(drv.log[1].sector, 0);
	EXPECT_EQ(drv.log[1].bytes, 3 * 4096);
	complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 3);
	EXPECT_EQ(drv.log[2].sector, 24);
	complete_oldest(0);
	EXPECT_EQ(nr_ended, 5);
	EXPECT_EQ(rec[3].end_order, rec[1].end_order - 1); /* front-merged bio first */
	teardown();
}

/* Tags bound the requests of a hardware queue; a freed one is announced. */
static void test_blk_mq_tags_bound_waiting_requests(void)
{
	setup_nr_requests = 0; /* none: as many as the depth */
	setup(1, 2, 1, "none");
	setup_nr_requests = 64;
	EXPECT_EQ(submit(0, REQ_OP_WRITE, 0, 512), 0);
	EXPECT_EQ(submit(1, REQ_OP_WRITE, 100, 512), 0);
	EXPECT_EQ(submit(2, REQ_OP_WRITE, 200, 512), -EAGAIN);
	EXPECT_EQ(rec[2].nr_ends, 0);
	complete_oldest(0);
	EXPECT_EQ(drv.nr_tags_freed, 1);
	EXPECT_EQ(submit(2, REQ_OP_WRITE, 200, 512), 0);
	EXPECT_EQ(drv.nr_log, 3);
	teardown();
}

/* A busy driver keeps the request; a completion runs the queue again. */
static void test_blk_mq_busy_driver_is_retried_after_a_completion(void)
{
	setup(1, 4, 1, "none");
	submit(0, REQ_OP_READ, 0, 512);
	drv.is_busy = true;
	submit(1, REQ_OP_READ, 100, 512);
	submit(2, REQ_OP_READ, 200, 512);
	EXPECT_EQ(drv.nr_log, 1);
	EXPECT_EQ(q->hctxs[0].nr_busy, 2);
	drv.is_busy = false;
	complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 3);
	EXPECT_EQ(drv.log[1].sector, 100);
	EXPECT_EQ(drv.log[2].sector, 200);
	/* A driver error completes the request with it. */
	drv.fail_with = -EIO;
	submit(3, REQ_OP_READ, 300, 512);
	EXPECT_EQ(rec[3].status, -EIO);
	teardown();
}

/* At most queue_depth requests are at the driver; the rest wait. */
static void test_blk_mq_queue_depth_bounds_requests_at_driver(void)
{
	unsigned int i;

	setup_nr_requests = 0;
	setup(1, 3, 1, "none");
	for (i = 0; i < 3; i++)
		submit(i, REQ_OP_READ, 100 * i, 512);
	EXPECT_EQ(submit(3, REQ_OP_READ, 1000, 512), -EAGAIN); /* none: tags = depth */
	teardown();

	setup(1, 3, 1, "mq-deadline"); /* a scheduler holds twice the depth */
	setup_nr_requests = 64;
	for (i = 0; i < 6; i++)
		EXPECT_EQ(submit(i, REQ_OP_READ, 100 * i, 512), 0);
	EXPECT_EQ(drv.nr_log, 3);
	EXPECT_EQ(q->hctxs[0].nr_in_flight, 3);
	complete_oldest(0);
	EXPECT_EQ(drv.nr_log, 4);
	teardown();
}

/* CPUs map onto hardware queues round-robin; a completion that lands on
 * another CPU is sent back to the submitter's, which ends the bios. */
static void test_blk_mq_completion_runs_on_submitting_cpu(void)
{
	setup(2, 4, 4, "none");
	EXPECT_TRUE(blk_mq_map_queue(q, 0) == &q->hctxs[0]);
	EXPECT_TRUE(blk_mq_map_queue(q, 3) == &q->hctxs[1]);
	host_current_cpu = 3;
	submit(0, REQ_OP_WRITE, 0, 4096);
	submit(1, REQ_OP_WRITE, 64, 4096);
	CU_ASSERT_FATAL(drv.nr_log == 2);
	EXPECT_EQ(drv.log[0].hw_queue, 1);
	host_current_cpu = 0; /* the interrupt arrives here */
	complete_oldest(0);
	complete_oldest(0);
	EXPECT_EQ(drv.nr_ipis, 1); /* one interrupt for the batch */
	EXPECT_EQ(drv.ipi_cpu[0], 3);
	EXPECT_EQ(rec[0].nr_ends, 0);
	host_current_cpu = 3;
	blk_mq_run_done_list();
	EXPECT_EQ(rec[0].nr_ends, 1);
	EXPECT_EQ(rec[1].nr_ends, 1);
	EXPECT_EQ(rec[0].end_cpu, 3);
	EXPECT_TRUE(rec[0].end_order < rec[1].end_order);
	/* Completing on the submitter's CPU needs no interrupt. */
	submit(2, REQ_OP_WRITE, 128, 4096);
	complete_oldest(0);
	EXPECT_EQ(rec[2].nr_ends, 1);
	EXPECT_EQ(drv.nr_ipis, 1);
	teardown();
}

/* A durable write on a device with a write cache but no FUA: flush, write,
 * flush, each after the last completed, and the bio ends once. */
static void test_blk_flush_fua_write_runs_flush_write_flush(void)
{
	struct bio *bio;

	setup(1, 4, 1, "mq-deadline");
	q->limits.has_write_cache = true;
	bio = bio_make(0, REQ_OP_WRITE, 64, 4096);
	bio->flags = REQ_PREFLUSH | REQ_FUA;
	blk_mq_submit_bio(bio, NULL);
	CU_ASSERT_FATAL(drv.nr_log == 1);
	EXPECT_EQ(drv.log[0].op, REQ_OP_FLUSH);
	EXPECT_EQ(drv.log[0].bytes, 0);
	complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 2);
	EXPECT_EQ(drv.log[1].op, REQ_OP_WRITE);
	EXPECT_EQ(drv.log[1].sector, 64);
	EXPECT_EQ(drv.log[1].bytes, 4096);
	EXPECT_EQ(rec[0].nr_ends, 0);
	complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 3);
	EXPECT_EQ(drv.log[2].op, REQ_OP_FLUSH);
	complete_oldest(0);
	EXPECT_EQ(rec[0].nr_ends, 1);
	EXPECT_EQ(rec[0].status, 0);
	EXPECT_EQ(q->hctxs[0].nr_free_tags, q->hctxs[0].nr_requests);

	/* An empty FLUSH is one flush; plain FUA is write then flush. */
	submit(1, REQ_OP_FLUSH, 0, 0);
	CU_ASSERT_FATAL(drv.nr_log == 4);
	EXPECT_EQ(drv.log[3].op, REQ_OP_FLUSH);
	complete_oldest(0);
	EXPECT_EQ(rec[1].nr_ends, 1);
	bio = bio_make(2, REQ_OP_WRITE, 0, 512);
	bio->flags = REQ_FUA;
	blk_mq_submit_bio(bio, NULL);
	complete_oldest(0);
	complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 6);
	EXPECT_EQ(drv.log[4].op, REQ_OP_WRITE);
	EXPECT_EQ(drv.log[5].op, REQ_OP_FLUSH);
	EXPECT_EQ(rec[2].nr_ends, 1);
	teardown();
}

/* Without a write cache writes are durable as they complete: FUA and
 * PREFLUSH add nothing and FLUSH completes without the device; with native
 * FUA the write goes alone, flagged. A failed flush fails the write. */
static void test_blk_flush_follows_the_device_cache(void)
{
	struct bio *bio;

	setup(1, 4, 1, "none");
	bio = bio_make(0, REQ_OP_WRITE, 0, 512);
	bio->flags = REQ_PREFLUSH | REQ_FUA;
	blk_mq_submit_bio(bio, NULL);
	submit(1, REQ_OP_FLUSH, 0, 0);
	EXPECT_EQ(rec[1].nr_ends, 1);
	CU_ASSERT_FATAL(drv.nr_log == 1);
	EXPECT_EQ(drv.log[0].op, REQ_OP_WRITE);
	complete_oldest(0);

	q->limits.has_write_cache = q->limits.has_fua = true;
	bio = bio_make(2, REQ_OP_WRITE, 0, 512);
	bio->flags = REQ_FUA;
	blk_mq_submit_bio(bio, NULL);
	CU_ASSERT_FATAL(drv.nr_log == 2);
	EXPECT_EQ(drv.log[1].op, REQ_OP_WRITE);
	complete_oldest(0);
	EXPECT_EQ(rec[2].nr_ends, 1);

	q->limits.has_fua = false;
	bio = bio_make(3, REQ_OP_WRITE, 0, 512);
	bio->flags = REQ_PREFLUSH;
	blk_mq_submit_bio(bio, NULL);
	complete_oldest(-EIO);
	EXPECT_EQ(rec[3].nr_ends, 1);
	EXPECT_EQ(rec[3].status, -EIO);
	EXPECT_EQ(drv.nr_log, 3); /* the write never went */
	teardown();
}

static unsigned int log_sector_order(unsigned int from, const uint64_t *expected, unsigned int n)
{
	unsigned int i, wrong = 0;

	for (i = 0; i < n; i++)
		wrong += from + i >= drv.nr_log || drv.log[from + i].sector != expected[i];
	return wrong;
}

/* After a request, mq-deadline continues with the next one up in sector
 * order, not in arrival order. */
static void test_mq_deadline_dispatches_in_sector_order(void)
{
	static const uint64_t expected[] = { 500, 900, 100, 600, 700 };

	setup(1, 1, 1, "mq-deadline");
	submit(0, REQ_OP_WRITE, 500, 512);
	submit(1, REQ_OP_WRITE, 900, 512);
	submit(2, REQ_OP_WRITE, 100, 512);
	submit(3, REQ_OP_WRITE, 700, 512);
	submit(4, REQ_OP_WRITE, 600, 512);
	while (drv.nr_in_flight)
		complete_oldest(0);
	EXPECT_EQ(log_sector_order(0, expected, 5), 0);
	teardown();
}

/* Reads go first, but writes get a batch after writes_starved read batches. */
static void test_mq_deadline_prefers_reads_without_starving_writes(void)
{
	unsigned int i, write_at = 0;

	setup(1, 1, 1, "mq-deadline");
	submit(0, REQ_OP_READ, 100000, 512); /* busy the device */
	submit(1, REQ_OP_WRITE, 50000, 512);
	for (i = 2; i < 42; i++)
		submit(i, REQ_OP_READ, 16 * i, 512); /* gaps: no merging */
	while (drv.nr_in_flight)
		complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 42);
	for (i = 0; i < drv.nr_log; i++)
		if (drv.log[i].op == REQ_OP_WRITE)
			write_at = i;
	/* The first read, then two batches of 16 reads, then the write. */
	EXPECT_EQ(write_at, 1 + 2 * DEADLINE_FIFO_BATCH);
	teardown();
}

/* A request whose deadline passed is served before the sector order's next. */
static void test_mq_deadline_serves_expired_request_first(void)
{
	static const uint64_t expected[] = { 0, 500, 600, 50, 700 };
	struct deadline_data *dd;

	setup(1, 1, 1, "mq-deadline");
	dd = q->hctxs[0].sched_data;
	dd->fifo_batch = 1; /* choose afresh after every request */
	submit(0, REQ_OP_READ, 0, 512);
	submit(1, REQ_OP_READ, 500, 512);
	submit(2, REQ_OP_READ, 50, 512);
	host_now_ns += 400 * 1000000ull;
	submit(3, REQ_OP_READ, 600, 512);
	submit(4, REQ_OP_READ, 700, 512);
	complete_oldest(0); /* the oldest waiting goes: 500, then 600 follows it */
	host_now_ns += 50 * 1000000ull;
	complete_oldest(0);
	host_now_ns += 100 * 1000000ull; /* 550 ms: 50's deadline passed */
	complete_oldest(0);
	complete_oldest(0);
	complete_oldest(0);
	EXPECT_EQ(log_sector_order(0, expected, 5), 0);
	teardown();
}

/* Bios merge into scheduled requests, and a bio that fills a gap joins the
 * requests on both sides. */
static void test_mq_deadline_merges_bios_and_neighbours(void)
{
	setup(1, 1, 1, "mq-deadline");
	submit(0, REQ_OP_WRITE, 10000, 512); /* busy */
	submit(1, REQ_OP_WRITE, 8, 4096);
	submit(2, REQ_OP_WRITE, 0, 4096); /* front */
	submit(3, REQ_OP_WRITE, 24, 4096);
	submit(4, REQ_OP_WRITE, 16, 4096); /* back, and then it meets 24 */
	submit(5, REQ_OP_WRITE, 32, 4096); /* back */
	EXPECT_EQ(((struct deadline_data *)q->hctxs[0].sched_data)->nr_queued, 1);
	complete_oldest(0);
	CU_ASSERT_FATAL(drv.nr_log == 2);
	EXPECT_EQ(drv.log[1].sector, 0);
	EXPECT_EQ(drv.log[1].bytes, 5 * 4096);
	EXPECT_EQ(drv.log[1].nr_bios, 5);
	complete_oldest(0);
	EXPECT_EQ(nr_ended, 6);
	EXPECT_EQ(q->hctxs[0].nr_free_tags, q->hctxs[0].nr_requests);
	teardown();
}

/* Insert, issue and complete events carry sector, size and timing. */
static void test_blk_trace_events_report_sector_size_latency(void)
{
	const struct trace_ev_block_rq_complete *ev = (const void *)host_trace_last;

	setup(1, 4, 1, "none");
	trace_event_on[TRACE_EVENT_block_rq_insert] = 1;
	trace_event_on[TRACE_EVENT_block_rq_issue] = 1;
	trace_event_on[TRACE_EVENT_block_rq_complete] = 1;
	host_trace_count[TRACE_EVENT_block_rq_insert] = 0;
	host_trace_count[TRACE_EVENT_block_rq_issue] = 0;
	q->dev = 254u << 20;
	submit(0, REQ_OP_WRITE, 4096, 8192);
	host_now_ns += 2500;
	complete_oldest(0);
	EXPECT_EQ(host_trace_count[TRACE_EVENT_block_rq_insert], 1);
	EXPECT_EQ(host_trace_count[TRACE_EVENT_block_rq_issue], 1);
	EXPECT_EQ(host_trace_last_type, TRACE_EVENT_block_rq_complete);
	EXPECT_EQ(ev->sector, 4096);
	EXPECT_EQ(ev->nr_sector, 16);
	EXPECT_EQ(ev->latency_ns, 2500);
	EXPECT_EQ(ev->op, REQ_OP_WRITE);
	EXPECT_EQ(ev->dev, 254u << 20);
	EXPECT_EQ(ev->error, 0);
	memset(trace_event_on, 0, TRACE_NR_EVENTS);
	teardown();
}

static void test_blk_mq_rejects_unknown_elevator(void)
{
	kernel_heap_start(256);
	set = (struct blk_mq_tag_set){
		.ops = &fake_ops, .nr_hw_queues = 1, .queue_depth = 4, .elevator = "bfq"
	};
	EXPECT_TRUE(blk_mq_alloc_queue(&set) == NULL);
	set.elevator = NULL; /* Linux's default: mq-deadline for one queue */
	q = blk_mq_alloc_queue(&set);
	CU_ASSERT_FATAL(q != NULL);
	EXPECT_TRUE(q->elevator == &elevator_mq_deadline);
	blk_mq_free_queue(q);
	set.nr_hw_queues = 2;
	q = blk_mq_alloc_queue(&set);
	CU_ASSERT_FATAL(q != NULL);
	EXPECT_TRUE(q->elevator == NULL);
	blk_mq_free_queue(q);
}

static CU_TestInfo blk_mq_tests[] = {
	UNIT_TEST(test_blk_mq_read_reaches_driver_and_completes),
	UNIT_TEST(test_blk_mq_rejects_bad_bios),
	UNIT_TEST(test_blk_mq_plug_merges_adjacent_bios_into_one_request),
	UNIT_TEST(test_blk_mq_plug_flush_joins_requests_that_meet),
	UNIT_TEST(test_blk_mq_software_queue_merges_within_limits),
	UNIT_TEST(test_blk_mq_tags_bound_waiting_requests),
	UNIT_TEST(test_blk_mq_busy_driver_is_retried_after_a_completion),
	UNIT_TEST(test_blk_mq_queue_depth_bounds_requests_at_driver),
	UNIT_TEST(test_blk_mq_completion_runs_on_submitting_cpu),
	UNIT_TEST(test_blk_flush_fua_write_runs_flush_write_flush),
	UNIT_TEST(test_blk_flush_follows_the_device_cache),
	UNIT_TEST(test_mq_deadline_dispatches_in_sector_order),
	UNIT_TEST(test_mq_deadline_prefers_reads_without_starving_writes),
	UNIT_TEST(test_mq_deadline_serves_expired_request_first),
	UNIT_TEST(test_mq_deadline_merges_bios_and_neighbours),
	UNIT_TEST(test_blk_trace_events_report_sector_size_latency),
	UNIT_TEST(test_blk_mq_rejects_unknown_elevator),
	CU_TEST_INFO_NULL,
};

static void register_blk_mq_tests(void)
{
	unit_add_suite("guest_blk_mq", blk_mq_tests);
}
UNIT_REGISTER(register_blk_mq_tests)
