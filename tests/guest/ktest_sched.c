/* The scheduler in the guest (test=sched): kernel threads on real run queues, preempted by
 * the tick and by wake-ups, balanced across every CPU the machine has. Run with 1, 2 and 4
 * vCPUs. Ring 0 is emulated on nested development hosts, so each test is short; the policy's
 * long randomised runs are the host unit tests. Threads that could starve the test itself
 * (real-time, deadline) stop on their own at a deadline. */
#include <vitro/boot_info.h>
#include <vitro/errno.h>
#include <vitro/ktest.h>
#include <vitro/mutex.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/time.h>

#include "../../guest/kernel/arch/x86/ipi.h"

#define MS NSEC_PER_MSEC
#define TICK_NS (4 * MS) /* HZ 250 */

struct spinner {
	uint64_t end_ns; /* stop at this time, or 0 to spin until kthread_stop() */
	uint64_t first_run_ns;
	uint64_t cpus_seen; /* bit n: ran on CPU n (CPUs 0-63) */
	uint64_t loops;
};

static int spinner_fn(void *arg)
{
	struct spinner *s = arg;

	s->first_run_ns = ktime_get_ns();
	for (;;) {
		if (s->end_ns ? ktime_get_ns() >= s->end_ns : kthread_should_stop())
			break;
		s->cpus_seen |= 1ull << (smp_processor_id() & 63);
		s->loops++;
	}
	return 0;
}

static unsigned int nr_cpus(void)
{
	return cpumask_weight(&cpu_sched_online);
}

/* The CPU the pinned tests use: the last one, away from the boot CPU's interrupts. */
static unsigned int test_cpu(void)
{
	return nr_cpus() - 1;
}

static struct task *start_thread(int (*fn)(void *), void *arg, const char *name, int cpu,
				 const struct sched_attr *attr)
{
	struct task *t = kthread_create(fn, arg, name);

	if (!t)
		return NULL;
	if (cpu >= 0) {
		struct cpumask mask;

		cpumask_clear(&mask);
		cpumask_set_cpu((unsigned int)cpu, &mask);
		sched_setaffinity(t, &mask);
	}
	if (attr && sched_setattr(t, attr)) {
		kthread_stop(t); /* never woken: ends without running fn */
		return NULL;
	}
	wake_up_new_task(t);
	return t;
}

/* Creates a thread like start_thread() but leaves it new, for start_together(). */
static struct task *create_thread(int (*fn)(void *), void *arg, const char *name, int cpu,
				  const struct sched_attr *attr)
{
	struct task *t = kthread_create(fn, arg, name);
	struct cpumask mask;

	if (!t)
		return NULL;
	cpumask_clear(&mask);
	cpumask_set_cpu((unsigned int)cpu, &mask);
	sched_setaffinity(t, &mask);
	if (attr && sched_setattr(t, attr)) {
		kthread_stop(t);
		return NULL;
	}
	return t;
}

/* Wakes n new threads before any can preempt this one. */
static void start_together(struct task **t, unsigned int n)
{
	unsigned int i;

	preempt_disable();
	for (i = 0; i < n; i++)
		if (t[i])
			wake_up_new_task(t[i]);
	preempt_enable();
}

static struct sched_attr attr_nice(int nice)
{
	return (struct sched_attr){ .size = sizeof(struct sched_attr),
				    .sched_policy = SCHED_NORMAL,
				    .sched_nice = nice };
}

static struct sched_attr attr_rt(unsigned int policy, unsigned int prio)
{
	return (struct sched_attr){ .size = sizeof(struct sched_attr),
				    .sched_policy = policy,
				    .sched_priority = prio };
}

/* --- fairness -------------------------------------------------------------------------------- */

