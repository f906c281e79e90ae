/* The scheduler's runtime: per-CPU run queues around the policy (vitro/sched.h), schedule()
 * and the context switch, wake-ups across CPUs, kernel preemption, the tick, and attribute and
 * affinity changes. Tasks are created in kthread.c; balancing is in balance.c. */
#include <vitro/boot_info.h>
#include <vitro/cmdline.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/printk.h>
#include <vitro/rseq.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "../arch/x86/apic.h"
#include "../arch/x86/io.h"
#include "../arch/x86/ipi.h"
#include "../arch/x86/traps.h"
#include "runtime.h"
#include "sched_trace.h"

/* The soonest the tick is armed for a policy event: an interrupt costs more than that. */
#define HRTICK_MIN_NS (50 * NSEC_PER_USEC)

struct cpumask cpu_sched_online;
static struct sched_params sched_params;

/* --- run queues ------------------------------------------------------------------------------- */

void rq_clock_update(struct cpu_rq *crq)
{
	sched_rq_clock_update(&crq->rq, ktime_get_ns());
}

static void rq_update_counts(struct cpu_rq *crq)
{
	const struct rq *rq = &crq->rq;

	WRITE_ONCE(crq->nr_running, sched_rq_nr_running(rq));
	WRITE_ONCE(crq->load,
		   rq->fair.load + SCHED_NICE_0_WEIGHT * (rq->rt.nr_running + rq->dl.nr_running));
	sched_account_update(crq);
}

void rq_enqueue(struct cpu_rq *crq, struct task *t, unsigned int flags)
{
	sched_enqueue(&crq->rq, &t->sched, flags);
	list_add_tail(&t->rq_link, &crq->tasks);
	if (t->in_memstall)
		crq->nr_memstall++;
	rq_update_counts(crq);
}

void rq_dequeue(struct cpu_rq *crq, struct task *t, unsigned int flags)
{
	sched_dequeue(&crq->rq, &t->sched, flags);
	list_del(&t->rq_link);
	list_init(&t->rq_link);
	if (t->in_memstall)
		crq->nr_memstall--;
	rq_update_counts(crq);
}

void rq_resched_sync(struct cpu_rq *crq)
{
	struct cpu_local *local = cpu_local_of(crq->cpu);

	if (!crq->rq.need_resched || READ_ONCE(local->need_resched))
		return;
	WRITE_ONCE(local->need_resched, 1);
	if (crq->cpu != smp_processor_id())
		lapic_send_ipi(local->apic_id, RESCHEDULE_VECTOR);
}

void kick_process(struct task *t)
{
	unsigned int cpu = READ_ONCE(t->cpu);

	if (READ_ONCE(t->on_cpu) && cpu != smp_processor_id())
		lapic_send_ipi(cpu_local_of(cpu)->apic_id, RESCHEDULE_VECTOR);
}

void double_rq_lock(struct cpu_rq *a, struct cpu_rq *b)
{
	if (a == b) {
		raw_spin_lock(&a->lock);
	} else if (a->cpu < b->cpu) {
		raw_spin_lock(&a->lock);
		raw_spin_lock(&b->lock);
	} else {
		raw_spin_lock(&b->lock);
		raw_spin_lock(&a->lock);
	}
}

void double_rq_unlock(struct cpu_rq *a, struct cpu_rq *b)
{
	raw_spin_unlock(&a->lock);
	if (a != b)
		raw_spin_unlock(&b->lock);
}

struct cpu_rq *task_rq_lock(struct task *t, unsigned long *flags)
{
	for (;;) {
		struct cpu_rq *crq;

		*flags = spin_lock_irqsave(&t->pi_lock);
		crq = cpu_rq_of(READ_ONCE(t->cpu));
		raw_spin_lock(&crq->lock);
		if (crq == cpu_rq_of(READ_ONCE(t->cpu)))
			return crq;
		raw_spin_unlock(&crq->lock);
		spin_unlock_irqrestore(&t->pi_lock, *flags);
	}
}

void task_rq_unlock(struct cpu_rq *crq, struct task *t, unsigned long flags)
{
	raw_spin_unlock(&crq->lock);
	spin_unlock_irqrestore(&t->pi_lock, flags);
}

