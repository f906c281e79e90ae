/* The scheduler's core policy: the class order (deadline, rt, fair, then the idle task), the pick
 * over one CPU's run queue, time accounting, preemption between classes and attribute changes.
 * Tasks, context switches, locks and timers belong to the caller (kernel/, arch/x86/). */
#include <vitro/compiler.h>
#include <vitro/errno.h>
#include <vitro/sched.h>
#include <vitro/string.h>

#include "internal.h"

static const struct sched_class *const sched_classes[] = {
	&sched_dl_class,
	&sched_rt_class,
	&sched_fair_class,
};

void sched_params_default(struct sched_params *params)
{
	params->fair_mode = SCHED_FAIR_EEVDF;
	params->base_slice_ns = 3 * NSEC_PER_MSEC;
	params->tick_ns = 4 * NSEC_PER_MSEC;
	params->cfs_latency_ns = 24 * NSEC_PER_MSEC;
	params->cfs_min_granularity_ns = 3 * NSEC_PER_MSEC;
	params->cfs_wakeup_granularity_ns = 4 * NSEC_PER_MSEC;
	params->rr_timeslice_ns = 100 * NSEC_PER_MSEC;
	params->dl_runtime_limit_ns = 950 * NSEC_PER_MSEC;
	params->dl_period_limit_ns = NSEC_PER_SEC;
}

void sched_rq_init(struct rq *rq, unsigned int cpu, const struct sched_params *params,
		   struct sched_task *idle)
{
	rq->cpu = cpu;
	rq->clock_ns = 0;
	rq->curr = idle;
	rq->idle = idle;
	rq->need_resched = false;
	rq->params = *params;
	rq->nr_switches = 0;
	rq->nr_ticks = 0;
	dl_rq_init(&rq->dl, params);
	rt_rq_init(&rq->rt);
	fair_rq_init(&rq->fair, params->fair_mode);
}

void sched_task_init(struct sched_task *p)
{
	memset(p, 0, sizeof(*p));
	p->policy = SCHED_NORMAL;
	p->class = &sched_fair_class;
	fair_weight_of(SCHED_NORMAL, 0, &p->se.weight, &p->se.inv_weight);
	RB_CLEAR_NODE(&p->se.run_node);
	RB_CLEAR_NODE(&p->dl.node);
}

static const struct sched_class *class_of(unsigned int policy)
{
	if (policy == SCHED_DEADLINE)
		return &sched_dl_class;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return &sched_rt_class;
	return &sched_fair_class;
}

static inline bool is_idle_task(const struct rq *rq, const struct sched_task *p)
{
	return !p || p == rq->idle;
}

/* --- time ---------------------------------------------------------------------------------------- */

void sched_update_curr(struct rq *rq)
{
	struct sched_task *curr = rq->curr;
	uint64_t delta;

	if (is_idle_task(rq, curr))
		return;
	delta = rq->clock_ns - curr->exec_start_ns;
	if ((int64_t)delta <= 0)
		return;
	curr->exec_start_ns = rq->clock_ns;
	curr->sum_exec_runtime_ns += delta;
	curr->class->update_curr(rq, curr, delta);
}

void sched_rq_clock_update(struct rq *rq, uint64_t now_ns)
{
	if (sched_time_before(rq->clock_ns, now_ns))
		rq->clock_ns = now_ns;
	dl_replenish_due(rq);
}

bool sched_tick(struct rq *rq)
{
	struct sched_task *curr = rq->curr;

	rq->nr_ticks++;
	sched_update_curr(rq);
	if (!is_idle_task(rq, curr))
		curr->class->tick(rq, curr);
	else if (sched_rq_nr_running(rq))
		sched_resched(rq);
	return rq->need_resched;
}

uint64_t sched_next_event_ns(const struct rq *rq)
{
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sched_classes); i++) {
		uint64_t event = sched_classes[i]->next_event_ns(rq);

		if (event < next)
			next = event;
	}
	return next;
}

/* --- queueing and picking -------------------------------------------------------------------------- */

void sched_enqueue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	sched_update_curr(rq);
	p->on_rq = true;
	p->class->enqueue(rq, p, flags);
}

void sched_dequeue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	sched_update_curr(rq);
	p->class->dequeue(rq, p, flags);
	p->on_rq = false;
	if (p == rq->curr)
		sched_resched(rq);
}

bool sched_check_preempt(struct rq *rq, struct sched_task *p)
{
	struct sched_task *curr = rq->curr;
	bool should_preempt;

	if (p == curr)
		return false;
	if (is_idle_task(rq, curr) || !curr->on_rq || p->class->rank < curr->class->rank)
		should_preempt = true;
	else if (p->class == curr->class)
		should_preempt = p->class->wakeup_preempt(rq, p);
	else
		should_preempt = false;
	if (should_preempt)
		sched_resched(rq);
	return should_preempt;
}

bool sched_wakeup(struct rq *rq, struct sched_task *p)
{
	sched_enqueue(rq, p, SCHED_ENQUEUE_WAKEUP);
	return sched_check_preempt(rq, p);
}

bool sched_wakeup_new(struct rq *rq, struct sched_task *p)
{
	sched_enqueue(rq, p, SCHED_ENQUEUE_INITIAL);
	return sched_check_preempt(rq, p);
}

struct sched_task *sched_pick_next(struct rq *rq)
{
	struct sched_task *prev = rq->curr, *next = NULL;
	unsigned int i;

