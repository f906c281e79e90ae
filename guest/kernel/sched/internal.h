/* What the scheduling classes share inside guest/kernel/sched/ and nobody else needs: core.c calls
 * these for attribute changes and migration, the classes call back for preemption. */
#ifndef GUEST_KERNEL_SCHED_INTERNAL_H
#define GUEST_KERNEL_SCHED_INTERNAL_H

#include <vitro/sched.h>

/* Times and vruntimes compare through their signed difference, so they may wrap. */
static inline bool sched_time_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static inline void sched_resched(struct rq *rq)
{
	rq->need_resched = true;
}

/* fair.c */
void fair_rq_init(struct fair_rq *frq, enum sched_fair_mode mode);
/* Weight of a fair policy at a nice level; SCHED_IDLE weighs SCHED_IDLE_WEIGHT. */
void fair_weight_of(unsigned int policy, int nice, unsigned long *weight, uint32_t *inv_weight);
/* Changes p's weight (queued, running or asleep), keeping its lag. */
void fair_reweight(struct rq *rq, struct sched_task *p, unsigned long weight, uint32_t inv_weight);
/* p, not queued, moves from src to dst. */
void fair_migrate(struct rq *src, struct rq *dst, struct sched_task *p);

/* rt.c */
void rt_rq_init(struct rt_rq *rt);

/* deadline.c */
void dl_rq_init(struct dl_rq *dl, const struct sched_params *params);
uint64_t dl_bw_of(uint64_t runtime_ns, uint64_t period_ns);
/* Linux's __checkparam_dl: runtime >= 1024 ns, runtime <= deadline <= period (0 = deadline),
 * period within [SCHED_DL_PERIOD_MIN_NS, SCHED_DL_PERIOD_MAX_NS], no sign bits. */
bool dl_attr_is_valid(const struct sched_attr *attr);
/* Parameters of a task not queued; its new period starts at the next enqueue. */
void dl_set_params(struct sched_dl_entity *dl, const struct sched_attr *attr);
/* p (not queued) leaves the class on rq: its throttle ends and its bandwidth is freed. */
void dl_release(struct rq *rq, struct sched_task *p);
int dl_migrate(struct rq *src, struct rq *dst, struct sched_task *p);
/* Starts the new periods of the throttled entities whose time has come. */
void dl_replenish_due(struct rq *rq);

#endif
