/* The fair class (guest/kernel/sched/fair.c) under simulated time: CPU shares by weight under
 * EEVDF and CFS, EEVDF's invariants (lag sums to zero, the augmented pick equals a brute-force
 * scan, lag survives sleep and reweighting) and the placement and preemption rules. */
#include <vitro/errno.h>
#include <vitro/sched.h>

#include "unit.h"

#define MS NSEC_PER_MSEC
#define MAX_TASKS 32

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
}

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rng_range(uint64_t low, uint64_t high)
{
	return low + rng_next() % (high - low + 1);
}

struct sim {
	struct rq rq;
	struct sched_task idle;
	struct sched_task task[MAX_TASKS];
	unsigned int nr_tasks;
};

static struct sim sim;

static void sim_init(enum sched_fair_mode mode)
{
	struct sched_params params;

	sched_params_default(&params);
	params.fair_mode = mode;
	sched_task_init(&sim.idle);
	sched_rq_init(&sim.rq, 0, &params, &sim.idle);
	sim.nr_tasks = 0;
}

/* A new SCHED_NORMAL task at nice, made runnable. */
static struct sched_task *sim_spawn(int nice)
{
	struct sched_task *p = &sim.task[sim.nr_tasks++];

	sched_task_init(p);
	sched_task_set_nice(&sim.rq, p, nice);
	sched_wakeup_new(&sim.rq, p);
	return p;
}

static void sim_schedule_if_needed(void)
{
	if (sim.rq.need_resched)
		sched_pick_next(&sim.rq);
}

/* Runs the CPU to end_ns with ticks of random length in [min_tick, max_tick]. */
static void sim_run(uint64_t end_ns, uint64_t min_tick, uint64_t max_tick)
{
	struct rq *rq = &sim.rq;

	sim_schedule_if_needed();
	while (rq->clock_ns < end_ns) {
		uint64_t next = rq->clock_ns + rng_range(min_tick, max_tick);

		sched_rq_clock_update(rq, next < end_ns ? next : end_ns);
		if (sched_tick(rq))
			sched_pick_next(rq);
	}
}

static bool time_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static bool is_queued_fair(const struct sched_task *p)
{
	return p->on_rq && p->class == &sched_fair_class && p->se.on_rq;
}

/* Lag of se against V, in weighted time: weight * (V - vruntime). */
static int64_t weighted_lag(const struct sched_entity *se)
{
	return (int64_t)se->weight * (int64_t)(fair_avg_vruntime(&sim.rq.fair) - se->vruntime);
}

/* --- shares -------------------------------------------------------------------------------- */

static const int share_nices[] = { 0, 5, -5, 10, 19 };

/* 1000 s of simulated time in ticks of 1-4 ms: each task's CPU time is its weight's share of
 * the total within 1% of that share. */
static void check_shares_follow_weights(enum sched_fair_mode mode)
{
	const uint64_t total_ns = 1000 * NSEC_PER_SEC;
	uint64_t weight_sum = 0;
	unsigned int i;

	rng_seed(mode + 1);
	sim_init(mode);
	for (i = 0; i < ARRAY_SIZE(share_nices); i++) {
		sim_spawn(share_nices[i]);
		weight_sum += sched_nice_to_weight[share_nices[i] + 20];
	}
	sim_run(total_ns, 1 * MS, 4 * MS);
	for (i = 0; i < ARRAY_SIZE(share_nices); i++) {
		double expected =
			(double)total_ns * sched_nice_to_weight[share_nices[i] + 20] / weight_sum;
		double got = (double)sim.task[i].sum_exec_runtime_ns;

		if (got < expected * 0.99 || got > expected * 1.01)
			UNIT_FAIL("%s nice %d: %.4f s of CPU, expected %.4f s (+-1%%)",
				  mode == SCHED_FAIR_EEVDF ? "EEVDF" : "CFS", share_nices[i],
				  got / 1e9, expected / 1e9);
	}
}

static void test_eevdf_cpu_time_is_proportional_to_weight(void)
{
	check_shares_follow_weights(SCHED_FAIR_EEVDF);
}

