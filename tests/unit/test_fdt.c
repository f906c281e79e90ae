/* Tests for the device tree vitro builds (vmm/boot/fdt.c), read back with
 * libfdt, the reader Linux and U-Boot use. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "../../shared/machine.h"
#include "../../vmm/boot/fdt.h"
#include "unit.h"

#define FDT_BUF_SIZE 0x10000

static _Alignas(8) uint8_t fdt_buf[FDT_BUF_SIZE];

static struct guest_mem small_mem, split_mem;

static struct fdt_machine default_machine(void)
{
	guest_mem_layout(&small_mem, NULL, 64ull << 20, MACHINE_MMIO_HOLE_START,
			 MACHINE_MMIO_HOLE_END);
	return (struct fdt_machine){
		.mem = &small_mem,
		.nr_cpus = 1,
		.cmdline = "console=ttyS0 debug",
	};
}

/* Builds into fdt_buf and checks it is a well-formed tree of the size
 * returned. Returns false (after recording why) if not. */
static bool build_at(const char *file, unsigned int line, const struct fdt_machine *m)
{
	struct vitro_error err = { "" };
	int rc;

	memset(fdt_buf, 0xee, sizeof(fdt_buf));
	rc = fdt_build(fdt_buf, sizeof(fdt_buf), m, &err);
	if (rc < 0) {
		unit_fail_at(file, line, "fdt_build() = %d: %s", rc, err.msg);
		return false;
	}
	if (fdt_check_header(fdt_buf) || (int)fdt_totalsize(fdt_buf) != rc) {
		unit_fail_at(file, line, "fdt_build() = %d, but the header says %u bytes", rc,
			     fdt_totalsize(fdt_buf));
		return false;
	}
	return true;
}

#define BUILD(m) build_at(__FILE__, __LINE__, (m))

static int node(const char *path)
{
	int off = fdt_path_offset(fdt_buf, path);

	if (off < 0)
		UNIT_FAIL("no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const char *prop_string(int node_off, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt_buf, node_off, name, &len);

	if (!s || len < 1 || s[len - 1] != '\0')
		return NULL;
	return s;
}

/* The property as one big-endian cell of len bytes (4 or 8); ~0 if absent
 * or of another length. */
static uint64_t prop_cell(int node_off, const char *name, int want_len)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt_buf, node_off, name, &len);

	if (!p || len != want_len)
		return UINT64_MAX;
	if (len == 4)
		return fdt32_ld((const fdt32_t *)p);
	return fdt64_ld((const fdt64_t *)p);
}

static void test_fdt_root_has_two_address_and_size_cells(void)
{
	struct fdt_machine m = default_machine();

	if (!BUILD(&m))
		return;
	EXPECT_EQ(prop_cell(0, "#address-cells", 4), 2);
	EXPECT_EQ(prop_cell(0, "#size-cells", 4), 2);
	EXPECT_STR(prop_string(0, "compatible"), "vitro,pvh");
}

static void test_fdt_chosen_holds_bootargs(void)
{
	struct fdt_machine m = default_machine();
	int chosen;

	if (!BUILD(&m) || (chosen = node("/chosen")) < 0)
		return;
	EXPECT_STR(prop_string(chosen, "bootargs"), "console=ttyS0 debug");
	/* stdout-path names a node that exists. */
	EXPECT_TRUE(prop_string(chosen, "stdout-path") &&
		    fdt_path_offset(fdt_buf, prop_string(chosen, "stdout-path")) >= 0);
}

static void test_fdt_chosen_holds_empty_bootargs_for_empty_cmdline(void)
{
	struct fdt_machine m = default_machine();
	int chosen;

	m.cmdline = "";
	if (!BUILD(&m) || (chosen = node("/chosen")) < 0)
		return;
	EXPECT_STR(prop_string(chosen, "bootargs"), "");
}

static void test_fdt_chosen_holds_initrd_range_only_with_initrd(void)
{
	struct fdt_machine m = default_machine();
	int chosen;

	if (!BUILD(&m) || (chosen = node("/chosen")) < 0)
		return;
	EXPECT_FALSE(fdt_getprop(fdt_buf, chosen, "linux,initrd-start", NULL));
	EXPECT_FALSE(fdt_getprop(fdt_buf, chosen, "linux,initrd-end", NULL));

	m.initrd_gpa = 0x3ff0000;
	m.initrd_size = 0x12345;
	if (!BUILD(&m) || (chosen = node("/chosen")) < 0)
		return;
	EXPECT_EQ(prop_cell(chosen, "linux,initrd-start", 8), 0x3ff0000);
	EXPECT_EQ(prop_cell(chosen, "linux,initrd-end", 8), 0x3ff0000 + 0x12345);
}

