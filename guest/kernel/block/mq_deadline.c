/* The mq-deadline I/O scheduler, per hardware queue: reads and writes each
 * wait in a tree by sector and in a FIFO by arrival with a deadline (500 ms
 * for reads, 5 s for writes). Dispatch runs in batches of up to fifo_batch
 * requests in ascending sector order; a new batch prefers reads, unless
 * writes have been passed over writes_starved times, and starts at the
 * oldest request when its deadline has passed (or nothing follows in sector
 * order), else where the last batch left off. Adjacent requests merge.
 * Every call comes with hctx->lock held. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/time.h>

#include "internal.h"

enum { DD_READ, DD_WRITE };

static unsigned int rq_dir(const struct request *rq)
{
	return blk_op_is_write(rq->op) ? DD_WRITE : DD_READ;
}

static struct request *rq_of(struct rb_node *node)
{
	return node ? rb_entry(node, struct request, rb_node) : NULL;
}

static void dd_sort_add(struct deadline_data *dd, struct request *rq)
{
	struct rb_root *root = &dd->sort[rq_dir(rq)];
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = rq->sector < rq_of(parent)->sector ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&rq->rb_node, parent, link);
	rb_insert_color(&rq->rb_node, root);
}

static void dd_remove(struct deadline_data *dd, struct request *rq)
{
	unsigned int dir = rq_dir(rq);

	if (dd->next_rq[dir] == rq)
		dd->next_rq[dir] = rq_of(rb_next(&rq->rb_node));
	rb_erase(&rq->rb_node, &dd->sort[dir]);
	RB_CLEAR_NODE(&rq->rb_node);
	list_del(&rq->queuelist);
	dd->nr_queued--;
}

/* rq absorbed next (its successor in sector order): next goes back. */
static void dd_merge_next(struct blk_mq_hw_ctx *hctx, struct request *rq, struct request *next)
{
	struct deadline_data *dd = hctx->sched_data;

	if (!next || !blk_rq_merge_next(rq, next))
		return;
	dd_remove(dd, next);
	blk_mq_put_request_locked(hctx, next);
	hctx->nr_merged++;
	blk_mq_tags_freed(hctx);
}

static void dd_insert(struct blk_mq_hw_ctx *hctx, struct request *rq)
{
	struct deadline_data *dd = hctx->sched_data;
	unsigned int dir = rq_dir(rq);
	struct request *prev;

	rq->fifo_deadline_ns = ktime_get_ns() + dd->fifo_expire_ns[dir];
	dd_sort_add(dd, rq);
	list_add_tail(&rq->queuelist, &dd->fifo[dir]);
	dd->nr_queued++;
	/* A request that fills the gap between two joins them. */
	dd_merge_next(hctx, rq, rq_of(rb_next(&rq->rb_node)));
	prev = rq_of(rb_prev(&rq->rb_node));
	if (prev)
		dd_merge_next(hctx, prev, rq);
}

/* The request with the largest start sector <= sector, and one starting at
 * exactly end (or NULL). */
static void dd_find(struct deadline_data *dd, unsigned int dir, uint64_t sector, uint64_t end,
		    struct request **floor, struct request **at_end)
{
	struct rb_node *node = dd->sort[dir].rb_node;

