/* Process cases: fork, the wait family and exit statuses, zombies, reparenting, vfork,
 * execve (arguments, environment, auxiliary vector, scripts, errors), groups and sessions. */
#include "selftest.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fork_gives_child_zero_and_parent_its_pid(void)
{
	pid_t seen[3];
	int fds[2], status;
	pid_t pid;

	EXPECT_OK(pipe(fds));
	pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		pid_t mine[3] = { pid, getpid(), getppid() };
		_exit(write(fds[1], mine, sizeof(mine)) == sizeof(mine) ? 0 : 1);
	}
	close(fds[1]);
	size_t got = 0;
	while (got < sizeof(seen)) {
		ssize_t n = read(fds[0], (char *)seen + got, sizeof(seen) - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(got == sizeof(seen), "read %zu bytes from the child, want %zu", got, sizeof(seen));
	EXPECT(seen[0] == 0, "fork returned %d in the child, want 0", seen[0]);
	EXPECT(seen[1] == pid, "the child's getpid is %d, fork told the parent %d", seen[1], pid);
	EXPECT(seen[2] == getpid(), "the child's getppid is %d, want %d", seen[2], getpid());
	EXPECT(pid != getpid(), "the child has the parent's pid %d", pid);
	return 0;
}

static int wait4_returns_exit_status_low_byte(void)
{
	static const int codes[] = { 0, 1, 42, 255, 256 + 7 };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct rusage usage;
		int status = -1;
		pid_t pid = fork(), got;

		EXPECT(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0)
			_exit(codes[i]);
		do
			got = wait4(pid, &status, 0, &usage);
		while (got < 0 && errno == EINTR);
		EXPECT(got == pid, "wait4 returned %d (%s), want %d", got, strerror(errno), pid);
		EXPECT(selftest_exited_with(status, codes[i] & 0xff), "_exit(%d): the child %s",
		       codes[i], selftest_describe_status(status));
	}
	return 0;
}

static int wait_any_collects_each_child_once(void)
{
	pid_t pids[3];
	bool seen[3] = { false };
	int status;

	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		EXPECT(pids[i] >= 0, "fork: %s", strerror(errno));
		if (pids[i] == 0)
			_exit(10 + i);
	}
	for (int n = 0; n < 3; n++) {
		pid_t got = selftest_wait(-1, &status, 0);
		int i;

		EXPECT(got > 0, "waitpid(-1) number %d: %s", n + 1, strerror(errno));
		for (i = 0; i < 3 && pids[i] != got; i++)
			;
		EXPECT(i < 3, "waitpid(-1) returned %d, not one of our children", got);
		EXPECT(!seen[i], "child %d reported twice", got);
		seen[i] = true;
		EXPECT(selftest_exited_with(status, 10 + i), "child %d %s, want status %d", got,
		       selftest_describe_status(status), 10 + i);
	}
	EXPECT_ERRNO(waitpid(-1, &status, WNOHANG), ECHILD);
	return 0;
}

static int waitpid_wnohang_returns_zero_while_child_runs(void)
{
	int fds[2], status;
	char c;
	pid_t pid;

	EXPECT_OK(pipe(fds));
	pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 1); /* until the parent closes its end */
	}
	close(fds[0]);
	pid_t got = waitpid(pid, &status, WNOHANG);
	close(fds[1]);
	EXPECT(got == 0, "waitpid(WNOHANG) on a running child returned %d, want 0", got);
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(selftest_exited_with(status, 0), "the child %s (its read did not see end of file)",
	       selftest_describe_status(status));
	return 0;
}

