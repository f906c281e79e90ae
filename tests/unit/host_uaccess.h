/* User memory for host tests of system calls: a window mapped by the test
 * stands for the process's address space. access_ok() accepts only
 * addresses inside it, and pages marked absent make a copy stop there, as a
 * fault on an unmapped user page would (tests/unit/host_uaccess.c). */
#ifndef TESTS_UNIT_HOST_UACCESS_H
#define TESTS_UNIT_HOST_UACCESS_H

#include <stddef.h>
#include <stdint.h>

#define HOST_USER_PAGES 64

/* A user address no test maps: every access to it is -EFAULT. */
#define HOST_USER_BAD_ADDR 0x1000ull

/* Maps a fresh, zeroed window with every page present. */
void host_user_start(void);
void host_user_end(void);

/* Room in the window, 16-byte aligned, zeroed; aborts when the window is full. */
uint64_t host_user_alloc(size_t size);
uint64_t host_user_copy(const void *data, size_t size);
uint64_t host_user_str(const char *s);
/* The test's own view of a user address. */
void *host_user_ptr(uint64_t uaddr);

/* Pages covering [uaddr, uaddr + len) become absent: copies fault there. */
void host_user_unmap(uint64_t uaddr, size_t len);
/* The address just past the last page that is present: a buffer ending
 * there is fine, one byte more faults. The page after it is absent. */
uint64_t host_user_edge(void);

#endif
