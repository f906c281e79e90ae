/* Clocks and sleeping: clock_gettime and friends (also served without a
 * system call by the vDSO), nanosleep, clock_nanosleep, and the real-time
 * interval timer behind alarm(2) and setitimer(ITIMER_REAL). */
#include <linux/time.h>
#include <linux/time_types.h>
#include <vitro/errno.h>
#include <vitro/signal.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/uaccess.h>

#define USEC_PER_SEC 1000000ull
#define CLOCK_COARSE_RES_NS 4000000ull /* the tick Linux's coarse clocks move by (HZ 250) */

struct old_timeval {
	int64_t tv_sec, tv_usec;
};

struct old_itimerval {
	struct old_timeval it_interval, it_value;
};

static struct __kernel_timespec ns_to_timespec(uint64_t ns)
{
	return (struct __kernel_timespec){ (int64_t)(ns / NSEC_PER_SEC),
					   (long long)(ns % NSEC_PER_SEC) };
}

static int clock_read(int clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = ktime_get_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = task_sched_runtime(current);
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(clock_gettime, int, clock, uint64_t, uts)
{
	struct __kernel_timespec ts;
	uint64_t ns;
	int err = clock_read(clock, &ns);

	if (err)
		return err;
	ts = ns_to_timespec(ns);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(clock_getres, int, clock, uint64_t, uts)
{
	struct __kernel_timespec ts;
	uint64_t ns;
	int err = clock_read(clock, &ns);

	if (err)
		return err;
	ts = ns_to_timespec(clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ?
				    CLOCK_COARSE_RES_NS :
				    1);
	if (uts && copy_to_user(uts, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(gettimeofday, uint64_t, utv, uint64_t, utz)
{
	uint64_t ns = ktime_get_real_ns();

	if (utv) {
		struct old_timeval tv = { (int64_t)(ns / NSEC_PER_SEC),
					  (int64_t)(ns % NSEC_PER_SEC / 1000) };

		if (copy_to_user(utv, &tv, sizeof(tv)))
			return -EFAULT;
	}
	if (utz) {
		struct timezone tz = { 0, 0 };

		if (copy_to_user(utz, &tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(time, uint64_t, ut)
{
	int64_t now = (int64_t)(ktime_get_real_ns() / NSEC_PER_SEC);

	if (ut && put_user(now, (int64_t *)ut))
		return -EFAULT;
	return now;
}

static long nanosleep_restart(struct restart_block *restart);

/* Sleeps until the monotonic deadline or a signal; the time left, or 0. */
static uint64_t sleep_until(uint64_t deadline)
{
	for (;;) {
		uint64_t now = ktime_get_ns();

		if (now >= deadline)
			return 0;
		if (signal_pending(current))
			return deadline - now;
		set_current_state(TASK_INTERRUPTIBLE);
		schedule_timeout(deadline - now);
	}
}

static int timespec_from_user(uint64_t uts, uint64_t *ns)
{
	struct __kernel_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NSEC_PER_SEC)
		return -EINVAL;
	*ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	return 0;
}

/* Sleeps until the deadline; interrupted, it reports the time left and asks
 * for a restart that sleeps the rest (a handler turns that into EINTR). */
static long nanosleep_until(uint64_t deadline, uint64_t urem)
{
	struct restart_block *restart = &current->restart_block;
	uint64_t left = sleep_until(deadline);

	if (!left)
		return 0;
	if (urem) {
		struct __kernel_timespec rem = ns_to_timespec(left);

		if (copy_to_user(urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	restart->fn = nanosleep_restart;
	restart->deadline_ns = deadline;
	restart->urem = urem;
	return -ERESTART_RESTARTBLOCK;
}

static long nanosleep_restart(struct restart_block *restart)
{
	return nanosleep_until(restart->deadline_ns, restart->urem);
}

static long nanosleep_rel(uint64_t ns, uint64_t urem)
{
	return nanosleep_until(ktime_get_ns() + ns, urem);
}

SYSCALL_DEFINE2(nanosleep, uint64_t, ureq, uint64_t, urem)
{
	uint64_t ns;
	int err = timespec_from_user(ureq, &ns);

	return err ? err : nanosleep_rel(ns, urem);
}

SYSCALL_DEFINE4(clock_nanosleep, int, clock, int, flags, uint64_t, ureq, uint64_t, urem)
{
	uint64_t ns, now;
	int err;

	if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL; /* Linux: not for CPU clocks of the caller */
	err = clock_read(clock, &now);
	if (err)
		return err;
	err = timespec_from_user(ureq, &ns);
	if (err)
		return err;
	if (!(flags & TIMER_ABSTIME))
		return nanosleep_rel(ns, urem);
	/* Absolute: a deadline on the chosen clock, slept on the monotonic one. */
	if (ns <= now)
		return 0;
	/* Linux restarts an absolute sleep as it was (no time left to report). */
	return sleep_until(ktime_get_ns() + (ns - now)) ? -ERESTARTNOHAND : 0;
}

/* --- ITIMER_REAL ------------------------------------------------------------------ */

struct itimer_real {
	struct timer timer;
	struct task *leader; /* the process SIGALRM goes to */
	uint64_t interval_ns;
};

static void itimer_fire(struct timer *timer)
{
	struct itimer_real *it = (struct itimer_real *)timer;
	struct signal_struct *sig = it->leader->signal;

	if (sig)
		send_signal_to_process(it->leader, SIGALRM, NULL);
	if (it->interval_ns && sig) {
		uint64_t now = ktime_get_ns();

		/* Periods missed (the machine was busy) are skipped, not
		 * delivered in a burst: one SIGALRM is pending at most anyway. */
		sig->it_real_expires_ns += it->interval_ns;
		if (sig->it_real_expires_ns <= now)
			sig->it_real_expires_ns = now + it->interval_ns -
						  (now - sig->it_real_expires_ns) % it->interval_ns;
		timer_arm(timer, sig->it_real_expires_ns);
	} else if (sig) {
		sig->it_real_expires_ns = 0;
	}
}

/* Sets ITIMER_REAL to fire in value_ns (0: off), every interval_ns after;
 * reports what was set before. */
static int itimer_real_set(uint64_t value_ns, uint64_t interval_ns, uint64_t *old_value,
			   uint64_t *old_interval)
{
	struct signal_struct *sig = current->signal;
	struct itimer_real *it = sig->it_real_timer;
	uint64_t now = ktime_get_ns();

	if (!it) {
		it = kzalloc(sizeof(*it), GFP_KERNEL);
		if (!it)
			return -ENOMEM;
		timer_init(&it->timer, itimer_fire);
		it->leader = current->group_leader;
		sig->it_real_timer = it;
	}
	timer_cancel_sync(&it->timer);
	*old_value = sig->it_real_expires_ns > now ? sig->it_real_expires_ns - now : 0;
	*old_interval = it->interval_ns;
	it->interval_ns = interval_ns;
	sig->it_real_expires_ns = value_ns ? now + value_ns : 0;
	if (value_ns)
		timer_arm(&it->timer, sig->it_real_expires_ns);
	return 0;
}

void itimer_real_release(struct signal_struct *sig)
{
	struct itimer_real *it = sig->it_real_timer;

	if (it) {
		timer_cancel_sync(&it->timer);
		kfree(it);
		sig->it_real_timer = NULL;
	}
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	uint64_t old_value, old_interval;

	if (itimer_real_set((uint64_t)seconds * NSEC_PER_SEC, 0, &old_value, &old_interval))
		return 0;
	/* Rounded up, as Linux does, so a pending alarm never reads 0. */
	return (long)((old_value + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}

static uint64_t timeval_ns(const struct old_timeval *tv)
{
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * 1000;
}

static struct old_timeval ns_timeval(uint64_t ns)
{
	/* Round up to a microsecond so a running timer never reads as off. */
	uint64_t us = (ns + 999) / 1000;

	return (struct old_timeval){ (int64_t)(us / USEC_PER_SEC), (int64_t)(us % USEC_PER_SEC) };
}

SYSCALL_DEFINE3(setitimer, int, which, uint64_t, unew, uint64_t, uold)
{
	struct old_itimerval nv = { 0 }, ov;
	uint64_t old_value, old_interval;
	int err;

	if (which != 0) /* ITIMER_REAL only: VIRTUAL and PROF need CPU-time timers */
		return -EINVAL;
	if (unew && copy_from_user(&nv, unew, sizeof(nv)))
		return -EFAULT;
	if (nv.it_value.tv_sec < 0 || nv.it_value.tv_usec < 0 || nv.it_value.tv_usec >= 1000000 ||
	    nv.it_interval.tv_sec < 0 || nv.it_interval.tv_usec < 0 ||
	    nv.it_interval.tv_usec >= 1000000)
		return -EINVAL;
	err = itimer_real_set(timeval_ns(&nv.it_value), timeval_ns(&nv.it_interval), &old_value,
			      &old_interval);
	if (err)
		return err;
	ov.it_value = ns_timeval(old_value);
	ov.it_interval = ns_timeval(old_interval);
	if (uold && copy_to_user(uold, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(getitimer, int, which, uint64_t, ucur)
{
	struct signal_struct *sig = current->signal;
	struct itimer_real *it = sig->it_real_timer;
	uint64_t now = ktime_get_ns();
	struct old_itimerval cur;

	if (which != 0)
		return -EINVAL;
	cur.it_value =
		ns_timeval(sig->it_real_expires_ns > now ? sig->it_real_expires_ns - now : 0);
	cur.it_interval = ns_timeval(it ? it->interval_ns : 0);
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
