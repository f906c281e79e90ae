/* The scheduler's core (guest/kernel/sched/core.c): the class order deadline > RT > fair >
 * idle, accounting, the wake-up-before-switch case, migration between run queues. */
#include <vitro/errno.h>
#include <vitro/sched.h>

#include "sched_sim.h"
#include "unit.h"

#define MS NSEC_PER_MSEC

static struct rq rq, rq2;
static struct sched_task idle, idle2, tasks[8];

static void core_setup(enum sched_fair_mode mode)
{
	struct sched_params params;

	sched_params_default(&params);
	params.fair_mode = mode;
	sched_sim_init_rq(&rq, 0, &params, &idle);
	sched_sim_init_rq(&rq2, 1, &params, &idle2);
	sched_sim_init_tasks(tasks, ARRAY_SIZE(tasks));
}

static void set_policy(struct sched_task *p, unsigned int policy, unsigned int prio)
{
	struct sched_attr attr = { .size = sizeof(attr), .sched_policy = policy };

	if (policy == SCHED_DEADLINE) {
		attr.sched_runtime = 10 * MS;
		attr.sched_deadline = attr.sched_period = 100 * MS;
	} else {
		attr.sched_priority = prio;
	}
	EXPECT_EQ(sched_task_set_attr(&rq, p, &attr), 0);
}

static void run_ms(uint64_t end_ns)
{
	sched_sim_run_ms(&rq, end_ns);
}

/* One task of each kind, woken lowest first: each wake-up preempts, and as each sleeps the next
 * class down runs; with nothing left, the idle task. */
static void test_sched_classes_run_in_order_deadline_rt_fair_idle(void)
{
	struct sched_task *background = &tasks[0], *normal = &tasks[1], *fifo = &tasks[2],
			  *deadline = &tasks[3];

	core_setup(SCHED_FAIR_EEVDF);
	EXPECT_TRUE(sched_pick_next(&rq) == &idle);
	set_policy(background, SCHED_IDLE, 0);
	set_policy(fifo, SCHED_FIFO, 1);
	set_policy(deadline, SCHED_DEADLINE, 0);
	EXPECT_TRUE(sched_wakeup_new(&rq, background));
	EXPECT_TRUE(sched_pick_next(&rq) == background);
	EXPECT_TRUE(sched_wakeup_new(&rq, normal));
	EXPECT_TRUE(sched_pick_next(&rq) == normal);
	EXPECT_TRUE(sched_wakeup_new(&rq, fifo));
	EXPECT_TRUE(sched_pick_next(&rq) == fifo);
	EXPECT_TRUE(sched_wakeup_new(&rq, deadline));
	EXPECT_TRUE(sched_pick_next(&rq) == deadline);
	/* Lower classes never preempt higher ones. */
	sched_dequeue(&rq, normal, SCHED_DEQUEUE_SLEEP);
	EXPECT_FALSE(sched_wakeup(&rq, normal));
	sched_dequeue(&rq, fifo, SCHED_DEQUEUE_SLEEP);
	EXPECT_FALSE(sched_wakeup(&rq, fifo));
	EXPECT_EQ(sched_rq_nr_running(&rq), 4);
	sched_dequeue(&rq, deadline, SCHED_DEQUEUE_SLEEP);
	EXPECT_TRUE(sched_pick_next(&rq) == fifo);
	sched_dequeue(&rq, fifo, SCHED_DEQUEUE_SLEEP);
	EXPECT_TRUE(sched_pick_next(&rq) == normal);
	/* SCHED_IDLE runs only a sliver beside SCHED_NORMAL: weight 3 against 1024. */
	run_ms(10 * NSEC_PER_SEC);
	EXPECT_TRUE(background->sum_exec_runtime_ns < 60 * MS);
	EXPECT_TRUE(background->sum_exec_runtime_ns > 10 * MS);
	sched_dequeue(&rq, rq.curr, SCHED_DEQUEUE_SLEEP);
	sched_pick_next(&rq);
	sched_dequeue(&rq, rq.curr, SCHED_DEQUEUE_SLEEP);
	EXPECT_TRUE(sched_pick_next(&rq) == &idle);
	EXPECT_EQ(sched_rq_nr_running(&rq), 0);
	/* The idle task is never charged and a tick on an empty queue asks for nothing. */
	sched_rq_clock_update(&rq, rq.clock_ns + 5 * MS);
	EXPECT_FALSE(sched_tick(&rq));
	EXPECT_EQ(idle.sum_exec_runtime_ns, 0);
	EXPECT_EQ(sched_next_event_ns(&rq), UINT64_MAX);
}

/* Running time is charged to whoever ran, to the ns, across classes and switches. */
static void test_sched_running_time_is_charged_to_the_running_task(void)
{
	unsigned int i;
	uint64_t total = 0;

	core_setup(SCHED_FAIR_EEVDF);
	set_policy(&tasks[2], SCHED_RR, 7);
	for (i = 0; i < 3; i++)
		sched_wakeup_new(&rq, &tasks[i]);
	run_ms(250 * MS);
	sched_dequeue(&rq, &tasks[2], SCHED_DEQUEUE_SLEEP);
	run_ms(1000 * MS);
	for (i = 0; i < 3; i++)
		total += tasks[i].sum_exec_runtime_ns;
	EXPECT_EQ(total, 1000 * MS);
	EXPECT_EQ(tasks[2].sum_exec_runtime_ns, 250 * MS);
}