static int waitid_reports_exit_and_kill(void)
{
	siginfo_t info;
	pid_t pid = fork();

	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(9);
	memset(&info, 0, sizeof(info));
	EXPECT_OK(waitid(P_PID, pid, &info, WEXITED));
	EXPECT(info.si_signo == SIGCHLD, "si_signo %d, want SIGCHLD", info.si_signo);
	EXPECT(info.si_code == CLD_EXITED, "si_code %d, want CLD_EXITED", info.si_code);
	EXPECT(info.si_pid == pid, "si_pid %d, want %d", info.si_pid, pid);
	EXPECT(info.si_status == 9, "si_status %d, want 9", info.si_status);
	EXPECT(info.si_uid == getuid(), "si_uid %d, want %d", info.si_uid, getuid());

	pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		for (;;)
			pause();
	}
	EXPECT_OK(kill(pid, SIGKILL));
	memset(&info, 0, sizeof(info));
	EXPECT_OK(waitid(P_PID, pid, &info, WEXITED));
	EXPECT(info.si_code == CLD_KILLED, "si_code %d, want CLD_KILLED", info.si_code);
	EXPECT(info.si_status == SIGKILL, "si_status %d, want SIGKILL", info.si_status);
	return 0;
}

static int waitid_wnowait_leaves_child_waitable(void)
{
	siginfo_t info = { 0 };
	int status;
	pid_t pid = fork();

	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(5);
	EXPECT_OK(waitid(P_PID, pid, &info, WEXITED | WNOWAIT));
	EXPECT(info.si_pid == pid && info.si_status == 5, "waitid(WNOWAIT): pid %d status %d",
	       info.si_pid, info.si_status);
	EXPECT(selftest_wait(pid, &status, 0) == pid,
	       "waitpid after WNOWAIT: %s (the child was reaped early)", strerror(errno));
	EXPECT(selftest_exited_with(status, 5), "the child %s, want status 5",
	       selftest_describe_status(status));
	return 0;
}

static int exited_child_stays_zombie_until_reaped(void)
{
	siginfo_t info;
	int status;
	pid_t pid = fork();

	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(0);
	/* Wait for the exit without reaping. */
	for (int i = 0; i < 5000; i++) {
		memset(&info, 0, sizeof(info));
		EXPECT_OK(waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT));
		if (info.si_pid == pid)
			break;
		selftest_sleep_ms(1);
	}
	EXPECT(info.si_pid == pid, "the child never exited");
	EXPECT(kill(pid, 0) == 0, "kill(zombie, 0): %s, want 0: a zombie still has its pid",
	       strerror(errno));
	EXPECT(getpgid(pid) == getpgrp(), "getpgid(zombie) = %d, want its group %d", getpgid(pid),
	       getpgrp());
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT_ERRNO(kill(pid, 0), ESRCH);
	return 0;
}

/* The middle process exits and leaves its child to us: we are its subreaper, or, on a kernel
 * without PR_SET_CHILD_SUBREAPER, init is. */
static int orphan_is_reparented(void)
{
	bool is_subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
	pid_t seen[2] = { 0, 0 }, middle, orphan;
	int fds[2], status;

	EXPECT(is_subreaper || errno == EINVAL || errno == ENOSYS, "prctl: %s", strerror(errno));
	EXPECT_OK(pipe(fds));
	middle = fork();
	EXPECT(middle >= 0, "fork: %s", strerror(errno));
	if (middle == 0) {
		pid_t parents[2] = { getpid(), 0 };

		if (fork() == 0) {
			for (int i = 0; i < 5000 && getppid() == parents[0]; i++)
				selftest_sleep_ms(1);
			parents[1] = getppid();
			_exit(write(fds[1], parents, sizeof(parents)) == sizeof(parents) ? 0 : 1);
		}
		_exit(0);
	}
	close(fds[1]);
	EXPECT(selftest_wait(middle, &status, 0) == middle, "waitpid: %s", strerror(errno));
	ssize_t n = read(fds[0], seen, sizeof(seen));
	EXPECT(n == sizeof(seen), "read %zd bytes from the orphan, want %zu", n, sizeof(seen));
	EXPECT(seen[0] == middle, "the middle process calls itself %d, fork said %d", seen[0],
	       middle);
	if (!is_subreaper) {
		EXPECT(seen[1] == 1, "the orphan's new parent is %d, want init (1)", seen[1]);
		return 0;
	}
	EXPECT(seen[1] == getpid(), "the orphan's new parent is %d, want the subreaper %d", seen[1],
	       getpid());
	orphan = selftest_wait(-1, &status, 0);
	EXPECT(orphan > 0 && orphan != middle, "the subreaper could not reap the orphan: %d (%s)",
	       orphan, strerror(errno));
	EXPECT(selftest_exited_with(status, 0), "the orphan %s", selftest_describe_status(status));
	return 0;
}