	*floor = *at_end = NULL;
	while (node) {
		struct request *rq = rq_of(node);

		if (rq->sector <= sector) {
			*floor = rq;
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}
	for (node = dd->sort[dir].rb_node; node && !*at_end;) {
		struct request *rq = rq_of(node);

		if (rq->sector == end)
			*at_end = rq;
		node = end < rq->sector ? node->rb_left : node->rb_right;
	}
}

static bool dd_bio_merge(struct blk_mq_hw_ctx *hctx, struct bio *bio)
{
	struct deadline_data *dd = hctx->sched_data;
	unsigned int dir = blk_op_is_write(bio->op) ? DD_WRITE : DD_READ;
	struct request *floor, *at_end;

	dd_find(dd, dir, bio->sector, bio->sector + (bio->size >> SECTOR_SHIFT), &floor, &at_end);
	if (floor && blk_rq_merge_direction(floor, bio) == BLK_MERGE_BACK) {
		blk_rq_merge_bio(floor, bio, BLK_MERGE_BACK);
		dd_merge_next(hctx, floor, rq_of(rb_next(&floor->rb_node)));
		return true;
	}
	if (at_end && blk_rq_merge_direction(at_end, bio) == BLK_MERGE_FRONT) {
		struct request *prev;

		/* Its start moves down: take it out of the tree and put it back. */
		if (dd->next_rq[dir] == at_end)
			dd->next_rq[dir] = NULL;
		rb_erase(&at_end->rb_node, &dd->sort[dir]);
		blk_rq_merge_bio(at_end, bio, BLK_MERGE_FRONT);
		dd_sort_add(dd, at_end);
		prev = rq_of(rb_prev(&at_end->rb_node));
		if (prev)
			dd_merge_next(hctx, prev, at_end);
		return true;
	}
	return false;
}

static bool fifo_expired(const struct deadline_data *dd, unsigned int dir)
{
	const struct request *rq;

	if (list_empty(&dd->fifo[dir]))
		return false;
	rq = list_first_entry(&dd->fifo[dir], struct request, queuelist);
	return ktime_get_ns() >= rq->fifo_deadline_ns;
}

static struct request *dd_dispatch(struct blk_mq_hw_ctx *hctx)
{
	struct deadline_data *dd = hctx->sched_data;
	bool has_reads, has_writes;
	struct request *rq;
	unsigned int dir;

	if (!dd->nr_queued)
		return NULL;
	rq = dd->next_rq[DD_READ] ? dd->next_rq[DD_READ] : dd->next_rq[DD_WRITE];
	if (rq && dd->batching < dd->fifo_batch)
		goto dispatch; /* the batch goes on in sector order */

	has_reads = !list_empty(&dd->fifo[DD_READ]);
	has_writes = !list_empty(&dd->fifo[DD_WRITE]);
	if (has_reads && !(has_writes && dd->starved >= dd->writes_starved)) {
		if (has_writes)
			dd->starved++;
		dir = DD_READ;
	} else {
		dd->starved = 0;
		dir = DD_WRITE;
	}
	if (fifo_expired(dd, dir) || !dd->next_rq[dir])
		rq = list_first_entry(&dd->fifo[dir], struct request, queuelist);
	else
		rq = dd->next_rq[dir];
	dd->batching = 0;

dispatch:
	dir = rq_dir(rq);
	dd->next_rq[DD_READ] = dd->next_rq[DD_WRITE] = NULL;
	dd->next_rq[dir] = rq_of(rb_next(&rq->rb_node));
	dd_remove(dd, rq);
	dd->batching++;
	return rq;
}

static bool dd_has_work(struct blk_mq_hw_ctx *hctx)
{
	return ((struct deadline_data *)hctx->sched_data)->nr_queued;
}

static int dd_init_hctx(struct blk_mq_hw_ctx *hctx)
{
	struct deadline_data *dd = kzalloc(sizeof(*dd), GFP_KERNEL);
	unsigned int dir;

	if (!dd)
		return -ENOMEM;
	for (dir = 0; dir < 2; dir++) {
		dd->sort[dir] = RB_ROOT;
		list_init(&dd->fifo[dir]);
	}
	dd->fifo_expire_ns[DD_READ] = DEADLINE_READ_EXPIRE_NS;
	dd->fifo_expire_ns[DD_WRITE] = DEADLINE_WRITE_EXPIRE_NS;
	dd->fifo_batch = DEADLINE_FIFO_BATCH;
	dd->writes_starved = DEADLINE_WRITES_STARVED;
	hctx->sched_data = dd;
	return 0;
}

static void dd_exit_hctx(struct blk_mq_hw_ctx *hctx)
{
	kfree(hctx->sched_data);
	hctx->sched_data = NULL;
}

const struct elevator_type elevator_mq_deadline = {
	.name = "mq-deadline",
	.init_hctx = dd_init_hctx,
	.exit_hctx = dd_exit_hctx,
	.bio_merge = dd_bio_merge,
	.insert = dd_insert,
	.dispatch = dd_dispatch,
	.has_work = dd_has_work,
};
