/* What the block layer's files share and nothing outside block/ may use
 * (host tests of the scheduler excepted). */
#ifndef GUEST_KERNEL_BLOCK_INTERNAL_H
#define GUEST_KERNEL_BLOCK_INTERNAL_H

#include <vitro/blkdev.h>

enum blk_merge {
	BLK_MERGE_NONE,
	BLK_MERGE_BACK, /* the bio goes after the request */
	BLK_MERGE_FRONT, /* the bio goes before it */
};

/* blk_mq.c: merging (the caller holds whatever guards rq). */
enum blk_merge blk_rq_merge_direction(const struct request *rq, const struct bio *bio);
void blk_rq_merge_bio(struct request *rq, struct bio *bio, enum blk_merge where);
/* next starts where rq ends: rq takes next's bios. False if limits forbid. */
bool blk_rq_merge_next(struct request *rq, struct request *next);
/* Gives a request that never reached the driver back to its hardware queue
 * (hctx->lock held); the caller calls blk_mq_tags_freed() after unlocking. */
void blk_mq_put_request_locked(struct blk_mq_hw_ctx *hctx, struct request *rq);

static inline uint64_t blk_rq_end_sector(const struct request *rq)
{
	return rq->sector + (rq->nr_bytes >> SECTOR_SHIFT);
}

static inline bool blk_op_is_write(enum req_op op)
{
	return op != REQ_OP_READ;
}

/* flush.c: which steps a bio needs on this queue (0: none, it goes the usual
 * way), what the driver is asked at each step, and moving on after one. */
unsigned int blk_flush_steps(const struct blk_limits *limits, const struct bio *bio);
void blk_flush_begin_step(struct request *rq);
/* After a step completed: true if rq goes back for its next one. */
bool blk_flush_end_step(struct request *rq);

/* mq_deadline.c's state per hardware queue. */
struct deadline_data {
	struct rb_root sort[2]; /* by sector: reads, writes */
	struct list_head fifo[2]; /* by arrival, each with its deadline */
	struct request *next_rq[2]; /* the one after the last dispatched, by sector */
	unsigned int batching; /* dispatched in this batch */
	unsigned int starved; /* read batches chosen while writes waited */
	unsigned int nr_queued;
	/* tunables */
	uint64_t fifo_expire_ns[2];
	unsigned int fifo_batch;
	unsigned int writes_starved;
};

#endif
