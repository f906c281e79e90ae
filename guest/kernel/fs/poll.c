/* See vitro/poll.h. The first pass over the files queues the poller on every
 * wait queue their poll methods name, with the task already marked asleep,
 * so a change between a check and the sleep wakes it; later passes only
 * check. Kernel only (it sleeps). */
#include <vitro/errno.h>
#include <vitro/poll.h>
#include <vitro/signal.h>
#include <vitro/slab.h>
#include <vitro/task.h>
#include <vitro/time.h>

#include <asm/poll.h>

struct poll_entry {
	struct wait_queue_head *wq;
	struct wait_queue_entry wait;
};

struct poll_waiter {
	struct poll_table pt;
	struct poll_entry *entries;
	unsigned int nr, cap;
	bool overflowed; /* more queues than room: fall back to short sleeps */
};

static void poll_queue(struct poll_table *pt, struct wait_queue_head *wq)
{
	struct poll_waiter *w = container_of(pt, struct poll_waiter, pt);
	struct poll_entry *e;

	if (w->nr == w->cap) {
		w->overflowed = true;
		return;
	}
	e = &w->entries[w->nr++];
	e->wq = wq;
	wait_queue_entry_init(&e->wait);
	prepare_to_wait(wq, &e->wait, TASK_INTERRUPTIBLE);
}

static unsigned int poll_pass(struct poll_request *reqs, unsigned int n, struct poll_table *pt)
{
	unsigned int i, ready = 0;

	for (i = 0; i < n; i++) {
		if (!reqs[i].file) {
			reqs[i].revents = 0;
			continue;
		}
		reqs[i].revents = vfs_poll(reqs[i].file, pt) & reqs[i].events;
		ready += reqs[i].revents != 0;
	}
	return ready;
}

int vfs_poll_wait(struct poll_request *reqs, unsigned int n, uint64_t timeout_ns)
{
	struct poll_waiter w = { .pt.queue = poll_queue, .cap = 2 * n + 4 };
	uint64_t deadline =
		timeout_ns == POLL_WAIT_FOREVER ? UINT64_MAX : ktime_get_ns() + timeout_ns;
	struct poll_table *pt = timeout_ns ? &w.pt : NULL;
	unsigned int ready, i;
	bool interrupted = false;

	w.entries = kmalloc(w.cap * sizeof(*w.entries), GFP_KERNEL);
	if (!w.entries)
		return -ENOMEM;
	for (;;) {
		uint64_t now, left;

		set_current_state(TASK_INTERRUPTIBLE);
		ready = poll_pass(reqs, n, pt);
		pt = NULL;
		now = ktime_get_ns();
		if (ready || !timeout_ns || now >= deadline)
			break;
		if (signal_pending(current)) {
			ready = 0;
			interrupted = true;
			break;
		}
		left = deadline - now;
		/* Without a wake-up for every queue, look again every 10 ms. */
		if (w.overflowed && left > 10 * NSEC_PER_MSEC)
			left = 10 * NSEC_PER_MSEC;
		if (deadline == UINT64_MAX && !w.overflowed)
			schedule();
		else
			schedule_timeout(left);
	}
	__set_current_state(TASK_RUNNING);
	for (i = 0; i < w.nr; i++)
		finish_wait(w.entries[i].wq, &w.entries[i].wait);
	kfree(w.entries);
	/* A signal: the handler runs, then poll reports EINTR (or restarts
	 * without one), as Linux's -ERESTARTNOHAND. */
	return interrupted ? -ERESTARTNOHAND : (int)ready;
}
