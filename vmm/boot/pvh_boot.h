/* Builds what a PVH kernel finds at entry: hvm_start_info, the E820 memory
 * map, the command line and the module list (FDT first, then the initrd). */
#ifndef VMM_BOOT_PVH_BOOT_H
#define VMM_BOOT_PVH_BOOT_H

#include <stdint.h>

#include "../../shared/boot/pvh.h"
#include "../error.h"
#include "../guest_mem.h"

struct pvh_module {
	uint64_t gpa;
	uint64_t size;
	const char *name;
};

struct pvh_boot_params {
	const char *cmdline;
	uint64_t rsdp_gpa; /* the ACPI tables' RSDP; 0: none */
	unsigned int nr_modules;
	struct pvh_module modules[4];
};

/* Writes the start info and everything it points to into the boot area.
 * Returns 0 or a negative errno. */
int pvh_boot_write(struct guest_mem *mem, const struct pvh_boot_params *params,
		   struct vitro_error *err);

/* Fills entries with the guest's E820 map; returns how many (at most max). */
unsigned int pvh_memmap_build(const struct guest_mem *mem, struct hvm_memmap_table_entry *entries,
			      unsigned int max);

#endif
