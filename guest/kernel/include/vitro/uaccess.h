/* Access to user memory from the kernel (Linux's uaccess): every user pointer
 * is checked against the user half of the address space, and a fault on it
 * (no mapping, no permission) turns into a short count or -EFAULT instead of
 * a kernel crash. Pages not yet present are faulted in on the way. */
#ifndef VITRO_UACCESS_H
#define VITRO_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The end of the user half: the last page below the canonical boundary is
 * never mapped (Linux's TASK_SIZE_MAX), so a SYSCALL at its very end cannot
 * return to a non-canonical address. */
#define USER_ADDR_END 0x00007ffffffff000ull

#ifdef VITRO_HOST_BUILD
/* Host builds: "user memory" is a window the test maps (tests/unit/host_uaccess.c). */
bool access_ok(uint64_t addr, uint64_t len);
#else
static inline bool access_ok(uint64_t addr, uint64_t len)
{
	return addr <= USER_ADDR_END && len <= USER_ADDR_END - addr;
}
#endif

/* Return the number of bytes NOT copied (0 on success), as Linux's. */
unsigned long copy_from_user(void *dst, uint64_t usrc, unsigned long n);
unsigned long copy_to_user(uint64_t udst, const void *src, unsigned long n);
unsigned long clear_user(uint64_t udst, unsigned long n);

/* Copies a NUL-terminated string of at most count bytes (the NUL included)
 * into dst. Returns its length, count if no NUL came within count bytes
 * (dst is then not terminated), or -EFAULT. */
long strncpy_from_user(char *dst, uint64_t usrc, long count);

/* An atomic compare-and-exchange of the aligned user word at uaddr (futex):
 * *found gets the value seen. 0, or -EFAULT. */
int futex_atomic_cmpxchg_user(uint32_t *found, uint64_t uaddr, uint32_t expected, uint32_t desired);

/* Single values: 0 or -EFAULT. */
#define get_user(x, uptr)                                                            \
	({                                                                           \
		__typeof__(x) __val;                                                 \
		int __rc = copy_from_user(&__val, (uint64_t)(uptr), sizeof(__val)) ? \
				   -14 /* EFAULT */                                  \
				   :                                                 \
				   0;                                                \
		if (!__rc)                                                           \
			(x) = __val;                                                 \
		__rc;                                                                \
	})

#define put_user(x, uptr)                                                        \
	({                                                                       \
		__typeof__(*(uptr)) __val = (x);                                 \
		copy_to_user((uint64_t)(uptr), &__val, sizeof(__val)) ? -14 : 0; \
	})

#endif
