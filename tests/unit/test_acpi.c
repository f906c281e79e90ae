/* Tests for vitro's ACPI tables (vmm/acpi/acpi.c): the tables found by
 * following pointers from the RSDP as a guest does, their checksums and
 * fields; then ACPICA, a peer no one here wrote, reads them: `iasl -d`
 * disassembles each table (with no errors, and the devices and values we
 * put in), and acpiexec loads the DSDT into its namespace and evaluates the
 * devices' _HID and _CRS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../shared/machine.h"
#include "../../vmm/acpi/acpi.h"
#include "unit.h"

#define TABLES_GPA 0xe0000ull
#define TABLES_MAX 0x20000

static uint8_t tables[TABLES_MAX];

static const struct acpi_virtio_mmio two_disks[] = {
	{ MACHINE_VIRTIO_MMIO_BASE, MACHINE_VIRTIO_MMIO_SIZE, MACHINE_VIRTIO_MMIO_FIRST_IRQ },
	{ MACHINE_VIRTIO_MMIO_BASE + MACHINE_VIRTIO_MMIO_SIZE, MACHINE_VIRTIO_MMIO_SIZE,
	  MACHINE_VIRTIO_MMIO_FIRST_IRQ + 1 },
};

static uint64_t le(const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

/* The table at guest-physical addr, NULL (and a failure) if outside. */
static const uint8_t *table_at(uint64_t addr)
{
	if (addr < TABLES_GPA || addr - TABLES_GPA + 36 > TABLES_MAX) {
		UNIT_FAIL("table address 0x%llx lies outside the tables", (unsigned long long)addr);
		return NULL;
	}
	return tables + (addr - TABLES_GPA);
}

struct found_tables {
	const uint8_t *xsdt, *fadt, *madt, *dsdt;
};