static void test_cfs_cpu_time_is_proportional_to_weight(void)
{
	check_shares_follow_weights(SCHED_FAIR_CFS);
}

static void test_sched_weights_follow_linux_nice_table(void)
{
	struct sched_entity se = { 0 };
	unsigned int i;

	EXPECT_EQ(sched_nice_to_weight[0 + 20], 1024);
	EXPECT_EQ(sched_nice_to_weight[5 + 20], 335);
	EXPECT_EQ(sched_nice_to_weight[-5 + 20], 3121);
	EXPECT_EQ(sched_nice_to_weight[-20 + 20], 88761);
	EXPECT_EQ(sched_nice_to_weight[19 + 20], 15);
	for (i = 0; i < NICE_WIDTH; i++) {
		uint64_t product = (uint64_t)sched_nice_to_weight[i] * sched_nice_to_inv_weight[i];

		if (product > (1ull << 32) + sched_nice_to_weight[i] ||
		    product + sched_nice_to_weight[i] < (1ull << 32))
			UNIT_FAIL("nice %d: inverse weight %u is not 2^32 / %lu", (int)i - 20,
				  sched_nice_to_inv_weight[i], sched_nice_to_weight[i]);
		if (i && sched_nice_to_weight[i] >= sched_nice_to_weight[i - 1])
			UNIT_FAIL("nice %d weighs no less than nice %d", (int)i - 20, (int)i - 21);
	}
	/* vruntime advances by delta * 1024 / weight, within 0.01%, without a division. */
	for (i = 0; i < NICE_WIDTH; i++) {
		uint64_t delta = 7 * MS + i * 12345, exact;
		uint64_t got;

		se.weight = sched_nice_to_weight[i];
		se.inv_weight = sched_nice_to_inv_weight[i];
		exact = delta * 1024 / se.weight;
		got = fair_calc_delta(delta, &se);
		if (got > exact + exact / 10000 + 1 || got + exact / 10000 + 1 < exact)
			UNIT_FAIL("nice %d: %llu ns is %llu virtual ns, expected %llu", (int)i - 20,
				  (unsigned long long)delta, (unsigned long long)got,
				  (unsigned long long)exact);
	}
}

/* --- invariants after random operations ------------------------------------------------------ */

/* Whether se is eligible, computed exactly: sum over queued j of w_j * (v_j - v_se) >= 0. */
static bool brute_is_eligible(const struct sched_entity *se)
{
	__int128 sum = 0;
	unsigned int i;

	for (i = 0; i < sim.nr_tasks; i++) {
		const struct sched_task *p = &sim.task[i];

		if (is_queued_fair(p))
			sum += (__int128)p->se.weight * (int64_t)(p->se.vruntime - se->vruntime);
	}
	return sum >= 0;
}

static uint64_t check_subtree(const struct rb_node *node, unsigned int *count, bool *ok)
{
	const struct sched_entity *se = rb_entry(node, struct sched_entity, run_node);
	uint64_t min = se->vruntime;

	(*count)++;
	if (node->rb_left) {
		uint64_t left = check_subtree(node->rb_left, count, ok);
		const struct sched_entity *l =
			rb_entry(node->rb_left, struct sched_entity, run_node);

		if ((int64_t)(left - min) < 0)
			min = left;
		if ((int64_t)(l->deadline - se->deadline) > 0)
			*ok = false;
	}
	if (node->rb_right) {
		uint64_t right = check_subtree(node->rb_right, count, ok);
		const struct sched_entity *r =
			rb_entry(node->rb_right, struct sched_entity, run_node);

		if ((int64_t)(right - min) < 0)
			min = right;
		if ((int64_t)(r->deadline - se->deadline) < 0)
			*ok = false;
	}
	if (se->min_vruntime != min)
		*ok = false;
	return min;
}

