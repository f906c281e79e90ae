/* File cases: reading and writing with offsets, stat, directories and getdents64, names
 * (unlink, rename, link, symlink), descriptors (dup2, fcntl, O_CLOEXEC across exec), pipes,
 * and readiness with poll, select and epoll. */
#include "selftest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux UAPI values (linux/fs.h, linux/dirent.h) that musl's headers do not carry. */
#define RENAME_NOREPLACE 1

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int read_write_and_lseek_agree(void)
{
	static char data[10000], back[10000];
	int fd;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	EXPECT_OK(fd = open("file", O_RDWR | O_CREAT | O_EXCL, 0600));
	EXPECT(write(fd, data, sizeof(data)) == sizeof(data), "write: %s", strerror(errno));
	EXPECT(lseek(fd, 0, SEEK_CUR) == sizeof(data), "SEEK_CUR after writing is %ld",
	       (long)lseek(fd, 0, SEEK_CUR));
	EXPECT(lseek(fd, 0, SEEK_SET) == 0, "lseek SEEK_SET: %s", strerror(errno));
	EXPECT(read(fd, back, sizeof(back)) == sizeof(back), "read: %s", strerror(errno));
	EXPECT(memcmp(data, back, sizeof(data)) == 0, "read back other bytes than written");
	EXPECT(read(fd, back, 10) == 0, "read at end of file did not return 0");
	EXPECT(lseek(fd, -100, SEEK_END) == sizeof(data) - 100, "lseek SEEK_END: %s",
	       strerror(errno));
	EXPECT(read(fd, back, 200) == 100, "a read across end of file is not short");
	EXPECT(memcmp(back, data + sizeof(data) - 100, 100) == 0, "read after SEEK_END differs");
	EXPECT(pread(fd, back, 5, 3) == 5 && memcmp(back, data + 3, 5) == 0, "pread differs");
	EXPECT(lseek(fd, 0, SEEK_CUR) == sizeof(data), "pread moved the offset");
	EXPECT_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
	close(fd);
	return 0;
}

static int write_past_end_leaves_zero_filled_hole(void)
{
	struct stat st;
	char back[8];
	int fd;

	EXPECT_OK(fd = open("file", O_RDWR | O_CREAT | O_TRUNC, 0600));
	EXPECT(pwrite(fd, "end", 3, 100000) == 3, "pwrite: %s", strerror(errno));
	EXPECT_OK(fstat(fd, &st));
	EXPECT(st.st_size == 100003, "size %lld, want 100003", (long long)st.st_size);
	EXPECT(pread(fd, back, 8, 50000) == 8, "pread in the hole: %s", strerror(errno));
	EXPECT(memcmp(back, "\0\0\0\0\0\0\0\0", 8) == 0, "the hole does not read as zeros");
	EXPECT_OK(ftruncate(fd, 10));
	EXPECT_OK(fstat(fd, &st));
	EXPECT(st.st_size == 10, "after ftruncate the size is %lld", (long long)st.st_size);
	EXPECT(pread(fd, back, 8, 50000) == 0, "reading past the truncated end gave data");
	close(fd);
	return 0;
}

