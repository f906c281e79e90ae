/* Signal cases: handlers with siginfo for faults, masks and pending sets, queueing, SIGCHLD,
 * process-group kill, EINTR against SA_RESTART, sigaltstack, default actions, job control
 * stops, dispositions across exec, and register state kept across asynchronous handlers. */
#include "selftest.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static volatile int last_signo, last_code;
static void *volatile last_addr;

static int handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };

	return sigaction(sig, &sa, NULL);
}

static int handle_info(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags };

	return sigaction(sig, &sa, NULL);
}

static void count(int sig)
{
	(void)sig;
	hits++;
}

static void record_fault(int sig, siginfo_t *si)
{
	hits++;
	last_signo = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	/* A second fault means the first was not repaired: die of it instead of looping. */
	if (hits > 1)
		signal(SIGSEGV, SIG_DFL);
}

/* Maps the missing page, so the store runs again and completes when the handler returns. */
static void on_unmapped_store(int sig, siginfo_t *si, void *uc)
{
	void *page = (void *)((uintptr_t)si->si_addr & ~(PAGE_SIZE - 1));

	(void)uc;
	record_fault(sig, si);
	mmap(page, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
	     0);
}

static void on_readonly_store(int sig, siginfo_t *si, void *uc)
{
	void *page = (void *)((uintptr_t)si->si_addr & ~(PAGE_SIZE - 1));

	(void)uc;
	record_fault(sig, si);
	mprotect(page, PAGE_SIZE, PROT_READ | PROT_WRITE);
}

static int sigsegv_maperr_reports_address_and_store_retries(void)
{
	char *page =
		mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	EXPECT(page != MAP_FAILED, "mmap: %s", strerror(errno));
	EXPECT_OK(munmap(page, PAGE_SIZE));
	EXPECT_OK(handle_info(SIGSEGV, on_unmapped_store, 0));
	volatile int *target = (volatile int *)(page + 0x124);
	*target = 42;
	EXPECT(hits == 1, "the handler ran %d times, want 1", (int)hits);
	EXPECT(last_signo == SIGSEGV, "signal %d, want SIGSEGV", last_signo);
	EXPECT(last_code == SEGV_MAPERR, "si_code %d, want SEGV_MAPERR (%d)", last_code,
	       SEGV_MAPERR);
	EXPECT(last_addr == (void *)target, "si_addr %p, want the store's address %p", last_addr,
	       (void *)target);
	EXPECT(*target == 42, "after the handler returned the store left %d, want 42", *target);
	return 0;
}

static int sigsegv_accerr_on_write_to_readonly_page(void)
{
	char *page = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	EXPECT(page != MAP_FAILED, "mmap: %s", strerror(errno));
	EXPECT_OK(handle_info(SIGSEGV, on_readonly_store, 0));
	volatile long *target = (volatile long *)(page + 0x800);
	EXPECT(*target == 0, "a fresh anonymous page reads %ld, want 0", *target);
	*target = 7;
	EXPECT(hits == 1, "the handler ran %d times, want 1", (int)hits);
	EXPECT(last_code == SEGV_ACCERR, "si_code %d, want SEGV_ACCERR (%d)", last_code,
	       SEGV_ACCERR);
	EXPECT(last_addr == (void *)target, "si_addr %p, want %p", last_addr, (void *)target);
	EXPECT(*target == 7, "after mprotect in the handler the store left %ld", *target);
	return 0;
}

static int store_to_unmapped(void *arg)
{
	*(volatile int *)arg = 1;
	return 0;
}

static int sigsegv_default_action_kills(void)
{
	char *page = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;

	EXPECT(page != MAP_FAILED, "mmap: %s", strerror(errno));
	EXPECT_OK(munmap(page, PAGE_SIZE));
	prctl(PR_SET_DUMPABLE, 0); /* no core file for this expected crash */
	status = selftest_child_status(store_to_unmapped, page);
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	       "a store to an unmapped page: the child %s, want killed by SIGSEGV",
	       selftest_describe_status(status));
	return 0;
}

