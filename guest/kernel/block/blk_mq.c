/* See vitro/blkdev.h: the multi-queue core. A bio from CPU c is checked,
 * merged into a waiting request if one is adjacent (in the task's plug, c's
 * software queue or the scheduler), else given a request (a tag) of the
 * hardware queue c maps to, then inserted and dispatched while fewer than
 * queue_depth requests are at the driver. A completion is handed back to the
 * submitting CPU, ends the bios and frees the tag.
 *
 * Locks: hctx->lock guards a hardware queue's tags, dispatch list, scheduler
 * and counters and is held while the driver's queue_rq runs; a software
 * queue's lock nests inside it. Both are taken with interrupts off, since
 * completions arrive in interrupt context. */
#include <vitro/cpu.h>
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/time.h>
#include <vitro/trace.h>

#include "internal.h"

#define SOFT_QUEUE_MERGE_SCAN 8 /* requests a bio is tried against, newest first */

/* Completions waiting to run on their submitting CPU. */
static struct done_list {
	struct spinlock lock;
	struct request *head, *tail;
} done_lists[NR_CPUS];

static uint32_t trace_op(const struct request *rq)
{
	return (uint32_t)rq->op | rq->flags << 8;
}

unsigned int blk_bio_nr_segments(const struct bio *bio, uint32_t max_segment_size)
{
	unsigned int i, n = 0;

	if (bio->op != REQ_OP_READ && bio->op != REQ_OP_WRITE)
		return 0;
	for (i = 0; i < bio->nr_vecs; i++)
		n += (bio->vecs[i].len + max_segment_size - 1) / max_segment_size;
	return n;
}

static void bio_end(struct bio *bio, blk_status_t status)
{
	bio->status = status;
	if (bio->end_io)
		bio->end_io(bio);
}

/* Everything a bio says is checked once, here. */
static blk_status_t blk_bio_check(const struct request_queue *q, const struct bio *bio)
{
	const struct blk_limits *lim = &q->limits;
	uint64_t sectors = bio->size >> SECTOR_SHIFT, total = 0;
	uint32_t block_sectors = lim->logical_block_size >> SECTOR_SHIFT;
	unsigned int i;

	if (bio->op >= REQ_OP_NR)
		return -EINVAL;
	if (bio->op == REQ_OP_FLUSH)
		return bio->size ? -EINVAL : 0;
	if (!bio->size || bio->size % lim->logical_block_size || bio->sector % block_sectors)
		return -EINVAL;
	if (bio->sector > q->disk->capacity_sectors ||
	    sectors > q->disk->capacity_sectors - bio->sector)
		return -EIO;
	if (blk_op_is_write(bio->op) && lim->is_read_only)
		return -EROFS;
	switch (bio->op) {
	case REQ_OP_DISCARD:
		return !lim->max_discard_sectors	  ? -EOPNOTSUPP :
		       sectors > lim->max_discard_sectors ? -EINVAL :
							    0;
	case REQ_OP_WRITE_ZEROES:
		return !lim->max_write_zeroes_sectors	       ? -EOPNOTSUPP :
		       sectors > lim->max_write_zeroes_sectors ? -EINVAL :
								 0;
	default:
		break;
	}
	for (i = 0; i < bio->nr_vecs; i++)
		total += bio->vecs[i].len;
	/* Bios are not split: the submitter keeps to the limits (blkdev_rw does). */
	if (total != bio->size || sectors > lim->max_sectors ||
	    blk_bio_nr_segments(bio, lim->max_segment_size) > lim->max_segments)
		return -EINVAL;
	return 0;
}

/* --- merging ----------------------------------------------------------------------------- */

static bool rq_is_mergeable(const struct request *rq)
{
	return (rq->op == REQ_OP_READ || rq->op == REQ_OP_WRITE) && !rq->is_in_flight &&
	       !rq->flush_steps && !(rq->flags & (REQ_FUA | REQ_PREFLUSH));
}

static bool bio_is_mergeable(const struct bio *bio)
{
	return (bio->op == REQ_OP_READ || bio->op == REQ_OP_WRITE) &&
	       !(bio->flags & (REQ_FUA | REQ_PREFLUSH));
}

static bool fits_limits(const struct request_queue *q, uint64_t bytes, unsigned int segments)
{
	return (bytes >> SECTOR_SHIFT) <= q->limits.max_sectors &&
	       segments <= q->limits.max_segments;
}