/* The run queue's bookkeeping against a recount from the tasks; false after reporting. */
static bool check_fair_invariants(const char *when)
{
	const struct fair_rq *frq = &sim.rq.fair;
	int64_t avg = 0;
	uint64_t avg_load = 0, load = 0, vavg;
	unsigned int i, nr = 0, tree_count = 0;
	__int128 lag_sum = 0;
	bool tree_ok = true;

	for (i = 0; i < sim.nr_tasks; i++) {
		const struct sched_entity *se = &sim.task[i].se;

		if (!is_queued_fair(&sim.task[i]))
			continue;
		nr++;
		load += se->weight;
		if (se != frq->curr) {
			avg += (int64_t)(se->vruntime - frq->min_vruntime) * (int64_t)se->weight;
			avg_load += se->weight;
		}
	}
	if (frq->nr_running != nr || frq->load != load || frq->avg_load != avg_load ||
	    frq->avg_vruntime != avg) {
		UNIT_FAIL("%s: run queue says %u entities, load %llu, sums %lld/%llu; recount %u, "
			  "%llu, %lld/%llu",
			  when, frq->nr_running, (unsigned long long)frq->load,
			  (long long)frq->avg_vruntime, (unsigned long long)frq->avg_load, nr,
			  (unsigned long long)load, (long long)avg, (unsigned long long)avg_load);
		return false;
	}
	if (frq->timeline.rb_root.rb_node)
		check_subtree(frq->timeline.rb_root.rb_node, &tree_count, &tree_ok);
	if (!tree_ok || tree_count != nr - (frq->curr && frq->curr->on_rq)) {
		UNIT_FAIL(
			"%s: tree out of order or wrong minimum vruntime (%u nodes for %u queued)",
			when, tree_count, nr);
		return false;
	}
	/* V is rounded down, so the weighted lags sum to a value in (-load, 0]. */
	vavg = fair_avg_vruntime(frq);
	for (i = 0; i < sim.nr_tasks; i++) {
		const struct sched_entity *se = &sim.task[i].se;

		if (is_queued_fair(&sim.task[i]))
			lag_sum += (__int128)se->weight * (int64_t)(vavg - se->vruntime);
	}
	if (lag_sum > 0 || lag_sum <= -(__int128)(load ? load : 1)) {
		UNIT_FAIL("%s: weighted lags sum to %lld with load %llu", when, (long long)lag_sum,
			  (unsigned long long)load);
		return false;
	}
	return true;
}

/* EEVDF's augmented-tree pick against a scan of every queued entity. */
static bool check_pick_matches_scan(const char *when)
{
	const struct sched_entity *picked = eevdf_pick_next(&sim.rq.fair), *best = NULL;
	unsigned int i;

	for (i = 0; i < sim.nr_tasks; i++) {
		const struct sched_entity *se = &sim.task[i].se;

		if (!is_queued_fair(&sim.task[i]) || !brute_is_eligible(se))
			continue;
		if (!best || (int64_t)(se->deadline - best->deadline) < 0)
			best = se;
	}
	if (!best && !picked)
		return true;
	if (!best || !picked || picked->deadline != best->deadline || !brute_is_eligible(picked)) {
		UNIT_FAIL("%s: picked %p (deadline %llu), scan found %p (deadline %llu)", when,
			  (const void *)picked, picked ? (unsigned long long)picked->deadline : 0,
			  (const void *)best, best ? (unsigned long long)best->deadline : 0);
		return false;
	}
	return true;
}

/* One random operation on sim: run, sleep, wake, renice, yield or spawn. */
static void random_step(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *p = &sim.task[rng_next() % sim.nr_tasks];
	unsigned int op = rng_next() % 100;

	if (op < 40) {
		sched_rq_clock_update(rq, rq->clock_ns + rng_range(50 * 1000, 4 * MS));
		if (sched_tick(rq) || op < 10)
			sched_pick_next(rq);
	} else if (op < 60) {
		if (p->on_rq) {
			sched_dequeue(rq, p, SCHED_DEQUEUE_SLEEP);
			if (rq->curr == p)
				sched_pick_next(rq);
		}
	} else if (op < 85) {
		if (!p->on_rq && sched_wakeup(rq, p))
			sched_pick_next(rq);
	} else if (op < 95) {
		sched_task_set_nice(rq, p, (int)rng_range(0, 39) - 20);
		sim_schedule_if_needed();
	} else if (op < 98) {
		sched_yield(rq);
		sched_pick_next(rq);
	} else if (sim.nr_tasks < MAX_TASKS) {
		sim_spawn((int)rng_range(0, 39) - 20);
		sim_schedule_if_needed();
	}
}