static int sigprocmask_defers_and_sigpending_reports(void)
{
	sigset_t block, old, pending;

	EXPECT_OK(handle(SIGUSR1, count, 0));
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	EXPECT_OK(sigprocmask(SIG_BLOCK, &block, &old));
	EXPECT(!sigismember(&old, SIGUSR1), "SIGUSR1 was blocked before");
	EXPECT_OK(kill(getpid(), SIGUSR1));
	EXPECT_OK(kill(getpid(), SIGUSR1));
	EXPECT(hits == 0, "a blocked signal ran its handler");
	EXPECT_OK(sigpending(&pending));
	EXPECT(sigismember(&pending, SIGUSR1), "sigpending lacks the blocked SIGUSR1");
	EXPECT(!sigismember(&pending, SIGUSR2), "sigpending has SIGUSR2, never sent");
	EXPECT_OK(sigprocmask(SIG_SETMASK, &old, NULL));
	/* Delivered before sigprocmask returns; two standard signals coalesce into one. */
	EXPECT(hits == 1, "the handler ran %d times after unblocking, want 1", (int)hits);
	EXPECT_OK(sigpending(&pending));
	EXPECT(!sigismember(&pending, SIGUSR1), "SIGUSR1 still pending after delivery");
	return 0;
}

static int realtime_signals_queue_every_instance(void)
{
	sigset_t block;

	EXPECT_OK(handle(SIGRTMIN, count, 0));
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN);
	EXPECT_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	for (int i = 0; i < 3; i++)
		EXPECT_OK(kill(getpid(), SIGRTMIN));
	EXPECT(hits == 0, "a blocked signal ran its handler");
	EXPECT_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
	EXPECT(hits == 3, "SIGRTMIN sent 3 times ran the handler %d times", (int)hits);
	return 0;
}

static volatile int mask_had_self, mask_had_extra;

static void look_at_mask(int sig)
{
	sigset_t now;

	sigprocmask(SIG_SETMASK, NULL, &now);
	mask_had_self = sigismember(&now, sig);
	mask_had_extra = sigismember(&now, SIGUSR2);
	hits++;
}

static int handler_mask_applies_and_sigreturn_restores_it(void)
{
	struct sigaction sa = { .sa_handler = look_at_mask };
	sigset_t now;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	EXPECT_OK(sigaction(SIGUSR1, &sa, NULL));
	EXPECT_OK(raise(SIGUSR1));
	EXPECT(hits == 1, "the handler ran %d times", (int)hits);
	EXPECT(mask_had_self, "the signal was not blocked inside its own handler");
	EXPECT(mask_had_extra, "sa_mask's SIGUSR2 was not blocked inside the handler");
	EXPECT_OK(sigprocmask(SIG_SETMASK, NULL, &now));
	EXPECT(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2),
	       "the handler's mask outlived it: sigreturn did not restore the old mask");

	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	EXPECT_OK(sigaction(SIGUSR1, &sa, NULL));
	EXPECT_OK(raise(SIGUSR1));
	EXPECT(hits == 2 && !mask_had_self, "SA_NODEFER: the signal was blocked in its handler");
	EXPECT_OK(sigaction(SIGUSR1, NULL, &sa));
	EXPECT(sa.sa_handler == SIG_DFL, "SA_RESETHAND: the handler is still installed");
	return 0;
}

static int sigkill_and_sigstop_cannot_be_caught_or_blocked(void)
{
	struct sigaction sa = { .sa_handler = count };
	sigset_t block, now;

	EXPECT_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	sigfillset(&block);
	EXPECT_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	EXPECT_OK(sigprocmask(SIG_SETMASK, NULL, &now));
	EXPECT(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP),
	       "SIGKILL or SIGSTOP ended up in the blocked set");
	EXPECT(sigismember(&now, SIGTERM), "sigfillset did not block SIGTERM");
	return 0;
}

