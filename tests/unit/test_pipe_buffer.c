/* A pipe's buffer (guest/kernel/fs/pipe_buffer.c): Linux's rules for
 * atomic and partial writes, end of file, EPIPE, wrap-around and poll bits. */
#include <asm/poll.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/pipe.h>

#include "kernel_heap.h"
#include "unit.h"

static uint8_t src[3 * PIPE_DEFAULT_SIZE], dst[3 * PIPE_DEFAULT_SIZE];

static void open_pipe(struct pipe_buffer *p, size_t size)
{
	unsigned int i;

	kernel_heap_start(1024);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + i / 251);
	EXPECT_EQ(pipe_buffer_init(p, size), 0);
	p->readers = p->writers = 1;
}

static void test_pipe_default_capacity_is_64k(void)
{
	struct pipe_buffer p;

	open_pipe(&p, PIPE_DEFAULT_SIZE);
	EXPECT_EQ(p.size, 65536);
	EXPECT_EQ(pipe_buffer_write(&p, src, sizeof(src)), 65536);
	EXPECT_EQ(pipe_buffer_write(&p, src, 1), -EAGAIN);
	pipe_buffer_destroy(&p);
	open_pipe(&p, 5000); /* rounded up to a power of two */
	EXPECT_EQ(p.size, 8192);
	pipe_buffer_destroy(&p);
}

/* Bytes come out in order across many wrap-arounds of the data area. */
static void test_pipe_keeps_order_across_wraps(void)
{
	struct pipe_buffer p;
	size_t in = 0, out = 0;
	long n;

	open_pipe(&p, PIPE_MIN_SIZE);
	while (out < sizeof(src)) {
		n = pipe_buffer_write(&p, src + in,
				      (in * 13 % 3000) + 1 < sizeof(src) - in ?
					      (in * 13 % 3000) + 1 :
					      sizeof(src) - in);
		if (n > 0)
			in += n;
		n = pipe_buffer_read(&p, dst + out, 1777);
		if (n > 0)
			out += n;
		if (in == sizeof(src) && !pipe_buffer_used(&p))
			break;
	}
	EXPECT_EQ(out, sizeof(src));
	EXPECT_TRUE(!memcmp(src, dst, sizeof(src)));
	pipe_buffer_destroy(&p);
}

/* Up to PIPE_BUF bytes go in whole or not at all; more may go in part. */
static void test_pipe_atomic_and_partial_writes(void)
{
	struct pipe_buffer p;

	open_pipe(&p, PIPE_DEFAULT_SIZE);
	EXPECT_EQ(pipe_buffer_write(&p, src, PIPE_DEFAULT_SIZE - 100), PIPE_DEFAULT_SIZE - 100);
	EXPECT_EQ(pipe_buffer_write(&p, src, 101), -EAGAIN);
	EXPECT_EQ(pipe_buffer_write(&p, src, PIPE_BUF), -EAGAIN);
	EXPECT_EQ(pipe_buffer_write(&p, src, PIPE_BUF + 1), 100);
	EXPECT_EQ(pipe_buffer_write(&p, src, PIPE_BUF + 1), -EAGAIN);
	EXPECT_EQ(pipe_buffer_read(&p, dst, 50), 50);
	EXPECT_EQ(pipe_buffer_write(&p, src, 50), 50);
	pipe_buffer_destroy(&p);
}

static void test_pipe_eof_and_epipe(void)
{
	struct pipe_buffer p;

	open_pipe(&p, PIPE_DEFAULT_SIZE);
	EXPECT_EQ(pipe_buffer_read(&p, dst, 10), -EAGAIN);
	EXPECT_EQ(pipe_buffer_write(&p, "abc", 3), 3);
	p.writers = 0;
	EXPECT_EQ(pipe_buffer_read(&p, dst, 10), 3); /* what was written comes first */
	EXPECT_EQ(pipe_buffer_read(&p, dst, 10), 0); /* then end of file */
	p.writers = 1;
	p.readers = 0;
	EXPECT_EQ(pipe_buffer_write(&p, "x", 1), -EPIPE);
	EXPECT_EQ(pipe_buffer_read(&p, dst, 0), 0);
	pipe_buffer_destroy(&p);
}

static void test_pipe_poll_bits(void)
{
	struct pipe_buffer p;

	open_pipe(&p, PIPE_DEFAULT_SIZE);
	EXPECT_EQ(pipe_buffer_poll_read(&p), 0);
	EXPECT_EQ(pipe_buffer_poll_write(&p), POLLOUT | POLLWRNORM);
	pipe_buffer_write(&p, src, PIPE_DEFAULT_SIZE - PIPE_BUF + 1);
	EXPECT_EQ(pipe_buffer_poll_read(&p), POLLIN | POLLRDNORM);
	EXPECT_EQ(pipe_buffer_poll_write(&p), 0); /* an atomic write would not fit */
	p.writers = 0;
	EXPECT_EQ(pipe_buffer_poll_read(&p), POLLIN | POLLRDNORM | POLLHUP);
	p.readers = 0;
	EXPECT_EQ(pipe_buffer_poll_write(&p), POLLERR);
	pipe_buffer_destroy(&p);
}

static void test_pipe_memory_returned(void)
{
	struct pipe_buffer p;
	uint64_t before;

	kernel_heap_start(1024);
	before = kernel_heap_free_pages();
	EXPECT_EQ(pipe_buffer_init(&p, PIPE_DEFAULT_SIZE), 0);
	EXPECT_TRUE(kernel_heap_free_pages() < before);
	pipe_buffer_destroy(&p);
	EXPECT_EQ(kernel_heap_free_pages(), before);
}

static CU_TestInfo pipe_buffer_tests[] = {
	UNIT_TEST(test_pipe_default_capacity_is_64k),
	UNIT_TEST(test_pipe_keeps_order_across_wraps),
	UNIT_TEST(test_pipe_atomic_and_partial_writes),
	UNIT_TEST(test_pipe_eof_and_epipe),
	UNIT_TEST(test_pipe_poll_bits),
	UNIT_TEST(test_pipe_memory_returned),
	CU_TEST_INFO_NULL,
};

static void register_pipe_buffer_tests(void)
{
	unit_add_suite("pipe_buffer", pipe_buffer_tests);
}
UNIT_REGISTER(register_pipe_buffer_tests)
