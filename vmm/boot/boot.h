/* Puts a bootable PVH guest into RAM: the kernel, the initrd, the device
 * tree and the start info. Needs no KVM, so tests can run it on plain memory. */
#ifndef VMM_BOOT_BOOT_H
#define VMM_BOOT_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../guest_mem.h"
#include "fdt.h"

struct boot_inputs {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd; /* NULL if none */
	size_t initrd_size;
	const char *cmdline;
	unsigned int nr_cpus;
	uint32_t tsc_khz;
	uint64_t tsc_at_vmm_start;
	struct fdt_trace_region trace; /* gpa 0: none */
	const struct fdt_virtio_mmio *virtio_mmio; /* announced in the device tree */
	unsigned int nr_virtio_mmio;
};

struct boot_result {
	uint64_t entry;
	uint64_t start_info_gpa;
	uint64_t kernel_start;
	uint64_t kernel_end;
	/* The kernel's link-time virtual range (0, 0 if its segments do not
	 * share one offset), for the gdb stub while paging is off. */
	uint64_t kernel_virt_start;
	uint64_t kernel_virt_end;
	uint64_t initrd_gpa;
	uint64_t fdt_gpa;
	uint64_t fdt_size;
};

int boot_load_pvh(struct guest_mem *mem, const struct boot_inputs *in, struct boot_result *out,
		  struct vitro_error *err);

#endif