static void random_run(uint64_t seed, unsigned int steps, bool (*check)(const char *))
{
	char when[64];
	unsigned int i;

	rng_seed(seed);
	sim_init(SCHED_FAIR_EEVDF);
	for (i = 0; i < 8; i++)
		sim_spawn((int)rng_range(0, 39) - 20);
	sim_schedule_if_needed();
	for (i = 0; i < steps; i++) {
		random_step();
		snprintf(when, sizeof(when), "seed %llu step %u", (unsigned long long)seed, i);
		if (!check(when))
			return;
	}
}

static void test_eevdf_lag_sums_to_zero_after_random_operations(void)
{
	uint64_t seed;

	for (seed = 1; seed <= 10; seed++)
		random_run(seed, 5000, check_fair_invariants);
}

static void test_eevdf_pick_equals_brute_force_scan_after_random_operations(void)
{
	uint64_t seed;

	for (seed = 100; seed < 110; seed++)
		random_run(seed, 5000, check_pick_matches_scan);
}

/* --- lag across sleep and reweighting --------------------------------------------------------- */

/* Four tasks run a while; one stops with its lag. After the others run on, it wakes with the
 * same lag (within rounding), so it is as eligible as it was. */
static void test_eevdf_sleep_preserves_lag(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *sleeper;
	unsigned int trial, nr_positive = 0, nr_negative = 0;

	for (trial = 0; trial < 40; trial++) {
		int64_t vlag, after;

		rng_seed(trial + 7);
		sim_init(SCHED_FAIR_EEVDF);
		sim_spawn(0);
		sim_spawn(3);
		sim_spawn(-2);
		sleeper = sim_spawn((int)rng_range(0, 10) - 5);
		sim_run(rng_range(20, 200) * MS, 1 * MS, 4 * MS);
		sched_dequeue(rq, sleeper, SCHED_DEQUEUE_SLEEP);
		vlag = sleeper->se.vlag;
		sim_schedule_if_needed();
		sim_run(rq->clock_ns + rng_range(1, 500) * MS, 1 * MS, 4 * MS);
		sched_wakeup(rq, sleeper);
		after = (int64_t)(fair_avg_vruntime(&rq->fair) - sleeper->se.vruntime);
		/* Rounding: V is rounded down and the placement divides once by the load. */
		if (after > vlag + 4 || after < vlag - 4)
			UNIT_FAIL("trial %u: left with lag %lld, came back with %lld", trial,
				  (long long)vlag, (long long)after);
		if (vlag > 0 && !fair_entity_is_eligible(&rq->fair, &sleeper->se))
			UNIT_FAIL("trial %u: positive lag %lld but not eligible", trial,
				  (long long)vlag);
		nr_positive += vlag > 0;
		nr_negative += vlag < 0;
	}
	/* Both signs were exercised. */
	EXPECT_TRUE(nr_positive > 0);
	EXPECT_TRUE(nr_negative > 0);
}

/* V must not move when one entity's weight changes with its lag kept. Integer vruntimes are
 * off by a few ns after the change, which moves V by that much times w' / (load of the
 * others). */
