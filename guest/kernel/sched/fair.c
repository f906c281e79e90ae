/* SCHED_NORMAL, SCHED_BATCH and SCHED_IDLE: EEVDF as Linux 6.6+ has it (the eligible entity with
 * the earliest virtual deadline runs, found in O(log n) in a tree ordered by deadline and augmented
 * with each subtree's minimum vruntime), or classic CFS (smallest vruntime first) to compare with.
 * The running entity is kept out of the tree, as Linux does, and added into the averages by hand. */
#include <vitro/compiler.h>
#include <vitro/sched.h>

#include "internal.h"

/* Linux's kernel/sched/core.c tables: each nice step is a factor of 1.25, nice 0 is 1024. */
const unsigned long sched_nice_to_weight[NICE_WIDTH] = {
	/* -20 */ 88761, 71755, 56483, 46273, 36291,
	/* -15 */ 29154, 23254, 18705, 14949, 11916,
	/* -10 */ 9548,	 7620,	6100,  4904,  3906,
	/*  -5 */ 3121,	 2501,	1991,  1586,  1277,
	/*   0 */ 1024,	 820,	655,   526,   423,
	/*   5 */ 335,	 272,	215,   172,   137,
	/*  10 */ 110,	 87,	70,    56,    45,
	/*  15 */ 36,	 29,	23,    18,    15,
};

const uint32_t sched_nice_to_inv_weight[NICE_WIDTH] = {
	/* -20 */ 48388,     59856,	76040,	   92818,     118348,
	/* -15 */ 147320,    184698,	229616,	   287308,    360437,
	/* -10 */ 449829,    563644,	704093,	   875809,    1099582,
	/*  -5 */ 1376151,   1717300,	2157191,   2708050,   3363326,
	/*   0 */ 4194304,   5237765,	6557202,   8165337,   10153587,
	/*   5 */ 12820798,  15790321,	19976592,  24970740,  31350126,
	/*  10 */ 39045157,  49367440,	61356676,  76695844,  95443717,
	/*  15 */ 119304647, 148102320, 186737708, 238609294, 286331153,
};

static inline struct sched_entity *node_se(const struct rb_node *node)
{
	return rb_entry(node, struct sched_entity, run_node);
}

static inline struct sched_task *se_task(struct sched_entity *se)
{
	return container_of(se, struct sched_task, se);
}

static inline bool is_eevdf(const struct fair_rq *frq)
{
	return frq->mode == SCHED_FAIR_EEVDF;
}

/* --- weights: delta * 1024 / weight as a multiplication by 2^32 / weight ------------------------ */

static inline unsigned int fls32(uint32_t x)
{
	return x ? 32 - (unsigned int)__builtin_clz(x) : 0; /* bsr */
}

/* (a * mul) >> shift for 0 < shift <= 32, in 64-bit halves (no 128-bit arithmetic). */
static inline uint64_t mul_u64_u32_shr(uint64_t a, uint32_t mul, unsigned int shift)
{
	uint64_t low = (uint64_t)(uint32_t)a * mul, high = (a >> 32) * mul;

	return (low >> shift) + (high << (32 - shift));
}

uint64_t fair_calc_delta(uint64_t delta_ns, const struct sched_entity *se)
{
	uint64_t factor;
	unsigned int shift = 32, excess;

	if (likely(se->weight == SCHED_NICE_0_WEIGHT))
		return delta_ns;
	/* 1024 * 2^32 / weight has up to 42 bits: keep the top 32, shift less. */
	factor = (uint64_t)SCHED_NICE_0_WEIGHT * se->inv_weight;
	excess = fls32((uint32_t)(factor >> 32));
	shift -= excess;
	factor >>= excess;
	return mul_u64_u32_shr(delta_ns, (uint32_t)factor, shift);
}

