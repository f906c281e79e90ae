/* Tests for dup, dup2, dup3, fcntl, flock and ioctl (guest/kernel/fs/
 * sys_fd.c, sys_ioctl.c, locks.c): descriptor and status flags, record
 * locks between two processes (a second descriptor table stands for a
 * forked child) and between open files (OFD), blocking and deadlock
 * detection, and the user copies around a terminal driver's ioctls. */
#include <asm/ioctls.h>
#include <linux/termios.h>
#include <string.h>
#include <vitro/errno.h>

#include "host_sched.h"
#include "sys_world.h"
#include "unit.h"

static void test_sys_dup_family(void)
{
	struct sys_world w;
	uint64_t buf;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "abcdef");
	fd = SYS(open, U("/f"), O_RDONLY);
	EXPECT_EQ(SYS(dup, fd), 1);
	buf = UBUF(4);
	/* One open file: one position. */
	EXPECT_EQ(SYS(read, 0, buf, 2), 2);
	EXPECT_EQ(SYS(read, 1, buf, 2), 2);
	EXPECT_EQ(memcmp(UPTR(char, buf), "cd", 2), 0);
	EXPECT_EQ(SYS(dup2, 0, 5), 5);
	EXPECT_EQ(SYS(dup2, 5, 5), 5);
	EXPECT_EQ(SYS(dup2, 7, 7), -EBADF);
	EXPECT_EQ(SYS(dup2, 0, -1), -EBADF);
	EXPECT_EQ(SYS(dup2, 0, NR_OPEN_DEFAULT), -EBADF);
	EXPECT_EQ(SYS(dup3, 0, 5, 0), 5);
	EXPECT_EQ(SYS(dup3, 5, 5, 0), -EINVAL);
	EXPECT_EQ(SYS(dup3, 0, 6, O_NONBLOCK), -EINVAL);
	EXPECT_EQ(SYS(dup3, 0, 6, O_CLOEXEC), 6);
	EXPECT_EQ(SYS(fcntl, 6, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(SYS(fcntl, 5, F_GETFD), 0);
	EXPECT_EQ(SYS(dup, 42), -EBADF);
	sys_world_end(&w);
}

static void test_sys_fcntl_descriptor_and_status_flags(void)
{
	struct sys_world w;
	uint64_t fds, buf;
	int *fd;

	sys_world_start(&w);
	sys_world_put("/f", "x");
	EXPECT_EQ(SYS(open, U("/f"), O_RDWR), 0);
	EXPECT_EQ(SYS(fcntl, 0, F_DUPFD, 10), 10);
	EXPECT_EQ(SYS(fcntl, 0, F_DUPFD, 10), 11);
	EXPECT_EQ(SYS(fcntl, 0, F_DUPFD_CLOEXEC, 1), 1);
	EXPECT_EQ(SYS(fcntl, 1, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(SYS(fcntl, 0, F_DUPFD, NR_OPEN_DEFAULT), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, F_DUPFD, -1), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 1, F_SETFD, 0), 0);
	EXPECT_EQ(SYS(fcntl, 1, F_GETFD), 0);
	EXPECT_EQ(SYS(fcntl, 0, F_SETFL, O_APPEND | O_RDONLY | O_TRUNC), 0);
	EXPECT_EQ(SYS(fcntl, 0, F_GETFL), O_RDWR | O_APPEND | O_LARGEFILE);
	EXPECT_EQ(SYS(fcntl, 0, F_SETFL, O_DIRECT), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, F_SETFL, FASYNC), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, 12345), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 99, F_GETFD), -EBADF);

	/* O_NONBLOCK through F_SETFL and FIONBIO turns a pipe read's wait into
	 * EAGAIN. */
	fds = UBUF(8);
	fd = UPTR(int, fds);
	EXPECT_EQ(SYS(pipe, fds), 0);
	buf = UBUF(4);
	EXPECT_EQ(SYS(fcntl, fd[0], F_SETFL, O_NONBLOCK), 0);
	EXPECT_EQ(SYS(read, fd[0], buf, 4), -EAGAIN);
	EXPECT_EQ(SYS(ioctl, fd[0], FIONBIO, host_user_copy(&(int){ 0 }, 4)), 0);
	EXPECT_EQ(SYS(fcntl, fd[0], F_GETFL), O_RDONLY);
	EXPECT_EQ(SYS(ioctl, fd[0], FIONBIO, host_user_copy(&(int){ 1 }, 4)), 0);
	EXPECT_EQ(SYS(read, fd[0], buf, 4), -EAGAIN);
	EXPECT_EQ(SYS(ioctl, fd[0], FIONBIO, HOST_USER_BAD_ADDR), -EFAULT);
	EXPECT_EQ(SYS(fcntl, fd[0], F_GETPIPE_SZ), 65536);
	EXPECT_EQ(SYS(fcntl, fd[0], F_SETPIPE_SZ, 5000), 8192);
	EXPECT_EQ(SYS(fcntl, fd[0], F_GETPIPE_SZ), 8192);
	EXPECT_EQ(SYS(fcntl, fd[0], F_SETPIPE_SZ, 64 << 20), -EPERM);
	EXPECT_EQ(SYS(fcntl, 0, F_GETPIPE_SZ), -EBADF);
	sys_world_end(&w);
}