static void check_reweight_keeps_lag(bool of_running)
{
	struct rq *rq = &sim.rq;
	struct sched_task *p;
	unsigned int trial;

	for (trial = 0; trial < 20; trial++) {
		int64_t before, after;
		uint64_t vavg_before, slack;
		int new_nice;

		rng_seed(trial + 1000 + of_running);
		sim_init(SCHED_FAIR_EEVDF);
		sim_spawn(0);
		sim_spawn(7);
		sim_spawn(-3);
		sim_run(rng_range(10, 100) * MS, 1 * MS, 4 * MS);
		p = of_running ? rq->curr : &sim.task[rng_next() % 3];
		if (!of_running && p == rq->curr)
			p = &sim.task[(p - sim.task + 1) % 3];
		sched_update_curr(rq);
		before = weighted_lag(&p->se);
		vavg_before = fair_avg_vruntime(&rq->fair);
		new_nice = p->nice + (int)rng_range(1, 10) * (rng_next() & 1 ? 1 : -1);
		sched_task_set_nice(rq, p, new_nice);
		after = weighted_lag(&p->se);
		/* lag = w * (V - v): rounding of vruntime costs up to a few weights. */
		if (after - before > 8 * (int64_t)p->se.weight ||
		    before - after > 8 * (int64_t)p->se.weight)
			UNIT_FAIL("trial %u: weighted lag %lld became %lld at nice %d", trial,
				  (long long)before, (long long)after, p->nice);
		slack = 2 + 4 * p->se.weight / (rq->fair.load - p->se.weight);
		if (fair_avg_vruntime(&rq->fair) + slack < vavg_before ||
		    fair_avg_vruntime(&rq->fair) > vavg_before + slack)
			UNIT_FAIL("trial %u: V moved from %llu to %llu", trial,
				  (unsigned long long)vavg_before,
				  (unsigned long long)fair_avg_vruntime(&rq->fair));
		check_fair_invariants("after reweight");
	}
}

static void test_eevdf_reweight_of_queued_task_keeps_its_lag_and_v(void)
{
	check_reweight_keeps_lag(false);
}

static void test_eevdf_reweight_of_running_task_keeps_its_lag_and_v(void)
{
	check_reweight_keeps_lag(true);
}

static void test_eevdf_reweight_while_asleep_scales_virtual_lag(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *p;

	sim_init(SCHED_FAIR_EEVDF);
	p = sim_spawn(0);
	sim_spawn(0);
	sched_dequeue(rq, p, SCHED_DEQUEUE_SLEEP);
	p->se.vlag = 3000000;
	sched_task_set_nice(rq, p, 5); /* 1024 -> 335: the same lag is 1024/335 more vruntime */
	EXPECT_EQ(p->se.vlag, 3000000ll * 1024 / 335);
	EXPECT_EQ(p->se.weight, 335);
}

/* --- placement and preemption ---------------------------------------------------------------- */

/* A task waking with positive lag is eligible at once, and is picked before the run queue's
 * virtual time V passes its virtual deadline. The CPU is interrupted when the running request
 * ends (sched_next_event_ns, Linux's HRTICK) or at a 1-4 ms tick, whichever is first: with
 * ticks alone a request overshoots by up to a tick, and so may V (EEVDF's bound is deadline
 * plus one quantum). */
