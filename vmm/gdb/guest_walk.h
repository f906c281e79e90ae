/* Guest virtual-to-physical translation for the gdb stub: walks the guest's
 * page tables in guest RAM as the MMU would, from a vCPU's control registers.
 * Every table entry is read through guest_mem_ptr(), so tables that point
 * outside RAM make the walk fail, never vitro. No KVM: unit tests build
 * page tables in plain memory. */
#ifndef VMM_GDB_GUEST_WALK_H
#define VMM_GDB_GUEST_WALK_H

#include <stdint.h>

#include "../guest_mem.h"

#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PSE (1ull << 4)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_LA57 (1ull << 12)
#define X86_EFER_LMA (1ull << 10)

struct guest_paging {
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};

/* Translates a linear address. With paging off it is the physical address.
 * Handles 4- and 5-level paging (4 KiB, 2 MiB and 1 GiB pages), PAE and
 * 32-bit paging. Returns 0 with *gpa and *page_size (the size of the page
 * holding the address; 4 KiB with paging off), or -EFAULT when the address is
 * not mapped, not canonical, or a table lies outside guest RAM. */
int guest_walk_translate(const struct guest_mem *mem, const struct guest_paging *paging,
			 uint64_t linear, uint64_t *gpa, uint64_t *page_size);

#endif
