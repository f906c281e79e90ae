/* Thread cases: pthread create and join, mutexes, condition variables and barriers under
 * contention, thread-local storage, thread ids, signals to threads, how threads end a
 * process, and the futex calls underneath. */
#include "selftest.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux UAPI futex operations (linux/futex.h), which musl's headers do not carry. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

#define NR_WORKERS 4

static long futex(atomic_int *word, int op, int val, const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val, timeout, NULL, 0);
}

static void *double_it(void *arg)
{
	return (void *)((uintptr_t)arg * 2);
}

static void *exit_with_seven(void *arg)
{
	(void)arg;
	pthread_exit((void *)7);
}

static int pthread_join_returns_thread_result(void)
{
	pthread_t threads[NR_WORKERS];
	void *result;
	int err;

	for (uintptr_t i = 0; i < NR_WORKERS; i++) {
		err = pthread_create(&threads[i], NULL, double_it, (void *)(i + 10));
		EXPECT(err == 0, "pthread_create: %s", strerror(err));
	}
	for (uintptr_t i = 0; i < NR_WORKERS; i++) {
		err = pthread_join(threads[i], &result);
		EXPECT(err == 0, "pthread_join: %s", strerror(err));
		EXPECT(result == (void *)((i + 10) * 2), "thread %zu returned %p, want %p",
		       (size_t)i, result, (void *)((i + 10) * 2));
	}
	err = pthread_create(&threads[0], NULL, exit_with_seven, NULL);
	EXPECT(err == 0, "pthread_create: %s", strerror(err));
	err = pthread_join(threads[0], &result);
	EXPECT(err == 0 && result == (void *)7, "pthread_exit(7) joined as %p (%s)", result,
	       strerror(err));
	return 0;
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_under_lock(void *arg)
{
	long rounds = (long)(uintptr_t)arg;

	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&counter_lock);
		long seen = counter;
		if ((i & 255) == 0)
			sched_yield(); /* hold the lock while others want it */
		counter = seen + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static int mutex_makes_contended_increments_exact(void)
{
	pthread_t threads[NR_WORKERS];
	long rounds = 10000;

	for (int i = 0; i < NR_WORKERS; i++) {
		int err = pthread_create(&threads[i], NULL, count_under_lock,
					 (void *)(uintptr_t)rounds);
		EXPECT(err == 0, "pthread_create: %s", strerror(err));
	}
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_join(threads[i], NULL);
	EXPECT(counter == rounds * NR_WORKERS, "counter %ld, want %ld: an increment was lost",
	       counter, rounds * NR_WORKERS);
	return 0;
}

#define QUEUE_SLOTS 4
#define ITEMS_PER_PRODUCER 2000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	long slots[QUEUE_SLOTS];
	int head, count, producers_left;
	long sum;
} queue = { .lock = PTHREAD_MUTEX_INITIALIZER,
	    .not_empty = PTHREAD_COND_INITIALIZER,
	    .not_full = PTHREAD_COND_INITIALIZER };

static void *produce(void *arg)
{
	long base = (long)(uintptr_t)arg;

	for (long i = 1; i <= ITEMS_PER_PRODUCER; i++) {
		pthread_mutex_lock(&queue.lock);
		while (queue.count == QUEUE_SLOTS)
			pthread_cond_wait(&queue.not_full, &queue.lock);
		queue.slots[(queue.head + queue.count++) % QUEUE_SLOTS] = base + i;
		pthread_cond_signal(&queue.not_empty);
		pthread_mutex_unlock(&queue.lock);
	}
	pthread_mutex_lock(&queue.lock);
	queue.producers_left--;
	pthread_cond_broadcast(&queue.not_empty);
	pthread_mutex_unlock(&queue.lock);
	return NULL;
}