enum blk_merge blk_rq_merge_direction(const struct request *rq, const struct bio *bio)
{
	const struct request_queue *q = rq->q;

	if (rq->q != bio->disk->queue || rq->op != bio->op || !rq_is_mergeable(rq) ||
	    !bio_is_mergeable(bio) ||
	    !fits_limits(q, (uint64_t)rq->nr_bytes + bio->size,
			 rq->nr_segments + blk_bio_nr_segments(bio, q->limits.max_segment_size)))
		return BLK_MERGE_NONE;
	if (blk_rq_end_sector(rq) == bio->sector)
		return BLK_MERGE_BACK;
	if (bio->sector + (bio->size >> SECTOR_SHIFT) == rq->sector)
		return BLK_MERGE_FRONT;
	return BLK_MERGE_NONE;
}

void blk_rq_merge_bio(struct request *rq, struct bio *bio, enum blk_merge where)
{
	bio->next = NULL;
	if (where == BLK_MERGE_BACK) {
		rq->biotail->next = bio;
		rq->biotail = bio;
	} else {
		bio->next = rq->bio;
		rq->bio = bio;
		rq->sector = bio->sector;
	}
	rq->nr_bytes += bio->size;
	rq->nr_segments += blk_bio_nr_segments(bio, rq->q->limits.max_segment_size);
}

bool blk_rq_merge_next(struct request *rq, struct request *next)
{
	if (rq->q != next->q || rq->op != next->op || !rq_is_mergeable(rq) ||
	    !rq_is_mergeable(next) || blk_rq_end_sector(rq) != next->sector ||
	    !fits_limits(rq->q, (uint64_t)rq->nr_bytes + next->nr_bytes,
			 rq->nr_segments + next->nr_segments))
		return false;
	rq->biotail->next = next->bio;
	rq->biotail = next->biotail;
	rq->nr_bytes += next->nr_bytes;
	rq->nr_segments += next->nr_segments;
	if (next->fifo_deadline_ns < rq->fifo_deadline_ns)
		rq->fifo_deadline_ns = next->fifo_deadline_ns;
	if (next->start_ns < rq->start_ns)
		rq->start_ns = next->start_ns;
	next->bio = next->biotail = NULL;
	return true;
}

static bool try_merge(struct request *rq, struct bio *bio)
{
	enum blk_merge where = blk_rq_merge_direction(rq, bio);

	if (where == BLK_MERGE_NONE)
		return false;
	blk_rq_merge_bio(rq, bio, where);
	return true;
}

/* --- requests and tags --------------------------------------------------------------------- */

struct blk_mq_hw_ctx *blk_mq_map_queue(struct request_queue *q, unsigned int cpu)
{
	return q->ctxs[cpu % q->nr_ctxs].hctx;
}

static struct request *blk_mq_get_request(struct blk_mq_hw_ctx *hctx)
{
	unsigned long flags = spin_lock_irqsave(&hctx->lock);
	struct request *rq = NULL;

	if (hctx->nr_free_tags)
		rq = hctx->rqs[hctx->free_tags[--hctx->nr_free_tags]];
	spin_unlock_irqrestore(&hctx->lock, flags);
	return rq;
}

void blk_mq_put_request_locked(struct blk_mq_hw_ctx *hctx, struct request *rq)
{
	rq->bio = rq->biotail = NULL;
	hctx->free_tags[hctx->nr_free_tags++] = (uint16_t)rq->tag;
}

static void blk_mq_put_request(struct blk_mq_hw_ctx *hctx, struct request *rq)
{
	unsigned long flags = spin_lock_irqsave(&hctx->lock);

	blk_mq_put_request_locked(hctx, rq);
	spin_unlock_irqrestore(&hctx->lock, flags);
	blk_mq_tags_freed(hctx);
}

static void blk_rq_init(struct request *rq, struct bio *bio, unsigned int cpu,
			unsigned int flush_steps)
{
	const struct request_queue *q = bio->disk->queue;

	rq->op = rq->data_op = bio->op;
	rq->flags = bio->flags;
	rq->sector = bio->sector;
	rq->nr_bytes = bio->size;
	rq->nr_segments = blk_bio_nr_segments(bio, q->limits.max_segment_size);
	bio->next = NULL;
	rq->bio = rq->biotail = bio;
	rq->cpu = cpu;
	rq->status = 0;
	rq->start_ns = ktime_get_ns();
	rq->issue_ns = 0;
	rq->fifo_deadline_ns = 0;
	rq->flush_steps = flush_steps;
	rq->is_in_flight = false;
	rq->done_next = NULL;
}