static volatile int child_pid, child_code, child_status;

static void on_sigchld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	hits++;
	child_pid = si->si_pid;
	child_code = si->si_code;
	child_status = si->si_status;
}

static int sigchld_tells_parent_of_exit(void)
{
	sigset_t block, wait_mask;
	int status;
	pid_t pid;

	EXPECT_OK(handle_info(SIGCHLD, on_sigchld, 0));
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	EXPECT_OK(sigprocmask(SIG_BLOCK, &block, &wait_mask));
	pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(3);
	while (!hits)
		sigsuspend(&wait_mask); /* the runner's watchdog bounds this */
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(child_pid == pid, "si_pid %d, want %d", child_pid, pid);
	EXPECT(child_code == CLD_EXITED, "si_code %d, want CLD_EXITED", child_code);
	EXPECT(child_status == 3, "si_status %d, want 3", child_status);
	return 0;
}

static int kill_to_process_group_reaches_every_member(void)
{
	pid_t pids[3], group = 0;
	int status;

	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		EXPECT(pids[i] >= 0, "fork: %s", strerror(errno));
		if (pids[i] == 0) {
			setpgid(0, group);
			for (;;)
				pause();
		}
		setpgid(pids[i], group ? group : pids[i]);
		if (!group)
			group = pids[i];
	}
	EXPECT_OK(kill(-group, SIGTERM));
	for (int i = 0; i < 3; i++) {
		EXPECT(selftest_wait(pids[i], &status, 0) == pids[i], "waitpid: %s",
		       strerror(errno));
		EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
		       "member %d of the group %s, want killed by SIGTERM", i,
		       selftest_describe_status(status));
	}
	EXPECT(getpgrp() == getpid(), "the sender was moved out of its own group");
	EXPECT_ERRNO(kill(-group, 0), ESRCH);
	return 0;
}

static int alarm_interrupts_blocking_read_with_eintr(void)
{
	int fds[2];
	char c;

	EXPECT_OK(handle(SIGALRM, count, 0)); /* no SA_RESTART */
	EXPECT_OK(pipe(fds));
	int64_t start = selftest_now_ns();
	alarm(1);
	ssize_t n = read(fds[0], &c, 1);
	int err = errno;
	int64_t waited_ms = (selftest_now_ns() - start) / 1000000;
	EXPECT(n == -1 && err == EINTR, "read returned %zd (%s), want -1 with EINTR", n,
	       selftest_errno_name(err));
	EXPECT(hits == 1, "the SIGALRM handler ran %d times", (int)hits);
	EXPECT(waited_ms >= 900, "alarm(1) fired after %lld ms", (long long)waited_ms);
	return 0;
}

static int restart_write_end = -1;

static void write_on_alarm(int sig)
{
	(void)sig;
	hits++;
	if (write(restart_write_end, "x", 1) != 1)
		hits += 100;
}

static int sa_restart_resumes_blocking_read(void)
{
	struct itimerval timer = { .it_value = { .tv_usec = 20000 } };
	int fds[2];
	char c = 0;

	EXPECT_OK(pipe(fds));
	restart_write_end = fds[1];
	EXPECT_OK(handle(SIGALRM, write_on_alarm, SA_RESTART));
	EXPECT_OK(setitimer(ITIMER_REAL, &timer, NULL));
	ssize_t n = read(fds[0], &c, 1); /* only the handler's byte can end it */
	EXPECT(n == 1 && c == 'x', "read returned %zd (%s), want the handler's byte", n,
	       n < 0 ? selftest_errno_name(errno) : "data");
	EXPECT(hits == 1, "the handler ran %d times (above 100: its write failed)", (int)hits);
	return 0;
}

static char *volatile altstack_base;
static volatile size_t altstack_size;
static volatile int on_altstack, altstack_flags;

