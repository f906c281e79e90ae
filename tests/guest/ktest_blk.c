/* The block stack end to end on the first virtio-blk disk (vda): patterns
 * written and read back through blk-mq and the virtqueues, threads on every
 * CPU doing I/O at once, merging, FLUSH and FUA. tests/boot/run-blk-tests
 * gives the disk and checks the image afterwards: every sector written here
 * holds words (sector << 16 | word) ^ (BLKTEST_SALT + tag), with the tags
 * below, so the host can recompute them. Command line: blktest.queues=N
 * (hardware queues expected). */
#include <vitro/blkdev.h>
#include <vitro/boot_info.h>
#include <vitro/cmdline.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/ktest.h>
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "../../guest/drivers/block/virtio_blk.h"
#include "../../guest/kernel/arch/x86/smpboot.h"
#include "../../guest/kernel/kernel/rootfs.h"

#define BLKTEST_SALT 0x5649545200000000ull /* "VITR" */
#define PATTERN_SECTOR 2048 /* 1 MiB: 128 KiB, tag 0 */
#define PATTERN_BYTES (128 * 1024)
#define FLUSH_SECTOR 4096 /* 2 MiB: 4 KiB, tag 0xf1 */
#define FLUSH_TAG 0xf1
#define THREAD_SECTOR 6144 /* 3 MiB: 32 KiB per thread, tag 0x100 * thread + generation */
#define THREAD_BYTES (32 * 1024)
#define NR_THREADS 4
#define NR_GENERATIONS 3
#define BLOCK_BYTES 4096

static void fill(uint64_t *buf, uint64_t sector, uint32_t bytes, uint64_t tag)
{
	uint32_t i;

	for (i = 0; i < bytes / 8; i++)
		buf[i] = ((sector + i / 64) << 16 | (i % 64)) ^ (BLKTEST_SALT + tag);
}

static unsigned int count_wrong(const uint64_t *buf, uint64_t sector, uint32_t bytes, uint64_t tag)
{
	unsigned int i, wrong = 0;

	for (i = 0; i < bytes / 8; i++)
		wrong += buf[i] != (((sector + i / 64) << 16 | (i % 64)) ^ (BLKTEST_SALT + tag));
	return wrong;
}

/* vda; without blktest.queues= (test=all without a disk) there is nothing to
 * test and the test says so; with it, a missing disk is a failure. */
static struct gendisk *test_disk(struct ktest_ctx *ctx)
{
	struct gendisk *disk = blk_find_disk("vda");
	char value[8];

	if (!disk && !cmdline_get(boot_info.cmdline, "blktest.queues", value, sizeof(value))) {
		pr_emerg(
			"ktest: note %s: no virtio-blk disk, nothing tested (run-blk-tests gives one)\n",
			ctx->name);
		return NULL;
	}
	KTEST_EXPECT(disk != NULL);
	return disk;
}

KTEST(blk_disk_is_registered_with_its_queues)
{
	struct gendisk *disk = test_disk(ctx);
	struct virtio_blk_stats stats;
	struct kstat st;
	char value[8];

	if (!disk)
		return;
	KTEST_EXPECT_EQ(virtio_blk_get_stats(disk, &stats), 0);
	if (cmdline_get(boot_info.cmdline, "blktest.queues", value, sizeof(value)))
		KTEST_EXPECT_EQ(stats.nr_queues, (unsigned int)(value[0] - '0'));
	KTEST_EXPECT_EQ(disk->queue->nr_hw_queues, stats.nr_queues);
	KTEST_EXPECT(disk->capacity_sectors >= 16384); /* the suite's 8 MiB image */
	KTEST_EXPECT_EQ(vfs_stat(&init_fs, "/dev/vda", &st), 0);
	KTEST_EXPECT(S_ISBLK(st.mode));
	KTEST_EXPECT_EQ(st.rdev, MKDEV(BLOCK_VIRTIO_MAJOR, 0));
}

/* 128 KiB out and back: more than one request at the 128 KiB request limit
 * only if the segment limits say so; every word checked. */
