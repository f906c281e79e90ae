/* See fdt.h. Built with libfdt's sequential-write API, then packed.
 * Root cells are 2/2 (64-bit addresses and sizes); CPUs use their APIC ID
 * as reg, as x86 device trees (arch/x86/kernel/devicetree.c) do. */
#include "fdt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>

#include "../../shared/machine.h"

static int fdt_prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t cells[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, cells, sizeof(cells));
}

static int fdt_add_memory(void *fdt, const struct guest_mem *mem)
{
	fdt64_t reg[2 * GUEST_MEM_MAX_RANGES];
	unsigned int i;
	int rc;

	for (i = 0; i < mem->nr_ranges; i++) {
		reg[2 * i] = cpu_to_fdt64(mem->ranges[i].gpa);
		reg[2 * i + 1] = cpu_to_fdt64(mem->ranges[i].size);
	}
	rc = fdt_begin_node(fdt, "memory@0");
	rc = rc ?: fdt_property_string(fdt, "device_type", "memory");
	rc = rc ?: fdt_property(fdt, "reg", reg, 2 * mem->nr_ranges * sizeof(reg[0]));
	return rc ?: fdt_end_node(fdt);
}

static int fdt_add_cpus(void *fdt, unsigned int nr_cpus)
{
	char name[32];
	unsigned int i;
	int rc;

	rc = fdt_begin_node(fdt, "cpus");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < nr_cpus && !rc; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		rc = fdt_begin_node(fdt, name);
		rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
		rc = rc ?: fdt_property_string(fdt, "compatible", "intel,x86-64");
		rc = rc ?: fdt_property_u32(fdt, "reg", i);
		rc = rc ?: fdt_end_node(fdt);
	}
	return rc ?: fdt_end_node(fdt);
}

static int fdt_add_chosen(void *fdt, const struct fdt_machine *m)
{
	int rc;

	rc = fdt_begin_node(fdt, "chosen");
	rc = rc ?: fdt_property_string(fdt, "bootargs", m->cmdline);
	rc = rc ?: fdt_property_string(fdt, "stdout-path", "/isa/serial@3f8");
	if (m->initrd_size) {
		rc = rc ?: fdt_property_u64(fdt, "linux,initrd-start", m->initrd_gpa);
		rc = rc	   ?:
			     fdt_property_u64(fdt, "linux,initrd-end",
					      m->initrd_gpa + m->initrd_size);
	}
	if (m->tsc_khz)
		rc = rc ?: fdt_property_u32(fdt, "vitro,tsc-khz", m->tsc_khz);
	if (m->tsc_at_vmm_start)
		rc = rc ?: fdt_property_u64(fdt, "vitro,tsc-at-vmm-start", m->tsc_at_vmm_start);
	return rc ?: fdt_end_node(fdt);
}

/* Port-I/O devices sit under an "isa" bus whose reg is <port size>. */
static int fdt_add_isa(void *fdt)
{
	uint32_t uart_reg[2] = { cpu_to_fdt32(MACHINE_UART_PORT), cpu_to_fdt32(8) };
	uint32_t exit_reg[2] = { cpu_to_fdt32(MACHINE_EXIT_PORT),
				 cpu_to_fdt32(MACHINE_EXIT_PORT_SIZE) };
	int rc;

	rc = fdt_begin_node(fdt, "isa");
	rc = rc ?: fdt_property_string(fdt, "compatible", "isa");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 1);

	rc = rc ?: fdt_begin_node(fdt, "serial@3f8");
	rc = rc ?: fdt_property_string(fdt, "compatible", "ns16550a");
	rc = rc ?: fdt_property(fdt, "reg", uart_reg, sizeof(uart_reg));
	rc = rc ?: fdt_property_u32(fdt, "interrupts", MACHINE_UART_IRQ);
	rc = rc ?: fdt_property_u32(fdt, "clock-frequency", MACHINE_UART_CLOCK_HZ);
	rc = rc ?: fdt_end_node(fdt);

	rc = rc ?: fdt_begin_node(fdt, "debug-exit@f4");
	rc = rc ?: fdt_property_string(fdt, "compatible", "qemu,isa-debug-exit");
	rc = rc ?: fdt_property(fdt, "reg", exit_reg, sizeof(exit_reg));
	rc = rc ?: fdt_end_node(fdt);
	return rc ?: fdt_end_node(fdt);
}