static void look_at_stack(int sig)
{
	char here;
	stack_t now;

	(void)sig;
	hits++;
	on_altstack = &here >= altstack_base && &here < altstack_base + altstack_size;
	if (sigaltstack(NULL, &now) == 0)
		altstack_flags = now.ss_flags;
}

static int sigaltstack_runs_handler_on_alternate_stack(void)
{
	static char stack[64 * 1024];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) }, now;

	altstack_base = stack;
	altstack_size = sizeof(stack);
	EXPECT_OK(sigaltstack(&ss, NULL));
	EXPECT_OK(handle(SIGUSR1, look_at_stack, SA_ONSTACK));
	EXPECT_OK(raise(SIGUSR1));
	EXPECT(hits == 1, "the handler ran %d times", (int)hits);
	EXPECT(on_altstack, "the SA_ONSTACK handler ran outside the alternate stack");
	EXPECT(altstack_flags & SS_ONSTACK, "sigaltstack in the handler lacks SS_ONSTACK (%#x)",
	       altstack_flags);
	EXPECT_OK(sigaltstack(NULL, &now));
	EXPECT(!(now.ss_flags & SS_ONSTACK) && now.ss_sp == stack && now.ss_size == sizeof(stack),
	       "after the handler: flags %#x sp %p size %zu", now.ss_flags, now.ss_sp, now.ss_size);
	EXPECT_OK(handle(SIGUSR1, look_at_stack, 0));
	EXPECT_OK(raise(SIGUSR1));
	EXPECT(!on_altstack, "a handler without SA_ONSTACK ran on the alternate stack");
	return 0;
}

static void exit_from_overflow(int sig)
{
	(void)sig;
	_exit(77);
}

static int recurse(int depth, int limit)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	if (depth >= limit)
		return frame[0];
	return recurse(depth + 1, limit) + frame[0];
}

static int overflow_stack(void *arg)
{
	static char stack[64 * 1024];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) };
	struct rlimit small = { 256 * 1024, 256 * 1024 };

	(void)arg;
	if (sigaltstack(&ss, NULL) != 0 || handle(SIGSEGV, exit_from_overflow, SA_ONSTACK) != 0)
		return 1;
	setrlimit(RLIMIT_STACK, &small);
	recurse(0, 64 * 1024); /* 64 MiB of frames: far past the limit */
	return 2;
}

static int sigaltstack_catches_stack_overflow(void)
{
	int status = selftest_child_status(overflow_stack, NULL);

	EXPECT(selftest_exited_with(status, 77),
	       "the overflowing child %s; want status 77 from its SIGSEGV handler%s",
	       selftest_describe_status(status),
	       selftest_exited_with(status, 2) ? " (64 MiB of stack never faulted)" : "");
	return 0;
}

static int raise_sigterm(void *arg)
{
	(void)arg;
	raise(SIGTERM);
	return 1;
}

static void return_from_abort(int sig)
{
	(void)sig;
}

static int call_abort(void *arg)
{
	(void)arg;
	prctl(PR_SET_DUMPABLE, 0); /* no core file */
	handle(SIGABRT, return_from_abort, 0); /* abort must kill even so */
	abort();
}

static int raise_and_abort_kill_with_their_signal(void)
{
	int status = selftest_child_status(raise_sigterm, NULL);

	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "raise(SIGTERM): the child %s",
	       selftest_describe_status(status));
	status = selftest_child_status(call_abort, NULL);
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	       "abort() with a returning SIGABRT handler: the child %s",
	       selftest_describe_status(status));
	return 0;
}

static int write_to_widowed_pipe(void *arg)
{
	int fds[2];

	(void)arg;
	if (pipe(fds) != 0)
		return 1;
	close(fds[0]);
	ssize_t n = write(fds[1], "x", 1);
	return n == -1 && errno == EPIPE ? 3 : 2;
}