/* --- insertion and dispatch ---------------------------------------------------------------- */

static void blk_mq_insert_request(struct request *rq)
{
	struct blk_mq_hw_ctx *hctx = rq->hctx;
	struct request_queue *q = rq->q;
	unsigned long flags;

	trace_event(block_rq_insert, .sector = rq->sector,
		    .nr_sector = rq->nr_bytes >> SECTOR_SHIFT, .dev = q->dev, .op = trace_op(rq),
		    .hw_queue = hctx->index);
	if (!rq->flush_steps && !q->elevator) {
		struct blk_mq_ctx *ctx = &q->ctxs[rq->cpu % q->nr_ctxs];

		flags = spin_lock_irqsave(&ctx->lock);
		list_add_tail(&rq->queuelist, &ctx->rq_list);
		spin_unlock_irqrestore(&ctx->lock, flags);
		return;
	}
	flags = spin_lock_irqsave(&hctx->lock);
	if (rq->flush_steps) /* durability sequences skip the scheduler */
		list_add_tail(&rq->queuelist, &hctx->dispatch);
	else
		q->elevator->insert(hctx, rq);
	spin_unlock_irqrestore(&hctx->lock, flags);
}

/* none: the software queues of the CPUs that map here, in turn. */
static struct request *soft_queues_dispatch(struct blk_mq_hw_ctx *hctx)
{
	struct request_queue *q = hctx->q;
	unsigned int i, n = (q->nr_ctxs + q->nr_hw_queues - 1 - hctx->index) / q->nr_hw_queues;

	for (i = 0; i < n; i++) {
		unsigned int slot = (hctx->next_ctx + i) % n;
		struct blk_mq_ctx *ctx = &q->ctxs[hctx->index + slot * q->nr_hw_queues];
		struct request *rq = NULL;

		raw_spin_lock(&ctx->lock);
		if (!list_empty(&ctx->rq_list)) {
			rq = list_first_entry(&ctx->rq_list, struct request, queuelist);
			list_del(&rq->queuelist);
		}
		raw_spin_unlock(&ctx->lock);
		if (rq) {
			hctx->next_ctx = (slot + 1) % n;
			return rq;
		}
	}
	return NULL;
}

static struct request *next_to_dispatch(struct blk_mq_hw_ctx *hctx)
{
	struct request *rq;

	if (!list_empty(&hctx->dispatch)) {
		rq = list_first_entry(&hctx->dispatch, struct request, queuelist);
		list_del(&rq->queuelist);
		return rq;
	}
	if (hctx->q->elevator)
		return hctx->q->elevator->dispatch(hctx);
	return soft_queues_dispatch(hctx);
}

void blk_mq_run_hw_queue(struct blk_mq_hw_ctx *hctx)
{
	const struct blk_mq_ops *ops = hctx->q->set->ops;
	unsigned int depth = hctx->q->set->queue_depth, queued = 0;
	struct request *failed = NULL, *rq;
	unsigned long flags;
	int rc;

	flags = spin_lock_irqsave(&hctx->lock);
	for (;;) {
		if (hctx->nr_in_flight >= depth) {
			hctx->needs_restart = true; /* a completion makes room */
			break;
		}
		rq = next_to_dispatch(hctx);
		if (!rq)
			break;
		if (rq->flush_steps)
			blk_flush_begin_step(rq);
		rq->is_in_flight = true;
		rq->issue_ns = ktime_get_ns();
		hctx->nr_in_flight++;
		trace_event(block_rq_issue, .sector = rq->sector,
			    .queued_ns = rq->issue_ns - rq->start_ns, .op = trace_op(rq),
			    .dev = hctx->q->dev, .nr_sector = rq->nr_bytes >> SECTOR_SHIFT,
			    .hw_queue = hctx->index);
		rc = ops->queue_rq(hctx, rq);
		if (rc == BLK_STS_OK) {
			queued++;
			hctx->nr_dispatched++;
			continue;
		}
		rq->is_in_flight = false;
		hctx->nr_in_flight--;
		if (rc == BLK_STS_RESOURCE) {
			/* First again when the driver has room: after a completion. */
			list_add(&rq->queuelist, &hctx->dispatch);
			hctx->needs_restart = true;
			hctx->nr_busy++;
			break;
		}
		rq->status = rc;
		rq->done_next = failed;
		failed = rq;
	}
	if (queued && ops->commit_rqs)
		ops->commit_rqs(hctx);
	spin_unlock_irqrestore(&hctx->lock, flags);
	while (failed) {
		rq = failed;
		failed = rq->done_next;
		rq->flush_steps = 0;
		blk_mq_complete_request(rq, rq->status);
	}
}

