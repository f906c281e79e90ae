/* SCHED_DEADLINE: earliest absolute deadline first, each task behind a constant-bandwidth server
 * (runtime per period; out of budget, it waits for its next period), and admission control that
 * keeps the bandwidth admitted on a CPU under a limit (Linux's default: 95%). Replenishment timers
 * are the owner's: sched_next_event_ns() says when, sched_rq_clock_update() does it. */
#include <vitro/compiler.h>
#include <vitro/errno.h>
#include <vitro/sched.h>

#include "internal.h"

/* Linux's DL_SCALE: the overflow test multiplies times shifted down by 10 bits. */
#define DL_SCALE 10

static inline struct sched_dl_entity *node_dl(const struct rb_node *node)
{
	return rb_entry(node, struct sched_dl_entity, node);
}

static inline struct sched_task *dl_task(struct sched_dl_entity *dl)
{
	return container_of(dl, struct sched_task, dl);
}

uint64_t dl_bw_of(uint64_t runtime_ns, uint64_t period_ns)
{
	return period_ns ? (runtime_ns << SCHED_DL_BW_SHIFT) / period_ns : 0;
}

void dl_rq_init(struct dl_rq *dl, const struct sched_params *params)
{
	dl->root = RB_ROOT_CACHED;
	list_init(&dl->throttled);
	dl->nr_running = 0;
	dl->total_bw = 0;
	dl->bw_limit = dl_bw_of(params->dl_runtime_limit_ns, params->dl_period_limit_ns);
}

bool dl_attr_is_valid(const struct sched_attr *attr)
{
	uint64_t period = attr->sched_period ? attr->sched_period : attr->sched_deadline;

	if (!attr->sched_deadline || attr->sched_runtime < SCHED_DL_RUNTIME_MIN_NS)
		return false;
	if ((attr->sched_deadline | attr->sched_period) & (1ull << 63))
		return false;
	if (attr->sched_runtime > attr->sched_deadline || attr->sched_deadline > period)
		return false;
	return period >= SCHED_DL_PERIOD_MIN_NS && period <= SCHED_DL_PERIOD_MAX_NS;
}

void dl_set_params(struct sched_dl_entity *dl, const struct sched_attr *attr)
{
	dl->dl_runtime = attr->sched_runtime;
	dl->dl_deadline = attr->sched_deadline;
	dl->dl_period = attr->sched_period ? attr->sched_period : attr->sched_deadline;
	dl->dl_bw = dl_bw_of(dl->dl_runtime, dl->dl_period);
	dl->dl_density = dl_bw_of(dl->dl_runtime, dl->dl_deadline);
	dl->needs_new_period = true;
}

static inline bool dl_is_implicit(const struct sched_dl_entity *dl)
{
	return dl->dl_deadline == dl->dl_period;
}

/* --- the tree and the throttled list ------------------------------------------------------------- */

static bool deadline_less(struct rb_node *a, const struct rb_node *b)
{
	return sched_time_before(node_dl(a)->deadline, node_dl(b)->deadline);
}

static void tree_insert(struct dl_rq *dlrq, struct sched_dl_entity *dl)
{
	rb_add_cached(&dl->node, &dlrq->root, deadline_less);
	dl->on_rq = true;
	dlrq->nr_running++;
}

static void tree_erase(struct dl_rq *dlrq, struct sched_dl_entity *dl)
{
	rb_erase_cached(&dl->node, &dlrq->root);
	dl->on_rq = false;
	dlrq->nr_running--;
}

/* Few deadline tasks fit under the admission limit: a sorted list is enough. */
static void throttled_insert(struct dl_rq *dlrq, struct sched_dl_entity *dl)
{
	struct sched_dl_entity *pos;

	list_for_each_entry(pos, &dlrq->throttled, throttled_link) {
		if (sched_time_before(dl->replenish_at_ns, pos->replenish_at_ns))
			break;
	}
	list_add_tail(&dl->throttled_link, &pos->throttled_link);
	dl->is_throttled = true;
}

static void throttled_remove(struct sched_dl_entity *dl)
{
	list_del(&dl->throttled_link);
	dl->is_throttled = false;
}

/* --- the constant-bandwidth server -------------------------------------------------------------- */