/* RSDP -> XSDT -> FADT, MADT; FADT -> DSDT, as Linux walks them. */
static bool build_and_walk(unsigned int nr_cpus, const struct acpi_virtio_mmio *devices,
			   unsigned int nr_devices, struct found_tables *t)
{
	struct acpi_machine m = { nr_cpus, devices, nr_devices };
	struct vitro_error err = { "" };
	struct acpi_layout layout;
	unsigned int i, nr;

	memset(t, 0, sizeof(*t));
	memset(tables, 0xee, sizeof(tables));
	if (!EXPECT_EQ(acpi_build(tables, sizeof(tables), TABLES_GPA, &m, &layout, &err), 0))
		return false;
	if (!EXPECT_TRUE(!memcmp(tables, "RSD PTR ", 8)) ||
	    !(t->xsdt = table_at(le(tables + 24, 8))) || !EXPECT_TRUE(!memcmp(t->xsdt, "XSDT", 4)))
		return false;
	nr = (le(t->xsdt + 4, 4) - 36) / 8;
	for (i = 0; i < nr; i++) {
		const uint8_t *entry = table_at(le(t->xsdt + 36 + 8 * i, 8));

		if (entry && !memcmp(entry, "FACP", 4))
			t->fadt = entry;
		else if (entry && !memcmp(entry, "APIC", 4))
			t->madt = entry;
		else
			UNIT_FAIL("XSDT entry %u is neither FACP nor APIC", i);
	}
	if (!EXPECT_TRUE(t->fadt && t->madt))
		return false;
	t->dsdt = table_at(le(t->fadt + 140, 8));
	return EXPECT_TRUE(t->dsdt && !memcmp(t->dsdt, "DSDT", 4)) &&
	       EXPECT_EQ(layout.total_size, t->dsdt - tables + le(t->dsdt + 4, 4));
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void test_acpi_every_table_checksums_to_zero(void)
{
	struct found_tables t;

	if (!build_and_walk(2, two_disks, 2, &t))
		return;
	EXPECT_EQ(sum(tables, 20), 0); /* the ACPI 1.0 part of the RSDP */
	EXPECT_EQ(sum(tables, 36), 0);
	EXPECT_EQ(tables[15], 2); /* revision 2: XSDT, 36 bytes */
	EXPECT_EQ(le(tables + 20, 4), 36);
	EXPECT_EQ(le(tables + 16, 4), 0); /* no RSDT */
	EXPECT_EQ(sum(t.xsdt, le(t.xsdt + 4, 4)), 0);
	EXPECT_EQ(sum(t.fadt, le(t.fadt + 4, 4)), 0);
	EXPECT_EQ(sum(t.madt, le(t.madt + 4, 4)), 0);
	EXPECT_EQ(sum(t.dsdt, le(t.dsdt + 4, 4)), 0);
	EXPECT_EQ(acpi_checksum((const uint8_t *)"\x01\x02", 2), 0xfd);
}

static void test_acpi_fadt_is_hardware_reduced_and_points_to_the_dsdt(void)
{
	struct found_tables t;

	if (!build_and_walk(1, NULL, 0, &t))
		return;
	EXPECT_EQ(le(t.fadt + 4, 4), 276);
	EXPECT_EQ(t.fadt[8], 6);
	EXPECT_EQ(le(t.fadt + 112, 4), 1u << 20); /* HW_REDUCED_ACPI only */
	EXPECT_EQ(le(t.fadt + 40, 4), le(t.fadt + 140, 8)); /* DSDT = X_DSDT */
	EXPECT_EQ(le(t.fadt + 46, 2), 0); /* no SCI */
	EXPECT_EQ(le(t.fadt + 76, 4), 0); /* no PM timer */
	/* No 8042, no VGA, no MSI, no CMOS RTC. */
	EXPECT_EQ(le(t.fadt + 109, 2), (1u << 2) | (1u << 3) | (1u << 5));
}

static void test_acpi_madt_lists_each_vcpu_and_the_ioapic(void)
{
	struct found_tables t;
	const uint8_t *e, *end;
	unsigned int nr_xapic = 0, nr_x2apic = 0, nr_ioapic = 0;

	if (!build_and_walk(300, NULL, 0, &t))
		return;
	EXPECT_EQ(le(t.madt + 36, 4), MACHINE_LAPIC_BASE);
	EXPECT_EQ(le(t.madt + 40, 4), 1); /* PCAT_COMPAT */
	end = t.madt + le(t.madt + 4, 4);
	for (e = t.madt + 44; e < end && e[1]; e += e[1]) {
		switch (e[0]) {
		case 0: /* xAPIC: UID and APIC ID the same, counting up, enabled */
			EXPECT_EQ(e[1], 8);
			EXPECT_EQ(e[2], nr_xapic);
			EXPECT_EQ(e[3], nr_xapic);
			EXPECT_EQ(le(e + 4, 4), 1);
			nr_xapic++;
			break;
		case 9: /* x2APIC for IDs past 254 */
			EXPECT_EQ(e[1], 16);
			EXPECT_EQ(le(e + 4, 4), 255 + nr_x2apic);
			EXPECT_EQ(le(e + 8, 4), 1);
			EXPECT_EQ(le(e + 12, 4), 255 + nr_x2apic);
			nr_x2apic++;
			break;
		case 1:
			EXPECT_EQ(le(e + 4, 4), MACHINE_IOAPIC_BASE);
			EXPECT_EQ(le(e + 8, 4), 0); /* GSI base */
			nr_ioapic++;
			break;
		default:
			UNIT_FAIL("unexpected MADT entry type %u", e[0]);
		}
	}
	EXPECT_TRUE(e == end);
	EXPECT_EQ(nr_xapic, 255);
	EXPECT_EQ(nr_x2apic, 45);
	EXPECT_EQ(nr_ioapic, 1);
}

static void test_acpi_build_refuses_what_it_cannot_describe(void)
{
	struct acpi_virtio_mmio high = { 0x100000000ull, 0x200, 5 };
	struct acpi_machine m = { 1, two_disks, 9 };
	struct vitro_error err = { "" };
	struct acpi_layout layout;

	EXPECT_EQ(acpi_build(tables, sizeof(tables), TABLES_GPA, &m, &layout, &err), -E2BIG);
	EXPECT_CONTAINS(err.msg, "9 virtio-mmio devices");
	m = (struct acpi_machine){ 1, &high, 1 };
	EXPECT_EQ(acpi_build(tables, sizeof(tables), TABLES_GPA, &m, &layout, &err), -EINVAL);
	EXPECT_CONTAINS(err.msg, "above 4 GiB");
	m = (struct acpi_machine){ 0, NULL, 0 };
	EXPECT_EQ(acpi_build(tables, sizeof(tables), TABLES_GPA, &m, &layout, &err), -EINVAL);
	m = (struct acpi_machine){ 1, two_disks, 2 };
	EXPECT_EQ(acpi_build(tables, 200, TABLES_GPA, &m, &layout, &err), -E2BIG);
	EXPECT_CONTAINS(err.msg, "200 are set aside");
}

/* --- ACPICA reads them ---------------------------------------------------- */

static bool has_tool(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s > /dev/null 2>&1", name);
	return system(cmd) == 0;
}

static bool write_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[256];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		UNIT_FAIL("cannot create %s", path);
		return false;
	}
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* The whole file as a string (at most 64 KiB), or NULL. */
static char *read_text(const char *dir, const char *name)
{
	static char text[65536];
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		UNIT_FAIL("%s was not written", path);
		return NULL;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void remove_dir(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "unit-tests: cannot remove %s\n", dir);
}