static volatile int vfork_child_ran;

static int vfork_suspends_parent_and_shares_memory(void)
{
	int status;
	pid_t pid;

	vfork_child_ran = 0;
	pid = vfork();
	if (pid == 0) {
		vfork_child_ran = 1; /* the parent's memory: vfork shares it until _exit */
		_exit(3);
	}
	EXPECT(pid > 0, "vfork: %s", strerror(errno));
	EXPECT(vfork_child_ran == 1, "the parent ran before the vfork child exited, or the "
				     "child's store did not reach the shared memory");
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(selftest_exited_with(status, 3), "the child %s, want status 3",
	       selftest_describe_status(status));
	return 0;
}

static int vfork_then_execve_runs_program(void)
{
	char *argv[] = { "helper", "--helper=exit", "7", NULL };
	char *envp[] = { NULL };
	int status;
	pid_t pid;

	pid = vfork();
	if (pid == 0) {
		execve(selftest_self_path, argv, envp);
		_exit(127);
	}
	EXPECT(pid > 0, "vfork: %s", strerror(errno));
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(selftest_exited_with(status, 7), "%s --helper=exit 7 %s, want status 7",
	       selftest_self_path, selftest_describe_status(status));
	return 0;
}

static int execve_passes_argv_envp_and_auxv(void)
{
	char *argv[] = { "argv-zero", "--helper=report", "a b", "", "last", NULL };
	char *envp[] = { "VITRO_A=1", "VITRO_B=two words", "EMPTY=", NULL };
	static char out[8192];
	int status;
	pid_t pid;

	if (selftest_exec_capture(selftest_self_path, argv, envp, out, sizeof(out), &pid, &status))
		return -1;
	EXPECT_LINE(out, "argc=5");
	for (int i = 0; argv[i]; i++)
		EXPECT_LINE(out, "argv[%d]=%s", i, argv[i]);
	EXPECT_LINE(out, "argv[argc]=null");
	for (int i = 0; envp[i]; i++)
		EXPECT_LINE(out, "env[%d]=%s", i, envp[i]);
	EXPECT_LINE(out, "envc=3");
	EXPECT_LINE(out, "pid=%d", pid);
	EXPECT_LINE(out, "ppid=%d", getpid());
	EXPECT_LINE(out, "pagesz=4096");
	EXPECT_LINE(out, "execfn=%s", selftest_self_path);
	EXPECT_LINE(out, "ids=ok");
	EXPECT_LINE(out, "secure=0");
	EXPECT_LINE(out, "entry=ok");
	EXPECT_LINE(out, "phdr=ok");
	return 0;
}

static int execve_gives_each_image_fresh_at_random(void)
{
	char *argv[] = { "argv-zero", "--helper=report", NULL };
	char *envp[] = { NULL };
	static char out[2][8192];
	char random[2][40];
	int status;

	for (int i = 0; i < 2; i++) {
		if (selftest_exec_capture(selftest_self_path, argv, envp, out[i], sizeof(out[i]),
					  NULL, &status))
			return -1;
		const char *p = strstr(out[i], "\nrandom=");
		EXPECT(p && sscanf(p, "\nrandom=%39s", random[i]) == 1, "no random= line in:\n%s",
		       out[i]);
		EXPECT(strlen(random[i]) == 32, "AT_RANDOM gave '%s', want 16 bytes", random[i]);
		EXPECT(strspn(random[i], "0") != 32, "AT_RANDOM's 16 bytes are all zero");
	}
	EXPECT(strcmp(random[0], random[1]) != 0, "two execs got the same AT_RANDOM bytes %s",
	       random[0]);
	return 0;
}

