/* What the scheduler measures for /proc (vitro/sched_stats.h): each run
 * queue follows its counts of runnable, sleeping and stalled tasks, charging
 * the time between changes to the load integral and the PSI states; the tick
 * samples user and system time; the load average and PSI averages move on
 * every 5 and 2 seconds from the tick of any busy CPU, and on reads. */
#include <vitro/loadavg.h>
#include <vitro/sched_stats.h>
#include <vitro/string.h>

#include "runtime.h"

/* Guards the system-wide state below; taken before any run-queue lock. */
static struct spinlock stats_lock = SPINLOCK_INIT;
static struct loadavg loadavg;
static struct psi_system psi_system;
static uint32_t psi_deltas[NR_CPUS][NR_PSI_STATES];
static bool is_stats_started;

/* --- per run queue ------------------------------------------------------- */

void sched_account_init_cpu(struct cpu_rq *crq)
{
	uint64_t now = crq->rq.clock_ns;
	unsigned long flags = spin_lock_irqsave(&stats_lock);

	crq->online_ns = now;
	crq->load_stamp_ns = now;
	psi_cpu_init(&crq->psi, now);
	if (!is_stats_started) {
		loadavg_init(&loadavg, now);
		psi_system_init(&psi_system, now);
		is_stats_started = true;
	}
	spin_unlock_irqrestore(&stats_lock, flags);
}

void sched_account_update(struct cpu_rq *crq)
{
	const struct rq *rq = &crq->rq;
	unsigned int nr_running = sched_rq_nr_running(rq);
	bool is_busy = rq->curr != rq->idle;
	unsigned int tasks[NR_PSI_TASK_COUNTS];
	uint64_t now = rq->clock_ns;

	/* A caller's clock may lag the last change's by a little. */
	if (now > crq->load_stamp_ns) {
		crq->load_active_ns +=
			(int64_t)crq->load_nr_active * (int64_t)(now - crq->load_stamp_ns);
		crq->load_stamp_ns = now;
	}
	crq->load_nr_active = (int)nr_running + crq->nr_uninterruptible;

	tasks[PSI_NR_IOWAIT] = crq->nr_iowait > 0 ? (unsigned int)crq->nr_iowait : 0;
	tasks[PSI_NR_MEMSTALL] = crq->nr_memstall;
	tasks[PSI_NR_RUNNING] = nr_running;
	tasks[PSI_NR_ONCPU] = is_busy;
	tasks[PSI_NR_MEMSTALL_RUNNING] = is_busy && task_of(rq->curr)->in_memstall;
	psi_cpu_change(&crq->psi, now, tasks);
}

void sched_account_sleep(struct cpu_rq *crq, struct task *prev, unsigned int prev_state)
{
	/* Linux's loadavg counts uninterruptible sleepers as load. */
	if (prev_state & TASK_UNINTERRUPTIBLE) {
		crq->nr_uninterruptible++;
		prev->is_counted_uninterruptible = true;
	}
	if (prev->in_iowait) {
		crq->nr_iowait++;
		prev->is_counted_iowait = true;
	}
}

void sched_account_wakeup(struct cpu_rq *crq, struct task *t)
{
	if (t->is_counted_uninterruptible) {
		crq->nr_uninterruptible--;
		t->is_counted_uninterruptible = false;
	}
	if (t->is_counted_iowait) {
		crq->nr_iowait--;
		t->is_counted_iowait = false;
	}
	sched_account_update(crq);
}

void sched_account_tick(struct cpu_rq *crq, bool is_user_mode)
{
	struct task *curr = task_of(crq->rq.curr);

	if (curr->is_idle)
		return;
	if (is_user_mode) {
		curr->nr_user_ticks++;
		if (curr->sched.nice > 0)
			crq->nr_nice_ticks++;
		else
			crq->nr_user_ticks++;
	} else {
		curr->nr_system_ticks++;
		crq->nr_system_ticks++;
	}
}