	if (!is_idle_task(rq, prev)) {
		sched_update_curr(rq);
		prev->class->put_prev(rq, prev);
	}
	for (i = 0; i < ARRAY_SIZE(sched_classes) && !next; i++) {
		if (sched_classes[i]->nr_running(rq))
			next = sched_classes[i]->pick_next(rq);
	}
	if (next)
		next->class->set_next(rq, next);
	else
		next = rq->idle;
	if (next)
		next->exec_start_ns = rq->clock_ns;
	if (next != prev)
		rq->nr_switches++;
	rq->curr = next;
	rq->need_resched = false;
	return next;
}

void sched_yield(struct rq *rq)
{
	struct sched_task *curr = rq->curr;

	if (is_idle_task(rq, curr))
		return;
	sched_update_curr(rq);
	curr->class->yield(rq, curr);
	sched_resched(rq);
}

/* --- attributes ------------------------------------------------------------------------------------ */

/* Takes p off its class for a change and puts it back after (Linux's DEQUEUE_SAVE ... RESTORE). */
struct change_guard {
	bool is_queued, is_running;
};

static struct change_guard change_begin(struct rq *rq, struct sched_task *p)
{
	struct change_guard guard = { .is_queued = p->on_rq, .is_running = rq->curr == p };

	if (guard.is_running)
		sched_update_curr(rq);
	if (guard.is_running)
		p->class->put_prev(rq, p);
	if (guard.is_queued)
		p->class->dequeue(rq, p, SCHED_DEQUEUE_SAVE);
	return guard;
}

static void change_end(struct rq *rq, struct sched_task *p, struct change_guard guard)
{
	if (guard.is_queued)
		p->class->enqueue(rq, p, SCHED_ENQUEUE_RESTORE);
	if (guard.is_running) {
		p->class->set_next(rq, p);
		p->exec_start_ns = rq->clock_ns;
		sched_resched(rq); /* the pick decides whether p still runs */
	} else if (guard.is_queued) {
		sched_check_preempt(rq, p);
	}
}

static int clamp_nice(int nice)
{
	return nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
}

int sched_task_set_attr(struct rq *rq, struct sched_task *p, const struct sched_attr *attr)
{
	unsigned int policy = attr->sched_policy;
	uint64_t new_bw = 0, old_bw = p->policy == SCHED_DEADLINE ? p->dl.dl_bw : 0;
	struct change_guard guard;

	if (attr->sched_flags & ~(uint64_t)SCHED_FLAG_ALL)
		return -EINVAL;
	if (attr->sched_flags & SCHED_FLAG_KEEP_POLICY)
		policy = p->policy;
	switch (policy) {
	case SCHED_NORMAL:
	case SCHED_BATCH:
	case SCHED_IDLE:
		if (attr->sched_priority)
			return -EINVAL;
		break;
	case SCHED_FIFO:
	case SCHED_RR:
		if (attr->sched_priority < RT_PRIO_MIN || attr->sched_priority > RT_PRIO_MAX)
			return -EINVAL;
		break;
	case SCHED_DEADLINE:
		if (attr->sched_priority || !dl_attr_is_valid(attr))
			return -EINVAL;
		new_bw = dl_bw_of(attr->sched_runtime,
				  attr->sched_period ? attr->sched_period : attr->sched_deadline);
		if (rq->dl.total_bw - old_bw + new_bw > rq->dl.bw_limit)
			return -EBUSY;
		break;
	default:
		return -EINVAL;
	}

	guard = change_begin(rq, p);
	if (p->policy == SCHED_DEADLINE)
		dl_release(rq, p);
	if (policy != p->policy && policy == SCHED_RR)
		p->rt.time_slice_ns = (int64_t)rq->params.rr_timeslice_ns;
	p->policy = policy;
	p->class = class_of(policy);
	p->rt_priority = p->class == &sched_rt_class ? attr->sched_priority : 0;
	if (sched_policy_is_fair(policy)) {
		unsigned long weight;
		uint32_t inv_weight;

		p->nice = clamp_nice(attr->sched_nice);
		fair_weight_of(policy, p->nice, &weight, &inv_weight);
		fair_reweight(rq, p, weight, inv_weight);
	}
	if (policy == SCHED_DEADLINE) {
		dl_set_params(&p->dl, attr);
		rq->dl.total_bw += new_bw;
	}
	change_end(rq, p, guard);
	return 0;
}

void sched_task_set_nice(struct rq *rq, struct sched_task *p, int nice)
{
	unsigned long old_weight = p->se.weight, weight;
	uint32_t inv_weight;

	nice = clamp_nice(nice);
	p->nice = nice;
	if (p->policy != SCHED_NORMAL && p->policy != SCHED_BATCH)
		return; /* RT, deadline, SCHED_IDLE: kept for a return to NORMAL or BATCH */
	if (rq->curr == p)
		sched_update_curr(rq);
	fair_weight_of(p->policy, nice, &weight, &inv_weight);
	fair_reweight(rq, p, weight, inv_weight);
	if (!p->on_rq)
		return;
	if (rq->curr == p) {
		if (weight < old_weight)
			sched_resched(rq);
	} else {
		sched_check_preempt(rq, p);
	}
}

void sched_task_exit(struct rq *rq, struct sched_task *p)
{
	if (p->policy == SCHED_DEADLINE)
		dl_release(rq, p);
	p->policy = SCHED_NORMAL;
	p->class = &sched_fair_class;
}

int sched_task_migrate(struct rq *src, struct rq *dst, struct sched_task *p)
{
	int err;

	if (p->on_rq || src->curr == p)
		return -EBUSY;
	if (p->policy == SCHED_DEADLINE) {
		err = dl_migrate(src, dst, p);
		if (err)
			return err;
	}
	if (p->class == &sched_fair_class)
		fair_migrate(src, dst, p);
	return 0;
}