void fair_weight_of(unsigned int policy, int nice, unsigned long *weight, uint32_t *inv_weight)
{
	if (policy == SCHED_IDLE) {
		*weight = SCHED_IDLE_WEIGHT;
		*inv_weight = SCHED_IDLE_INV_WEIGHT;
		return;
	}
	*weight = sched_nice_to_weight[nice - NICE_MIN];
	*inv_weight = sched_nice_to_inv_weight[nice - NICE_MIN];
}

/* --- the tree and the weighted average ----------------------------------------------------------
 * V = min_vruntime + avg_vruntime / avg_load over the tree, plus curr: sums of keys relative to
 * min_vruntime stay small, and moving min_vruntime by d subtracts avg_load * d. */

static inline int64_t entity_key(const struct fair_rq *frq, const struct sched_entity *se)
{
	return (int64_t)(se->vruntime - frq->min_vruntime);
}

static inline bool min_vruntime_update(struct sched_entity *se, bool exit)
{
	uint64_t min = se->vruntime;
	struct rb_node *child;

	child = se->run_node.rb_left;
	if (child && sched_time_before(node_se(child)->min_vruntime, min))
		min = node_se(child)->min_vruntime;
	child = se->run_node.rb_right;
	if (child && sched_time_before(node_se(child)->min_vruntime, min))
		min = node_se(child)->min_vruntime;
	if (exit && se->min_vruntime == min)
		return true;
	se->min_vruntime = min;
	return false;
}

RB_DECLARE_CALLBACKS(static, min_vruntime_callbacks, struct sched_entity, run_node, min_vruntime,
		     min_vruntime_update);

static bool deadline_less(struct rb_node *a, const struct rb_node *b)
{
	return sched_time_before(node_se(a)->deadline, node_se(b)->deadline);
}

static bool vruntime_less(struct rb_node *a, const struct rb_node *b)
{
	return sched_time_before(node_se(a)->vruntime, node_se(b)->vruntime);
}

/* CFS keeps a plain tree: the augmentation is EEVDF's cost, and the comparison should show it. */
static void tree_insert(struct fair_rq *frq, struct sched_entity *se)
{
	frq->avg_vruntime += entity_key(frq, se) * (int64_t)se->weight;
	frq->avg_load += se->weight;
	if (is_eevdf(frq)) {
		se->min_vruntime = se->vruntime;
		rb_add_augmented_cached(&se->run_node, &frq->timeline, deadline_less,
					&min_vruntime_callbacks);
	} else {
		rb_add_cached(&se->run_node, &frq->timeline, vruntime_less);
	}
}

static void tree_erase(struct fair_rq *frq, struct sched_entity *se)
{
	if (is_eevdf(frq))
		rb_erase_augmented_cached(&se->run_node, &frq->timeline, &min_vruntime_callbacks);
	else
		rb_erase_cached(&se->run_node, &frq->timeline);
	frq->avg_vruntime -= entity_key(frq, se) * (int64_t)se->weight;
	frq->avg_load -= se->weight;
}

static inline struct sched_entity *tree_first(const struct fair_rq *frq)
{
	struct rb_node *first = rb_first_cached(&frq->timeline);

	return first ? node_se(first) : NULL;
}

/* The sums of the tree plus curr (unless curr is skip or not queued). */
static inline void queue_sums(const struct fair_rq *frq, const struct sched_entity *skip,
			      int64_t *avg, uint64_t *load)
{
	const struct sched_entity *curr = frq->curr;

	*avg = frq->avg_vruntime;
	*load = frq->avg_load;
	if (curr && curr->on_rq && curr != skip) {
		*avg += entity_key(frq, curr) * (int64_t)curr->weight;
		*load += curr->weight;
	}
}

static inline uint64_t average_of(const struct fair_rq *frq, int64_t avg, uint64_t load)
{
	if (!load)
		return frq->min_vruntime;
	if (avg < 0) /* round down, not towards zero */
		avg -= (int64_t)load - 1;
	return frq->min_vruntime + (uint64_t)(avg / (int64_t)load);
}

uint64_t fair_avg_vruntime(const struct fair_rq *frq)
{
	int64_t avg;
	uint64_t load;

	queue_sums(frq, NULL, &avg, &load);
	return average_of(frq, avg, load);
}

