/* See boot.h. The initrd goes at the top of low RAM (below the MMIO hole and
 * the kernel's initrd_addr_max), page aligned, as Linux loaders place it; the
 * FDT, zero page and ACPI tables sit in the boot area. */
#include "boot.h"

#include <errno.h>
#include <string.h>

#include "../../shared/machine.h"
#include "../acpi/acpi.h"
#include "bzimage.h"
#include "e820.h"
#include "elf_pvh.h"
#include "fdt.h"
#include "layout.h"
#include "linux_boot.h"
#include "pvh_boot.h"

#define PAGE_SIZE 4096ull
#define BOOT_STACK_GPA 0x8ff0ull /* below the page tables, above the zero page */
#define BOOT_E820_MAX 16

/* Highest address + 1 the initrd may reach is limit. */
static int boot_place_initrd(struct guest_mem *mem, const struct boot_inputs *in,
			     uint64_t kernel_end, uint64_t limit, const char *limit_name,
			     uint64_t *gpa, struct vitro_error *err)
{
	uint64_t end = mem->ranges[0].size;
	uint64_t start;

	if (limit < end)
		end = limit;
	if (kernel_end > end || in->initrd_size > end - kernel_end ||
	    (start = (end - in->initrd_size) & ~(PAGE_SIZE - 1)) < kernel_end) {
		if (end < mem->ranges[0].size)
			return vitro_error_set(
				err, -E2BIG,
				"initrd: %zu bytes do not fit between the kernel (ending at 0x%llx) and the kernel's %s 0x%llx",
				in->initrd_size, (unsigned long long)kernel_end, limit_name,
				(unsigned long long)(limit - 1));
		return vitro_error_set(
			err, -E2BIG,
			"initrd: %zu bytes do not fit in guest RAM above the kernel (raise --mem)",
			in->initrd_size);
	}
	memcpy(guest_mem_ptr(mem, start, in->initrd_size), in->initrd, in->initrd_size);
	*gpa = start;
	return 0;
}

static int boot_write_acpi(struct guest_mem *mem, const struct boot_inputs *in, uint64_t *rsdp,
			   struct vitro_error *err)
{
	struct acpi_virtio_mmio devices[ACPI_MAX_VIRTIO_MMIO];
	struct acpi_machine machine = {
		.nr_cpus = in->nr_cpus,
		.virtio_mmio = devices,
		.nr_virtio_mmio = in->nr_virtio_mmio,
	};
	struct acpi_layout layout;
	uint8_t *buf = guest_mem_ptr(mem, BOOT_ACPI_GPA, BOOT_ACPI_MAX);
	unsigned int i;
	int rc;

	if (in->nr_virtio_mmio > ACPI_MAX_VIRTIO_MMIO)
		return vitro_error_set(err, -E2BIG, "too many virtio-mmio devices for ACPI");
	for (i = 0; i < in->nr_virtio_mmio; i++)
		devices[i] =
			(struct acpi_virtio_mmio){ in->virtio_mmio[i].base, in->virtio_mmio[i].size,
						   in->virtio_mmio[i].irq };
	rc = acpi_build(buf, BOOT_ACPI_MAX, BOOT_ACPI_GPA, &machine, &layout, err);
	if (rc)
		return rc;
	*rsdp = BOOT_ACPI_GPA;
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
	out->protocol = BOOT_PVH;
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
		rc = boot_place_initrd(mem, in, image.load_end, UINT64_MAX, NULL, &out->initrd_gpa,
				       err);
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
	rc = boot_write_acpi(mem, in, &out->rsdp_gpa, err);
	if (rc)
		return rc;

	params.rsdp_gpa = out->rsdp_gpa;
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

/* Beside RAM and the legacy hole: the virtio-mmio slots and the trace
 * rings, reserved so that Linux puts nothing of its own there. */
static unsigned int boot_linux_e820(const struct guest_mem *mem, const struct boot_inputs *in,
				    struct e820_range *e820)
{
	struct e820_range extra[2];
	unsigned int nr_extra = 0;

	extra[nr_extra++] =
		(struct e820_range){ MACHINE_VIRTIO_MMIO_BASE,
				     MACHINE_VIRTIO_MMIO_SLOTS * MACHINE_VIRTIO_MMIO_SIZE,
				     E820_RESERVED };
	if (in->trace.gpa)
		extra[nr_extra++] =
			(struct e820_range){ in->trace.gpa, in->trace.size, E820_RESERVED };
	return e820_build(mem, extra, nr_extra, e820, BOOT_E820_MAX);
}

int boot_load_linux(struct guest_mem *mem, const struct boot_inputs *in, struct boot_result *out,
		    struct vitro_error *err)
{
	struct e820_range e820[BOOT_E820_MAX];
	struct bzimage_header hdr;
	struct linux_boot_params params = {
		.file = in->kernel,
		.hdr = &hdr,
		.cmdline = in->cmdline,
		.e820 = e820,
	};
	uint64_t load_gpa;
	int rc;

	memset(out, 0, sizeof(*out));
	out->protocol = BOOT_LINUX64;
	if (!guest_mem_contains(mem, 0, BOOT_AREA_END))
		return vitro_error_set(err, -E2BIG, "guest RAM is smaller than the boot area");
	rc = bzimage_parse(in->kernel, in->kernel_size, &hdr, err);
	rc = rc ?: bzimage_place(&hdr, mem, BOOT_AREA_END, &load_gpa, err);
	if (rc)
		return rc;
	bzimage_copy_kernel(in->kernel, &hdr, mem, load_gpa);
	out->entry = load_gpa + BZIMAGE_ENTRY64_OFFSET;
	out->kernel_start = load_gpa;
	out->kernel_end = load_gpa + hdr.init_size;

	if (in->initrd) {
		rc = boot_place_initrd(mem, in, out->kernel_end, (uint64_t)hdr.initrd_addr_max + 1,
				       "initrd_addr_max", &out->initrd_gpa, err);
		if (rc)
			return rc;
		params.initrd_gpa = out->initrd_gpa;
		params.initrd_size = in->initrd_size;
	}
	rc = boot_write_acpi(mem, in, &out->rsdp_gpa, err);
	if (rc)
		return rc;
	params.kernel_gpa = load_gpa;
	params.rsdp_gpa = out->rsdp_gpa;
	params.nr_e820 = boot_linux_e820(mem, in, e820);
	rc = linux_boot_write(mem, &params, err);
	if (rc)
		return rc;
	out->boot_params_gpa = BOOT_ZERO_PAGE_GPA;
	out->page_tables_gpa = BOOT_PAGE_TABLES_GPA;
	out->gdt_gpa = BOOT_GDT_GPA;
	out->gdt_limit = LINUX_BOOT_GDT_ENTRIES * 8 - 1;
	out->stack_gpa = BOOT_STACK_GPA;
	return 0;
}

int boot_load(struct guest_mem *mem, const struct boot_inputs *in, struct boot_result *out,
	      struct vitro_error *err)
{
	if (bzimage_is_bzimage(in->kernel, in->kernel_size))
		return boot_load_linux(mem, in, out, err);
	return boot_load_pvh(mem, in, out, err);
}