struct cpu_rq *rq_move_and_enqueue(struct cpu_rq *src, struct cpu_rq *dst, struct task *t,
				   unsigned int flags)
{
	if (src != dst) {
		rq_clock_update(dst);
		if (sched_task_migrate(&src->rq, &dst->rq, &t->sched)) {
			dst = src;
		} else {
			trace_sched_migrate_task(t, src->cpu, dst->cpu);
			WRITE_ONCE(t->cpu, dst->cpu);
			t->nr_migrations++;
		}
	}
	rq_enqueue(dst, t, flags);
	sched_check_preempt(&dst->rq, &t->sched);
	rq_resched_sync(dst);
	return dst;
}

/* --- the tick --------------------------------------------------------------------------------- */

/* Arms the tick for the next thing the policy needs, and every tick_ns while a task runs;
 * nothing when idle with nothing to wait for (tickless idle). */
static void tick_rearm(struct cpu_rq *crq)
{
	struct rq *rq = &crq->rq;
	uint64_t next = sched_next_event_ns(rq);

	/* A task that is past its slice already (it ran with preemption off) has been told; the
	 * policy's "now" would only interrupt it again and again until it switches out. */
	if (rq->need_resched)
		next = UINT64_MAX;
	else if (next < rq->clock_ns + HRTICK_MIN_NS)
		next = rq->clock_ns + HRTICK_MIN_NS;
	if (rq->curr != rq->idle && rq->clock_ns + rq->params.tick_ns < next)
		next = rq->clock_ns + rq->params.tick_ns;
	if (next == UINT64_MAX)
		return;
	if (!crq->tick.is_armed || crq->tick.expires_ns > next)
		timer_arm(&crq->tick, next);
}

static void sched_tick_fn(struct timer *timer)
{
	struct cpu_rq *crq = container_of(timer, struct cpu_rq, tick);
	bool balance;

	raw_spin_lock(&crq->lock);
	rq_clock_update(crq);
	sched_tick(&crq->rq);
	sched_account_tick(crq, irq_interrupted_user_mode());
	rq_resched_sync(crq);
	balance = crq->rq.clock_ns >= crq->next_balance_ns;
	if (balance)
		crq->next_balance_ns = crq->rq.clock_ns + 2 * crq->rq.params.tick_ns;
	tick_rearm(crq);
	raw_spin_unlock(&crq->lock);
	if (balance)
		periodic_balance(crq);
	sched_account_periodic();
}

/* --- schedule() -------------------------------------------------------------------------------- */

void finish_task_switch(struct task *prev)
{
	struct cpu_rq *crq = this_rq();
	struct task *migrating = crq->migrate_task;
	unsigned int prev_state = READ_ONCE(prev->state);

	crq->migrate_task = NULL;
	/* From here another CPU may run prev (its stack is free) */
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	raw_spin_unlock(&crq->lock);
	irq_enable();
	if (migrating)
		migrate_switched_out_task(migrating);
	if (prev_state == TASK_DEAD)
		task_put(prev); /* the reference it held on itself while it ran */
}

static void account_switch(struct cpu_rq *crq, struct task *prev, struct task *next, bool voluntary)
{
	uint64_t now = crq->rq.clock_ns;

	if (voluntary)
		prev->nvcsw++;
	else
		prev->nivcsw++;
	if (prev->is_idle)
		crq->idle_ns += now - crq->idle_since_ns;
	if (next->is_idle)
		crq->idle_since_ns = now;
}

/* Preemption is off; returns with interrupts on. preempt: the task is taken off the CPU
 * against its will, so it stays queued whatever its state. */
