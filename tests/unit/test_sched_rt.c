/* SCHED_FIFO and SCHED_RR (guest/kernel/sched/rt.c): priority order, FIFO order within a
 * priority, round-robin rotation when the 100 ms quantum runs out, preemption of fair tasks. */
#include <vitro/errno.h>
#include <vitro/sched.h>

#include "sched_sim.h"
#include "unit.h"

#define MS NSEC_PER_MSEC

static struct rq rq;
static struct sched_task idle, tasks[8];

static void rt_setup(void)
{
	struct sched_params params;

	sched_params_default(&params);
	sched_sim_init_rq(&rq, 0, &params, &idle);
	sched_sim_init_tasks(tasks, ARRAY_SIZE(tasks));
}

static void make_rt(struct sched_task *p, unsigned int policy, unsigned int prio)
{
	struct sched_attr attr = { .size = sizeof(attr),
				   .sched_policy = policy,
				   .sched_priority = prio };

	EXPECT_EQ(sched_task_set_attr(&rq, p, &attr), 0);
}

static void run_ms(uint64_t end_ns)
{
	sched_sim_run_ms(&rq, end_ns);
}

static void test_rt_fifo_higher_priority_always_runs_first(void)
{
	static const unsigned int prios[] = { 50, 1, 99, 64, 63, 2 };
	unsigned int i, expected[] = { 2, 3, 4, 0, 5, 1 };

	rt_setup();
	for (i = 0; i < ARRAY_SIZE(prios); i++) {
		make_rt(&tasks[i], SCHED_FIFO, prios[i]);
		sched_wakeup_new(&rq, &tasks[i]);
	}
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		struct sched_task *p = sched_pick_next(&rq);

		if (p != &tasks[expected[i]]) {
			UNIT_FAIL("pick %u: task %ld, expected task %u (priority %u)", i,
				  (long)(p - tasks), expected[i], prios[expected[i]]);
			return;
		}
		/* Running for a long time changes nothing for FIFO. */
		sched_rq_clock_update(&rq, rq.clock_ns + 500 * MS);
		EXPECT_FALSE(sched_tick(&rq));
		sched_dequeue(&rq, p, SCHED_DEQUEUE_SLEEP);
	}
	EXPECT_TRUE(sched_pick_next(&rq) == &idle);
}

/* Same priority: arrival order; a preempted task resumes before its peers; waking a peer does
 * not preempt. */
static void test_rt_fifo_same_priority_runs_in_arrival_order(void)
{
	struct sched_task *a = &tasks[0], *b = &tasks[1], *c = &tasks[2], *high = &tasks[3];

	rt_setup();
	make_rt(a, SCHED_FIFO, 10);
	make_rt(b, SCHED_FIFO, 10);
	make_rt(c, SCHED_FIFO, 10);
	make_rt(high, SCHED_FIFO, 11);
	sched_wakeup_new(&rq, a);
	sched_wakeup_new(&rq, b);
	EXPECT_TRUE(sched_pick_next(&rq) == a);
	EXPECT_FALSE(sched_wakeup_new(&rq, c));
	EXPECT_TRUE(sched_wakeup_new(&rq, high));
	EXPECT_TRUE(sched_pick_next(&rq) == high);
	sched_dequeue(&rq, high, SCHED_DEQUEUE_SLEEP);
	EXPECT_TRUE(sched_pick_next(&rq) == a); /* still at the head of its queue */
	sched_dequeue(&rq, a, SCHED_DEQUEUE_SLEEP);
	EXPECT_TRUE(sched_pick_next(&rq) == b);
	/* a wakes again: behind c. */
	sched_wakeup(&rq, a);
	sched_dequeue(&rq, b, SCHED_DEQUEUE_SLEEP);
	EXPECT_TRUE(sched_pick_next(&rq) == c);
	sched_dequeue(&rq, c, SCHED_DEQUEUE_SLEEP);
	EXPECT_TRUE(sched_pick_next(&rq) == a);
	/* sched_yield() goes behind the peers. */
	sched_wakeup(&rq, b);
	sched_yield(&rq);
	EXPECT_TRUE(sched_pick_next(&rq) == b);
}