/* --- memory stalls and I/O waits ------------------------------------------- */

static void memstall_set(bool in_memstall)
{
	unsigned long flags = local_irq_save();
	struct cpu_rq *crq = this_rq();

	/* The task runs here, so it is queued here. */
	raw_spin_lock(&crq->lock);
	rq_clock_update(crq);
	current->in_memstall = in_memstall;
	if (in_memstall)
		crq->nr_memstall++;
	else
		crq->nr_memstall--;
	sched_account_update(crq);
	raw_spin_unlock(&crq->lock);
	local_irq_restore(flags);
}

void psi_memstall_enter(unsigned long *flags)
{
	*flags = current->in_memstall;
	if (!*flags)
		memstall_set(true);
}

void psi_memstall_leave(unsigned long *flags)
{
	if (!*flags)
		memstall_set(false);
}

void io_schedule(void)
{
	bool was_in_iowait = current->in_iowait;

	current->in_iowait = true;
	schedule();
	current->in_iowait = was_in_iowait;
}

/* --- system-wide updates ------------------------------------------------- */

/* Task nanoseconds of load on every CPU up to now. */
static uint64_t total_active_ns(uint64_t now)
{
	int64_t total = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct cpu_rq *crq;

		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			continue;
		crq = cpu_rq_of(cpu);
		raw_spin_lock(&crq->lock);
		total += crq->load_active_ns;
		if (now > crq->load_stamp_ns)
			total += (int64_t)crq->load_nr_active * (int64_t)(now - crq->load_stamp_ns);
		raw_spin_unlock(&crq->lock);
	}
	return total > 0 ? (uint64_t)total : 0;
}

static void psi_collect(uint64_t now)
{
	unsigned int nr = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct cpu_rq *crq;

		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			continue;
		crq = cpu_rq_of(cpu);
		raw_spin_lock(&crq->lock);
		psi_cpu_collect(&crq->psi, now, psi_deltas[nr++]);
		raw_spin_unlock(&crq->lock);
	}
	psi_system_fold(&psi_system, psi_deltas, nr);
}

/* stats_lock held, interrupts off. */
static void stats_update(uint64_t now, bool is_read)
{
	if (now >= loadavg.next_update_ns)
		loadavg_update(&loadavg, now, total_active_ns(now));
	/* A reader sees the stall times up to now, as Linux's psi_show does. */
	if (is_read || now >= psi_system.avg_next_update_ns) {
		psi_collect(now);
		psi_system_update_averages(&psi_system, now);
	}
}

void sched_account_periodic(void)
{
	uint64_t now = ktime_get_ns();
	unsigned long flags;

	if (!is_stats_started || (now < READ_ONCE(loadavg.next_update_ns) &&
				  now < READ_ONCE(psi_system.avg_next_update_ns)))
		return;
	flags = local_irq_save();
	/* Another CPU's tick is at it already. */
	if (raw_spin_trylock(&stats_lock)) {
		stats_update(ktime_get_ns(), false);
		raw_spin_unlock(&stats_lock);
	}
	local_irq_restore(flags);
}

void sched_get_loadavg(unsigned long avenrun[3])
{
	unsigned long flags = spin_lock_irqsave(&stats_lock);

	if (is_stats_started)
		stats_update(ktime_get_ns(), false);
	memcpy(avenrun, loadavg.avenrun, sizeof(loadavg.avenrun));
	spin_unlock_irqrestore(&stats_lock, flags);
}