static int append_trunc_and_excl_behave(void)
{
	char back[32] = "";
	int fd;

	EXPECT_OK(selftest_write_file("log", "first\n", 6, 0644));
	EXPECT_OK(fd = open("log", O_WRONLY | O_APPEND));
	EXPECT(lseek(fd, 0, SEEK_SET) == 0, "lseek: %s", strerror(errno));
	EXPECT(write(fd, "second\n", 7) == 7, "write: %s", strerror(errno));
	close(fd);
	EXPECT_OK(fd = open("log", O_RDONLY));
	EXPECT(read(fd, back, sizeof(back)) == 13, "the file has other than 13 bytes");
	EXPECT(strcmp(back, "first\nsecond\n") == 0, "O_APPEND wrote at the offset: '%s'", back);
	EXPECT((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY, "F_GETFL lost O_RDONLY");
	close(fd);
	EXPECT_ERRNO(open("log", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	EXPECT_OK(fd = open("log", O_WRONLY | O_TRUNC));
	struct stat st;
	EXPECT_OK(fstat(fd, &st));
	EXPECT(st.st_size == 0, "O_TRUNC left %lld bytes", (long long)st.st_size);
	close(fd);
	EXPECT_ERRNO(open("missing", O_RDONLY), ENOENT);
	EXPECT_ERRNO(open("log/below", O_RDONLY), ENOTDIR);
	EXPECT_OK(mkdir("dir", 0755));
	EXPECT_ERRNO(open("dir", O_WRONLY), EISDIR);
	return 0;
}

static int fstat_reports_type_mode_and_size(void)
{
	struct stat st, lst;
	int fd;

	umask(022);
	EXPECT_OK(fd = open("file", O_WRONLY | O_CREAT, 0666));
	EXPECT(write(fd, "12345", 5) == 5, "write: %s", strerror(errno));
	EXPECT_OK(fstat(fd, &st));
	EXPECT(S_ISREG(st.st_mode), "mode %o is not a regular file", st.st_mode);
	EXPECT((st.st_mode & 07777) == 0644, "mode %o, want 0644 (0666 less umask 022)",
	       st.st_mode & 07777);
	EXPECT(st.st_size == 5 && st.st_nlink == 1, "size %lld nlink %lu", (long long)st.st_size,
	       (unsigned long)st.st_nlink);
	EXPECT(st.st_uid == geteuid() && st.st_gid == getegid(), "owner %d:%d, want %d:%d",
	       st.st_uid, st.st_gid, geteuid(), getegid());
	EXPECT_OK(stat("file", &lst));
	EXPECT(lst.st_ino == st.st_ino && lst.st_dev == st.st_dev, "stat and fstat disagree");
	EXPECT_OK(fchmod(fd, 0600));
	EXPECT_OK(fstat(fd, &st));
	EXPECT((st.st_mode & 07777) == 0600, "after fchmod the mode is %o", st.st_mode & 07777);
	close(fd);
	EXPECT_OK(mkdir("dir", 0777));
	EXPECT_OK(stat("dir", &st));
	EXPECT(S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755, "dir mode %o", st.st_mode);
	return 0;
}

static const char *type_name(unsigned char type)
{
	switch (type) {
	case DT_REG:
		return "file";
	case DT_DIR:
		return "dir";
	case DT_LNK:
		return "link";
	default:
		return "other";
	}
}

static int getdents64_lists_every_entry_once(void)
{
	static const struct {
		const char *name;
		unsigned char type;
	} want[] = { { ".", DT_DIR },
		     { "..", DT_DIR },
		     { "a", DT_REG },
		     { "bb", DT_REG },
		     { "sub", DT_DIR },
		     { "link", DT_LNK },
		     { "a-name-long-enough-to-need-more-than-one-small-buffer", DT_REG } };
	size_t nr_want = sizeof(want) / sizeof(want[0]);
	int seen[sizeof(want) / sizeof(want[0])] = { 0 };
	char buf[80]; /* small: the listing takes several calls */
	int fd, total = 0;

	EXPECT_OK(mkdir("d", 0755));
	EXPECT_OK(selftest_write_file("d/a", "", 0, 0644));
	EXPECT_OK(selftest_write_file("d/bb", "x", 1, 0644));
	EXPECT_OK(selftest_write_file("d/"
				      "a-name-long-enough-to-need-more-than-one-small-buffer",
				      "", 0, 0644));
	EXPECT_OK(mkdir("d/sub", 0755));
	EXPECT_OK(symlink("a", "d/link"));
	EXPECT_OK(fd = open("d", O_RDONLY | O_DIRECTORY));
	EXPECT_ERRNO(syscall(SYS_getdents64, fd, buf, 8), EINVAL);
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		EXPECT(n >= 0, "getdents64: %s", strerror(errno));
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			size_t i;

			EXPECT(d->d_reclen > 0 && off + d->d_reclen <= n,
			       "bad d_reclen %u at %ld of %ld", d->d_reclen, off, n);
			for (i = 0; i < nr_want && strcmp(want[i].name, d->d_name) != 0; i++)
				;
			EXPECT(i < nr_want, "unexpected entry '%s'", d->d_name);
			EXPECT(d->d_type == want[i].type, "'%s' has type %s, want %s", d->d_name,
			       type_name(d->d_type), type_name(want[i].type));
			seen[i]++;
			total++;
			off += d->d_reclen;
		}
	}
	close(fd);
	for (size_t i = 0; i < nr_want; i++)
		EXPECT(seen[i] == 1, "'%s' listed %d times", want[i].name, seen[i]);
	EXPECT(total == (int)nr_want, "%d entries, want %zu", total, nr_want);
	return 0;
}

static int mkdir_and_rmdir_follow_directory_rules(void)
{
	char cwd[4096];

	EXPECT_OK(mkdir("d", 0755));
	EXPECT_ERRNO(mkdir("d", 0755), EEXIST);
	EXPECT_ERRNO(mkdir("missing/d", 0755), ENOENT);
	EXPECT_OK(mkdir("d/e", 0755));
	EXPECT_ERRNO(rmdir("d"), ENOTEMPTY);
	EXPECT_OK(chdir("d/e"));
	EXPECT(getcwd(cwd, sizeof(cwd)), "getcwd: %s", strerror(errno));
	size_t len = strlen(cwd);
	EXPECT(len > 4 && strcmp(cwd + len - 4, "/d/e") == 0, "getcwd in d/e says %s", cwd);
	EXPECT_OK(chdir("../.."));
	EXPECT_OK(rmdir("d/e"));
	EXPECT_OK(rmdir("d"));
	EXPECT_ERRNO(rmdir("d"), ENOENT);
	EXPECT_OK(selftest_write_file("f", "", 0, 0644));
	EXPECT_ERRNO(rmdir("f"), ENOTDIR);
	return 0;
}

static int unlinked_file_stays_readable_through_open_descriptor(void)
{
	struct stat st;
	char back[8] = "";
	int fd;

	EXPECT_OK(selftest_write_file("f", "kept", 4, 0644));
	EXPECT_OK(fd = open("f", O_RDONLY));
	EXPECT_OK(unlink("f"));
	EXPECT_ERRNO(stat("f", &st), ENOENT);
	EXPECT(read(fd, back, sizeof(back)) == 4 && strcmp(back, "kept") == 0,
	       "read after unlink gave '%s'", back);
	EXPECT_OK(fstat(fd, &st));
	EXPECT(st.st_nlink == 0, "an unlinked file has nlink %lu", (unsigned long)st.st_nlink);
	close(fd);
	EXPECT_ERRNO(unlink("f"), ENOENT);
	return 0;
}

static int rename_replaces_target_in_one_step(void)
{
	struct stat st;
	char back[8] = "";
	int fd;

	EXPECT_OK(selftest_write_file("a", "new", 3, 0644));
	EXPECT_OK(selftest_write_file("b", "old", 3, 0644));
	EXPECT_OK(mkdir("d", 0755));
	EXPECT_OK(rename("a", "b"));
	EXPECT_ERRNO(stat("a", &st), ENOENT);
	EXPECT_OK(fd = open("b", O_RDONLY));
	EXPECT(read(fd, back, sizeof(back)) == 3 && strcmp(back, "new") == 0,
	       "after rename b holds '%s'", back);
	close(fd);
	EXPECT_OK(rename("b", "d/c"));
	EXPECT_OK(stat("d/c", &st));
	EXPECT_OK(selftest_write_file("e", "", 0, 0644));
	EXPECT_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "e", AT_FDCWD, "d/c", RENAME_NOREPLACE),
		     EEXIST);
	EXPECT_ERRNO(rename("d", "d/inside"), EINVAL);
	EXPECT_ERRNO(rename("missing", "x"), ENOENT);
	return 0;
}

