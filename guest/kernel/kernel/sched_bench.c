/* `bench=sched` on the command line: the scheduler's costs measured in the running kernel,
 * one "schedbench:" line each, for make bench to set EEVDF beside CFS (sched=cfs) on the
 * same machine. Timing only: nothing is checked.
 *  - context switch: two threads on one CPU hand a token back and forth through
 *    completions; each hand-over is a wake-up and a switch.
 *  - wake-up latency, as schbench measures it: a waker on one CPU wakes a sleeper on
 *    another while a CPU-bound thread loads each of the two; the time from the wake-up
 *    call to the sleeper running, percentiles over many rounds. */
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/task.h>
#include <vitro/time.h>

#include "sched_bench.h"

#define SWITCH_ROUNDS 5000
#define WAKEUP_ROUNDS 1000

struct token {
	struct completion there, back;
	unsigned int rounds;
};

static int token_echo(void *arg)
{
	struct token *tok = arg;
	unsigned int i;

	for (i = 0; i < tok->rounds; i++) {
		wait_for_completion(&tok->there);
		complete(&tok->back);
	}
	return 0;
}

static void pin(struct task *t, unsigned int cpu)
{
	struct cpumask mask;

	cpumask_clear(&mask);
	cpumask_set_cpu(cpu, &mask);
	sched_setaffinity(t, &mask);
}

static void bench_context_switch(void)
{
	struct token tok = { .rounds = SWITCH_ROUNDS };
	struct task *echo;
	uint64_t start, elapsed;
	unsigned int i;

	completion_init(&tok.there);
	completion_init(&tok.back);
	pin(current, 0);
	echo = kthread_create(token_echo, &tok, "echo");
	if (!echo)
		return;
	pin(echo, 0);
	wake_up_new_task(echo);
	start = ktime_get_ns();
	for (i = 0; i < tok.rounds; i++) {
		complete(&tok.there);
		wait_for_completion(&tok.back);
	}
	elapsed = ktime_get_ns() - start;
	kthread_join(echo);
	pr_emerg("schedbench: context-switch %llu ns (%u hand-overs on one CPU)\n",
		 (unsigned long long)(elapsed / (2 * tok.rounds)), 2 * tok.rounds);
}

struct sleeper {
	struct completion go;
	uint64_t woken_at;
	uint64_t *latency;
	unsigned int rounds;
};

static int sleeper_fn(void *arg)
{
	struct sleeper *s = arg;
	unsigned int i;

	for (i = 0; i < s->rounds; i++) {
		wait_for_completion(&s->go);
		s->latency[i] = ktime_get_ns() - READ_ONCE(s->woken_at);
	}
	return 0;
}

static int load_fn(void *arg)
{
	(void)arg;
	while (!kthread_should_stop())
		cpu_relax();
	return 0;
}

static void sort_u64(uint64_t *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		uint64_t x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void bench_wakeup_latency(void)
{
	struct sleeper s = { .rounds = WAKEUP_ROUNDS };
	struct task *sleeper, *load[2] = { NULL, NULL };
	unsigned int cpus = cpumask_weight(&cpu_sched_online), i;

	if (cpus < 2) {
		pr_emerg("schedbench: wakeup-latency needs 2 CPUs\n");
		return;
	}
	s.latency = kmalloc(WAKEUP_ROUNDS * sizeof(*s.latency), GFP_KERNEL);
	if (!s.latency)
		return;
	completion_init(&s.go);
	pin(current, 0);
	sleeper = kthread_create(sleeper_fn, &s, "sleeper");
	for (i = 0; i < 2; i++) {
		load[i] = kthread_create(load_fn, NULL, "load");
		if (load[i]) {
			pin(load[i], i);
			wake_up_new_task(load[i]);
		}
	}
	if (sleeper) {
		pin(sleeper, 1);
		wake_up_new_task(sleeper);
		for (i = 0; i < s.rounds; i++) {
			msleep(1); /* the sleeper goes back to sleep; the loads run */
			WRITE_ONCE(s.woken_at, ktime_get_ns());
			complete(&s.go);
		}
		kthread_join(sleeper);
		sort_u64(s.latency, s.rounds);
		pr_emerg(
			"schedbench: wakeup-latency p50 %llu us p99 %llu us max %llu us (%u wake-ups across CPUs, both loaded)\n",
			(unsigned long long)s.latency[s.rounds / 2] / 1000,
			(unsigned long long)s.latency[s.rounds * 99 / 100] / 1000,
			(unsigned long long)s.latency[s.rounds - 1] / 1000, s.rounds);
	}
	for (i = 0; i < 2; i++)
		if (load[i])
			kthread_stop(load[i]);
	kfree(s.latency);
}

void sched_bench_run(void)
{
	pr_emerg("schedbench: scheduler %s, %u CPUs, clock %s\n", sched_fair_mode_name(),
		 cpumask_weight(&cpu_sched_online), clocksource_name());
	bench_context_switch();
	bench_wakeup_latency();
}
