/* See acpi.h. Table layouts and offsets are ACPI 6.5's (5.2); the DSDT's
 * AML comes from aml.c. Values are written byte by byte, little-endian, at
 * the offsets the specification gives, so no packed structs are needed. */
#include "acpi.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../shared/machine.h"
#include "aml.h"

#define ACPI_OEM_ID "VITRO "
#define ACPI_OEM_TABLE_ID "VITROVM "
#define ACPI_CREATOR_ID "VTRO"
#define ACPI_ALIGN 16

/* FADT (5.2.9) */
#define FADT_REVISION 6
#define FADT_MINOR_REVISION 5
#define FADT_DSDT 40
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_MINOR_VERSION 131
#define FADT_X_DSDT 140
#define FADT_HYPERVISOR_VENDOR 268
/* IA-PC boot architecture flags (5.2.9.3): no ISA devices beyond what the
 * DSDT lists, no 8042 (bit 1 clear), no VGA, no MSI (no PCI), no CMOS RTC. */
#define IAPC_VGA_NOT_PRESENT (1u << 2)
#define IAPC_MSI_NOT_SUPPORTED (1u << 3)
#define IAPC_CMOS_RTC_NOT_PRESENT (1u << 5)
/* Fixed feature flags (5.2.9, Table 5.10). */
#define FADT_F_HW_REDUCED_ACPI (1u << 20)

/* MADT (5.2.12) */
#define MADT_REVISION 5
#define MADT_LOCAL_APIC_ADDRESS 36
#define MADT_FLAGS 40
#define MADT_PCAT_COMPAT 1u /* KVM's in-kernel irqchip has the 8259 pair */
#define MADT_TYPE_LOCAL_APIC 0
#define MADT_TYPE_IO_APIC 1
#define MADT_TYPE_LOCAL_X2APIC 9
#define MADT_LOCAL_APIC_ENABLED 1u
#define MADT_MAX_XAPIC_ID 0xfe /* 0xff is the broadcast ID */

#define XSDT_REVISION 1
#define DSDT_REVISION 2 /* 64-bit integers */
#define RSDP_REVISION 2

static void put_le(uint8_t *p, uint64_t value, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)(value >> (8 * i));
}

uint8_t acpi_checksum(const uint8_t *data, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + data[i]);
	return (uint8_t)-sum;
}

/* The common header (5.2.6); the checksum is set once the table is whole. */
static void acpi_header(uint8_t *t, const char *signature, uint32_t length, uint8_t revision)
{
	memcpy(t, signature, 4);
	put_le(t + 4, length, 4);
	t[8] = revision;
	t[9] = 0;
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
	put_le(t + 24, 1, 4); /* OEM revision */
	memcpy(t + 28, ACPI_CREATOR_ID, 4);
	put_le(t + 32, 1, 4); /* creator revision */
}

static void acpi_seal(uint8_t *t, uint32_t length)
{
	t[9] = 0;
	t[9] = acpi_checksum(t, length);
}

static void acpi_build_fadt(uint8_t *t, uint64_t dsdt_gpa)
{
	acpi_header(t, "FACP", ACPI_FADT_SIZE, FADT_REVISION);
	put_le(t + FADT_DSDT, dsdt_gpa, 4);
	put_le(t + FADT_IAPC_BOOT_ARCH,
	       IAPC_VGA_NOT_PRESENT | IAPC_MSI_NOT_SUPPORTED | IAPC_CMOS_RTC_NOT_PRESENT, 2);
	put_le(t + FADT_FLAGS, FADT_F_HW_REDUCED_ACPI, 4);
	t[FADT_MINOR_VERSION] = FADT_MINOR_REVISION;
	put_le(t + FADT_X_DSDT, dsdt_gpa, 8);
	memcpy(t + FADT_HYPERVISOR_VENDOR, "VITRO\0\0\0", 8);
	acpi_seal(t, ACPI_FADT_SIZE);
}