/* Three RR tasks at one priority take 100 ms turns in order; a FIFO peer never rotates. */
static void test_rt_rr_rotates_when_its_quantum_expires(void)
{
	struct sched_task *order[9];
	uint64_t switch_at[9];
	unsigned int i, nr = 0;

	rt_setup();
	for (i = 0; i < 3; i++) {
		make_rt(&tasks[i], SCHED_RR, 20);
		sched_wakeup_new(&rq, &tasks[i]);
	}
	sched_pick_next(&rq);
	while (nr < ARRAY_SIZE(order) && rq.clock_ns < 2 * NSEC_PER_SEC) {
		struct sched_task *before = rq.curr;

		sched_rq_clock_update(&rq, rq.clock_ns + MS);
		if (sched_tick(&rq))
			sched_pick_next(&rq);
		if (rq.curr != before) {
			order[nr] = rq.curr;
			switch_at[nr++] = rq.clock_ns;
		}
	}
	EXPECT_EQ(nr, ARRAY_SIZE(order));
	for (i = 0; i < nr; i++) {
		EXPECT_TRUE(order[i] == &tasks[(i + 1) % 3]);
		EXPECT_EQ(switch_at[i], (i + 1) * 100 * MS);
	}
	/* Each got 300 ms. */
	EXPECT_EQ(tasks[0].sum_exec_runtime_ns, 300 * MS);
	EXPECT_EQ(tasks[1].sum_exec_runtime_ns, 300 * MS);
	EXPECT_EQ(tasks[2].sum_exec_runtime_ns, 300 * MS);
	/* Alone at its priority, an RR task keeps the CPU when its quantum ends. */
	rt_setup();
	make_rt(&tasks[0], SCHED_RR, 20);
	make_rt(&tasks[1], SCHED_RR, 19);
	sched_wakeup_new(&rq, &tasks[0]);
	sched_wakeup_new(&rq, &tasks[1]);
	run_ms(1000 * MS);
	EXPECT_EQ(tasks[0].sum_exec_runtime_ns, 1000 * MS);
	EXPECT_EQ(rq.nr_switches, 1);
}

static void test_rt_rr_next_event_is_the_end_of_the_quantum(void)
{
	rt_setup();
	make_rt(&tasks[0], SCHED_RR, 5);
	make_rt(&tasks[1], SCHED_RR, 5);
	sched_wakeup_new(&rq, &tasks[0]);
	sched_wakeup_new(&rq, &tasks[1]);
	sched_pick_next(&rq);
	sched_rq_clock_update(&rq, 30 * MS);
	sched_tick(&rq);
	EXPECT_EQ(sched_next_event_ns(&rq), 100 * MS);
	sched_rq_clock_update(&rq, sched_next_event_ns(&rq));
	EXPECT_TRUE(sched_tick(&rq));
	EXPECT_TRUE(sched_pick_next(&rq) == &tasks[1]);
}

/* A waking RT task preempts a SCHED_NORMAL task at once, whatever its nice. */
static void test_rt_preempts_normal_at_once(void)
{
	struct sched_task *normal = &tasks[0], *rt = &tasks[1];

	rt_setup();
	sched_task_set_nice(&rq, normal, -20);
	sched_wakeup_new(&rq, normal);
	make_rt(rt, SCHED_FIFO, 1);
	sched_pick_next(&rq);
	run_ms(10 * MS);
	EXPECT_TRUE(rq.curr == normal);
	EXPECT_TRUE(sched_wakeup(&rq, rt));
	EXPECT_TRUE(sched_pick_next(&rq) == rt);
	/* And the normal task gets nothing while the RT task runs. */
	run_ms(2000 * MS);
	EXPECT_EQ(normal->sum_exec_runtime_ns, 10 * MS);
	EXPECT_EQ(rt->sum_exec_runtime_ns, 1990 * MS);
}

/* Moving a running task from SCHED_NORMAL to SCHED_FIFO and back keeps the queues straight. */
static void test_rt_policy_change_of_running_task_moves_it_between_classes(void)
{
	struct sched_attr normal_attr = { .size = sizeof(normal_attr),
					  .sched_policy = SCHED_NORMAL };
	struct sched_task *p = &tasks[0], *other = &tasks[1];

	rt_setup();
	sched_wakeup_new(&rq, p);
	sched_wakeup_new(&rq, other);
	sched_pick_next(&rq);
	if (rq.curr != p) {
		p = &tasks[1];
		other = &tasks[0];
	}
	run_ms(2 * MS);
	make_rt(p, SCHED_RR, 30);
	EXPECT_TRUE(rq.need_resched);
	EXPECT_TRUE(sched_pick_next(&rq) == p);
	EXPECT_EQ(rq.rt.nr_running, 1);
	EXPECT_EQ(rq.fair.nr_running, 1);
	run_ms(50 * MS);
	EXPECT_TRUE(rq.curr == p);
	EXPECT_EQ(sched_task_set_attr(&rq, p, &normal_attr), 0);
	EXPECT_EQ(rq.rt.nr_running, 0);
	EXPECT_EQ(rq.fair.nr_running, 2);
	run_ms(500 * MS);
	/* Fair again: both share what is left. */
	EXPECT_TRUE(other->sum_exec_runtime_ns > 200 * MS);
}

static CU_TestInfo sched_rt_tests[] = {
	UNIT_TEST(test_rt_fifo_higher_priority_always_runs_first),
	UNIT_TEST(test_rt_fifo_same_priority_runs_in_arrival_order),
	UNIT_TEST(test_rt_rr_rotates_when_its_quantum_expires),
	UNIT_TEST(test_rt_rr_next_event_is_the_end_of_the_quantum),
	UNIT_TEST(test_rt_preempts_normal_at_once),
	UNIT_TEST(test_rt_policy_change_of_running_task_moves_it_between_classes),
	CU_TEST_INFO_NULL,
};

static void unit_register_sched_rt(void)
{
	unit_add_suite("sched_rt", sched_rt_tests);
}

UNIT_REGISTER(unit_register_sched_rt)
