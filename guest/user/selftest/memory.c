/* Memory cases: anonymous and file mappings (private and shared), munmap, mprotect, mremap,
 * brk, MADV_DONTNEED, copy-on-write after fork, demand paging, EFAULT from system calls. */
#include "selftest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static unsigned char pattern_byte(size_t i, unsigned seed)
{
	return (unsigned char)((i * 31 + seed * 17 + (i >> 12)) & 0xff);
}

static void pattern_fill(unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pattern_byte(i, seed);
}

/* The offset of the first byte in [from, to) of a buffer filled with the pattern that differs
 * from it, or to. */
static size_t pattern_check_range(const unsigned char *p, size_t from, size_t to, unsigned seed)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != pattern_byte(i, seed))
			return i;
	return to;
}

static size_t pattern_check(const unsigned char *p, size_t len, unsigned seed)
{
	return pattern_check_range(p, 0, len, seed);
}

static size_t first_nonzero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return i;
	return len;
}

static int anonymous_mapping_is_zeroed_and_writable(void)
{
	size_t len = 64 * 1024;
	unsigned char *p = mmap(NULL, len, RW, ANON, -1, 0);

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	EXPECT(((uintptr_t)p & (PAGE_SIZE - 1)) == 0, "mmap returned unaligned %p", (void *)p);
	size_t at = first_nonzero(p, len);
	EXPECT(at == len, "byte %zu of a fresh mapping is %d", at, p[at]);
	pattern_fill(p, len, 1);
	at = pattern_check(p, len, 1);
	EXPECT(at == len, "byte %zu did not keep what was written", at);
	EXPECT_OK(munmap(p, len));
	return 0;
}

static int make_file(const char *name, size_t len, unsigned seed)
{
	unsigned char *data = malloc(len);
	int ret;

	if (!data)
		return -1;
	pattern_fill(data, len, seed);
	ret = selftest_write_file(name, data, len, 0644);
	free(data);
	return ret;
}

static int private_file_mapping_keeps_writes_private(void)
{
	size_t len = 3 * PAGE_SIZE + 100;
	unsigned char back[64];
	int fd;

	EXPECT_OK(make_file("data", len, 2));
	EXPECT_OK(fd = open("data", O_RDWR));
	unsigned char *p = mmap(NULL, len, RW, MAP_PRIVATE, fd, 0);
	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	size_t at = pattern_check(p, len, 2);
	EXPECT(at == len, "byte %zu of the mapping differs from the file", at);
	at = first_nonzero(p + len, 4 * PAGE_SIZE - len);
	EXPECT(at == 4 * PAGE_SIZE - len, "the last page past end of file is not zero at %zu", at);
	memset(p, 0xee, 64);
	EXPECT(pread(fd, back, sizeof(back), 0) == sizeof(back), "pread: %s", strerror(errno));
	EXPECT(pattern_check(back, sizeof(back), 2) == sizeof(back),
	       "a write to a MAP_PRIVATE mapping reached the file");
	EXPECT(p[0] == 0xee, "the private copy lost the write");
	close(fd);
	return 0;
}

static int shared_file_mapping_writes_reach_file(void)
{
	size_t len = 2 * PAGE_SIZE;
	unsigned char back[16];
	int fd;

	EXPECT_OK(make_file("data", len, 3));
	EXPECT_OK(fd = open("data", O_RDWR));
	unsigned char *p = mmap(NULL, len, RW, MAP_SHARED, fd, 0);
	unsigned char *q = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT(p != MAP_FAILED && q != MAP_FAILED, "mmap: %s", strerror(errno));
	memcpy(p + PAGE_SIZE + 8, "shared-write", 12);
	EXPECT(memcmp(q + PAGE_SIZE + 8, "shared-write", 12) == 0,
	       "a second shared mapping of the file does not see the write");
	EXPECT_OK(msync(p, len, MS_SYNC));
	EXPECT(pread(fd, back, 12, PAGE_SIZE + 8) == 12, "pread: %s", strerror(errno));
	EXPECT(memcmp(back, "shared-write", 12) == 0, "read() does not see the mapped write");
	EXPECT(pwrite(fd, "by-write", 8, 0) == 8, "pwrite: %s", strerror(errno));
	EXPECT(memcmp(p, "by-write", 8) == 0, "the mapping does not see a write() to the file");
	close(fd);
	return 0;
}

