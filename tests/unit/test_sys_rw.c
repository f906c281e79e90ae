/* Tests for read, write and their vectored and positional forms, lseek and
 * sendfile (guest/kernel/fs/sys_read_write.c, sys_sendfile.c): positions,
 * vectors gathered and scattered, faults part-way, the limits on vectors,
 * streams that cannot seek, and reads of a pipe that never wait once they
 * have something. */
#include <string.h>
#include <vitro/errno.h>

#include "../../guest/drivers/char/mem.h"
#include "sys_world.h"
#include "unit.h"

struct iov {
	uint64_t base, len;
};

static void test_sys_read_write_positional_and_lseek(void)
{
	struct sys_world w;
	uint64_t buf;
	long fd;

	sys_world_start(&w);
	fd = SYS(open, U("/f"), O_RDWR | O_CREAT, 0644);
	EXPECT_EQ(SYS(write, fd, U("0123456789"), 10), 10);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_CUR), 10);
	buf = UBUF(16);
	/* pread/pwrite leave the position alone. */
	EXPECT_EQ(SYS(pread64, fd, buf, 4, 3), 4);
	EXPECT_EQ(memcmp(UPTR(char, buf), "3456", 4), 0);
	EXPECT_EQ(SYS(pwrite64, fd, U("ab"), 2, 1), 2);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_CUR), 10);
	EXPECT_EQ(SYS(pread64, fd, buf, 16, 0), 10);
	EXPECT_EQ(memcmp(UPTR(char, buf), "0ab3456789", 10), 0);
	EXPECT_EQ(SYS(pread64, fd, buf, 4, -1), -EINVAL);
	EXPECT_EQ(SYS(pread64, 99, buf, 4, -1), -EINVAL); /* before the descriptor */
	EXPECT_EQ(SYS(pread64, fd, buf, 4, 100), 0);
	/* Writing past the end leaves a hole of zeros. */
	EXPECT_EQ(SYS(pwrite64, fd, U("Z"), 1, 12), 1);
	EXPECT_EQ(SYS(pread64, fd, buf, 16, 9), 4);
	EXPECT_EQ(memcmp(UPTR(char, buf), "9\0\0Z", 4), 0);

	EXPECT_EQ(SYS(lseek, fd, -3, SEEK_END), 10);
	EXPECT_EQ(SYS(lseek, fd, -20, SEEK_CUR), -EINVAL);
	EXPECT_EQ(SYS(lseek, fd, 0, 7), -EINVAL);
	EXPECT_EQ(SYS(lseek, fd, 5, SEEK_DATA), 5);
	EXPECT_EQ(SYS(lseek, fd, 5, SEEK_HOLE), 13);
	EXPECT_EQ(SYS(lseek, fd, 13, SEEK_DATA), -ENXIO);
	EXPECT_EQ(SYS(lseek, 99, 0, SEEK_SET), -EBADF);

	/* Counts and modes. */
	EXPECT_EQ(SYS(read, fd, buf, 0), 0);
	EXPECT_EQ(SYS(read, 99, buf, 1), -EBADF);
	EXPECT_EQ(SYS(read, fd, HOST_USER_BAD_ADDR, 1), -EFAULT);
	EXPECT_EQ(SYS(write, fd, HOST_USER_BAD_ADDR, 1), -EFAULT);
	EXPECT_EQ(SYS(close, fd), 0);
	fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(write, fd, U("x"), 1), -EBADF);
	EXPECT_EQ(SYS(pwrite64, fd, U("x"), 1, 0), -EBADF);
	EXPECT_EQ(SYS(pwrite64, fd, HOST_USER_BAD_ADDR, 1, 0), -EBADF);
	EXPECT_EQ(SYS(close, fd), 0);
	fd = SYS(open, U("/"), O_RDONLY);
	EXPECT_EQ(SYS(read, fd, buf, 1), -EISDIR);
	EXPECT_EQ(SYS(close, fd), 0);
	sys_world_end(&w);
}

static void test_sys_read_stops_at_the_first_fault(void)
{
	struct sys_world w;
	uint64_t edge;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "abcdefgh");
	fd = SYS(open, U("/f"), O_RDONLY);
	/* 3 bytes fit before the absent page: a short read, and the position
	 * moves by what the caller got. */
	edge = host_user_edge();
	EXPECT_EQ(SYS(read, fd, edge - 3, 8), 3);
	EXPECT_EQ(memcmp(UPTR(char, edge - 3), "abc", 3), 0);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_CUR), 3);
	/* Nothing copied at all: EFAULT, and the position stays. */
	EXPECT_EQ(SYS(read, fd, edge, 8), -EFAULT);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_CUR), 3);
	EXPECT_EQ(SYS(close, fd), 0);
	/* Writes take what they can read from user memory. */
	memcpy(UPTR(char, edge - 3), "xyz", 3);
	fd = SYS(open, U("/g"), O_RDWR | O_CREAT, 0644);
	EXPECT_EQ(SYS(write, fd, edge - 3, 4), 3);
	EXPECT_EQ(SYS(write, fd, edge, 4), -EFAULT);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_END), 3);
	EXPECT_EQ(SYS(close, fd), 0);
	sys_world_end(&w);
}

