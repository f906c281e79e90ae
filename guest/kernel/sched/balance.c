/* Spreading tasks over CPUs: where a waking or new task goes, an idle CPU pulling work from the
 * busiest, the periodic balance from the tick (with a kick to an idle CPU when this one has
 * more than it can run, as Linux's nohz idle balance), and moves forced by affinity changes.
 * Loads are the run queues' weights (a nice 0 task weighs 1024), read without locks to choose
 * and re-checked under them to move. Deadline tasks stay where their bandwidth was admitted. */
#include <vitro/errno.h>

#include "runtime.h"

#define BALANCE_MAX_MOVES 8

static bool cpu_is_idle(unsigned int cpu)
{
	struct cpu_rq *crq = cpu_rq_of(cpu);

	return !READ_ONCE(crq->nr_running) && READ_ONCE(crq->rq.curr) == crq->rq.idle;
}

static bool cpu_allowed(const struct task *t, unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &t->cpus_allowed) && cpumask_test_cpu(cpu, &cpu_sched_online);
}

unsigned int select_task_rq(struct task *t, bool is_new)
{
	unsigned int prev = t->cpu, cpu, best = NR_CPUS;
	uint64_t best_load = UINT64_MAX;
	struct cpumask allowed;
	unsigned int i;

	for (i = 0; i < CPUMASK_WORDS; i++)
		allowed.bits[i] = t->cpus_allowed.bits[i] & cpu_sched_online.bits[i];
	if (!cpumask_weight(&allowed))
		allowed =
			cpu_sched_online; /* affinity lost every CPU: anywhere (Linux's fallback) */
	if (!is_new && cpumask_test_cpu(prev, &allowed) && cpu_is_idle(prev))
		return prev;
	/* An idle CPU, looking from the previous one onwards so wake-ups spread. */
	for (cpu = cpumask_next_from(prev + 1, &allowed); cpu < NR_CPUS;
	     cpu = cpumask_next_from(cpu + 1, &allowed))
		if (cpu_is_idle(cpu))
			return cpu;
	for_each_cpu(cpu, &allowed)
	{
		if (cpu > prev)
			break;
		if (cpu_is_idle(cpu))
			return cpu;
	}
	if (!is_new && cpumask_test_cpu(prev, &allowed))
		return prev; /* cache-warm, and the waker's CPU is busy anyway */
	for_each_cpu(cpu, &allowed)
	{
		uint64_t load = READ_ONCE(cpu_rq_of(cpu)->load);

		if (load < best_load || (load == best_load && cpu == prev)) {
			best = cpu;
			best_load = load;
		}
	}
	return best;
}

static bool can_pull(const struct cpu_rq *src, const struct cpu_rq *dst, const struct task *t)
{
	return !task_is_running_on(src, t) && cpu_allowed(t, dst->cpu) &&
	       t->sched.policy != SCHED_DEADLINE && !t->migration_pending;
}

/* Moves queued tasks from src to dst (nothing locked) while that narrows the gap between their
 * loads; an idle dst takes one task whatever its weight. Returns how many moved. */
static unsigned int pull_tasks(struct cpu_rq *dst, struct cpu_rq *src)
{
	struct task *t, *tmp;
	unsigned int moved = 0;
	uint64_t src_load, dst_load;
	bool dst_idle;

	double_rq_lock(dst, src);
	rq_clock_update(src);
	src_load = src->load;
	dst_load = dst->load;
	dst_idle = !sched_rq_nr_running(&dst->rq);
	list_for_each_entry_safe(t, tmp, &src->tasks, rq_link) {
		uint64_t w = task_load(t);

		if (sched_rq_nr_running(&src->rq) <= 1 || moved >= BALANCE_MAX_MOVES)
			break;
		if (!can_pull(src, dst, t))
			continue;
		if (!(dst_idle && !moved) && (src_load <= dst_load || 2 * w > src_load - dst_load))
			continue;
		rq_dequeue(src, t, SCHED_DEQUEUE_SAVE);
		if (rq_move_and_enqueue(src, dst, t, SCHED_ENQUEUE_RESTORE) != dst)
			continue;
		src_load -= w;
		dst_load += w;
		moved++;
	}
	dst->nr_balance_moves += moved;
	double_rq_unlock(dst, src);
	return moved;
}

