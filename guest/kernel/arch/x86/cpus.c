/* Finding the CPUs: vitro lists them in the FDT; QEMU microvm (acpi=off)
 * describes them in an Intel MultiProcessor Specification 1.4 table, whose
 * floating pointer lies in the EBDA or the BIOS area (MP spec, section 4). */
#include <vitro/boot_info.h>
#include <vitro/layout.h>
#include <vitro/string.h>

#include "apic.h"

#define MP_FLOATING_SIGNATURE "_MP_"
#define MP_CONFIG_SIGNATURE "PCMP"
#define MP_ENTRY_PROCESSOR 0
#define MP_PROCESSOR_ENABLED 0x01

struct mp_floating_pointer {
	char signature[4];
	uint32_t config_phys;
	uint8_t length; /* in 16-byte units */
	uint8_t revision;
	uint8_t checksum;
	uint8_t features[5];
} __attribute__((packed));

struct mp_config_header {
	char signature[4];
	uint16_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t nr_entries;
	uint32_t lapic_phys;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

static const struct mp_floating_pointer *mp_scan(uint64_t phys, uint64_t len)
{
	uint64_t off;

	for (off = 0; off + 16 <= len; off += 16) {
		const struct mp_floating_pointer *fp = phys_to_virt(phys + off);

		if (!memcmp(fp->signature, MP_FLOATING_SIGNATURE, 4) && fp->length == 1 &&
		    checksum_ok(fp, 16))
			return fp;
	}
	return NULL;
}

static bool cpus_from_mp_table(void)
{
	const struct mp_floating_pointer *fp;
	const struct mp_config_header *cfg;
	const uint8_t *entry, *end;
	unsigned int i;

	fp = mp_scan(0x9fc00, 1024); /* last KiB of base memory (EBDA) */
	if (!fp)
		fp = mp_scan(0xf0000, 0x10000);
	if (!fp || !fp->config_phys || fp->config_phys >= 0x100000)
		return false;
	cfg = phys_to_virt(fp->config_phys);
	if (memcmp(cfg->signature, MP_CONFIG_SIGNATURE, 4) || cfg->length < sizeof(*cfg) ||
	    fp->config_phys + cfg->length > 0x100000 || !checksum_ok(cfg, cfg->length))
		return false;
	entry = (const uint8_t *)(cfg + 1);
	end = (const uint8_t *)cfg + cfg->length;
	/* QEMU microvm leaves the entry count 0: the length bounds the walk. */
	for (i = 0; (!cfg->nr_entries || i < cfg->nr_entries) && entry < end; i++) {
		if (entry[0] == MP_ENTRY_PROCESSOR) {
			if (entry + 20 > end)
				break;
			if ((entry[3] & MP_PROCESSOR_ENABLED) && boot_info.nr_cpus < BOOT_CPUS_MAX)
				boot_info.cpu_apic_ids[boot_info.nr_cpus++] = entry[1];
			entry += 20;
		} else {
			entry += 8; /* bus, IOAPIC, interrupt entries */
		}
	}
	return boot_info.nr_cpus > 0;
}

static bool cpus_from_fdt(void)
{
	const struct dtb *fdt = &boot_info.fdt;
	int cpus = dtb_find_node(fdt, "/cpus"), cpu;

	if (!boot_info.has_fdt || cpus < 0)
		return false;
	for (cpu = dtb_first_child(fdt, cpus); cpu >= 0; cpu = dtb_next_sibling(fdt, cpu)) {
		const char *type = dtb_get_string(fdt, cpu, "device_type");
		uint32_t apic_id;

		if (!type || strcmp(type, "cpu") || dtb_get_u32(fdt, cpu, "reg", &apic_id))
			continue;
		if (boot_info.nr_cpus < BOOT_CPUS_MAX)
			boot_info.cpu_apic_ids[boot_info.nr_cpus++] = apic_id;
	}
	return boot_info.nr_cpus > 0;
}

void boot_info_find_cpus(void)
{
	boot_info.nr_cpus = 0;
	if (cpus_from_fdt()) {
		boot_info.cpu_source = "device tree";
		return;
	}
	boot_info.nr_cpus = 0;
	if (cpus_from_mp_table()) {
		boot_info.cpu_source = "MP table";
		return;
	}
	boot_info.nr_cpus = 1;
	boot_info.cpu_apic_ids[0] = lapic_id();
	boot_info.cpu_source = "default";
}
