/* See bzimage.h. The file is untrusted: every field is checked against the
 * file and the protocol before anything is used, with overflow-safe sums.
 * Field meanings and the version each appeared in are boot.rst's. */
#include "bzimage.h"

#include <asm/bootparam.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#define SETUP_HEADER_OFFSET 0x1f1 /* where struct setup_header starts */
#define HDRS_OFFSET 0x202
#define HDRS_MAGIC "HdrS"
#define BOOT_FLAG_MAGIC 0xaa55
#define JUMP_SHORT_OPCODE 0xeb
#define DEFAULT_SETUP_SECTS 4 /* setup_sects 0 means 4 */
#define SYSSIZE_UNIT 16 /* paragraphs */
#define KERNEL_INFO_MAGIC "LToP"
#define MIN_KERNEL_ALIGNMENT 0x1000u
#define MAX_KERNEL_ALIGNMENT 0x40000000u
/* The last field vitro reads (init_size) ends here; protocol 2.10 on. */
#define SETUP_HEADER_MIN_END (SETUP_HEADER_OFFSET + offsetof(struct setup_header, handover_offset))

bool bzimage_is_bzimage(const uint8_t *file, size_t size)
{
	return size >= HDRS_OFFSET + 4 && !memcmp(file + HDRS_OFFSET, HDRS_MAGIC, 4);
}

static int bzimage_check_layout(const uint8_t *file, size_t size, struct bzimage_header *hdr,
				const struct setup_header *sh, struct vitro_error *err)
{
	uint64_t sys_bytes;

	if (sh->boot_flag != BOOT_FLAG_MAGIC)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage boot_flag is 0x%04x, not 0xaa55 (not a Linux kernel?)",
			sh->boot_flag);
	if (sh->version < BZIMAGE_MIN_VERSION)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage boot protocol version %u.%02u is too old (vitro needs 2.12 or later, for xloadflags)",
			sh->version >> 8, sh->version & 0xff);
	hdr->version = sh->version;
	hdr->setup_sects = sh->setup_sects ? sh->setup_sects : DEFAULT_SETUP_SECTS;
	hdr->setup_bytes = (uint64_t)(hdr->setup_sects + 1) * BZIMAGE_SECTOR;
	if (hdr->setup_bytes >= size)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage setup_sects %u: the setup code (%llu bytes) leaves no kernel in the %zu-byte file (truncated image?)",
			sh->setup_sects, (unsigned long long)hdr->setup_bytes, size);
	/* The header runs from 0x1f1 to the target of the jump at 0x200. */
	hdr->header_end = HDRS_OFFSET + file[0x201];
	if (file[0x200] != JUMP_SHORT_OPCODE || hdr->header_end < SETUP_HEADER_MIN_END ||
	    hdr->header_end > hdr->setup_bytes)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage setup header 'jump' (%02x %02x) does not end the header between 0x%zx and setup_sects' 0x%llx",
			file[0x200], file[0x201], (size_t)SETUP_HEADER_MIN_END,
			(unsigned long long)hdr->setup_bytes);
	hdr->kernel_bytes = size - hdr->setup_bytes;
	sys_bytes = (uint64_t)sh->syssize * SYSSIZE_UNIT;
	if (sh->syssize == 0 || sys_bytes > hdr->kernel_bytes)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage syssize %u (%llu bytes) does not match the %llu kernel bytes after the setup code (truncated image?)",
			sh->syssize, (unsigned long long)sys_bytes,
			(unsigned long long)hdr->kernel_bytes);
	return 0;
}

static int bzimage_check_loading(struct bzimage_header *hdr, const struct setup_header *sh,
				 struct vitro_error *err)
{
	hdr->loadflags = sh->loadflags;
	hdr->xloadflags = sh->xloadflags;
	hdr->kernel_alignment = sh->kernel_alignment;
	hdr->pref_address = sh->pref_address;
	hdr->init_size = sh->init_size;
	hdr->cmdline_size = sh->cmdline_size;
	hdr->initrd_addr_max = sh->initrd_addr_max;

	if (!(sh->loadflags & LOADED_HIGH))
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage loadflags 0x%02x lack LOADED_HIGH (a zImage loaded at 0x10000 is not supported)",
			sh->loadflags);
	if (!sh->relocatable_kernel)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage relocatable_kernel is 0 (vitro loads only relocatable kernels: CONFIG_RELOCATABLE)");
	if (!(sh->xloadflags & XLF_KERNEL_64))
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage xloadflags 0x%04x lack XLF_KERNEL_64 (the kernel has no 64-bit entry)",
			sh->xloadflags);
	if (sh->kernel_alignment < MIN_KERNEL_ALIGNMENT ||
	    sh->kernel_alignment > MAX_KERNEL_ALIGNMENT ||
	    (sh->kernel_alignment & (sh->kernel_alignment - 1)))
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage kernel_alignment 0x%x is not a power of two from 4 KiB to 1 GiB",
			sh->kernel_alignment);
	if (sh->init_size < hdr->kernel_bytes)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage init_size 0x%x is smaller than the 0x%llx-byte kernel it must hold",
			sh->init_size, (unsigned long long)hdr->kernel_bytes);
	if (sh->cmdline_size == 0)
		return vitro_error_set(err, -ENOEXEC,
				       "bzImage cmdline_size is 0 (no room for a command line)");
	return 0;
}

