/* What the vDSO's files share: the vvar page the kernel maps just below the
 * image, an ordered TSC read, the system call they fall back to, and the
 * mark for the functions the image exports. */
#ifndef GUEST_VDSO_VDSO_H
#define GUEST_VDSO_VDSO_H

#include <stdint.h>
#include <vitro/vvar.h>

/* Each exported function has a __vdso_ name (what glibc and musl look up,
 * with version LINUX_2.6) and, as on Linux, a weak alias without it. */
#define VDSO_EXPORT(type, name, args)                                                        \
	type __vdso_##name args __attribute__((visibility("default")));                      \
	type name args __attribute__((weak, visibility("default"), alias("__vdso_" #name))); \
	type __vdso_##name args

/* vdso.lds puts this symbol one page below the image, where exec maps the
 * vvar page. Hidden, so code reaches it PC-relative, with no relocation. Not
 * const, though user mode cannot write it: the kernel and KVM do, and a
 * const object's loads could be cached across the readers' barriers. */
extern struct vvar_page vdso_vvar __attribute__((visibility("hidden")));

/* The TSC, read after every load before it (pvclock's version): RDTSC alone
 * may run early. LFENCE orders it on Intel, and on AMD where the kernel made
 * LFENCE dispatch-serialising (Linux's rdtsc_ordered() makes the same bet). */
static inline uint64_t vdso_read_tsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* The real system call, for what the vDSO cannot answer: its return value
 * (0 or -errno) is what the vDSO function returns. */
static inline long vdso_syscall2(long nr, long arg0, long arg1)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(arg0), "S"(arg1)
			     : "rcx", "r11", "memory");
	return ret;
}

static inline long vdso_syscall3(long nr, long arg0, long arg1, long arg2)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(arg0), "S"(arg1), "d"(arg2)
			     : "rcx", "r11", "memory");
	return ret;
}

#endif