static void *consume(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&queue.lock);
	for (;;) {
		while (queue.count == 0 && queue.producers_left > 0)
			pthread_cond_wait(&queue.not_empty, &queue.lock);
		if (queue.count == 0)
			break;
		queue.sum += queue.slots[queue.head];
		queue.head = (queue.head + 1) % QUEUE_SLOTS;
		queue.count--;
		pthread_cond_signal(&queue.not_full);
	}
	pthread_mutex_unlock(&queue.lock);
	return NULL;
}

static int condvar_queue_passes_every_item_once(void)
{
	pthread_t threads[4];
	long n = ITEMS_PER_PRODUCER;
	long want = 2 * (n * (n + 1) / 2) + 1000000 * n;

	queue.producers_left = 2;
	pthread_create(&threads[0], NULL, consume, NULL);
	pthread_create(&threads[1], NULL, consume, NULL);
	pthread_create(&threads[2], NULL, produce, (void *)0);
	pthread_create(&threads[3], NULL, produce, (void *)1000000);
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	EXPECT(queue.sum == want, "consumers summed %ld, want %ld", queue.sum, want);
	EXPECT(queue.count == 0, "%d items left in the queue", queue.count);
	return 0;
}

#define BARRIER_ROUNDS 200

static pthread_barrier_t barrier;
static atomic_int arrivals[BARRIER_ROUNDS];
static atomic_int barrier_errors;