/* Offsets into the protected-mode kernel: the compressed payload (2.08) and
 * kernel_info (2.15), when the header is long enough to have them. */
static int bzimage_check_offsets(const uint8_t *file, struct bzimage_header *hdr,
				 const struct setup_header *sh, struct vitro_error *err)
{
	const uint8_t *kernel = file + hdr->setup_bytes;
	uint64_t info_end = SETUP_HEADER_OFFSET +
			    offsetof(struct setup_header, kernel_info_offset) +
			    sizeof(sh->kernel_info_offset);

	if ((uint64_t)sh->payload_offset + sh->payload_length > hdr->kernel_bytes)
		return vitro_error_set(
			err, -ENOEXEC,
			"bzImage payload_offset 0x%x + payload_length 0x%x run past the 0x%llx-byte kernel",
			sh->payload_offset, sh->payload_length,
			(unsigned long long)hdr->kernel_bytes);
	if (sh->version >= 0x020f && hdr->header_end >= info_end && sh->kernel_info_offset) {
		if (sh->kernel_info_offset > hdr->kernel_bytes - 4 ||
		    memcmp(kernel + sh->kernel_info_offset, KERNEL_INFO_MAGIC, 4))
			return vitro_error_set(
				err, -ENOEXEC,
				"bzImage kernel_info_offset 0x%x does not point to kernel_info ('LToP')",
				sh->kernel_info_offset);
	}
	return 0;
}

int bzimage_parse(const uint8_t *file, size_t size, struct bzimage_header *hdr,
		  struct vitro_error *err)
{
	struct setup_header sh;
	size_t copy;
	int rc;

	memset(hdr, 0, sizeof(*hdr));
	if (!bzimage_is_bzimage(file, size))
		return vitro_error_set(err, -ENOEXEC, "no Linux setup header ('HdrS' at 0x202)");
	if (size < BZIMAGE_SECTOR)
		return vitro_error_set(err, -ENOEXEC,
				       "bzImage of %zu bytes is shorter than its boot sector",
				       size);
	/* Fields past the header's end (an older protocol) read as 0. */
	memset(&sh, 0, sizeof(sh));
	copy = HDRS_OFFSET + file[0x201] - SETUP_HEADER_OFFSET;
	if (copy > sizeof(sh))
		copy = sizeof(sh);
	if (copy > size - SETUP_HEADER_OFFSET)
		copy = size - SETUP_HEADER_OFFSET;
	memcpy(&sh, file + SETUP_HEADER_OFFSET, copy);

	rc = bzimage_check_layout(file, size, hdr, &sh, err);
	rc = rc ?: bzimage_check_loading(hdr, &sh, err);
	rc = rc ?: bzimage_check_offsets(file, hdr, &sh, err);
	return rc;
}

int bzimage_place(const struct bzimage_header *hdr, const struct guest_mem *mem, uint64_t min_gpa,
		  uint64_t *load_gpa, struct vitro_error *err)
{
	uint64_t low_end = mem->ranges[0].size;
	uint64_t align = hdr->kernel_alignment;
	uint64_t pref = hdr->pref_address, addr;

	if (pref % align == 0 && pref >= min_gpa && pref <= low_end &&
	    hdr->init_size <= low_end - pref) {
		*load_gpa = pref;
		return 0;
	}
	addr = (min_gpa + align - 1) & ~(align - 1);
	if (addr > low_end || hdr->init_size > low_end - addr)
		return vitro_error_set(
			err, -E2BIG,
			"bzImage init_size 0x%x (%u MiB) does not fit in guest RAM from 0x%llx (%llu MiB below the MMIO hole; raise --mem)",
			hdr->init_size, hdr->init_size >> 20, (unsigned long long)addr,
			(unsigned long long)(low_end >> 20));
	*load_gpa = addr;
	return 0;
}

void bzimage_copy_kernel(const uint8_t *file, const struct bzimage_header *hdr,
			 struct guest_mem *mem, uint64_t load_gpa)
{
	/* The rest of init_size needs no clearing: the kernel clears its own
	 * bss, and fresh guest RAM is zero anyway. */
	memcpy(guest_mem_ptr(mem, load_gpa, hdr->kernel_bytes), file + hdr->setup_bytes,
	       hdr->kernel_bytes);
}
