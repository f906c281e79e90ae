/* Miscellaneous cases: uname, getrandom, sysinfo, resource limits, identity, umask, CPU
 * affinity, priorities, and the answer to a system call that does not exist. */
#include "selftest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static int uname_says_linux_on_x86_64(void)
{
	struct utsname u;
	char host[sizeof(u.nodename)];

	EXPECT_OK(uname(&u));
	EXPECT(strcmp(u.sysname, "Linux") == 0, "sysname '%s', want Linux", u.sysname);
	EXPECT(strcmp(u.machine, "x86_64") == 0, "machine '%s', want x86_64", u.machine);
	unsigned major = 0, minor = 0;
	EXPECT(sscanf(u.release, "%u.%u", &major, &minor) == 2 && major >= 3,
	       "release '%s' is not a Linux-style version (libc checks it)", u.release);
	EXPECT(u.version[0], "empty version");
	EXPECT_OK(gethostname(host, sizeof(host)));
	EXPECT(strcmp(host, u.nodename) == 0, "gethostname '%s', nodename '%s'", host, u.nodename);
	return 0;
}

static int getrandom_fills_buffer_with_fresh_bytes(void)
{
	unsigned char a[64], b[64];
	int zeros = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	EXPECT(getrandom(a, sizeof(a), 0) == sizeof(a), "getrandom: %s", strerror(errno));
	EXPECT(getrandom(b, sizeof(b), GRND_NONBLOCK) == sizeof(b), "getrandom(GRND_NONBLOCK): %s",
	       strerror(errno));
	EXPECT(memcmp(a, b, sizeof(a)) != 0, "two calls returned the same 64 bytes");
	for (size_t i = 0; i < sizeof(a); i++)
		zeros += a[i] == 0;
	EXPECT(zeros < 16, "%d of 64 random bytes are zero", zeros);
	EXPECT_ERRNO(getrandom(a, sizeof(a), 0x1000), EINVAL);
	EXPECT_ERRNO(getrandom((void *)8, 16, 0), EFAULT);
	return 0;
}

static int sysinfo_reports_plausible_memory_and_uptime(void)
{
	struct sysinfo info;

	memset(&info, 0xff, sizeof(info));
	EXPECT_OK(sysinfo(&info));
	unsigned long long unit = info.mem_unit ? info.mem_unit : 1;
	unsigned long long total = info.totalram * unit, free_bytes = info.freeram * unit;
	EXPECT(info.mem_unit >= 1, "mem_unit 0");
	EXPECT(total >= 16ull << 20, "totalram %llu bytes", total);
	EXPECT(free_bytes > 0 && free_bytes <= total, "freeram %llu of %llu bytes", free_bytes,
	       total);
	EXPECT(info.uptime < 100L * 365 * 24 * 3600, "uptime %ld", info.uptime);
	EXPECT(info.procs >= 2, "%u processes, but this one and its runner exist", info.procs);
	return 0;
}