/* vruntime <= V, i.e. (vruntime - min_vruntime) * load <= sum of keys * weights: no division. */
static inline bool vruntime_is_eligible(const struct fair_rq *frq, int64_t avg, uint64_t load,
					uint64_t vruntime)
{
	return avg >= (int64_t)(vruntime - frq->min_vruntime) * (int64_t)load;
}

bool fair_entity_is_eligible(const struct fair_rq *frq, const struct sched_entity *se)
{
	int64_t avg;
	uint64_t load;

	queue_sums(frq, NULL, &avg, &load);
	return vruntime_is_eligible(frq, avg, load, se->vruntime);
}

/* min_vruntime follows the smallest vruntime queued, never backwards. */
static void update_min_vruntime(struct fair_rq *frq)
{
	struct sched_entity *curr = frq->curr;
	struct rb_node *root = frq->timeline.rb_root.rb_node;
	uint64_t vruntime = frq->min_vruntime, delta;
	bool has_candidate = false;

	if (curr && curr->on_rq) {
		vruntime = curr->vruntime;
		has_candidate = true;
	}
	if (root) {
		uint64_t tree_min =
			is_eevdf(frq) ? node_se(root)->min_vruntime : tree_first(frq)->vruntime;

		if (!has_candidate || sched_time_before(tree_min, vruntime))
			vruntime = tree_min;
	}
	if (!sched_time_before(frq->min_vruntime, vruntime))
		return;
	delta = vruntime - frq->min_vruntime;
	frq->avg_vruntime -= (int64_t)(frq->avg_load * delta);
	frq->min_vruntime = vruntime;
}

/* --- EEVDF --------------------------------------------------------------------------------------- */

struct sched_entity *eevdf_pick_next(const struct fair_rq *frq)
{
	struct rb_node *node = frq->timeline.rb_root.rb_node;
	struct sched_entity *first = tree_first(frq), *curr = frq->curr, *best = NULL;
	int64_t avg;
	uint64_t load;

	if (curr && !curr->on_rq)
		curr = NULL;
	if (frq->nr_running == 1)
		return curr ? curr : first;
	queue_sums(frq, NULL, &avg, &load);
	if (curr && !vruntime_is_eligible(frq, avg, load, curr->vruntime))
		curr = NULL;
	if (first && vruntime_is_eligible(frq, avg, load, first->vruntime)) {
		best = first;
		goto found;
	}
	/* Every deadline on the left is earlier: go left while the left subtree has an eligible
	 * entity (its minimum vruntime is eligible); else this node, if eligible; else right. */
	while (node) {
		struct rb_node *left = node->rb_left;
		struct sched_entity *se;

		if (left && vruntime_is_eligible(frq, avg, load, node_se(left)->min_vruntime)) {
			node = left;
			continue;
		}
		se = node_se(node);
		if (vruntime_is_eligible(frq, avg, load, se->vruntime)) {
			best = se;
			break;
		}
		node = node->rb_right;
	}
found:
	if (!best || (curr && sched_time_before(curr->deadline, best->deadline)))
		best = curr;
	return best;
}

/* Lag in virtual time, V - vruntime, clamped to about two slices (Linux's update_entity_lag). */
static void update_entity_lag(struct rq *rq, struct sched_entity *se)
{
	uint64_t span =
		2 * se->slice_ns > rq->params.tick_ns ? 2 * se->slice_ns : rq->params.tick_ns;
	int64_t limit = (int64_t)fair_calc_delta(span, se);
	int64_t lag = (int64_t)(fair_avg_vruntime(&rq->fair) - se->vruntime);

	if (lag > limit)
		lag = limit;
	else if (lag < -limit)
		lag = -limit;
	se->vlag = lag;
}

/* Puts se back with the lag it left with. Joining moves V: with load W of the others and weight
 * w, vruntime = V - vlag * (W + w) / W keeps se's lag exactly vlag after it joins. */
