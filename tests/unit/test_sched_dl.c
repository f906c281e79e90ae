/* SCHED_DEADLINE (guest/kernel/sched/deadline.c): admitted tasks get their runtime in every
 * period next to fair tasks, admission refuses what passes 95%, parameters are checked as Linux
 * checks them, the budget throttles, and the CBS wake-up rule picks the deadline. */
#include <vitro/errno.h>
#include <vitro/sched.h>

#include "sched_sim.h"
#include "unit.h"

#define MS NSEC_PER_MSEC
#define US NSEC_PER_USEC

static struct rq rq;
static struct sched_task idle, tasks[8];

static void dl_setup(void)
{
	struct sched_params params;

	sched_params_default(&params);
	sched_sim_init_rq(&rq, 0, &params, &idle);
	sched_sim_init_tasks(tasks, ARRAY_SIZE(tasks));
}

/* runtime / period in the class's fixed point, as Linux's to_ratio(). */
static uint64_t bw_of(uint64_t runtime, uint64_t period)
{
	return (runtime << SCHED_DL_BW_SHIFT) / period;
}

static int make_dl(struct sched_task *p, uint64_t runtime, uint64_t deadline, uint64_t period)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_DEADLINE,
		.sched_runtime = runtime,
		.sched_deadline = deadline,
		.sched_period = period,
	};

	return sched_task_set_attr(&rq, p, &attr);
}

/* Runs to end_ns with a 1 ms tick and a timer at every event the policy asks for (budget
 * exhausted, period start), as the kernel will. */
static void run_until(uint64_t end_ns)
{
	if (rq.need_resched)
		sched_pick_next(&rq);
	while (rq.clock_ns < end_ns) {
		uint64_t next = rq.clock_ns + MS, event = sched_next_event_ns(&rq);

		if (event <= rq.clock_ns) {
			UNIT_FAIL("next event %llu is not after the clock %llu",
				  (unsigned long long)event, (unsigned long long)rq.clock_ns);
			return;
		}
		if (event < next)
			next = event;
		if (next > end_ns)
			next = end_ns;
		sched_rq_clock_update(&rq, next);
		if (sched_tick(&rq))
			sched_pick_next(&rq);
	}
}

/* Three deadline tasks (83% of the CPU) and two fair tasks, always runnable, for ten
 * hyperperiods: at the end of each of its periods every deadline task has had exactly its
 * runtime once more, and the fair tasks share the rest. */
static void test_dl_admitted_tasks_get_their_runtime_every_period(void)
{
	static const struct {
		uint64_t runtime, period;
	} dl[] = { { 10 * MS, 30 * MS }, { 15 * MS, 50 * MS }, { 5 * MS, 25 * MS } };
	const uint64_t end = 1500 * MS; /* hyperperiod 150 ms */
	uint64_t t, fair_ns;
	unsigned int i, nr_failed = 0;

	dl_setup();
	for (i = 0; i < ARRAY_SIZE(dl); i++) {
		EXPECT_EQ(make_dl(&tasks[i], dl[i].runtime, dl[i].period, dl[i].period), 0);
		sched_wakeup_new(&rq, &tasks[i]);
	}
	sched_wakeup_new(&rq, &tasks[3]);
	sched_wakeup_new(&rq, &tasks[4]);
	for (t = MS; t <= end; t += MS) {
		run_until(t);
		for (i = 0; i < ARRAY_SIZE(dl); i++) {
			uint64_t expected = t / dl[i].period * dl[i].runtime;

			if (t % dl[i].period || tasks[i].sum_exec_runtime_ns == expected)
				continue;
			if (nr_failed++ < 5)
				UNIT_FAIL("at %llu ms deadline task %u had %llu ns, expected %llu",
					  (unsigned long long)(t / MS), i,
					  (unsigned long long)tasks[i].sum_exec_runtime_ns,
					  (unsigned long long)expected);
		}
	}
	fair_ns = tasks[3].sum_exec_runtime_ns + tasks[4].sum_exec_runtime_ns;
	EXPECT_EQ(fair_ns, end - 500 * MS - 450 * MS - 300 * MS);
	EXPECT_TRUE(tasks[3].sum_exec_runtime_ns > fair_ns / 2 - 10 * MS);
	EXPECT_TRUE(tasks[4].sum_exec_runtime_ns > fair_ns / 2 - 10 * MS);
}