static uint32_t acpi_madt_size(unsigned int nr_cpus)
{
	uint32_t size = ACPI_HEADER_SIZE + 8 + 12; /* header, address and flags, IOAPIC */
	unsigned int i;

	for (i = 0; i < nr_cpus; i++)
		size += i <= MADT_MAX_XAPIC_ID ? 8 : 16;
	return size;
}

static void acpi_build_madt(uint8_t *t, unsigned int nr_cpus)
{
	uint32_t size = acpi_madt_size(nr_cpus);
	uint8_t *e = t + ACPI_HEADER_SIZE + 8;
	unsigned int i;

	acpi_header(t, "APIC", size, MADT_REVISION);
	put_le(t + MADT_LOCAL_APIC_ADDRESS, MACHINE_LAPIC_BASE, 4);
	put_le(t + MADT_FLAGS, MADT_PCAT_COMPAT, 4);
	/* Processor UID = APIC ID = vCPU index, as KVM numbers them. */
	for (i = 0; i < nr_cpus; i++) {
		if (i <= MADT_MAX_XAPIC_ID) {
			e[0] = MADT_TYPE_LOCAL_APIC;
			e[1] = 8;
			e[2] = (uint8_t)i;
			e[3] = (uint8_t)i;
			put_le(e + 4, MADT_LOCAL_APIC_ENABLED, 4);
			e += 8;
		} else {
			e[0] = MADT_TYPE_LOCAL_X2APIC;
			e[1] = 16;
			put_le(e + 2, 0, 2);
			put_le(e + 4, i, 4);
			put_le(e + 8, MADT_LOCAL_APIC_ENABLED, 4);
			put_le(e + 12, i, 4);
			e += 16;
		}
	}
	/* One IOAPIC, ID 0, its pins GSIs 0-23. vitro routes GSI n to pin n
	 * and every ISA interrupt it uses (the UART's 4, the virtio-mmio
	 * slots' 5-12) keeps the ISA default, edge and active-high, so no
	 * interrupt source override is needed. */
	e[0] = MADT_TYPE_IO_APIC;
	e[1] = 12;
	e[2] = 0;
	e[3] = 0;
	put_le(e + 4, MACHINE_IOAPIC_BASE, 4);
	put_le(e + 8, 0, 4);
	acpi_seal(t, size);
}

/* \_SB.COM1 and \_SB.Vnnn, one per virtio-mmio transport. Returns the AML's
 * length or a negative errno. */
static int acpi_build_dsdt_aml(uint8_t *buf, size_t size, const struct acpi_machine *m)
{
	struct aml aml;
	unsigned int i;
	char name[12];

	aml_init(&aml, buf, size);
	aml_scope_begin(&aml, "\\_SB");

	aml_device_begin(&aml, "COM1");
	aml_name(&aml, "_HID");
	aml_eisa_id(&aml, "PNP0501");
	aml_name(&aml, "_UID");
	aml_integer(&aml, 0);
	aml_name(&aml, "_CRS");
	aml_resources_begin(&aml);
	aml_io(&aml, MACHINE_UART_PORT, MACHINE_UART_PORT, 0, 8);
	aml_irq_no_flags(&aml, MACHINE_UART_IRQ);
	aml_end(&aml);
	aml_end(&aml);

	for (i = 0; i < m->nr_virtio_mmio; i++) {
		const struct acpi_virtio_mmio *v = &m->virtio_mmio[i];

		snprintf(name, sizeof(name), "V%03u", i);
		aml_device_begin(&aml, name);
		aml_name(&aml, "_HID");
		aml_string(&aml, "LNRO0005");
		aml_name(&aml, "_UID");
		aml_integer(&aml, i);
		aml_name(&aml, "_CCA");
		aml_integer(&aml, 1); /* DMA is cache-coherent */
		aml_name(&aml, "_CRS");
		aml_resources_begin(&aml);
		aml_memory32_fixed(&aml, true, (uint32_t)v->base, (uint32_t)v->size);
		/* Edge-triggered and active-high: an irqfd pulses the pin. */
		aml_extended_interrupt(&aml, true, false, false, v->gsi);
		aml_end(&aml);
		aml_end(&aml);
	}
	aml_end(&aml);
	return aml_finish(&aml);
}