static void test_sys_ioctl_generic_commands(void)
{
	struct sys_world w;
	uint64_t fds, n;
	long fd;

	sys_world_start(&w);
	sys_world_put("/f", "0123456789");
	fd = SYS(open, U("/f"), O_RDONLY);
	n = UBUF(4);
	EXPECT_EQ(SYS(lseek, fd, 3, SEEK_SET), 3);
	EXPECT_EQ(SYS(ioctl, fd, FIONREAD, n), 0);
	EXPECT_EQ(*UPTR(int, n), 7);
	EXPECT_EQ(SYS(ioctl, fd, FIOCLEX), 0);
	EXPECT_EQ(SYS(fcntl, fd, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(SYS(ioctl, fd, FIONCLEX), 0);
	EXPECT_EQ(SYS(fcntl, fd, F_GETFD), 0);
	/* Not a terminal: isatty()'s answer. */
	EXPECT_EQ(SYS(ioctl, fd, TCGETS, UBUF(64)), -ENOTTY);
	EXPECT_EQ(SYS(ioctl, fd, FIOASYNC, host_user_copy(&(int){ 1 }, 4)), -EINVAL);
	EXPECT_EQ(SYS(ioctl, 77, FIOCLEX), -EBADF);
	/* A pipe counts what it holds. */
	fds = UBUF(8);
	EXPECT_EQ(SYS(pipe, fds), 0);
	EXPECT_EQ(SYS(write, UPTR(int, fds)[1], U("abc"), 3), 3);
	EXPECT_EQ(SYS(ioctl, UPTR(int, fds)[0], FIONREAD, n), 0);
	EXPECT_EQ(*UPTR(int, n), 3);
	EXPECT_EQ(SYS(ioctl, UPTR(int, fds)[0], FIONREAD, HOST_USER_BAD_ADDR), -EFAULT);
	EXPECT_EQ(SYS(ioctl, UPTR(int, fds)[0], TIOCGWINSZ, n), -ENOTTY);
	sys_world_end(&w);
}

/* A terminal driver that takes kernel pointers, as the console's does. */
static struct termios fake_termios = { .c_lflag = ICANON | ECHO };
static struct winsize fake_winsize = { .ws_row = 24, .ws_col = 80 };
static unsigned long fake_last_value;

#define FAKE_IOWR _IOWR('T', 0x77, int)

static long fake_tty_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	(void)file;
	switch (cmd) {
	case TCGETS:
		*(struct termios *)arg = fake_termios;
		return 0;
	case TCSETS:
		fake_termios = *(struct termios *)arg;
		return 0;
	case TIOCGWINSZ:
		*(struct winsize *)arg = fake_winsize;
		return 0;
	case TIOCSWINSZ:
		fake_winsize = *(struct winsize *)arg;
		return 0;
	case TCFLSH:
	case TIOCSCTTY:
		fake_last_value = arg;
		return 0;
	case FAKE_IOWR:
		*(int *)arg += 1;
		return 0;
	default:
		return -ENOTTY;
	}
}

static long fake_tty_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	(void)file, (void)buf, (void)count, (void)pos;
	return 0;
}

