/* What the self-test cases share: failure reasons, child processes, user-address probes,
 * clocks, small file and text helpers. */
#include "selftest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char failure[512];

/* The reason ends up on one line of the runner's output. */
static void failure_set(const char *why)
{
	if (failure[0])
		return;
	snprintf(failure, sizeof(failure), "%s", why);
	for (char *p = failure; *p; p++)
		if (*p == '\n')
			*p = '|';
}

int selftest_fail(const char *file, int line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	char msg[sizeof(failure)];
	int len;
	va_list ap;

	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len >= 0 && (size_t)len < sizeof(msg))
		snprintf(msg + len, sizeof(msg) - (size_t)len, " (%s:%d)", base ? base + 1 : file,
			 line);
	failure_set(msg);
	return -1;
}

int selftest_skip(const char *fmt, ...)
{
	char msg[sizeof(failure)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	failure_set(msg);
	return SELFTEST_SKIPPED;
}

const char *selftest_failure(void)
{
	return failure;
}

pid_t selftest_wait(pid_t pid, int *status, int options)
{
	pid_t ret;

	do
		ret = waitpid(pid, status, options);
	while (ret < 0 && errno == EINTR);
	return ret;
}

int selftest_child_status(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return FAIL("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg));
	if (selftest_wait(pid, &status, 0) != pid)
		return FAIL("waitpid %d: %s", pid, strerror(errno));
	return status;
}

int selftest_in_child(int (*fn)(void *), void *arg)
{
	char why[sizeof(failure)];
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return FAIL("pipe2: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return FAIL("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		failure[0] = '\0';
		close(fds[0]);
		if (fn(arg) == 0)
			_exit(0);
		if (!failure[0])
			FAIL("child failed without saying why");
		_exit(write(fds[1], failure, strlen(failure)) < 0 ? 2 : 1);
	}
	close(fds[1]);
	size_t len = selftest_read_all(fds[0], why, sizeof(why));
	close(fds[0]);
	if (selftest_wait(pid, &status, 0) != pid)
		return FAIL("waitpid %d: %s", pid, strerror(errno));
	if (selftest_exited_with(status, 0))
		return 0;
	if (len > 0) {
		failure_set(why);
		return -1;
	}
	return FAIL("the checking child %s", selftest_describe_status(status));
}

int selftest_exec_capture(const char *path, char *const argv[], char *const envp[], char *out,
			  size_t size, pid_t *child, int *status)
{
	int fds[2];
	pid_t pid;

	EXPECT_OK(pipe(fds));
	pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execve(path, argv, envp);
		_exit(127);
	}
	close(fds[1]);
	selftest_read_all(fds[0], out, size);
	close(fds[0]);
	EXPECT(selftest_wait(pid, status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(selftest_exited_with(*status, 0), "%s %s %s%s", path, argv[1],
	       selftest_describe_status(*status),
	       selftest_exited_with(*status, 127) ? " (its execve failed)" : "");
	if (child)
		*child = pid;
	return 0;
}

bool selftest_exited_with(int status, int code)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

const char *selftest_describe_status(int status)
{
	static char text[80];

	if (WIFEXITED(status))
		snprintf(text, sizeof(text), "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(text, sizeof(text), "was killed by signal %d (%s)%s", WTERMSIG(status),
			 selftest_signal_name(WTERMSIG(status)),
			 WCOREDUMP(status) ? ", core dumped" : "");
	else if (WIFSTOPPED(status))
		snprintf(text, sizeof(text), "was stopped by signal %d (%s)", WSTOPSIG(status),
			 selftest_signal_name(WSTOPSIG(status)));
	else if (WIFCONTINUED(status))
		snprintf(text, sizeof(text), "was continued");
	else
		snprintf(text, sizeof(text), "has wait status %#x", status);
	return text;
}

bool selftest_is_readable(const void *addr)
{
	int fds[2];
	ssize_t n;

	if (pipe(fds) != 0)
		return false;
	n = write(fds[1], addr, 1);
	close(fds[0]);
	close(fds[1]);
	return n == 1;
}

/* The byte goes out through the pipe and comes back to the same place, so a writable page
 * keeps its contents. */
bool selftest_is_writable(void *addr)
{
	static const char zero;
	int fds[2];
	ssize_t n;

	if (pipe(fds) != 0)
		return false;
	if (write(fds[1], addr, 1) != 1 && write(fds[1], &zero, 1) != 1)
		n = -1;
	else
		n = read(fds[0], addr, 1);
	close(fds[0]);
	close(fds[1]);
	return n == 1;
}

int64_t selftest_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void selftest_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

size_t selftest_read_all(int fd, char *buf, size_t size)
{
	size_t done = 0;

	while (done + 1 < size) {
		ssize_t n = read(fd, buf + done, size - 1 - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	buf[done] = '\0';
	return done;
}

bool selftest_has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0'))
			return true;
	return false;
}

int selftest_write_file(const char *path, const void *data, size_t size, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, size);
	if (close(fd) != 0 || n != (ssize_t)size) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

const char *selftest_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
#define E(name) { name, #name }
		E(EPERM),   E(ENOENT),	E(ESRCH),     E(EINTR),	 E(EIO),	  E(ENXIO),
		E(E2BIG),   E(ENOEXEC), E(EBADF),     E(ECHILD), E(EAGAIN),	  E(ENOMEM),
		E(EACCES),  E(EFAULT),	E(EBUSY),     E(EEXIST), E(EXDEV),	  E(ENODEV),
		E(ENOTDIR), E(EISDIR),	E(EINVAL),    E(ENFILE), E(EMFILE),	  E(ENOTTY),
		E(EFBIG),   E(ENOSPC),	E(ESPIPE),    E(EROFS),	 E(EMLINK),	  E(EPIPE),
		E(ERANGE),  E(ENOSYS),	E(ENOTEMPTY), E(ELOOP),	 E(ENAMETOOLONG), E(ETIMEDOUT),
#undef E
	};
	static char number[24];

	if (err == 0)
		return "0";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(number, sizeof(number), "errno %d", err);
	return number;
}

const char *selftest_signal_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",   [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
		[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
		[SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
		[SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ", [SIGSYS] = "SIGSYS",
	};
	static char number[24];

	if (sig > 0 && (size_t)sig < sizeof(names) / sizeof(names[0]) && names[sig])
		return names[sig];
	snprintf(number, sizeof(number), "signal %d", sig);
	return number;
}
