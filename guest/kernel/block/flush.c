/* Durability requests: a write with REQ_PREFLUSH and REQ_FUA on a device
 * with a volatile write cache becomes a sequence on one request and one tag:
 * a cache flush, the write, and (where the device cannot honour FUA itself,
 * as virtio-blk cannot) another flush. Each step is dispatched only after the
 * previous one completed. A device without a write cache needs none of it:
 * its writes are durable when they complete, and FLUSH completes at once. */
#include "internal.h"

unsigned int blk_flush_steps(const struct blk_limits *limits, const struct bio *bio)
{
	unsigned int steps = 0;

	if (!limits->has_write_cache)
		return 0;
	if (bio->op == REQ_OP_FLUSH)
		return BLK_FLUSH_PRE;
	if (bio->flags & REQ_PREFLUSH)
		steps |= BLK_FLUSH_PRE;
	if ((bio->flags & REQ_FUA) && !limits->has_fua)
		steps |= BLK_FLUSH_POST;
	return steps ? steps | BLK_FLUSH_DATA : 0;
}

static unsigned int lowest_step(unsigned int steps)
{
	return steps & -steps;
}

void blk_flush_begin_step(struct request *rq)
{
	if (lowest_step(rq->flush_steps) == BLK_FLUSH_DATA) {
		rq->op = rq->data_op;
		rq->nr_bytes = rq->bio ? rq->bio->size : 0;
	} else {
		rq->op = REQ_OP_FLUSH;
		rq->nr_bytes = 0;
	}
}

bool blk_flush_end_step(struct request *rq)
{
	if (!rq->flush_steps)
		return false;
	if (rq->status) {
		rq->flush_steps = 0; /* a failed step fails the request: no more steps */
	} else {
		rq->flush_steps &= ~lowest_step(rq->flush_steps);
		if (rq->flush_steps)
			return true;
	}
	rq->op = rq->data_op;
	rq->nr_bytes = rq->bio ? rq->bio->size : 0;
	return false;
}