static void place_entity_eevdf(struct rq *rq, struct sched_entity *se, int64_t vlag,
			       unsigned int flags)
{
	struct fair_rq *frq = &rq->fair;
	uint64_t load, vslice;
	int64_t avg, lag = 0;

	queue_sums(frq, se, &avg, &load);
	se->slice_ns = rq->params.base_slice_ns;
	vslice = fair_calc_delta(se->slice_ns, se);
	if (load)
		lag = vlag + vlag * (int64_t)se->weight / (int64_t)load;
	se->vruntime = average_of(frq, avg, load) - (uint64_t)lag;
	/* Newcomers start half-way through a slice, as the others are on average. */
	if (flags & SCHED_ENQUEUE_INITIAL)
		vslice /= 2;
	se->deadline = se->vruntime + vslice;
}

/* A request is used up: the next one starts where it ended (Linux's update_deadline). */
static void update_deadline(struct rq *rq, struct sched_entity *se)
{
	if (sched_time_before(se->vruntime, se->deadline))
		return;
	se->slice_ns = rq->params.base_slice_ns;
	se->deadline = se->vruntime + fair_calc_delta(se->slice_ns, se);
	if (rq->fair.nr_running > 1)
		sched_resched(rq);
}

/* --- CFS ----------------------------------------------------------------------------------------- */

/* se's share of the latency period, which stretches past cfs_latency_ns when many are queued. */
static uint64_t cfs_slice(const struct rq *rq, const struct sched_entity *se)
{
	const struct fair_rq *frq = &rq->fair;
	const struct sched_params *params = &rq->params;
	uint64_t nr = frq->nr_running + !se->on_rq, load = frq->load + (se->on_rq ? 0 : se->weight);
	uint64_t period = params->cfs_latency_ns;

	if (nr * params->cfs_min_granularity_ns > period)
		period = nr * params->cfs_min_granularity_ns;
	return period * se->weight / load;
}

static void place_entity_cfs(struct rq *rq, struct sched_entity *se, unsigned int flags)
{
	struct fair_rq *frq = &rq->fair;
	uint64_t floor;

	se->slice_ns = cfs_slice(rq, se);
	if (flags & SCHED_ENQUEUE_INITIAL) {
		/* START_DEBIT: a new task waits for one virtual slice. */
		se->vruntime = frq->min_vruntime + fair_calc_delta(se->slice_ns, se);
		return;
	}
	if (!(flags & (SCHED_ENQUEUE_WAKEUP | SCHED_ENQUEUE_RESTORE)))
		return;
	/* GENTLE_FAIR_SLEEPERS: a sleeper's credit is at most half a latency period. */
	floor = frq->min_vruntime - rq->params.cfs_latency_ns / 2;
	if (sched_time_before(se->vruntime, floor))
		se->vruntime = floor;
}

/* --- the class ----------------------------------------------------------------------------------- */

void fair_rq_init(struct fair_rq *frq, enum sched_fair_mode mode)
{
	frq->timeline = RB_ROOT_CACHED;
	frq->curr = NULL;
	frq->min_vruntime = 0;
	frq->avg_vruntime = 0;
	frq->avg_load = 0;
	frq->load = 0;
	frq->nr_running = 0;
	frq->mode = mode;
}

static void fair_enqueue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	struct fair_rq *frq = &rq->fair;
	struct sched_entity *se = &p->se;

	if (is_eevdf(frq))
		place_entity_eevdf(rq, se, se->vlag, flags);
	else
		place_entity_cfs(rq, se, flags);
	frq->load += se->weight;
	frq->nr_running++;
	se->on_rq = true;
	/* A running task that was dequeued and is queued again before it was switched out stays
	 * out of the tree as curr. */
	if (frq->curr != se)
		tree_insert(frq, se);
}