void blk_mq_run_hw_queues(struct request_queue *q)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++)
		blk_mq_run_hw_queue(&q->hctxs[i]);
}

/* --- completion ---------------------------------------------------------------------------- */

static void blk_mq_end_request(struct request *rq)
{
	struct blk_mq_hw_ctx *hctx = rq->hctx;
	struct bio *bio, *next;
	unsigned long flags;
	bool restart;

	flags = spin_lock_irqsave(&hctx->lock);
	if (rq->is_in_flight) {
		rq->is_in_flight = false;
		hctx->nr_in_flight--;
		hctx->nr_completed++;
	}
	restart = hctx->needs_restart;
	hctx->needs_restart = false;
	if (blk_flush_end_step(rq)) {
		list_add(&rq->queuelist, &hctx->dispatch); /* its next step, first */
		spin_unlock_irqrestore(&hctx->lock, flags);
		blk_mq_run_hw_queue(hctx);
		return;
	}
	spin_unlock_irqrestore(&hctx->lock, flags);

	trace_event(block_rq_complete, .sector = rq->sector,
		    .latency_ns = ktime_get_ns() - rq->start_ns, .error = rq->status,
		    .op = trace_op(rq), .dev = hctx->q->dev,
		    .nr_sector = rq->nr_bytes >> SECTOR_SHIFT);
	for (bio = rq->bio; bio; bio = next) {
		next = bio->next; /* end_io may free the bio */
		bio_end(bio, rq->status);
	}
	blk_mq_put_request(hctx, rq);
	if (restart)
		blk_mq_run_hw_queue(hctx);
}

void blk_mq_complete_request(struct request *rq, blk_status_t status)
{
	struct done_list *done;
	unsigned long flags;
	bool was_empty;

	rq->status = status;
	if (rq->cpu == smp_processor_id()) {
		blk_mq_end_request(rq);
		return;
	}
	done = &done_lists[rq->cpu];
	rq->done_next = NULL;
	flags = spin_lock_irqsave(&done->lock);
	was_empty = !done->head;
	if (was_empty)
		done->head = rq;
	else
		done->tail->done_next = rq;
	done->tail = rq;
	spin_unlock_irqrestore(&done->lock, flags);
	/* One interrupt per batch: the handler takes the whole list. */
	if (was_empty)
		blk_mq_raise_done_ipi(rq->cpu);
}

void blk_mq_run_done_list(void)
{
	struct done_list *done = &done_lists[smp_processor_id()];
	struct request *rq, *next;
	unsigned long flags;

	flags = spin_lock_irqsave(&done->lock);
	rq = done->head;
	done->head = done->tail = NULL;
	spin_unlock_irqrestore(&done->lock, flags);
	for (; rq; rq = next) {
		next = rq->done_next;
		blk_mq_end_request(rq);
	}
}

/* --- submission and plugging --------------------------------------------------------------- */

static bool soft_queue_merge(struct blk_mq_ctx *ctx, struct bio *bio)
{
	struct list_head *pos;
	unsigned long flags = spin_lock_irqsave(&ctx->lock);
	unsigned int scanned = 0;
	bool merged = false;

	for (pos = ctx->rq_list.prev; pos != &ctx->rq_list && scanned < SOFT_QUEUE_MERGE_SCAN;
	     pos = pos->prev, scanned++) {
		if (try_merge(list_entry(pos, struct request, queuelist), bio)) {
			merged = true;
			break;
		}
	}
	spin_unlock_irqrestore(&ctx->lock, flags);
	return merged;
}

static bool queue_merge(struct request_queue *q, struct blk_mq_hw_ctx *hctx, unsigned int cpu,
			struct bio *bio)
{
	unsigned long flags;
	bool merged;

	if (!q->elevator)
		merged = soft_queue_merge(&q->ctxs[cpu % q->nr_ctxs], bio);
	else {
		flags = spin_lock_irqsave(&hctx->lock);
		merged = q->elevator->bio_merge(hctx, bio);
		spin_unlock_irqrestore(&hctx->lock, flags);
	}
	if (merged) {
		flags = spin_lock_irqsave(&hctx->lock);
		hctx->nr_merged++;
		spin_unlock_irqrestore(&hctx->lock, flags);
	}
	return merged;
}