KTEST(sched_nice_0_and_nice_5_share_a_cpu_3_to_1)
{
	struct spinner a = { 0 }, b = { 0 };
	struct sched_attr n0 = attr_nice(0), n5 = attr_nice(5);
	struct task *ta = start_thread(spinner_fn, &a, "nice0", (int)test_cpu(), &n0);
	struct task *tb = start_thread(spinner_fn, &b, "nice5", (int)test_cpu(), &n5);
	uint64_t a0, b0, a1, b1, ratio_permille;

	KTEST_EXPECT(ta && tb);
	if (!ta || !tb)
		return;
	msleep(50); /* both placed and running */
	a0 = task_sched_runtime(ta);
	b0 = task_sched_runtime(tb);
	msleep(1200);
	a1 = task_sched_runtime(ta);
	b1 = task_sched_runtime(tb);
	kthread_stop(ta);
	kthread_stop(tb);
	/* 1024 / 335 = 3.057; within 5%: 2.904 to 3.210 */
	ratio_permille = (a1 - a0) * 1000 / (b1 - b0 ? b1 - b0 : 1);
	if (ratio_permille < 2904 || ratio_permille > 3210)
		ktest_fail(
			ctx, __FILE__, __LINE__,
			"nice 0 : nice 5 CPU time %llu : %llu us = %llu.%03llu (want 3.057 +- 5%%, %s)",
			(unsigned long long)(a1 - a0) / 1000, (unsigned long long)(b1 - b0) / 1000,
			(unsigned long long)ratio_permille / 1000,
			(unsigned long long)ratio_permille % 1000, sched_fair_mode_name());
	KTEST_EXPECT_EQ(a.cpus_seen, 1ull << (test_cpu() & 63));
	KTEST_EXPECT_EQ(b.cpus_seen, 1ull << (test_cpu() & 63));
}

/* --- real-time classes --------------------------------------------------------------------- */

struct rt_probe {
	struct spinner spin;
	struct task *victim; /* a NORMAL task on the same CPU */
	uint64_t victim_runtime_at_start, victim_runtime_at_end;
};

static int rt_probe_fn(void *arg)
{
	struct rt_probe *probe = arg;

	probe->victim_runtime_at_start = task_sched_runtime(probe->victim);
	spinner_fn(&probe->spin);
	probe->victim_runtime_at_end = task_sched_runtime(probe->victim);
	return 0;
}

KTEST(sched_fifo_preempts_normal_at_once)
{
	struct spinner normal = { 0 };
	struct sched_attr fifo = attr_rt(SCHED_FIFO, 50);
	struct task *victim = start_thread(spinner_fn, &normal, "normal", (int)test_cpu(), NULL);
	struct rt_probe probe = { .victim = victim };
	struct task *rt;
	uint64_t woken_at;

	KTEST_EXPECT(victim != NULL);
	if (!victim)
		return;
	rt = create_thread(rt_probe_fn, &probe, "fifo", (int)test_cpu(), &fifo);
	KTEST_EXPECT(rt != NULL);
	msleep(20);
	probe.spin.end_ns = ktime_get_ns() + 100 * MS;
	woken_at = ktime_get_ns();
	if (rt) {
		wake_up_new_task(rt);
		kthread_join(rt);
	}
	kthread_stop(victim);
	/* Not at the end of the NORMAL task's slice or at the next tick: at the wake-up. */
	if (probe.spin.first_run_ns - woken_at >= TICK_NS)
		ktest_fail(ctx, __FILE__, __LINE__,
			   "FIFO thread first ran %llu us after its wake-up",
			   (unsigned long long)(probe.spin.first_run_ns - woken_at) / 1000);
	/* While it ran, the NORMAL task on its CPU got nothing. */
	KTEST_EXPECT_EQ(probe.victim_runtime_at_end, probe.victim_runtime_at_start);
}

KTEST(sched_rr_rotates_and_fifo_does_not)
{
	struct spinner rr[2] = { 0 }, fifo[2] = { 0 };
	struct sched_attr rr_attr = attr_rt(SCHED_RR, 10), fifo_attr = attr_rt(SCHED_FIFO, 10);
	struct task *t[2];
	uint64_t runtime[2];
	unsigned int i;

	/* Two RR threads of one priority take turns every 100 ms quantum. */
	for (i = 0; i < 2; i++)
		rr[i].end_ns = ktime_get_ns() + 450 * MS;
	for (i = 0; i < 2; i++)
		t[i] = create_thread(spinner_fn, &rr[i], "rr", (int)test_cpu(), &rr_attr);
	start_together(t, 2);
	for (i = 0; i < 2; i++) {
		KTEST_EXPECT(t[i] != NULL);
		if (!t[i])
			return;
	}
	for (i = 0; i < 2; i++) {
		wait_for_completion(&t[i]->exited);
		runtime[i] = task_sched_runtime(t[i]);
		KTEST_EXPECT(t[i]->nivcsw >= 1); /* rotated out at least once */
		kthread_join(t[i]);
	}
	for (i = 0; i < 2; i++)
		if (runtime[i] < 120 * MS)
			ktest_fail(ctx, __FILE__, __LINE__, "RR thread %u ran only %llu ms of 450",
				   i, (unsigned long long)runtime[i] / MS);

	/* Two FIFO threads: the first runs until it stops, the second only after. */
	fifo[0].end_ns = ktime_get_ns() + 100 * MS;
	fifo[1].end_ns = fifo[0].end_ns;
	for (i = 0; i < 2; i++)
		t[i] = create_thread(spinner_fn, &fifo[i], "fifo", (int)test_cpu(), &fifo_attr);
	start_together(t, 2);
	for (i = 0; i < 2; i++) {
		KTEST_EXPECT(t[i] != NULL);
		if (t[i])
			kthread_join(t[i]);
	}
	KTEST_EXPECT(fifo[0].loops > 0);
	KTEST_EXPECT(fifo[1].first_run_ns >= fifo[0].end_ns);
}