static int hard_link_shares_inode_and_counts(void)
{
	struct stat a, b;

	EXPECT_OK(selftest_write_file("a", "data", 4, 0644));
	EXPECT_OK(link("a", "b"));
	EXPECT_OK(stat("a", &a));
	EXPECT_OK(stat("b", &b));
	EXPECT(a.st_ino == b.st_ino, "the link has inode %lu, the file %lu",
	       (unsigned long)b.st_ino, (unsigned long)a.st_ino);
	EXPECT(a.st_nlink == 2, "nlink %lu after link, want 2", (unsigned long)a.st_nlink);
	EXPECT_ERRNO(link("a", "b"), EEXIST);
	EXPECT_OK(unlink("a"));
	EXPECT_OK(stat("b", &b));
	EXPECT(b.st_nlink == 1 && b.st_size == 4, "after unlink: nlink %lu size %lld",
	       (unsigned long)b.st_nlink, (long long)b.st_size);
	return 0;
}

static int symlink_resolves_and_readlink_returns_target(void)
{
	char target[64];
	struct stat st;
	int fd;

	EXPECT_OK(mkdir("dir", 0755));
	EXPECT_OK(selftest_write_file("dir/file", "through", 7, 0644));
	EXPECT_OK(symlink("dir/file", "link"));
	EXPECT_OK(symlink("nowhere", "dangling"));
	ssize_t n = readlink("link", target, sizeof(target));
	EXPECT(n == 8 && memcmp(target, "dir/file", 8) == 0, "readlink gave %zd '%.*s'", n,
	       (int)(n > 0 ? n : 0), target);
	EXPECT(readlink("link", target, 3) == 3 && memcmp(target, "dir", 3) == 0,
	       "a short readlink buffer is not filled and truncated");
	EXPECT_OK(lstat("link", &st));
	EXPECT(S_ISLNK(st.st_mode) && st.st_size == 8, "lstat: mode %o size %lld", st.st_mode,
	       (long long)st.st_size);
	EXPECT_OK(stat("link", &st));
	EXPECT(S_ISREG(st.st_mode) && st.st_size == 7, "stat through the link: mode %o",
	       st.st_mode);
	EXPECT_OK(fd = open("link", O_RDONLY));
	EXPECT(read(fd, target, sizeof(target)) == 7 && memcmp(target, "through", 7) == 0,
	       "reading through the link gave other data");
	close(fd);
	EXPECT_ERRNO(stat("dangling", &st), ENOENT);
	EXPECT_OK(lstat("dangling", &st));
	EXPECT_ERRNO(readlink("dir/file", target, sizeof(target)), EINVAL);
	EXPECT_ERRNO(open("link", O_RDONLY | O_NOFOLLOW), ELOOP);
	return 0;
}