static void *meet_at_barrier(void *arg)
{
	(void)arg;
	for (int round = 0; round < BARRIER_ROUNDS; round++) {
		atomic_fetch_add(&arrivals[round], 1);
		pthread_barrier_wait(&barrier);
		/* Nobody passes before everyone has arrived. */
		if (atomic_load(&arrivals[round]) != NR_WORKERS)
			atomic_fetch_add(&barrier_errors, 1);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static int barrier_holds_threads_until_all_arrive(void)
{
	pthread_t threads[NR_WORKERS];

	EXPECT(pthread_barrier_init(&barrier, NULL, NR_WORKERS) == 0, "pthread_barrier_init");
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_create(&threads[i], NULL, meet_at_barrier, NULL);
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_join(threads[i], NULL);
	EXPECT(atomic_load(&barrier_errors) == 0, "%d times a thread passed the barrier early",
	       atomic_load(&barrier_errors));
	return 0;
}

static __thread long tls_value = 5;
static pthread_barrier_t tls_barrier;

struct thread_report {
	int slot;
	pid_t tid, pid;
	long tls_before, tls_after;
};

static void *report_ids(void *arg)
{
	struct thread_report *r = arg;

	r->tls_before = tls_value; /* each thread starts from the initial image */
	tls_value = 100 + r->slot;
	r->tid = gettid();
	r->pid = getpid();
	pthread_barrier_wait(&tls_barrier); /* all have written before any reads back */
	r->tls_after = tls_value;
	return NULL;
}

static int threads_have_own_tid_and_tls_but_share_pid(void)
{
	struct thread_report reports[NR_WORKERS];
	pthread_t threads[NR_WORKERS];

	pthread_barrier_init(&tls_barrier, NULL, NR_WORKERS);
	tls_value = -1;
	for (int i = 0; i < NR_WORKERS; i++) {
		reports[i] = (struct thread_report){ .slot = i };
		pthread_create(&threads[i], NULL, report_ids, &reports[i]);
	}
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_join(threads[i], NULL);
	EXPECT(gettid() == getpid(), "the main thread's tid %d is not the pid %d", gettid(),
	       getpid());
	EXPECT(tls_value == -1, "the main thread's TLS changed to %ld", tls_value);
	for (int i = 0; i < NR_WORKERS; i++) {
		struct thread_report *r = &reports[i];

		EXPECT(r->pid == getpid(), "thread %d has pid %d, want %d", i, r->pid, getpid());
		EXPECT(r->tid != getpid() && r->tid > 0, "thread %d has tid %d", i, r->tid);
		for (int j = 0; j < i; j++)
			EXPECT(r->tid != reports[j].tid, "threads %d and %d share tid %d", i, j,
			       r->tid);
		EXPECT(r->tls_before == 5, "thread %d's TLS started at %ld, want 5", i,
		       r->tls_before);
		EXPECT(r->tls_after == 100 + i, "thread %d's TLS became %ld, want %d", i,
		       r->tls_after, 100 + i);
	}
	return 0;
}

static volatile pid_t signalled_tid;
static atomic_int thread_ready;

static void note_tid(int sig)
{
	(void)sig;
	signalled_tid = gettid();
}

static void *wait_for_signal(void *arg)
{
	sigset_t unblock;
	pid_t *tid = arg;

	*tid = gettid();
	sigemptyset(&unblock);
	sigaddset(&unblock, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
	atomic_store(&thread_ready, 1);
	for (int i = 0; i < 5000 && !signalled_tid; i++)
		selftest_sleep_ms(1);
	return NULL;
}

/* One thread to pthread_kill, and a process-wide kill the main thread blocks: both must land on
 * the thread that can take them. */
static int signals_reach_the_thread_that_can_take_them(void)
{
	struct sigaction sa = { .sa_handler = note_tid };
	pid_t thread_tid = 0;
	sigset_t block;
	pthread_t thread;

	EXPECT_OK(sigaction(SIGUSR1, &sa, NULL));
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	for (int how = 0; how < 2; how++) {
		signalled_tid = 0;
		atomic_store(&thread_ready, 0);
		pthread_create(&thread, NULL, wait_for_signal, &thread_tid);
		while (!atomic_load(&thread_ready))
			sched_yield();
		if (how == 0)
			EXPECT(pthread_kill(thread, SIGUSR1) == 0, "pthread_kill failed");
		else
			EXPECT_OK(kill(getpid(), SIGUSR1));
		pthread_join(thread, NULL);
		EXPECT(signalled_tid == thread_tid, "%s: the handler ran in tid %d, want %d",
		       how == 0 ? "pthread_kill" : "kill", signalled_tid, thread_tid);
	}
	return 0;
}

static void *exit_process_from_thread(void *arg)
{
	(void)arg;
	exit(9);
}

static int thread_calls_exit(void *arg)
{
	pthread_t thread;

	(void)arg;
	pthread_create(&thread, NULL, exit_process_from_thread, NULL);
	for (;;)
		pause();
	return 1;
}

static int outlive_main_thread_fd = -1;

static void *outlive_main_thread(void *arg)
{
	(void)arg;
	selftest_sleep_ms(20);
	if (write(outlive_main_thread_fd, "alive", 5) != 5)
		exit(1);
	exit(5);
}

static int main_thread_exits_first(void *arg)
{
	pthread_t thread;

	outlive_main_thread_fd = *(int *)arg;
	pthread_create(&thread, NULL, outlive_main_thread, NULL);
	pthread_exit(NULL);
}

static int exit_status_comes_from_whichever_thread_exits(void)
{
	char text[16] = "";
	int fds[2], status;

	status = selftest_child_status(thread_calls_exit, NULL);
	EXPECT(selftest_exited_with(status, 9),
	       "exit(9) in a second thread: the process %s, want status 9",
	       selftest_describe_status(status));
	EXPECT_OK(pipe(fds));
	status = selftest_child_status(main_thread_exits_first, &fds[1]);
	close(fds[1]);
	selftest_read_all(fds[0], text, sizeof(text));
	EXPECT(strcmp(text, "alive") == 0, "the thread did not outlive the main thread ('%s')",
	       text);
	EXPECT(selftest_exited_with(status, 5),
	       "main thread left with pthread_exit, then exit(5): the process %s",
	       selftest_describe_status(status));
	return 0;
}

static int futex_wait_checks_value_and_times_out(void)
{
	struct timespec timeout = { .tv_nsec = 30 * 1000000 };
	atomic_int word = 1;

	errno = 0;
	EXPECT(futex(&word, FUTEX_WAIT, 2, NULL) == -1 && errno == EAGAIN,
	       "FUTEX_WAIT with a stale value: %s, want EAGAIN", selftest_errno_name(errno));
	int64_t start = selftest_now_ns();
	errno = 0;
	long ret = futex(&word, FUTEX_WAIT, 1, &timeout);
	int64_t waited_ms = (selftest_now_ns() - start) / 1000000;
	EXPECT(ret == -1 && errno == ETIMEDOUT, "FUTEX_WAIT with a timeout: %ld (%s)", ret,
	       selftest_errno_name(errno));
	EXPECT(waited_ms >= 30 && waited_ms < 2000, "a 30 ms FUTEX_WAIT took %lld ms",
	       (long long)waited_ms);
	EXPECT(futex(&word, FUTEX_WAKE, 1, NULL) == 0, "FUTEX_WAKE with no waiter woke someone");
	return 0;
}

static atomic_int futex_word, waiter_ready;
static long waiter_result;
static int waiter_errno;

static void *futex_waiter(void *arg)
{
	(void)arg;
	atomic_store(&waiter_ready, 1);
	errno = 0;
	waiter_result = futex(&futex_word, FUTEX_WAIT, 0, NULL);
	waiter_errno = errno;
	return NULL;
}

static int futex_wake_wakes_sleeping_waiter(void)
{
	pthread_t thread;

	pthread_create(&thread, NULL, futex_waiter, NULL);
	while (!atomic_load(&waiter_ready))
		sched_yield();
	selftest_sleep_ms(20); /* long enough to be asleep in the kernel */
	atomic_store(&futex_word, 1);
	long woken = futex(&futex_word, FUTEX_WAKE, 1, NULL);
	pthread_join(thread, NULL);
	if (waiter_result == -1 && waiter_errno == EAGAIN)
		EXPECT(woken == 0, "FUTEX_WAKE counted %ld, but the waiter never slept", woken);
	else
		EXPECT(waiter_result == 0 && woken == 1,
		       "the waiter returned %ld (%s); FUTEX_WAKE counted %ld, want 0 and 1",
		       waiter_result, selftest_errno_name(waiter_errno), woken);
	return 0;
}

/* A robust mutex whose owner thread exits holding it: the next locker gets EOWNERDEAD (the
 * kernel walks the dead thread's robust list), makes it consistent, and it works again. */
static pthread_mutex_t robust_lock;

static void *lock_and_exit(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust_lock);
	return NULL;
}

static int robust_mutex_reports_owner_death(void)
{
	pthread_mutexattr_t attr;
	pthread_t thread;
	int rc;

	EXPECT(pthread_mutexattr_init(&attr) == 0, "mutexattr_init");
	EXPECT(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) == 0, "setrobust");
	EXPECT(pthread_mutex_init(&robust_lock, &attr) == 0, "mutex_init");
	EXPECT(pthread_create(&thread, NULL, lock_and_exit, NULL) == 0, "pthread_create");
	EXPECT(pthread_join(thread, NULL) == 0, "pthread_join");
	rc = pthread_mutex_lock(&robust_lock);
	EXPECT(rc == EOWNERDEAD, "lock after the owner died: %s, want EOWNERDEAD", strerror(rc));
	EXPECT(pthread_mutex_consistent(&robust_lock) == 0, "pthread_mutex_consistent");
	EXPECT(pthread_mutex_unlock(&robust_lock) == 0, "unlock");
	rc = pthread_mutex_lock(&robust_lock);
	EXPECT(rc == 0, "lock after recovery: %s", strerror(rc));
	pthread_mutex_unlock(&robust_lock);
	pthread_mutex_destroy(&robust_lock);
	return 0;
}

/* A thread forks; the child's exit status is its own. */
static void *fork_child_exiting_with_five(void *arg)
{
	pid_t *pid = arg;

	*pid = fork();
	if (*pid == 0)
		_exit(5);
	return NULL;
}

/* A process's children are every thread's: the main thread waits for the
 * one another thread forked, after that thread has gone too (Linux hands
 * them to a thread still alive, not to init). */
static int children_of_one_thread_are_the_processs(void)
{
	pthread_t thread;
	pid_t pid = -1;
	int status;

	EXPECT(pthread_create(&thread, NULL, fork_child_exiting_with_five, &pid) == 0,
	       "pthread_create");
	EXPECT(pthread_join(thread, NULL) == 0, "pthread_join");
	EXPECT(pid > 0, "fork in the thread: %s", strerror(errno));
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid for the thread's child: %s",
	       strerror(errno));
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 5, "status %#x, want exit 5", status);
	EXPECT(pthread_create(&thread, NULL, fork_child_exiting_with_five, &pid) == 0,
	       "pthread_create");
	EXPECT(pthread_join(thread, NULL) == 0, "pthread_join");
	/* waitid with WNOWAIT first (Go's os/exec does), then the reaping wait. */
	siginfo_t info = { 0 };
	EXPECT(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == 0, "waitid WNOWAIT: %s",
	       strerror(errno));
	EXPECT(info.si_pid == pid && info.si_status == 5, "waitid saw pid %d status %d",
	       info.si_pid, info.si_status);
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid after waitid: %s", strerror(errno));
	EXPECT(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "a child left over");
	return 0;
}

