/* The block layer's ties to the running kernel: the completion IPI, waking
 * submitters that wait for a request, the task's plug, and submitting and
 * waiting (what host tests of blk_mq.c replace with their own). */
#include <vitro/blkdev.h>
#include <vitro/cpu.h>
#include <vitro/errno.h>
#include <vitro/task.h>
#include <vitro/wait.h>

#include "../arch/x86/ipi.h"

static struct call_single_data done_calls[NR_CPUS];

static void blk_done_interrupt(void *arg)
{
	(void)arg;
	blk_mq_run_done_list();
}

void blk_mq_raise_done_ipi(unsigned int cpu)
{
	struct call_single_data *csd = &done_calls[cpu];

	csd->fn = blk_done_interrupt;
	/* -EBUSY: the call is queued and has yet to take the list: it will. */
	if (smp_call_function_async(cpu, csd) == -ENXIO)
		blk_mq_run_done_list(); /* not reached: submitters are online */
}

/* Always through the wait queue's lock: a waiter that queued itself before
 * testing for a free tag is then seen (no lockless emptiness check). */
void blk_mq_tags_freed(struct blk_mq_hw_ctx *hctx)
{
	wake_up_all(&hctx->tag_wait);
}

void blk_start_plug(struct blk_plug *plug)
{
	blk_plug_init(plug);
	if (!current->plug)
		current->plug = plug; /* nested plugs: the outer one holds everything */
}

void blk_finish_plug(struct blk_plug *plug)
{
	blk_plug_flush(plug);
	if (current->plug == plug)
		current->plug = NULL;
}

void submit_bio(struct bio *bio)
{
	struct request_queue *q = bio->disk->queue;

	might_sleep_check("submit_bio");
	while (blk_mq_submit_bio(bio, current->plug) == -EAGAIN) {
		struct blk_mq_hw_ctx *hctx = blk_mq_map_queue(q, smp_processor_id());

		/* Our own plugged requests may be what holds the tags. */
		if (current->plug)
			blk_plug_flush(current->plug);
		wait_event(hctx->tag_wait, READ_ONCE(hctx->nr_free_tags) > 0);
	}
}

static void bio_wait_end_io(struct bio *bio)
{
	complete(bio->private);
}

blk_status_t submit_bio_wait(struct bio *bio)
{
	struct completion done;

	completion_init(&done);
	bio->private = &done;
	bio->end_io = bio_wait_end_io;
	submit_bio(bio);
	if (current->plug)
		blk_plug_flush(current->plug);
	wait_for_completion(&done);
	return bio->status;
}
