/* Scheduling policy (guest/kernel/sched/): the classes in Linux's order, SCHED_DEADLINE (EDF with a
 * constant-bandwidth server and admission control), SCHED_FIFO/SCHED_RR, then SCHED_NORMAL, BATCH
 * and IDLE as EEVDF (or classic CFS with sched=cfs), then the idle task, over one run queue per CPU.
 * Pure policy: the caller holds the run queue's lock, tells it the time and arms the timers it asks
 * for (sched_next_event_ns); no hardware, so the same files build for the host and run under CUnit. */
#ifndef VITRO_SCHED_H
#define VITRO_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/sched.h> /* SCHED_NORMAL ... SCHED_DEADLINE, SCHED_FLAG_* */
#include <linux/sched/types.h> /* struct sched_attr, as sched_setattr(2) passes it */
#include <vitro/list.h>
#include <vitro/rbtree.h>
#include <vitro/time.h> /* NSEC_PER_* */

/* Nice and weights, as Linux: nice 0 weighs 1024 and each nice step is a factor of about 1.25;
 * SCHED_IDLE tasks weigh 3, below nice 19's 15. */
#define NICE_MIN (-20)
#define NICE_MAX 19
#define NICE_WIDTH 40
#define SCHED_NICE_0_WEIGHT 1024ul
#define SCHED_IDLE_WEIGHT 3ul
#define SCHED_IDLE_INV_WEIGHT 1431655765u /* 2^32 / 3 */
extern const unsigned long sched_nice_to_weight[NICE_WIDTH]; /* index nice + 20 */
extern const uint32_t sched_nice_to_inv_weight[NICE_WIDTH]; /* 2^32 / weight */

/* SCHED_FIFO and SCHED_RR priorities: 1 (lowest) to 99 (highest). */
#define RT_PRIO_MIN 1
#define RT_PRIO_MAX 99
#define RT_NR_PRIO 100

/* Deadline bandwidths are fixed point with 20 fractional bits (Linux's BW_SHIFT). */
#define SCHED_DL_BW_SHIFT 20
#define SCHED_DL_PERIOD_MIN_NS (100 * NSEC_PER_USEC) /* Linux's sched_deadline_period_min_us */
#define SCHED_DL_PERIOD_MAX_NS ((1ull << 22) * NSEC_PER_USEC) /* ..._period_max_us, ~4.2 s */
#define SCHED_DL_RUNTIME_MIN_NS 1024ull /* Linux's 1 << DL_SCALE */

enum sched_fair_mode {
	SCHED_FAIR_EEVDF, /* earliest eligible virtual deadline first (Linux 6.6+) */
	SCHED_FAIR_CFS, /* smallest vruntime first (Linux up to 6.5), for comparison */
};

/* Tunables of one run queue; sched_params_default() gives Linux's values for 8 or more CPUs
 * (its base values times 1 + log2(8)). */
struct sched_params {
	enum sched_fair_mode fair_mode;
	uint64_t base_slice_ns; /* EEVDF request size: 3 ms */
	uint64_t tick_ns; /* the tick period; floor of the lag kept across sleep: 4 ms (HZ 250) */
	uint64_t cfs_latency_ns; /* CFS: period in which every task runs once: 24 ms */
	uint64_t cfs_min_granularity_ns; /* CFS: shortest run before tick preemption: 3 ms */
	uint64_t cfs_wakeup_granularity_ns; /* CFS: vruntime lead a waker needs to preempt: 4 ms */
	uint64_t rr_timeslice_ns; /* SCHED_RR quantum: 100 ms */
	uint64_t dl_runtime_limit_ns; /* deadline admission: at most runtime_limit ... */
	uint64_t dl_period_limit_ns; /* ... per period_limit of CPU time (950 ms per 1 s) */
};

/* SCHED_NORMAL, BATCH and IDLE state. Eligible: lag = weight * (V - vruntime) >= 0, where V is the
 * weight-averaged vruntime of the run queue. */
struct sched_entity {
	struct rb_node run_node;
	uint64_t deadline; /* virtual deadline: vruntime at request start + slice * 1024 / weight */
	uint64_t min_vruntime; /* smallest vruntime in run_node's subtree (EEVDF tree only) */
	uint64_t vruntime; /* virtual runtime: advances by delta * 1024 / weight */
	int64_t vlag; /* V - vruntime when last dequeued (EEVDF); restored by the next placement */
	uint64_t slice_ns;
	uint64_t prev_sum_exec_ns; /* the task's sum_exec_runtime_ns when it was last picked */
	unsigned long weight;
	uint32_t inv_weight; /* 2^32 / weight: vruntime advances without a division */
	bool on_rq; /* queued on its fair_rq, in the tree or running */
};

/* SCHED_FIFO and SCHED_RR state. */
struct sched_rt_entity {
	struct list_head run_list; /* in its priority's queue, the running task included */
	int64_t time_slice_ns; /* SCHED_RR: left of the current quantum */
	bool on_rq;
};