/* Disassembles name.dat in dir; returns the .dsl text if iasl succeeded and
 * said nothing about errors, warnings or checksums. */
static char *iasl_disassemble(const char *dir, const char *name)
{
	char cmd[512], file[64], *text;
	int rc;

	snprintf(cmd, sizeof(cmd), "cd '%s' && iasl -d %s.dat > %s.log 2>&1", dir, name, name);
	rc = system(cmd);
	snprintf(file, sizeof(file), "%s.log", name);
	text = read_text(dir, file);
	if (rc != 0 || !text || strstr(text, "Error") || strstr(text, "Warning")) {
		UNIT_FAIL("iasl -d %s.dat: status %d: %.400s", name, rc, text ? text : "");
		return NULL;
	}
	snprintf(file, sizeof(file), "%s.dsl", name);
	text = read_text(dir, file);
	if (text &&
	    (strstr(text, "Incorrect") || strstr(text, "Error") || strstr(text, "Invalid"))) {
		UNIT_FAIL("iasl's disassembly of %s flags a problem: %.400s", name,
			  strstr(text, "Incorrect") ? strstr(text, "Incorrect") : text);
		return NULL;
	}
	return text;
}

/* iasl output lines up columns with runs of spaces: compare with every run
 * of white space squeezed to one space. */
static bool contains_squeezed(const char *text, const char *want)
{
	static char squeezed[65536];
	size_t n = 0;
	bool was_space = false;

	for (; *text && n < sizeof(squeezed) - 1; text++) {
		bool is_space = *text == ' ' || *text == '\n' || *text == '\t';

		if (is_space && was_space)
			continue;
		squeezed[n++] = is_space ? ' ' : *text;
		was_space = is_space;
	}
	squeezed[n] = '\0';
	return strstr(squeezed, want) != NULL;
}

#define EXPECT_DSL(text, want)                                             \
	do {                                                               \
		if (!contains_squeezed((text), (want)))                    \
			UNIT_FAIL("the disassembly lacks \"%s\"", (want)); \
	} while (0)

static void test_acpi_tables_disassemble_cleanly_with_iasl(void)
{
	char dir[] = "/tmp/vitro-acpi-XXXXXX";
	struct found_tables t;
	char *text;

	if (!has_tool("iasl")) {
		unit_skip("iasl is missing (scripts/setup-deps installs acpica-tools)");
		return;
	}
	if (!build_and_walk(2, two_disks, 2, &t))
		return;
	if (!mkdtemp(dir)) {
		UNIT_FAIL("mkdtemp failed");
		return;
	}
	if (!write_file(dir, "dsdt.dat", t.dsdt, le(t.dsdt + 4, 4)) ||
	    !write_file(dir, "facp.dat", t.fadt, le(t.fadt + 4, 4)) ||
	    !write_file(dir, "apic.dat", t.madt, le(t.madt + 4, 4)) ||
	    !write_file(dir, "xsdt.dat", t.xsdt, le(t.xsdt + 4, 4)))
		goto out;

	if ((text = iasl_disassemble(dir, "dsdt"))) {
		EXPECT_DSL(text, "DefinitionBlock (\"\", \"DSDT\", 2, \"VITRO \", \"VITROVM \"");
		EXPECT_DSL(text, "Scope (\\_SB) {");
		EXPECT_DSL(text, "Device (COM1) { Name (_HID, EisaId (\"PNP0501\")");
		EXPECT_DSL(text, "IO (Decode16, 0x03F8, // Range Minimum 0x03F8, // Range Maximum "
				 "0x00, // Alignment 0x08, // Length )");
		EXPECT_DSL(text, "IRQNoFlags () {4}");
		EXPECT_DSL(text, "Device (V000) { Name (_HID, \"LNRO0005\")");
		EXPECT_DSL(text, "Name (_UID, Zero)");
		EXPECT_DSL(text,
			   "Memory32Fixed (ReadWrite, 0xFEB00000, // Address Base 0x00000200, "
			   "// Address Length )");
		EXPECT_DSL(text, "Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) { "
				 "0x00000005, }");
		EXPECT_DSL(text, "Device (V001) { Name (_HID, \"LNRO0005\")");
		EXPECT_DSL(text, "Name (_UID, One)");
		EXPECT_DSL(text, "0xFEB00200, // Address Base");
		EXPECT_DSL(text, "{ 0x00000006, }");
	}
	if ((text = iasl_disassemble(dir, "facp"))) {
		EXPECT_DSL(text, "Hardware Reduced (V5) : 1");
		EXPECT_DSL(text, "Revision : 06");
		EXPECT_DSL(text, "CMOS RTC Not Present (V5) : 1");
	}
	if ((text = iasl_disassemble(dir, "apic"))) {
		EXPECT_DSL(text, "Subtable Type : 00 [Processor Local APIC]");
		EXPECT_DSL(text, "Local Apic ID : 01");
		EXPECT_DSL(text, "Subtable Type : 01 [I/O APIC]");
		EXPECT_DSL(text, "Address : FEC00000");
		EXPECT_DSL(text, "Local Apic Address : FEE00000");
	}
	if ((text = iasl_disassemble(dir, "xsdt")))
		EXPECT_DSL(text, "ACPI Table Address 1 :");
out:
	remove_dir(dir);
}

