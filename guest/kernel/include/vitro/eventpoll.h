/* epoll (fs/eventpoll.c): an interest list of (file, descriptor) pairs and a
 * ready list that the files' wait queues fill, so epoll_wait looks only at
 * what changed. Level-triggered by default, EPOLLET and EPOLLONESHOT as on
 * Linux. Works on every file with a poll method (pipes, the terminal,
 * other epolls); regular files have none: EPERM, as on Linux. */
#ifndef VITRO_EVENTPOLL_H
#define VITRO_EVENTPOLL_H

#include <linux/eventpoll.h> /* struct epoll_event (packed on x86-64), EPOLL* */
#include <stdbool.h>
#include <stdint.h>
#include <vitro/fs.h>

/* A new epoll file (O_NONBLOCK from flags). -ENOMEM. */
int vfs_epoll_create(unsigned int flags, struct file **result);

bool is_epoll_file(const struct file *file);

/* EPOLL_CTL_ADD/MOD/DEL of target (which descriptor fd names) with event
 * (ignored for DEL). The errno values are epoll_ctl(2)'s: EINVAL (not an
 * epoll, target is the epoll itself, bad op, EPOLLEXCLUSIVE misused), EPERM
 * (target cannot be polled), EEXIST, ENOENT, ELOOP (epolls watching each
 * other, or nested deeper than Linux's 4), ENOMEM. */
int vfs_epoll_ctl(struct file *ep_file, int op, int fd, struct file *target,
		  const struct epoll_event *event);

/* Up to maxevents ready events into events, waiting up to timeout_ns for
 * the first (0: not at all; POLL_WAIT_FOREVER); returns how many, 0 on
 * time-out. */
int vfs_epoll_wait(struct file *ep_file, struct epoll_event *events, int maxevents,
		   uint64_t timeout_ns);

#endif
