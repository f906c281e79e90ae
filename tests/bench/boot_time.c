/* boot_time: runs a VMM command N times and reports medians of the wall time
 * from its exec to its first stdout line and to its exit, and its peak RSS.
 * Part of `make bench` (tests/bench/README.md); a benchmark tool, not a test. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe_format.h"

#define MAX_RUNS 1000
#define MAX_EXTRA_ENV 16

extern char **environ;

struct run_result {
	bool is_ok;
	bool has_first_line;
	double first_line_us;
	double exit_us;
	long maxrss_kb;
};

struct options {
	unsigned int nr_runs;
	unsigned int nr_warmup;
	double timeout_s;
	int expected_status;
	const char *extra_env[MAX_EXTRA_ENV];
	unsigned int nr_extra_env;
	const char *probe_path;
	const char *log_path;
	char **argv;
};

static const char usage[] =
	"usage: boot_time [-n RUNS] [-w WARMUP] [-t SECONDS] [-s STATUS] [-e VAR=VALUE]...\n"
	"                 [-p PROBE_OUT] [-l LOG] -- COMMAND [ARG...]\n"
	"  -n RUNS        measured runs (default 20)\n"
	"  -w WARMUP      runs before those, not counted (default 2)\n"
	"  -t SECONDS     per-run timeout: the run is killed and counted as failed (default 10)\n"
	"  -s STATUS      expected exit status (default 0); other statuses count as failed\n"
	"  -e VAR=VALUE   add to the command's environment (e.g. LD_PRELOAD of the probe)\n"
	"  -p PROBE_OUT   the file the start-up probe writes (VITRO_PROBE_OUT); its events\n"
	"                 are aggregated into medians over the runs\n"
	"  -l LOG         the last run's stdout and every run's stderr\n"
	"Prints one line of key=value medians, then `probe` lines with -p.\n";

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *values, unsigned int n)
{
	if (!n)
		return -1;
	qsort(values, n, sizeof(*values), compare_doubles);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* --- one run ------------------------------------------------------------- */

static char **build_env(const struct options *opt, uint64_t t0_ns, char *t0_buf, size_t t0_size)
{
	unsigned int n = 0, i;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + opt->nr_extra_env + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	for (i = 0; i < opt->nr_extra_env; i++)
		env[n++] = (char *)opt->extra_env[i];
	snprintf(t0_buf, t0_size, "%s=%llu", PROBE_T0_ENV, (unsigned long long)t0_ns);
	env[n++] = t0_buf;
	return env;
}

/* The child's side of a run: stdio, then exec. t0 is taken here, just
 * before execve, and passed back through shared memory, so the time the
 * parent spends forking is not counted. */
static void run_child(const struct options *opt, FILE *log, int out_fd, uint64_t *shared_t0)
{
	char t0_buf[64];
	char **env;
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(log ? fileno(log) : null_fd, STDERR_FILENO) < 0)
		_exit(127);
	*shared_t0 = now_ns();
	env = build_env(opt, *shared_t0, t0_buf, sizeof(t0_buf));
	if (env)
		execvpe(opt->argv[0], opt->argv, env);
	fprintf(stderr, "boot_time: %s: %s\n", opt->argv[0], strerror(errno));
	_exit(127);
}

/* Forks and execs the command with stdout on a pipe, and times it. fork
 * rather than posix_spawn's vfork: at exec the kernel carries the old
 * address space's peak RSS into ru_maxrss, and a forked child's is only the
 * pages it copied, not all of boot_time's. The pidfd becomes readable when
 * the process has exited, after its memory and files are torn down, so
 * exit_us includes the VMM's teardown. */