static int sigpipe_on_write_without_reader(void)
{
	int status = selftest_child_status(write_to_widowed_pipe, NULL);

	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	       "writing to a pipe without readers: the child %s, want killed by SIGPIPE",
	       selftest_describe_status(status));
	EXPECT(signal(SIGPIPE, SIG_IGN) != SIG_ERR, "signal: %s", strerror(errno));
	status = selftest_child_status(write_to_widowed_pipe, NULL);
	EXPECT(selftest_exited_with(status, 3),
	       "with SIGPIPE ignored the write should fail with EPIPE: the child %s (2: other "
	       "result)",
	       selftest_describe_status(status));
	return 0;
}

static int sigstop_and_sigcont_reported_by_waitpid(void)
{
	int status;
	pid_t pid = fork();

	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		for (;;)
			pause();
	}
	EXPECT_OK(kill(pid, SIGSTOP));
	EXPECT(selftest_wait(pid, &status, WUNTRACED) == pid, "waitpid: %s", strerror(errno));
	EXPECT(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "after SIGSTOP the child %s",
	       selftest_describe_status(status));
	EXPECT(waitpid(pid, &status, WUNTRACED | WNOHANG) == 0, "one stop was reported twice");
	EXPECT_OK(kill(pid, SIGCONT));
	EXPECT(selftest_wait(pid, &status, WCONTINUED) == pid, "waitpid: %s", strerror(errno));
	EXPECT(WIFCONTINUED(status), "after SIGCONT the child %s, want continued",
	       selftest_describe_status(status));
	EXPECT_OK(kill(pid, SIGKILL));
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "after SIGKILL the child %s",
	       selftest_describe_status(status));
	return 0;
}

static int execve_resets_handlers_keeps_ignored_and_mask(void)
{
	char *argv[] = { "helper", "--helper=signals", NULL };
	char *envp[] = { NULL };
	static char out[1024];
	sigset_t block;
	int status;

	EXPECT_OK(handle(SIGUSR1, count, 0));
	EXPECT(signal(SIGUSR2, SIG_IGN) != SIG_ERR, "signal: %s", strerror(errno));
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	EXPECT_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	if (selftest_exec_capture(selftest_self_path, argv, envp, out, sizeof(out), NULL, &status))
		return -1;
	EXPECT_LINE(out, "SIGUSR1=default");
	EXPECT_LINE(out, "SIGUSR2=ignored");
	EXPECT_LINE(out, "SIGHUP=default,blocked");
	return 0;
}

static volatile sig_atomic_t ticks;

/* Uses the SSE registers the interrupted code is using too. */
static void clobber_fpu(int sig)
{
	volatile double sink;
	double a = 3.25, b = -1.5, c = 0.125, d = 1e9;

	(void)sig;
	for (int i = 0; i < 200; i++) {
		a = a * 1.0001 + b;
		b = b * 0.999 - c;
		c = c / 1.01 + d;
		d = d * 0.5 + a;
	}
	sink = a + b + c + d;
	(void)sink;
	ticks++;
}

static double fpu_round(void)
{
	double a = 1.0, b = 2.0, c = 3.0, d = 4.0, e = 5.0, f = 6.0, g = 7.0, h = 8.0;

	for (int i = 0; i < 100000; i++) {
		a = a * 0.999999 + b * 1e-6;
		b = b * 0.999998 + c * 2e-6;
		c = c * 0.999997 + d * 3e-6;
		d = d * 0.999996 + e * 4e-6;
		e = e * 0.999995 + f * 5e-6;
		f = f * 0.999994 + g * 6e-6;
		g = g * 0.999993 + h * 7e-6;
		h = h * 0.999992 + a * 8e-6;
	}
	return a + b * 3 + c * 5 + d * 7 + e * 11 + f * 13 + g * 17 + h * 19;
}