static int dup2_shares_offset_and_clears_cloexec(void)
{
	int fd, copy;

	EXPECT_OK(selftest_write_file("f", "0123456789", 10, 0644));
	EXPECT_OK(fd = open("f", O_RDONLY | O_CLOEXEC));
	EXPECT(fcntl(fd, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC not in F_GETFD");
	copy = dup2(fd, 100);
	EXPECT(copy == 100, "dup2 returned %d (%s)", copy, strerror(errno));
	EXPECT(fcntl(copy, F_GETFD) == 0, "dup2 kept FD_CLOEXEC");
	EXPECT(lseek(fd, 4, SEEK_SET) == 4, "lseek: %s", strerror(errno));
	EXPECT(lseek(copy, 0, SEEK_CUR) == 4, "the duplicate does not share the offset");
	EXPECT(dup2(fd, fd) == fd, "dup2 onto itself did not return the descriptor");
	int low = fcntl(fd, F_DUPFD_CLOEXEC, 50);
	EXPECT(low >= 50 && fcntl(low, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC gave %d", low);
	EXPECT_OK(close(copy));
	EXPECT_ERRNO(close(copy), EBADF);
	EXPECT_ERRNO(dup2(copy, 101), EBADF);
	EXPECT_ERRNO(fcntl(copy, F_GETFD), EBADF);
	return 0;
}

static int cloexec_descriptors_close_on_exec(void)
{
	char *argv[] = { "helper", "--helper=fds", "20", "21", "22", NULL };
	char *envp[] = { NULL };
	static char out[256];
	int fd, status;

	EXPECT_OK(fd = open(".", O_RDONLY | O_DIRECTORY));
	EXPECT(dup3(fd, 20, O_CLOEXEC) == 20, "dup3: %s", strerror(errno));
	EXPECT(dup2(fd, 21) == 21, "dup2: %s", strerror(errno));
	EXPECT(fcntl(fd, F_DUPFD, 22) == 22, "F_DUPFD: %s", strerror(errno));
	EXPECT_OK(fcntl(22, F_SETFD, FD_CLOEXEC));
	if (selftest_exec_capture(selftest_self_path, argv, envp, out, sizeof(out), NULL, &status))
		return -1;
	EXPECT_LINE(out, "fd 20=closed");
	EXPECT_LINE(out, "fd 21=open");
	EXPECT_LINE(out, "fd 22=closed");
	return 0;
}

static int pipe_carries_data_then_end_of_file(void)
{
	static unsigned char block[4096];
	int fds[2], status;
	unsigned long sum = 0, want = 0;
	size_t total = 0;

	EXPECT_OK(pipe2(fds, O_CLOEXEC));
	EXPECT(fcntl(fds[0], F_GETFD) == FD_CLOEXEC, "pipe2 O_CLOEXEC not set");
	pid_t pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		for (int i = 0; i < 256; i++) { /* 1 MiB, many times the pipe's buffer */
			memset(block, i, sizeof(block));
			if (write(fds[1], block, sizeof(block)) != sizeof(block))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	for (int i = 0; i < 256; i++)
		want += (unsigned long)i * sizeof(block);
	for (;;) {
		ssize_t n = read(fds[0], block, sizeof(block));
		EXPECT(n >= 0, "read: %s", strerror(errno));
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			sum += block[i];
		total += (size_t)n;
	}
	EXPECT(selftest_wait(pid, &status, 0) == pid && selftest_exited_with(status, 0),
	       "the writer %s", selftest_describe_status(status));
	EXPECT(total == 256 * sizeof(block), "read %zu bytes, want %zu", total,
	       256 * sizeof(block));
	EXPECT(sum == want, "the bytes' sum is %lu, want %lu", sum, want);
	EXPECT_ERRNO(lseek(fds[0], 0, SEEK_SET), ESPIPE);
	return 0;
}

static int nonblocking_pipe_read_returns_eagain(void)
{
	int fds[2];
	char c;

	EXPECT_OK(pipe(fds));
	int flags = fcntl(fds[0], F_GETFL);
	EXPECT_OK(fcntl(fds[0], F_SETFL, flags | O_NONBLOCK));
	EXPECT(fcntl(fds[0], F_GETFL) & O_NONBLOCK, "F_GETFL does not show O_NONBLOCK");
	EXPECT_ERRNO(read(fds[0], &c, 1), EAGAIN);
	EXPECT(write(fds[1], "z", 1) == 1, "write: %s", strerror(errno));
	EXPECT(read(fds[0], &c, 1) == 1 && c == 'z', "read after write: %s", strerror(errno));
	return 0;
}

static int readv_and_writev_gather_and_scatter(void)
{
	char a[3], b[5], c[4];
	struct iovec out[] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 }, { "ijkl", 4 } };
	struct iovec in[] = { { a, 3 }, { b, 5 }, { c, 4 } };
	int fds[2];

	EXPECT_OK(pipe(fds));
	EXPECT(writev(fds[1], out, 4) == 12, "writev: %s", strerror(errno));
	EXPECT(readv(fds[0], in, 3) == 12, "readv: %s", strerror(errno));
	EXPECT(memcmp(a, "abc", 3) == 0 && memcmp(b, "defgh", 5) == 0 && memcmp(c, "ijkl", 4) == 0,
	       "readv scattered '%.3s' '%.5s' '%.4s'", a, b, c);
	return 0;
}

static int poll_reports_pipe_readiness_and_waits(void)
{
	struct pollfd fds[2];
	int p[2];

	EXPECT_OK(pipe(p));
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	EXPECT(poll(fds, 1, 0) == 0, "an empty pipe polls readable");
	int64_t start = selftest_now_ns();
	EXPECT(poll(fds, 1, 30) == 0, "a 30 ms poll on an empty pipe returned early with data");
	int64_t waited_ms = (selftest_now_ns() - start) / 1000000;
	EXPECT(waited_ms >= 30 && waited_ms < 2000, "a 30 ms poll took %lld ms",
	       (long long)waited_ms);
	EXPECT(poll(fds, 2, 0) == 1 && fds[1].revents == POLLOUT, "the write end is not POLLOUT");
	EXPECT(write(p[1], "x", 1) == 1, "write: %s", strerror(errno));
	EXPECT(poll(fds, 1, 0) == 1 && fds[0].revents == POLLIN, "revents %#x, want POLLIN",
	       fds[0].revents);
	close(p[1]);
	EXPECT(poll(fds, 1, 0) == 1 && (fds[0].revents & POLLHUP),
	       "no POLLHUP after the writer closed (revents %#x)", fds[0].revents);
	fds[0].fd = 999;
	EXPECT(poll(fds, 1, 0) == 1 && fds[0].revents == POLLNVAL, "a bad fd is not POLLNVAL");
	return 0;
}

static int select_reports_pipe_readiness_and_waits(void)
{
	struct timeval zero = { 0, 0 }, wait30 = { 0, 30000 };
	fd_set rd, wr;
	int p[2];

	EXPECT_OK(pipe(p));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	int64_t start = selftest_now_ns();
	EXPECT(select(p[0] + 1, &rd, NULL, NULL, &wait30) == 0, "empty pipe selected readable");
	int64_t waited_ms = (selftest_now_ns() - start) / 1000000;
	EXPECT(waited_ms >= 30 && waited_ms < 2000, "a 30 ms select took %lld ms",
	       (long long)waited_ms);
	EXPECT(!FD_ISSET(p[0], &rd), "select left the fd set after a timeout");
	EXPECT(write(p[1], "x", 1) == 1, "write: %s", strerror(errno));
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	int n = select(p[1] + 1, &rd, &wr, NULL, &zero);
	EXPECT(n == 2 && FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr),
	       "select returned %d; readable %d writable %d", n, FD_ISSET(p[0], &rd),
	       FD_ISSET(p[1], &wr));
	return 0;
}

static int epoll_reports_level_and_edge_events(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1234567890ull }, got[4];
	int p[2], ep;
	char buf[8];

	EXPECT_OK(pipe(p));
	EXPECT_OK(ep = epoll_create1(EPOLL_CLOEXEC));
	EXPECT(fcntl(ep, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC not set");
	EXPECT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	EXPECT(epoll_wait(ep, got, 4, 0) == 0, "an empty pipe gave an event");
	EXPECT(write(p[1], "ab", 2) == 2, "write: %s", strerror(errno));
	EXPECT(epoll_wait(ep, got, 4, 0) == 1, "no event for a readable pipe");
	EXPECT(got[0].events == EPOLLIN && got[0].data.u64 == 0x1234567890ull,
	       "event %#x data %#llx", got[0].events, (unsigned long long)got[0].data.u64);
	EXPECT(epoll_wait(ep, got, 4, 0) == 1, "level-triggered: the event did not repeat");

	ev.events = EPOLLIN | EPOLLET;
	EXPECT_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	EXPECT(epoll_wait(ep, got, 4, 0) == 1, "EPOLLET: no event for data already there");
	EXPECT(epoll_wait(ep, got, 4, 0) == 0, "EPOLLET: the same data reported twice");
	EXPECT(write(p[1], "c", 1) == 1, "write: %s", strerror(errno));
	EXPECT(epoll_wait(ep, got, 4, 0) == 1, "EPOLLET: new data gave no event");
	EXPECT(read(p[0], buf, sizeof(buf)) == 3, "read: %s", strerror(errno));

	EXPECT_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	EXPECT(write(p[1], "d", 1) == 1, "write: %s", strerror(errno));
	EXPECT(epoll_wait(ep, got, 4, 0) == 0, "a deleted fd still reports");
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	return 0;
}

static int epoll_wait_sleeps_until_another_process_writes(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = 0 }, got;
	int p[2], ep, status;

	EXPECT_OK(pipe(p));
	EXPECT_OK(ep = epoll_create1(0));
	ev.data.fd = p[0];
	EXPECT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	pid_t pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		selftest_sleep_ms(30);
		_exit(write(p[1], "w", 1) == 1 ? 0 : 1);
	}
	int64_t start = selftest_now_ns();
	int n = epoll_wait(ep, &got, 1, 5000);
	int64_t waited_ms = (selftest_now_ns() - start) / 1000000;
	selftest_wait(pid, &status, 0);
	EXPECT(n == 1 && got.data.fd == p[0], "epoll_wait returned %d (%s)", n,
	       n < 0 ? strerror(errno) : "event");
	EXPECT(waited_ms >= 20 && waited_ms < 4000,
	       "epoll_wait returned after %lld ms; the write came after 30 ms",
	       (long long)waited_ms);
	return 0;
}

/* /proc/self/fd/N opens what descriptor N has open, even a pipe or a file
 * no longer in any directory (bash's <(...) opens /dev/fd/N so). */
static int proc_fd_links_open_the_file_itself(void)
{
	int fds[2], again, file;
	char path[64], buf[16], link[64];
	ssize_t n;

	EXPECT_OK(pipe(fds));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	n = readlink(path, link, sizeof(link) - 1);
	EXPECT(n > 0 && !strncmp(link, "pipe:[", 6), "readlink %s: %.*s", path,
	       (int)(n > 0 ? n : 0), link);
	EXPECT_OK(again = open(path, O_RDONLY));
	EXPECT(write(fds[1], "via", 3) == 3, "write: %s", strerror(errno));
	EXPECT(read(again, buf, sizeof(buf)) == 3 && !memcmp(buf, "via", 3),
	       "the reopened read end did not get the pipe's bytes");
	close(again);
	close(fds[0]);
	close(fds[1]);

	EXPECT_OK(file = open("gone", O_RDWR | O_CREAT, 0600));
	EXPECT(write(file, "kept", 4) == 4, "write: %s", strerror(errno));
	EXPECT_OK(unlink("gone"));
	snprintf(path, sizeof(path), "/dev/fd/%d", file);
	EXPECT_OK(again = open(path, O_RDONLY));
	EXPECT(read(again, buf, sizeof(buf)) == 4 && !memcmp(buf, "kept", 4),
	       "the deleted file read back wrong through %s", path);
	close(again);
	close(file);
	return 0;
}

static int write_file(const char *name, const char *text)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int read_file(const char *name, char *buf, size_t size)
{
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* renameat2: RENAME_NOREPLACE refuses an existing target and moves to a
 * free name; contradictory flags are refused. (RENAME_EXCHANGE is not in
 * this kernel yet.) */
static int renameat2_noreplace_and_bad_flags(void)
{
	char buf[16];

	EXPECT_OK(write_file("a", "first"));
	EXPECT_OK(write_file("b", "second"));
	EXPECT_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", 1 /* NOREPLACE */),
		     EEXIST);
	EXPECT_OK(read_file("b", buf, sizeof(buf)));
	EXPECT(!strcmp(buf, "second"), "b holds '%s' after a refused rename", buf);
	EXPECT_OK(syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "c", 1));
	EXPECT_ERRNO(access("a", F_OK), ENOENT);
	EXPECT_OK(read_file("c", buf, sizeof(buf)));
	EXPECT(!strcmp(buf, "first"), "c holds '%s'", buf);
	EXPECT_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "d", 3), EINVAL);
	EXPECT_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "missing", AT_FDCWD, "d", 1), ENOENT);
	return 0;
}

