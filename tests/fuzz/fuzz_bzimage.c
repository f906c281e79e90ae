/* libFuzzer target: the Linux bzImage loader (vmm/boot/bzimage.c) and the
 * zero page built from what it accepts (vmm/boot/linux_boot.c), over 32 MiB
 * of guest RAM: the path a kernel file takes in `vitro run --kernel`. Checks
 * what a successful parse, placement and set-up promise the boot code. */
#include <asm/bootparam.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/machine.h"
#include "../../vmm/boot/bzimage.h"
#include "../../vmm/boot/e820.h"
#include "../../vmm/boot/layout.h"
#include "../../vmm/boot/linux_boot.h"
#include "../../vmm/guest_mem.h"

#define FUZZ_RAM_BYTES (32u << 20)
#define FUZZ_CMDLINE "console=ttyS0 panic=-1"

static void fail(const char *what, const struct bzimage_header *hdr)
{
	fprintf(stderr,
		"fuzz_bzimage: invariant failed: %s (version 0x%x, setup 0x%llx, kernel 0x%llx, init_size 0x%x, alignment 0x%x)\n",
		what, hdr->version, (unsigned long long)hdr->setup_bytes,
		(unsigned long long)hdr->kernel_bytes, hdr->init_size, hdr->kernel_alignment);
	abort();
}

static void check_header(const struct bzimage_header *hdr, size_t size)
{
	if (hdr->setup_bytes + hdr->kernel_bytes != size || !hdr->kernel_bytes)
		fail("setup and kernel do not add up to the file", hdr);
	if (hdr->header_end < 0x264 || hdr->header_end > hdr->setup_bytes)
		fail("setup header ends outside the setup code", hdr);
	if (hdr->version < BZIMAGE_MIN_VERSION || !(hdr->xloadflags & XLF_KERNEL_64) ||
	    !(hdr->loadflags & LOADED_HIGH))
		fail("accepted a kernel without the 64-bit entry", hdr);
	if (hdr->kernel_alignment < 0x1000 || (hdr->kernel_alignment & (hdr->kernel_alignment - 1)))
		fail("kernel_alignment is not a power of two of at least 4 KiB", hdr);
	if (hdr->init_size < hdr->kernel_bytes || !hdr->cmdline_size)
		fail("init_size or cmdline_size too small", hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct guest_mem mem;
	struct vitro_error err = { "" };
	struct e820_range e820[8];
	struct bzimage_header hdr;
	struct linux_boot_params params;
	const struct boot_params *bp;
	uint64_t load = 0;
	int rc;

	if (!ram) {
		ram = calloc(1, FUZZ_RAM_BYTES);
		if (!ram)
			abort();
		guest_mem_layout(&mem, ram, FUZZ_RAM_BYTES, MACHINE_MMIO_HOLE_START,
				 MACHINE_MMIO_HOLE_END);
	}
	rc = bzimage_parse(data, size, &hdr, &err);
	if (rc) {
		if (rc != -ENOEXEC || !err.msg[0])
			fail("a refusal without -ENOEXEC and a reason", &hdr);
		return 0;
	}
	check_header(&hdr, size);

	rc = bzimage_place(&hdr, &mem, BOOT_AREA_END, &load, &err);
	if (rc) {
		if (rc != -E2BIG || !strstr(err.msg, "init_size"))
			fail("a placement refusal that does not name init_size", &hdr);
		return 0;
	}
	if (load < BOOT_AREA_END || load % hdr.kernel_alignment ||
	    !guest_mem_contains(&mem, load, hdr.init_size) ||
	    load + hdr.init_size > mem.ranges[0].size)
		fail("kernel placed outside low RAM, unaligned or in the boot area", &hdr);
	bzimage_copy_kernel(data, &hdr, &mem, load);
	if (memcmp(guest_mem_ptr(&mem, load, hdr.kernel_bytes), data + hdr.setup_bytes,
		   hdr.kernel_bytes))
		fail("the kernel in RAM differs from the file", &hdr);

	params = (struct linux_boot_params){
		.file = data,
		.hdr = &hdr,
		.kernel_gpa = load,
		.cmdline = FUZZ_CMDLINE,
		.rsdp_gpa = BOOT_ACPI_GPA,
		.e820 = e820,
		.nr_e820 = e820_build(&mem, NULL, 0, e820, 8),
	};
	rc = linux_boot_write(&mem, &params, &err);
	if (hdr.cmdline_size < strlen(FUZZ_CMDLINE)) {
		if (rc != -E2BIG)
			fail("a command line longer than cmdline_size was accepted", &hdr);
		return 0;
	}
	if (rc)
		fail("linux_boot_write refused an accepted kernel", &hdr);
	bp = guest_mem_ptr(&mem, BOOT_ZERO_PAGE_GPA, sizeof(*bp));
	if (memcmp((const uint8_t *)bp + 0x1f1, data + 0x1f1, 0x210 - 0x1f1) ||
	    bp->hdr.type_of_loader != 0xff || bp->hdr.code32_start != load ||
	    bp->hdr.cmd_line_ptr != BOOT_CMDLINE_GPA || bp->e820_entries != params.nr_e820)
		fail("the zero page does not hold the header and what the loader set", &hdr);
	return 0;
}