static void fair_dequeue(struct rq *rq, struct sched_task *p, unsigned int flags)
{
	struct fair_rq *frq = &rq->fair;
	struct sched_entity *se = &p->se;

	(void)flags;
	if (is_eevdf(frq))
		update_entity_lag(rq, se);
	if (frq->curr != se)
		tree_erase(frq, se);
	se->on_rq = false;
	frq->load -= se->weight;
	frq->nr_running--;
	update_min_vruntime(frq);
}

static struct sched_task *fair_pick_next(struct rq *rq)
{
	struct sched_entity *se;

	if (is_eevdf(&rq->fair))
		se = eevdf_pick_next(&rq->fair);
	else
		se = tree_first(&rq->fair);
	return se ? se_task(se) : NULL;
}

static void fair_set_next(struct rq *rq, struct sched_task *p)
{
	struct sched_entity *se = &p->se;

	if (se->on_rq)
		tree_erase(&rq->fair, se);
	rq->fair.curr = se;
	se->prev_sum_exec_ns = p->sum_exec_runtime_ns;
}

static void fair_put_prev(struct rq *rq, struct sched_task *p)
{
	struct sched_entity *se = &p->se;

	if (se->on_rq)
		tree_insert(&rq->fair, se);
	rq->fair.curr = NULL;
}

static void fair_update_curr(struct rq *rq, struct sched_task *p, uint64_t delta_ns)
{
	struct sched_entity *se = &p->se;

	se->vruntime += fair_calc_delta(delta_ns, se);
	if (is_eevdf(&rq->fair))
		update_deadline(rq, se);
	update_min_vruntime(&rq->fair);
}

/* EEVDF: the deadline passing was handled by update_curr; a curr that is no longer eligible
 * gives way too. CFS: Linux's check_preempt_tick. */
static void fair_tick(struct rq *rq, struct sched_task *p)
{
	struct fair_rq *frq = &rq->fair;
	struct sched_entity *se = &p->se, *first;
	uint64_t ideal, ran;

	if (frq->nr_running < 2 || !se->on_rq)
		return;
	if (is_eevdf(frq)) {
		if (!fair_entity_is_eligible(frq, se))
			sched_resched(rq);
		return;
	}
	ideal = cfs_slice(rq, se);
	ran = p->sum_exec_runtime_ns - se->prev_sum_exec_ns;
	if (ran > ideal) {
		sched_resched(rq);
		return;
	}
	if (ran < rq->params.cfs_min_granularity_ns)
		return;
	first = tree_first(frq);
	if (first && (int64_t)(se->vruntime - first->vruntime) > (int64_t)ideal)
		sched_resched(rq);
}

static bool fair_wakeup_preempt(struct rq *rq, struct sched_task *p)
{
	struct sched_task *curr = rq->curr;
	int64_t lead;

	/* SCHED_IDLE gives way to any other fair task at once and never preempts one; BATCH and
	 * IDLE wakers never preempt (Linux's check_preempt_wakeup_fair). */
	if (curr->policy == SCHED_IDLE && p->policy != SCHED_IDLE)
		return true;
	if (p->policy != SCHED_NORMAL)
		return false;
	if (is_eevdf(&rq->fair))
		return eevdf_pick_next(&rq->fair) == &p->se;
	lead = (int64_t)(curr->se.vruntime - p->se.vruntime);
	return lead > 0 &&
	       (uint64_t)lead > fair_calc_delta(rq->params.cfs_wakeup_granularity_ns, &p->se);
}

/* EEVDF: the rest of the request is given up (the deadline moves one slice later). CFS: to the
 * back of the queue, behind the largest vruntime. */
static void fair_yield(struct rq *rq, struct sched_task *p)
{
	struct sched_entity *se = &p->se;
	struct rb_node *last;

	if (is_eevdf(&rq->fair)) {
		se->deadline += fair_calc_delta(se->slice_ns, se);
		return;
	}
	last = rb_last(&rq->fair.timeline.rb_root);
	if (last && sched_time_before(se->vruntime, node_se(last)->vruntime))
		se->vruntime = node_se(last)->vruntime;
}