/* fcntl: F_DUPFD takes the lowest free number from its argument up,
 * F_DUPFD_CLOEXEC marks the copy, F_GETFL/F_SETFL show and change status
 * flags (O_APPEND, O_NONBLOCK) but not the access mode. */
static int fcntl_dupfd_and_status_flags(void)
{
	int fd, copy, flags;

	EXPECT_OK(fd = open("f", O_WRONLY | O_CREAT | O_APPEND, 0644));
	EXPECT_OK(copy = fcntl(fd, F_DUPFD, 20));
	EXPECT(copy == 20, "F_DUPFD from 20 gave %d", copy);
	EXPECT(fcntl(copy, F_GETFD) == 0, "F_DUPFD's copy is close-on-exec");
	EXPECT_OK(copy = fcntl(fd, F_DUPFD_CLOEXEC, 20));
	EXPECT(copy == 21, "F_DUPFD_CLOEXEC from 20 gave %d", copy);
	EXPECT(fcntl(copy, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC's copy is not close-on-exec");
	flags = fcntl(fd, F_GETFL);
	EXPECT((flags & O_ACCMODE) == O_WRONLY && (flags & O_APPEND), "F_GETFL %#x", flags);
	EXPECT_OK(fcntl(fd, F_SETFL, O_NONBLOCK | O_RDWR));
	flags = fcntl(fd, F_GETFL);
	EXPECT((flags & O_ACCMODE) == O_WRONLY && (flags & O_NONBLOCK) && !(flags & O_APPEND),
	       "F_SETFL changed %#x", flags);
	EXPECT_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL);
	EXPECT_ERRNO(fcntl(99, F_GETFL), EBADF);
	return 0;
}

/* dup3: O_CLOEXEC only, and never onto itself; dup2 onto itself is a no-op. */
static int dup3_checks_flags_and_same_descriptor(void)
{
	int fd;

	EXPECT_OK(fd = open("f", O_RDWR | O_CREAT, 0644));
	EXPECT_ERRNO(dup3(fd, fd, 0), EINVAL);
	/* The system call itself: musl turns dup3 without O_CLOEXEC into dup2. */
	EXPECT_ERRNO(syscall(SYS_dup3, fd, 30, O_NONBLOCK), EINVAL);
	EXPECT_ERRNO(syscall(SYS_dup3, fd, fd, O_CLOEXEC), EINVAL);
	EXPECT(dup3(fd, 30, O_CLOEXEC) == 30, "dup3 to 30");
	EXPECT(fcntl(30, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC not set");
	EXPECT(dup2(fd, fd) == fd, "dup2 onto itself");
	EXPECT_ERRNO(dup2(77, 31), EBADF);
	return 0;
}

/* ftruncate: shorter drops the tail, longer reads back zeros; a descriptor
 * not open for writing is refused. */
static int ftruncate_shrinks_and_grows_with_zeros(void)
{
	char buf[16];
	int fd, ro;
	struct stat st;

	EXPECT_OK(fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644));
	EXPECT(write(fd, "abcdefgh", 8) == 8, "write");
	EXPECT_OK(ftruncate(fd, 3));
	EXPECT_OK(ftruncate(fd, 6));
	EXPECT_OK(fstat(fd, &st));
	EXPECT(st.st_size == 6, "size %lld, want 6", (long long)st.st_size);
	EXPECT(pread(fd, buf, sizeof(buf), 0) == 6 && !memcmp(buf, "abc\0\0\0", 6),
	       "contents after shrinking and growing");
	EXPECT_OK(ro = open("f", O_RDONLY));
	EXPECT_ERRNO(ftruncate(ro, 0), EINVAL);
	EXPECT_ERRNO(ftruncate(fd, -1), EINVAL);
	return 0;
}

/* utimensat: explicit times are kept to the nanosecond, UTIME_OMIT leaves
 * one alone, UTIME_NOW takes the clock. */
static int utimensat_sets_omits_and_takes_now(void)
{
	struct timespec ts[2] = { { 1000000, 123456789 }, { 2000000, 987654321 } };
	struct stat st;
	time_t before = time(NULL);

	EXPECT_OK(write_file("f", "x"));
	EXPECT_OK(utimensat(AT_FDCWD, "f", ts, 0));
	EXPECT_OK(stat("f", &st));
	EXPECT(st.st_atim.tv_sec == 1000000 && st.st_atim.tv_nsec == 123456789, "atime");
	EXPECT(st.st_mtim.tv_sec == 2000000 && st.st_mtim.tv_nsec == 987654321, "mtime");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	EXPECT_OK(utimensat(AT_FDCWD, "f", ts, 0));
	EXPECT_OK(stat("f", &st));
	EXPECT(st.st_atim.tv_sec == 1000000, "UTIME_OMIT changed atime to %lld",
	       (long long)st.st_atim.tv_sec);
	EXPECT(st.st_mtim.tv_sec >= before, "UTIME_NOW gave mtime %lld, before %lld",
	       (long long)st.st_mtim.tv_sec, (long long)before);
	ts[0].tv_nsec = 1000000000;
	EXPECT_ERRNO(utimensat(AT_FDCWD, "f", ts, 0), EINVAL);
	return 0;
}

/* openat and the *at family relative to a directory descriptor; O_DIRECTORY
 * on a file is ENOTDIR, a symlink loop is ELOOP. */
static int at_calls_work_from_a_directory_descriptor(void)
{
	int dir, fd;
	struct stat st;

	EXPECT_OK(mkdir("d", 0755));
	EXPECT_OK(dir = open("d", O_RDONLY | O_DIRECTORY));
	EXPECT_OK(fd = openat(dir, "inner", O_WRONLY | O_CREAT, 0600));
	close(fd);
	EXPECT_OK(fstatat(dir, "inner", &st, 0));
	EXPECT((st.st_mode & 0777) == 0600, "mode %o", st.st_mode & 0777);
	EXPECT_OK(access("d/inner", F_OK));
	EXPECT_OK(mkdirat(dir, "sub", 0700));
	EXPECT_OK(unlinkat(dir, "sub", AT_REMOVEDIR));
	EXPECT_ERRNO(open("d/inner", O_RDONLY | O_DIRECTORY), ENOTDIR);
	EXPECT_OK(symlink("loop2", "loop1"));
	EXPECT_OK(symlink("loop1", "loop2"));
	EXPECT_ERRNO(open("loop1", O_RDONLY), ELOOP);
	EXPECT_ERRNO(openat(99, "x", O_RDONLY), EBADF);
	return 0;
}

/* Linux's struct statx (<linux/stat.h>; musl has no copy of it), 256 bytes. */
struct linux_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct {
		int64_t tv_sec;
		uint32_t tv_nsec;
		int32_t pad;
	} stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};

/* statx agrees with fstat on what both report. */
static int statx_agrees_with_fstat(void)
{
	struct linux_statx sx;
	struct stat st;
	int fd;

	EXPECT_OK(fd = open("f", O_RDWR | O_CREAT, 0640));
	EXPECT(write(fd, "12345", 5) == 5, "write");
	EXPECT_OK(fstat(fd, &st));
	EXPECT_OK(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x7ff /* STATX_BASIC_STATS */, &sx));
	EXPECT(sx.stx_size == 5 && sx.stx_ino == st.st_ino && sx.stx_nlink == st.st_nlink &&
		       sx.stx_mode == st.st_mode,
	       "statx size %llu ino %llu nlink %u mode %o; fstat %lld %llu %u %o",
	       (unsigned long long)sx.stx_size, (unsigned long long)sx.stx_ino, sx.stx_nlink,
	       sx.stx_mode, (long long)st.st_size, (unsigned long long)st.st_ino,
	       (unsigned)st.st_nlink, st.st_mode);
	EXPECT((sx.stx_mask & 0x7ff) == 0x7ff, "stx_mask %#x", sx.stx_mask);
	EXPECT_OK(syscall(SYS_statx, fd, "", 0x1000 /* AT_EMPTY_PATH */, 0x7ff, &sx));
	EXPECT(sx.stx_size == 5, "statx by descriptor: size %llu", (unsigned long long)sx.stx_size);
	return 0;
}

