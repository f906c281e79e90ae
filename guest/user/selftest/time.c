/* Time cases: the monotonic and real-time clocks (through libc, which may use the vDSO, and
 * through the system call), their resolution, and sleeping: nanosleep, clock_nanosleep. */
#include "selftest.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_SEC 1000000000LL
#define NS_PER_MS 1000000LL
#define JAN_1_2020 1577836800

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
}

static int monotonic_clock_never_goes_backwards(void)
{
	struct timespec ts;
	int64_t prev = 0;

	for (int i = 0; i < 20000; i++) {
		bool is_syscall = i % 10 == 0; /* the kernel's path too, not only the vDSO's */
		long ret = is_syscall ? syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) :
					clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t now = ts_ns(&ts);

		EXPECT(ret == 0, "clock_gettime: %s", strerror(errno));
		EXPECT(ts.tv_nsec >= 0 && ts.tv_nsec < NS_PER_SEC, "tv_nsec %ld out of range",
		       ts.tv_nsec);
		EXPECT(now >= prev, "read %d%s went back %lld ns", i,
		       is_syscall ? " (system call)" : "", (long long)(prev - now));
		prev = now;
	}
	selftest_sleep_ms(10);
	EXPECT_OK(clock_gettime(CLOCK_MONOTONIC, &ts));
	EXPECT(ts_ns(&ts) - prev >= 10 * NS_PER_MS, "a 10 ms sleep advanced the clock %lld ns",
	       (long long)(ts_ns(&ts) - prev));
	return 0;
}

static int nanosleep_sleeps_at_least_requested(void)
{
	struct timespec req = { .tv_nsec = 20 * NS_PER_MS }, rem = { 9, 9 };
	int64_t start = selftest_now_ns();

	EXPECT_OK(nanosleep(&req, &rem));
	int64_t slept = selftest_now_ns() - start;
	EXPECT(slept >= 20 * NS_PER_MS, "nanosleep(20 ms) returned after %lld us",
	       (long long)(slept / 1000));
	EXPECT(slept < NS_PER_SEC, "nanosleep(20 ms) took %lld ms", (long long)(slept / NS_PER_MS));
	struct timespec bad = { .tv_nsec = NS_PER_SEC };
	EXPECT_ERRNO(nanosleep(&bad, NULL), EINVAL);
	return 0;
}

static void ignore(int sig)
{
	(void)sig;
}

static int interrupted_nanosleep_returns_remaining_time(void)
{
	struct sigaction sa = { .sa_handler = ignore }; /* no SA_RESTART */
	struct itimerval timer = { .it_value = { .tv_usec = 20000 } };
	struct timespec req = { .tv_sec = 2 }, rem = { 0, 0 };

	EXPECT_OK(sigaction(SIGALRM, &sa, NULL));
	EXPECT_OK(setitimer(ITIMER_REAL, &timer, NULL));
	int64_t start = selftest_now_ns();
	int ret = nanosleep(&req, &rem);
	int err = errno;
	int64_t slept = selftest_now_ns() - start;
	EXPECT(ret == -1 && err == EINTR, "nanosleep returned %d (%s), want EINTR", ret,
	       selftest_errno_name(err));
	EXPECT(slept >= 20 * NS_PER_MS && slept < NS_PER_SEC,
	       "the 20 ms timer interrupted after %lld ms", (long long)(slept / NS_PER_MS));
	int64_t left = ts_ns(&rem);
	int64_t error = left + slept - 2 * NS_PER_SEC;
	EXPECT(left < 2 * NS_PER_SEC - 10 * NS_PER_MS && error < 200 * NS_PER_MS &&
		       error > -200 * NS_PER_MS,
	       "%lld ms left of 2 s after %lld ms asleep", (long long)(left / NS_PER_MS),
	       (long long)(slept / NS_PER_MS));
	return 0;
}

static int clock_nanosleep_absolute_wakes_after_deadline(void)
{
	struct timespec deadline, now;

	EXPECT_OK(clock_gettime(CLOCK_MONOTONIC, &deadline));
	deadline.tv_nsec += 25 * NS_PER_MS;
	if (deadline.tv_nsec >= NS_PER_SEC) {
		deadline.tv_sec++;
		deadline.tv_nsec -= NS_PER_SEC;
	}
	int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
	EXPECT(err == 0, "clock_nanosleep: %s", strerror(err));
	EXPECT_OK(clock_gettime(CLOCK_MONOTONIC, &now));
	EXPECT(ts_ns(&now) >= ts_ns(&deadline), "woke %lld us before the deadline",
	       (long long)((ts_ns(&deadline) - ts_ns(&now)) / 1000));
	EXPECT(ts_ns(&now) - ts_ns(&deadline) < NS_PER_SEC, "woke %lld ms after the deadline",
	       (long long)((ts_ns(&now) - ts_ns(&deadline)) / NS_PER_MS));
	/* A deadline in the past returns at once (1 ns after the clock's
	 * start: a machine up for less than 10 s has no "10 s ago"). */
	deadline.tv_sec = 0;
	deadline.tv_nsec = 1;
	err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
	EXPECT(err == 0, "clock_nanosleep to a past deadline: %s", strerror(err));
	return 0;
}