static int fpu_state_survives_asynchronous_handlers(void)
{
	struct itimerval timer = { .it_interval = { .tv_usec = 1000 },
				   .it_value = { .tv_usec = 1000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	double want = fpu_round(), got = want;
	int rounds = 0;

	EXPECT_OK(handle(SIGALRM, clobber_fpu, SA_RESTART));
	EXPECT_OK(setitimer(ITIMER_REAL, &timer, NULL));
	int64_t start = selftest_now_ns();
	while ((ticks < 20 || rounds < 20) && selftest_now_ns() - start < 3000000000LL) {
		got = fpu_round();
		rounds++;
		if (got != want)
			break;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	EXPECT(got == want, "round %d gave %.17g, want %.17g: a handler clobbered the registers",
	       rounds, got, want);
	EXPECT(ticks >= 20, "only %d timer signals arrived in 3 s", (int)ticks);
	return 0;
}

/* A stop and a continue in the middle of nanosleep: no handler runs, so the sleep goes on
 * for the time it had left (Linux restarts it through restart_syscall) and returns 0. */
static int sleep_check(void *arg)
{
	struct timespec ts = { 0, 400 * 1000 * 1000 }, rem = { 0, 0 };
	int64_t start = selftest_now_ns(), slept;

	(void)arg;
	EXPECT(nanosleep(&ts, &rem) == 0, "nanosleep: %s, want it to finish after SIGCONT",
	       strerror(errno));
	slept = selftest_now_ns() - start;
	EXPECT(slept >= 400 * 1000 * 1000LL, "slept %lld ms, want at least 400",
	       (long long)(slept / 1000000));
	return 0;
}

static int stopped_nanosleep_resumes_with_time_left(void)
{
	pid_t pid = fork();
	int status;

	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(sleep_check(NULL) ? 1 : 0);
	usleep(100 * 1000);
	EXPECT_OK(kill(pid, SIGSTOP));
	EXPECT(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status), "no stop reported");
	EXPECT_OK(kill(pid, SIGCONT));
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the sleeper ended with status %#x (1: its sleep was cut short)", status);
	return 0;
}

/* A SIGSEGV handler that has no stack to run on: the process dies of SIGSEGV, as on Linux,
 * instead of faulting again forever. */
static void never_runs(int sig)
{
	(void)sig;
}

static int bad_stack_check(void *arg)
{
	struct sigaction sa = { .sa_handler = never_runs };

	(void)arg;
	sigaction(SIGSEGV, &sa, NULL);
	__asm__ __volatile__("movq $16, %%rsp\n\tmovq $1, (%%rsp)" : : : "memory");
	return 0;
}

static int segv_handler_without_stack_room_kills(void)
{
	int status = selftest_child_status(bad_stack_check, NULL);

	EXPECT(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	       "the child's wait status is %#x, want death by SIGSEGV", status);
	return 0;
}

static volatile sig_atomic_t avx_handler_ran;

__attribute__((target("avx"))) static void clobber_ymm1(int sig)
{
	(void)sig;
	__asm__ __volatile__("vpcmpeqb %%ymm1, %%ymm1, %%ymm1" ::: "xmm1");
	avx_handler_ran = 1;
}

/* ymm1's 256 bits through a signal whose handler overwrites them and 200
 * switches away (sched_yield): the kernel keeps them with XSAVE, in the
 * task and in the signal frame. No library call in between: the ABI lets
 * any call clobber ymm registers. */
__attribute__((target("avx"))) static int avx_round_trip(uint8_t out[32], const uint8_t in[32])
{
	long pid = getpid(), tid = syscall(SYS_gettid);

	__asm__ __volatile__("vmovdqu %2, %%ymm1\n\t"
			     "movl $234, %%eax\n\t" /* tgkill(pid, tid, SIGUSR1) */
			     "syscall\n\t"
			     "movl $200, %%ecx\n"
			     "1:\tmovl $24, %%eax\n\t" /* sched_yield */
			     "pushq %%rcx\n\t"
			     "syscall\n\t"
			     "popq %%rcx\n\t"
			     "decl %%ecx\n\t"
			     "jnz 1b\n\t"
			     "vmovdqu %%ymm1, %0"
			     : "=m"(*(uint8_t(*)[32])out), "+D"(pid)
			     : "m"(*(const uint8_t(*)[32])in), "S"(tid), "d"(SIGUSR1)
			     : "rax", "rcx", "r11", "xmm1", "memory");
	return 0;
}

static int avx_registers_survive_a_signal_and_switches(void)
{
	uint32_t a, b, c, d;
	uint8_t in[32], out[32];

	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (!(c & (1u << 28)))
		return selftest_skip("the CPU has no AVX");
	if (!(c & (1u << 27)))
		return selftest_skip(
			"the kernel did not enable AVX (no OSXSAVE: ring 0 is emulated here)");
	for (int i = 0; i < 32; i++)
		in[i] = (uint8_t)(i * 7 + 1);
	signal(SIGUSR1, clobber_ymm1);
	avx_round_trip(out, in);
	EXPECT(avx_handler_ran, "the handler never ran");
	EXPECT(memcmp(in, out, sizeof(in)) == 0, "ymm1 came back changed");
	return 0;
}

static volatile sig_atomic_t queued_value, queued_code, queued_pid;

static void note_queued(int sig, siginfo_t *info, void *context)
{
	(void)sig, (void)context;
	queued_value = info->si_value.sival_int;
	queued_code = info->si_code;
	queued_pid = info->si_pid;
}

/* sigqueue: the value and SI_QUEUE reach a SA_SIGINFO handler. */
static int sigqueue_carries_a_value(void)
{
	struct sigaction sa = { .sa_sigaction = note_queued, .sa_flags = SA_SIGINFO };

	EXPECT_OK(sigaction(SIGRTMIN + 1, &sa, NULL));
	EXPECT_OK(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 4242 }));
	EXPECT(queued_value == 4242, "si_value %d", (int)queued_value);
	EXPECT(queued_code == SI_QUEUE, "si_code %d, want SI_QUEUE", (int)queued_code);
	EXPECT(queued_pid == getpid(), "si_pid %d", (int)queued_pid);
	return 0;
}