static bool plug_merge(struct blk_plug *plug, struct bio *bio)
{
	struct request *rq;

	list_for_each_entry(rq, &plug->rqs, queuelist) {
		if (try_merge(rq, bio))
			return true;
	}
	return false;
}

int blk_mq_submit_bio(struct bio *bio, struct blk_plug *plug)
{
	struct request_queue *q = bio->disk->queue;
	unsigned int cpu = smp_processor_id(), steps;
	struct blk_mq_hw_ctx *hctx;
	struct request *rq;
	blk_status_t rc;

	rc = blk_bio_check(q, bio);
	if (rc) {
		bio_end(bio, rc);
		return 0;
	}
	steps = blk_flush_steps(&q->limits, bio);
	if (bio->op == REQ_OP_FLUSH && !steps) {
		bio_end(bio, 0); /* no volatile cache: nothing to flush */
		return 0;
	}
	hctx = blk_mq_map_queue(q, cpu);
	if (!steps && bio_is_mergeable(bio)) {
		if (plug ? plug_merge(plug, bio) : queue_merge(q, hctx, cpu, bio))
			return 0;
	}
	rq = blk_mq_get_request(hctx);
	if (!rq)
		return -EAGAIN;
	blk_rq_init(rq, bio, cpu, steps);
	if (plug && !steps) {
		list_add_tail(&rq->queuelist, &plug->rqs);
		if (++plug->nr_rqs >= BLK_PLUG_MAX_REQUESTS)
			blk_plug_flush(plug);
		return 0;
	}
	blk_mq_insert_request(rq);
	blk_mq_run_hw_queue(hctx);
	return 0;
}

void blk_plug_init(struct blk_plug *plug)
{
	list_init(&plug->rqs);
	plug->nr_rqs = 0;
}

static bool rq_sorts_before(const struct request *a, const struct request *b)
{
	return a->q != b->q ? (uintptr_t)a->q < (uintptr_t)b->q : a->sector < b->sector;
}

void blk_plug_flush(struct blk_plug *plug)
{
	struct list_head sorted = LIST_HEAD_INIT(sorted);
	struct request *rq, *next, *pos;
	struct blk_mq_hw_ctx *last_hctx = NULL;
	unsigned long flags;

	/* Insertion sort by queue and sector: a plug holds a handful. */
	while (!list_empty(&plug->rqs)) {
		struct list_head *at = &sorted;

		rq = list_first_entry(&plug->rqs, struct request, queuelist);
		list_del(&rq->queuelist);
		list_for_each_entry(pos, &sorted, queuelist) {
			if (rq_sorts_before(rq, pos)) {
				at = &pos->queuelist;
				break;
			}
		}
		list_add_tail(&rq->queuelist, at);
	}
	plug->nr_rqs = 0;
	/* Neighbours become one request; the rest go in, in sector order. */
	while (!list_empty(&sorted)) {
		rq = list_first_entry(&sorted, struct request, queuelist);
		list_del(&rq->queuelist);
		while (!list_empty(&sorted)) {
			next = list_first_entry(&sorted, struct request, queuelist);
			if (!blk_rq_merge_next(rq, next))
				break;
			list_del(&next->queuelist);
			blk_mq_put_request(next->hctx, next);
			flags = spin_lock_irqsave(&rq->hctx->lock);
			rq->hctx->nr_merged++;
			spin_unlock_irqrestore(&rq->hctx->lock, flags);
		}
		blk_mq_insert_request(rq);
		if (last_hctx && last_hctx != rq->hctx)
			blk_mq_run_hw_queue(last_hctx);
		last_hctx = rq->hctx;
	}
	if (last_hctx)
		blk_mq_run_hw_queue(last_hctx);
}

/* --- set-up -------------------------------------------------------------------------------- */

static unsigned int nr_requests(const struct request_queue *q)
{
	if (q->set->nr_requests)
		return q->set->nr_requests;
	return q->set->queue_depth * (q->elevator ? 2 : 1);
}