/* SCHED_DEADLINE state: parameters and the constant-bandwidth server. */
struct sched_dl_entity {
	struct rb_node node; /* in dl_rq.root while queued and not throttled */
	struct list_head throttled_link; /* in dl_rq.throttled while throttled */
	uint64_t dl_runtime, dl_deadline, dl_period; /* parameters, ns */
	uint64_t dl_bw; /* dl_runtime / dl_period, << SCHED_DL_BW_SHIFT */
	uint64_t dl_density; /* dl_runtime / dl_deadline, << SCHED_DL_BW_SHIFT */
	int64_t runtime; /* budget left in the current period; negative after an overrun */
	uint64_t deadline; /* absolute deadline of the current period */
	uint64_t replenish_at_ns; /* while throttled: the start of the next period */
	bool on_rq; /* in the tree */
	bool is_throttled; /* budget exhausted (or constrained wake-up): waits for replenish_at_ns */
	bool needs_new_period; /* parameters just set: the next enqueue starts a fresh period */
};

/* The scheduling state a task embeds: the entity of every class, the policy and accounting. The
 * scheduler hands back struct sched_task pointers; container_of() gets to the task. */
struct sched_task {
	struct sched_entity se;
	struct sched_rt_entity rt;
	struct sched_dl_entity dl;
	const struct sched_class *class;
	unsigned int policy; /* SCHED_NORMAL ... SCHED_DEADLINE */
	int nice; /* NICE_MIN..NICE_MAX, kept whatever the policy */
	unsigned int rt_priority; /* RT_PRIO_MIN..RT_PRIO_MAX for FIFO/RR, else 0 */
	bool on_rq; /* runnable on a run queue: queued, running or deadline-throttled */
	uint64_t exec_start_ns; /* rq clock when its running time was last charged */
	uint64_t sum_exec_runtime_ns;
};

struct fair_rq {
	struct rb_root_cached timeline; /* by deadline (EEVDF) or vruntime (CFS); not curr */
	struct sched_entity *curr; /* the running entity, out of the tree */
	uint64_t min_vruntime; /* monotonic floor of the vruntimes: the base of the keys below */
	int64_t avg_vruntime; /* sum over the tree of (vruntime - min_vruntime) * weight */
	uint64_t avg_load; /* sum of the tree's weights */
	uint64_t load; /* total weight queued, curr included */
	unsigned int nr_running; /* entities queued, curr included */
	enum sched_fair_mode mode;
};

struct rt_rq {
	uint64_t bitmap[2]; /* bit p set: queue[p] is not empty */
	struct list_head queue[RT_NR_PRIO]; /* FIFO per priority; initialised when its bit is set */
	unsigned int nr_running;
};

struct dl_rq {
	struct rb_root_cached root; /* queued entities by absolute deadline */
	struct list_head throttled; /* throttled entities by replenish_at_ns */
	unsigned int nr_running; /* in the tree */
	uint64_t total_bw; /* sum of dl_bw over the tasks admitted here */
	uint64_t bw_limit; /* admission limit, dl_runtime_limit / dl_period_limit */
};

/* One CPU's run queue. The owner calls sched_rq_clock_update() before the other calls. */
struct rq {
	unsigned int cpu;
	uint64_t clock_ns;
	struct sched_task *curr; /* running: a queued task, one just dequeued, or idle */
	struct sched_task *idle; /* runs when no class has a task; never queued */
	bool need_resched; /* curr should give the CPU up at the next scheduling point */
	struct dl_rq dl;
	struct rt_rq rt;
	struct fair_rq fair;
	struct sched_params params;
	uint64_t nr_switches; /* picks that changed curr */
	uint64_t nr_ticks;
};

/* enqueue flags */
#define SCHED_ENQUEUE_WAKEUP 0x01u /* was sleeping */
#define SCHED_ENQUEUE_INITIAL 0x02u /* a new task, first time runnable */
#define SCHED_ENQUEUE_RESTORE 0x04u /* after a SCHED_DEQUEUE_SAVE (attribute change, migration) */
#define SCHED_ENQUEUE_REPLENISH 0x08u /* deadline: a throttled entity's new period begins */
/* dequeue flags */
#define SCHED_DEQUEUE_SLEEP 0x01u /* goes to sleep */
#define SCHED_DEQUEUE_SAVE 0x02u /* comes back with SCHED_ENQUEUE_RESTORE */

/* What each class does; called by core.c with the run queue's clock up to date and curr's time
 * charged. Classes rank in order: deadline, rt, fair (then the idle task). */
struct sched_class {
	const char *name;
	unsigned int rank; /* 0 is the highest */
	void (*enqueue)(struct rq *rq, struct sched_task *p, unsigned int flags);
	void (*dequeue)(struct rq *rq, struct sched_task *p, unsigned int flags);
	/* The task this class would run next, or NULL; changes nothing. */
	struct sched_task *(*pick_next)(struct rq *rq);
	void (*set_next)(struct rq *rq, struct sched_task *p); /* p starts running */
	void (*put_prev)(struct rq *rq, struct sched_task *p); /* p stops running */
	void (*update_curr)(struct rq *rq, struct sched_task *p, uint64_t delta_ns);
	void (*tick)(struct rq *rq, struct sched_task *p); /* sets rq->need_resched */
	/* Whether woken task p, of this class, should preempt rq->curr, also of this class. */
	bool (*wakeup_preempt)(struct rq *rq, struct sched_task *p);
	void (*yield)(struct rq *rq, struct sched_task *p);
	/* Absolute time of the next event the class wants a callback for, or UINT64_MAX. */
	uint64_t (*next_event_ns)(const struct rq *rq);
	unsigned int (*nr_running)(const struct rq *rq);
};