/* Named pipes: a reader opened without waiting sees end of file until a
 * writer comes; then data flows; a writer without a reader is ENXIO. */
static int fifo_opens_and_carries_data(void)
{
	char buf[8];
	int r, w;

	EXPECT_OK(mkfifo("p", 0600));
	EXPECT_ERRNO(open("p", O_WRONLY | O_NONBLOCK), ENXIO);
	EXPECT_OK(r = open("p", O_RDONLY | O_NONBLOCK));
	EXPECT(read(r, buf, sizeof(buf)) == 0, "no writer: not end of file");
	EXPECT_OK(w = open("p", O_WRONLY | O_NONBLOCK));
	EXPECT(write(w, "fifo", 4) == 4, "write");
	EXPECT(read(r, buf, sizeof(buf)) == 4 && !memcmp(buf, "fifo", 4), "read back");
	close(w);
	EXPECT(read(r, buf, sizeof(buf)) == 0, "writer gone: not end of file");
	close(r);
	return 0;
}

/* F_GETPIPE_SZ and F_SETPIPE_SZ: Linux's 64 KiB default, a page at least. */
static int pipe_size_can_be_read_and_set(void)
{
	int fds[2];

	EXPECT_OK(pipe(fds));
	EXPECT(fcntl(fds[0], F_GETPIPE_SZ) == 65536, "default size %d",
	       fcntl(fds[0], F_GETPIPE_SZ));
	EXPECT(fcntl(fds[1], F_SETPIPE_SZ, 5000) == 8192, "F_SETPIPE_SZ 5000 gave %d",
	       fcntl(fds[1], F_SETPIPE_SZ, 5000));
	EXPECT(fcntl(fds[0], F_GETPIPE_SZ) == 8192, "size now %d", fcntl(fds[0], F_GETPIPE_SZ));
	EXPECT_ERRNO(fcntl(0 + 99, F_GETPIPE_SZ), EBADF);
	return 0;
}