static int execve_runs_shebang_script(void)
{
	static char out[8192], script[4096], text[4200];
	char *argv[] = { "script-argv-zero", "one", NULL };
	char *envp[] = { "K=v", NULL };
	int status;

	EXPECT(getcwd(script, sizeof(script) - 16), "getcwd: %s", strerror(errno));
	strcat(script, "/script");
	snprintf(text, sizeof(text), "#!%s --helper=report\n", selftest_self_path);
	EXPECT_OK(selftest_write_file(script, text, strlen(text), 0755));
	if (selftest_exec_capture(script, argv, envp, out, sizeof(out), NULL, &status))
		return -1;
	/* Linux's order: interpreter, its one optional argument, the script, then argv[1..]. */
	EXPECT_LINE(out, "argc=4");
	EXPECT_LINE(out, "argv[0]=%s", selftest_self_path);
	EXPECT_LINE(out, "argv[1]=--helper=report");
	EXPECT_LINE(out, "argv[2]=%s", script);
	EXPECT_LINE(out, "argv[3]=one");
	EXPECT_LINE(out, "env[0]=K=v");
	return 0;
}

static int execve_reports_enoent_eacces_enoexec(void)
{
	static const char junk[] = "\177ELX this is not a program\n";
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };

	EXPECT_ERRNO(execve("does-not-exist", argv, envp), ENOENT);
	EXPECT_OK(selftest_write_file("not-executable", junk, sizeof(junk), 0644));
	EXPECT_ERRNO(execve("./not-executable", argv, envp), EACCES);
	EXPECT_OK(selftest_write_file("junk", junk, sizeof(junk), 0755));
	EXPECT_ERRNO(execve("./junk", argv, envp), ENOEXEC);
	EXPECT_OK(mkdir("dir", 0755));
	EXPECT_ERRNO(execve("./dir", argv, envp), EACCES);
	return 0;
}

static int setpgid_creates_and_joins_groups(void)
{
	pid_t leader, member;
	int fds[2], status;
	char c;

	EXPECT(getpgrp() == getpid(), "the case leads group %d, but getpgrp says %d", getpid(),
	       getpgrp());
	EXPECT_OK(pipe(fds));
	leader = fork();
	EXPECT(leader >= 0, "fork: %s", strerror(errno));
	if (leader == 0) {
		setpgid(0, 0);
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 1);
	}
	setpgid(leader, leader); /* both sides, as shells do, so neither order races */
	member = fork();
	EXPECT(member >= 0, "fork: %s", strerror(errno));
	if (member == 0) {
		setpgid(0, leader);
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 1);
	}
	setpgid(member, leader);
	close(fds[0]);
	pid_t leader_group = getpgid(leader), member_group = getpgid(member);
	errno = 0;
	int bad = setpgid(member, 0x3fffffff); /* no such group (above any pid_max) */
	int bad_errno = errno;
	close(fds[1]);
	selftest_wait(leader, &status, 0);
	selftest_wait(member, &status, 0);
	EXPECT(leader_group == leader, "getpgid(leader) = %d, want %d", leader_group, leader);
	EXPECT(member_group == leader, "getpgid(member) = %d, want the leader's %d", member_group,
	       leader);
	EXPECT(getpgrp() == getpid(), "the children's setpgid moved the parent to %d", getpgrp());
	EXPECT(bad == -1 && bad_errno == EPERM,
	       "setpgid into a group that does not exist: %d (%s), want EPERM", bad,
	       selftest_errno_name(bad_errno));
	return 0;
}

static int setsid_check(void *arg)
{
	pid_t sid = setsid();
	int fd;

	(void)arg;
	EXPECT(sid == getpid(), "setsid returned %d (%s), want %d", sid, strerror(errno), getpid());
	EXPECT(getsid(0) == getpid(), "getsid(0) = %d, want %d", getsid(0), getpid());
	EXPECT(getpgrp() == getpid(), "getpgrp() = %d, want %d", getpgrp(), getpid());
	EXPECT(getsid(getppid()) != sid, "the parent moved into the new session too");
	EXPECT_ERRNO(setsid(), EPERM); /* now a group leader */
	fd = open("/dev/tty", O_RDWR);
	EXPECT(fd == -1 && errno == ENXIO,
	       "open /dev/tty in a new session: %s, want ENXIO (no controlling terminal)",
	       fd >= 0 ? "opened" : strerror(errno));
	return 0;
}

