/* The guest's physical memory map in E820 terms, one builder for both boot
 * protocols: PVH's memmap table and Linux's zero page copy its entries. */
#ifndef VMM_BOOT_E820_H
#define VMM_BOOT_E820_H

#include <stdint.h>

#include "../../shared/boot/pvh.h"
#include "../guest_mem.h"

struct e820_range {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* enum e820_type */
};

/* Fills out with RAM as the machine lays it out (low RAM up to the EBDA, the
 * legacy hole 0x9fc00-1 MiB reserved, RAM from 1 MiB, RAM above 4 GiB) plus
 * the nr_extra ranges given (reserved MMIO, the trace rings), in address
 * order; empty ranges are left out. Returns how many entries (at most max). */
unsigned int e820_build(const struct guest_mem *mem, const struct e820_range *extra,
			unsigned int nr_extra, struct e820_range *out, unsigned int max);

#endif