/* A task that went to sleep and was woken before the CPU switched away stays the fair class's
 * running entity and is not inserted twice. */
static void test_sched_task_woken_before_it_switched_out_keeps_running(void)
{
	struct sched_task *a = &tasks[0], *b = &tasks[1];
	unsigned int mode;

	for (mode = SCHED_FAIR_EEVDF; mode <= SCHED_FAIR_CFS; mode++) {
		core_setup((enum sched_fair_mode)mode);
		sched_wakeup_new(&rq, a);
		sched_wakeup_new(&rq, b);
		sched_pick_next(&rq);
		run_ms(3 * MS);
		a = rq.curr;
		b = a == &tasks[0] ? &tasks[1] : &tasks[0];
		sched_dequeue(&rq, a, SCHED_DEQUEUE_SLEEP);
		EXPECT_TRUE(rq.need_resched);
		sched_enqueue(&rq, a, SCHED_ENQUEUE_WAKEUP);
		EXPECT_TRUE(rq.fair.curr == &a->se);
		EXPECT_EQ(rq.fair.nr_running, 2);
		EXPECT_EQ(rq.fair.avg_load, b->se.weight); /* only b is in the tree */
		sched_pick_next(&rq);
		run_ms(1000 * MS);
		EXPECT_TRUE(a->sum_exec_runtime_ns > 450 * MS && b->sum_exec_runtime_ns > 450 * MS);
	}
}

/* Migration: EEVDF lag is relative to V and survives as it is; CFS vruntime is rebased from
 * one queue's min_vruntime to the other's. */
static void test_sched_migration_keeps_fairness_state(void)
{
	struct sched_task *mover = &tasks[0];
	unsigned int mode;

	for (mode = SCHED_FAIR_EEVDF; mode <= SCHED_FAIR_CFS; mode++) {
		uint64_t offset;
		int64_t vlag;

		core_setup((enum sched_fair_mode)mode);
		sched_wakeup_new(&rq, mover);
		sched_wakeup_new(&rq, &tasks[1]);
		run_ms(100 * MS);
		/* The other queue has been busy far longer: its min_vruntime is far ahead. */
		sched_wakeup_new(&rq2, &tasks[2]);
		sched_pick_next(&rq2);
		sched_rq_clock_update(&rq2, 5 * NSEC_PER_SEC);
		sched_tick(&rq2);
		if (rq.curr == mover)
			sched_pick_next(&rq);
		if (rq.curr == mover) {
			UNIT_FAIL("the mover is still running");
			return;
		}
		sched_dequeue(&rq, mover, SCHED_DEQUEUE_SAVE);
		offset = mover->se.vruntime - rq.fair.min_vruntime;
		vlag = mover->se.vlag;
		EXPECT_EQ(sched_task_migrate(&rq, &rq2, mover), 0);
		sched_rq_clock_update(&rq2, 5 * NSEC_PER_SEC);
		sched_enqueue(&rq2, mover, SCHED_ENQUEUE_RESTORE);
		if (mode == SCHED_FAIR_CFS) {
			EXPECT_EQ(mover->se.vruntime - rq2.fair.min_vruntime, offset);
		} else {
			int64_t lag = (int64_t)(fair_avg_vruntime(&rq2.fair) - mover->se.vruntime);

			EXPECT_TRUE(lag >= vlag - 2 && lag <= vlag + 2);
		}
	}
	/* A queued task cannot be moved. */
	EXPECT_EQ(sched_task_migrate(&rq2, &rq, mover), -EBUSY);
}

static void test_sched_nice_of_non_fair_task_is_kept_for_later(void)
{
	struct sched_task *p = &tasks[0];
	struct sched_attr attr = { .size = sizeof(attr), .sched_policy = SCHED_NORMAL };

	core_setup(SCHED_FAIR_EEVDF);
	set_policy(p, SCHED_FIFO, 5);
	sched_task_set_nice(&rq, p, 10);
	EXPECT_EQ(p->nice, 10);
	EXPECT_EQ(p->se.weight, 1024);
	attr.sched_nice = p->nice;
	EXPECT_EQ(sched_task_set_attr(&rq, p, &attr), 0);
	EXPECT_EQ(p->se.weight, 110);
	EXPECT_EQ(p->rt_priority, 0);
	/* SCHED_FLAG_KEEP_POLICY changes the parameters only. */
	attr.sched_policy = SCHED_FIFO;
	attr.sched_flags = SCHED_FLAG_KEEP_POLICY;
	attr.sched_nice = -3;
	EXPECT_EQ(sched_task_set_attr(&rq, p, &attr), 0);
	EXPECT_EQ(p->policy, SCHED_NORMAL);
	EXPECT_EQ(p->se.weight, 1991);
}

static CU_TestInfo sched_core_tests[] = {
	UNIT_TEST(test_sched_classes_run_in_order_deadline_rt_fair_idle),
	UNIT_TEST(test_sched_running_time_is_charged_to_the_running_task),
	UNIT_TEST(test_sched_task_woken_before_it_switched_out_keeps_running),
	UNIT_TEST(test_sched_migration_keeps_fairness_state),
	UNIT_TEST(test_sched_nice_of_non_fair_task_is_kept_for_later),
	CU_TEST_INFO_NULL,
};

static void unit_register_sched_core(void)
{
	unit_add_suite("sched_core", sched_core_tests);
}

UNIT_REGISTER(unit_register_sched_core)