static int setsid_starts_session_without_terminal(void)
{
	EXPECT_ERRNO(setsid(), EPERM); /* the case's process leads its group */
	return selftest_in_child(setsid_check, NULL);
}

/* A fork bomb under RLIMIT_NPROC: as an ordinary user (root is exempt, as on Linux), forks
 * stop with EAGAIN once the user has the limit's number of tasks. Children wait on a pipe
 * that the child leading the bomb closes at the end, so they all exit together. */
#define BOMB_LIMIT 24

static int fork_bomb_check(void *arg)
{
	struct rlimit lim = { BOMB_LIMIT, BOMB_LIMIT };
	int pipefd[2], forked = 0, err = 0;

	(void)arg;
	EXPECT_OK(pipe(pipefd));
	EXPECT_OK(setrlimit(RLIMIT_NPROC, &lim));
	EXPECT_OK(setuid(4242)); /* its own user: no other task counts against it */
	for (int i = 0; i < 4 * BOMB_LIMIT; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			char c;

			close(pipefd[1]);
			while (read(pipefd[0], &c, 1) > 0)
				;
			_exit(0);
		}
		if (pid < 0) {
			err = errno;
			break;
		}
		forked++;
	}
	close(pipefd[1]);
	while (wait(NULL) > 0)
		;
	EXPECT(err == EAGAIN, "fork kept working (%d children, errno %s), want EAGAIN", forked,
	       selftest_errno_name(err));
	/* This child itself counts too: at most limit - 1 more. */
	EXPECT(forked == BOMB_LIMIT - 1, "%d children before EAGAIN, want %d", forked,
	       BOMB_LIMIT - 1);
	return 0;
}

static int fork_bomb_stops_at_rlimit_nproc(void)
{
	return selftest_in_child(fork_bomb_check, NULL);
}

/* prlimit reads and sets another process's limits. */
static int prlimit_changes_another_process(void)
{
	struct rlimit want = { 64, 128 }, got;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	EXPECT_OK(pid);
	EXPECT_OK(prlimit(pid, RLIMIT_NOFILE, &want, NULL));
	EXPECT_OK(prlimit(pid, RLIMIT_NOFILE, NULL, &got));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT(got.rlim_cur == 64 && got.rlim_max == 128, "read back %llu/%llu",
	       (unsigned long long)got.rlim_cur, (unsigned long long)got.rlim_max);
	want.rlim_cur = 200;
	EXPECT_ERRNO(prlimit(0, RLIMIT_NOFILE, &want, NULL), EINVAL); /* soft above hard */
	EXPECT_ERRNO(prlimit(pid, RLIMIT_NOFILE, NULL, &got), ESRCH);
	return 0;
}

/* waitpid with a negative pid or 0 waits for a process group. */
static int waitpid_waits_for_a_process_group(void)
{
	pid_t a, b;
	int status;

	EXPECT_OK(setpgid(0, 0));
	if ((a = fork()) == 0) {
		setpgid(0, 0);
		_exit(3);
	}
	EXPECT_OK(a);
	setpgid(a, a);
	if ((b = fork()) == 0)
		_exit(4);
	EXPECT_OK(b);
	EXPECT(waitpid(-a, &status, 0) == a && WEXITSTATUS(status) == 3,
	       "waitpid(-%d) did not collect its group's child", (int)a);
	EXPECT(waitpid(0, &status, 0) == b && WEXITSTATUS(status) == 4,
	       "waitpid(0) did not collect the child in our group");
	EXPECT_ERRNO(waitpid(-a, &status, WNOHANG), ECHILD);
	return 0;
}

