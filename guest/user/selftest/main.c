/* vitro-selftest's runner: runs the chosen cases, each in a child process that leads its own
 * process group, under an alarm watchdog, and prints PASS/FAIL lines and a summary. */
#include "selftest.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_SECONDS 10

static const struct selftest_group groups[] = {
	{ "process", process_cases }, { "signals", signal_cases }, { "memory", memory_cases },
	{ "threads", thread_cases },  { "files", file_cases },	   { "time", time_cases },
	{ "misc", misc_cases },	      { "rseq", rseq_cases },	   { "proc", proc_cases },
};
#define NR_GROUPS (sizeof(groups) / sizeof(groups[0]))

const char *selftest_self_path;
static char scratch_dir[PATH_MAX];
static volatile sig_atomic_t watchdog_fired;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vitro-selftest [-l] [-t SECONDS] [GROUP | GROUP/NAME]...\n"
		"  Runs the named groups or cases (all when none is named); prints\n"
		"  'PASS group/name' or 'FAIL group/name: why' per case and a summary.\n"
		"  -l          list the cases instead of running them\n"
		"  -t SECONDS  time limit of each case (default %d)\n"
		"  groups:",
		DEFAULT_TIMEOUT_SECONDS);
	for (size_t i = 0; i < NR_GROUPS; i++)
		fprintf(out, " %s", groups[i].name);
	fprintf(out, "\n");
}

static bool selector_matches(const char *selector, const struct selftest_group *group,
			     const struct selftest_case *c)
{
	size_t len = strlen(group->name);

	if (strncmp(selector, group->name, len) != 0)
		return false;
	if (selector[len] == '\0')
		return true;
	return selector[len] == '/' && strcmp(selector + len + 1, c->name) == 0;
}

static bool is_selected(char **selectors, int nr_selectors, const struct selftest_group *group,
			const struct selftest_case *c)
{
	if (nr_selectors == 0)
		return true;
	for (int i = 0; i < nr_selectors; i++)
		if (selector_matches(selectors[i], group, c))
			return true;
	return false;
}

static bool selector_is_known(const char *selector)
{
	for (size_t g = 0; g < NR_GROUPS; g++)
		for (const struct selftest_case *c = groups[g].cases; c->name; c++)
			if (selector_matches(selector, &groups[g], c))
				return true;
	return false;
}

/* The cases that execute this program again need its path: /proc/self/exe when procfs is
 * mounted, else the name execve was given (AT_EXECFN), else a search of PATH. */