static int run_once(const struct options *opt, FILE *log, bool is_last, struct run_result *res,
		    uint64_t *shared_t0)
{
	char buf[4096];
	int out_pipe[2], pidfd = -1, status = 0, rc;
	uint64_t t0, deadline;
	bool is_pipe_open = true, has_exited = false;
	struct rusage ru;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(out_pipe, O_CLOEXEC))
		return -errno;
	*shared_t0 = 0;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(out_pipe[0]);
		close(out_pipe[1]);
		return rc;
	}
	if (pid == 0)
		run_child(opt, log, out_pipe[1], shared_t0);
	close(out_pipe[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		rc = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(out_pipe[0]);
		fprintf(stderr, "boot_time: pidfd_open: %s\n", strerror(-rc));
		return rc;
	}

	deadline = now_ns() + (uint64_t)(opt->timeout_s * 1e9);
	while (!has_exited) {
		struct pollfd fds[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = is_pipe_open ? out_pipe[0] : -1, .events = POLLIN },
		};
		uint64_t t = now_ns();
		int timeout_ms = t >= deadline ? 0 : (int)((deadline - t) / 1000000 + 1);

		rc = poll(fds, 2, timeout_ms);
		t = now_ns();
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0) {
			kill(pid, SIGKILL);
			fprintf(stderr, "boot_time: %s: killed after %.1f s (timeout)\n",
				opt->argv[0], opt->timeout_s);
			break;
		}
		if (fds[1].revents) {
			ssize_t n = read(out_pipe[0], buf, sizeof(buf));

			if (n <= 0) {
				is_pipe_open = false;
			} else {
				if (!res->has_first_line && memchr(buf, '\n', n)) {
					res->has_first_line = true;
					t0 = __atomic_load_n(shared_t0, __ATOMIC_ACQUIRE);
					res->first_line_us = (t - t0) / 1e3;
				}
				if (log && is_last)
					fwrite(buf, 1, n, log);
			}
		}
		if (fds[0].revents & POLLIN) {
			t0 = __atomic_load_n(shared_t0, __ATOMIC_ACQUIRE);
			res->exit_us = (t - t0) / 1e3;
			has_exited = true;
		}
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		memset(&ru, 0, sizeof(ru));
	close(pidfd);
	close(out_pipe[0]);
	res->maxrss_kb = ru.ru_maxrss;
	res->is_ok = has_exited && WIFEXITED(status) && WEXITSTATUS(status) == opt->expected_status;
	if (has_exited && !res->is_ok)
		fprintf(stderr, "boot_time: %s: %s %d (expected status %d)\n", opt->argv[0],
			WIFEXITED(status) ? "exit status" : "killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			opt->expected_status);
	return 0;
}

/* --- probe aggregation ------------------------------------------------------ */

/* One event name's values over the probed runs; names are unique per run. */
struct probe_series {
	char name[PROBE_NAME_MAX];
	double start_us[MAX_RUNS];
	double dur_us[MAX_RUNS];
	unsigned int nr;
};

struct probe_table {
	struct probe_series *series[PROBE_MAX_EVENTS];
	unsigned int nr_series;
	double guest_ram_kb[MAX_RUNS];
	double hwm_kb[MAX_RUNS];
	double teardown_us[MAX_RUNS];
	double kvm_runs[MAX_RUNS];
	double in_kvm_us[MAX_RUNS];
	unsigned int nr_runs;
};

static struct probe_series *probe_series_get(struct probe_table *table, const char *name)
{
	struct probe_series *s;
	unsigned int i;

	for (i = 0; i < table->nr_series; i++)
		if (!strcmp(table->series[i]->name, name))
			return table->series[i];
	if (table->nr_series == PROBE_MAX_EVENTS)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->name, sizeof(s->name), "%s", name);
	table->series[table->nr_series++] = s;
	return s;
}

/* Reads one run's event file. exit_us is that run's exit as boot_time saw
 * it, so the time from the probe's last event (exit() reached) to the
 * process being gone, the kernel's teardown of the VMM, can be added. */
static void probe_read_run(const char *path, double exit_us, struct probe_table *table)
{
	char line[256], name[PROBE_NAME_MAX];
	double last_end_us = 0;
	unsigned int r = table->nr_runs;
	long value;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "boot_time: %s: %s (was the probe preloaded?)\n", path,
			strerror(errno));
		return;
	}
	table->guest_ram_kb[r] = table->hwm_kb[r] = table->kvm_runs[r] = -1;
	table->in_kvm_us[r] = 0;
	while (fgets(line, sizeof(line), f)) {
		struct probe_series *s;
		double a, b;

		if (sscanf(line, "# guest_ram_rss_kb=%ld", &value) == 1)
			table->guest_ram_kb[r] = (double)value;
		else if (sscanf(line, "# hwm_at_unmap_kb=%ld", &value) == 1)
			table->hwm_kb[r] = (double)value;
		else if (sscanf(line, "# kvm_run_calls=%ld", &value) == 1)
			table->kvm_runs[r] = (double)value;
		else if (sscanf(line, "# later_runs_in_kvm_us=%lf", &a) == 1)
			table->in_kvm_us[r] = a;
		else if (sscanf(line, "%lf %lf %79[^\n]", &a, &b, name) == 3 &&
			 (s = probe_series_get(table, name))) {
			s->start_us[s->nr] = a;
			s->dur_us[s->nr++] = b;
			if (a + b > last_end_us)
				last_end_us = a + b;
		}
	}
	fclose(f);
	unlink(path);
	table->teardown_us[r] = exit_us - last_end_us;
	table->nr_runs++;
}

static int compare_series(const void *a, const void *b)
{
	const struct probe_series *x = *(struct probe_series *const *)a;
	const struct probe_series *y = *(struct probe_series *const *)b;
	double xs = x->start_us[0], ys = y->start_us[0];

	return xs < ys ? -1 : xs > ys;
}

