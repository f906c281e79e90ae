/* Tests for pipe2, poll, ppoll, select, pselect6 and the epoll calls
 * (guest/kernel/fs/sys_pipe.c, sys_poll.c, sys_epoll.c over poll.c and
 * eventpoll.c) on pipes: readiness, hang-ups, bad descriptors, time-outs
 * on host_sched's clock, sleeps that a writer ends, and epoll's
 * level-triggered, edge-triggered and one-shot reports. */
#include <asm/poll.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/eventpoll.h>
#include <vitro/time.h>

#include "host_kernel.h"
#include "host_sched.h"
#include "sys_world.h"
#include "unit.h"

struct user_pollfd {
	int fd;
	short events, revents;
};

/* A pipe made through pipe2: fd[0] reads, fd[1] writes. */
static void make_pipe(int fd[2], int flags)
{
	uint64_t ufds = UBUF(8);

	EXPECT_EQ(SYS(pipe2, ufds, flags), 0);
	memcpy(fd, host_user_ptr(ufds), 2 * sizeof(int));
}

static void test_sys_pipe2_flags_and_faults(void)
{
	struct sys_world w;
	struct vfs_stats stats;
	int fd[2];

	sys_world_start(&w);
	make_pipe(fd, O_CLOEXEC | O_NONBLOCK);
	EXPECT_EQ(fd[0], 0);
	EXPECT_EQ(fd[1], 1);
	EXPECT_EQ(SYS(fcntl, fd[0], F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(SYS(fcntl, fd[1], F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(SYS(fcntl, fd[0], F_GETFL), O_RDONLY | O_NONBLOCK);
	EXPECT_EQ(SYS(fcntl, fd[1], F_GETFL), O_WRONLY | O_NONBLOCK);
	EXPECT_EQ(SYS(read, fd[0], UBUF(4), 4), -EAGAIN);
	EXPECT_EQ(SYS(write, fd[0], U("x"), 1), -EBADF);
	/* The last writer gone: end of file; the last reader gone: EPIPE. */
	EXPECT_EQ(SYS(close, fd[1]), 0);
	EXPECT_EQ(SYS(read, fd[0], UBUF(4), 4), 0);
	make_pipe(fd, 0);
	EXPECT_EQ(SYS(close, fd[0]), 0);
	EXPECT_EQ(SYS(write, fd[1], U("x"), 1), -EPIPE);
	EXPECT_EQ(SYS(close, fd[1]), 0);
	EXPECT_EQ(SYS(pipe2, UBUF(8), O_TRUNC), -EINVAL);
	/* A bad pointer leaves no descriptor behind. */
	EXPECT_EQ(SYS(pipe2, HOST_USER_BAD_ADDR, 0), -EFAULT);
	EXPECT_EQ(SYS(pipe, host_user_edge() - 4), -EFAULT);
	vfs_get_stats(&stats);
	EXPECT_EQ(stats.nr_files, 1); /* fd 0, the first pipe's read end */
	EXPECT_EQ(SYS(dup, 0), 1);
	sys_world_end(&w);
}

static void test_sys_poll_readiness_hangup_and_nval(void)
{
	struct sys_world w;
	struct user_pollfd p[4];
	struct user_pollfd *up;
	uint64_t ufds;
	int fd[2];

	sys_world_start(&w);
	make_pipe(fd, 0);
	p[0] = (struct user_pollfd){ .fd = fd[0], .events = POLLIN };
	p[1] = (struct user_pollfd){ .fd = fd[1], .events = POLLOUT };
	p[2] = (struct user_pollfd){ .fd = -1, .events = POLLIN, .revents = 77 };
	p[3] = (struct user_pollfd){ .fd = 40, .events = POLLIN };
	ufds = host_user_copy(p, sizeof(p));
	up = UPTR(struct user_pollfd, ufds);
	EXPECT_EQ(SYS(poll, ufds, 4, 1000), 2);
	EXPECT_EQ(up[0].revents, 0);
	EXPECT_EQ(up[1].revents, POLLOUT);
	EXPECT_EQ(up[2].revents, 0);
	EXPECT_EQ(up[3].revents, POLLNVAL);
	/* Data makes the read end ready. */
	EXPECT_EQ(SYS(write, fd[1], U("x"), 1), 1);
	EXPECT_EQ(SYS(poll, ufds, 2, 0), 2);
	EXPECT_EQ(up[0].revents, POLLIN);
	/* A hang-up is reported even when nobody asked for it. */
	EXPECT_EQ(SYS(close, fd[1]), 0);
	up[0].events = 0;
	EXPECT_EQ(SYS(poll, ufds, 1, 0), 1);
	EXPECT_EQ(up[0].revents, POLLHUP);
	EXPECT_EQ(SYS(poll, ufds, NR_OPEN_DEFAULT + 1, 0), -EINVAL);
	EXPECT_EQ(SYS(poll, HOST_USER_BAD_ADDR, 1, 0), -EFAULT);
	EXPECT_EQ(SYS(poll, 0, 0, 0), 0);
	sys_world_end(&w);
}

/* Another process's write, while the test's task sleeps. */
static void write_to_pipe(void *arg)
{
	int fd = *(int *)arg;

	EXPECT_EQ(SYS(write, fd, U("!"), 1), 1);
}

static void test_sys_poll_times_out_or_wakes_on_data(void)
{
	struct sys_world w;
	struct user_pollfd p;
	uint64_t ufds, uts, start;
	int64_t *ts;
	int fd[2];

	sys_world_start(&w);
	make_pipe(fd, 0);
	p = (struct user_pollfd){ .fd = fd[0], .events = POLLIN };
	ufds = host_user_copy(&p, sizeof(p));
	start = host_now_ns;
	EXPECT_EQ(SYS(poll, ufds, 1, 50), 0);
	EXPECT_EQ(host_now_ns - start, 50 * NSEC_PER_MSEC);
	/* Asleep for good, until the writer comes: no time passes. */
	start = host_now_ns;
	host_sched_on_next_sleep(write_to_pipe, &fd[1]);
	EXPECT_EQ(SYS(poll, ufds, 1, -1), 1);
	EXPECT_EQ(UPTR(struct user_pollfd, ufds)->revents, POLLIN);
	EXPECT_EQ(host_now_ns, start);
	EXPECT_EQ(SYS(read, fd[0], UBUF(4), 4), 1);

	/* ppoll writes back what is left of its time-out. */
	ts = UPTR(int64_t, uts = host_user_copy((int64_t[2]){ 2, 500 }, 16));
	host_sched_on_next_sleep(write_to_pipe, &fd[1]);
	EXPECT_EQ(SYS(ppoll, ufds, 1, uts, 0, 0), 1);
	EXPECT_EQ(ts[0], 2);
	EXPECT_EQ(ts[1], 500);
	EXPECT_EQ(SYS(read, fd[0], UBUF(4), 4), 1);
	EXPECT_EQ(SYS(ppoll, ufds, 1, uts, 0, 0), 0);
	EXPECT_EQ(ts[0], 0);
	EXPECT_EQ(ts[1], 0);
	ts[1] = 1000000000;
	EXPECT_EQ(SYS(ppoll, ufds, 1, uts, 0, 0), -EINVAL);
	ts[1] = 0;
	EXPECT_EQ(SYS(ppoll, ufds, 1, uts, UBUF(8), 4), -EINVAL);
	EXPECT_EQ(SYS(ppoll, ufds, 1, uts, UBUF(8), 8), 0);
	EXPECT_EQ(SYS(ppoll, ufds, 1, HOST_USER_BAD_ADDR, 0, 0), -EFAULT);
	sys_world_end(&w);
}

static void test_sys_select_sets_and_errors(void)
{
	struct sys_world w;
	uint64_t rd, wr, ex, utv, uts, sig;
	int64_t *tv;
	int fd[2];

	sys_world_start(&w);
	make_pipe(fd, 0); /* 0 and 1 */
	rd = host_user_copy(&(uint64_t){ 1u << fd[0] }, 8);
	wr = host_user_copy(&(uint64_t){ 1u << fd[1] | 1u << fd[0] }, 8);
	ex = host_user_copy(&(uint64_t){ 1u << fd[0] }, 8);
	utv = host_user_copy((int64_t[2]){ 0, 0 }, 16);
	/* The write end is writable; the read end is neither readable nor
	 * writable (it is not open for writing). */
	EXPECT_EQ(SYS(select, 2, rd, wr, ex, utv), 1);
	EXPECT_EQ(*UPTR(uint64_t, rd), 0);
	EXPECT_EQ(*UPTR(uint64_t, wr), 1u << fd[1]);
	EXPECT_EQ(*UPTR(uint64_t, ex), 0);
	/* Data: readable. A descriptor past nfds is not looked at (nor kept,
	 * in the same 64-bit word: Linux writes whole words back). */
	EXPECT_EQ(SYS(write, fd[1], U("x"), 1), 1);
	*UPTR(uint64_t, rd) = 1u << fd[0] | 1u << 5;
	EXPECT_EQ(SYS(select, 2, rd, 0, 0, utv), 1);
	EXPECT_EQ(*UPTR(uint64_t, rd), 1u << fd[0]);
	/* A time-out, written back as what is left. */
	EXPECT_EQ(SYS(read, fd[0], UBUF(4), 4), 1);
	*UPTR(uint64_t, rd) = 1u << fd[0];
	tv = UPTR(int64_t, utv);
	tv[0] = 0;
	tv[1] = 20000;
	EXPECT_EQ(SYS(select, 1, rd, 0, 0, utv), 0);
	EXPECT_EQ(*UPTR(uint64_t, rd), 0);
	EXPECT_EQ(tv[1], 0);
	/* A closed descriptor in a set is EBADF, unlike poll. */
	*UPTR(uint64_t, rd) = 1u << 3;
	EXPECT_EQ(SYS(select, 4, rd, 0, 0, utv), -EBADF);
	EXPECT_EQ(SYS(select, -1, 0, 0, 0, utv), -EINVAL);
	tv[1] = 1000000;
	EXPECT_EQ(SYS(select, 1, 0, 0, 0, utv), -EINVAL);
	EXPECT_EQ(SYS(select, 1, HOST_USER_BAD_ADDR, 0, 0, 0), -EFAULT);
	/* pselect6: a timespec and the {mask, size} pair. */
	uts = host_user_copy((int64_t[2]){ 0, 1000 }, 16);
	sig = host_user_copy((uint64_t[2]){ UBUF(8), 8 }, 16);
	*UPTR(uint64_t, wr) = 1u << fd[1];
	EXPECT_EQ(SYS(pselect6, 2, 0, wr, 0, uts, sig), 1);
	sig = host_user_copy((uint64_t[2]){ UBUF(8), 16 }, 16);
	EXPECT_EQ(SYS(pselect6, 2, 0, wr, 0, uts, sig), -EINVAL);
	EXPECT_EQ(SYS(pselect6, 2, 0, wr, 0, uts, HOST_USER_BAD_ADDR), -EFAULT);
	sys_world_end(&w);
}

/* --- epoll ------------------------------------------------------------------------- */

static uint64_t epoll_event_user(uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data = data };

	return host_user_copy(&ev, sizeof(ev));
}

/* epoll_wait with no waiting; the events land in *out. */
static long wait_now(long epfd, struct epoll_event *out, int max)
{
	uint64_t uev = UBUF((size_t)max * sizeof(struct epoll_event));
	long n = SYS(epoll_wait, epfd, uev, max, 0);

	if (n > 0)
		memcpy(out, host_user_ptr(uev), (size_t)n * sizeof(*out));
	return n;
}

static void test_sys_epoll_ctl_errors(void)
{
	struct sys_world w;
	long epfd, file;
	int fd[2];

	sys_world_start(&w);
	EXPECT_EQ(SYS(epoll_create, 0), -EINVAL);
	EXPECT_EQ(SYS(epoll_create1, 1), -EINVAL);
	epfd = SYS(epoll_create1, EPOLL_CLOEXEC);
	EXPECT_TRUE(epfd >= 0);
	EXPECT_EQ(SYS(fcntl, epfd, F_GETFD), FD_CLOEXEC);
	make_pipe(fd, 0);
	sys_world_put("/f", "x");
	file = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, file, epoll_event_user(EPOLLIN, 0)), -EPERM);
	EXPECT_EQ(SYS(epoll_ctl, file, EPOLL_CTL_ADD, fd[0], epoll_event_user(EPOLLIN, 0)),
		  -EINVAL);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, epfd, epoll_event_user(EPOLLIN, 0)), -EINVAL);
	EXPECT_EQ(SYS(epoll_ctl, epfd, 9, fd[0], epoll_event_user(EPOLLIN, 0)), -EINVAL);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, 99, epoll_event_user(EPOLLIN, 0)), -EBADF);
	EXPECT_EQ(SYS(epoll_ctl, 99, EPOLL_CTL_ADD, fd[0], epoll_event_user(EPOLLIN, 0)), -EBADF);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, fd[0], HOST_USER_BAD_ADDR), -EFAULT);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_MOD, fd[0], epoll_event_user(EPOLLIN, 0)),
		  -ENOENT);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_DEL, fd[0], 0), -ENOENT);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, fd[0],
		      epoll_event_user(EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0)),
		  -EINVAL);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, fd[0], epoll_event_user(EPOLLIN, 0)), 0);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, fd[0], epoll_event_user(EPOLLIN, 0)),
		  -EEXIST);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_DEL, fd[0], 0), 0);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, fd[0],
		      epoll_event_user(EPOLLIN | EPOLLEXCLUSIVE, 0)),
		  0);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_MOD, fd[0], epoll_event_user(EPOLLIN, 0)),
		  -EINVAL);
	/* epoll_wait's own checks. */
	EXPECT_EQ(SYS(epoll_wait, epfd, UBUF(12), 0, 0), -EINVAL);
	EXPECT_EQ(SYS(epoll_wait, epfd, HOST_USER_BAD_ADDR, 1, 0), -EFAULT);
	EXPECT_EQ(SYS(epoll_wait, file, UBUF(12), 1, 0), -EINVAL);
	EXPECT_EQ(SYS(epoll_wait, 99, UBUF(12), 1, 0), -EBADF);
	EXPECT_EQ(SYS(epoll_pwait, epfd, UBUF(12), 1, 0, UBUF(8), 7), -EINVAL);
	sys_world_end(&w);
}