static uint32_t align_up(uint32_t v)
{
	return (v + ACPI_ALIGN - 1) & ~(uint32_t)(ACPI_ALIGN - 1);
}

int acpi_build(uint8_t *buf, size_t size, uint64_t gpa, const struct acpi_machine *m,
	       struct acpi_layout *layout, struct vitro_error *err)
{
	uint8_t aml[4096];
	uint32_t off, i;
	int aml_len;

	memset(layout, 0, sizeof(*layout));
	if (m->nr_virtio_mmio > ACPI_MAX_VIRTIO_MMIO)
		return vitro_error_set(err, -E2BIG, "ACPI: %u virtio-mmio devices (at most %d)",
				       m->nr_virtio_mmio, ACPI_MAX_VIRTIO_MMIO);
	for (i = 0; i < m->nr_virtio_mmio; i++)
		if (m->virtio_mmio[i].base + m->virtio_mmio[i].size > 1ull << 32)
			return vitro_error_set(err, -EINVAL,
					       "ACPI: virtio-mmio window 0x%llx is above 4 GiB",
					       (unsigned long long)m->virtio_mmio[i].base);
	if (m->nr_cpus == 0)
		return vitro_error_set(err, -EINVAL, "ACPI: a machine needs a CPU");
	aml_len = acpi_build_dsdt_aml(aml, sizeof(aml), m);
	if (aml_len < 0)
		return vitro_error_set(err, aml_len, "ACPI: cannot encode the DSDT");

	layout->xsdt = align_up(ACPI_RSDP_SIZE);
	layout->xsdt_size = ACPI_HEADER_SIZE + 2 * 8;
	layout->fadt = align_up(layout->xsdt + layout->xsdt_size);
	layout->madt = align_up(layout->fadt + ACPI_FADT_SIZE);
	layout->madt_size = acpi_madt_size(m->nr_cpus);
	layout->dsdt = align_up(layout->madt + layout->madt_size);
	layout->dsdt_size = ACPI_HEADER_SIZE + (uint32_t)aml_len;
	layout->total_size = layout->dsdt + layout->dsdt_size;
	if (layout->total_size > size || gpa + layout->total_size > 1ull << 32)
		return vitro_error_set(err, -E2BIG,
				       "ACPI: the tables take %u bytes, %zu are set aside",
				       layout->total_size, size);
	memset(buf, 0, layout->total_size);

	memcpy(buf + layout->dsdt + ACPI_HEADER_SIZE, aml, aml_len);
	acpi_header(buf + layout->dsdt, "DSDT", layout->dsdt_size, DSDT_REVISION);
	acpi_seal(buf + layout->dsdt, layout->dsdt_size);
	acpi_build_madt(buf + layout->madt, m->nr_cpus);
	acpi_build_fadt(buf + layout->fadt, gpa + layout->dsdt);

	off = layout->xsdt;
	acpi_header(buf + off, "XSDT", layout->xsdt_size, XSDT_REVISION);
	put_le(buf + off + ACPI_HEADER_SIZE, gpa + layout->fadt, 8);
	put_le(buf + off + ACPI_HEADER_SIZE + 8, gpa + layout->madt, 8);
	acpi_seal(buf + off, layout->xsdt_size);

	/* RSDP (5.2.5.3): no RSDT (address 0), the XSDT instead; the first
	 * checksum covers the ACPI 1.0 part, the extended one all 36 bytes. */
	memcpy(buf, "RSD PTR ", 8);
	memcpy(buf + 9, ACPI_OEM_ID, 6);
	buf[15] = RSDP_REVISION;
	put_le(buf + 16, 0, 4);
	put_le(buf + 20, ACPI_RSDP_SIZE, 4);
	put_le(buf + 24, gpa + layout->xsdt, 8);
	buf[8] = acpi_checksum(buf, 20);
	buf[32] = acpi_checksum(buf, ACPI_RSDP_SIZE);
	return 0;
}