static const char *find_self_path(const char *argv0)
{
	static char path[PATH_MAX];
	const char *name = (const char *)getauxval(AT_EXECFN);
	ssize_t len = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (len > 0) {
		path[len] = '\0';
		return path;
	}
	if (!name)
		name = argv0;
	if (name[0] == '/')
		return name;
	if (strchr(name, '/')) {
		size_t len;

		if (!getcwd(path, sizeof(path)))
			return name;
		len = strlen(path);
		snprintf(path + len, sizeof(path) - len, "/%s", name);
		return path;
	}
	const char *dirs = getenv("PATH");
	while (dirs && *dirs) {
		size_t dir_len = strcspn(dirs, ":");

		snprintf(path, sizeof(path), "%.*s/%s", (int)dir_len, dirs, name);
		if (path[0] == '/' && access(path, X_OK) == 0)
			return path;
		dirs += dir_len + (dirs[dir_len] == ':');
	}
	return name;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

/* Empties the scratch directory a case ran in, whatever it left there. */
static void scratch_clean(void)
{
	nftw(scratch_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void on_watchdog(int sig)
{
	(void)sig;
	watchdog_fired = 1;
}

static void case_child(const struct selftest_case *c, int report_fd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int rc;

	setpgid(0, 0);
	sigaction(SIGALRM, &dfl, NULL);
	if (chdir(scratch_dir) != 0) {
		rc = FAIL("chdir %s: %s", scratch_dir, strerror(errno));
	} else {
		rc = c->run();
		if (rc != 0 && !selftest_failure()[0])
			FAIL("failed without saying why");
	}
	if (rc != 0) {
		const char *why = selftest_failure();

		if (write(report_fd, why, strlen(why)) < 0)
			_exit(2);
	}
	_exit(rc == 0 ? 0 : rc == SELFTEST_SKIPPED ? 3 : 1);
}

/* Waits for the case's process; on time-out kills its group. Every process the case left in
 * its group dies while the case's process is a zombie, so the group's id cannot have been
 * reused (a kernel without WNOWAIT gets the same, a little less tidily). */
static int case_wait(pid_t pid, unsigned timeout_seconds, bool *timed_out)
{
	bool has_wnowait = true, is_reaped = false;
	siginfo_t info;
	int status = 0;

	*timed_out = false;
	watchdog_fired = 0;
	alarm(timeout_seconds);
	for (;;) {
		int ret = has_wnowait ? waitid(P_PID, pid, &info, WEXITED | WNOWAIT) :
					waitpid(pid, &status, 0);
		if (ret >= 0) {
			is_reaped = !has_wnowait;
			break;
		}
		if (errno == EINTR && watchdog_fired) {
			*timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		} else if (errno == EINVAL && has_wnowait) {
			has_wnowait = false;
		} else if (errno != EINTR) {
			break;
		}
	}
	alarm(0);
	kill(-pid, SIGKILL);
	while (!is_reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

enum case_result { CASE_PASSED, CASE_FAILED, CASE_SKIPPED };

static enum case_result case_run(const struct selftest_group *group, const struct selftest_case *c,
				 unsigned timeout_seconds)
{
	char why[1024] = "";
	int fds[2], status;
	bool timed_out;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		printf("FAIL %s/%s: runner: pipe2: %s\n", group->name, c->name, strerror(errno));
		return CASE_FAILED;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("FAIL %s/%s: runner: fork: %s\n", group->name, c->name, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return CASE_FAILED;
	}
	if (pid == 0) {
		close(fds[0]);
		case_child(c, fds[1]);
	}
	close(fds[1]);
	setpgid(pid, pid); /* both sides set it, so no signal can reach the old group */
	status = case_wait(pid, timeout_seconds, &timed_out);
	/* A process the case moved to another session may still hold the pipe: read what is
	 * there now instead of waiting for end of file. */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	ssize_t len = read(fds[0], why, sizeof(why) - 1);
	why[len > 0 ? len : 0] = '\0';
	close(fds[0]);
	scratch_clean();

	if (timed_out) {
		printf("FAIL %s/%s: timed out after %u s%s%s\n", group->name, c->name,
		       timeout_seconds, why[0] ? "; " : "", why);
		return CASE_FAILED;
	}
	if (selftest_exited_with(status, 0)) {
		printf("PASS %s/%s\n", group->name, c->name);
		return CASE_PASSED;
	}
	if (selftest_exited_with(status, 3) && why[0]) {
		printf("SKIP %s/%s: %s\n", group->name, c->name, why);
		return CASE_SKIPPED;
	}
	if (selftest_exited_with(status, 1) && why[0]) {
		printf("FAIL %s/%s: %s\n", group->name, c->name, why);
		return CASE_FAILED;
	}
	printf("FAIL %s/%s: the test process %s%s%s\n", group->name, c->name,
	       selftest_describe_status(status), why[0] ? "; " : "", why);
	return CASE_FAILED;
}

static int scratch_create(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch_dir, sizeof(scratch_dir), "%s/vitro-selftest.XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(scratch_dir)) {
		fprintf(stderr,
			"vitro-selftest: cannot create %s: %s (make /tmp writable or set TMPDIR)\n",
			scratch_dir, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	struct sigaction watchdog = { .sa_handler = on_watchdog }; /* no SA_RESTART */
	unsigned timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
	int passed = 0, failed = 0, skipped = 0, opt;
	bool list = false;

	if (argc >= 2 && strncmp(argv[1], "--helper=", 9) == 0)
		return selftest_helper_main(argv[1] + 9, argc, argv, envp);

	while ((opt = getopt(argc, argv, "hlt:")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 't':
			timeout_seconds = (unsigned)strtoul(optarg, NULL, 10);
			if (timeout_seconds == 0) {
				fprintf(stderr,
					"vitro-selftest: -t %s: want a whole number of "
					"seconds above 0\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	char **selectors = argv + optind;
	int nr_selectors = argc - optind;
	for (int i = 0; i < nr_selectors; i++) {
		if (!selector_is_known(selectors[i])) {
			fprintf(stderr,
				"vitro-selftest: no group or case '%s' (see vitro-selftest -l)\n",
				selectors[i]);
			return 2;
		}
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t g = 0; g < NR_GROUPS; g++) {
		for (const struct selftest_case *c = groups[g].cases; c->name; c++) {
			if (!is_selected(selectors, nr_selectors, &groups[g], c))
				continue;
			if (list)
				printf("%s/%s\n", groups[g].name, c->name);
		}
	}
	if (list)
		return 0;

	selftest_self_path = find_self_path(argv[0]);
	if (scratch_create() != 0)
		return 2;
	sigaction(SIGALRM, &watchdog, NULL);
	for (size_t g = 0; g < NR_GROUPS; g++) {
		for (const struct selftest_case *c = groups[g].cases; c->name; c++) {
			if (!is_selected(selectors, nr_selectors, &groups[g], c))
				continue;
			switch (case_run(&groups[g], c, timeout_seconds)) {
			case CASE_PASSED:
				passed++;
				break;
			case CASE_SKIPPED:
				skipped++;
				break;
			default:
				failed++;
				break;
			}
		}
	}
	scratch_clean();
	rmdir(scratch_dir);
	printf("selftest: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed == 0 ? 0 : 1;
}