static int nofile_limit_caps_descriptor_numbers(void)
{
	struct rlimit old, got, low = { 32, 0 };
	int fd, last = -1;

	EXPECT_OK(prlimit(0, RLIMIT_NOFILE, NULL, &old));
	EXPECT_OK(getrlimit(RLIMIT_NOFILE, &got));
	EXPECT(got.rlim_cur == old.rlim_cur && got.rlim_max == old.rlim_max,
	       "getrlimit and prlimit disagree");
	EXPECT(old.rlim_cur >= 32 && old.rlim_cur <= old.rlim_max, "NOFILE %llu/%llu",
	       (unsigned long long)old.rlim_cur, (unsigned long long)old.rlim_max);
	low.rlim_max = old.rlim_max;
	EXPECT_OK(prlimit(0, RLIMIT_NOFILE, &low, &got));
	EXPECT(got.rlim_cur == old.rlim_cur, "prlimit's old value %llu, want %llu",
	       (unsigned long long)got.rlim_cur, (unsigned long long)old.rlim_cur);
	while ((fd = open("/", O_RDONLY | O_DIRECTORY)) >= 0)
		last = fd;
	EXPECT(errno == EMFILE, "opening past the limit: %s, want EMFILE", strerror(errno));
	EXPECT(last == 31, "the last descriptor under a limit of 32 was %d, want 31", last);
	EXPECT_ERRNO(dup2(0, 40), EBADF);
	struct rlimit bad = { 64, 32 };
	EXPECT_ERRNO(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
	EXPECT_OK(prlimit(0, RLIMIT_NOFILE, &old, NULL));
	return 0;
}

static int ids_agree_across_calls(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	EXPECT_OK(getresuid(&r, &e, &s));
	EXPECT_OK(getresgid(&gr, &ge, &gs));
	EXPECT(r == getuid() && e == geteuid(), "getresuid %d/%d, getuid %d geteuid %d", r, e,
	       getuid(), geteuid());
	EXPECT(gr == getgid() && ge == getegid(), "getresgid %d/%d, getgid %d getegid %d", gr, ge,
	       getgid(), getegid());
	int n = getgroups(0, NULL);
	EXPECT(n >= 0 && n <= 65536, "getgroups(0) returned %d", n);
	return 0;
}

static int umask_returns_previous_mask(void)
{
	mode_t first = umask(027);
	mode_t second = umask(first);

	EXPECT(second == 027, "umask returned %o, want 027", second);
	EXPECT(umask(first) == first, "umask did not restore %o", first);
	return 0;
}

static int affinity_can_be_narrowed_to_one_cpu(void)
{
	cpu_set_t all, one, now;
	int first = -1;

	EXPECT_OK(sched_getaffinity(0, sizeof(all), &all));
	EXPECT(CPU_COUNT(&all) >= 1, "the affinity mask is empty");
	for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
		if (CPU_ISSET(i, &all))
			first = i;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	EXPECT_OK(sched_setaffinity(0, sizeof(one), &one));
	EXPECT_OK(sched_getaffinity(0, sizeof(now), &now));
	EXPECT(CPU_EQUAL(&now, &one), "after narrowing to CPU %d the mask has %d CPUs", first,
	       CPU_COUNT(&now));
	EXPECT_OK(sched_yield());
	EXPECT_OK(sched_setaffinity(0, sizeof(all), &all));
	return 0;
}

/* The raw call takes any buffer with a bit per CPU the machine has, in whole
 * longs (busybox's taskset starts with one long), and answers with how much
 * of it the kernel's mask filled. */
static int affinity_call_takes_one_long_for_few_cpus(void)
{
	long nr = sysconf(_SC_NPROCESSORS_CONF);
	long need = (nr + 63) / 64 * 8;
	uint64_t mask[32];
	long got;

	EXPECT(nr >= 1, "sysconf says %ld CPUs", nr);
	got = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	EXPECT(got >= need && got <= (long)sizeof(mask) && got % 8 == 0,
	       "returned %ld bytes for %ld CPUs", got, nr);
	EXPECT(syscall(SYS_sched_getaffinity, 0, (size_t)need, mask) == need,
	       "a buffer of %ld bytes is refused for %ld CPUs", need, nr);
	EXPECT(mask[0] & 1 || nr > 1, "CPU 0 missing from a 1-CPU machine's mask");
	EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 0, 4, mask), EINVAL);
	return 0;
}

static int nice_value_is_kept_per_process(void)
{
	errno = 0;
	int before = getpriority(PRIO_PROCESS, 0);
	EXPECT(errno == 0, "getpriority: %s", strerror(errno));
	EXPECT_OK(setpriority(PRIO_PROCESS, 0, before + 5 > 19 ? 19 : before + 5));
	errno = 0;
	int after = getpriority(PRIO_PROCESS, 0);
	EXPECT(errno == 0 && after == (before + 5 > 19 ? 19 : before + 5),
	       "getpriority says %d after setting %d", after, before + 5);
	EXPECT(getpriority(PRIO_PROCESS, getppid()) == before,
	       "the runner's nice value changed with ours");
	return 0;
}