static void test_eevdf_waking_task_with_positive_lag_runs_before_its_deadline(void)
{
	struct rq *rq = &sim.rq;
	unsigned int trial, nr_checked = 0;

	for (trial = 0; trial < 400 && nr_checked < 100; trial++) {
		struct sched_task *sleeper;
		uint64_t deadline, woke_at;
		bool ran = false;
		unsigned int i;

		rng_seed(trial + 500);
		sim_init(SCHED_FAIR_EEVDF);
		for (i = 0; i < 4; i++)
			sim_spawn((int)rng_range(0, 6) - 3);
		sleeper = sim_spawn(0);
		sim_run(rng_range(10, 100) * MS, 1 * MS, 4 * MS);
		if (rq->curr == sleeper || weighted_lag(&sleeper->se) <= 0)
			continue; /* only waiting tasks with positive lag */
		sched_dequeue(rq, sleeper, SCHED_DEQUEUE_SLEEP);
		sim_run(rq->clock_ns + rng_range(1, 50) * MS, 1 * MS, 4 * MS);
		if (sched_wakeup(rq, sleeper))
			sched_pick_next(rq);
		nr_checked++;
		if (!fair_entity_is_eligible(&rq->fair, &sleeper->se)) {
			UNIT_FAIL("trial %u: woke with lag %lld but is not eligible", trial,
				  (long long)sleeper->se.vlag);
			continue;
		}
		deadline = sleeper->se.deadline;
		woke_at = rq->clock_ns;
		while (!ran && !time_before(deadline, fair_avg_vruntime(&rq->fair)) &&
		       rq->clock_ns - woke_at < NSEC_PER_SEC) {
			uint64_t next = rq->clock_ns + rng_range(1 * MS, 4 * MS);

			ran = rq->curr == sleeper;
			if (sched_next_event_ns(rq) <= rq->clock_ns) {
				UNIT_FAIL("trial %u: next event %llu is not after the clock %llu",
					  trial, (unsigned long long)sched_next_event_ns(rq),
					  (unsigned long long)rq->clock_ns);
				return;
			}
			if (sched_next_event_ns(rq) < next)
				next = sched_next_event_ns(rq);
			sched_rq_clock_update(rq, next);
			if (sched_tick(rq))
				sched_pick_next(rq);
		}
		if (!ran)
			UNIT_FAIL("trial %u: V passed the woken task's deadline %llu before it ran",
				  trial, (unsigned long long)deadline);
	}
	EXPECT_EQ(nr_checked, 100);
}

static void test_eevdf_new_task_starts_at_v_with_half_a_slice(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *p;
	uint64_t vavg;

	sim_init(SCHED_FAIR_EEVDF);
	sim_spawn(0);
	sim_spawn(-4);
	sim_run(37 * MS, 1 * MS, 3 * MS);
	sched_update_curr(rq);
	vavg = fair_avg_vruntime(&rq->fair);
	p = sim_spawn(5);
	EXPECT_EQ(p->se.vruntime, vavg);
	EXPECT_EQ(p->se.deadline - p->se.vruntime, fair_calc_delta(3 * MS, &p->se) / 2);
}

/* Every entity that runs soon passes V: two newcomers at the same vruntime take turns at
 * the first tick, before either request (half a slice, 1.5 ms) is used. */
static void test_eevdf_tick_preempts_a_task_no_longer_eligible(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *first;

	sim_init(SCHED_FAIR_EEVDF);
	sim_spawn(0);
	sim_spawn(0);
	first = sched_pick_next(rq);
	sched_rq_clock_update(rq, 1 * MS);
	EXPECT_TRUE(sched_tick(rq));
	EXPECT_FALSE(fair_entity_is_eligible(&rq->fair, &first->se));
	EXPECT_TRUE(time_before(first->se.vruntime, first->se.deadline));
	EXPECT_TRUE(sched_pick_next(rq) != first);
	/* The other one is behind V for another 1 ms. */
	sched_rq_clock_update(rq, 1 * MS + 900 * 1000);
	EXPECT_FALSE(sched_tick(rq));
}

/* A task that woke well behind V stays eligible while it runs, and the tick takes the CPU
 * back when its request of one slice (3 ms) is used, with the next request set. */
static void test_eevdf_tick_preempts_when_the_slice_is_used(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *behind;
	unsigned int ms;

	sim_init(SCHED_FAIR_EEVDF);
	sim_spawn(0);
	behind = sim_spawn(0);
	sched_pick_next(rq);
	if (rq->curr == behind)
		behind = &sim.task[0];
	sched_dequeue(rq, behind, SCHED_DEQUEUE_SLEEP);
	behind->se.vlag = (int64_t)fair_calc_delta(6 * MS, &behind->se); /* the clamp: 2 slices */
	EXPECT_TRUE(sched_wakeup(rq, behind));
	EXPECT_TRUE(sched_pick_next(rq) == behind);
	for (ms = 1; ms <= 3; ms++) {
		sched_rq_clock_update(rq, ms * MS);
		EXPECT_EQ(sched_tick(rq), ms == 3);
		EXPECT_TRUE(fair_entity_is_eligible(&rq->fair, &behind->se));
	}
	EXPECT_EQ(behind->se.deadline, behind->se.vruntime + 3 * MS);
}