static void test_sys_epoll_level_edge_and_oneshot(void)
{
	struct sys_world w;
	struct epoll_event ev[4];
	long lt, et, one;
	int fd[2];

	sys_world_start(&w);
	make_pipe(fd, O_NONBLOCK);
	lt = SYS(epoll_create1, 0);
	et = SYS(epoll_create1, 0);
	one = SYS(epoll_create1, 0);
	EXPECT_EQ(SYS(epoll_ctl, lt, EPOLL_CTL_ADD, fd[0], epoll_event_user(EPOLLIN, 11)), 0);
	EXPECT_EQ(SYS(epoll_ctl, et, EPOLL_CTL_ADD, fd[0], epoll_event_user(EPOLLIN | EPOLLET, 22)),
		  0);
	EXPECT_EQ(SYS(epoll_ctl, one, EPOLL_CTL_ADD, fd[0],
		      epoll_event_user(EPOLLIN | EPOLLONESHOT, 33)),
		  0);
	EXPECT_EQ(wait_now(lt, ev, 4), 0);
	EXPECT_EQ(wait_now(et, ev, 4), 0);

	EXPECT_EQ(SYS(write, fd[1], U("ab"), 2), 2);
	EXPECT_EQ(wait_now(lt, ev, 4), 1);
	EXPECT_EQ(ev[0].events, EPOLLIN);
	EXPECT_EQ(ev[0].data, 11);
	EXPECT_EQ(wait_now(et, ev, 4), 1);
	EXPECT_EQ(ev[0].data, 22);
	EXPECT_EQ(wait_now(one, ev, 4), 1);
	EXPECT_EQ(ev[0].data, 33);
	/* Still readable: level reports again, edge and one-shot do not. */
	EXPECT_EQ(wait_now(lt, ev, 4), 1);
	EXPECT_EQ(wait_now(et, ev, 4), 0);
	EXPECT_EQ(wait_now(one, ev, 4), 0);
	/* A new write is a new edge; the one-shot stays disarmed till MOD. */
	EXPECT_EQ(SYS(write, fd[1], U("c"), 1), 1);
	EXPECT_EQ(wait_now(et, ev, 4), 1);
	EXPECT_EQ(wait_now(one, ev, 4), 0);
	EXPECT_EQ(SYS(epoll_ctl, one, EPOLL_CTL_MOD, fd[0],
		      epoll_event_user(EPOLLIN | EPOLLONESHOT, 34)),
		  0);
	EXPECT_EQ(wait_now(one, ev, 4), 1);
	EXPECT_EQ(ev[0].data, 34);
	/* Drained: nothing anywhere. */
	EXPECT_EQ(SYS(read, fd[0], UBUF(8), 8), 3);
	EXPECT_EQ(wait_now(lt, ev, 4), 0);
	EXPECT_EQ(wait_now(et, ev, 4), 0);
	/* The writer gone: a hang-up nobody asked for is reported. */
	EXPECT_EQ(SYS(close, fd[1]), 0);
	EXPECT_EQ(wait_now(lt, ev, 4), 1);
	EXPECT_EQ(ev[0].events, EPOLLHUP);
	EXPECT_EQ(wait_now(et, ev, 4), 1);
	EXPECT_EQ(ev[0].events, EPOLLHUP);
	sys_world_end(&w);
}