static void __schedule(bool preempt)
{
	struct task *prev = current, *next;
	struct cpu_rq *crq = this_rq();
	unsigned int prev_state;

	irq_disable();
	raw_spin_lock(&crq->lock);
	rq_clock_update(crq);
	prev_state = READ_ONCE(prev->state);
	if (!preempt && prev_state != TASK_RUNNING) {
		if (prev_state != TASK_DEAD)
			sched_account_sleep(crq, prev, prev_state);
		rq_dequeue(crq, prev, SCHED_DEQUEUE_SLEEP);
		prev->migration_pending = false; /* its wake-up picks an allowed CPU */
		if (prev_state == TASK_DEAD)
			sched_task_exit(&crq->rq, &prev->sched);
	} else if (prev->migration_pending && prev->sched.on_rq) {
		rq_dequeue(crq, prev, SCHED_DEQUEUE_SAVE);
		crq->migrate_task = prev;
	}
	if (!sched_rq_nr_running(&crq->rq))
		idle_balance(crq);
	next = task_of(sched_pick_next(&crq->rq));
	WRITE_ONCE(this_cpu()->need_resched, 0);
	if (next == prev) {
		tick_rearm(crq);
		raw_spin_unlock(&crq->lock);
		irq_enable();
		return;
	}
	account_switch(crq, prev, next, !preempt && prev_state != TASK_RUNNING);
	rseq_preempt(prev);
	sched_account_update(crq); /* the CPU's task changed */
	trace_sched_switch(prev, next, preempt ? TASK_RUNNING : prev_state);
	next->on_cpu = 1;
	tick_rearm(crq);
	this_cpu()->curr_task = next;
	arch_switch_to(prev, next);
	prev = switch_to_asm(&prev->kernel_rsp, next->kernel_rsp, prev);
	finish_task_switch(prev);
}

void might_sleep_check(const char *where)
{
	static bool warned;

	if ((preempt_count() || in_interrupt()) && !warned) {
		warned = true;
		pr_err("BUG: sleeping function called from invalid context at %s (preempt_count %#x, task %s)\n",
		       where, preempt_count(), current->comm);
	}
}

void schedule(void)
{
	might_sleep_check("schedule");
	do {
		preempt_disable();
		__schedule(false);
		preempt_enable_no_resched();
	} while (need_resched());
}

/* The last switch away from an exiting task. Preemption stays off from the
 * moment it is TASK_DEAD: preempted there, it would still be queued, yet
 * finish_task_switch() would see it dead and drop its own reference, and its
 * stack could be freed while it waits to run again (Linux's do_task_dead()). */
__noreturn void schedule_dead(void)
{
	struct task *t = current;

	preempt_disable();
	set_current_state(TASK_DEAD);
	__schedule(false);
	panic("task %s (pid %d) ran after it exited", t->comm, t->pid);
}