/* A child in the case's own process group, parked until killed. */
static pid_t park_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static int nice_applies_to_a_process_group_and_a_user(void)
{
	pid_t child;
	int base;

	EXPECT_OK(setpgid(0, 0));
	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	EXPECT(errno == 0 && base <= 15, "nice %d to start with", base);
	EXPECT_OK(child = park_child());
	/* The group: both members change; reading gives the best (lowest). */
	EXPECT_OK(setpriority(PRIO_PGRP, 0, base + 3));
	EXPECT(getpriority(PRIO_PROCESS, child) == base + 3, "the child's nice is %d, want %d",
	       getpriority(PRIO_PROCESS, child), base + 3);
	EXPECT_OK(setpriority(PRIO_PROCESS, child, base + 4));
	EXPECT(getpriority(PRIO_PGRP, 0) == base + 3, "the group's best nice is %d, want %d",
	       getpriority(PRIO_PGRP, 0), base + 3);
	errno = 0;
	EXPECT(getpriority(PRIO_USER, getuid()) != -1 || errno == 0, "PRIO_USER: %s",
	       strerror(errno));
	EXPECT_ERRNO(getpriority(PRIO_PGRP, 999999), ESRCH);
	EXPECT_ERRNO(setpriority(7, 0, 0), EINVAL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

#define IOPRIO_VALUE(class, data) ((class) << 13 | (data))

/* ioprio: classes and levels checked, kept across fork. (What a process
 * starts with is its parent's: the runner's may have been set.) */
static int io_priority_is_set_checked_and_inherited(void)
{
	long got;
	pid_t child;

	EXPECT_OK(syscall(SYS_ioprio_set, 1, 0, IOPRIO_VALUE(0, 0)));
	EXPECT(syscall(SYS_ioprio_get, 1, 0) == IOPRIO_VALUE(0, 0), "ioprio %ld after none",
	       syscall(SYS_ioprio_get, 1, 0));
	EXPECT_OK(syscall(SYS_ioprio_set, 1, 0, IOPRIO_VALUE(2, 3)));
	got = syscall(SYS_ioprio_get, 1, 0);
	EXPECT(got == IOPRIO_VALUE(2, 3), "ioprio %#lx after setting best-effort 3", got);
	/* (Levels past 7 are hint bits on Linux 6.5 and later, EINVAL before.) */
	EXPECT_ERRNO(syscall(SYS_ioprio_set, 1, 0, IOPRIO_VALUE(0, 1)), EINVAL);
	EXPECT_ERRNO(syscall(SYS_ioprio_set, 1, 0, IOPRIO_VALUE(5, 0)), EINVAL);
	EXPECT_ERRNO(syscall(SYS_ioprio_set, 9, 0, IOPRIO_VALUE(2, 0)), EINVAL);
	EXPECT_OK(child = park_child());
	got = syscall(SYS_ioprio_get, 1, child);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	EXPECT(got == IOPRIO_VALUE(2, 3), "the child's ioprio is %#lx", got);
	EXPECT_OK(syscall(SYS_ioprio_set, 1, 0, IOPRIO_VALUE(3, 0)));
	EXPECT(syscall(SYS_ioprio_get, 1, 0) == IOPRIO_VALUE(3, 0), "idle class not kept");
	return 0;
}

static int unknown_system_call_returns_enosys(void)
{
	EXPECT_ERRNO(syscall(1000), ENOSYS);
	EXPECT_ERRNO(syscall(-1L), ENOSYS);
	return 0;
}

/* In a child with its own UTS namespace where the kernel has them (the host's name must not
 * change under a test); our kernel has one name space, and the machine is the test's own. */
static int sethostname_check(void *arg)
{
	struct utsname before, after;

	(void)arg;
	EXPECT_OK(uname(&before));
	if (unshare(CLONE_NEWUTS) != 0 && !strstr(before.release, "vitro"))
		return FAIL("no UTS namespace to change the name in (unshare: %s)",
			    strerror(errno));
	EXPECT_OK(sethostname("selftest-host", 13));
	EXPECT_OK(uname(&after));
	EXPECT(!strcmp(after.nodename, "selftest-host"), "nodename '%s' after sethostname",
	       after.nodename);
	EXPECT_OK(sethostname(before.nodename, strlen(before.nodename)));
	EXPECT_ERRNO(sethostname("x", 65), EINVAL);
	return 0;
}

static int sethostname_shows_in_uname(void)
{
	return selftest_in_child(sethostname_check, NULL);
}

static int prctl_name_is_the_thread_name(void)
{
	char name[16] = { 0 };

	EXPECT_OK(prctl(PR_SET_NAME, "selftest-name", 0, 0, 0));
	EXPECT_OK(prctl(PR_GET_NAME, name, 0, 0, 0));
	EXPECT(!strcmp(name, "selftest-name"), "PR_GET_NAME gave '%s'", name);
	/* Longer names are cut to 15 bytes and a NUL. */
	EXPECT_OK(prctl(PR_SET_NAME, "a-name-much-longer-than-sixteen", 0, 0, 0));
	EXPECT_OK(prctl(PR_GET_NAME, name, 0, 0, 0));
	EXPECT(strlen(name) == 15, "PR_GET_NAME gave '%s' (%zu bytes)", name, strlen(name));
	return 0;
}

/* Through the system calls themselves: musl's wrappers for these answer ENOSYS on purpose. */
static int fifo_policy_can_be_set_and_read_back(void)
{
	struct sched_param param = { .sched_priority = 10 };

	EXPECT_OK(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &param));
	EXPECT(syscall(SYS_sched_getscheduler, 0) == SCHED_FIFO, "policy %ld after setting FIFO",
	       syscall(SYS_sched_getscheduler, 0));
	param.sched_priority = 0;
	EXPECT_OK(syscall(SYS_sched_getparam, 0, &param));
	EXPECT(param.sched_priority == 10, "priority %d, want 10", param.sched_priority);
	EXPECT(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1,
	       "FIFO priorities %d..%d, want 1..99", sched_get_priority_min(SCHED_FIFO),
	       sched_get_priority_max(SCHED_FIFO));
	param.sched_priority = 0;
	EXPECT_OK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &param));
	EXPECT(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER, "policy %ld after going back",
	       syscall(SYS_sched_getscheduler, 0));
	param.sched_priority = 100;
	EXPECT_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &param), EINVAL);
	return 0;
}

