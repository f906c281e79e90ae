/* Vitro's /init, the first user process: mounts /proc and /dev, runs /etc/rc, then runs the
 * command the kernel passed after "--" and exits with its status (the kernel then powers the
 * machine off with it), or gives the console a login shell with job control. Meanwhile it reaps
 * every orphan, and no failed step stops it: it says what failed and carries on. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define SHELL "/bin/sh"
#define RC_SCRIPT "/etc/rc"

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Linux starts init with the console as standard input, output and error; a kernel that does
 * not gets it done here, once /dev holds the console. */
static void std_fds_open_console(void)
{
	int fd = -1;

	for (int i = 0; i <= 2; i++) {
		if (fcntl(i, F_GETFD) != -1)
			continue;
		if (fd < 0)
			fd = open("/dev/console", O_RDWR | O_NOCTTY);
		if (fd < 0)
			return; /* nowhere to say so */
		if (fd != i)
			dup2(fd, i);
	}
	if (fd > 2)
		close(fd);
}

static bool is_mount_point(const char *path)
{
	struct stat root, st;

	return stat("/", &root) == 0 && stat(path, &st) == 0 && st.st_dev != root.st_dev;
}

/* What udev or systemd adds to /dev on Linux and programs expect: the
 * /proc/self/fd links (bash's process substitution opens /dev/fd/N) and a
 * tmpfs at /dev/shm (shm_open). Each is left alone if it is there. */
static void dev_extras(void)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "/dev/fd" },
		{ "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" },
		{ "/proc/self/fd/2", "/dev/stderr" },
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i][0], links[i][1]) != 0 && errno != EEXIST)
			say("symlink %s: %s", links[i][1], strerror(errno));
	if (mkdir("/dev/shm", 01777) != 0 && errno != EEXIST) {
		say("mkdir /dev/shm: %s", strerror(errno));
		return;
	}
	struct stat dev, shm;
	if (stat("/dev", &dev) == 0 && stat("/dev/shm", &shm) == 0 && dev.st_dev == shm.st_dev &&
	    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
		say("mount tmpfs on /dev/shm: %s", strerror(errno));
}

static void mount_fs(const char *type, const char *target, unsigned long flags)
{
	if (mkdir(target, 0755) != 0 && errno != EEXIST) {
		say("mkdir %s: %s; not mounting %s there", target, strerror(errno), type);
		return;
	}
	/* The kernel mounts /dev itself (as Linux's DEVTMPFS_MOUNT): keep it,
	 * quietly. */
	if (is_mount_point(target))
		return;
	if (mount(type, target, type, flags, NULL) == 0)
		return;
	if (errno == ENODEV)
		say("this kernel has no %s file system; carrying on without %s", type, target);
	else if (errno == EBUSY)
		say("%s is already mounted; keeping it", target);
	else
		say("mount %s on %s: %s; carrying on without it", type, target, strerror(errno));
}

/* The child becomes a session leader with the console as its controlling terminal, as a login
 * does, so ^C and ^Z reach its foreground jobs. Without a terminal it keeps init's streams. */
static void console_take(void)
{
	int fd;

	if (setsid() < 0) {
		say("setsid: %s; no job control", strerror(errno));
		return;
	}
	fd = open("/dev/console", O_RDWR);
	if (fd < 0) {
		say("open /dev/console: %s; no job control", strerror(errno));
		return;
	}
	if (ioctl(fd, TIOCSCTTY, 0) != 0) {
		say("/dev/console cannot be a controlling terminal (%s); no job control",
		    strerror(errno));
		close(fd);
		return;
	}
	for (int i = 0; i <= 2; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
	if (tcsetpgrp(0, getpid()) != 0)
		say("tcsetpgrp: %s", strerror(errno));
}

static pid_t spawn(char *const argv[], bool takes_console)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		say("fork for %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;

	/* What init ignores, its children must not. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (takes_console)
		console_take();
	execvp(argv[0], argv);
	int err = errno;
	say("cannot run %s: %s", argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* busybox's halt, poweroff and reboot ask init by signal (SIGUSR1, SIGUSR2, SIGTERM) unless
 * given -f; init then ends the machine, as busybox's own init does. */
static volatile sig_atomic_t shutdown_signal;

static void shutdown_requested(int sig)
{
	shutdown_signal = sig;
}

static void shutdown_if_requested(void)
{
	if (!shutdown_signal)
		return;
	say("%s requested: syncing and powering off", shutdown_signal == SIGTERM ? "reboot" :
						      shutdown_signal == SIGUSR1 ? "halt" :
										   "poweroff");
	kill(-1, SIGTERM);
	sleep(1);
	kill(-1, SIGKILL);
	sync();
	/* There is no reset device: every request powers the machine off. */
	reboot(shutdown_signal == SIGTERM ? RB_AUTOBOOT : RB_POWER_OFF);
	say("reboot: %s", strerror(errno));
	shutdown_signal = 0;
}

/* Waits for one child and reaps every other process that ends meanwhile: orphans are
 * reparented to init, and init never does anything but wait, so this loop is its reaper.
 * Returns the child's wait status, or -1 when it cannot be waited for. */
static int wait_reaping(pid_t pid)
{
	int status;

	for (;;) {
		pid_t got = waitpid(-1, &status, 0);

		shutdown_if_requested();
		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR) {
			say("waitpid: %s", strerror(errno));
			return -1;
		}
	}
}

/* The status a shell would give: the exit code, or 128 plus the signal's number. */
static int status_code(int status, const char *what)
{
	if (WIFEXITED(status)) {
		say("%s exited with status %d", what, WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status)) {
		say("%s was killed by signal %d (%s)", what, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	say("%s ended with wait status %#x", what, status);
	return 1;
}

static void rc_run(void)
{
	char *argv[] = { SHELL, RC_SCRIPT, NULL };
	int status;

	if (access(RC_SCRIPT, R_OK) != 0)
		return;
	pid_t pid = spawn(argv, false);
	if (pid < 0)
		return;
	status = wait_reaping(pid);
	if (status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		status_code(status, RC_SCRIPT);
}

int main(int argc, char **argv)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	/* SIGCHLD must not be ignored: that would reap children before init sees their status. */
	sigaction(SIGCHLD, &dfl, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	struct sigaction shutdown = { .sa_handler = shutdown_requested };
	sigaction(SIGUSR1, &shutdown, NULL);
	sigaction(SIGUSR2, &shutdown, NULL);
	sigaction(SIGTERM, &shutdown, NULL);
	std_fds_open_console();

	mount_fs("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	mount_fs("devtmpfs", "/dev", MS_NOSUID);
	dev_extras();
	std_fds_open_console();
	setenv("PATH", "/sbin:/usr/sbin:/bin:/usr/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "linux", 0);
	if (chdir("/") != 0)
		say("chdir /: %s", strerror(errno));

	rc_run();

	if (argc > 1) {
		pid_t pid = spawn(argv + 1, true);
		if (pid < 0)
			return 127;
		int status = wait_reaping(pid);
		return status == -1 ? 127 : status_code(status, argv[1]);
	}

	char *shell[] = { SHELL, "-l", NULL };
	pid_t pid = spawn(shell, true);
	if (pid >= 0 && wait_reaping(pid) != -1)
		say("the shell exited; init exits");
	return 0;
}
