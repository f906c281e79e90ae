/* vitro-selftest: Linux user-space checks of the system-call ABI. Each group file lists its
 * cases; the runner (main.c) runs every case in a process of its own under a watchdog. */
#ifndef VITRO_SELFTEST_H
#define VITRO_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define PAGE_SIZE 4096UL

/* A case returns 0 when it passed, or what selftest_fail returned. It runs in a fresh process
 * whose working directory is an empty scratch directory; the runner removes what it leaves
 * there and kills what is left of its process group. */
struct selftest_case {
	const char *name;
	int (*run)(void);
};

struct selftest_group {
	const char *name;
	const struct selftest_case *cases; /* ends with a { NULL, NULL } entry */
};

extern const struct selftest_case process_cases[];
extern const struct selftest_case signal_cases[];
extern const struct selftest_case memory_cases[];
extern const struct selftest_case thread_cases[];
extern const struct selftest_case file_cases[];
extern const struct selftest_case time_cases[];
extern const struct selftest_case misc_cases[];
extern const struct selftest_case rseq_cases[];
extern const struct selftest_case proc_cases[];

/* Records why the running case failed (the first reason wins) and returns -1. */
int selftest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A case that cannot run here (the CPU lacks what it checks) returns this,
 * with the reason recorded: the runner prints SKIP with it. */
#define SELFTEST_SKIPPED 2
int selftest_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The reason recorded so far, or "" when none. */
const char *selftest_failure(void);

#define FAIL(...) selftest_fail(__FILE__, __LINE__, __VA_ARGS__)
/* Fails the case, with the message, unless the condition holds. */
#define EXPECT(cond, ...)                         \
	do {                                      \
		if (!(cond))                      \
			return FAIL(__VA_ARGS__); \
	} while (0)
/* For a call that returns -1 and sets errno on failure. */
#define EXPECT_OK(call)                                                \
	do {                                                           \
		if ((long)(call) == -1)                                \
			return FAIL("%s: %s", #call, strerror(errno)); \
	} while (0)
/* For a call that must fail with a given errno. */
#define EXPECT_ERRNO(call, err)                                                                 \
	do {                                                                                    \
		errno = 0;                                                                      \
		long ret_ = (long)(call);                                                       \
		if (ret_ != -1 || errno != (err))                                               \
			return FAIL("%s: returned %ld, errno %s; want -1 with %s", #call, ret_, \
				    selftest_errno_name(errno), selftest_errno_name(err));      \
	} while (0)

/* Absolute path of this program, for the cases that execute it again. */
extern const char *selftest_self_path;

/* Runs fn(arg) in a forked child and returns the child's wait status, or -1 (with the
 * reason recorded) when it could not fork or wait. */
int selftest_child_status(int (*fn)(void *), void *arg);
/* Runs fn(arg) in a forked child, which checks with EXPECT as a case does; returns 0 when it
 * passed, else -1 with the child's reason recorded as the case's. */
int selftest_in_child(int (*fn)(void *), void *arg);
/* Runs path with argv and envp in a child whose standard output goes into out (NUL-terminated);
 * returns 0 when it exited with status 0, else -1 with the reason recorded. */
int selftest_exec_capture(const char *path, char *const argv[], char *const envp[], char *out,
			  size_t size, pid_t *child, int *status);
/* Fails the case unless the captured output holds the formatted line. */
#define EXPECT_LINE(out, ...)                                                                  \
	do {                                                                                   \
		char line_[512];                                                               \
		snprintf(line_, sizeof(line_), __VA_ARGS__);                                   \
		EXPECT(selftest_has_line(out, line_), "no line '%s' in the output: %s", line_, \
		       out);                                                                   \
	} while (0)
/* waitpid that retries on EINTR. */
pid_t selftest_wait(pid_t pid, int *status, int options);
/* "exited with status 3", "killed by signal 11 (SIGSEGV)", "stopped by ...". */
const char *selftest_describe_status(int status);
/* Whether the status is a normal exit with the given code. */
bool selftest_exited_with(int status, int code);

/* Whether the kernel can copy one byte out of (into) this user address: the probe goes
 * through a pipe, so an unmapped or protected page gives EFAULT instead of a signal. */
bool selftest_is_readable(const void *addr);
bool selftest_is_writable(void *addr);

/* Monotonic clock in nanoseconds. */
int64_t selftest_now_ns(void);
void selftest_sleep_ms(long ms);

/* Reads until end of file or the buffer is full; returns the bytes read (NUL-terminated). */
size_t selftest_read_all(int fd, char *buf, size_t size);
/* Whether the text holds the line exactly (without its newline). */
bool selftest_has_line(const char *text, const char *line);
/* Writes a whole file; returns 0 or -1 with errno set. */
int selftest_write_file(const char *path, const void *data, size_t size, int mode);

/* "EINVAL" for EINVAL, or the number. */
const char *selftest_errno_name(int err);
/* "SIGSEGV" for SIGSEGV, or the number. */
const char *selftest_signal_name(int sig);

/* The programs this binary becomes when executed as `vitro-selftest --helper=NAME ...`. */
int selftest_helper_main(const char *name, int argc, char **argv, char **envp);

#endif