static void test_sys_epoll_items_follow_their_files(void)
{
	struct sys_world w;
	struct epoll_event ev[4];
	long epfd, dup_fd;
	int a[2], b[2];

	sys_world_start(&w);
	make_pipe(a, 0);
	make_pipe(b, 0);
	epfd = SYS(epoll_create1, 0);
	/* Write ends are ready at once; maxevents 1 takes them in turn. */
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, a[1], epoll_event_user(EPOLLOUT, 1)), 0);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, b[1], epoll_event_user(EPOLLOUT, 2)), 0);
	EXPECT_EQ(wait_now(epfd, ev, 1), 1);
	EXPECT_EQ(ev[0].data, 1);
	EXPECT_EQ(wait_now(epfd, ev, 1), 1);
	EXPECT_EQ(ev[0].data, 2);
	EXPECT_EQ(wait_now(epfd, ev, 4), 2);
	/* An item is (file, descriptor): a dup closed keeps the file, and the
	 * item, alive; the last close of the file takes it away. */
	dup_fd = SYS(dup, b[1]);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_DEL, b[1], 0), 0);
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, dup_fd, epoll_event_user(EPOLLOUT, 3)), 0);
	EXPECT_EQ(SYS(close, dup_fd), 0);
	EXPECT_EQ(wait_now(epfd, ev, 4), 2);
	EXPECT_EQ(SYS(close, b[1]), 0);
	EXPECT_EQ(wait_now(epfd, ev, 4), 1);
	EXPECT_EQ(ev[0].data, 1);
	EXPECT_EQ(SYS(close, a[1]), 0);
	EXPECT_EQ(wait_now(epfd, ev, 4), 0);
	/* The epoll closes before what it watches. */
	EXPECT_EQ(SYS(epoll_ctl, epfd, EPOLL_CTL_ADD, a[0], epoll_event_user(EPOLLIN, 4)), 0);
	EXPECT_EQ(SYS(close, epfd), 0);
	sys_world_end(&w);
}

