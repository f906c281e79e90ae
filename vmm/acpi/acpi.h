/* The ACPI tables vitro hands every guest (ACPI 6.5): an RSDP (revision 2)
 * pointing to an XSDT, which lists a hardware-reduced FADT (no PM timer, no
 * SCI, no legacy blocks: the machine has none) and a MADT (one local APIC per
 * vCPU, the IOAPIC); the FADT points to a DSDT that announces each
 * virtio-mmio transport as an LNRO0005 device with its window and interrupt,
 * and the COM1 UART. Stock Linux finds virtio-mmio devices only this way.
 * Pure: it builds into a buffer, so tests can check the tables with iasl. */
#ifndef VMM_ACPI_ACPI_H
#define VMM_ACPI_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"

#define ACPI_MAX_VIRTIO_MMIO 8
#define ACPI_HEADER_SIZE 36
#define ACPI_RSDP_SIZE 36
#define ACPI_FADT_SIZE 276 /* revision 6 */

/* A virtio-mmio transport: its register window and interrupt (GSI). */
struct acpi_virtio_mmio {
	uint64_t base;
	uint64_t size;
	uint32_t gsi;
};

struct acpi_machine {
	unsigned int nr_cpus; /* APIC IDs 0 to nr_cpus - 1 */
	const struct acpi_virtio_mmio *virtio_mmio;
	unsigned int nr_virtio_mmio;
};

/* Where each table went, as offsets into the buffer (the RSDP is at 0). */
struct acpi_layout {
	uint32_t xsdt, fadt, madt, dsdt;
	uint32_t xsdt_size, madt_size, dsdt_size;
	uint32_t total_size;
};

/* Builds the tables into buf (size bytes), which the guest will find at
 * guest-physical gpa; every pointer between tables is absolute. Returns 0
 * or a negative errno with err set. */
int acpi_build(uint8_t *buf, size_t size, uint64_t gpa, const struct acpi_machine *machine,
	       struct acpi_layout *layout, struct vitro_error *err);

/* The byte that makes len bytes sum to zero (the tables' checksum). */
uint8_t acpi_checksum(const uint8_t *data, size_t len);

#endif
