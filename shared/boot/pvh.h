/* PVH boot ABI shared by the VMM (producer) and the guest kernel (consumer).
 * Layouts follow Xen's public hvm/start_info.h and elfnote.h (version 1). */
#ifndef SHARED_BOOT_PVH_H
#define SHARED_BOOT_PVH_H

#include <stdint.h>

/* ELF note type (name "Xen") carrying the 32-bit physical entry point. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define HVM_START_MAGIC 0x336ec578u
#define HVM_START_VERSION 1u

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

/* E820 memory types, as the PVH memory map uses them. */
enum e820_type {
	E820_RAM = 1,
	E820_RESERVED = 2,
	E820_ACPI = 3,
	E820_NVS = 4,
	E820_UNUSABLE = 5,
	E820_PMEM = 7,
};

/* Command line of the module list entry that holds the flattened device tree.
 * The guest also checks the FDT magic, so a module without a name works too. */
#define PVH_MODULE_NAME_FDT "vitro-fdt"
#define PVH_MODULE_NAME_INITRD "initrd"

#endif
