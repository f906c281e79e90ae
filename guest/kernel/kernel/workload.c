/* See workload.h. pingpong:N: two threads, "ping" on CPU 0 and "pong" on the
 * last CPU, hand a token back and forth N times (default 1000) through
 * completions, so a trace of it has at least 2N context switches and 2N
 * wake-ups between two known tasks on two vCPUs. */
#include <vitro/printk.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/time.h>

#include "../../../shared/machine.h"
#include "../arch/x86/smpboot.h"
#include "workload.h"

#define PINGPONG_DEFAULT_ROUNDS 1000
#define PINGPONG_MAX_ROUNDS 10000000

struct pingpong {
	struct completion to_pong, to_ping;
	unsigned int rounds;
};

static int pong_fn(void *arg)
{
	struct pingpong *pp = arg;
	unsigned int i;

	for (i = 0; i < pp->rounds; i++) {
		wait_for_completion(&pp->to_pong);
		complete(&pp->to_ping);
	}
	return 0;
}

static int ping_fn(void *arg)
{
	struct pingpong *pp = arg;
	unsigned int i;

	for (i = 0; i < pp->rounds; i++) {
		complete(&pp->to_pong);
		wait_for_completion(&pp->to_ping);
	}
	return 0;
}

static struct task *start_pinned(int (*fn)(void *), void *arg, const char *name, unsigned int cpu)
{
	struct task *t = kthread_create(fn, arg, name);
	struct cpumask mask;

	if (!t)
		return NULL;
	cpumask_clear(&mask);
	cpumask_set_cpu(cpu, &mask);
	sched_setaffinity(t, &mask);
	wake_up_new_task(t);
	return t;
}

static bool parse_count(const char *text, unsigned int *count)
{
	unsigned long v = 0;

	if (!*text)
		return false;
	for (; *text; text++) {
		if (*text < '0' || *text > '9' || v > PINGPONG_MAX_ROUNDS)
			return false;
		v = v * 10 + (unsigned long)(*text - '0');
	}
	if (!v || v > PINGPONG_MAX_ROUNDS)
		return false;
	*count = v;
	return true;
}

static int pingpong_run(unsigned int rounds)
{
	struct pingpong pp = { .rounds = rounds };
	struct task *ping, *pong;
	uint64_t start = ktime_get_ns();

	completion_init(&pp.to_pong);
	completion_init(&pp.to_ping);
	pong = start_pinned(pong_fn, &pp, "pong", smp_cpus_online() - 1);
	ping = start_pinned(ping_fn, &pp, "ping", 0);
	if (!ping || !pong) {
		pr_err("workload: cannot start the pingpong threads\n");
		return -1;
	}
	kthread_join(ping);
	kthread_join(pong);
	pr_emerg("workload: pingpong %u round trips on CPUs 0 and %u in %llu us\n", rounds,
		 smp_cpus_online() - 1, (unsigned long long)((ktime_get_ns() - start) / 1000));
	return 0;
}

__noreturn void workload_run(const char *spec)
{
	unsigned int count = PINGPONG_DEFAULT_ROUNDS;
	const char *arg = strchr(spec, ':');
	size_t name_len = arg ? (size_t)(arg - spec) : strlen(spec);

	if (name_len != 8 || memcmp(spec, "pingpong", 8)) {
		pr_emerg("workload=%s: no such workload (pingpong[:ROUNDS])\n", spec);
		machine_exit(GUEST_EXIT_TEST_FAILED);
	}
	if (arg && !parse_count(arg + 1, &count)) {
		pr_emerg("workload=%s: ROUNDS must be a number from 1 to %u\n", spec,
			 PINGPONG_MAX_ROUNDS);
		machine_exit(GUEST_EXIT_TEST_FAILED);
	}
	machine_exit(pingpong_run(count) ? GUEST_EXIT_TEST_FAILED : GUEST_EXIT_SUCCESS);
}
