/* Loader for ELF64 x86-64 kernels that carry a PVH entry note
 * (XEN_ELFNOTE_PHYS32_ENTRY), as QEMU and Firecracker load them. */
#ifndef VMM_BOOT_ELF_PVH_H
#define VMM_BOOT_ELF_PVH_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../guest_mem.h"

#define ELF_PVH_MAX_PHDRS 128

struct pvh_image {
	uint64_t entry; /* 32-bit physical entry point */
	uint64_t load_start; /* lowest guest-physical byte loaded */
	uint64_t load_end; /* one past the highest */
	/* Where the loaded range is linked (p_vaddr), when every segment keeps
	 * one virtual-to-physical offset, as kernels do; else both 0. */
	uint64_t virt_start;
	uint64_t virt_end;
};

/* Validates the whole image, then copies its PT_LOAD segments to their
 * physical addresses. Nothing is written to guest memory unless every check
 * passes. Segments must lie in RAM at or above min_gpa. Returns 0 or a
 * negative errno with err naming the problem. */
int elf_pvh_load(const uint8_t *file, size_t file_size, struct guest_mem *mem, uint64_t min_gpa,
		 struct pvh_image *image, struct vitro_error *err);

#endif
