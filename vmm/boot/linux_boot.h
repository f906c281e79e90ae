/* Builds what a Linux bzImage kernel finds at its 64-bit entry (boot.rst,
 * "64-bit boot protocol"): the zero page (struct boot_params, with the
 * kernel's own setup header, the E820 map, the command line, the initrd and
 * the RSDP), a GDT with the boot code and data segments, and page tables
 * mapping the low 4 GiB 1:1. */
#ifndef VMM_BOOT_LINUX_BOOT_H
#define VMM_BOOT_LINUX_BOOT_H

#include <stdint.h>

#include "../error.h"
#include "../guest_mem.h"
#include "bzimage.h"
#include "e820.h"

#define LINUX_BOOT_CS 0x10 /* __BOOT_CS */
#define LINUX_BOOT_DS 0x18 /* __BOOT_DS */
#define LINUX_BOOT_GDT_ENTRIES 4
#define LINUX_TYPE_OF_LOADER_UNDEFINED 0xff /* a boot loader with no assigned ID */

struct linux_boot_params {
	const uint8_t *file; /* the bzImage, for its setup header */
	const struct bzimage_header *hdr;
	uint64_t kernel_gpa;
	const char *cmdline;
	uint64_t initrd_gpa; /* 0: none */
	uint64_t initrd_size;
	uint64_t rsdp_gpa; /* 0: none */
	const struct e820_range *e820;
	unsigned int nr_e820;
};

/* Writes the zero page, command line, GDT and page tables into the boot
 * area. The command line must fit the kernel's cmdline_size. Returns 0 or a
 * negative errno with err set. */
int linux_boot_write(struct guest_mem *mem, const struct linux_boot_params *params,
		     struct vitro_error *err);

#endif