/* --- deadline ---------------------------------------------------------------------------------- */

KTEST(sched_deadline_gets_its_runtime_every_period)
{
	struct sched_attr dl = { .size = sizeof(dl),
				 .sched_policy = SCHED_DEADLINE,
				 .sched_runtime = 3 * MS,
				 .sched_deadline = 30 * MS,
				 .sched_period = 30 * MS };
	struct sched_attr too_much = dl;
	struct spinner dl_spin = { 0 }, normal = { 0 };
	struct task *dl_task, *hog, *greedy;
	uint64_t start, runtime, expected;

	start = ktime_get_ns();
	dl_spin.end_ns = start + 300 * MS;
	hog = start_thread(spinner_fn, &normal, "hog", (int)test_cpu(), NULL);
	dl_task = start_thread(spinner_fn, &dl_spin, "dl", (int)test_cpu(), &dl);
	KTEST_EXPECT(hog && dl_task);
	if (!hog || !dl_task)
		return;
	/* Admission control: 29 ms per 30 ms more would pass 95% of the CPU. */
	greedy = kthread_create(spinner_fn, &normal, "greedy");
	KTEST_EXPECT(greedy != NULL);
	if (greedy) {
		struct cpumask mask;

		cpumask_clear(&mask);
		cpumask_set_cpu(test_cpu(), &mask);
		sched_setaffinity(greedy, &mask);
		too_much.sched_runtime = 29 * MS;
		KTEST_EXPECT_EQ(sched_setattr(greedy, &too_much), -EBUSY);
		KTEST_EXPECT_EQ(kthread_stop(greedy), -EINTR); /* never woken, never ran */
	}
	wait_for_completion(&dl_task->exited);
	runtime = task_sched_runtime(dl_task);
	kthread_join(dl_task);
	kthread_stop(hog);
	/* 300 ms is 10 periods of 3 ms each, against a hog that would take all of it.
	 * The guarantee is the lower bound; above it, throttling happens at the
	 * next tick, and a host that takes the vCPU away mid-period adds more
	 * (unthrottled, it would run all 300 ms). */
	expected = 10 * 3 * MS;
	if (runtime < expected * 80 / 100 || runtime > expected * 2)
		ktest_fail(ctx, __FILE__, __LINE__,
			   "deadline thread ran %llu us, want %llu (-20%%, +100%%)",
			   (unsigned long long)runtime / 1000, (unsigned long long)expected / 1000);
}

/* --- affinity and balancing --------------------------------------------------------------- */

struct affinity_probe {
	unsigned int cpu; /* where it is pinned at start */
	unsigned int move_to; /* then pins itself here */
	uint64_t seen_before, seen_after; /* CPUs seen before and after the move */
	int err;
};

static int affinity_fn(void *arg)
{
	struct affinity_probe *probe = arg;
	struct cpumask mask;
	unsigned int i;

	for (i = 0; i < 10; i++) {
		probe->seen_before |= 1ull << (smp_processor_id() & 63);
		msleep(1);
	}
	cpumask_clear(&mask);
	cpumask_set_cpu(probe->move_to, &mask);
	probe->err = sched_setaffinity(current, &mask);
	for (i = 0; i < 10; i++) {
		probe->seen_after |= 1ull << (smp_processor_id() & 63);
		if (i % 2)
			msleep(1);
		else
			yield();
	}
	return 0;
}