void psi_get(enum psi_resource res, bool full, unsigned long avg[3], uint64_t *total_us)
{
	static const enum psi_state states[3][2] = {
		[PSI_IO] = { PSI_IO_SOME, PSI_IO_FULL },
		[PSI_MEM] = { PSI_MEM_SOME, PSI_MEM_FULL },
		[PSI_CPU] = { PSI_CPU_SOME, PSI_CPU_FULL },
	};
	enum psi_state s = states[res][full];
	unsigned long flags = spin_lock_irqsave(&stats_lock);

	if (is_stats_started)
		stats_update(ktime_get_ns(), true);
	memcpy(avg, psi_system.avg[s], sizeof(psi_system.avg[s]));
	*total_us = psi_system.total_ns[s] / NSEC_PER_USEC;
	spin_unlock_irqrestore(&stats_lock, flags);
}

/* --- reading -------------------------------------------------------------- */

static unsigned int sum_over_cpus(bool is_iowait)
{
	int total = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (cpumask_test_cpu(cpu, &cpu_sched_online)) {
			struct cpu_rq *crq = cpu_rq_of(cpu);

			total += is_iowait ? READ_ONCE(crq->nr_iowait) :
					     (int)READ_ONCE(crq->nr_running);
		}
	}
	return total > 0 ? (unsigned int)total : 0;
}

unsigned int sched_nr_running(void)
{
	return sum_over_cpus(false);
}

unsigned int sched_nr_iowait(void)
{
	return sum_over_cpus(true);
}

/* total * part / whole without overflow, to a few parts in a million. */
static uint64_t scale_time(uint64_t total, uint64_t part, uint64_t whole)
{
	while (whole >= (1ull << 24)) {
		part >>= 1;
		whole >>= 1;
	}
	if (!whole)
		return 0;
	return total / whole * part + total % whole * part / whole;
}

void sched_cpu_times(unsigned int cpu, struct sched_cpu_times *times)
{
	struct cpu_rq *crq = cpu < NR_CPUS ? cpu_rq_of(cpu) : NULL;
	uint64_t psi_times[NR_PSI_STATES], busy, ticks, now;
	unsigned long flags;

	memset(times, 0, sizeof(*times));
	if (!crq)
		return;
	flags = local_irq_save();
	raw_spin_lock(&crq->lock);
	rq_clock_update(crq);
	now = crq->rq.clock_ns;
	times->idle_ns = crq->idle_ns;
	if (crq->rq.curr == crq->rq.idle)
		times->idle_ns += now - crq->idle_since_ns;
	/* Idle while a task that slept here waits for I/O: iowait. */
	psi_cpu_times(&crq->psi, now, psi_times);
	times->iowait_ns =
		psi_times[PSI_IO_FULL] < times->idle_ns ? psi_times[PSI_IO_FULL] : times->idle_ns;
	times->idle_ns -= times->iowait_ns;
	busy = now - crq->online_ns > times->idle_ns + times->iowait_ns ?
		       now - crq->online_ns - times->idle_ns - times->iowait_ns :
		       0;
	ticks = crq->nr_user_ticks + crq->nr_nice_ticks + crq->nr_system_ticks;
	if (ticks) {
		times->user_ns = scale_time(busy, crq->nr_user_ticks, ticks);
		times->nice_ns = scale_time(busy, crq->nr_nice_ticks, ticks);
		times->system_ns = busy - times->user_ns - times->nice_ns;
	} else {
		times->system_ns = busy;
	}
	raw_spin_unlock(&crq->lock);
	local_irq_restore(flags);
}

void task_cputime(struct task *t, uint64_t *utime_ns, uint64_t *stime_ns)
{
	uint64_t rtime = task_sched_runtime(t);
	uint64_t user = READ_ONCE(t->nr_user_ticks), system = READ_ONCE(t->nr_system_ticks);

	/* Linux's cputime_adjust(): no ticks in one mode gives it all to the
	 * other; none at all counts as user time, but for kernel threads
	 * (which have no process id of their own). */
	if (!t->tgid)
		*utime_ns = 0;
	else if (!system)
		*utime_ns = rtime;
	else if (!user)
		*utime_ns = 0;
	else
		*utime_ns = scale_time(rtime, user, user + system);
	*stime_ns = rtime - *utime_ns;
}
