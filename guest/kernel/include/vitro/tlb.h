/* TLB maintenance after kernel page-table changes. Changing a present entry
 * (unmap, permission change) needs a flush; making one present does not.
 * With several CPUs online the flush must reach them all: tlb_shootdown is
 * the hook the SMP code sets to send the IPIs; until then only this CPU
 * runs. Host builds have no TLB. */
#ifndef VITRO_TLB_H
#define VITRO_TLB_H

#include <stdint.h>

#ifdef VITRO_HOST_BUILD
static inline void flush_tlb_kernel_range(uint64_t start, uint64_t end)
{
	(void)start;
	(void)end;
}

static inline void flush_tlb_all(void)
{
}
#else
/* Invalidates [start, end) on this CPU, then on the others through
 * tlb_shootdown if set. Large ranges flush everything. */
void flush_tlb_kernel_range(uint64_t start, uint64_t end);
void flush_tlb_all(void);

extern void (*tlb_shootdown)(uint64_t start, uint64_t end);
#endif

#endif