/* The admission limit is 95% per CPU: 50% + 40% + 5% fits, another 10% does not; freed
 * bandwidth can be admitted again; a refused change leaves the old parameters. */
static void test_dl_admission_refuses_over_capacity_with_ebusy(void)
{
	dl_setup();
	EXPECT_EQ(make_dl(&tasks[0], 50 * MS, 100 * MS, 100 * MS), 0);
	EXPECT_EQ(make_dl(&tasks[1], 40 * MS, 100 * MS, 100 * MS), 0);
	EXPECT_EQ(make_dl(&tasks[2], 10 * MS, 100 * MS, 100 * MS), -EBUSY);
	EXPECT_TRUE(tasks[2].policy == SCHED_NORMAL);
	EXPECT_EQ(make_dl(&tasks[2], 5 * MS, 100 * MS, 100 * MS), 0); /* exactly 95% */
	EXPECT_EQ(make_dl(&tasks[3], 1 * MS, 100 * MS, 100 * MS), -EBUSY);
	/* Growing an admitted task counts only the difference. */
	EXPECT_EQ(make_dl(&tasks[1], 45 * MS, 100 * MS, 100 * MS), -EBUSY);
	EXPECT_EQ(tasks[1].dl.dl_runtime, 40 * MS);
	EXPECT_EQ(make_dl(&tasks[1], 40 * MS, 80 * MS, 100 * MS), 0);
	sched_task_exit(&rq, &tasks[0]);
	EXPECT_EQ(make_dl(&tasks[3], 50 * MS, 100 * MS, 100 * MS), 0);
	/* Leaving the class frees the bandwidth too. */
	{
		struct sched_attr attr = { .size = sizeof(attr), .sched_policy = SCHED_NORMAL };

		EXPECT_EQ(sched_task_set_attr(&rq, &tasks[3], &attr), 0);
	}
	EXPECT_EQ(make_dl(&tasks[4], 25 * MS, 50 * MS, 50 * MS), 0);
}