static void test_fdt_chosen_holds_tsc_values_only_when_known(void)
{
	struct fdt_machine m = default_machine();
	int chosen;

	if (!BUILD(&m) || (chosen = node("/chosen")) < 0)
		return;
	EXPECT_FALSE(fdt_getprop(fdt_buf, chosen, "vitro,tsc-khz", NULL));
	EXPECT_FALSE(fdt_getprop(fdt_buf, chosen, "vitro,tsc-at-vmm-start", NULL));

	m.tsc_khz = 2993012;
	m.tsc_at_vmm_start = 0x123456789abull;
	if (!BUILD(&m) || (chosen = node("/chosen")) < 0)
		return;
	EXPECT_EQ(prop_cell(chosen, "vitro,tsc-khz", 4), 2993012);
	EXPECT_EQ(prop_cell(chosen, "vitro,tsc-at-vmm-start", 8), 0x123456789abull);
}

static void test_fdt_trace_node_only_when_tracing(void)
{
	struct fdt_machine m = default_machine();
	const fdt64_t *reg;
	int trace, len;

	if (!BUILD(&m))
		return;
	EXPECT_TRUE(fdt_path_offset(fdt_buf, "/trace@c0000000") < 0);
	m.trace = (struct fdt_trace_region){ 0xc0000000ull, 2 * 0x11000, 2, 0x11000, 0x81 };
	if (!BUILD(&m) || (trace = node("/trace@c0000000")) < 0)
		return;
	EXPECT_STR(prop_string(trace, "compatible"), "vitro,trace-rings");
	reg = fdt_getprop(fdt_buf, trace, "reg", &len);
	if (EXPECT_TRUE(reg != NULL) && EXPECT_EQ(len, 16)) {
		EXPECT_EQ(fdt64_to_cpu(reg[0]), 0xc0000000ull);
		EXPECT_EQ(fdt64_to_cpu(reg[1]), 2 * 0x11000);
	}
	EXPECT_EQ(prop_cell(trace, "vitro,nr-rings", 4), 2);
	EXPECT_EQ(prop_cell(trace, "vitro,ring-size", 8), 0x11000);
	EXPECT_EQ(prop_cell(trace, "vitro,event-mask", 8), 0x81);
}

static void expect_memory_reg(const struct guest_mem *mem)
{
	struct fdt_machine m = default_machine();
	const fdt64_t *reg;
	unsigned int i;
	int memory, len;

	m.mem = mem;
	if (!BUILD(&m) || (memory = node("/memory@0")) < 0)
		return;
	EXPECT_STR(prop_string(memory, "device_type"), "memory");
	reg = fdt_getprop(fdt_buf, memory, "reg", &len);
	if (!EXPECT_TRUE(reg != NULL) || !EXPECT_EQ(len, mem->nr_ranges * 2 * sizeof(fdt64_t)))
		return;
	for (i = 0; i < mem->nr_ranges; i++) {
		EXPECT_EQ(fdt64_to_cpu(reg[2 * i]), mem->ranges[i].gpa);
		EXPECT_EQ(fdt64_to_cpu(reg[2 * i + 1]), mem->ranges[i].size);
	}
}

static void test_fdt_memory_reg_lists_the_single_ram_range(void)
{
	default_machine();
	EXPECT_EQ(small_mem.nr_ranges, 1);
	expect_memory_reg(&small_mem);
}

static void test_fdt_memory_reg_lists_both_ranges_around_mmio_hole(void)
{
	guest_mem_layout(&split_mem, NULL, 6ull << 30, MACHINE_MMIO_HOLE_START,
			 MACHINE_MMIO_HOLE_END);
	EXPECT_EQ(split_mem.nr_ranges, 2);
	expect_memory_reg(&split_mem);
}

static void test_fdt_cpus_has_one_node_per_vcpu_with_reg_as_index(void)
{
	static const unsigned int counts[] = { 1, 4, 64 };
	unsigned int c, i, nr_children;
	int cpus, child;

	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		struct fdt_machine m = default_machine();

		m.nr_cpus = counts[c];
		if (!BUILD(&m) || (cpus = node("/cpus")) < 0)
			return;
		EXPECT_EQ(prop_cell(cpus, "#address-cells", 4), 1);
		EXPECT_EQ(prop_cell(cpus, "#size-cells", 4), 0);
		nr_children = 0;
		fdt_for_each_subnode(child, fdt_buf, cpus) nr_children++;
		EXPECT_EQ(nr_children, counts[c]);
		for (i = 0; i < counts[c]; i++) {
			char path[32];
			int cpu;

			snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
			if ((cpu = node(path)) < 0)
				break;
			EXPECT_EQ(prop_cell(cpu, "reg", 4), i);
			EXPECT_STR(prop_string(cpu, "device_type"), "cpu");
		}
	}
}