/* Prints "probe START_US DURATION_US NAME" medians in order of start. */
static void probe_print(struct probe_table *table, double exit_us)
{
	unsigned int i;

	for (i = 0; i < table->nr_series; i++) {
		struct probe_series *s = table->series[i];
		double start = median(s->start_us, s->nr), dur = median(s->dur_us, s->nr);

		/* Keep the medians in slot 0 for sorting. */
		s->start_us[0] = start;
		s->dur_us[0] = dur;
	}
	qsort(table->series, table->nr_series, sizeof(table->series[0]), compare_series);
	printf("probe_runs=%u guest_ram_kb=%.0f hwm_at_unmap_kb=%.0f kvm_run_calls=%.0f "
	       "later_runs_in_kvm_us=%.0f\n",
	       table->nr_runs, median(table->guest_ram_kb, table->nr_runs),
	       median(table->hwm_kb, table->nr_runs), median(table->kvm_runs, table->nr_runs),
	       median(table->in_kvm_us, table->nr_runs));
	for (i = 0; i < table->nr_series; i++) {
		struct probe_series *s = table->series[i];

		printf("probe %.1f %.1f %s", s->start_us[0], s->dur_us[0], s->name);
		if (s->nr != table->nr_runs)
			printf(" [in %u of %u runs]", s->nr, table->nr_runs);
		putchar('\n');
	}
	i = table->nr_runs;
	printf("probe %.1f %.1f %s\n", exit_us - median(table->teardown_us, i),
	       median(table->teardown_us, i), "process exit and teardown in the kernel");
}

/* --- main ------------------------------------------------------------------ */

static int parse_options(int argc, char **argv, struct options *opt)
{
	int c;

	*opt = (struct options){ .nr_runs = 20, .nr_warmup = 2, .timeout_s = 10 };
	while ((c = getopt(argc, argv, "+n:w:t:s:e:p:l:h")) != -1) {
		switch (c) {
		case 'n':
			opt->nr_runs = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			opt->nr_warmup = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 't':
			opt->timeout_s = strtod(optarg, NULL);
			break;
		case 's':
			opt->expected_status = atoi(optarg);
			break;
		case 'e':
			if (opt->nr_extra_env == MAX_EXTRA_ENV || !strchr(optarg, '='))
				return -EINVAL;
			opt->extra_env[opt->nr_extra_env++] = optarg;
			break;
		case 'p':
			opt->probe_path = optarg;
			break;
		case 'l':
			opt->log_path = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind >= argc || !opt->nr_runs || opt->nr_runs > MAX_RUNS || opt->timeout_s <= 0)
		return -EINVAL;
	opt->argv = argv + optind;
	return 0;
}

int main(int argc, char **argv)
{
	static struct probe_table probes;
	double first_line[MAX_RUNS], exit_us[MAX_RUNS], rss[MAX_RUNS], exit_min = 0, exit_max = 0;
	double median_exit_us;
	unsigned int nr_ok = 0, nr_first_line = 0, nr_failed = 0, i;
	struct run_result res;
	struct options opt;
	uint64_t *shared_t0;
	FILE *log = NULL;

	if (parse_options(argc, argv, &opt)) {
		fputs(usage, stderr);
		return 2;
	}
	if (opt.log_path) {
		log = fopen(opt.log_path, "we");
		if (!log) {
			fprintf(stderr, "boot_time: %s: %s\n", opt.log_path, strerror(errno));
			return 2;
		}
		setvbuf(log, NULL, _IONBF, 0);
	}
	shared_t0 = mmap(NULL, sizeof(*shared_t0), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared_t0 == MAP_FAILED) {
		fprintf(stderr, "boot_time: mmap: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < opt.nr_warmup + opt.nr_runs; i++) {
		bool is_measured = i >= opt.nr_warmup;

		if (opt.probe_path)
			unlink(opt.probe_path);
		if (run_once(&opt, log, i + 1 == opt.nr_warmup + opt.nr_runs, &res, shared_t0))
			return 2;
		if (!is_measured)
			continue;
		if (!res.is_ok) {
			nr_failed++;
			continue;
		}
		if (opt.probe_path)
			probe_read_run(opt.probe_path, res.exit_us, &probes);
		if (!nr_ok || res.exit_us < exit_min)
			exit_min = res.exit_us;
		if (!nr_ok || res.exit_us > exit_max)
			exit_max = res.exit_us;
		exit_us[nr_ok] = res.exit_us;
		rss[nr_ok] = (double)res.maxrss_kb;
		nr_ok++;
		if (res.has_first_line)
			first_line[nr_first_line++] = res.first_line_us;
	}
	if (log)
		fclose(log);

	median_exit_us = median(exit_us, nr_ok);
	printf("runs=%u failed=%u exit_us=%.0f exit_min_us=%.0f exit_max_us=%.0f "
	       "first_line_us=%.0f maxrss_kb=%.0f\n",
	       nr_ok, nr_failed, median_exit_us, exit_min, exit_max,
	       median(first_line, nr_first_line), median(rss, nr_ok));
	if (opt.probe_path && probes.nr_runs)
		probe_print(&probes, median_exit_us);
	return nr_ok ? 0 : 1;
}