static int fdt_add_interrupt_controllers(void *fdt)
{
	int rc;

	rc = fdt_begin_node(fdt, "ioapic@fec00000");
	rc = rc ?: fdt_property_string(fdt, "compatible", "intel,ce4100-ioapic");
	rc = rc ?: fdt_prop_u64_pair(fdt, "reg", MACHINE_IOAPIC_BASE, 0x1000);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc ?: fdt_end_node(fdt);

	rc = rc ?: fdt_begin_node(fdt, "lapic@fee00000");
	rc = rc ?: fdt_property_string(fdt, "compatible", "intel,ce4100-lapic");
	rc = rc ?: fdt_prop_u64_pair(fdt, "reg", MACHINE_LAPIC_BASE, 0x1000);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	return rc ?: fdt_end_node(fdt);
}

static int fdt_add_trace(void *fdt, const struct fdt_trace_region *t)
{
	char name[32];
	int rc;

	if (!t->gpa)
		return 0;
	snprintf(name, sizeof(name), "trace@%llx", (unsigned long long)t->gpa);
	rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property_string(fdt, "compatible", "vitro,trace-rings");
	rc = rc ?: fdt_prop_u64_pair(fdt, "reg", t->gpa, t->size);
	rc = rc ?: fdt_property_u32(fdt, "vitro,nr-rings", t->nr_rings);
	rc = rc ?: fdt_property_u64(fdt, "vitro,ring-size", t->ring_size);
	rc = rc ?: fdt_property_u64(fdt, "vitro,event-mask", t->event_mask);
	return rc ?: fdt_end_node(fdt);
}

/* Linux's device-tree binding for virtio-mmio: compatible "virtio,mmio",
 * reg, interrupts. */
static int fdt_add_virtio_mmio(void *fdt, const struct fdt_virtio_mmio *dev)
{
	char name[40];
	int rc;

	snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)dev->base);
	rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property_string(fdt, "compatible", "virtio,mmio");
	rc = rc ?: fdt_prop_u64_pair(fdt, "reg", dev->base, dev->size);
	rc = rc ?: fdt_property_u32(fdt, "interrupts", dev->irq);
	return rc ?: fdt_end_node(fdt);
}

int fdt_build(void *buf, size_t buf_size, const struct fdt_machine *m, struct vitro_error *err)
{
	unsigned int i;
	int rc;

	rc = fdt_create(buf, buf_size);
	rc = rc ?: fdt_finish_reservemap(buf);
	rc = rc ?: fdt_begin_node(buf, "");
	rc = rc ?: fdt_property_string(buf, "compatible", "vitro,pvh");
	rc = rc ?: fdt_property_string(buf, "model", "vitro");
	rc = rc ?: fdt_property_u32(buf, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(buf, "#size-cells", 2);
	rc = rc ?: fdt_add_chosen(buf, m);
	rc = rc ?: fdt_add_memory(buf, m->mem);
	rc = rc ?: fdt_add_cpus(buf, m->nr_cpus);
	rc = rc ?: fdt_add_interrupt_controllers(buf);
	rc = rc ?: fdt_add_isa(buf);
	rc = rc ?: fdt_add_trace(buf, &m->trace);
	for (i = 0; i < m->nr_virtio_mmio && !rc; i++)
		rc = fdt_add_virtio_mmio(buf, &m->virtio_mmio[i]);
	rc = rc ?: fdt_end_node(buf);
	rc = rc ?: fdt_finish(buf);
	rc = rc ?: fdt_pack(buf);
	if (rc)
		return vitro_error_set(err, -ENOSPC, "device tree: %s", fdt_strerror(rc));
	return fdt_totalsize(buf);
}
