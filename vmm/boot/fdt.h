/* The flattened device tree vitro hands the guest (as a PVH module): memory,
 * CPUs, chosen (command line, initrd, TSC frequency), fixed devices and
 * virtio-mmio transports. */
#ifndef VMM_BOOT_FDT_H
#define VMM_BOOT_FDT_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../guest_mem.h"

/* The trace-ring region (shared/trace/ring.h), when vitro traces the guest. */
struct fdt_trace_region {
	uint64_t gpa; /* 0: no tracing */
	uint64_t size;
	uint32_t nr_rings;
	uint64_t ring_size;
	uint64_t event_mask; /* enabled categories */
};

/* A virtio-mmio transport: its register block and interrupt. */
struct fdt_virtio_mmio {
	uint64_t base;
	uint64_t size;
	uint32_t irq;
};

struct fdt_machine {
	const struct guest_mem *mem;
	unsigned int nr_cpus;
	const char *cmdline;
	uint64_t initrd_gpa; /* 0 if none */
	uint64_t initrd_size;
	uint32_t tsc_khz; /* 0 if unknown */
	uint64_t tsc_at_vmm_start; /* guest TSC when vitro started; 0 if unknown */
	struct fdt_trace_region trace;
	const struct fdt_virtio_mmio *virtio_mmio;
	unsigned int nr_virtio_mmio;
};

/* Builds the tree into buf; returns its size in bytes or a negative errno. */
int fdt_build(void *buf, size_t buf_size, const struct fdt_machine *machine,
	      struct vitro_error *err);

#endif
