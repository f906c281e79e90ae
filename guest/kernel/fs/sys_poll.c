/* poll, ppoll, select and pselect6 over vfs_poll_wait(): descriptors from
 * the caller, one request per descriptor, the results written back with
 * the time left, as Linux writes it back (a write-back that faults is
 * ignored, as there). The signal masks of ppoll and pselect6 are checked
 * for size and otherwise ignored until signals exist: nothing can
 * interrupt the wait, so which signals are blocked during it changes
 * nothing yet. */
#include <asm/poll.h>
#include <vitro/errno.h>
#include <vitro/poll.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/time.h>
#include <vitro/uaccess.h>

#include "sys_util.h"

#define SIGSET_SIZE 8 /* the kernel's sigset_t: 64 signals */

/* Linux's select(2) sets, in poll bits. */
#define POLLIN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET (POLLPRI)

struct user_pollfd {
	int fd;
	short events;
	short revents;
};

static void put_requests(struct poll_request *reqs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (reqs[i].file)
			vfs_close(reqs[i].file);
	}
	kfree(reqs);
}

/* The time left of a wait that had timeout_ns from start. */
static uint64_t time_left(uint64_t start, uint64_t timeout_ns)
{
	uint64_t spent = ktime_get_ns() - start;

	return spent >= timeout_ns ? 0 : timeout_ns - spent;
}

static int timespec_to_ns(const struct user_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	/* Beyond what the clock can count: as good as forever. */
	if ((uint64_t)ts->tv_sec >= (POLL_WAIT_FOREVER - NSEC_PER_SEC) / NSEC_PER_SEC)
		*ns = POLL_WAIT_FOREVER;
	else
		*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static long do_poll(uint64_t ufds, unsigned int nfds, uint64_t timeout_ns)
{
	struct files_struct *files = current_files();
	struct user_pollfd *fds = NULL;
	struct poll_request *reqs;
	unsigned int nr_invalid = 0;
	long ret;

	if (!files || nfds > files->limit)
		return -EINVAL;
	reqs = kzalloc((nfds ? nfds : 1) * sizeof(*reqs), GFP_KERNEL);
	fds = kmalloc((nfds ? nfds : 1) * sizeof(*fds), GFP_KERNEL);
	ret = -ENOMEM;
	if (!reqs || !fds)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(fds, ufds, nfds * sizeof(*fds)))
		goto out;
	for (unsigned int i = 0; i < nfds; i++) {
		if (fds[i].fd < 0)
			continue;
		reqs[i].file = fdget(fds[i].fd);
		reqs[i].events = (unsigned short)fds[i].events | POLLERR | POLLHUP;
		nr_invalid += !reqs[i].file;
	}
	/* A bad descriptor is an answer (POLLNVAL): no waiting then. */
	ret = vfs_poll_wait(reqs, nfds, nr_invalid ? 0 : timeout_ns);
	if (ret < 0)
		goto out;
	ret += nr_invalid;
	for (unsigned int i = 0; i < nfds; i++) {
		fds[i].revents = (short)reqs[i].revents;
		if (fds[i].fd >= 0 && !reqs[i].file)
			fds[i].revents = POLLNVAL;
	}
	if (copy_to_user(ufds, fds, nfds * sizeof(*fds)))
		ret = -EFAULT;
out:
	if (reqs)
		put_requests(reqs, nfds);
	kfree(fds);
	return ret;
}

SYSCALL_DEFINE3(poll, uint64_t, ufds, unsigned int, nfds, int, timeout_ms)
{
	uint64_t timeout_ns =
		timeout_ms < 0 ? POLL_WAIT_FOREVER : (uint64_t)timeout_ms * NSEC_PER_MSEC;

	return do_poll(ufds, nfds, timeout_ns);
}

/* Reads an optional timespec: NULL waits forever. */
static int get_timeout(uint64_t uts, uint64_t *timeout_ns)
{
	struct user_timespec ts;

	*timeout_ns = POLL_WAIT_FOREVER;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	return timespec_to_ns(&ts, timeout_ns);
}