static void test_eevdf_alone_task_is_never_preempted_by_the_tick(void)
{
	struct rq *rq = &sim.rq;
	unsigned int i;

	sim_init(SCHED_FAIR_EEVDF);
	sim_spawn(0);
	sched_pick_next(rq);
	for (i = 1; i <= 100; i++) {
		sched_rq_clock_update(rq, i * 4 * MS);
		EXPECT_FALSE(sched_tick(rq));
	}
	EXPECT_EQ(rq->nr_switches, 1);
}

/* A waking task preempts when it is eligible with the earliest deadline, not otherwise. */
static void test_eevdf_wakeup_preempts_only_with_earlier_eligible_deadline(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *runner, *waker;

	sim_init(SCHED_FAIR_EEVDF);
	runner = sim_spawn(0);
	waker = sim_spawn(0);
	sched_pick_next(rq);
	if (rq->curr != runner)
		sched_pick_next(rq); /* whichever; name the running one */
	runner = rq->curr;
	waker = runner == &sim.task[0] ? &sim.task[1] : &sim.task[0];
	sched_dequeue(rq, waker, SCHED_DEQUEUE_SLEEP);
	/* The waker left with positive lag: it wakes eligible with the earlier deadline. */
	waker->se.vlag = (int64_t)fair_calc_delta(2 * MS, &waker->se);
	sched_rq_clock_update(rq, rq->clock_ns + 500 * 1000);
	EXPECT_TRUE(sched_wakeup(rq, waker));
	EXPECT_TRUE(sched_pick_next(rq) == waker);
	/* Now the other one sleeps and comes back with negative lag: not eligible, no preemption. */
	sched_dequeue(rq, runner, SCHED_DEQUEUE_SLEEP);
	runner->se.vlag = -(int64_t)fair_calc_delta(2 * MS, &runner->se);
	sched_rq_clock_update(rq, rq->clock_ns + 100 * 1000);
	EXPECT_FALSE(sched_wakeup(rq, runner));
	EXPECT_FALSE(fair_entity_is_eligible(&rq->fair, &runner->se));
}

/* A SCHED_IDLE task gives way to a waking SCHED_NORMAL task at once, and gets weight 3. */
static void test_sched_idle_policy_yields_to_normal_and_weighs_three(void)
{
	struct sched_attr attr = { .size = sizeof(attr), .sched_policy = SCHED_IDLE };
	struct rq *rq = &sim.rq;
	struct sched_task *background, *normal;

	sim_init(SCHED_FAIR_EEVDF);
	background = &sim.task[sim.nr_tasks++];
	sched_task_init(background);
	EXPECT_EQ(sched_task_set_attr(rq, background, &attr), 0);
	EXPECT_EQ(background->se.weight, SCHED_IDLE_WEIGHT);
	sched_wakeup_new(rq, background);
	sched_pick_next(rq);
	normal = sim_spawn(0);
	sched_dequeue(rq, normal, SCHED_DEQUEUE_SLEEP);
	sim_run(50 * MS, 1 * MS, 1 * MS);
	EXPECT_TRUE(rq->curr == background);
	EXPECT_TRUE(sched_wakeup(rq, normal));
	sched_pick_next(rq);
	EXPECT_TRUE(rq->curr == normal);
	/* And the reverse: the idle-policy task waking does not preempt. */
	sched_dequeue(rq, background, SCHED_DEQUEUE_SLEEP);
	sched_rq_clock_update(rq, rq->clock_ns + 10 * MS);
	EXPECT_FALSE(sched_wakeup(rq, background));
}

/* CFS: a sleeper's credit is at most half the latency period; a new task starts one virtual
 * slice after min_vruntime; the pick is the smallest vruntime. */
