/* SCHED_FIFO and SCHED_RR: 99 priorities, a FIFO queue per priority and a bitmap of the non-empty
 * ones, so the pick is one bit scan. The running task stays at the head of its queue, so a FIFO
 * task preempted by a higher priority resumes first; SCHED_RR goes to the tail when its quantum
 * (100 ms) runs out. */
#include <vitro/compiler.h>
#include <vitro/sched.h>

#include "internal.h"

static inline struct sched_task *rt_task(struct sched_rt_entity *rt)
{
	return container_of(rt, struct sched_task, rt);
}

static inline bool prio_is_queued(const struct rt_rq *rt, unsigned int prio)
{
	return rt->bitmap[prio / 64] & (1ull << (prio % 64));
}

/* __builtin_clzll is bsr without -mlzcnt, which ring 0 runs anywhere. */
static inline int highest_prio(const struct rt_rq *rt)
{
	if (rt->bitmap[1])
		return 64 + 63 - __builtin_clzll(rt->bitmap[1]);
	if (rt->bitmap[0])
		return 63 - __builtin_clzll(rt->bitmap[0]);
	return -1;
}

/* The 100 queue heads are only initialised when their priority is first used: an idle CPU's run
 * queue costs two words to set up. */
void rt_rq_init(struct rt_rq *rt)
{
	rt->bitmap[0] = rt->bitmap[1] = 0;
	rt->nr_running = 0;
}

static void rt_enqueue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	struct rt_rq *rt = &rq->rt;
	unsigned int prio = p->rt_priority;

	(void)flags;
	if (!prio_is_queued(rt, prio)) {
		list_init(&rt->queue[prio]);
		rt->bitmap[prio / 64] |= 1ull << (prio % 64);
	}
	list_add_tail(&p->rt.run_list, &rt->queue[prio]);
	p->rt.on_rq = true;
	rt->nr_running++;
}

static void rt_dequeue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	struct rt_rq *rt = &rq->rt;
	unsigned int prio = p->rt_priority;

	(void)flags;
	list_del(&p->rt.run_list);
	if (list_empty(&rt->queue[prio]))
		rt->bitmap[prio / 64] &= ~(1ull << (prio % 64));
	p->rt.on_rq = false;
	rt->nr_running--;
}

static struct sched_task *rt_pick_next(struct rq *rq)
{
	int prio = highest_prio(&rq->rt);

	if (prio < 0)
		return NULL;
	return rt_task(list_first_entry(&rq->rt.queue[prio], struct sched_rt_entity, run_list));
}

static void rt_set_next(struct rq *rq, struct sched_task *p)
{
	(void)rq;
	(void)p;
}

static void rt_put_prev(struct rq *rq, struct sched_task *p)
{
	(void)rq;
	(void)p;
}

static void rt_update_curr(struct rq *rq, struct sched_task *p, uint64_t delta_ns)
{
	(void)rq;
	if (p->policy == SCHED_RR)
		p->rt.time_slice_ns -= (int64_t)delta_ns;
}

/* Whether p shares its priority with another queued task. */
static inline bool has_peer(const struct sched_task *p)
{
	return p->rt.run_list.next != p->rt.run_list.prev;
}

static void rt_requeue_tail(struct rq *rq, struct sched_task *p)
{
	list_move_tail(&p->rt.run_list, &rq->rt.queue[p->rt_priority]);
}

static void rt_tick(struct rq *rq, struct sched_task *p)
{
	if (p->policy != SCHED_RR || !p->rt.on_rq || p->rt.time_slice_ns > 0)
		return;
	p->rt.time_slice_ns = (int64_t)rq->params.rr_timeslice_ns;
	if (has_peer(p)) {
		rt_requeue_tail(rq, p);
		sched_resched(rq);
	}
}

/* Only a strictly higher priority preempts. */
static bool rt_wakeup_preempt(struct rq *rq, struct sched_task *p)
{
	return p->rt_priority > rq->curr->rt_priority;
}

static void rt_yield(struct rq *rq, struct sched_task *p)
{
	if (p->rt.on_rq)
		rt_requeue_tail(rq, p);
}

static uint64_t rt_next_event_ns(const struct rq *rq)
{
	const struct sched_task *curr = rq->curr;

	if (!curr || curr->class != &sched_rt_class || curr->policy != SCHED_RR ||
	    !curr->rt.on_rq || !has_peer(curr))
		return UINT64_MAX;
	return rq->clock_ns + (curr->rt.time_slice_ns > 0 ? (uint64_t)curr->rt.time_slice_ns : 1);
}

static unsigned int rt_nr_running(const struct rq *rq)
{
	return rq->rt.nr_running;
}

const struct sched_class sched_rt_class = {
	.name = "rt",
	.rank = 1,
	.enqueue = rt_enqueue,
	.dequeue = rt_dequeue,
	.pick_next = rt_pick_next,
	.set_next = rt_set_next,
	.put_prev = rt_put_prev,
	.update_curr = rt_update_curr,
	.tick = rt_tick,
	.wakeup_preempt = rt_wakeup_preempt,
	.yield = rt_yield,
	.next_event_ns = rt_next_event_ns,
	.nr_running = rt_nr_running,
};