static void test_dl_rejects_invalid_parameters_with_einval(void)
{
	struct sched_attr attr = { .size = sizeof(attr), .sched_policy = SCHED_DEADLINE };

	dl_setup();
	EXPECT_EQ(make_dl(&tasks[0], 20 * MS, 10 * MS, 100 * MS), -EINVAL); /* runtime > deadline */
	EXPECT_EQ(make_dl(&tasks[0], 5 * MS, 200 * MS, 100 * MS), -EINVAL); /* deadline > period */
	EXPECT_EQ(make_dl(&tasks[0], 512, 10 * MS, 10 * MS), -EINVAL); /* runtime < 1024 ns */
	EXPECT_EQ(make_dl(&tasks[0], 0, 10 * MS, 10 * MS), -EINVAL);
	EXPECT_EQ(make_dl(&tasks[0], 5 * MS, 0, 10 * MS), -EINVAL); /* no deadline */
	EXPECT_EQ(make_dl(&tasks[0], 10 * US, 50 * US, 50 * US), -EINVAL); /* period < 100 us */
	EXPECT_EQ(make_dl(&tasks[0], 10 * MS, 5 * NSEC_PER_SEC, 5 * NSEC_PER_SEC), -EINVAL);
	EXPECT_EQ(make_dl(&tasks[0], 5 * MS, 1ull << 63, 0), -EINVAL);
	EXPECT_TRUE(tasks[0].policy == SCHED_NORMAL);
	EXPECT_EQ(rq.dl.total_bw, 0);
	/* Period 0 means the deadline; parameters that fit are taken. */
	EXPECT_EQ(make_dl(&tasks[0], 5 * MS, 20 * MS, 0), 0);
	EXPECT_EQ(tasks[0].dl.dl_period, 20 * MS);
	EXPECT_EQ(rq.dl.total_bw, bw_of(5 * MS, 20 * MS));
	/* Deadline tasks take no priority; FIFO/RR need 1..99; the rest need 0. */
	attr.sched_runtime = attr.sched_deadline = attr.sched_period = 10 * MS;
	attr.sched_priority = 1;
	EXPECT_EQ(sched_task_set_attr(&rq, &tasks[1], &attr), -EINVAL);
	attr.sched_policy = SCHED_FIFO;
	attr.sched_priority = 0;
	EXPECT_EQ(sched_task_set_attr(&rq, &tasks[1], &attr), -EINVAL);
	attr.sched_priority = 100;
	EXPECT_EQ(sched_task_set_attr(&rq, &tasks[1], &attr), -EINVAL);
	attr.sched_policy = SCHED_NORMAL;
	attr.sched_priority = 5;
	EXPECT_EQ(sched_task_set_attr(&rq, &tasks[1], &attr), -EINVAL);
	attr.sched_policy = 4; /* SCHED_ISO: reserved */
	attr.sched_priority = 0;
	EXPECT_EQ(sched_task_set_attr(&rq, &tasks[1], &attr), -EINVAL);
	attr.sched_policy = SCHED_NORMAL;
	attr.sched_flags = 0x1000;
	EXPECT_EQ(sched_task_set_attr(&rq, &tasks[1], &attr), -EINVAL);
	/* nice is clamped, as Linux's sched_setattr does. */
	attr.sched_flags = 0;
	attr.sched_nice = 30;
	EXPECT_EQ(sched_task_set_attr(&rq, &tasks[1], &attr), 0);
	EXPECT_EQ(tasks[1].nice, 19);
	EXPECT_EQ(tasks[1].se.weight, 15);
}

/* 10 ms every 100 ms next to a fair task: after 10 ms it is throttled and the fair task runs
 * until the next period starts at 100 ms. */
static void test_dl_task_is_throttled_until_next_period_when_budget_is_used(void)
{
	struct sched_task *dl = &tasks[0], *fair = &tasks[1];

	dl_setup();
	EXPECT_EQ(make_dl(dl, 10 * MS, 100 * MS, 100 * MS), 0);
	sched_wakeup_new(&rq, fair);
	sched_wakeup_new(&rq, dl);
	EXPECT_TRUE(sched_pick_next(&rq) == dl);
	EXPECT_EQ(dl->dl.deadline, 100 * MS);
	run_until(10 * MS);
	EXPECT_TRUE(dl->dl.is_throttled);
	EXPECT_EQ(dl->dl.replenish_at_ns, 100 * MS);
	EXPECT_TRUE(rq.curr == fair);
	EXPECT_EQ(sched_next_event_ns(&rq), 100 * MS);
	run_until(100 * MS - 1);
	EXPECT_EQ(dl->sum_exec_runtime_ns, 10 * MS);
	EXPECT_TRUE(rq.curr == fair);
	run_until(100 * MS);
	EXPECT_TRUE(rq.curr == dl);
	EXPECT_FALSE(dl->dl.is_throttled);
	EXPECT_EQ(dl->dl.deadline, 200 * MS);
	run_until(150 * MS);
	EXPECT_EQ(dl->sum_exec_runtime_ns, 20 * MS);
	EXPECT_EQ(fair->sum_exec_runtime_ns, 130 * MS);
}