static bool irqs_enabled(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

void preempt_schedule(void)
{
	if (preempt_count() || !irqs_enabled() || !this_cpu()->rq)
		return; /* the next interrupt return or preempt_enable() comes back here */
	do {
		preempt_disable();
		__schedule(true);
		preempt_enable_no_resched();
	} while (need_resched());
}

/* From an interrupt that hit kernel code with preemption and interrupts on. */
void preempt_schedule_irq(void)
{
	do {
		preempt_disable();
		__schedule(true);
		irq_disable();
		preempt_enable_no_resched();
	} while (need_resched());
}

void yield(void)
{
	struct cpu_rq *crq;

	preempt_disable();
	irq_disable();
	crq = this_rq();
	raw_spin_lock(&crq->lock);
	rq_clock_update(crq);
	sched_yield(&crq->rq);
	raw_spin_unlock(&crq->lock);
	__schedule(true);
	preempt_enable_no_resched();
}

__noreturn void cpu_idle_loop(void)
{
	for (;;) {
		irq_disable();
		if (need_resched()) {
			irq_enable();
			schedule();
			continue;
		}
		irq_enable_and_halt();
	}
}

/* --- waking up --------------------------------------------------------------------------------- */

bool try_to_wake_up(struct task *t, unsigned int state_mask)
{
	struct cpu_rq *src, *dst;
	unsigned long flags;
	bool woke = false;

	if (t == current) {
		/* Woken before it went to sleep (say by its own timer's interrupt). */
		if (!(READ_ONCE(t->state) & state_mask))
			return false;
		WRITE_ONCE(t->state, TASK_RUNNING);
		return true;
	}
	flags = spin_lock_irqsave(&t->pi_lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the waker's condition before the state */
	if (!(READ_ONCE(t->state) & state_mask))
		goto out;
	woke = true;
	if (__atomic_load_n(&t->sched.on_rq, __ATOMIC_ACQUIRE)) {
		/* Still queued: it has not switched out yet, and now will not. */
		src = cpu_rq_of(t->cpu);
		raw_spin_lock(&src->lock);
		if (t->sched.on_rq) {
			WRITE_ONCE(t->state, TASK_RUNNING);
			trace_sched_wakeup(t, src->cpu);
			raw_spin_unlock(&src->lock);
			goto out;
		}
		raw_spin_unlock(&src->lock);
	}
	/* Dequeued: wait until it is off its CPU, then queue it where it should run. */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	src = cpu_rq_of(t->cpu);
	dst = cpu_rq_of(select_task_rq(t, false));
	double_rq_lock(src, dst);
	rq_clock_update(src);
	WRITE_ONCE(t->state, TASK_RUNNING);
	sched_account_wakeup(src, t);
	t->nr_wakeups++;
	trace_sched_wakeup(t, rq_move_and_enqueue(src, dst, t, SCHED_ENQUEUE_WAKEUP)->cpu);
	double_rq_unlock(src, dst);
out:
	spin_unlock_irqrestore(&t->pi_lock, flags);
	return woke;
}

bool wake_up_process(struct task *t)
{
	return try_to_wake_up(t, TASK_NORMAL);
}

void wake_up_new_task(struct task *t)
{
	struct cpu_rq *src, *dst;
	unsigned long flags = spin_lock_irqsave(&t->pi_lock);

	src = cpu_rq_of(t->cpu);
	dst = cpu_rq_of(select_task_rq(t, true));
	double_rq_lock(src, dst);
	rq_clock_update(src);
	WRITE_ONCE(t->state, TASK_RUNNING);
	trace_sched_wakeup_new(t, rq_move_and_enqueue(src, dst, t, SCHED_ENQUEUE_INITIAL)->cpu);
	double_rq_unlock(src, dst);
	spin_unlock_irqrestore(&t->pi_lock, flags);
}

/* --- sleeping ---------------------------------------------------------------------------------- */

struct sleep_timer {
	struct timer timer;
	struct task *task;
};

static void sleep_timer_fn(struct timer *timer)
{
	wake_up_process(container_of(timer, struct sleep_timer, timer)->task);
}

uint64_t schedule_timeout(uint64_t timeout_ns)
{
	uint64_t expires = ktime_get_ns() + timeout_ns, now;
	struct sleep_timer sleeper = { .task = current };

	timer_init(&sleeper.timer, sleep_timer_fn);
	timer_arm(&sleeper.timer, expires);
	schedule();
	timer_cancel_sync(&sleeper.timer);
	now = ktime_get_ns();
	return now < expires ? expires - now : 0;
}

void sleep_ns(uint64_t ns)
{
	uint64_t end = ktime_get_ns() + ns, now;

	while ((now = ktime_get_ns()) < end) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_timeout(end - now);
	}
	__set_current_state(TASK_RUNNING);
}

void msleep(unsigned int ms)
{
	sleep_ns((uint64_t)ms * NSEC_PER_MSEC);
}

/* --- attributes and affinity ------------------------------------------------------------------- */

int sched_setattr(struct task *t, const struct sched_attr *attr)
{
	unsigned long flags;
	struct cpu_rq *crq = task_rq_lock(t, &flags);
	int err;

	rq_clock_update(crq);
	err = sched_task_set_attr(&crq->rq, &t->sched, attr);
	rq_update_counts(crq);
	rq_resched_sync(crq);
	task_rq_unlock(crq, t, flags);
	return err;
}

void sched_set_nice(struct task *t, int nice)
{
	unsigned long flags;
	struct cpu_rq *crq = task_rq_lock(t, &flags);

	rq_clock_update(crq);
	sched_task_set_nice(&crq->rq, &t->sched, nice);
	rq_update_counts(crq);
	rq_resched_sync(crq);
	task_rq_unlock(crq, t, flags);
}

int sched_setaffinity(struct task *t, const struct cpumask *mask)
{
	unsigned long flags;

	if (!cpumask_intersects(mask, &cpu_sched_online))
		return -EINVAL;
	flags = spin_lock_irqsave(&t->pi_lock);
	t->cpus_allowed = *mask;
	spin_unlock_irqrestore(&t->pi_lock, flags);
	balance_move_to_allowed(t);
	return 0;
}

uint64_t task_sched_runtime(struct task *t)
{
	unsigned long flags;
	struct cpu_rq *crq = task_rq_lock(t, &flags);
	uint64_t runtime;

	if (crq->rq.curr == &t->sched) {
		rq_clock_update(crq);
		sched_update_curr(&crq->rq);
	}
	runtime = t->sched.sum_exec_runtime_ns;
	task_rq_unlock(crq, t, flags);
	return runtime;
}

void sched_cpu_stats(unsigned int cpu, struct sched_cpu_stats *stats)
{
	struct cpu_rq *crq = cpu_rq_of(cpu);
	unsigned long flags = local_irq_save();

	memset(stats, 0, sizeof(*stats));
	if (crq) {
		raw_spin_lock(&crq->lock);
		rq_clock_update(crq);
		stats->nr_switches = crq->rq.nr_switches;
		stats->nr_ticks = crq->rq.nr_ticks;
		stats->nr_balance_moves = crq->nr_balance_moves;
		stats->nr_running = crq->nr_running;
		stats->idle_ns = crq->idle_ns;
		if (crq->rq.curr == crq->rq.idle)
			stats->idle_ns += crq->rq.clock_ns - crq->idle_since_ns;
		raw_spin_unlock(&crq->lock);
	}
	local_irq_restore(flags);
}

const char *sched_fair_mode_name(void)
{
	return sched_params.fair_mode == SCHED_FAIR_CFS ? "CFS" : "EEVDF";
}

/* --- set-up ------------------------------------------------------------------------------------ */

static void reschedule_interrupt(void *opaque)
{
	(void)opaque; /* the interrupt return path does the work */
}

static struct task *idle_task_create(unsigned int cpu)
{
	struct task *idle = kzalloc(sizeof(*idle), GFP_KERNEL);

	if (!idle)
		panic("sched: no memory for CPU %u's idle task", cpu);
	sched_task_init(&idle->sched);
	idle->is_idle = true;
	idle->on_cpu = 1;
	idle->cpu = cpu;
	idle->refcount = 1;
	spin_lock_init(&idle->pi_lock);
	spin_lock_init(&idle->alloc_lock);
	list_init(&idle->rq_link);
	list_init(&idle->all_link);
	cpumask_clear(&idle->cpus_allowed);
	cpumask_set_cpu(cpu, &idle->cpus_allowed);
	format_snprintf(idle->comm, sizeof(idle->comm), "swapper/%u", cpu);
	return idle;
}

void sched_init_cpu(unsigned int cpu)
{
	struct cpu_rq *crq = kzalloc(sizeof(*crq), GFP_KERNEL);
	struct task *idle = idle_task_create(cpu);

	if (!crq)
		panic("sched: no memory for CPU %u's run queue", cpu);
	spin_lock_init(&crq->lock);
	crq->cpu = cpu;
	crq->idle = idle;
	list_init(&crq->tasks);
	timer_init(&crq->tick, sched_tick_fn);
	sched_rq_init(&crq->rq, cpu, &sched_params, &idle->sched);
	crq->rq.clock_ns = ktime_get_ns();
	crq->idle_since_ns = crq->rq.clock_ns;
	sched_account_init_cpu(crq);
	this_cpu()->curr_task = idle;
	this_cpu()->rq = crq;
	__atomic_fetch_or(&cpu_sched_online.bits[cpu / 64], 1ull << (cpu % 64), __ATOMIC_RELEASE);
}

void sched_init(void)
{
	char mode[16];

	sched_params_default(&sched_params);
	if (cmdline_get(boot_info.cmdline, "sched", mode, sizeof(mode))) {
		if (!strcmp(mode, "cfs"))
			sched_params.fair_mode = SCHED_FAIR_CFS;
		else if (strcmp(mode, "eevdf"))
			pr_warn("sched: unknown sched=%s (eevdf or cfs); using EEVDF\n", mode);
	}
	irq_set_handler(RESCHEDULE_VECTOR, reschedule_interrupt, NULL);
	sched_init_cpu(smp_processor_id());
}