static void test_sys_readv_writev_gather_and_scatter(void)
{
	struct sys_world w;
	struct iov v[3];
	uint64_t uiov, a, b, c;
	long fd;

	sys_world_start(&w);
	fd = SYS(open, U("/f"), O_RDWR | O_CREAT, 0644);
	v[0] = (struct iov){ U("one,"), 4 };
	v[1] = (struct iov){ 0, 0 };
	v[2] = (struct iov){ U("two"), 3 };
	uiov = host_user_copy(v, sizeof(v));
	EXPECT_EQ(SYS(writev, fd, uiov, 3), 7);
	EXPECT_EQ(SYS(pwritev, fd, uiov, 1, 7), 4);
	a = UBUF(2);
	b = UBUF(3);
	c = UBUF(8);
	v[0] = (struct iov){ a, 2 };
	v[1] = (struct iov){ b, 3 };
	v[2] = (struct iov){ c, 8 };
	uiov = host_user_copy(v, sizeof(v));
	EXPECT_EQ(SYS(preadv, fd, uiov, 3, 0), 11);
	EXPECT_EQ(memcmp(UPTR(char, a), "on", 2), 0);
	EXPECT_EQ(memcmp(UPTR(char, b), "e,t", 3), 0);
	EXPECT_EQ(memcmp(UPTR(char, c), "woone,", 6), 0);
	/* preadv2 at -1 is readv at the file position. */
	EXPECT_EQ(SYS(lseek, fd, 9, SEEK_SET), 9);
	EXPECT_EQ(SYS(preadv2, fd, uiov, 1, -1, 0, 0), 2);
	EXPECT_EQ(memcmp(UPTR(char, a), "e,", 2), 0);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_CUR), 11);
	EXPECT_EQ(SYS(preadv2, fd, uiov, 1, 0, 0, 8 /* RWF_NOWAIT */), -EOPNOTSUPP);
	EXPECT_EQ(SYS(pwritev2, fd, uiov, 1, 0, 0, 4 /* RWF_SYNC */), 2);

	/* Limits: IOV_MAX, a negative length, a vector out of user memory. */
	EXPECT_EQ(SYS(readv, fd, uiov, 1025), -EINVAL);
	EXPECT_EQ(SYS(readv, fd, HOST_USER_BAD_ADDR, 1), -EFAULT);
	v[0] = (struct iov){ a, (uint64_t)-1 };
	EXPECT_EQ(SYS(readv, fd, host_user_copy(v, sizeof(v)), 1), -EINVAL);
	v[0] = (struct iov){ HOST_USER_BAD_ADDR, 1 };
	EXPECT_EQ(SYS(writev, fd, host_user_copy(v, sizeof(v)), 1), -EFAULT);
	EXPECT_EQ(SYS(readv, fd, uiov, 0), 0);
	EXPECT_EQ(SYS(close, fd), 0);
	sys_world_end(&w);
}

static void test_sys_pipes_are_streams_and_reads_do_not_wait(void)
{
	struct sys_world w;
	struct iov v[2];
	uint64_t fds, big, a, b;
	int *fd;

	sys_world_start(&w);
	fds = UBUF(8);
	fd = UPTR(int, fds);
	EXPECT_EQ(SYS(pipe, fds), 0);
	EXPECT_EQ(SYS(lseek, fd[0], 0, SEEK_SET), -ESPIPE);
	EXPECT_EQ(SYS(pread64, fd[0], UBUF(1), 1, 0), -ESPIPE);
	EXPECT_EQ(SYS(pwrite64, fd[1], U("x"), 1, 0), -ESPIPE);
	/* 5 bytes in, a 64 KiB read: 5 come back at once (a second chunk
	 * would wait forever: host_sched aborts the test if it tries). */
	EXPECT_EQ(SYS(write, fd[1], U("hello"), 5), 5);
	big = UBUF(64 * 1024);
	EXPECT_EQ(SYS(read, fd[0], big, 64 * 1024), 5);
	/* A vectored write reaches the pipe as one: both parts, in order. */
	v[0] = (struct iov){ U("ab"), 2 };
	v[1] = (struct iov){ U("cd"), 2 };
	EXPECT_EQ(SYS(writev, fd[1], host_user_copy(v, sizeof(v)), 2), 4);
	a = UBUF(1);
	b = UBUF(8);
	v[0] = (struct iov){ a, 1 };
	v[1] = (struct iov){ b, 8 };
	EXPECT_EQ(SYS(readv, fd[0], host_user_copy(v, sizeof(v)), 2), 4);
	EXPECT_EQ(memcmp(UPTR(char, a), "a", 1), 0);
	EXPECT_EQ(memcmp(UPTR(char, b), "bcd", 3), 0);
	sys_world_end(&w);
}