static const struct file_operations fake_tty_fops = {
	.read = fake_tty_read,
	.ioctl = fake_tty_ioctl,
};

static void test_sys_ioctl_copies_terminal_structures(void)
{
	struct sys_world w;
	struct termios *t;
	struct winsize *ws;
	uint64_t ut, uws, uval;
	long fd;

	sys_world_start(&w);
	EXPECT_EQ(chrdev_register(MKDEV(200, 0), 1, &fake_tty_fops), 0);
	EXPECT_EQ(SYS(mknod, U("/tty"), S_IFCHR | 0600, 200 << 8), 0);
	fd = SYS(open, U("/tty"), O_RDWR);
	ut = UBUF(sizeof(struct termios));
	t = UPTR(struct termios, ut);
	EXPECT_EQ(SYS(ioctl, fd, TCGETS, ut), 0);
	EXPECT_EQ(t->c_lflag, ICANON | ECHO);
	t->c_lflag = 0;
	t->c_cc[VMIN] = 1;
	EXPECT_EQ(SYS(ioctl, fd, TCSETS, ut), 0);
	EXPECT_EQ(fake_termios.c_lflag, 0);
	EXPECT_EQ(fake_termios.c_cc[VMIN], 1);
	EXPECT_EQ(SYS(ioctl, fd, TCGETS, HOST_USER_BAD_ADDR), -EFAULT);
	EXPECT_EQ(SYS(ioctl, fd, TCSETS, HOST_USER_BAD_ADDR), -EFAULT);
	uws = UBUF(sizeof(struct winsize));
	ws = UPTR(struct winsize, uws);
	EXPECT_EQ(SYS(ioctl, fd, TIOCGWINSZ, uws), 0);
	EXPECT_EQ(ws->ws_col, 80);
	ws->ws_col = 132;
	EXPECT_EQ(SYS(ioctl, fd, TIOCSWINSZ, uws), 0);
	EXPECT_EQ(fake_winsize.ws_col, 132);
	/* Values pass as values. */
	EXPECT_EQ(SYS(ioctl, fd, TCFLSH, TCIFLUSH), 0);
	EXPECT_EQ(fake_last_value, TCIFLUSH);
	/* An encoded command goes in and comes back out. */
	uval = host_user_copy(&(int){ 41 }, 4);
	EXPECT_EQ(SYS(ioctl, fd, FAKE_IOWR, uval), 0);
	EXPECT_EQ(*UPTR(int, uval), 42);
	/* An old terminal command nobody described: never handed over. */
	EXPECT_EQ(SYS(ioctl, fd, TIOCLINUX, uval), -ENOTTY);
	EXPECT_EQ(SYS(lseek, fd, 0, SEEK_SET), -ESPIPE);
	EXPECT_EQ(SYS(close, fd), 0);
	chrdev_unregister(MKDEV(200, 0));
	sys_world_end(&w);
}

/* --- record locks ------------------------------------------------------------------- */

static uint64_t flock_user(short type, short whence, int64_t start, int64_t len)
{
	struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };

	return host_user_copy(&fl, sizeof(fl));
}

/* A second process: a copy of the first one's descriptors, as fork makes. */
struct child {
	struct task task;
	struct files_struct files;
};

static void child_start(struct child *c, struct sys_world *w)
{
	memset(c, 0, sizeof(*c));
	c->task = w->task;
	c->task.pid = 2;
	c->task.files = &c->files;
	EXPECT_EQ(files_copy(&c->files, &w->files), 0);
}

static struct sys_world *lock_world;
static struct child *lock_child;
static long child_result;

/* While the parent sleeps on the child's lock: the child tries to take
 * the parent's (a deadlock), then lets its own go. */
static void child_deadlocks_then_unlocks(void *arg)
{
	(void)arg;
	host_current_task = &lock_child->task;
	child_result = SYS(fcntl, 0, F_SETLKW, flock_user(F_WRLCK, SEEK_SET, 100, 1));
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_UNLCK, SEEK_SET, 0, 0)), 0);
	host_current_task = &lock_world->task;
}