static void test_fdt_describes_com1_as_ns16550a_on_irq_4(void)
{
	struct fdt_machine m = default_machine();
	const fdt32_t *reg;
	int serial, len;

	if (!BUILD(&m) || (serial = node("/isa/serial@3f8")) < 0)
		return;
	EXPECT_STR(prop_string(serial, "compatible"), "ns16550a");
	EXPECT_EQ(prop_cell(serial, "interrupts", 4), 4);
	EXPECT_EQ(prop_cell(serial, "clock-frequency", 4), 1843200);
	reg = fdt_getprop(fdt_buf, serial, "reg", &len);
	if (EXPECT_TRUE(reg && len == 8)) {
		EXPECT_EQ(fdt32_to_cpu(reg[0]), 0x3f8);
		EXPECT_EQ(fdt32_to_cpu(reg[1]), 8);
	}
}

static void test_fdt_describes_each_virtio_mmio_transport(void)
{
	static const struct fdt_virtio_mmio devices[] = {
		{ MACHINE_VIRTIO_MMIO_BASE, MACHINE_VIRTIO_MMIO_SIZE, 5 },
		{ MACHINE_VIRTIO_MMIO_BASE + MACHINE_VIRTIO_MMIO_SIZE, MACHINE_VIRTIO_MMIO_SIZE,
		  6 },
	};
	struct fdt_machine m = default_machine();
	const fdt64_t *reg;
	int dev, len;

	if (!BUILD(&m))
		return;
	EXPECT_TRUE(fdt_path_offset(fdt_buf, "/virtio_mmio@feb00000") < 0);
	m.virtio_mmio = devices;
	m.nr_virtio_mmio = ARRAY_SIZE(devices);
	if (!BUILD(&m) || node("/virtio_mmio@feb00000") < 0 ||
	    (dev = node("/virtio_mmio@feb00200")) < 0)
		return;
	EXPECT_STR(prop_string(dev, "compatible"), "virtio,mmio");
	EXPECT_EQ(prop_cell(dev, "interrupts", 4), 6);
	reg = fdt_getprop(fdt_buf, dev, "reg", &len);
	if (EXPECT_TRUE(reg != NULL) && EXPECT_EQ(len, 16)) {
		/* Properties are only 4-byte aligned: fdt64_ld, not a plain load. */
		EXPECT_EQ(fdt64_ld(&reg[0]), 0xfeb00200ull);
		EXPECT_EQ(fdt64_ld(&reg[1]), 0x200);
	}
}

static void test_fdt_build_fails_cleanly_in_too_small_buffer(void)
{
	struct vitro_error err = { "" };
	struct fdt_machine m = default_machine();
	int size, rc;

	if (!BUILD(&m))
		return;
	size = fdt_totalsize(fdt_buf);
	/* One byte short of what it needs, and far too short. */
	rc = fdt_build(fdt_buf, size - 1, &m, &err);
	EXPECT_EQ(rc, -ENOSPC);
	EXPECT_CONTAINS(err.msg, "device tree");
	rc = fdt_build(fdt_buf, 16, &m, &err);
	EXPECT_EQ(rc, -ENOSPC);
}

static CU_TestInfo fdt_tests[] = {
	UNIT_TEST(test_fdt_root_has_two_address_and_size_cells),
	UNIT_TEST(test_fdt_chosen_holds_bootargs),
	UNIT_TEST(test_fdt_chosen_holds_empty_bootargs_for_empty_cmdline),
	UNIT_TEST(test_fdt_chosen_holds_initrd_range_only_with_initrd),
	UNIT_TEST(test_fdt_chosen_holds_tsc_values_only_when_known),
	UNIT_TEST(test_fdt_trace_node_only_when_tracing),
	UNIT_TEST(test_fdt_memory_reg_lists_the_single_ram_range),
	UNIT_TEST(test_fdt_memory_reg_lists_both_ranges_around_mmio_hole),
	UNIT_TEST(test_fdt_cpus_has_one_node_per_vcpu_with_reg_as_index),
	UNIT_TEST(test_fdt_describes_com1_as_ns16550a_on_irq_4),
	UNIT_TEST(test_fdt_describes_each_virtio_mmio_transport),
	UNIT_TEST(test_fdt_build_fails_cleanly_in_too_small_buffer),
	CU_TEST_INFO_NULL,
};

static void unit_register_fdt(void)
{
	unit_add_suite("fdt", fdt_tests);
}

UNIT_REGISTER(unit_register_fdt)
