/* What kernel code that sleeps (pipes, poll, epoll, record locks, wait
 * queues) needs from the scheduler in host tests: one task, the one a test
 * makes its system calls as; a clock that moves only when a timed sleep
 * runs out; and a hook a test sets to act while the task would sleep (the
 * other end of a pipe writes, a lock holder lets go). A sleep that neither
 * the hook nor a time limit ends would last forever: the test aborts. */
#include "host_sched.h"

#include "host_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <vitro/task.h>
#include <vitro/time.h>

struct task *host_current_task;

static void (*sleep_hook)(void *arg);
static void *sleep_hook_arg;

void host_sched_on_next_sleep(void (*fn)(void *arg), void *arg)
{
	sleep_hook = fn;
	sleep_hook_arg = arg;
}

bool try_to_wake_up(struct task *t, unsigned int state_mask)
{
	if (!(t->state & state_mask))
		return false;
	t->state = TASK_RUNNING;
	return true;
}

/* Runs the hook once; true if it woke the task. */
static bool run_sleep_hook(void)
{
	void (*fn)(void *arg) = sleep_hook;

	if (fn) {
		sleep_hook = NULL;
		fn(sleep_hook_arg);
	}
	return current->state == TASK_RUNNING;
}

void schedule(void)
{
	if (current->state == TASK_RUNNING || run_sleep_hook())
		return;
	fprintf(stderr, "host_sched: %s would sleep forever\n", current->comm);
	abort();
}

uint64_t schedule_timeout(uint64_t timeout_ns)
{
	if (current->state == TASK_RUNNING || run_sleep_hook())
		return timeout_ns;
	host_now_ns += timeout_ns;
	current->state = TASK_RUNNING;
	return 0;
}

/* Signals: none is ever pending for the one host task unless a test says so;
 * a signal sent to it (SIGPIPE) is recorded. */
bool host_signal_pending;
int host_last_signal;

bool signal_pending(struct task *t)
{
	(void)t;
	return host_signal_pending;
}

int send_signal_to_task(struct task *t, int sig, const siginfo_t *info)
{
	(void)t, (void)info;
	host_last_signal = sig;
	return 0;
}