/* getrandom: GRND_NONBLOCK and GRND_RANDOM are fine; unknown flags are not. */
static int getrandom_checks_its_flags(void)
{
	unsigned char buf[16];

	EXPECT(getrandom(buf, sizeof(buf), GRND_NONBLOCK) == sizeof(buf), "GRND_NONBLOCK: %s",
	       strerror(errno));
	EXPECT(getrandom(buf, sizeof(buf), GRND_RANDOM) > 0, "GRND_RANDOM: %s", strerror(errno));
	EXPECT_ERRNO(getrandom(buf, sizeof(buf), 0x40), EINVAL);
	EXPECT_ERRNO(syscall(SYS_getrandom, (void *)8, 16, 0), EFAULT);
	return 0;
}

/* setrlimit then getrlimit; a soft limit above the hard one is refused. */
static int resource_limits_are_set_and_read_back(void)
{
	struct rlimit want = { 0, 0 }, got;

	EXPECT_OK(setrlimit(RLIMIT_CORE, &want));
	EXPECT_OK(getrlimit(RLIMIT_CORE, &got));
	EXPECT(got.rlim_cur == 0 && got.rlim_max == 0, "RLIMIT_CORE %llu/%llu",
	       (unsigned long long)got.rlim_cur, (unsigned long long)got.rlim_max);
	EXPECT_OK(getrlimit(RLIMIT_STACK, &got));
	want = (struct rlimit){ got.rlim_max == RLIM_INFINITY ? 1 << 20 : got.rlim_max, 1 << 19 };
	if (got.rlim_max != RLIM_INFINITY && got.rlim_max < (1 << 20))
		want = (struct rlimit){ got.rlim_max, got.rlim_max / 2 };
	EXPECT_ERRNO(setrlimit(RLIMIT_STACK, &want), EINVAL);
	EXPECT_ERRNO(getrlimit(999, &got), EINVAL);
	return 0;
}