/* The CPU with the most load and at least two runnable tasks, or NULL. */
static struct cpu_rq *find_busiest(const struct cpu_rq *dst)
{
	struct cpu_rq *busiest = NULL;
	uint64_t busiest_load = 0;
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_sched_online)
	{
		struct cpu_rq *crq = cpu_rq_of(cpu);
		uint64_t load = READ_ONCE(crq->load);

		if (crq == dst || READ_ONCE(crq->nr_running) < 2)
			continue;
		if (load > busiest_load) {
			busiest = crq;
			busiest_load = load;
		}
	}
	if (busiest && !READ_ONCE(dst->nr_running))
		return busiest;
	return busiest && busiest_load > READ_ONCE(dst->load) + SCHED_NICE_0_WEIGHT / 2 ? busiest :
											  NULL;
}

void idle_balance(struct cpu_rq *crq)
{
	struct cpu_rq *busiest = find_busiest(crq);

	if (!busiest)
		return;
	raw_spin_unlock(&crq->lock);
	pull_tasks(crq, busiest);
	raw_spin_lock(&crq->lock);
	rq_clock_update(crq);
}

void periodic_balance(struct cpu_rq *crq)
{
	struct cpu_rq *busiest = find_busiest(crq);
	unsigned int cpu;

	if (busiest)
		pull_tasks(crq, busiest);
	if (READ_ONCE(crq->nr_running) < 2)
		return;
	/* More here than this CPU can run: wake an idle CPU to pull (its tick is off). */
	for_each_cpu(cpu, &cpu_sched_online)
	{
		struct cpu_rq *idle = cpu_rq_of(cpu);

		if (cpu == crq->cpu || !cpu_is_idle(cpu))
			continue;
		raw_spin_lock(&idle->lock);
		idle->rq.need_resched = true;
		rq_resched_sync(idle);
		raw_spin_unlock(&idle->lock);
		break;
	}
}

/* Moves t (not queued, not running: switched out by __schedule for this) where it may run. */
void migrate_switched_out_task(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&t->pi_lock);
	struct cpu_rq *src = cpu_rq_of(t->cpu), *dst = cpu_rq_of(select_task_rq(t, false));

	double_rq_lock(src, dst);
	rq_clock_update(src);
	t->migration_pending = false;
	rq_move_and_enqueue(src, dst, t, SCHED_ENQUEUE_RESTORE);
	double_rq_unlock(src, dst);
	spin_unlock_irqrestore(&t->pi_lock, flags);
}

void balance_move_to_allowed(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&t->pi_lock);
	struct cpu_rq *src, *dst;

	for (;;) {
		unsigned int cpu = READ_ONCE(t->cpu);

		if (cpu_allowed(t, cpu))
			goto out;
		src = cpu_rq_of(cpu);
		dst = cpu_rq_of(select_task_rq(t, false));
		double_rq_lock(src, dst);
		if (READ_ONCE(t->cpu) == cpu)
			break;
		double_rq_unlock(src, dst); /* the balancer moved it meanwhile */
	}
	rq_clock_update(src);
	if (t->state == TASK_NEW) {
		/* Not queued yet: only its home (and deadline bandwidth) moves, so attributes set
		 * next are admitted where it will run. */
		if (!sched_task_migrate(&src->rq, &dst->rq, &t->sched))
			WRITE_ONCE(t->cpu, dst->cpu);
	} else if (!t->sched.on_rq) {
		/* Asleep, or switching out to sleep: its wake-up picks an allowed CPU. */
	} else if (task_is_running_on(src, t)) {
		/* Running: __schedule() takes it off and migrate_switched_out_task() moves it. */
		t->migration_pending = true;
		src->rq.need_resched = true;
		rq_resched_sync(src);
	} else {
		rq_dequeue(src, t, SCHED_DEQUEUE_SAVE);
		rq_move_and_enqueue(src, dst, t, SCHED_ENQUEUE_RESTORE);
	}
	double_rq_unlock(src, dst);
out:
	spin_unlock_irqrestore(&t->pi_lock, flags);
}
