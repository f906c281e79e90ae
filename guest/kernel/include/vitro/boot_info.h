/* What the kernel learned at boot from the loader (PVH start info, the FDT
 * vitro passes, or QEMU's MP table): memory, command line, modules, CPUs. */
#ifndef VITRO_BOOT_INFO_H
#define VITRO_BOOT_INFO_H

#include <stdint.h>
#include <vitro/dtb.h>

#define BOOT_CMDLINE_MAX 4096
#define BOOT_MEMORY_MAX 64
#define BOOT_CPUS_MAX 256

struct boot_memory_region {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* E820 type */
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	unsigned int nr_memory;
	struct boot_memory_region memory[BOOT_MEMORY_MAX];
	uint64_t ram_bytes;
	bool has_fdt;
	struct dtb fdt;
	uint64_t initrd_phys;
	uint64_t initrd_size;
	unsigned int nr_cpus;
	uint32_t cpu_apic_ids[BOOT_CPUS_MAX];
	const char *cpu_source; /* "device tree", "MP table", "default" */
	uint32_t tsc_khz;
	const char *tsc_source;
	uint64_t tsc_at_entry;
	uint64_t tsc_at_vmm_start; /* vitro's start, from the FDT; 0 if unknown */
};

extern struct boot_info boot_info;

/* Reads hvm_start_info at start_info_phys. Returns 0 or a negative errno. */
int boot_info_parse_pvh(uint64_t start_info_phys);

/* Finds the CPUs: the FDT's /cpus, else the MP table, else just this one. */
void boot_info_find_cpus(void);

/* Finds the TSC frequency: FDT, CPUID leaves 0x15/0x16, else the PIT. */
void boot_info_find_tsc(void);

/* Nanoseconds for a TSC delta, or 0 if the frequency is unknown. */
uint64_t tsc_to_ns(uint64_t cycles);

#endif
