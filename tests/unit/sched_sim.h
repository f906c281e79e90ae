/* Helpers the scheduler test files share: a run queue with its idle task and
 * a pool of initialised tasks, and running the simulated CPU in 1 ms ticks. */
#ifndef TESTS_UNIT_SCHED_SIM_H
#define TESTS_UNIT_SCHED_SIM_H

#include <stddef.h>
#include <vitro/sched.h>

static inline void sched_sim_init_tasks(struct sched_task *tasks, size_t nr_tasks)
{
	size_t i;

	for (i = 0; i < nr_tasks; i++)
		sched_task_init(&tasks[i]);
}

static inline void sched_sim_init_rq(struct rq *rq, unsigned int cpu,
				     const struct sched_params *params, struct sched_task *idle)
{
	sched_task_init(idle);
	sched_rq_init(rq, cpu, params, idle);
}

/* Runs rq in 1 ms ticks to end_ns, switching whenever the tick asks to. */
static inline void sched_sim_run_ms(struct rq *rq, uint64_t end_ns)
{
	if (rq->need_resched)
		sched_pick_next(rq);
	while (rq->clock_ns < end_ns) {
		sched_rq_clock_update(rq, rq->clock_ns + NSEC_PER_MSEC);
		if (sched_tick(rq))
			sched_pick_next(rq);
	}
}

#endif