KTEST(sched_affinity_is_respected)
{
	struct affinity_probe probes[64];
	struct task *t[64];
	unsigned int n = nr_cpus() < 64 ? nr_cpus() : 64, i;
	struct cpumask none;

	for (i = 0; i < n; i++) {
		probes[i] = (struct affinity_probe){ .cpu = i, .move_to = (i + 1) % n };
		t[i] = start_thread(affinity_fn, &probes[i], "pinned", (int)i, NULL);
	}
	for (i = 0; i < n; i++) {
		KTEST_EXPECT(t[i] != NULL);
		if (!t[i])
			continue;
		kthread_join(t[i]);
		KTEST_EXPECT_EQ(probes[i].err, 0);
		KTEST_EXPECT_EQ(probes[i].seen_before, 1ull << i);
		KTEST_EXPECT_EQ(probes[i].seen_after, 1ull << probes[i].move_to);
	}
	cpumask_clear(&none);
	KTEST_EXPECT_EQ(sched_setaffinity(current, &none), -EINVAL);
}

KTEST(sched_work_spreads_over_all_cpus)
{
	unsigned int n = nr_cpus() < 32 ? nr_cpus() : 32, i;
	struct spinner spin[64] = { 0 };
	struct task *t[64];
	struct sched_cpu_stats before[32], after[32];
	uint64_t start, window, seen = 0;

	for (i = 0; i < 2 * n; i++)
		t[i] = start_thread(spinner_fn, &spin[i], "spread", -1, NULL);
	msleep(50); /* spread by placement, idle pulls and the periodic balance */
	start = ktime_get_ns();
	for (i = 0; i < n; i++)
		sched_cpu_stats(i, &before[i]);
	msleep(200);
	for (i = 0; i < n; i++)
		sched_cpu_stats(i, &after[i]);
	window = ktime_get_ns() - start;
	for (i = 0; i < 2 * n; i++) {
		KTEST_EXPECT(t[i] != NULL);
		if (t[i])
			kthread_stop(t[i]);
		seen |= spin[i].cpus_seen;
	}
	KTEST_EXPECT_EQ(seen, n == 64 ? ~0ull : (1ull << n) - 1);
	for (i = 0; i < n; i++) {
		uint64_t idle = after[i].idle_ns - before[i].idle_ns;

		if (idle > window / 4)
			ktest_fail(
				ctx, __FILE__, __LINE__,
				"CPU %u idle %llu ms of %llu with %u CPU-bound threads for %u CPUs",
				i, (unsigned long long)idle / MS, (unsigned long long)window / MS,
				2 * n, n);
	}
}

/* --- sleeping and waking -------------------------------------------------------------------- */

/* Each sleep ends after its time and, typically, within a tick of it. A vCPU the host
 * preempts can wake late now and then, so the median must be within a tick and the worst
 * within a few (a sleep that waited for a later tick or timer would miss both). */
KTEST(sched_sleep_wakes_on_time)
{
	uint64_t late[7];
	unsigned int i, j;

	for (i = 0; i < 7; i++) {
		uint64_t start = ktime_get_ns(), slept;

		msleep(10);
		slept = ktime_get_ns() - start;
		KTEST_EXPECT(slept >= 10 * MS);
		late[i] = slept - 10 * MS;
		for (j = i; j > 0 && late[j - 1] > late[j]; j--) {
			uint64_t tmp = late[j];

			late[j] = late[j - 1];
			late[j - 1] = tmp;
		}
	}
	if (late[3] >= TICK_NS || late[6] >= 4 * TICK_NS)
		ktest_fail(ctx, __FILE__, __LINE__,
			   "10 ms sleeps woke late by median %llu us, worst %llu us",
			   (unsigned long long)late[3] / 1000, (unsigned long long)late[6] / 1000);
}

#define PING_PONG_WAKEUPS 10000

struct ping_pong {
	struct completion ping, pong;
	unsigned int rounds, done;
};

static int pong_fn(void *arg)
{
	struct ping_pong *pp = arg;
	unsigned int i;

	for (i = 0; i < pp->rounds; i++) {
		wait_for_completion(&pp->ping);
		complete(&pp->pong);
	}
	return 0;
}

static int ping_fn(void *arg)
{
	struct ping_pong *pp = arg;
	unsigned int i;

	for (i = 0; i < pp->rounds; i++) {
		complete(&pp->ping);
		wait_for_completion(&pp->pong);
		pp->done++;
	}
	return 0;
}

