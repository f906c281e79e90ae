/* /proc as programs read it: the process's own files agree with the system
 * calls, and the system files with sysinfo and uname. */
#include "selftest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The whole of a /proc file, NUL-terminated; -1 on error. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t used = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (used < size - 1 && (n = read(fd, buf + used, size - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	return (ssize_t)used;
}

static int self_status_names_the_process(void)
{
	char buf[4096], *line;
	int pid = -1, ppid = -1;

	EXPECT(slurp("/proc/self/status", buf, sizeof(buf)) > 0, "read: %s", strerror(errno));
	line = strstr(buf, "\nPid:");
	EXPECT(line && sscanf(line, "\nPid:\t%d", &pid) == 1, "no Pid line");
	line = strstr(buf, "\nPPid:");
	EXPECT(line && sscanf(line, "\nPPid:\t%d", &ppid) == 1, "no PPid line");
	EXPECT(pid == getpid() && ppid == getppid(), "Pid %d PPid %d, want %d %d", pid, ppid,
	       getpid(), getppid());
	EXPECT(!strncmp(buf, "Name:\t", 6), "status starts with '%.20s'", buf);
	EXPECT(strstr(buf, "\nState:\tR (running)"), "State is not R (running)");
	return 0;
}

static int self_stat_fields_match(void)
{
	char buf[1024], state;
	int pid, ppid, pgrp;

	EXPECT(slurp("/proc/self/stat", buf, sizeof(buf)) > 0, "read: %s", strerror(errno));
	/* pid (comm) state ppid pgrp: comm may hold spaces, so from the last ')'. */
	EXPECT(sscanf(buf, "%d", &pid) == 1 && pid == getpid(), "pid field %.20s", buf);
	char *close_paren = strrchr(buf, ')');
	EXPECT(close_paren && sscanf(close_paren + 1, " %c %d %d", &state, &ppid, &pgrp) == 3,
	       "fields after comm: %.40s", close_paren ? close_paren : buf);
	EXPECT(state == 'R' && ppid == getppid() && pgrp == getpgrp(),
	       "state %c ppid %d pgrp %d; want R %d %d", state, ppid, pgrp, getppid(), getpgrp());
	return 0;
}

static int self_cmdline_holds_argv(void)
{
	char buf[4096];
	ssize_t n = slurp("/proc/self/cmdline", buf, sizeof(buf));

	EXPECT(n > 0, "read: %s", strerror(errno));
	EXPECT(buf[n - 1] == '\0', "cmdline does not end with a NUL");
	EXPECT(strstr(buf, "selftest"), "argv[0] '%s' does not name the program", buf);
	return 0;
}

static int meminfo_agrees_with_sysinfo(void)
{
	char buf[8192], *line;
	unsigned long long total_kb = 0;
	struct sysinfo si;

	EXPECT(slurp("/proc/meminfo", buf, sizeof(buf)) > 0, "read: %s", strerror(errno));
	line = strstr(buf, "MemTotal:");
	EXPECT(line && sscanf(line, "MemTotal: %llu kB", &total_kb) == 1, "no MemTotal line");
	EXPECT_OK(sysinfo(&si));
	unsigned long long si_kb = (unsigned long long)si.totalram * si.mem_unit / 1024;
	EXPECT(total_kb == si_kb, "MemTotal %llu kB, sysinfo %llu kB", total_kb, si_kb);
	EXPECT(strstr(buf, "\nMemAvailable:"), "no MemAvailable line (free reads it)");
	return 0;
}

static int version_and_uptime_agree_with_the_calls(void)
{
	char buf[1024];
	struct utsname u;
	struct sysinfo si;
	double up = -1;

	EXPECT_OK(uname(&u));
	EXPECT(slurp("/proc/version", buf, sizeof(buf)) > 0, "read: %s", strerror(errno));
	EXPECT(strstr(buf, u.release), "/proc/version '%.60s' lacks release %s", buf, u.release);
	EXPECT(slurp("/proc/uptime", buf, sizeof(buf)) > 0, "read: %s", strerror(errno));
	EXPECT(sscanf(buf, "%lf", &up) == 1, "uptime '%s'", buf);
	EXPECT_OK(sysinfo(&si));
	long diff = (long)up - (long)si.uptime;

	EXPECT(up >= 0 && diff <= 2 && diff >= -2, "/proc/uptime %.2f, sysinfo %ld", up,
	       (long)si.uptime);
	return 0;
}

const struct selftest_case proc_cases[] = {
	{ "self-status-names-the-process", self_status_names_the_process },
	{ "self-stat-fields-match", self_stat_fields_match },
	{ "self-cmdline-holds-argv", self_cmdline_holds_argv },
	{ "meminfo-agrees-with-sysinfo", meminfo_agrees_with_sysinfo },
	{ "version-and-uptime-agree-with-the-calls", version_and_uptime_agree_with_the_calls },
	{ NULL, NULL },
};
