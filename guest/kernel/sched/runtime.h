/* What the scheduler's runtime files (schedule.c, balance.c, kthread.c) share: the per-CPU run
 * queue around the policy's struct rq, and its locking rules.
 *
 * Locks: a task's pi_lock comes before any run-queue lock; two run-queue locks are taken in CPU
 * order (double_rq_lock). Run-queue locks are raw (interrupts off, preemption off already). A
 * task's cpu changes only with its run queue locked (and its pi_lock, except when the balancer
 * moves a queued task), so task_rq_lock() re-checks it. */
#ifndef GUEST_KERNEL_SCHED_RUNTIME_H
#define GUEST_KERNEL_SCHED_RUNTIME_H

#include <vitro/percpu.h>
#include <vitro/psi.h>
#include <vitro/task.h>
#include <vitro/time.h>

struct cpu_rq {
	struct spinlock lock;
	struct rq rq; /* the policy's run queue */
	unsigned int cpu;
	struct task *idle;
	struct list_head tasks; /* queued tasks, the running one included (for balancing) */
	struct timer tick; /* the scheduler tick; off while idle with nothing to wait for */
	uint64_t next_balance_ns;
	struct task *migrate_task; /* switched out to move elsewhere (finish_task_switch) */
	/* Unlocked copies for other CPUs choosing where to put a task. */
	unsigned int nr_running;
	uint64_t load;
	/* statistics */
	uint64_t nr_balance_moves, idle_ns, idle_since_ns;
	/* Load, pressure and CPU time (accounting.c). The sleeper counts are
	 * kept where a task went to sleep and dropped where it wakes, so only
	 * their sum over the CPUs is meaningful; one CPU's may be negative. */
	int nr_uninterruptible; /* asleep in TASK_UNINTERRUPTIBLE */
	int nr_iowait; /* asleep in io_schedule() */
	unsigned int nr_memstall; /* queued tasks in a memory stall */
	int load_nr_active; /* runnable + uninterruptible, at load_stamp_ns */
	int64_t load_active_ns; /* its integral over time, up to load_stamp_ns */
	uint64_t load_stamp_ns;
	struct psi_cpu psi;
	uint64_t nr_user_ticks, nr_nice_ticks, nr_system_ticks;
	uint64_t online_ns; /* when the CPU joined the scheduler */
};

static inline struct cpu_rq *cpu_rq_of(unsigned int cpu)
{
	return cpu_local_of(cpu)->rq;
}

static inline struct cpu_rq *this_rq(void)
{
	return this_cpu()->rq;
}

static inline struct task *task_of(struct sched_task *p)
{
	return container_of(p, struct task, sched);
}

static inline bool task_is_running_on(const struct cpu_rq *crq, const struct task *t)
{
	return crq->rq.curr == &t->sched || __atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE);
}

/* The load a task puts on a run queue for balancing: its weight if fair, nice 0's otherwise. */
static inline uint64_t task_load(const struct task *t)
{
	return sched_policy_is_fair(t->sched.policy) ? t->sched.se.weight : SCHED_NICE_0_WEIGHT;
}

/* schedule.c */
void rq_clock_update(struct cpu_rq *crq);
void rq_enqueue(struct cpu_rq *crq, struct task *t, unsigned int flags);
void rq_dequeue(struct cpu_rq *crq, struct task *t, unsigned int flags);
/* After a policy call: tells the CPU to reschedule if the policy asked for it (an IPI when
 * it is another CPU). */
void rq_resched_sync(struct cpu_rq *crq);
void double_rq_lock(struct cpu_rq *a, struct cpu_rq *b);
void double_rq_unlock(struct cpu_rq *a, struct cpu_rq *b);
/* Locks t's pi_lock and run queue (interrupts off); returns the run queue. */
struct cpu_rq *task_rq_lock(struct task *t, unsigned long *flags);
void task_rq_unlock(struct cpu_rq *crq, struct task *t, unsigned long flags);
/* Moves t, not queued and not running, from src to dst (both locked) and queues it there with
 * flags; stays on src if dst cannot take it (deadline bandwidth). Returns where it went. */
struct cpu_rq *rq_move_and_enqueue(struct cpu_rq *src, struct cpu_rq *dst, struct task *t,
				   unsigned int flags);

/* balance.c */
/* The CPU t should be queued on: an idle one among those allowed if any (its previous CPU
 * first, for a wake-up), else its previous CPU (wake-up) or the least loaded (new task). */
unsigned int select_task_rq(struct task *t, bool is_new);
/* A CPU about to go idle pulls work from the busiest (rq locked, may drop and retake it). */
void idle_balance(struct cpu_rq *crq);
/* From the tick: pulls work when this CPU is less loaded than the busiest, and wakes an idle
 * CPU to pull when this one has more than it can run. Nothing locked. */
void periodic_balance(struct cpu_rq *crq);
/* A task that had to leave a CPU its affinity no longer allows, now switched out: queue it
 * where it may run. Nothing locked. */
void migrate_switched_out_task(struct task *t);
void balance_move_to_allowed(struct task *t);

/* accounting.c */
void sched_account_init_cpu(struct cpu_rq *crq);
/* After any change to the counts it follows (queued tasks, the running
 * task, sleepers, memory stalls): charges the time since the last change
 * to the old state (load integral, PSI states) and takes the new one. The
 * run queue is locked and its clock recent. */
void sched_account_update(struct cpu_rq *crq);
/* prev is being dequeued to sleep in prev_state: counts it as an
 * uninterruptible or I/O-waiting sleeper here. */
void sched_account_sleep(struct cpu_rq *crq, struct task *prev, unsigned int prev_state);
/* t, asleep, is being woken; crq is the run queue it slept on (locked). */
void sched_account_wakeup(struct cpu_rq *crq, struct task *t);
/* From the tick: charges the tick to user, nice or system time. */
void sched_account_tick(struct cpu_rq *crq, bool is_user_mode);
/* From the tick, nothing locked: the load average's and PSI's periodic
 * updates when they are due. */
void sched_account_periodic(void);

/* kthread.c */
/* The scheduler's view of a fresh task's first moments (switch_to.S calls it). */
void schedule_tail(struct task *prev);
__noreturn void kthread_main(void);

/* switch_to.S: saves the callee-saved registers and stack pointer of prev in *prev_rsp, loads
 * next_rsp's, and returns prev in the next task's context. */
struct task *switch_to_asm(uint64_t *prev_rsp, uint64_t next_rsp, struct task *prev);
/* Where a new thread's first switch_to_asm() returns to. */
void kthread_start_asm(void);

void finish_task_switch(struct task *prev);

#endif
