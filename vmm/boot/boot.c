/* See boot.h. The initrd goes at the top of low RAM (below the MMIO hole),
 * page aligned, as Linux loaders place it; the FDT sits in the boot area. */
#include "boot.h"

#include <errno.h>
#include <string.h>

#include "elf_pvh.h"
#include "fdt.h"
#include "layout.h"
#include "pvh_boot.h"

#define PAGE_SIZE 4096ull

static int boot_place_initrd(struct guest_mem *mem, const struct boot_inputs *in,
			     uint64_t kernel_end, uint64_t *gpa, struct vitro_error *err)
{
	uint64_t low_end = mem->ranges[0].size;
	uint64_t start;

	if (in->initrd_size > low_end - kernel_end)
		return vitro_error_set(
			err, -E2BIG,
			"initrd: %zu bytes do not fit in guest RAM above the kernel (raise --mem)",
			in->initrd_size);
	start = (low_end - in->initrd_size) & ~(PAGE_SIZE - 1);
	if (start < kernel_end)
		return vitro_error_set(
			err, -E2BIG,
			"initrd: %zu bytes do not fit in guest RAM above the kernel (raise --mem)",
			in->initrd_size);
	memcpy(guest_mem_ptr(mem, start, in->initrd_size), in->initrd, in->initrd_size);
	*gpa = start;
	return 0;
}

int boot_load_pvh(struct guest_mem *mem, const struct boot_inputs *in, struct boot_result *out,
		  struct vitro_error *err)
{
	struct pvh_boot_params params = { .cmdline = in->cmdline };
	struct fdt_machine machine = {
		.mem = mem,
		.nr_cpus = in->nr_cpus,
		.cmdline = in->cmdline,
		.tsc_khz = in->tsc_khz,
		.tsc_at_vmm_start = in->tsc_at_vmm_start,
		.trace = in->trace,
		.virtio_mmio = in->virtio_mmio,
		.nr_virtio_mmio = in->nr_virtio_mmio,
	};
	struct pvh_image image;
	void *fdt;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!guest_mem_contains(mem, 0, BOOT_AREA_END))
		return vitro_error_set(err, -E2BIG, "guest RAM is smaller than the boot area");
	rc = elf_pvh_load(in->kernel, in->kernel_size, mem, BOOT_AREA_END, &image, err);
	if (rc)
		return rc;
	out->entry = image.entry;
	out->kernel_start = image.load_start;
	out->kernel_end = image.load_end;
	out->kernel_virt_start = image.virt_start;
	out->kernel_virt_end = image.virt_end;

	if (in->initrd) {
		rc = boot_place_initrd(mem, in, image.load_end, &out->initrd_gpa, err);
		if (rc)
			return rc;
		machine.initrd_gpa = out->initrd_gpa;
		machine.initrd_size = in->initrd_size;
	}

	fdt = guest_mem_ptr(mem, BOOT_FDT_GPA, BOOT_FDT_MAX);
	rc = fdt_build(fdt, BOOT_FDT_MAX, &machine, err);
	if (rc < 0)
		return rc;
	out->fdt_gpa = BOOT_FDT_GPA;
	out->fdt_size = rc;

	params.modules[params.nr_modules++] =
		(struct pvh_module){ BOOT_FDT_GPA, out->fdt_size, PVH_MODULE_NAME_FDT };
	if (in->initrd)
		params.modules[params.nr_modules++] =
			(struct pvh_module){ out->initrd_gpa, in->initrd_size,
					     PVH_MODULE_NAME_INITRD };
	rc = pvh_boot_write(mem, &params, err);
	if (rc)
		return rc;
	out->start_info_gpa = BOOT_START_INFO_GPA;
	return 0;
}