static int hctx_init(struct request_queue *q, struct blk_mq_hw_ctx *hctx, unsigned int index,
		     uint8_t *requests, size_t rq_size)
{
	unsigned int i;

	hctx->q = q;
	hctx->index = index;
	spin_lock_init(&hctx->lock);
	list_init(&hctx->dispatch);
	spin_lock_init(&hctx->tag_wait.lock);
	list_init(&hctx->tag_wait.head);
	hctx->nr_requests = nr_requests(q);
	hctx->driver_data = q->set->driver_data;
	hctx->rqs = kzalloc(hctx->nr_requests * sizeof(*hctx->rqs), GFP_KERNEL);
	hctx->free_tags = kmalloc(hctx->nr_requests * sizeof(*hctx->free_tags), GFP_KERNEL);
	if (!hctx->rqs || !hctx->free_tags)
		return -ENOMEM;
	for (i = 0; i < hctx->nr_requests; i++) {
		struct request *rq = (struct request *)(requests + i * rq_size);

		rq->q = q;
		rq->hctx = hctx;
		rq->tag = i;
		RB_CLEAR_NODE(&rq->rb_node);
		rq->pdu = (uint8_t *)rq + sizeof(*rq);
		hctx->rqs[i] = rq;
		/* A stack: tag 0 comes out first. */
		hctx->free_tags[i] = (uint16_t)(hctx->nr_requests - 1 - i);
	}
	hctx->nr_free_tags = hctx->nr_requests;
	return q->elevator ? q->elevator->init_hctx(hctx) : 0;
}

static size_t request_size(const struct blk_mq_tag_set *set)
{
	return (sizeof(struct request) + set->cmd_size + 15) & ~(size_t)15;
}

struct request_queue *blk_mq_alloc_queue(struct blk_mq_tag_set *set)
{
	const char *name = set->elevator;
	size_t rq_size = request_size(set);
	struct request_queue *q;
	unsigned int i;
	bool is_known;

	if (!set->nr_hw_queues || !set->queue_depth || set->queue_depth > 1024 ||
	    set->nr_requests > 4096 || !set->ops)
		return NULL;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;
	q->set = set;
	q->nr_hw_queues = set->nr_hw_queues;
	if (!name)
		name = set->nr_hw_queues == 1 ? "mq-deadline" : "none";
	q->elevator = elevator_find(name, &is_known);
	q->nr_ctxs = set->nr_cpus ? set->nr_cpus : 1;
	if (q->nr_ctxs > NR_CPUS)
		q->nr_ctxs = NR_CPUS;
	q->limits = (struct blk_limits){ .logical_block_size = SECTOR_SIZE,
					 .max_sectors = 255,
					 .max_segments = 128,
					 .max_segment_size = 65536 };
	q->hctxs = kzalloc(q->nr_hw_queues * sizeof(*q->hctxs), GFP_KERNEL);
	q->ctxs = kzalloc(q->nr_ctxs * sizeof(*q->ctxs), GFP_KERNEL);
	if (!is_known || !q->hctxs || !q->ctxs)
		goto err;
	for (i = 0; i < q->nr_hw_queues; i++) {
		struct blk_mq_hw_ctx *hctx = &q->hctxs[i];
		uint8_t *requests;

		requests = kzalloc(nr_requests(q) * rq_size, GFP_KERNEL);
		if (!requests)
			goto err;
		if (hctx_init(q, hctx, i, requests, rq_size)) {
			if (!hctx->rqs || !hctx->rqs[0]) /* else blk_mq_free_queue() frees it */
				kfree(requests);
			goto err;
		}
	}
	for (i = 0; i < q->nr_ctxs; i++) {
		spin_lock_init(&q->ctxs[i].lock);
		list_init(&q->ctxs[i].rq_list);
		q->ctxs[i].cpu = i;
		q->ctxs[i].hctx = &q->hctxs[i % q->nr_hw_queues];
	}
	return q;

err:
	blk_mq_free_queue(q);
	return NULL;
}

void blk_mq_free_queue(struct request_queue *q)
{
	unsigned int i;

	for (i = 0; q->hctxs && i < q->nr_hw_queues; i++) {
		struct blk_mq_hw_ctx *hctx = &q->hctxs[i];

		if (hctx->sched_data && q->elevator)
			q->elevator->exit_hctx(hctx);
		if (hctx->rqs)
			kfree(hctx->rqs[0]); /* the block all requests live in */
		kfree(hctx->rqs);
		kfree(hctx->free_tags);
	}
	kfree(q->hctxs);
	kfree(q->ctxs);
	kfree(q);
}
