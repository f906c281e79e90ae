/* The epoll calls: epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait and epoll_pwait2 over fs/eventpoll.c. The signal masks of
 * the pwait forms are checked for size and otherwise ignored until signals
 * exist (nothing can interrupt the wait yet). */
#include <vitro/errno.h>
#include <vitro/eventpoll.h>
#include <vitro/poll.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/time.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

#define SIGSET_SIZE 8
/* Linux's EP_MAX_EVENTS. */
#define EP_MAX_EVENTS (INT32_MAX / (int)sizeof(struct epoll_event))
/* Events copied out per pass: the rest wait for the next call. */
#define EP_BATCH 64

static long do_epoll_create(int flags)
{
	struct files_struct *files = current_files();
	struct file *file;
	int err, fd;

	if ((unsigned int)flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	if (!files)
		return -EMFILE;
	err = vfs_epoll_create(0, &file);
	if (err)
		return err;
	fd = fd_install(files, file, 0, flags & EPOLL_CLOEXEC);
	if (fd < 0)
		vfs_close(file);
	return fd;
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	return do_epoll_create(flags);
}

/* size is a hint from the past, but must be positive. */
SYSCALL_DEFINE1(epoll_create, int, size)
{
	return size <= 0 ? -EINVAL : do_epoll_create(0);
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, uint64_t, uevent)
{
	struct epoll_event event = { 0 };
	struct file *ep_file, *target;
	long ret;

	/* DEL takes no event (a NULL one since Linux 2.6.9). */
	if (op != EPOLL_CTL_DEL && copy_from_user(&event, uevent, sizeof(event)))
		return -EFAULT;
	ep_file = fdget(epfd);
	if (!ep_file)
		return -EBADF;
	ret = -EBADF;
	target = fdget(fd);
	if (target) {
		ret = vfs_epoll_ctl(ep_file, op, fd, target, &event);
		vfs_close(target);
	}
	vfs_close(ep_file);
	return ret;
}

static long do_epoll_wait(int epfd, uint64_t uevents, int maxevents, uint64_t timeout_ns)
{
	struct epoll_event *events;
	struct file *file;
	long ret;

	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (!access_ok(uevents, (uint64_t)maxevents * sizeof(struct epoll_event)))
		return -EFAULT;
	file = fdget(epfd);
	if (!file)
		return -EBADF;
	ret = -EINVAL;
	if (!is_epoll_file(file))
		goto out;
	if (maxevents > EP_BATCH)
		maxevents = EP_BATCH;
	ret = -ENOMEM;
	events = kmalloc((size_t)maxevents * sizeof(*events), GFP_KERNEL);
	if (!events)
		goto out;
	ret = vfs_epoll_wait(file, events, maxevents, timeout_ns);
	/* Events that do not reach the caller are lost, as on Linux. */
	if (ret > 0 && copy_to_user(uevents, events, (unsigned long)ret * sizeof(*events)))
		ret = -EFAULT;
	kfree(events);
out:
	vfs_close(file);
	return ret;
}

static uint64_t ms_to_timeout(int timeout_ms)
{
	return timeout_ms < 0 ? POLL_WAIT_FOREVER : (uint64_t)timeout_ms * NSEC_PER_MSEC;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, uint64_t, uevents, int, maxevents, int, timeout_ms)
{
	return do_epoll_wait(epfd, uevents, maxevents, ms_to_timeout(timeout_ms));
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, uint64_t, uevents, int, maxevents, int, timeout_ms,
		uint64_t, usigmask, size_t, sigsetsize)
{
	if (usigmask && sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	return do_epoll_wait(epfd, uevents, maxevents, ms_to_timeout(timeout_ms));
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, uint64_t, uevents, int, maxevents, uint64_t, uts, uint64_t,
		usigmask, size_t, sigsetsize)
{
	uint64_t timeout_ns = POLL_WAIT_FOREVER;
	struct user_timespec ts;

	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		timeout_ns = (uint64_t)ts.tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1 ?
				     POLL_WAIT_FOREVER :
				     (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	}
	if (usigmask && sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	return do_epoll_wait(epfd, uevents, maxevents, timeout_ns);
}
