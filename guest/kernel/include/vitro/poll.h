/* Waiting for files to become ready, as poll(2) and select(2) do: a file's
 * poll method reports what is ready now and queues the caller on the wait
 * queues that will announce a change (poll_wait); vfs_poll_wait() sleeps until
 * one does or the time runs out (fs/poll.c). */
#ifndef VITRO_POLL_H
#define VITRO_POLL_H

#include <stdint.h>

#include <vitro/fs.h>
#include <vitro/wait.h>

#define POLL_WAIT_FOREVER UINT64_MAX

struct poll_table {
	void (*queue)(struct poll_table *pt, struct wait_queue_head *wq);
};

/* From a poll method: wake the poller when wq is woken. pt may be NULL (no
 * waiting wanted, or not the first pass). */
static inline void poll_wait(struct poll_table *pt, struct wait_queue_head *wq)
{
	if (pt && pt->queue)
		pt->queue(pt, wq);
}

struct poll_request {
	struct file *file; /* NULL: ignored, as a negative fd in poll(2) */
	/* POLLIN, POLLOUT, ...: poll(2) adds POLLERR and POLLHUP, which it
	 * always reports; select(2) asks for each set's bits. */
	unsigned int events;
	unsigned int revents; /* what is ready of events */
};

/* Fills revents and returns how many requests have any, waiting up to
 * timeout_ns (0: not at all, POLL_WAIT_FOREVER) for the first; 0 on time-out,
 * -ENOMEM. */
int vfs_poll_wait(struct poll_request *reqs, unsigned int n, uint64_t timeout_ns);

#endif