/* With a coarse tick the budget overruns; the overrun is paid back in the next period. */
static void test_dl_overrun_is_paid_from_the_next_budget(void)
{
	struct sched_task *dl = &tasks[0];

	dl_setup();
	EXPECT_EQ(make_dl(dl, 10 * MS, 100 * MS, 100 * MS), 0);
	sched_wakeup_new(&rq, &tasks[1]);
	sched_wakeup_new(&rq, dl);
	sched_pick_next(&rq);
	sched_rq_clock_update(&rq, 12 * MS);
	EXPECT_TRUE(sched_tick(&rq));
	EXPECT_TRUE(dl->dl.is_throttled);
	EXPECT_TRUE(sched_pick_next(&rq) == &tasks[1]);
	sched_rq_clock_update(&rq, 100 * MS);
	EXPECT_EQ(dl->dl.runtime, (int64_t)(8 * MS));
	EXPECT_EQ(dl->dl.deadline, 200 * MS);
	EXPECT_TRUE(rq.need_resched);
}

/* CBS wake-up rule, 10 ms per 100 ms: after 2 ms and a sleep, waking at 10 ms keeps deadline
 * 100 ms and the 8 ms left (8/90 < 10/100); waking at 50 ms does not (8/50 > 10/100): a new
 * period starts, deadline 150 ms with 10 ms. */
static void test_dl_cbs_wakeup_keeps_or_renews_the_deadline_by_bandwidth(void)
{
	static const uint64_t wake_at[] = { 10 * MS, 50 * MS };
	static const uint64_t deadline[] = { 100 * MS, 150 * MS };
	static const int64_t runtime[] = { 8 * MS, 10 * MS };
	struct sched_task *dl = &tasks[0];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		dl_setup();
		EXPECT_EQ(make_dl(dl, 10 * MS, 100 * MS, 100 * MS), 0);
		sched_wakeup_new(&rq, dl);
		run_until(2 * MS);
		sched_dequeue(&rq, dl, SCHED_DEQUEUE_SLEEP);
		EXPECT_EQ(dl->dl.runtime, (int64_t)(8 * MS));
		run_until(wake_at[i]);
		sched_wakeup(&rq, dl);
		EXPECT_EQ(dl->dl.deadline, deadline[i]);
		EXPECT_EQ(dl->dl.runtime, runtime[i]);
	}
}

/* A constrained task (2 ms within 10 ms, every 100 ms): waking close to its deadline keeps the
 * deadline with the budget cut to its density; waking after the deadline but before the next
 * period waits for that period. */
static void test_dl_constrained_task_wakeup_rules(void)
{
	struct sched_task *dl = &tasks[0];

	dl_setup();
	EXPECT_EQ(make_dl(dl, 2 * MS, 10 * MS, 100 * MS), 0);
	sched_wakeup_new(&rq, dl);
	run_until(1 * MS);
	sched_dequeue(&rq, dl, SCHED_DEQUEUE_SLEEP);
	run_until(8 * MS);
	sched_wakeup(&rq, dl);
	EXPECT_EQ(dl->dl.deadline, 10 * MS);
	/* density 2/10 (rounded down in 20 bits) of the 2 ms to the deadline */
	EXPECT_EQ(dl->dl.runtime,
		  (int64_t)((bw_of(2 * MS, 10 * MS) * 2 * MS) >> SCHED_DL_BW_SHIFT));
	EXPECT_TRUE(dl->dl.runtime > (int64_t)(399 * US) && dl->dl.runtime <= (int64_t)(400 * US));
	run_until(8 * MS + 100 * US);
	sched_dequeue(&rq, dl, SCHED_DEQUEUE_SLEEP);
	run_until(20 * MS);
	sched_wakeup(&rq, dl);
	EXPECT_TRUE(dl->dl.is_throttled);
	EXPECT_EQ(rq.dl.nr_running, 0);
	run_until(100 * MS);
	EXPECT_FALSE(dl->dl.is_throttled);
	EXPECT_EQ(dl->dl.deadline, 110 * MS);
	EXPECT_TRUE(rq.curr == dl);
}