static volatile sig_atomic_t alarms;

static void count_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* setitimer with an interval fires again and again; getitimer shows it. */
static int interval_timer_repeats(void)
{
	struct sigaction sa = { .sa_handler = count_alarm };
	struct itimerval t = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } }, now;
	struct timespec start, cur;

	EXPECT_OK(sigaction(SIGALRM, &sa, NULL));
	EXPECT_OK(setitimer(ITIMER_REAL, &t, NULL));
	EXPECT_OK(getitimer(ITIMER_REAL, &now));
	EXPECT(now.it_interval.tv_usec == 20000, "interval read back %ld us",
	       (long)now.it_interval.tv_usec);
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		pause();
		clock_gettime(CLOCK_MONOTONIC, &cur);
	} while (alarms < 3 && cur.tv_sec - start.tv_sec < 20);
	t = (struct itimerval){ 0 };
	EXPECT_OK(setitimer(ITIMER_REAL, &t, NULL));
	EXPECT(alarms >= 3, "%d alarms in 20 s", (int)alarms);
	return 0;
}

/* sigaction: SIGKILL and SIGSTOP refuse handlers; the old action comes back. */
static int sigaction_reports_old_action_and_refuses_sigkill(void)
{
	struct sigaction sa = { .sa_handler = count_alarm }, old;

	EXPECT_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(0, &sa, NULL), EINVAL);
	EXPECT_OK(sigaction(SIGUSR2, &sa, NULL));
	sa.sa_handler = SIG_IGN;
	EXPECT_OK(sigaction(SIGUSR2, &sa, &old));
	EXPECT(old.sa_handler == count_alarm, "old handler not returned");
	EXPECT_OK(sigaction(SIGUSR2, NULL, &old));
	EXPECT(old.sa_handler == SIG_IGN, "SIG_IGN not kept");
	return 0;
}

/* kill with signal 0 probes a process: there while it lives or is a zombie,
 * ESRCH once reaped. */
