/* The vDSO's getcpu: the CPU (and NUMA node, always 0 here) the caller runs
 * on. The kernel keeps no per-CPU value that user mode can read (Linux puts
 * it in TSC_AUX for RDPID/RDTSCP), so this is the system call, exported so
 * that the C libraries find every function Linux's vDSO has. */
#include <asm/unistd.h>

#include "vdso.h"

struct getcpu_cache;

VDSO_EXPORT(long, getcpu, (unsigned int *cpu, unsigned int *node, struct getcpu_cache *unused))
{
	return vdso_syscall3(__NR_getcpu, (long)cpu, (long)node, (long)unused);
}
