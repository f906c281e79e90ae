/* libFuzzer target: the PVH ELF kernel loader (vmm/boot/elf_pvh.c) over 8 MiB
 * of guest RAM, checking what a successful load promises the boot code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../shared/machine.h"
#include "../../vmm/boot/elf_pvh.h"
#include "../../vmm/guest_mem.h"

#define FUZZ_RAM_BYTES (8u << 20)
#define FUZZ_MIN_GPA 0x100000u

static void fail(const char *what, const struct pvh_image *image)
{
	fprintf(stderr, "fuzz_elf_pvh: invariant failed: %s (entry 0x%llx, load 0x%llx-0x%llx)\n",
		what, (unsigned long long)image->entry, (unsigned long long)image->load_start,
		(unsigned long long)image->load_end);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct guest_mem mem;
	struct pvh_image image = { 0 };
	struct vitro_error err;

	if (!ram) {
		ram = calloc(1, FUZZ_RAM_BYTES);
		if (!ram)
			abort();
		guest_mem_layout(&mem, ram, FUZZ_RAM_BYTES, MACHINE_MMIO_HOLE_START,
				 MACHINE_MMIO_HOLE_END);
	}
	if (elf_pvh_load(data, size, &mem, FUZZ_MIN_GPA, &image, &err))
		return 0;

	/* The entry is taken in 32-bit protected mode. */
	if (image.entry >= 1ull << 32)
		fail("entry above 4 GiB", &image);
	if (image.load_start >= image.load_end)
		fail("empty load range", &image);
	if (image.load_start < FUZZ_MIN_GPA)
		fail("load range below min_gpa", &image);
	if (!guest_mem_contains(&mem, image.load_start, image.load_end - image.load_start))
		fail("load range outside guest RAM", &image);
	/* elf_pvh.c rejects an entry "not inside any loaded segment". */
	if (image.entry < image.load_start || image.entry >= image.load_end)
		fail("entry outside the loaded range", &image);
	return 0;
}
