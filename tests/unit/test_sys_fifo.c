/* FIFOs (guest/kernel/fs/pipe.c's fifo_open): open's rules on each end,
 * with and without O_NONBLOCK, an open that waits until the other end comes
 * or a signal does, data between the ends, end of file and hang-up only
 * after a writer has been seen, and the pipe gone with the last close. */
#include <asm/poll.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/task.h>

#include "host_sched.h"
#include "sys_world.h"
#include "unit.h"

struct user_pollfd {
	int fd;
	short events, revents;
};

static short poll_one(int fd, short events)
{
	struct user_pollfd p = { .fd = fd, .events = events };
	uint64_t ufd = host_user_copy(&p, sizeof(p));

	EXPECT_TRUE(SYS(poll, ufd, 1, 0) >= 0);
	return UPTR(struct user_pollfd, ufd)->revents;
}

static void test_sys_fifo_nonblocking_opens_data_and_hangups(void)
{
	struct sys_world w;
	uint64_t buf;
	long r, wr, rw;

	sys_world_start(&w);
	buf = UBUF(16);
	EXPECT_EQ(SYS(mknod, U("/p"), S_IFIFO | 0600, 0), 0);
	/* No reader: a writer that will not wait is refused. */
	EXPECT_EQ(SYS(open, U("/p"), O_WRONLY | O_NONBLOCK), -ENXIO);
	r = SYS(open, U("/p"), O_RDONLY | O_NONBLOCK);
	EXPECT_TRUE(r >= 0);
	/* No writer yet: end of file, but no hang-up. */
	EXPECT_EQ(SYS(read, r, buf, 16), 0);
	EXPECT_EQ(poll_one((int)r, POLLIN), 0);
	wr = SYS(open, U("/p"), O_WRONLY | O_NONBLOCK);
	EXPECT_TRUE(wr >= 0);
	EXPECT_EQ(SYS(read, r, buf, 16), -EAGAIN);
	EXPECT_EQ(SYS(write, wr, U("abc"), 3), 3);
	EXPECT_EQ(poll_one((int)r, POLLIN), POLLIN);
	EXPECT_EQ(SYS(read, r, buf, 16), 3);
	EXPECT_EQ(memcmp(UPTR(char, buf), "abc", 3), 0);
	/* The writer gone: end of file and a hang-up now. */
	EXPECT_EQ(SYS(close, wr), 0);
	EXPECT_EQ(SYS(read, r, buf, 16), 0);
	EXPECT_EQ(poll_one((int)r, POLLIN), POLLHUP);
	/* Data left when every end closes is gone with the pipe. */
	wr = SYS(open, U("/p"), O_WRONLY | O_NONBLOCK);
	EXPECT_EQ(SYS(write, wr, U("lost"), 4), 4);
	EXPECT_EQ(SYS(close, wr), 0);
	EXPECT_EQ(SYS(close, r), 0);
	rw = SYS(open, U("/p"), O_RDWR); /* never waits */
	EXPECT_TRUE(rw >= 0);
	EXPECT_EQ(SYS(fcntl, rw, F_SETFL, O_NONBLOCK), 0);
	EXPECT_EQ(SYS(read, rw, buf, 16), -EAGAIN);
	EXPECT_EQ(SYS(write, rw, U("xy"), 2), 2);
	EXPECT_EQ(SYS(read, rw, buf, 16), 2);
	EXPECT_EQ(SYS(close, rw), 0);
	sys_world_end(&w);
}

static void open_writer(void *arg)
{
	long *fd = arg;

	*fd = SYS(open, U("/p"), O_WRONLY | O_NONBLOCK);
}

static void open_reader(void *arg)
{
	long *fd = arg;

	*fd = SYS(open, U("/p"), O_RDONLY | O_NONBLOCK);
}

/* A signal arrives: pending, and the sleeper woken, as signal delivery does. */
static void raise_signal(void *arg)
{
	(void)arg;
	host_signal_pending = true;
	current->state = TASK_RUNNING;
}

static void test_sys_fifo_open_waits_for_the_other_end(void)
{
	struct sys_world w;
	long r, wr = -1, late = -1;

	sys_world_start(&w);
	EXPECT_EQ(SYS(mknod, U("/p"), S_IFIFO | 0600, 0), 0);
	/* A blocking reader sleeps until a writer opens. */
	host_sched_on_next_sleep(open_writer, &wr);
	r = SYS(open, U("/p"), O_RDONLY);
	EXPECT_TRUE(r >= 0);
	EXPECT_TRUE(wr >= 0);
	EXPECT_EQ(SYS(close, r), 0);
	EXPECT_EQ(SYS(close, wr), 0);
	/* A blocking writer sleeps until a reader opens. */
	host_sched_on_next_sleep(open_reader, &late);
	wr = SYS(open, U("/p"), O_WRONLY);
	EXPECT_TRUE(wr >= 0);
	EXPECT_TRUE(late >= 0);
	EXPECT_EQ(SYS(close, wr), 0);
	EXPECT_EQ(SYS(close, late), 0);
	/* A signal ends the wait; the end it opened is not left counted. */
	host_sched_on_next_sleep(raise_signal, NULL);
	EXPECT_EQ(SYS(open, U("/p"), O_WRONLY), -ERESTARTSYS);
	host_signal_pending = false;
	EXPECT_EQ(SYS(open, U("/p"), O_WRONLY | O_NONBLOCK), -ENXIO);
	sys_world_end(&w);
}

static CU_TestInfo sys_fifo_tests[] = {
	UNIT_TEST(test_sys_fifo_nonblocking_opens_data_and_hangups),
	UNIT_TEST(test_sys_fifo_open_waits_for_the_other_end),
	CU_TEST_INFO_NULL,
};

static void unit_register_sys_fifo(void)
{
	unit_add_suite("sys_fifo", sys_fifo_tests);
}

UNIT_REGISTER(unit_register_sys_fifo)