static void *exec_report_from_thread(void *arg)
{
	char *argv[] = { "from-a-thread", "--helper=report", NULL };
	char *envp[] = { NULL };

	(void)arg;
	execve(selftest_self_path, argv, envp);
	_exit(127);
}

/* execve from a thread that is not the main one: the other threads go, and
 * the new program runs as the process, with its pid, its parent, and its
 * exit status reported to that parent. */
static int execve_from_a_thread_keeps_the_process_pid(void)
{
	char out[4096];
	size_t used = 0;
	ssize_t n;
	int p[2], status, reported = -1;
	pid_t pid;

	EXPECT_OK(pipe(p));
	EXPECT_OK(pid = fork());
	if (pid == 0) {
		pthread_t thread;

		close(p[0]);
		dup2(p[1], 1);
		if (pthread_create(&thread, NULL, exec_report_from_thread, NULL) != 0)
			_exit(126);
		for (;;)
			pause();
	}
	close(p[1]);
	while (used < sizeof(out) - 1 && (n = read(p[0], out + used, sizeof(out) - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(p[0]);
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the new program: status %#x",
	       status);
	const char *line = strstr(out, "pid=");
	EXPECT(line && sscanf(line, "pid=%d", &reported) == 1, "no pid= line in %.200s", out);
	EXPECT(reported == pid, "the new program's pid is %d, the process's %d", reported, pid);
	EXPECT(strstr(out, "argv[0]=from-a-thread"), "argv not passed: %.200s", out);
	return 0;
}

const struct selftest_case thread_cases[] = {
	{ "execve-from-a-thread-keeps-the-process-pid",
	  execve_from_a_thread_keeps_the_process_pid },
	{ "children-of-one-thread-are-the-processs", children_of_one_thread_are_the_processs },
	{ "pthread-join-returns-thread-result", pthread_join_returns_thread_result },
	{ "mutex-makes-contended-increments-exact", mutex_makes_contended_increments_exact },
	{ "condvar-queue-passes-every-item-once", condvar_queue_passes_every_item_once },
	{ "barrier-holds-threads-until-all-arrive", barrier_holds_threads_until_all_arrive },
	{ "threads-have-own-tid-and-tls-but-share-pid",
	  threads_have_own_tid_and_tls_but_share_pid },
	{ "signals-reach-the-thread-that-can-take-them",
	  signals_reach_the_thread_that_can_take_them },
	{ "exit-status-comes-from-whichever-thread-exits",
	  exit_status_comes_from_whichever_thread_exits },
	{ "futex-wait-checks-value-and-times-out", futex_wait_checks_value_and_times_out },
	{ "futex-wake-wakes-sleeping-waiter", futex_wake_wakes_sleeping_waiter },
	{ "robust-mutex-reports-owner-death", robust_mutex_reports_owner_death },
	{ NULL, NULL },
};