static void start_new_period(struct rq *rq, struct sched_dl_entity *dl)
{
	dl->deadline = rq->clock_ns + dl->dl_deadline;
	dl->runtime = (int64_t)dl->dl_runtime;
}

/* The budget ran out: periods go by until it is positive again; a server that fell behind the
 * clock starts afresh (Linux's replenish_dl_entity). */
static void replenish(struct rq *rq, struct sched_dl_entity *dl)
{
	while (dl->runtime <= 0) {
		dl->deadline += dl->dl_period;
		dl->runtime += (int64_t)dl->dl_runtime;
	}
	if (sched_time_before(dl->deadline, rq->clock_ns))
		start_new_period(rq, dl);
}

/* Whether runtime / (deadline - now) > dl_runtime / dl_deadline: keeping the current deadline
 * would let the task use more than its bandwidth. Cross-multiplied, shifted to stay in 64 bits. */
static bool cbs_would_overflow(const struct sched_dl_entity *dl, uint64_t now)
{
	uint64_t left = (dl->dl_deadline >> DL_SCALE) * ((uint64_t)dl->runtime >> DL_SCALE);
	uint64_t right = ((dl->deadline - now) >> DL_SCALE) * (dl->dl_runtime >> DL_SCALE);

	return right < left;
}

/* The CBS wake-up rule (Linux's update_dl_entity): keep the deadline and the budget left unless
 * the deadline passed or they exceed the bandwidth; then a new period starts now. A constrained
 * task (deadline < period) keeps its deadline with the budget cut to its density instead. */
static void cbs_wakeup(struct rq *rq, struct sched_dl_entity *dl)
{
	uint64_t now = rq->clock_ns;

	if (dl->runtime > 0 && !sched_time_before(dl->deadline, now) &&
	    !cbs_would_overflow(dl, now))
		return;
	if (!dl_is_implicit(dl) && dl->runtime > 0 && !sched_time_before(dl->deadline, now)) {
		dl->runtime =
			(int64_t)((dl->dl_density * (dl->deadline - now)) >> SCHED_DL_BW_SHIFT);
		return;
	}
	start_new_period(rq, dl);
}

static void throttle(struct rq *rq, struct sched_dl_entity *dl)
{
	struct sched_task *p = dl_task(dl);

	if (dl->on_rq)
		tree_erase(&rq->dl, dl);
	dl->replenish_at_ns = dl->deadline - dl->dl_deadline + dl->dl_period;
	if (rq->curr == p)
		sched_resched(rq);
	if (sched_time_before(rq->clock_ns, dl->replenish_at_ns)) {
		throttled_insert(&rq->dl, dl);
		return;
	}
	/* The next period has begun already. */
	replenish(rq, dl);
	if (p->on_rq)
		tree_insert(&rq->dl, dl);
}

void dl_replenish_due(struct rq *rq)
{
	struct dl_rq *dlrq = &rq->dl;

	while (!list_empty(&dlrq->throttled)) {
		struct sched_dl_entity *dl =
			list_first_entry(&dlrq->throttled, struct sched_dl_entity, throttled_link);
		struct sched_task *p = dl_task(dl);

		if (sched_time_before(rq->clock_ns, dl->replenish_at_ns))
			break;
		throttled_remove(dl);
		replenish(rq, dl);
		/* A task asleep meets the wake-up rule when it wakes. */
		if (p->on_rq) {
			tree_insert(dlrq, dl);
			sched_check_preempt(rq, p);
		}
	}
}

/* --- admission and leaving ------------------------------------------------------------------------ */

void dl_release(struct rq *rq, struct sched_task *p)
{
	if (p->dl.is_throttled)
		throttled_remove(&p->dl);
	rq->dl.total_bw -= p->dl.dl_bw;
}

int dl_migrate(struct rq *src, struct rq *dst, struct sched_task *p)
{
	struct sched_dl_entity *dl = &p->dl;

	if (dst->dl.total_bw + dl->dl_bw > dst->dl.bw_limit)
		return -EBUSY;
	src->dl.total_bw -= dl->dl_bw;
	dst->dl.total_bw += dl->dl_bw;
	if (dl->is_throttled) {
		throttled_remove(dl);
		throttled_insert(&dst->dl, dl);
	}
	return 0;
}

/* --- the class ------------------------------------------------------------------------------------ */