KTEST(blk_pattern_written_reads_back)
{
	struct gendisk *disk = test_disk(ctx);
	uint64_t *buf = kmalloc(PATTERN_BYTES, GFP_KERNEL);

	KTEST_EXPECT(buf != NULL);
	if (!disk || !buf)
		goto out;
	fill(buf, PATTERN_SECTOR, PATTERN_BYTES, 0);
	KTEST_EXPECT_EQ(blkdev_rw(disk, REQ_OP_WRITE, 0, PATTERN_SECTOR, buf, PATTERN_BYTES), 0);
	memset(buf, 0, PATTERN_BYTES);
	KTEST_EXPECT_EQ(blkdev_rw(disk, REQ_OP_READ, 0, PATTERN_SECTOR, buf, PATTERN_BYTES), 0);
	KTEST_EXPECT_EQ(count_wrong(buf, PATTERN_SECTOR, PATTERN_BYTES, 0), 0);
	/* Past the end: refused, nothing sent. */
	KTEST_EXPECT_EQ(blkdev_rw(disk, REQ_OP_READ, 0, disk->capacity_sectors - 1, buf, 4096),
			-EIO);
out:
	kfree(buf);
}

struct blk_thread {
	struct gendisk *disk;
	unsigned int index;
	unsigned int wrong;
	int errors;
	uint64_t *buf;
};

struct blk_batch {
	unsigned int nr_pending;
	int status;
	struct completion done;
};

static void batch_end_io(struct bio *bio)
{
	struct blk_batch *b = bio->private;

	if (bio->status)
		b->status = bio->status;
	if (__atomic_sub_fetch(&b->nr_pending, 1, __ATOMIC_ACQ_REL) == 0)
		complete(&b->done);
}

/* The region in 4 KiB bios, all in flight at once; plugged or not. */
static int region_io(struct gendisk *disk, enum req_op op, uint64_t sector, uint64_t *buf,
		     bool use_plug)
{
	struct bio bios[THREAD_BYTES / BLOCK_BYTES];
	struct bio_vec vecs[THREAD_BYTES / BLOCK_BYTES];
	struct blk_batch batch = { .nr_pending = THREAD_BYTES / BLOCK_BYTES };
	struct blk_plug plug;
	unsigned int i;

	completion_init(&batch.done);
	if (use_plug)
		blk_start_plug(&plug);
	for (i = 0; i < THREAD_BYTES / BLOCK_BYTES; i++) {
		vecs[i] = (struct bio_vec){ (uint8_t *)buf + i * BLOCK_BYTES, BLOCK_BYTES };
		bios[i] = (struct bio){ .disk = disk,
					.op = op,
					.sector = sector + i * (BLOCK_BYTES / SECTOR_SIZE),
					.size = BLOCK_BYTES,
					.vecs = &vecs[i],
					.nr_vecs = 1,
					.end_io = batch_end_io,
					.private = &batch };
		submit_bio(&bios[i]);
	}
	if (use_plug)
		blk_finish_plug(&plug);
	wait_for_completion(&batch.done);
	return batch.status;
}

/* Eight 4 KiB writes in a plug go out as one request. */
KTEST(blk_plugged_adjacent_writes_merge)
{
	struct gendisk *disk = test_disk(ctx);
	struct virtio_blk_stats before, after;
	uint64_t *buf = kmalloc(THREAD_BYTES, GFP_KERNEL);

	KTEST_EXPECT(buf != NULL);
	if (!disk || !buf)
		goto out;
	fill(buf, PATTERN_SECTOR, THREAD_BYTES, 0); /* what the pattern test writes there too */
	virtio_blk_get_stats(disk, &before);
	KTEST_EXPECT_EQ(region_io(disk, REQ_OP_WRITE, PATTERN_SECTOR, buf, true), 0);
	virtio_blk_get_stats(disk, &after);
	KTEST_EXPECT_EQ(after.nr_requests - before.nr_requests, 1);
out:
	kfree(buf);
}

