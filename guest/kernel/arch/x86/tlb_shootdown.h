/* TLB shoot-down across CPUs by IPI (tlb.c). */
#ifndef ARCH_X86_TLB_SHOOTDOWN_H
#define ARCH_X86_TLB_SHOOTDOWN_H

#include <vitro/cpu.h>

/* Linux uses this vector for call-function IPIs; ours only flushes TLBs. */
#define TLB_SHOOTDOWN_VECTOR 0xfb

/* Routes the shoot-down IPI and makes flush_tlb_kernel_range() use it. */
void tlb_shootdown_init(void);

/* Shoot-down requests each CPU has handled (for tests). */
extern unsigned long tlb_shootdowns_handled[NR_CPUS];

#endif