static void put_time_left(uint64_t uts, uint64_t start, uint64_t timeout_ns)
{
	uint64_t left = time_left(start, timeout_ns);
	struct user_timespec ts = { .tv_sec = (int64_t)(left / NSEC_PER_SEC),
				    .tv_nsec = (int64_t)(left % NSEC_PER_SEC) };

	if (uts && timeout_ns != POLL_WAIT_FOREVER)
		(void)copy_to_user(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE5(ppoll, uint64_t, ufds, unsigned int, nfds, uint64_t, uts, uint64_t, usigmask,
		size_t, sigsetsize)
{
	uint64_t timeout_ns, start = ktime_get_ns();
	long ret;

	ret = get_timeout(uts, &timeout_ns);
	if (ret)
		return ret;
	if (usigmask && sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	ret = do_poll(ufds, nfds, timeout_ns);
	put_time_left(uts, start, timeout_ns);
	return ret;
}

/* select(2)'s three sets, in and out: nfds bits, as 64-bit words. */
struct fd_bits {
	uint64_t *in[3], *out[3];
	size_t nr_words;
};

static const unsigned int select_masks[3] = { POLLIN_SET, POLLOUT_SET, POLLEX_SET };

static bool bit_is_set(const uint64_t *words, unsigned int fd)
{
	return words && (words[fd / 64] >> (fd % 64) & 1);
}

static long do_select(int n, uint64_t uset[3], uint64_t timeout_ns)
{
	struct files_struct *files = current_files();
	struct poll_request *reqs = NULL;
	struct fd_bits bits = { 0 };
	unsigned int nfds, i, k;
	long ret;

	if (n < 0 || !files)
		return -EINVAL;
	/* As Linux: descriptors past the table's size cannot be open. */
	nfds = (unsigned int)n < READ_ONCE(files->nr_slots) ? (unsigned int)n :
							      READ_ONCE(files->nr_slots);
	bits.nr_words = (nfds + 63) / 64;
	ret = -ENOMEM;
	for (k = 0; k < 3; k++) {
		if (!uset[k])
			continue;
		bits.in[k] = kzalloc(bits.nr_words * 8 + 8, GFP_KERNEL);
		bits.out[k] = kzalloc(bits.nr_words * 8 + 8, GFP_KERNEL);
		if (!bits.in[k] || !bits.out[k])
			goto out;
		/* Whole 64-bit words, as Linux reads and writes them back. */
		ret = -EFAULT;
		if (copy_from_user(bits.in[k], uset[k], bits.nr_words * 8))
			goto out;
		if (nfds % 64)
			bits.in[k][nfds / 64] &= (1ull << (nfds % 64)) - 1;
		ret = -ENOMEM;
	}
	reqs = kzalloc((nfds ? nfds : 1) * sizeof(*reqs), GFP_KERNEL);
	if (!reqs)
		goto out;
	for (i = 0; i < nfds; i++) {
		for (k = 0; k < 3; k++) {
			if (bit_is_set(bits.in[k], i))
				reqs[i].events |= select_masks[k];
		}
		if (!reqs[i].events)
			continue;
		reqs[i].file = fdget((int)i);
		if (!reqs[i].file) {
			ret = -EBADF;
			goto out;
		}
	}
	ret = vfs_poll_wait(reqs, nfds, timeout_ns);
	if (ret < 0)
		goto out;
	ret = 0;
	for (i = 0; i < nfds; i++) {
		for (k = 0; k < 3; k++) {
			if (bit_is_set(bits.in[k], i) && (reqs[i].revents & select_masks[k])) {
				bits.out[k][i / 64] |= 1ull << (i % 64);
				ret++;
			}
		}
	}
	for (k = 0; k < 3; k++) {
		if (bits.out[k] && copy_to_user(uset[k], bits.out[k], bits.nr_words * 8))
			ret = -EFAULT;
	}
out:
	if (reqs)
		put_requests(reqs, nfds);
	for (k = 0; k < 3; k++) {
		kfree(bits.in[k]);
		kfree(bits.out[k]);
	}
	return ret;
}

SYSCALL_DEFINE5(select, int, n, uint64_t, ureadfds, uint64_t, uwritefds, uint64_t, uexceptfds,
		uint64_t, utv)
{
	uint64_t uset[3] = { ureadfds, uwritefds, uexceptfds };
	uint64_t timeout_ns = POLL_WAIT_FOREVER, start = ktime_get_ns();
	struct user_timeval tv;
	long ret;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		ret = timespec_to_ns(&(struct user_timespec){ .tv_sec = tv.tv_sec,
							      .tv_nsec = tv.tv_usec * 1000 },
				     &timeout_ns);
		if (ret)
			return ret;
	}
	ret = do_select(n, uset, timeout_ns);
	if (utv && timeout_ns != POLL_WAIT_FOREVER) {
		uint64_t left = time_left(start, timeout_ns);

		tv = (struct user_timeval){ .tv_sec = (int64_t)(left / NSEC_PER_SEC),
					    .tv_usec = (int64_t)(left % NSEC_PER_SEC / 1000) };
		(void)copy_to_user(utv, &tv, sizeof(tv));
	}
	return ret;
}

/* pselect6's sixth argument: where the signal mask is, and its size. */
struct pselect_sigmask {
	uint64_t sigmask;
	uint64_t size;
};

SYSCALL_DEFINE6(pselect6, int, n, uint64_t, ureadfds, uint64_t, uwritefds, uint64_t, uexceptfds,
		uint64_t, uts, uint64_t, usig)
{
	uint64_t uset[3] = { ureadfds, uwritefds, uexceptfds };
	uint64_t timeout_ns, start = ktime_get_ns();
	struct pselect_sigmask sig;
	long ret;

	ret = get_timeout(uts, &timeout_ns);
	if (ret)
		return ret;
	if (usig) {
		if (copy_from_user(&sig, usig, sizeof(sig)))
			return -EFAULT;
		if (sig.sigmask && sig.size != SIGSET_SIZE)
			return -EINVAL;
	}
	ret = do_select(n, uset, timeout_ns);
	put_time_left(uts, start, timeout_ns);
	return ret;
}