/* Earliest deadline first among deadline tasks, and deadline before RT. */
static void test_dl_earlier_deadline_preempts_and_deadline_beats_rt(void)
{
	struct sched_attr fifo = { .size = sizeof(fifo),
				   .sched_policy = SCHED_FIFO,
				   .sched_priority = 99 };
	struct sched_task *late = &tasks[0], *early = &tasks[1], *rt = &tasks[2];

	dl_setup();
	EXPECT_EQ(sched_task_set_attr(&rq, rt, &fifo), 0);
	EXPECT_EQ(make_dl(late, 5 * MS, 80 * MS, 100 * MS), 0);
	EXPECT_EQ(make_dl(early, 5 * MS, 20 * MS, 100 * MS), 0);
	sched_wakeup_new(&rq, rt);
	sched_pick_next(&rq);
	EXPECT_TRUE(sched_wakeup_new(&rq, late));
	EXPECT_TRUE(sched_pick_next(&rq) == late);
	run_until(1 * MS);
	EXPECT_TRUE(sched_wakeup_new(&rq, early)); /* deadline 21 ms < 80 ms */
	EXPECT_TRUE(sched_pick_next(&rq) == early);
	run_until(6 * MS);
	EXPECT_TRUE(rq.curr == late);
	run_until(10 * MS);
	EXPECT_TRUE(rq.curr == rt);
	EXPECT_EQ(late->sum_exec_runtime_ns, 5 * MS);
	EXPECT_EQ(early->sum_exec_runtime_ns, 5 * MS);
}

/* Migration carries the bandwidth, refused where the target is full. */
static void test_dl_migration_moves_bandwidth_or_fails_with_ebusy(void)
{
	static struct rq other;
	struct sched_params params;
	struct sched_task *dl = &tasks[0];

	dl_setup();
	sched_params_default(&params);
	sched_rq_init(&other, 1, &params, NULL);
	EXPECT_EQ(make_dl(dl, 30 * MS, 100 * MS, 100 * MS), 0);
	EXPECT_EQ(sched_task_set_attr(&other, &tasks[1],
				      &(struct sched_attr){ .size = sizeof(struct sched_attr),
							    .sched_policy = SCHED_DEADLINE,
							    .sched_runtime = 70 * MS,
							    .sched_deadline = 100 * MS }),
		  0);
	EXPECT_EQ(sched_task_migrate(&rq, &other, dl), -EBUSY);
	EXPECT_EQ(make_dl(dl, 20 * MS, 100 * MS, 100 * MS), 0);
	EXPECT_EQ(sched_task_migrate(&rq, &other, dl), 0);
	EXPECT_EQ(rq.dl.total_bw, 0);
	EXPECT_EQ(other.dl.total_bw, bw_of(70 * MS, 100 * MS) + bw_of(20 * MS, 100 * MS));
}

static CU_TestInfo sched_dl_tests[] = {
	UNIT_TEST(test_dl_admitted_tasks_get_their_runtime_every_period),
	UNIT_TEST(test_dl_admission_refuses_over_capacity_with_ebusy),
	UNIT_TEST(test_dl_rejects_invalid_parameters_with_einval),
	UNIT_TEST(test_dl_task_is_throttled_until_next_period_when_budget_is_used),
	UNIT_TEST(test_dl_overrun_is_paid_from_the_next_budget),
	UNIT_TEST(test_dl_cbs_wakeup_keeps_or_renews_the_deadline_by_bandwidth),
	UNIT_TEST(test_dl_constrained_task_wakeup_rules),
	UNIT_TEST(test_dl_earlier_deadline_preempts_and_deadline_beats_rt),
	UNIT_TEST(test_dl_migration_moves_bandwidth_or_fails_with_ebusy),
	CU_TEST_INFO_NULL,
};

static void unit_register_sched_dl(void)
{
	unit_add_suite("sched_dl", sched_dl_tests);
}

UNIT_REGISTER(unit_register_sched_dl)