KTEST(sched_ping_pong_loses_no_wakeup)
{
	struct ping_pong pp = { .rounds = PING_PONG_WAKEUPS / 2 };
	struct task *ping, *pong;

	completion_init(&pp.ping);
	completion_init(&pp.pong);
	/* On different CPUs when there are two, so every wake-up crosses CPUs. */
	pong = start_thread(pong_fn, &pp, "pong", (int)test_cpu(), NULL);
	ping = start_thread(ping_fn, &pp, "ping", 0, NULL);
	KTEST_EXPECT(ping && pong);
	if (!ping || !pong)
		return;
	if (!wait_for_completion_timeout(&ping->exited, 120 * NSEC_PER_SEC)) {
		ktest_fail(ctx, __FILE__, __LINE__, "ping-pong stuck after %u of %u rounds",
			   READ_ONCE(pp.done), pp.rounds);
		return; /* the threads are stuck: leave them */
	}
	kthread_join(ping);
	kthread_join(pong);
	KTEST_EXPECT_EQ(pp.done, pp.rounds);
}

KTEST(sched_timeouts_expire)
{
	struct completion never;
	struct wait_queue_head wq;
	uint64_t start = ktime_get_ns();

	completion_init(&never);
	wait_queue_head_init(&wq);
	KTEST_EXPECT(!wait_for_completion_timeout(&never, 5 * MS));
	KTEST_EXPECT(ktime_get_ns() - start >= 5 * MS);
	start = ktime_get_ns();
	KTEST_EXPECT_EQ(wait_event_timeout(wq, false, 5 * MS), 0);
	KTEST_EXPECT(ktime_get_ns() - start >= 5 * MS);
	KTEST_EXPECT(wait_event_timeout(wq, true, 5 * MS) > 0);
}

/* --- locks ---------------------------------------------------------------------------------- */

struct mutex_probe {
	struct mutex lock;
	unsigned int inside, counter, violations;
};

static int mutex_fn(void *arg)
{
	struct mutex_probe *probe = arg;
	unsigned int i;

	for (i = 0; i < 50; i++) {
		mutex_lock(&probe->lock);
		if (probe->inside++)
			probe->violations++;
		if (i % 8 == 0)
			msleep(1); /* sleeping with the mutex held is allowed */
		else
			yield();
		probe->counter++;
		probe->inside--;
		mutex_unlock(&probe->lock);
	}
	return 0;
}

KTEST(sched_mutex_excludes_and_sleeps)
{
	struct mutex_probe probe = { .lock = MUTEX_INIT(probe.lock) };
	struct task *t[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		t[i] = start_thread(mutex_fn, &probe, "mutex", (int)(i % nr_cpus()), NULL);
	for (i = 0; i < 4; i++) {
		KTEST_EXPECT(t[i] != NULL);
		if (t[i])
			kthread_join(t[i]);
	}
	KTEST_EXPECT_EQ(probe.violations, 0);
	KTEST_EXPECT_EQ(probe.counter, 4 * 50);
	KTEST_EXPECT(!mutex_is_locked(&probe.lock));
}

static void record_cpu(void *arg)
{
	*(unsigned int *)arg = smp_processor_id();
}

KTEST(sched_call_function_runs_on_the_target_cpu)
{
	unsigned int cpu, ran_on;

	for_each_cpu(cpu, &cpu_sched_online)
	{
		ran_on = NR_CPUS;
		KTEST_EXPECT_EQ(smp_call_function_single(cpu, record_cpu, &ran_on), 0);
		KTEST_EXPECT_EQ(ran_on, cpu);
	}
	KTEST_EXPECT_EQ(smp_call_function_single(NR_CPUS, record_cpu, &ran_on), -ENXIO);
}

static int preempt_off_fn(void *arg)
{
	uint64_t *left_at = arg, end = ktime_get_ns() + 30 * MS;

	preempt_disable();
	while (ktime_get_ns() < end)
		cpu_relax();
	*left_at = ktime_get_ns();
	preempt_enable(); /* the FIFO thread woken meanwhile runs here */
	return 0;
}

KTEST(sched_preempt_disable_holds_off_preemption)
{
	uint64_t left_at = 0;
	struct spinner fifo_spin = { 0 };
	struct sched_attr fifo = attr_rt(SCHED_FIFO, 10);
	struct task *holder =
		start_thread(preempt_off_fn, &left_at, "nopreempt", (int)test_cpu(), NULL);
	struct task *rt;

	KTEST_EXPECT(holder != NULL);
	if (!holder)
		return;
	msleep(5);
	fifo_spin.end_ns = ktime_get_ns() + 1 * MS;
	rt = start_thread(spinner_fn, &fifo_spin, "fifo", (int)test_cpu(), &fifo);
	KTEST_EXPECT(rt != NULL);
	if (rt)
		kthread_join(rt);
	kthread_join(holder);
	KTEST_EXPECT(left_at != 0);
	KTEST_EXPECT(fifo_spin.first_run_ns >= left_at);
}