/* A child starts with its parent's umask and working directory. */
static int child_inherits_umask_and_cwd(void)
{
	int p[2], status;
	pid_t pid;
	char answer[8] = "";

	EXPECT_OK(mkdir("here", 0755));
	EXPECT_OK(chdir("here"));
	umask(027);
	EXPECT_OK(pipe(p));
	EXPECT_OK(pid = fork());
	if (pid == 0) {
		char cwd[4096];
		mode_t mask = umask(0);
		bool ok = getcwd(cwd, sizeof(cwd)) && strstr(cwd, "/here") && mask == 027;

		if (write(p[1], ok ? "ok" : "no", 2) != 2)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	EXPECT(read(p[0], answer, 2) == 2 && !strncmp(answer, "ok", 2),
	       "the child's umask or cwd differ from its parent's");
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid");
	return 0;
}

static int clone_child_writes(void *arg)
{
	*(volatile int *)arg = 77;
	return 5;
}

/* clone(CLONE_VM): the child runs on its own stack in the parent's memory. */
static int clone_vm_child_shares_memory(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	static volatile int shared;
	int status;
	pid_t pid;

	shared = 0;
	pid = clone(clone_child_writes, stack + sizeof(stack), CLONE_VM | SIGCHLD, (void *)&shared);
	EXPECT_OK(pid);
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 5, "status %#x", status);
	EXPECT(shared == 77, "the child's write did not reach our memory (%d)", shared);
	return 0;
}

/* wait4 fills in the child's resource usage. */
static int wait4_reports_resource_usage(void)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		volatile unsigned long sink = 0;

		for (unsigned long i = 0; i < 50000000ul; i++)
			sink += i;
		_exit(0);
	}
	EXPECT_OK(pid);
	memset(&ru, 0xff, sizeof(ru));
	EXPECT(wait4(pid, &status, 0, &ru) == pid, "wait4: %s", strerror(errno));
	EXPECT(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 &&
		       ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec >= 0 &&
		       ru.ru_stime.tv_usec < 1000000,
	       "rusage times %ld.%06ld %ld.%06ld", (long)ru.ru_utime.tv_sec,
	       (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
	EXPECT(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec >
		       0,
	       "a busy child reported no CPU time");
	return 0;
}

const struct selftest_case process_cases[] = {
	{ "child-inherits-umask-and-cwd", child_inherits_umask_and_cwd },
	{ "clone-vm-child-shares-memory", clone_vm_child_shares_memory },
	{ "wait4-reports-resource-usage", wait4_reports_resource_usage },
	{ "prlimit-changes-another-process", prlimit_changes_another_process },
	{ "waitpid-waits-for-a-process-group", waitpid_waits_for_a_process_group },
	{ "fork-gives-child-zero-and-parent-its-pid", fork_gives_child_zero_and_parent_its_pid },
	{ "wait4-returns-exit-status-low-byte", wait4_returns_exit_status_low_byte },
	{ "wait-any-collects-each-child-once", wait_any_collects_each_child_once },
	{ "waitpid-wnohang-returns-zero-while-child-runs",
	  waitpid_wnohang_returns_zero_while_child_runs },
	{ "waitid-reports-exit-and-kill", waitid_reports_exit_and_kill },
	{ "waitid-wnowait-leaves-child-waitable", waitid_wnowait_leaves_child_waitable },
	{ "exited-child-stays-zombie-until-reaped", exited_child_stays_zombie_until_reaped },
	{ "orphan-is-reparented", orphan_is_reparented },
	{ "vfork-suspends-parent-and-shares-memory", vfork_suspends_parent_and_shares_memory },
	{ "vfork-then-execve-runs-program", vfork_then_execve_runs_program },
	{ "execve-passes-argv-envp-and-auxv", execve_passes_argv_envp_and_auxv },
	{ "execve-gives-each-image-fresh-at-random", execve_gives_each_image_fresh_at_random },
	{ "execve-runs-shebang-script", execve_runs_shebang_script },
	{ "execve-reports-enoent-eacces-enoexec", execve_reports_enoent_eacces_enoexec },
	{ "setpgid-creates-and-joins-groups", setpgid_creates_and_joins_groups },
	{ "setsid-starts-session-without-terminal", setsid_starts_session_without_terminal },
	{ "fork-bomb-stops-at-rlimit-nproc", fork_bomb_stops_at_rlimit_nproc },
	{ NULL, NULL },
};