/* SEEK_DATA and SEEK_HOLE on a file without holes: data at 0, the hole at
 * the end; past the end is ENXIO. */
static int seek_data_and_hole_on_a_plain_file(void)
{
	int fd;

	EXPECT_OK(fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644));
	EXPECT(write(fd, "0123456789", 10) == 10, "write");
	EXPECT(lseek(fd, 0, SEEK_DATA) == 0, "SEEK_DATA from 0");
	EXPECT(lseek(fd, 3, SEEK_HOLE) == 10, "SEEK_HOLE from 3");
	EXPECT_ERRNO(lseek(fd, 11, SEEK_DATA), ENXIO);
	return 0;
}

/* chmod by name and fchmod by descriptor; the file type bits stay. */
static int chmod_and_fchmod_change_the_mode(void)
{
	struct stat st;
	int fd;

	EXPECT_OK(fd = open("f", O_RDWR | O_CREAT, 0644));
	EXPECT_OK(chmod("f", 0600));
	EXPECT_OK(stat("f", &st));
	EXPECT(st.st_mode == (S_IFREG | 0600), "mode %o after chmod", st.st_mode);
	EXPECT_OK(fchmod(fd, 04751));
	EXPECT_OK(fstat(fd, &st));
	EXPECT(st.st_mode == (S_IFREG | 04751), "mode %o after fchmod", st.st_mode);
	EXPECT_ERRNO(chmod("missing", 0600), ENOENT);
	return 0;
}

/* A write lock one process holds refuses another's (F_SETLK: EAGAIN), and
 * F_GETLK names the holder. */