static int kill_with_signal_zero_probes_a_process(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(0);
	EXPECT_OK(pid);
	EXPECT_OK(kill(pid, 0));
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid");
	EXPECT_ERRNO(kill(pid, 0), ESRCH);
	EXPECT_ERRNO(kill(getpid(), 99), EINVAL);
	return 0;
}

/* A signal pending in the parent is not pending in a child it forks. */
static int fork_child_starts_without_pending_signals(void)
{
	sigset_t block, pending;
	int status;
	pid_t pid;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	EXPECT_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	EXPECT_OK(raise(SIGUSR1));
	EXPECT_OK(pid = fork());
	if (pid == 0) {
		sigpending(&pending);
		_exit(sigismember(&pending, SIGUSR1) ? 1 : 0);
	}
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the child inherited the pending SIGUSR1");
	EXPECT_OK(sigpending(&pending));
	EXPECT(sigismember(&pending, SIGUSR1), "the parent lost its pending SIGUSR1");
	return 0;
}

const struct selftest_case signal_cases[] = {
	{ "fork-child-starts-without-pending-signals", fork_child_starts_without_pending_signals },
	{ "sigqueue-carries-a-value", sigqueue_carries_a_value },
	{ "interval-timer-repeats", interval_timer_repeats },
	{ "sigaction-reports-old-action-and-refuses-sigkill",
	  sigaction_reports_old_action_and_refuses_sigkill },
	{ "kill-with-signal-zero-probes-a-process", kill_with_signal_zero_probes_a_process },
	{ "avx-registers-survive-a-signal-and-switches",
	  avx_registers_survive_a_signal_and_switches },
	{ "sigsegv-maperr-reports-address-and-store-retries",
	  sigsegv_maperr_reports_address_and_store_retries },
	{ "sigsegv-accerr-on-write-to-readonly-page", sigsegv_accerr_on_write_to_readonly_page },
	{ "sigsegv-default-action-kills", sigsegv_default_action_kills },
	{ "sigprocmask-defers-and-sigpending-reports", sigprocmask_defers_and_sigpending_reports },
	{ "realtime-signals-queue-every-instance", realtime_signals_queue_every_instance },
	{ "handler-mask-applies-and-sigreturn-restores-it",
	  handler_mask_applies_and_sigreturn_restores_it },
	{ "sigkill-and-sigstop-cannot-be-caught-or-blocked",
	  sigkill_and_sigstop_cannot_be_caught_or_blocked },
	{ "sigchld-tells-parent-of-exit", sigchld_tells_parent_of_exit },
	{ "kill-to-process-group-reaches-every-member",
	  kill_to_process_group_reaches_every_member },
	{ "alarm-interrupts-blocking-read-with-eintr", alarm_interrupts_blocking_read_with_eintr },
	{ "sa-restart-resumes-blocking-read", sa_restart_resumes_blocking_read },
	{ "sigaltstack-runs-handler-on-alternate-stack",
	  sigaltstack_runs_handler_on_alternate_stack },
	{ "sigaltstack-catches-stack-overflow", sigaltstack_catches_stack_overflow },
	{ "raise-and-abort-kill-with-their-signal", raise_and_abort_kill_with_their_signal },
	{ "sigpipe-on-write-without-reader", sigpipe_on_write_without_reader },
	{ "sigstop-and-sigcont-reported-by-waitpid", sigstop_and_sigcont_reported_by_waitpid },
	{ "execve-resets-handlers-keeps-ignored-and-mask",
	  execve_resets_handlers_keeps_ignored_and_mask },
	{ "fpu-state-survives-asynchronous-handlers", fpu_state_survives_asynchronous_handlers },
	{ "stopped-nanosleep-resumes-with-time-left", stopped_nanosleep_resumes_with_time_left },
	{ "segv-handler-without-stack-room-kills", segv_handler_without_stack_room_kills },
	{ NULL, NULL },
};
