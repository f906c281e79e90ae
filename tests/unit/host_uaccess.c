/* See host_uaccess.h: the kernel's user-copy API over a test's window. */
#include "host_uaccess.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/errno.h>
#include <vitro/uaccess.h>

#define PAGE 4096ull
#define WINDOW_SIZE (HOST_USER_PAGES * PAGE)

static uint8_t *window;
static bool is_absent[HOST_USER_PAGES];
static size_t next_free;

void host_user_start(void)
{
	window =
		mmap(NULL, WINDOW_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (window == MAP_FAILED) {
		perror("host_user_start: mmap");
		abort();
	}
	memset(is_absent, 0, sizeof(is_absent));
	/* The last page is absent: host_user_edge() lies just before it. */
	is_absent[HOST_USER_PAGES - 1] = true;
	next_free = 0;
}

void host_user_end(void)
{
	munmap(window, WINDOW_SIZE);
	window = NULL;
}

uint64_t host_user_alloc(size_t size)
{
	size_t at = (next_free + 15) & ~(size_t)15;

	if (at + size > WINDOW_SIZE - 2 * PAGE) {
		fprintf(stderr, "host_user_alloc: window full\n");
		abort();
	}
	next_free = at + size;
	memset(window + at, 0, size);
	return (uint64_t)(uintptr_t)(window + at);
}

uint64_t host_user_copy(const void *data, size_t size)
{
	uint64_t uaddr = host_user_alloc(size);

	memcpy(window + (uaddr - (uint64_t)(uintptr_t)window), data, size);
	return uaddr;
}

uint64_t host_user_str(const char *s)
{
	return host_user_copy(s, strlen(s) + 1);
}

void *host_user_ptr(uint64_t uaddr)
{
	return (void *)(uintptr_t)uaddr;
}

void host_user_unmap(uint64_t uaddr, size_t len)
{
	uint64_t start = uaddr - (uint64_t)(uintptr_t)window;

	for (uint64_t off = start & ~(PAGE - 1); off < start + len; off += PAGE)
		is_absent[off / PAGE] = true;
}

uint64_t host_user_edge(void)
{
	return (uint64_t)(uintptr_t)window + WINDOW_SIZE - PAGE;
}

bool access_ok(uint64_t addr, uint64_t len)
{
	uint64_t base = (uint64_t)(uintptr_t)window;

	/* As on Linux, an empty range is always fine. */
	if (len == 0)
		return true;
	return window && addr >= base && addr - base <= WINDOW_SIZE &&
	       len <= WINDOW_SIZE - (addr - base);
}

/* Bytes of [addr, addr + n) that can be touched before the first absent page. */
static unsigned long present_run(uint64_t addr, unsigned long n)
{
	uint64_t off = addr - (uint64_t)(uintptr_t)window;
	unsigned long run = 0;

	while (run < n && !is_absent[(off + run) / PAGE]) {
		unsigned long in_page = PAGE - (off + run) % PAGE;

		run += in_page < n - run ? in_page : n - run;
	}
	return run;
}

unsigned long copy_from_user(void *dst, uint64_t usrc, unsigned long n)
{
	unsigned long run;

	if (!access_ok(usrc, n))
		return n;
	run = present_run(usrc, n);
	memcpy(dst, (const void *)(uintptr_t)usrc, run);
	return n - run;
}

unsigned long copy_to_user(uint64_t udst, const void *src, unsigned long n)
{
	unsigned long run;

	if (!access_ok(udst, n))
		return n;
	run = present_run(udst, n);
	memcpy((void *)(uintptr_t)udst, src, run);
	return n - run;
}

unsigned long clear_user(uint64_t udst, unsigned long n)
{
	unsigned long run;

	if (!access_ok(udst, n))
		return n;
	run = present_run(udst, n);
	memset((void *)(uintptr_t)udst, 0, run);
	return n - run;
}

long strncpy_from_user(char *dst, uint64_t usrc, long count)
{
	for (long i = 0; i < count; i++) {
		if (copy_from_user(dst + i, usrc + (uint64_t)i, 1))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return count;
}
