/* TLB flushes for kernel mappings (see vitro/tlb.h). invlpg per page for
 * small ranges; beyond that a full flush, which must toggle CR4.PGE to drop
 * global entries (reloading CR3 keeps them). */
#include <stddef.h>
#include <vitro/mm.h>
#include <vitro/tlb.h>

#include "io.h"

#define CR4_PGE (1ull << 7)
#define FLUSH_ALL_THRESHOLD 32 /* pages; Linux's tlb_single_page_flush_ceiling is 33 */

void (*tlb_shootdown)(uint64_t start, uint64_t end);

static void flush_tlb_local_all(void)
{
	uint64_t cr4 = read_cr4();

	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

void flush_tlb_kernel_range(uint64_t start, uint64_t end)
{
	uint64_t addr;

	if ((end - start) / PAGE_SIZE > FLUSH_ALL_THRESHOLD) {
		flush_tlb_local_all();
	} else {
		for (addr = start & PAGE_MASK; addr < end; addr += PAGE_SIZE)
			invlpg(addr);
	}
	if (tlb_shootdown)
		tlb_shootdown(start, end);
}

void flush_tlb_all(void)
{
	flush_tlb_local_all();
	if (tlb_shootdown)
		tlb_shootdown(0, ~0ull);
}