static void test_sys_posix_locks_between_processes(void)
{
	struct sys_world w;
	struct child c;
	struct flock *fl;
	uint64_t ufl;

	sys_world_start(&w);
	sys_world_put("/f", "0123456789");
	EXPECT_EQ(SYS(open, U("/f"), O_RDWR), 0);
	EXPECT_EQ(SYS(open, U("/f"), O_RDONLY), 1);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_WRLCK, SEEK_SET, 0, 10)), 0);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_WRLCK, SEEK_SET, 100, 0)), 0);
	/* Own locks never conflict. */
	ufl = flock_user(F_WRLCK, SEEK_SET, 5, 1);
	fl = UPTR(struct flock, ufl);
	EXPECT_EQ(SYS(fcntl, 0, F_GETLK, ufl), 0);
	EXPECT_EQ(fl->l_type, F_UNLCK);
	EXPECT_EQ(fl->l_start, 5);

	child_start(&c, &w);
	host_current_task = &c.task;
	ufl = flock_user(F_RDLCK, SEEK_SET, 5, 1);
	fl = UPTR(struct flock, ufl);
	EXPECT_EQ(SYS(fcntl, 0, F_GETLK, ufl), 0);
	EXPECT_EQ(fl->l_type, F_WRLCK);
	EXPECT_EQ(fl->l_start, 0);
	EXPECT_EQ(fl->l_len, 10);
	EXPECT_EQ(fl->l_pid, 1);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 5, 1)), -EAGAIN);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 10, 5)), 0);
	host_current_task = &w.task;

	/* The parent unlocks the middle: its lock splits in two. */
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_UNLCK, SEEK_SET, 3, 4)), 0);
	host_current_task = &c.task;
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 3, 4)), 0);
	ufl = flock_user(F_WRLCK, SEEK_SET, 0, 0);
	fl = UPTR(struct flock, ufl);
	EXPECT_EQ(SYS(fcntl, 0, F_GETLK, ufl), 0);
	EXPECT_EQ(fl->l_start, 0);
	EXPECT_EQ(fl->l_len, 3);
	ufl = flock_user(F_WRLCK, SEEK_SET, 5, 0);
	fl = UPTR(struct flock, ufl);
	EXPECT_EQ(SYS(fcntl, 0, F_GETLK, ufl), 0);
	EXPECT_EQ(fl->l_start, 7);
	EXPECT_EQ(fl->l_len, 3);
	host_current_task = &w.task;

	/* The parent waits for the child's read locks; meanwhile the child
	 * asks for the parent's lock at 100: EDEADLK, then lets go. */
	lock_world = &w;
	lock_child = &c;
	child_result = 1;
	host_sched_on_next_sleep(child_deadlocks_then_unlocks, NULL);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLKW, flock_user(F_WRLCK, SEEK_SET, 0, 20)), 0);
	EXPECT_EQ(child_result, -EDEADLK);

	/* Closing any descriptor of the file drops the process's locks. */
	host_current_task = &c.task;
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 0, 1)), -EAGAIN);
	host_current_task = &w.task;
	EXPECT_EQ(SYS(close, 1), 0);
	host_current_task = &c.task;
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 0, 1)), 0);
	files_release(&c.files);
	host_current_task = &w.task;
	sys_world_end(&w);
}

static void test_sys_lock_argument_errors(void)
{
	struct sys_world w;

	sys_world_start(&w);
	sys_world_put("/f", "0123456789");
	EXPECT_EQ(SYS(open, U("/f"), O_RDONLY), 0);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_WRLCK, SEEK_SET, 0, 1)), -EBADF);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, 9, 0, 1)), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, -1, 1)), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 0, -1)), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 1, -1)), 0);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(7, SEEK_SET, 0, 1)), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, F_GETLK, flock_user(F_UNLCK, SEEK_SET, 0, 1)), -EINVAL);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, flock_user(F_RDLCK, SEEK_END, INT64_MAX, 1)), -EOVERFLOW);
	EXPECT_EQ(SYS(fcntl, 0, F_SETLK, HOST_USER_BAD_ADDR), -EFAULT);
	/* OFD locks want l_pid 0. */
	{
		struct flock fl = { .l_type = F_RDLCK, .l_pid = 5 };

		EXPECT_EQ(SYS(fcntl, 0, F_OFD_SETLK, host_user_copy(&fl, sizeof(fl))), -EINVAL);
	}
	sys_world_end(&w);
}