/* When curr's request (EEVDF) or share of the period (CFS) runs out. */
static uint64_t fair_next_event_ns(const struct rq *rq)
{
	const struct sched_task *curr = rq->curr;
	const struct sched_entity *se;
	uint64_t left_ns;

	if (!curr || curr->class != &sched_fair_class || rq->fair.nr_running < 2 || !curr->se.on_rq)
		return UINT64_MAX;
	se = &curr->se;
	if (is_eevdf(&rq->fair)) {
		uint64_t vleft = sched_time_before(se->vruntime, se->deadline) ?
					 se->deadline - se->vruntime :
					 0;

		/* Rounded up, plus the inverse weight's error (under 2^-15): charging this much
		 * really ends the request. */
		left_ns = (vleft * se->weight + SCHED_NICE_0_WEIGHT - 1) / SCHED_NICE_0_WEIGHT;
		left_ns += 1 + (left_ns >> 15);
	} else {
		uint64_t ideal = cfs_slice(rq, se),
			 ran = curr->sum_exec_runtime_ns - se->prev_sum_exec_ns;

		left_ns = ran < ideal ? ideal - ran : 1;
	}
	return rq->clock_ns + left_ns;
}

static unsigned int fair_nr_running(const struct rq *rq)
{
	return rq->fair.nr_running;
}

const struct sched_class sched_fair_class = {
	.name = "fair",
	.rank = 2,
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.set_next = fair_set_next,
	.put_prev = fair_put_prev,
	.update_curr = fair_update_curr,
	.tick = fair_tick,
	.wakeup_preempt = fair_wakeup_preempt,
	.yield = fair_yield,
	.next_event_ns = fair_next_event_ns,
	.nr_running = fair_nr_running,
};

/* --- weight changes and migration ---------------------------------------------------------------- */

static inline int64_t scale_by_weights(int64_t value, unsigned long from, unsigned long to)
{
	return value * (int64_t)from / (int64_t)to;
}

void fair_reweight(struct rq *rq, struct sched_task *p, unsigned long weight, uint32_t inv_weight)
{
	struct fair_rq *frq = &rq->fair;
	struct sched_entity *se = &p->se;
	bool is_queued = se->on_rq && p->class == &sched_fair_class;
	bool is_curr = frq->curr == se;
	int64_t vlag = 0, rel_deadline = 0;

	if (!is_queued) {
		/* lag = weight * vlag is what is kept across sleep, so vlag scales. */
		se->vlag = scale_by_weights(se->vlag, se->weight, weight);
		se->weight = weight;
		se->inv_weight = inv_weight;
		return;
	}
	if (is_eevdf(frq)) {
		vlag = (int64_t)(fair_avg_vruntime(frq) - se->vruntime);
		rel_deadline = (int64_t)(se->deadline - se->vruntime);
	}
	if (!is_curr)
		tree_erase(frq, se);
	frq->load -= se->weight;
	if (is_eevdf(frq)) {
		uint64_t load;
		int64_t avg, lag = 0;

		vlag = scale_by_weights(vlag, se->weight, weight);
		rel_deadline = scale_by_weights(rel_deadline, se->weight, weight);
		queue_sums(frq, se, &avg, &load);
		if (load)
			lag = vlag + vlag * (int64_t)weight / (int64_t)load;
		se->vruntime = average_of(frq, avg, load) - (uint64_t)lag;
		se->deadline = se->vruntime + (uint64_t)rel_deadline;
	}
	se->weight = weight;
	se->inv_weight = inv_weight;
	frq->load += weight;
	if (!is_curr)
		tree_insert(frq, se);
	update_min_vruntime(frq);
}

void fair_migrate(struct rq *src, struct rq *dst, struct sched_task *p)
{
	/* EEVDF's vlag is relative to V already; CFS's vruntime is rebased. */
	if (dst->fair.mode == SCHED_FAIR_CFS)
		p->se.vruntime = p->se.vruntime - src->fair.min_vruntime + dst->fair.min_vruntime;
}