static int realtime_clocks_agree_and_are_set(void)
{
	struct timespec ts, sys;
	struct timeval tv;

	EXPECT_OK(clock_gettime(CLOCK_REALTIME, &ts));
	EXPECT_OK(gettimeofday(&tv, NULL));
	time_t t = time(NULL);
	EXPECT_OK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &sys));
	EXPECT(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec %ld", (long)tv.tv_usec);
	EXPECT(tv.tv_sec - ts.tv_sec <= 1 && tv.tv_sec >= ts.tv_sec,
	       "gettimeofday %lld s, clock_gettime %lld s", (long long)tv.tv_sec,
	       (long long)ts.tv_sec);
	EXPECT(t - tv.tv_sec <= 1 && t >= tv.tv_sec, "time() %lld, gettimeofday %lld", (long long)t,
	       (long long)tv.tv_sec);
	EXPECT(sys.tv_sec - t <= 1 && sys.tv_sec >= t, "the system call says %lld, libc %lld",
	       (long long)sys.tv_sec, (long long)t);
	EXPECT(ts.tv_sec > JAN_1_2020, "the real-time clock says %lld: not set from the host",
	       (long long)ts.tv_sec);
	return 0;
}

static int clock_getres_reports_fine_resolution(void)
{
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME };

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec res = { 99, 99 };

		EXPECT_OK(clock_getres(clocks[i], &res));
		EXPECT(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10 * NS_PER_MS,
		       "clock %d resolution %lld.%09ld s", (int)clocks[i], (long long)res.tv_sec,
		       res.tv_nsec);
	}
	struct timespec res;
	EXPECT_ERRNO(clock_getres((clockid_t)1000, &res), EINVAL);
	return 0;
}

static int vdso_image_is_announced_in_auxv(void)
{
	const unsigned char *vdso = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);

	EXPECT(vdso, "no AT_SYSINFO_EHDR in the auxiliary vector");
	EXPECT(selftest_is_readable(vdso), "AT_SYSINFO_EHDR %p is not readable", (void *)vdso);
	EXPECT(memcmp(vdso, "\177ELF", 4) == 0, "the vDSO at %p does not start with an ELF header",
	       (void *)vdso);
	return 0;
}

/* CPU-time clocks move when the process computes, and times() agrees. */
static int cpu_time_clocks_advance_with_work(void)
{
	struct timespec p0, p1, t0, t1;
	volatile unsigned long sink = 0;

	EXPECT_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p0));
	EXPECT_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0));
	for (unsigned long i = 0; i < 200000000ul; i++)
		sink += i;
	EXPECT_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p1));
	EXPECT_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1));
	EXPECT(p1.tv_sec * 1000000000ll + p1.tv_nsec > p0.tv_sec * 1000000000ll + p0.tv_nsec,
	       "process CPU time did not advance");
	EXPECT(t1.tv_sec * 1000000000ll + t1.tv_nsec > t0.tv_sec * 1000000000ll + t0.tv_nsec,
	       "thread CPU time did not advance");
	return 0;
}

/* gettimeofday and CLOCK_REALTIME tell the same time. */
static int gettimeofday_agrees_with_realtime(void)
{
	struct timeval tv;
	struct timespec ts;

	EXPECT_OK(clock_gettime(CLOCK_REALTIME, &ts));
	EXPECT_OK(gettimeofday(&tv, NULL));
	EXPECT(tv.tv_sec - ts.tv_sec >= 0 && tv.tv_sec - ts.tv_sec <= 2,
	       "gettimeofday %lld, CLOCK_REALTIME %lld", (long long)tv.tv_sec,
	       (long long)ts.tv_sec);
	EXPECT(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec %ld", (long)tv.tv_usec);
	EXPECT_ERRNO(clock_gettime(12345, &ts), EINVAL);
	return 0;
}

/* nanosleep refuses nanoseconds past a second and negative times. */
static int nanosleep_rejects_bad_times(void)
{
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };

	EXPECT_ERRNO(nanosleep(&bad, NULL), EINVAL);
	EXPECT_ERRNO(nanosleep(&neg, NULL), EINVAL);
	/* clock_nanosleep returns the error instead of setting errno. */
	EXPECT(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL) == EINVAL,
	       "clock_nanosleep with 10^9 ns did not return EINVAL");
	EXPECT(clock_nanosleep(12345, 0, &neg, NULL) == EINVAL, "an unknown clock was accepted");
	return 0;
}

/* alarm returns what was left of the previous one; alarm(0) cancels it. */
static int alarm_returns_time_left_and_zero_cancels(void)
{
	unsigned left;

	alarm(0);
	EXPECT(alarm(10) == 0, "an alarm was pending");
	left = alarm(0);
	EXPECT(left >= 9 && left <= 10, "alarm(0) returned %u, want 9 or 10", left);
	EXPECT(alarm(0) == 0, "the alarm was not cancelled");
	return 0;
}

const struct selftest_case time_cases[] = {
	{ "nanosleep-rejects-bad-times", nanosleep_rejects_bad_times },
	{ "alarm-returns-time-left-and-zero-cancels", alarm_returns_time_left_and_zero_cancels },
	{ "cpu-time-clocks-advance-with-work", cpu_time_clocks_advance_with_work },
	{ "gettimeofday-agrees-with-realtime", gettimeofday_agrees_with_realtime },
	{ "monotonic-clock-never-goes-backwards", monotonic_clock_never_goes_backwards },
	{ "nanosleep-sleeps-at-least-requested", nanosleep_sleeps_at_least_requested },
	{ "interrupted-nanosleep-returns-remaining-time",
	  interrupted_nanosleep_returns_remaining_time },
	{ "clock-nanosleep-absolute-wakes-after-deadline",
	  clock_nanosleep_absolute_wakes_after_deadline },
	{ "realtime-clocks-agree-and-are-set", realtime_clocks_agree_and_are_set },
	{ "clock-getres-reports-fine-resolution", clock_getres_reports_fine_resolution },
	{ "vdso-image-is-announced-in-auxv", vdso_image_is_announced_in_auxv },
	{ NULL, NULL },
};