static void test_sys_ofd_and_flock_locks_belong_to_open_files(void)
{
	struct sys_world w;
	struct flock *fl;
	uint64_t ufl;

	sys_world_start(&w);
	sys_world_put("/f", "0123456789");
	EXPECT_EQ(SYS(open, U("/f"), O_RDWR), 0);
	EXPECT_EQ(SYS(open, U("/f"), O_RDWR), 1);
	EXPECT_EQ(SYS(dup, 0), 2);
	/* Two open files of one process conflict; a dup is the same file. */
	EXPECT_EQ(SYS(fcntl, 0, F_OFD_SETLK, flock_user(F_WRLCK, SEEK_SET, 0, 4)), 0);
	EXPECT_EQ(SYS(fcntl, 2, F_OFD_SETLK, flock_user(F_WRLCK, SEEK_SET, 2, 4)), 0);
	EXPECT_EQ(SYS(fcntl, 1, F_OFD_SETLK, flock_user(F_RDLCK, SEEK_SET, 5, 1)), -EAGAIN);
	ufl = flock_user(F_RDLCK, SEEK_SET, 0, 0);
	fl = UPTR(struct flock, ufl);
	EXPECT_EQ(SYS(fcntl, 1, F_OFD_GETLK, ufl), 0);
	EXPECT_EQ(fl->l_type, F_WRLCK);
	EXPECT_EQ(fl->l_start, 0);
	EXPECT_EQ(fl->l_len, 6); /* merged with its neighbour */
	EXPECT_EQ(fl->l_pid, -1);
	/* OFD and POSIX locks meet. */
	EXPECT_EQ(SYS(fcntl, 1, F_SETLK, flock_user(F_RDLCK, SEEK_SET, 0, 1)), -EAGAIN);
	/* Closing one descriptor of the file keeps OFD locks; the last one
	 * drops them. */
	EXPECT_EQ(SYS(close, 0), 0);
	EXPECT_EQ(SYS(fcntl, 1, F_OFD_SETLK, flock_user(F_RDLCK, SEEK_SET, 0, 1)), -EAGAIN);
	EXPECT_EQ(SYS(close, 2), 0);
	EXPECT_EQ(SYS(fcntl, 1, F_OFD_SETLK, flock_user(F_RDLCK, SEEK_SET, 0, 1)), 0);

	/* flock: whole-file, per open file, apart from record locks. */
	EXPECT_EQ(SYS(open, U("/f"), O_RDONLY), 0);
	EXPECT_EQ(SYS(flock, 0, LOCK_EX), 0);
	EXPECT_EQ(SYS(flock, 1, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
	EXPECT_EQ(SYS(flock, 0, LOCK_SH), 0);
	EXPECT_EQ(SYS(flock, 1, LOCK_SH | LOCK_NB), 0);
	EXPECT_EQ(SYS(flock, 1, LOCK_UN), 0);
	EXPECT_EQ(SYS(flock, 1, 0), -EINVAL);
	EXPECT_EQ(SYS(flock, 99, LOCK_SH), -EBADF);
	sys_world_end(&w);
}

static CU_TestInfo sys_fd_tests[] = {
	UNIT_TEST(test_sys_dup_family),
	UNIT_TEST(test_sys_fcntl_descriptor_and_status_flags),
	UNIT_TEST(test_sys_ioctl_generic_commands),
	UNIT_TEST(test_sys_ioctl_copies_terminal_structures),
	UNIT_TEST(test_sys_posix_locks_between_processes),
	UNIT_TEST(test_sys_lock_argument_errors),
	UNIT_TEST(test_sys_ofd_and_flock_locks_belong_to_open_files),
	CU_TEST_INFO_NULL,
};

static void register_sys_fd(void)
{
	unit_add_suite("sys_fd", sys_fd_tests);
}
UNIT_REGISTER(register_sys_fd)