static int record_locks_conflict_between_processes(void)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	int fd, p[2], status;
	pid_t pid;
	char ok;

	EXPECT_OK(fd = open("f", O_RDWR | O_CREAT, 0644));
	EXPECT_OK(fcntl(fd, F_SETLK, &lk));
	EXPECT_OK(pipe(p));
	EXPECT_OK(pid = fork());
	if (pid == 0) {
		struct flock want = {
			.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1
		};
		struct flock probe = want;

		ok = fcntl(fd, F_SETLK, &want) == -1 && (errno == EAGAIN || errno == EACCES) &&
		     fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type == F_WRLCK &&
		     probe.l_pid == getppid();
		if (write(p[1], &ok, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	EXPECT(read(p[0], &ok, 1) == 1 && ok, "the child got the lock or could not see its holder");
	EXPECT(waitpid(pid, &status, 0) == pid, "waitpid");
	return 0;
}

/* getcwd follows chdir and fchdir. */
static int getcwd_follows_chdir_and_fchdir(void)
{
	char start[4096], now[4096];
	int dir;

	EXPECT(getcwd(start, sizeof(start)), "getcwd: %s", strerror(errno));
	EXPECT_OK(mkdir("sub", 0755));
	EXPECT_OK(dir = open(".", O_RDONLY | O_DIRECTORY));
	EXPECT_OK(chdir("sub"));
	EXPECT(getcwd(now, sizeof(now)) && strlen(now) == strlen(start) + 4 &&
		       !strncmp(now, start, strlen(start)) && !strcmp(now + strlen(start), "/sub"),
	       "cwd '%s' after chdir from '%s'", now, start);
	EXPECT_OK(fchdir(dir));
	EXPECT(getcwd(now, sizeof(now)) && !strcmp(now, start), "cwd '%s' after fchdir", now);
	EXPECT_ERRNO(getcwd(now, 2) ? 0 : -1, ERANGE);
	return 0;
}

/* readlink: EINVAL on what is not a link, and a short buffer gets the
 * start of the target without a NUL. */
static int readlink_checks_and_truncates(void)
{
	char buf[8];

	EXPECT_OK(write_file("plain", "x"));
	EXPECT_OK(symlink("a-long-target-name", "link"));
	EXPECT_ERRNO(readlink("plain", buf, sizeof(buf)), EINVAL);
	memset(buf, '#', sizeof(buf));
	EXPECT(readlink("link", buf, 4) == 4 && !memcmp(buf, "a-lo", 4) && buf[4] == '#',
	       "truncated readlink");
	EXPECT_ERRNO(readlink("missing", buf, sizeof(buf)), ENOENT);
	return 0;
}

/* st_nlink follows link and unlink. */
static int link_count_follows_link_and_unlink(void)
{
	struct stat st;

	EXPECT_OK(write_file("one", "x"));
	EXPECT_OK(link("one", "two"));
	EXPECT_OK(link("one", "three"));
	EXPECT_OK(stat("one", &st));
	EXPECT(st.st_nlink == 3, "nlink %u after two links", (unsigned)st.st_nlink);
	EXPECT_OK(unlink("two"));
	EXPECT_OK(stat("three", &st));
	EXPECT(st.st_nlink == 2, "nlink %u after an unlink", (unsigned)st.st_nlink);
	EXPECT_ERRNO(link("one", "three"), EEXIST);
	return 0;
}

const struct selftest_case file_cases[] = {
	{ "readlink-checks-and-truncates", readlink_checks_and_truncates },
	{ "link-count-follows-link-and-unlink", link_count_follows_link_and_unlink },
	{ "pipe-size-can-be-read-and-set", pipe_size_can_be_read_and_set },
	{ "seek-data-and-hole-on-a-plain-file", seek_data_and_hole_on_a_plain_file },
	{ "chmod-and-fchmod-change-the-mode", chmod_and_fchmod_change_the_mode },
	{ "record-locks-conflict-between-processes", record_locks_conflict_between_processes },
	{ "getcwd-follows-chdir-and-fchdir", getcwd_follows_chdir_and_fchdir },
	{ "renameat2-noreplace-and-bad-flags", renameat2_noreplace_and_bad_flags },
	{ "fcntl-dupfd-and-status-flags", fcntl_dupfd_and_status_flags },
	{ "dup3-checks-flags-and-same-descriptor", dup3_checks_flags_and_same_descriptor },
	{ "ftruncate-shrinks-and-grows-with-zeros", ftruncate_shrinks_and_grows_with_zeros },
	{ "utimensat-sets-omits-and-takes-now", utimensat_sets_omits_and_takes_now },
	{ "at-calls-work-from-a-directory-descriptor", at_calls_work_from_a_directory_descriptor },
	{ "statx-agrees-with-fstat", statx_agrees_with_fstat },
	{ "fifo-opens-and-carries-data", fifo_opens_and_carries_data },
	{ "proc-fd-links-open-the-file-itself", proc_fd_links_open_the_file_itself },
	{ "read-write-and-lseek-agree", read_write_and_lseek_agree },
	{ "write-past-end-leaves-zero-filled-hole", write_past_end_leaves_zero_filled_hole },
	{ "append-trunc-and-excl-behave", append_trunc_and_excl_behave },
	{ "fstat-reports-type-mode-and-size", fstat_reports_type_mode_and_size },
	{ "getdents64-lists-every-entry-once", getdents64_lists_every_entry_once },
	{ "mkdir-and-rmdir-follow-directory-rules", mkdir_and_rmdir_follow_directory_rules },
	{ "unlinked-file-stays-readable-through-open-descriptor",
	  unlinked_file_stays_readable_through_open_descriptor },
	{ "rename-replaces-target-in-one-step", rename_replaces_target_in_one_step },
	{ "hard-link-shares-inode-and-counts", hard_link_shares_inode_and_counts },
	{ "symlink-resolves-and-readlink-returns-target",
	  symlink_resolves_and_readlink_returns_target },
	{ "dup2-shares-offset-and-clears-cloexec", dup2_shares_offset_and_clears_cloexec },
	{ "cloexec-descriptors-close-on-exec", cloexec_descriptors_close_on_exec },
	{ "pipe-carries-data-then-end-of-file", pipe_carries_data_then_end_of_file },
	{ "nonblocking-pipe-read-returns-eagain", nonblocking_pipe_read_returns_eagain },
	{ "readv-and-writev-gather-and-scatter", readv_and_writev_gather_and_scatter },
	{ "poll-reports-pipe-readiness-and-waits", poll_reports_pipe_readiness_and_waits },
	{ "select-reports-pipe-readiness-and-waits", select_reports_pipe_readiness_and_waits },
	{ "epoll-reports-level-and-edge-events", epoll_reports_level_and_edge_events },
	{ "epoll-wait-sleeps-until-another-process-writes",
	  epoll_wait_sleeps_until_another_process_writes },
	{ NULL, NULL },
};
