/* vitro-bench: the costs a program sees of the kernel under it, the same
 * static binary on our kernel and on Linux: a system call's round trip
 * (getpid), the clock (clock_gettime, through the vDSO where there is one),
 * a pipe ping-pong between two processes, fork+exit+wait, fork+execve+wait,
 * a page fault on fresh anonymous memory, and a futex ping-pong between two
 * threads. Each runs for about a budget of time and prints one line:
 *   bench NAME NS-PER-OPERATION OPERATIONS
 * Usage: vitro-bench [-t MILLISECONDS]   (vitro-bench --exit: exits at once) */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE 4096
/* <linux/futex.h>'s (musl has no copy of it). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static uint64_t budget_ns = 300000000; /* per benchmark */
static const char *self_path;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(const char *name, uint64_t ns, uint64_t ops)
{
	printf("bench %s %.1f %llu\n", name, ops ? (double)ns / (double)ops : 0.0,
	       (unsigned long long)ops);
	fflush(stdout);
}

/* Runs op in batches until the budget is spent (at least 3 operations). */
static void run(const char *name, int (*op)(void), uint64_t batch)
{
	uint64_t start = now_ns(), ops = 0, elapsed;

	do {
		for (uint64_t i = 0; i < batch; i++)
			if (op()) {
				printf("bench %s failed: %s\n", name, strerror(errno));
				return;
			}
		ops += batch;
		elapsed = now_ns() - start;
	} while (elapsed < budget_ns || ops < 3);
	report(name, elapsed, ops);
}

static int op_getpid(void)
{
	return syscall(SYS_getpid) > 0 ? 0 : -1;
}

static int op_clock(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_MONOTONIC, &ts);
}

static int op_fork_exit_wait(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid < 0 || waitpid(pid, &status, 0) != pid ? -1 : 0;
}

static int op_fork_exec_wait(void)
{
	char *argv[] = { "vitro-bench", "--exit", NULL };
	char *envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve(self_path, argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : (errno = ENOEXEC, -1);
}

/* One byte there and back between two processes. */
static void bench_pipe_pingpong(void)
{
	int to_child[2], to_parent[2];
	uint64_t start, ops = 0;
	char c = 'x';
	pid_t pid;

	if (pipe(to_child) || pipe(to_parent))
		return;
	pid = fork();
	if (pid == 0) {
		close(to_child[1]); /* so that the parent's close is end of file */
		close(to_parent[0]);
		while (read(to_child[0], &c, 1) == 1)
			if (write(to_parent[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	start = now_ns();
	do {
		for (int i = 0; i < 64; i++)
			if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
				goto out;
		ops += 64;
	} while (now_ns() - start < budget_ns);
	report("pipe_pingpong_roundtrip", now_ns() - start, ops);
out:
	close(to_child[1]);
	waitpid(pid, NULL, 0);
	close(to_child[0]);
	close(to_parent[0]);
	close(to_parent[1]);
}

/* First touches of fresh anonymous pages. */
static void bench_page_faults(void)
{
	uint64_t start = now_ns(), ops = 0, elapsed;

	do {
		size_t pages = 256;
		char *p = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return;
		for (size_t i = 0; i < pages; i++)
			p[i * PAGE_SIZE] = 1;
		munmap(p, pages * PAGE_SIZE);
		ops += pages;
		elapsed = now_ns() - start;
	} while (elapsed < budget_ns);
	report("page_fault_anonymous", elapsed, ops);
}

static _Atomic int turn; /* 0: main's turn, 1: the thread's */
static _Atomic int stop;

static void futex_wait(_Atomic int *word, int value)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
}

static void futex_wake(_Atomic int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		while (atomic_load(&turn) != 1 && !atomic_load(&stop))
			futex_wait(&turn, 0);
		atomic_store(&turn, 0);
		futex_wake(&turn);
	}
	return NULL;
}

/* Two threads hand a word back and forth with FUTEX_WAIT/FUTEX_WAKE. */
static void bench_futex_pingpong(void)
{
	pthread_t thread;
	uint64_t start, ops = 0;

	if (pthread_create(&thread, NULL, futex_partner, NULL))
		return;
	start = now_ns();
	do {
		for (int i = 0; i < 64; i++) {
			atomic_store(&turn, 1);
			futex_wake(&turn);
			while (atomic_load(&turn) != 0)
				futex_wait(&turn, 1);
		}
		ops += 64;
	} while (now_ns() - start < budget_ns);
	report("futex_pingpong_roundtrip", now_ns() - start, ops);
	atomic_store(&stop, 1);
	atomic_store(&turn, 1);
	futex_wake(&turn);
	pthread_join(thread, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	if (argc > 2 && !strcmp(argv[1], "-t"))
		budget_ns = strtoull(argv[2], NULL, 10) * 1000000u;
	/* This very program, for the execve benchmark (found as it was run). */
	self_path = (const char *)getauxval(AT_EXECFN);
	if (self_path && self_path[0] != '/')
		self_path = realpath(self_path, NULL);
	if (!self_path)
		self_path = "/usr/bin/vitro-bench";
	printf("bench vdso %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
	run("getpid", op_getpid, 64);
	run("clock_gettime_monotonic", op_clock, 256);
	bench_pipe_pingpong();
	run("fork_exit_wait", op_fork_exit_wait, 1);
	run("fork_execve_wait", op_fork_exec_wait, 1);
	bench_page_faults();
	bench_futex_pingpong();
	printf("bench done\n");
	return 0;
}