static void dl_enqueue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	struct sched_dl_entity *dl = &p->dl;

	if (dl->needs_new_period) {
		dl->needs_new_period = false;
		start_new_period(rq, dl);
	} else if (dl->is_throttled) {
		return; /* the replenishment queues it */
	} else if (flags & SCHED_ENQUEUE_WAKEUP) {
		/* A constrained task waking between its deadline and its next period waits for
		 * that period (Linux's dl_check_constrained_dl). */
		uint64_t next_period = dl->deadline - dl->dl_deadline + dl->dl_period;

		if (!dl_is_implicit(dl) && sched_time_before(dl->deadline, rq->clock_ns) &&
		    sched_time_before(rq->clock_ns, next_period)) {
			dl->replenish_at_ns = next_period;
			dl->runtime = 0;
			throttled_insert(&rq->dl, dl);
			return;
		}
		cbs_wakeup(rq, dl);
	} else if (flags & SCHED_ENQUEUE_REPLENISH) {
		replenish(rq, dl);
	} else if (sched_time_before(dl->deadline, rq->clock_ns)) {
		start_new_period(rq, dl);
	}
	tree_insert(&rq->dl, dl);
}

static void dl_dequeue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	(void)flags;
	if (p->dl.on_rq)
		tree_erase(&rq->dl, &p->dl);
}

static struct sched_task *dl_pick_next(struct rq *rq)
{
	struct rb_node *first = rb_first_cached(&rq->dl.root);

	return first ? dl_task(node_dl(first)) : NULL;
}

static void dl_set_next(struct rq *rq, struct sched_task *p)
{
	(void)rq;
	(void)p;
}

static void dl_put_prev(struct rq *rq, struct sched_task *p)
{
	(void)rq;
	(void)p;
}

static void dl_update_curr(struct rq *rq, struct sched_task *p, uint64_t delta_ns)
{
	struct sched_dl_entity *dl = &p->dl;

	/* A task that overran and went to sleep is throttled too: waking early does not refill. */
	dl->runtime -= (int64_t)delta_ns;
	if (dl->runtime > 0 || dl->is_throttled)
		return;
	throttle(rq, dl);
}

static void dl_tick(struct rq *rq, struct sched_task *p)
{
	struct rb_node *first = rb_first_cached(&rq->dl.root);

	if (!p->dl.on_rq || (first && node_dl(first) != &p->dl))
		sched_resched(rq);
}

static bool dl_wakeup_preempt(struct rq *rq, struct sched_task *p)
{
	struct sched_task *curr = rq->curr;

	return !curr->dl.on_rq || sched_time_before(p->dl.deadline, curr->dl.deadline);
}

/* sched_yield(): the rest of this period's budget is given up. */
static void dl_yield(struct rq *rq, struct sched_task *p)
{
	if (p->dl.is_throttled || !p->on_rq)
		return;
	p->dl.runtime = 0;
	throttle(rq, &p->dl);
}

static uint64_t dl_next_event_ns(const struct rq *rq)
{
	const struct sched_task *curr = rq->curr;
	uint64_t next = UINT64_MAX;

	if (!list_empty(&rq->dl.throttled))
		next = list_first_entry(&rq->dl.throttled, struct sched_dl_entity, throttled_link)
			       ->replenish_at_ns;
	if (curr && curr->class == &sched_dl_class && curr->dl.on_rq) {
		uint64_t budget_end =
			rq->clock_ns + (curr->dl.runtime > 0 ? (uint64_t)curr->dl.runtime : 1);

		if (budget_end < next)
			next = budget_end;
	}
	return next;
}

static unsigned int dl_nr_running(const struct rq *rq)
{
	return rq->dl.nr_running;
}

const struct sched_class sched_dl_class = {
	.name = "deadline",
	.rank = 0,
	.enqueue = dl_enqueue,
	.dequeue = dl_dequeue,
	.pick_next = dl_pick_next,
	.set_next = dl_set_next,
	.put_prev = dl_put_prev,
	.update_curr = dl_update_curr,
	.tick = dl_tick,
	.wakeup_preempt = dl_wakeup_preempt,
	.yield = dl_yield,
	.next_event_ns = dl_next_event_ns,
	.nr_running = dl_nr_running,
};
