/* See vitro/uaccess.h. The copies are one REP MOVSB/STOSB each (batched even
 * where ring 0 is emulated); a fault inside resumes after it through the
 * exception table with RCX holding the bytes left. With SMAP on, STAC/CLAC
 * open user memory to the kernel for exactly that instruction. */
#include <vitro/errno.h>
#include <vitro/string.h>
#include <vitro/uaccess.h>

#include "traps.h"
#include "user.h"

static inline void user_access_begin(void)
{
	if (cpu_has_smap)
		__asm__ __volatile__("stac" : : : "memory");
}

static inline void user_access_end(void)
{
	if (cpu_has_smap)
		__asm__ __volatile__("clac" : : : "memory");
}

static unsigned long copy_bytes(void *dst, const void *src, unsigned long n)
{
	user_access_begin();
	__asm__ __volatile__("1: rep movsb\n\t"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     : "+D"(dst), "+S"(src), "+c"(n)
			     :
			     : "memory");
	user_access_end();
	return n;
}

unsigned long copy_from_user(void *dst, uint64_t usrc, unsigned long n)
{
	if (!access_ok(usrc, n))
		return n;
	return copy_bytes(dst, (const void *)usrc, n);
}

unsigned long copy_to_user(uint64_t udst, const void *src, unsigned long n)
{
	if (!access_ok(udst, n))
		return n;
	return copy_bytes((void *)udst, src, n);
}

unsigned long clear_user(uint64_t udst, unsigned long n)
{
	void *dst = (void *)udst;

	if (!access_ok(udst, n))
		return n;
	user_access_begin();
	__asm__ __volatile__("1: rep stosb\n\t"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     : "+D"(dst), "+c"(n)
			     : "a"(0)
			     : "memory");
	user_access_end();
	return n;
}

/* Copies up to the end of each page at a time, so a string that ends just
 * before an unmapped page is still read whole. */
long strncpy_from_user(char *dst, uint64_t usrc, long count)
{
	long done = 0;

	while (done < count) {
		uint64_t addr = usrc + (uint64_t)done;
		unsigned long chunk = 4096 - (addr & 4095);
		const char *nul;

		if (chunk > (unsigned long)(count - done))
			chunk = (unsigned long)(count - done);
		if (!access_ok(addr, chunk) || copy_bytes(dst + done, (const void *)addr, chunk))
			return -EFAULT;
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += (long)chunk;
	}
	return count;
}

int futex_atomic_cmpxchg_user(uint32_t *found, uint64_t uaddr, uint32_t expected, uint32_t desired)
{
	uint32_t old = expected;
	int err = 0;

	if ((uaddr & 3) || !access_ok(uaddr, 4))
		return -EFAULT;
	user_access_begin();
	__asm__ __volatile__("1: lock cmpxchgl %[desired], %[mem]\n\t"
			     "2:\n\t"
			     ".pushsection .text.fixup, \"ax\"\n\t"
			     "3: movl $-14, %[err]\n\t"
			     "jmp 2b\n\t"
			     ".popsection\n\t" TRAP_EXTABLE_ENTRY(1b, 3b)
			     : "+a"(old), [mem] "+m"(*(uint32_t *)uaddr), [err] "+r"(err)
			     : [desired] "r"(desired)
			     : "memory");
	user_access_end();
	*found = old;
	return err;
}