static void test_sys_sendfile_copies_between_files(void)
{
	struct sys_world w;
	uint64_t off, buf, fds;
	long in, out;

	sys_world_start(&w);
	sys_world_put("/src", "0123456789");
	in = SYS(open, U("/src"), O_RDONLY);
	out = SYS(open, U("/dst"), O_WRONLY | O_CREAT, 0644);
	EXPECT_EQ(SYS(sendfile, out, in, 0, 4), 4);
	EXPECT_EQ(SYS(lseek, in, 0, SEEK_CUR), 4);
	off = host_user_copy(&(int64_t){ 8 }, 8);
	EXPECT_EQ(SYS(sendfile, out, in, off, 100), 2);
	EXPECT_EQ(*UPTR(int64_t, off), 10);
	EXPECT_EQ(SYS(lseek, in, 0, SEEK_CUR), 4);
	buf = UBUF(16);
	EXPECT_EQ(SYS(pread64, SYS(open, U("/dst"), O_RDONLY), buf, 16, 0), 6);
	EXPECT_EQ(memcmp(UPTR(char, buf), "012389", 6), 0);
	EXPECT_EQ(SYS(sendfile, in, out, 0, 1), -EBADF);
	EXPECT_EQ(SYS(sendfile, out, in, HOST_USER_BAD_ADDR, 1), -EFAULT);
	/* From a pipe: no offset allowed, and it stops when the pipe is dry. */
	fds = UBUF(8);
	EXPECT_EQ(SYS(pipe, fds), 0);
	EXPECT_EQ(SYS(write, UPTR(int, fds)[1], U("pipe"), 4), 4);
	EXPECT_EQ(SYS(sendfile, out, UPTR(int, fds)[0], off, 4), -ESPIPE);
	EXPECT_EQ(SYS(sendfile, out, UPTR(int, fds)[0], 0, 100), 4);
	sys_world_end(&w);
}

static void test_sys_memory_devices_seek_as_on_linux(void)
{
	struct sys_world w;
	uint64_t buf;
	long null, zero, urandom;

	sys_world_start(&w);
	EXPECT_EQ(mem_devices_register(), 0);
	EXPECT_EQ(SYS(mknod, U("/null"), S_IFCHR | 0666, (1 << 8) | 3), 0);
	EXPECT_EQ(SYS(mknod, U("/zero"), S_IFCHR | 0666, (1 << 8) | 5), 0);
	EXPECT_EQ(SYS(mknod, U("/urandom"), S_IFCHR | 0666, (1 << 8) | 9), 0);
	null = SYS(open, U("/null"), O_RDWR);
	zero = SYS(open, U("/zero"), O_RDONLY);
	urandom = SYS(open, U("/urandom"), O_RDONLY);
	/* /dev/null and /dev/zero seek to 0 whatever is asked; /dev/urandom
	 * stays where it is; all take positional reads. */
	EXPECT_EQ(SYS(lseek, null, 100, SEEK_SET), 0);
	EXPECT_EQ(SYS(lseek, zero, 5, SEEK_END), 0);
	EXPECT_EQ(SYS(lseek, urandom, 9, SEEK_SET), 0);
	buf = UBUF(8);
	memset(UPTR(char, buf), 0x55, 8);
	EXPECT_EQ(SYS(pread64, zero, buf, 8, 4096), 8);
	EXPECT_EQ(unit_first_byte_not(UPTR(uint8_t, buf), 8, 0), 8);
	EXPECT_EQ(SYS(pwrite64, null, buf, 8, 12), 8);
	EXPECT_EQ(SYS(read, null, buf, 8), 0);
	/* Open files keep their driver's operations. */
	mem_devices_unregister();
	sys_world_end(&w);
}

static CU_TestInfo sys_rw_tests[] = {
	UNIT_TEST(test_sys_read_write_positional_and_lseek),
	UNIT_TEST(test_sys_read_stops_at_the_first_fault),
	UNIT_TEST(test_sys_readv_writev_gather_and_scatter),
	UNIT_TEST(test_sys_pipes_are_streams_and_reads_do_not_wait),
	UNIT_TEST(test_sys_sendfile_copies_between_files),
	UNIT_TEST(test_sys_memory_devices_seek_as_on_linux),
	CU_TEST_INFO_NULL,
};

static void register_sys_rw(void)
{
	unit_add_suite("sys_rw", sys_rw_tests);
}
UNIT_REGISTER(register_sys_rw)