static void test_sys_epoll_wait_sleeps_times_out_and_nests(void)
{
	struct sys_world w;
	struct user_pollfd p;
	uint64_t uev, start, ufds;
	long outer, inner, third;
	int fd[2];

	sys_world_start(&w);
	make_pipe(fd, 0);
	inner = SYS(epoll_create1, 0);
	outer = SYS(epoll_create1, 0);
	EXPECT_EQ(SYS(epoll_ctl, inner, EPOLL_CTL_ADD, fd[0], epoll_event_user(EPOLLIN, 5)), 0);
	EXPECT_EQ(SYS(epoll_ctl, outer, EPOLL_CTL_ADD, inner, epoll_event_user(EPOLLIN, 6)), 0);
	/* Watching each other is a loop. */
	EXPECT_EQ(SYS(epoll_ctl, inner, EPOLL_CTL_ADD, outer, epoll_event_user(EPOLLIN, 0)),
		  -ELOOP);
	third = SYS(epoll_create1, 0);
	EXPECT_EQ(SYS(epoll_ctl, third, EPOLL_CTL_ADD, outer, epoll_event_user(EPOLLIN, 0)), 0);
	EXPECT_EQ(SYS(epoll_ctl, inner, EPOLL_CTL_ADD, third, epoll_event_user(EPOLLIN, 0)),
		  -ELOOP);

	uev = UBUF(4 * sizeof(struct epoll_event));
	start = host_now_ns;
	EXPECT_EQ(SYS(epoll_wait, outer, uev, 4, 30), 0);
	EXPECT_EQ(host_now_ns - start, 30 * NSEC_PER_MSEC);
	/* A writer wakes the sleeper through both epolls. */
	start = host_now_ns;
	host_sched_on_next_sleep(write_to_pipe, &fd[1]);
	EXPECT_EQ(SYS(epoll_wait, outer, uev, 4, -1), 1);
	EXPECT_EQ(host_now_ns, start);
	EXPECT_EQ(UPTR(struct epoll_event, uev)->data, 6);
	EXPECT_EQ(SYS(epoll_pwait, inner, uev, 4, 0, 0, 0), 1);
	EXPECT_EQ(UPTR(struct epoll_event, uev)->data, 5);
	/* poll(2) on an epoll: readable while it has events. */
	p = (struct user_pollfd){ .fd = (int)inner, .events = POLLIN };
	ufds = host_user_copy(&p, sizeof(p));
	EXPECT_EQ(SYS(poll, ufds, 1, 0), 1);
	EXPECT_EQ(SYS(read, fd[0], UBUF(4), 4), 1);
	EXPECT_EQ(SYS(epoll_pwait2, inner, uev, 4, host_user_copy((int64_t[2]){ 0, 0 }, 16), 0, 0),
		  0);
	EXPECT_EQ(SYS(poll, ufds, 1, 0), 0);
	sys_world_end(&w);
}

static CU_TestInfo sys_poll_tests[] = {
	UNIT_TEST(test_sys_pipe2_flags_and_faults),
	UNIT_TEST(test_sys_poll_readiness_hangup_and_nval),
	UNIT_TEST(test_sys_poll_times_out_or_wakes_on_data),
	UNIT_TEST(test_sys_select_sets_and_errors),
	UNIT_TEST(test_sys_epoll_ctl_errors),
	UNIT_TEST(test_sys_epoll_level_edge_and_oneshot),
	UNIT_TEST(test_sys_epoll_items_follow_their_files),
	UNIT_TEST(test_sys_epoll_wait_sleeps_times_out_and_nests),
	CU_TEST_INFO_NULL,
};

static void register_sys_poll(void)
{
	unit_add_suite("sys_poll", sys_poll_tests);
}
UNIT_REGISTER(register_sys_poll)