extern const struct sched_class sched_dl_class;
extern const struct sched_class sched_rt_class;
extern const struct sched_class sched_fair_class;

/* --- set-up ------------------------------------------------------------------------------- */
void sched_params_default(struct sched_params *params);
/* idle may be NULL: sched_pick_next() then returns NULL when nothing is runnable. */
void sched_rq_init(struct rq *rq, unsigned int cpu, const struct sched_params *params,
		   struct sched_task *idle);
/* A new task: SCHED_NORMAL, nice 0, not runnable. */
void sched_task_init(struct sched_task *p);

/* --- attributes (the caller validated the user pointer and size) ---------------------------- */
/* sched_setattr(): -EINVAL for a bad policy, priority, flag or deadline triple (runtime <=
 * deadline <= period, period 0 meaning deadline), -EBUSY when the deadline bandwidth admitted on
 * this run queue would pass the limit. nice is clamped to [-20, 19] as Linux does. p is on rq or
 * about to be. SCHED_FLAG_KEEP_POLICY is honoured; the other flags are accepted and ignored. */
int sched_task_set_attr(struct rq *rq, struct sched_task *p, const struct sched_attr *attr);
/* setpriority()/nice(): reweights a fair task preserving its lag. */
void sched_task_set_nice(struct rq *rq, struct sched_task *p, int nice);
/* The task leaves for good (not queued): gives its deadline bandwidth back. */
void sched_task_exit(struct rq *rq, struct sched_task *p);
/* Moves a task that is not queued from src to dst (both locked): deadline bandwidth moves with it
 * (-EBUSY if dst cannot admit it); CFS vruntime is rebased on dst's min_vruntime; EEVDF lag is
 * relative already. Then sched_enqueue(dst, p, SCHED_ENQUEUE_WAKEUP or _RESTORE). */
int sched_task_migrate(struct rq *src, struct rq *dst, struct sched_task *p);

/* --- the run queue ------------------------------------------------------------------------- */
/* Advances the clock (never backwards) and starts the deadline periods that are due. */
void sched_rq_clock_update(struct rq *rq, uint64_t now_ns);
/* Charges curr's running time up to the clock. */
void sched_update_curr(struct rq *rq);
void sched_enqueue(struct rq *rq, struct sched_task *p, unsigned int flags);
void sched_dequeue(struct rq *rq, struct sched_task *p, unsigned int flags);
/* Enqueues a woken (or, _new, a new) task and returns whether it should preempt curr (also set
 * in rq->need_resched). */
bool sched_wakeup(struct rq *rq, struct sched_task *p);
bool sched_wakeup_new(struct rq *rq, struct sched_task *p);
/* Whether queued task p should preempt curr: a higher class always, the same class by its rule. */
bool sched_check_preempt(struct rq *rq, struct sched_task *p);
/* schedule(): puts curr back, picks the highest class's choice (rq->idle if none), makes it curr
 * and clears need_resched. */
struct sched_task *sched_pick_next(struct rq *rq);
/* The periodic tick: charges curr, runs its class's checks; returns rq->need_resched. */
bool sched_tick(struct rq *rq);
/* sched_yield() for curr. */
void sched_yield(struct rq *rq);
/* The earliest absolute time the policy needs a callback (sched_rq_clock_update + sched_tick):
 * a deadline period to start, curr's deadline budget or RR quantum or fair request running out.
 * Always after rq->clock_ns; UINT64_MAX if none. A tickless or high-resolution tick arms a
 * timer for it; a plain periodic tick may ignore it (requests then overrun by up to a tick). */
uint64_t sched_next_event_ns(const struct rq *rq);

static inline unsigned int sched_rq_nr_running(const struct rq *rq)
{
	return rq->dl.nr_running + rq->rt.nr_running + rq->fair.nr_running;
}

static inline bool sched_policy_is_fair(unsigned int policy)
{
	return policy == SCHED_NORMAL || policy == SCHED_BATCH || policy == SCHED_IDLE;
}

/* --- fair-class queries (tests, tracing, /proc) --------------------------------------------- */
/* V, the weight-averaged vruntime of the queued entities (curr included), rounded down. */
uint64_t fair_avg_vruntime(const struct fair_rq *frq);
bool fair_entity_is_eligible(const struct fair_rq *frq, const struct sched_entity *se);
/* EEVDF's choice among the tree and curr: the eligible entity with the earliest deadline. */
struct sched_entity *eevdf_pick_next(const struct fair_rq *frq);

/* delta_ns * 1024 / weight without a division (Linux's calc_delta_fair). */
uint64_t fair_calc_delta(uint64_t delta_ns, const struct sched_entity *se);

#endif
