/* Puts a bootable guest into RAM: the kernel, the initrd, the ACPI tables,
 * and what its boot protocol hands over: for an ELF kernel with a PVH note,
 * the device tree and the start info; for a Linux bzImage, the zero page,
 * GDT and page tables of the 64-bit boot protocol. Needs no KVM, so tests
 * can run it on plain memory. */
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

enum boot_protocol {
	BOOT_PVH, /* 32-bit protected mode, EBX = start_info_gpa */
	BOOT_LINUX64, /* long mode, RSI = boot_params_gpa (zero page) */
};

struct boot_result {
	enum boot_protocol protocol;
	uint64_t entry;
	uint64_t start_info_gpa; /* BOOT_PVH */
	/* BOOT_LINUX64: the zero page, and the CPU state the entry wants. */
	uint64_t boot_params_gpa;
	uint64_t page_tables_gpa; /* CR3 */
	uint64_t gdt_gpa;
	uint16_t gdt_limit;
	uint64_t stack_gpa; /* RSP until the kernel sets its own */
	uint64_t rsdp_gpa; /* the ACPI tables */
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

/* Loads in->kernel by the protocol its format calls for (a bzImage's setup
 * header, else an ELF with a PVH note). Returns 0 or a negative errno with
 * err set; messages about the initrd start "initrd: ". */
int boot_load(struct guest_mem *mem, const struct boot_inputs *in, struct boot_result *out,
	      struct vitro_error *err);

int boot_load_pvh(struct guest_mem *mem, const struct boot_inputs *in, struct boot_result *out,
		  struct vitro_error *err);
int boot_load_linux(struct guest_mem *mem, const struct boot_inputs *in, struct boot_result *out,
		    struct vitro_error *err);

#endif
