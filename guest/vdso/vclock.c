/* The vDSO's clocks: clock_gettime, gettimeofday, time and clock_getres,
 * computed in user mode from the vvar page and the TSC by the reader the
 * kernel's own clock uses (vitro/vvar.h), so they agree with the system calls
 * to the nanosecond. What the page cannot answer (CPU-time clocks, unknown
 * ids, a kernel with no clock) goes to the system call. Return values are
 * the system call's: 0 or -errno, which the C library turns into errno. */
#include <asm/unistd.h>
#include <linux/time.h>

#include "vdso.h"

#define NSEC_PER_SEC 1000000000ull
/* sys_time.c's resolutions: the coarse clocks move by a 250 Hz tick there. */
#define HIGH_RES_NS 1ull
#define COARSE_RES_NS 4000000ull

enum clock_base {
	BASE_NONE, /* not one of ours: ask the kernel */
	BASE_MONOTONIC,
	BASE_REALTIME,
};

/* The same grouping as the system call's clock_read(). */
static enum clock_base clock_base(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return BASE_REALTIME;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return BASE_MONOTONIC;
	default:
		return BASE_NONE;
	}
}

/* Nanoseconds on base, or false when the page has no clock. */
static inline bool read_ns(enum clock_base base, uint64_t *ns)
{
	uint64_t mono, offset;

	if (!vvar_read_clock(&vdso_vvar, vdso_read_tsc, &mono, &offset))
		return false;
	*ns = base == BASE_REALTIME ? mono + offset : mono;
	return true;
}

VDSO_EXPORT(int, clock_gettime, (int clock, struct timespec *ts))
{
	enum clock_base base = clock_base(clock);
	uint64_t ns;

	if (base == BASE_NONE || !read_ns(base, &ns))
		return (int)vdso_syscall2(__NR_clock_gettime, clock, (long)ts);
	ts->tv_sec = (long)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	return 0;
}

VDSO_EXPORT(int, gettimeofday, (struct timeval * tv, struct timezone *tz))
{
	uint64_t ns;

	if (!read_ns(BASE_REALTIME, &ns))
		return (int)vdso_syscall2(__NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = (long)(ns / NSEC_PER_SEC);
		tv->tv_usec = (long)(ns % NSEC_PER_SEC / 1000);
	}
	if (tz) {
		/* The kernel keeps no time zone (settimeofday cannot set one). */
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

VDSO_EXPORT(long, time, (long *t))
{
	uint64_t ns;
	long now;

	if (!read_ns(BASE_REALTIME, &ns))
		return vdso_syscall2(__NR_time, (long)t, 0);
	now = (long)(ns / NSEC_PER_SEC);
	if (t)
		*t = now;
	return now;
}

VDSO_EXPORT(int, clock_getres, (int clock, struct timespec *res))
{
	if (clock_base(clock) == BASE_NONE || vdso_vvar.clock_mode == VVAR_CLOCK_NONE)
		return (int)vdso_syscall2(__NR_clock_getres, clock, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ?
				       (long)COARSE_RES_NS :
				       (long)HIGH_RES_NS;
	}
	return 0;
}