static int blk_thread_fn(void *arg)
{
	struct blk_thread *t = arg;
	uint64_t sector = THREAD_SECTOR + t->index * (THREAD_BYTES / SECTOR_SIZE);
	unsigned int gen;

	for (gen = 1; gen <= NR_GENERATIONS; gen++) {
		uint64_t tag = 0x100 * t->index + gen;

		fill(t->buf, sector, THREAD_BYTES, tag);
		t->errors += region_io(t->disk, REQ_OP_WRITE, sector, t->buf, t->index & 1) != 0;
		memset(t->buf, 0, THREAD_BYTES);
		t->errors += region_io(t->disk, REQ_OP_READ, sector, t->buf, !(t->index & 1)) != 0;
		t->wrong += count_wrong(t->buf, sector, THREAD_BYTES, tag);
	}
	return 0;
}

/* Threads on every CPU write, read back and check their own regions at the
 * same time, half of them plugged; requests from each CPU go to its queue
 * and complete back on it. */
KTEST(blk_concurrent_threads_read_back_their_writes)
{
	struct gendisk *disk = test_disk(ctx);
	struct blk_thread threads[NR_THREADS];
	struct task *tasks[NR_THREADS];
	unsigned int i, cpus = smp_cpus_online();

	if (!disk)
		return;
	for (i = 0; i < NR_THREADS; i++) {
		struct cpumask mask;

		threads[i] = (struct blk_thread){ .disk = disk, .index = i };
		threads[i].buf = kmalloc(THREAD_BYTES, GFP_KERNEL);
		tasks[i] = threads[i].buf ? kthread_create(blk_thread_fn, &threads[i], "blktest") :
					    NULL;
		KTEST_EXPECT(tasks[i] != NULL);
		if (!tasks[i])
			continue;
		cpumask_clear(&mask);
		cpumask_set_cpu(i % cpus, &mask);
		sched_setaffinity(tasks[i], &mask);
		wake_up_new_task(tasks[i]);
	}
	for (i = 0; i < NR_THREADS; i++) {
		if (tasks[i])
			kthread_join(tasks[i]);
		KTEST_EXPECT_EQ(threads[i].errors, 0);
		KTEST_EXPECT_EQ(threads[i].wrong, 0);
		kfree(threads[i].buf);
	}
}

/* A PREFLUSH|FUA write and an explicit FLUSH reach a device with a write
 * cache as VIRTIO_BLK_T_FLUSH requests it completes (flush, write, flush,
 * then flush); the host then finds the data in the image. */
KTEST(blk_flush_and_fua_reach_the_device)
{
	struct gendisk *disk = test_disk(ctx);
	struct virtio_blk_stats before, after;
	uint64_t *buf = kmalloc(BLOCK_BYTES, GFP_KERNEL);
	char value[16];

	KTEST_EXPECT(buf != NULL);
	if (!disk || !buf)
		goto out;
	virtio_blk_get_stats(disk, &before);
	fill(buf, FLUSH_SECTOR, BLOCK_BYTES, FLUSH_TAG);
	KTEST_EXPECT_EQ(blkdev_rw(disk, REQ_OP_WRITE, REQ_PREFLUSH | REQ_FUA, FLUSH_SECTOR, buf,
				  BLOCK_BYTES),
			0);
	KTEST_EXPECT_EQ(blkdev_issue_flush(disk), 0);
	virtio_blk_get_stats(disk, &after);
	/* blktest.hold_ms=N: say the block is flushed, then wait, so the host
	 * can look at its file while the machine still runs. */
	if (cmdline_get(boot_info.cmdline, "blktest.hold_ms", value, sizeof(value))) {
		unsigned int ms = 0;

		for (const char *c = value; *c >= '0' && *c <= '9'; c++)
			ms = ms * 10 + (unsigned int)(*c - '0');
		pr_emerg("blk: flushed sector %u, holding %u ms\n", FLUSH_SECTOR, ms);
		msleep(ms);
	}
	if (disk->queue->limits.has_write_cache)
		KTEST_EXPECT_EQ(after.nr_flushes - before.nr_flushes, 3);
	else
		KTEST_EXPECT_EQ(after.nr_flushes, before.nr_flushes);
	KTEST_EXPECT_EQ(after.nr_errors, 0);
out:
	kfree(buf);
}
