/* Linux bzImage kernels (the x86 boot protocol, Documentation/arch/x86/
 * boot.rst): the setup header read and checked, the protected-mode kernel
 * placed in guest RAM for the 64-bit entry. Needs no KVM, so tests can load a
 * real kernel on plain memory. The zero page is linux_boot.c's. */
#ifndef VMM_BOOT_BZIMAGE_H
#define VMM_BOOT_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../guest_mem.h"

/* 2.12 added xloadflags, which says whether the 64-bit entry exists. */
#define BZIMAGE_MIN_VERSION 0x020c
#define BZIMAGE_SECTOR 512
/* startup_64 sits this far into the protected-mode kernel (boot.rst,
 * "64-bit boot protocol"). */
#define BZIMAGE_ENTRY64_OFFSET 0x200

/* What vitro uses from the setup header, checked. */
struct bzimage_header {
	uint16_t version; /* 0x020f is 2.15 */
	unsigned int setup_sects;
	uint64_t setup_bytes; /* the real-mode part: (setup_sects + 1) * 512 */
	uint64_t kernel_bytes; /* the protected-mode kernel: the rest of the file */
	uint64_t header_end; /* one past the setup header, from 0x202 + its jump */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size; /* bytes the kernel needs from its load address */
	uint32_t cmdline_size; /* longest command line, NUL excluded */
	uint32_t initrd_addr_max; /* highest byte an initrd may occupy */
};

/* The file carries a setup header ("HdrS" at 0x202): it is a bzImage (or an
 * older zImage), not an ELF. Decides which loader vitro uses. */
bool bzimage_is_bzimage(const uint8_t *file, size_t size);

/* Reads and checks the setup header: boot flag, version, setup_sects and
 * syssize against the file, LOADED_HIGH, relocatable, XLF_KERNEL_64,
 * kernel_alignment, init_size, cmdline_size, the payload and kernel_info
 * offsets (initrd_addr_max is checked where the initrd is placed). Returns 0 or -ENOEXEC with err naming the field. */
int bzimage_parse(const uint8_t *file, size_t size, struct bzimage_header *hdr,
		  struct vitro_error *err);

/* Where the kernel goes: pref_address when it is aligned, at or above
 * min_gpa and init_size fits there in the RAM below the MMIO hole, else the
 * lowest kernel_alignment-aligned address at or above min_gpa that fits.
 * Returns 0 or -E2BIG (naming init_size and --mem). */
int bzimage_place(const struct bzimage_header *hdr, const struct guest_mem *mem, uint64_t min_gpa,
		  uint64_t *load_gpa, struct vitro_error *err);

/* Copies the protected-mode kernel to load_gpa (from bzimage_place). */
void bzimage_copy_kernel(const uint8_t *file, const struct bzimage_header *hdr,
			 struct guest_mem *mem, uint64_t load_gpa);

#endif