/* Each side of the fork writes, then tells the other through a pipe; each checks the other's
 * write is visible in shared memory and invisible in private memory. */
static int memory_after_fork(bool is_shared)
{
	int flags = (is_shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	size_t len = 16 * PAGE_SIZE;
	unsigned char *p = mmap(NULL, len, RW, flags, -1, 0);
	int to_child[2], to_parent[2], status;
	char c;

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	pattern_fill(p, len, 4);
	EXPECT_OK(pipe(to_child));
	EXPECT_OK(pipe(to_parent));
	pid_t pid = fork();
	EXPECT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int bad = 0;

		/* Wait until the parent has written page 0 after the fork. */
		if (read(to_child[0], &c, 1) != 1)
			_exit(10);
		if (p[0] != (is_shared ? 0xaa : pattern_byte(0, 4)))
			bad |= 1;
		if (pattern_check_range(p, PAGE_SIZE, len, 4) != len)
			bad |= 2;
		memset(p + 5 * PAGE_SIZE, 0xbb, PAGE_SIZE);
		if (p[5 * PAGE_SIZE + 7] != 0xbb)
			bad |= 4;
		_exit(write(to_parent[1], "w", 1) == 1 ? bad : 11);
	}
	memset(p, 0xaa, PAGE_SIZE);
	EXPECT(write(to_child[1], "w", 1) == 1, "write: %s", strerror(errno));
	EXPECT(read(to_parent[0], &c, 1) == 1, "the child died before writing");
	EXPECT(selftest_wait(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	EXPECT(!(WIFEXITED(status) && (WEXITSTATUS(status) & 1)),
	       "the child saw %s after the parent's write", is_shared ? "old data" : "new data");
	EXPECT(!(WIFEXITED(status) && (WEXITSTATUS(status) & 2)),
	       "the child saw other data than the parent had written before the fork");
	EXPECT(selftest_exited_with(status, 0), "the child %s", selftest_describe_status(status));
	if (is_shared)
		EXPECT(p[5 * PAGE_SIZE] == 0xbb, "the parent does not see the child's write");
	else
		EXPECT(pattern_check_range(p, PAGE_SIZE, len, 4) == len,
		       "the child's write to private memory reached the parent");
	EXPECT(p[1] == 0xaa, "the parent lost its own write");
	return 0;
}

static int private_memory_is_copied_on_write_after_fork(void)
{
	return memory_after_fork(false);
}

static int shared_anonymous_memory_is_shared_across_fork(void)
{
	return memory_after_fork(true);
}

static int munmap_middle_page_splits_mapping(void)
{
	unsigned char *p = mmap(NULL, 3 * PAGE_SIZE, RW, ANON, -1, 0);

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	pattern_fill(p, 3 * PAGE_SIZE, 5);
	EXPECT_OK(munmap(p + PAGE_SIZE, PAGE_SIZE));
	EXPECT(selftest_is_readable(p), "the first page went with the middle one");
	EXPECT(!selftest_is_readable(p + PAGE_SIZE), "the unmapped middle page is still readable");
	EXPECT(selftest_is_readable(p + 2 * PAGE_SIZE), "the last page went with the middle one");
	EXPECT(pattern_check(p, PAGE_SIZE, 5) == PAGE_SIZE, "the first page changed");
	EXPECT(p[2 * PAGE_SIZE + 9] == pattern_byte(2 * PAGE_SIZE + 9, 5), "the last page changed");
	EXPECT_OK(munmap(p, 3 * PAGE_SIZE)); /* a range with a hole is fine */
	EXPECT(!selftest_is_readable(p) && !selftest_is_readable(p + 2 * PAGE_SIZE),
	       "munmap over a hole left pages mapped");
	return 0;
}

static int mmap_rejects_bad_arguments(void)
{
	int fd;

	EXPECT_ERRNO((long)mmap(NULL, 0, RW, ANON, -1, 0), EINVAL);
	EXPECT_ERRNO((long)mmap((void *)0x10001000, PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 1),
		     EINVAL);
	EXPECT_ERRNO((long)mmap((void *)0x10000100, PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0),
		     EINVAL);
	EXPECT_ERRNO((long)mmap(NULL, PAGE_SIZE, RW, MAP_PRIVATE, 9999, 0), EBADF);
	EXPECT_OK(make_file("data", PAGE_SIZE, 6));
	EXPECT_OK(fd = open("data", O_RDONLY));
	EXPECT_ERRNO((long)mmap(NULL, PAGE_SIZE, RW, MAP_SHARED, fd, 0), EACCES);
	EXPECT_ERRNO((long)mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
	EXPECT_ERRNO(munmap((void *)0x10000100, PAGE_SIZE), EINVAL);
	return 0;
}

static int mmap_fixed_replaces_existing_mapping(void)
{
	unsigned char *p = mmap(NULL, 4 * PAGE_SIZE, RW, ANON, -1, 0);

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(p, 0x55, 4 * PAGE_SIZE);
	unsigned char *q = mmap(p + PAGE_SIZE, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0);
	EXPECT(q == p + PAGE_SIZE, "MAP_FIXED put the mapping at %p, want %p", (void *)q,
	       (void *)(p + PAGE_SIZE));
	EXPECT(first_nonzero(q, 2 * PAGE_SIZE) == 2 * PAGE_SIZE,
	       "the replaced range kept old data");
	EXPECT(p[PAGE_SIZE - 1] == 0x55 && p[3 * PAGE_SIZE] == 0x55,
	       "the pages around the replaced range changed");
	return 0;
}

static int mprotect_changes_access_and_keeps_contents(void)
{
	unsigned char *p = mmap(NULL, 2 * PAGE_SIZE, RW, ANON, -1, 0);

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	pattern_fill(p, 2 * PAGE_SIZE, 7);
	EXPECT_OK(mprotect(p, PAGE_SIZE, PROT_NONE));
	EXPECT(!selftest_is_readable(p), "a PROT_NONE page is readable");
	EXPECT(selftest_is_writable(p + PAGE_SIZE), "the next page lost its access");
	EXPECT_OK(mprotect(p, PAGE_SIZE, PROT_READ));
	EXPECT(selftest_is_readable(p), "a PROT_READ page is not readable");
	EXPECT(!selftest_is_writable(p), "a PROT_READ page is writable");
	EXPECT_OK(mprotect(p, 2 * PAGE_SIZE, RW));
	EXPECT(selftest_is_writable(p), "the page is not writable again");
	EXPECT(pattern_check(p, 2 * PAGE_SIZE, 7) == 2 * PAGE_SIZE,
	       "the contents changed across mprotect");
	/* libc rounds the address down: ask the kernel itself. */
	EXPECT_ERRNO(syscall(SYS_mprotect, p + 1, PAGE_SIZE, PROT_READ), EINVAL);
	return 0;
}

static int mremap_grows_moves_and_shrinks(void)
{
	size_t small = 2 * PAGE_SIZE, big = 64 * PAGE_SIZE;
	unsigned char *p = mmap(NULL, small, RW, ANON, -1, 0);
	/* A neighbour right after the mapping, so growing in place is impossible. */
	void *blocker = mmap(p + small, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0);

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	pattern_fill(p, small, 8);
	EXPECT_ERRNO((long)mremap(p, small, big, 0), ENOMEM);
	unsigned char *q = mremap(p, small, big, MREMAP_MAYMOVE);
	EXPECT(q != MAP_FAILED, "mremap: %s", strerror(errno));
	EXPECT(pattern_check(q, small, 8) == small, "mremap lost the contents");
	EXPECT(first_nonzero(q + small, big - small) == big - small, "the new part is not zero");
	q[big - 1] = 1;
	if (blocker != MAP_FAILED && q != p)
		EXPECT(!selftest_is_readable(p), "the old place is still mapped after the move");
	unsigned char *r = mremap(q, big, PAGE_SIZE, 0);
	EXPECT(r == q, "shrinking moved the mapping to %p", (void *)r);
	EXPECT(!selftest_is_readable(q + PAGE_SIZE), "the tail is still mapped after shrinking");
	EXPECT(pattern_check(r, PAGE_SIZE, 8) == PAGE_SIZE, "shrinking lost the contents");
	return 0;
}

static int brk_grows_zeroed_and_shrinks(void)
{
	uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
	size_t grow = 1024 * 1024;

	EXPECT(start != 0, "brk(0) returned 0");
	uintptr_t end = (uintptr_t)syscall(SYS_brk, start + grow);
	EXPECT(end == start + grow, "brk(%#lx) returned %#lx", (unsigned long)(start + grow),
	       (unsigned long)end);
	unsigned char *p = (unsigned char *)start;
	size_t at = first_nonzero(p, grow);
	EXPECT(at == grow, "byte %zu of the new heap is %d, want 0", at, p[at]);
	pattern_fill(p, grow, 9);
	EXPECT(pattern_check(p, grow, 9) == grow, "the heap did not keep its contents");
	uintptr_t far_page = (start + grow / 2 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	end = (uintptr_t)syscall(SYS_brk, start);
	EXPECT(end == start, "shrinking brk returned %#lx, want %#lx", (unsigned long)end,
	       (unsigned long)start);
	EXPECT(!selftest_is_readable((void *)far_page), "the heap is still mapped after shrinking");
	return 0;
}

static int madvise_dontneed_zeroes_anonymous_and_rereads_file(void)
{
	size_t len = 8 * PAGE_SIZE;
	unsigned char *p = mmap(NULL, len, RW, ANON, -1, 0);
	int fd;

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	pattern_fill(p, len, 10);
	EXPECT_OK(madvise(p + 2 * PAGE_SIZE, 4 * PAGE_SIZE, MADV_DONTNEED));
	EXPECT(first_nonzero(p + 2 * PAGE_SIZE, 4 * PAGE_SIZE) == 4 * PAGE_SIZE,
	       "anonymous pages are not zero after MADV_DONTNEED");
	EXPECT(pattern_check(p, 2 * PAGE_SIZE, 10) == 2 * PAGE_SIZE,
	       "pages before the advised range changed");
	EXPECT(p[7 * PAGE_SIZE] == pattern_byte(7 * PAGE_SIZE, 10),
	       "pages after the advised range changed");

	EXPECT_OK(make_file("data", PAGE_SIZE, 11));
	EXPECT_OK(fd = open("data", O_RDONLY));
	unsigned char *f = mmap(NULL, PAGE_SIZE, RW, MAP_PRIVATE, fd, 0);
	EXPECT(f != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(f, 0, 100);
	EXPECT_OK(madvise(f, PAGE_SIZE, MADV_DONTNEED));
	EXPECT(pattern_check(f, PAGE_SIZE, 11) == PAGE_SIZE,
	       "a private file page did not return to the file's contents after MADV_DONTNEED");
	close(fd);
	return 0;
}

static size_t resident_pages(void *p, size_t len)
{
	static unsigned char vec[16384];
	size_t n = len / PAGE_SIZE, resident = 0;

	if (n > sizeof(vec) || mincore(p, len, vec) != 0)
		return (size_t)-1;
	for (size_t i = 0; i < n; i++)
		resident += vec[i] & 1;
	return resident;
}

static int big_mapping_gets_pages_only_when_touched(void)
{
	size_t len = 64 * 1024 * 1024, touched = 0;
	unsigned char *p = mmap(NULL, len, RW, ANON | MAP_NORESERVE, -1, 0);

	EXPECT(p != MAP_FAILED, "mmap of 64 MiB: %s", strerror(errno));
	madvise(p, len, MADV_NOHUGEPAGE); /* count 4 KiB pages, not huge ones */
	size_t resident = resident_pages(p, len);
	EXPECT(resident == 0, "%zu pages resident before any touch (mincore: %s)", resident,
	       resident == (size_t)-1 ? strerror(errno) : "ok");
	for (size_t off = 0; off < len; off += len / 16, touched++)
		p[off + 5] = 1;
	resident = resident_pages(p, len);
	EXPECT(resident == touched, "%zu pages resident after touching %zu", resident, touched);
	return 0;
}

static int big_allocation_is_filled_page_by_page(void)
{
	size_t len = 8 * 1024 * 1024;
	unsigned char *p = malloc(len);

	EXPECT(p, "malloc of 8 MiB failed");
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		*(size_t *)(p + off) = off ^ 0x5a5a;
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		EXPECT(*(size_t *)(p + off) == (off ^ 0x5a5a), "page at %zu lost its value", off);
	free(p);
	return 0;
}

/* VmRSS from /proc/self/status, in KiB, or -1. */
static long rss_kib(void)
{
	char text[4096];
	long kib = -1;
	int fd = open("/proc/self/status", O_RDONLY);

	if (fd < 0)
		return -1;
	selftest_read_all(fd, text, sizeof(text));
	close(fd);
	const char *line = strstr(text, "\nVmRSS:");
	if (line)
		sscanf(line, "\nVmRSS: %ld", &kib);
	return kib;
}

static int rss_in_proc_grows_only_on_touch(void)
{
	size_t len = 32 * 1024 * 1024;
	unsigned char *p = mmap(NULL, len, RW, ANON | MAP_NORESERVE, -1, 0);
	long before = rss_kib();

	EXPECT(before >= 0, "no VmRSS in /proc/self/status (%s): is procfs mounted?",
	       strerror(errno));
	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	madvise(p, len, MADV_NOHUGEPAGE);
	long mapped = rss_kib();
	EXPECT(mapped - before < 1024, "mapping 32 MiB raised VmRSS by %ld KiB", mapped - before);
	memset(p, 1, 8 * 1024 * 1024);
	long after = rss_kib();
	EXPECT(after - mapped >= 8 * 1024 - 64 && after - mapped < 16 * 1024,
	       "touching 8 MiB raised VmRSS by %ld KiB", after - mapped);
	return 0;
}

static int system_call_with_bad_pointer_returns_efault(void)
{
	unsigned char *p = mmap(NULL, PAGE_SIZE, RW, ANON, -1, 0);
	int fds[2];

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	EXPECT_OK(munmap(p, PAGE_SIZE));
	EXPECT_OK(pipe(fds));
	EXPECT_ERRNO(write(fds[1], p, 10), EFAULT);
	EXPECT(write(fds[1], "abc", 3) == 3, "write: %s", strerror(errno));
	EXPECT_ERRNO(read(fds[0], p, 3), EFAULT);
	EXPECT_ERRNO(open((const char *)p, O_RDONLY), EFAULT);
	EXPECT_ERRNO(syscall(SYS_uname, (void *)-4096L), EFAULT); /* a kernel address */
	return 0;
}

/* MAP_FIXED_NOREPLACE refuses to land on a mapping that is there. */
static int fixed_noreplace_refuses_an_existing_mapping(void)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	EXPECT(mmap(p, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x100000, -1, 0) ==
			       MAP_FAILED &&
		       errno == EEXIST,
	       "MAP_FIXED_NOREPLACE over a mapping: %s", strerror(errno));
	EXPECT_OK(munmap(p + PAGE_SIZE, PAGE_SIZE));
	EXPECT(mmap(p + PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x100000, -1,
		    0) == p + PAGE_SIZE,
	       "MAP_FIXED_NOREPLACE into the hole: %s", strerror(errno));
	munmap(p, 2 * PAGE_SIZE);
	return 0;
}

/* mincore: untouched anonymous pages are not resident, touched ones are. */
static int mincore_reports_touched_pages(void)
{
	unsigned char vec[4];
	char *p = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	p[2 * PAGE_SIZE] = 1;
	EXPECT_OK(mincore(p, 4 * PAGE_SIZE, vec));
	EXPECT((vec[2] & 1) && !(vec[0] & 1) && !(vec[3] & 1), "mincore %d %d %d %d", vec[0],
	       vec[1], vec[2], vec[3]);
	EXPECT_ERRNO(mincore(p + 1, PAGE_SIZE, vec), EINVAL);
	munmap(p, 4 * PAGE_SIZE);
	return 0;
}

static int read_prot_none(void *arg)
{
	volatile char *p = arg;

	return *p; /* faults: the child dies of SIGSEGV */
}

/* A PROT_NONE page faults on a read; munmap wants a page-aligned address;
 * madvise refuses advice it does not know. */
static int prot_none_unaligned_munmap_and_bad_advice(void)
{
	char *p = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;

	EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	status = selftest_child_status(read_prot_none, p);
	EXPECT(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	       "reading PROT_NONE: %s", selftest_describe_status(status));
	EXPECT_ERRNO(munmap(p + 1, PAGE_SIZE), EINVAL);
	EXPECT_ERRNO(madvise(p, PAGE_SIZE, 12345), EINVAL);
	EXPECT_OK(munmap(p, PAGE_SIZE));
	return 0;
}

const struct selftest_case memory_cases[] = {
	{ "prot-none-unaligned-munmap-and-bad-advice", prot_none_unaligned_munmap_and_bad_advice },
	{ "fixed-noreplace-refuses-an-existing-mapping",
	  fixed_noreplace_refuses_an_existing_mapping },
	{ "mincore-reports-touched-pages", mincore_reports_touched_pages },
	{ "anonymous-mapping-is-zeroed-and-writable", anonymous_mapping_is_zeroed_and_writable },
	{ "private-file-mapping-keeps-writes-private", private_file_mapping_keeps_writes_private },
	{ "shared-file-mapping-writes-reach-file", shared_file_mapping_writes_reach_file },
	{ "private-memory-is-copied-on-write-after-fork",
	  private_memory_is_copied_on_write_after_fork },
	{ "shared-anonymous-memory-is-shared-across-fork",
	  shared_anonymous_memory_is_shared_across_fork },
	{ "munmap-middle-page-splits-mapping", munmap_middle_page_splits_mapping },
	{ "mmap-rejects-bad-arguments", mmap_rejects_bad_arguments },
	{ "mmap-fixed-replaces-existing-mapping", mmap_fixed_replaces_existing_mapping },
	{ "mprotect-changes-access-and-keeps-contents",
	  mprotect_changes_access_and_keeps_contents },
	{ "mremap-grows-moves-and-shrinks", mremap_grows_moves_and_shrinks },
	{ "brk-grows-zeroed-and-shrinks", brk_grows_zeroed_and_shrinks },
	{ "madvise-dontneed-zeroes-anonymous-and-rereads-file",
	  madvise_dontneed_zeroes_anonymous_and_rereads_file },
	{ "big-mapping-gets-pages-only-when-touched", big_mapping_gets_pages_only_when_touched },
	{ "big-allocation-is-filled-page-by-page", big_allocation_is_filled_page_by_page },
	{ "rss-in-proc-grows-only-on-touch", rss_in_proc_grows_only_on_touch },
	{ "system-call-with-bad-pointer-returns-efault",
	  system_call_with_bad_pointer_returns_efault },
	{ NULL, NULL },
};