/* A process starts as SCHED_OTHER with priority 0 and Linux's FIFO range. */
static int default_scheduling_is_other(void)
{
	struct sched_param sp;

	/* The system calls: musl's wrappers answer ENOSYS (POSIX means a
	 * process, Linux a thread). */
	EXPECT(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER, "policy %ld",
	       syscall(SYS_sched_getscheduler, 0));
	EXPECT_OK(syscall(SYS_sched_getparam, 0, &sp));
	EXPECT(sp.sched_priority == 0, "priority %d", sp.sched_priority);
	EXPECT(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1,
	       "FIFO range %d..%d", sched_get_priority_min(SCHED_FIFO),
	       sched_get_priority_max(SCHED_FIFO));
	EXPECT(sched_get_priority_max(SCHED_OTHER) == 0, "OTHER max %d",
	       sched_get_priority_max(SCHED_OTHER));
	EXPECT_ERRNO(sched_get_priority_max(42), EINVAL);
	return 0;
}

/* sysinfo counts this process and its child among the processes. */
static int sysinfo_counts_processes(void)
{
	struct sysinfo before, during;
	pid_t pid;

	EXPECT_OK(sysinfo(&before));
	EXPECT(before.procs >= 1, "procs %u", (unsigned)before.procs);
	EXPECT_OK(pid = fork());
	if (pid == 0) {
		for (;;)
			pause();
	}
	EXPECT_OK(sysinfo(&during));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT(during.procs >= 2, "procs %u with a child alive", (unsigned)during.procs);
	return 0;
}

const struct selftest_case misc_cases[] = {
	{ "sysinfo-counts-processes", sysinfo_counts_processes },
	{ "getrandom-checks-its-flags", getrandom_checks_its_flags },
	{ "resource-limits-are-set-and-read-back", resource_limits_are_set_and_read_back },
	{ "default-scheduling-is-other", default_scheduling_is_other },
	{ "uname-says-linux-on-x86-64", uname_says_linux_on_x86_64 },
	{ "getrandom-fills-buffer-with-fresh-bytes", getrandom_fills_buffer_with_fresh_bytes },
	{ "sysinfo-reports-plausible-memory-and-uptime",
	  sysinfo_reports_plausible_memory_and_uptime },
	{ "nofile-limit-caps-descriptor-numbers", nofile_limit_caps_descriptor_numbers },
	{ "ids-agree-across-calls", ids_agree_across_calls },
	{ "umask-returns-previous-mask", umask_returns_previous_mask },
	{ "affinity-can-be-narrowed-to-one-cpu", affinity_can_be_narrowed_to_one_cpu },
	{ "affinity-call-takes-one-long-for-few-cpus", affinity_call_takes_one_long_for_few_cpus },
	{ "nice-value-is-kept-per-process", nice_value_is_kept_per_process },
	{ "nice-applies-to-a-process-group-and-a-user",
	  nice_applies_to_a_process_group_and_a_user },
	{ "io-priority-is-set-checked-and-inherited", io_priority_is_set_checked_and_inherited },
	{ "unknown-system-call-returns-enosys", unknown_system_call_returns_enosys },
	{ "sethostname-shows-in-uname", sethostname_shows_in_uname },
	{ "prctl-name-is-the-thread-name", prctl_name_is_the_thread_name },
	{ "fifo-policy-can-be-set-and-read-back", fifo_policy_can_be_set_and_read_back },
	{ NULL, NULL },
};