static void test_acpi_dsdt_loads_and_evaluates_in_acpiexec(void)
{
	char dir[] = "/tmp/vitro-acpi-XXXXXX";
	char cmd[512], *text;
	struct found_tables t;
	int rc;

	if (!has_tool("acpiexec")) {
		unit_skip("acpiexec is missing (scripts/setup-deps installs acpica-tools)");
		return;
	}
	if (!build_and_walk(2, two_disks, 2, &t))
		return;
	if (!mkdtemp(dir)) {
		UNIT_FAIL("mkdtemp failed");
		return;
	}
	if (!write_file(dir, "dsdt.dat", t.dsdt, le(t.dsdt + 4, 4)) ||
	    !write_file(dir, "facp.dat", t.fadt, le(t.fadt + 4, 4)) ||
	    !write_file(dir, "apic.dat", t.madt, le(t.madt + 4, 4)))
		goto out;
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && timeout 30 acpiexec -b 'evaluate \\_SB.V001._HID; evaluate "
		 "\\_SB.V001._CRS; evaluate \\_SB.COM1._HID' facp.dat apic.dat dsdt.dat "
		 "> out.txt 2>&1",
		 dir);
	rc = system(cmd);
	text = read_text(dir, "out.txt");
	if (!text)
		goto out;
	if (rc != 0 || strstr(text, "AE_") || strstr(text, "Exception"))
		UNIT_FAIL("acpiexec: status %d: %.600s", rc, text);
	EXPECT_DSL(text, "Table [DSDT: VITROVM ] (id 01) - 14 Objects with 3 Devices");
	EXPECT_DSL(text, "[String] Length 08 = \"LNRO0005\"");
	EXPECT_DSL(text, "[Buffer] Length 17 = 0000: 86 09 00 01 00 02 B0 FE 00 02 00 00 89 06 00 "
			 "03 // ................ 0010: 01 06 00 00 00 79 00");
	EXPECT_DSL(text, "[Integer] = 000000000105D041"); /* EisaId("PNP0501") */
out:
	remove_dir(dir);
}

static void unit_register_acpi(void)
{
	static CU_TestInfo tests[] = {
		UNIT_TEST(test_acpi_every_table_checksums_to_zero),
		UNIT_TEST(test_acpi_fadt_is_hardware_reduced_and_points_to_the_dsdt),
		UNIT_TEST(test_acpi_madt_lists_each_vcpu_and_the_ioapic),
		UNIT_TEST(test_acpi_build_refuses_what_it_cannot_describe),
		UNIT_TEST(test_acpi_tables_disassemble_cleanly_with_iasl),
		UNIT_TEST(test_acpi_dsdt_loads_and_evaluates_in_acpiexec),
		CU_TEST_INFO_NULL,
	};

	unit_add_suite("acpi", tests);
}

UNIT_REGISTER(unit_register_acpi)