static void test_cfs_sleeper_credit_is_half_a_latency_period(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *sleeper, *p;
	uint64_t vmin;

	sim_init(SCHED_FAIR_CFS);
	sim_spawn(0);
	sim_spawn(0);
	sleeper = sim_spawn(0);
	sim_run(20 * MS, 1 * MS, 1 * MS);
	if (rq->curr == sleeper)
		sched_pick_next(rq);
	sched_dequeue(rq, sleeper, SCHED_DEQUEUE_SLEEP);
	sim_schedule_if_needed();
	sim_run(2 * NSEC_PER_SEC, 1 * MS, 4 * MS);
	sched_update_curr(rq);
	vmin = rq->fair.min_vruntime;
	sched_wakeup(rq, sleeper);
	EXPECT_EQ(sleeper->se.vruntime, vmin - 24 * MS / 2);
	/* It has the smallest vruntime, so CFS picks it. */
	EXPECT_TRUE(sched_pick_next(rq) == sleeper);
	p = sim_spawn(0);
	EXPECT_EQ(p->se.vruntime, rq->fair.min_vruntime + 24 * MS / 4);
}

static void test_cfs_wakeup_preempts_past_the_wakeup_granularity(void)
{
	struct rq *rq = &sim.rq;
	struct sched_task *waker;

	sim_init(SCHED_FAIR_CFS);
	sim_spawn(0);
	waker = sim_spawn(0);
	sched_pick_next(rq);
	if (rq->curr == waker)
		waker = &sim.task[0];
	sched_dequeue(rq, waker, SCHED_DEQUEUE_SLEEP);
	sim_schedule_if_needed();
	/* curr gets 3 ms ahead of the waker: under the 4 ms granularity, no preemption. */
	waker->se.vruntime = rq->curr->se.vruntime;
	sched_rq_clock_update(rq, rq->clock_ns + 3 * MS);
	EXPECT_FALSE(sched_wakeup(rq, waker));
	sched_dequeue(rq, waker, SCHED_DEQUEUE_SLEEP);
	waker->se.vruntime = rq->curr->se.vruntime;
	sched_rq_clock_update(rq, rq->clock_ns + 5 * MS);
	EXPECT_TRUE(sched_wakeup(rq, waker));
}

static CU_TestInfo sched_fair_tests[] = {
	UNIT_TEST(test_sched_weights_follow_linux_nice_table),
	UNIT_TEST(test_eevdf_cpu_time_is_proportional_to_weight),
	UNIT_TEST(test_cfs_cpu_time_is_proportional_to_weight),
	UNIT_TEST(test_eevdf_lag_sums_to_zero_after_random_operations),
	UNIT_TEST(test_eevdf_pick_equals_brute_force_scan_after_random_operations),
	UNIT_TEST(test_eevdf_sleep_preserves_lag),
	UNIT_TEST(test_eevdf_reweight_of_queued_task_keeps_its_lag_and_v),
	UNIT_TEST(test_eevdf_reweight_of_running_task_keeps_its_lag_and_v),
	UNIT_TEST(test_eevdf_reweight_while_asleep_scales_virtual_lag),
	UNIT_TEST(test_eevdf_waking_task_with_positive_lag_runs_before_its_deadline),
	UNIT_TEST(test_eevdf_new_task_starts_at_v_with_half_a_slice),
	UNIT_TEST(test_eevdf_tick_preempts_a_task_no_longer_eligible),
	UNIT_TEST(test_eevdf_tick_preempts_when_the_slice_is_used),
	UNIT_TEST(test_eevdf_alone_task_is_never_preempted_by_the_tick),
	UNIT_TEST(test_eevdf_wakeup_preempts_only_with_earlier_eligible_deadline),
	UNIT_TEST(test_sched_idle_policy_yields_to_normal_and_weighs_three),
	UNIT_TEST(test_cfs_sleeper_credit_is_half_a_latency_period),
	UNIT_TEST(test_cfs_wakeup_preempts_past_the_wakeup_granularity),
	CU_TEST_INFO_NULL,
};

static void unit_register_sched_fair(void)
{
	unit_add_suite("sched_fair", sched_fair_tests);
}

UNIT_REGISTER(unit_register_sched_fair)
