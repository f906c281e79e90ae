/* Writes the device-tree seeds for fuzz_dtb: the trees vitro itself hands the
 * guest (vmm/boot/fdt.c), and variants edited with libfdt's read-write API
 * (NOPs, deep nesting, odd property sizes). Run by tests/fuzz/make-seeds:
 *   gen_dtb_seeds OUTPUT_DIR */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/machine.h"
#include "../../vmm/boot/fdt.h"

#define SEED_BUF_SIZE 8192

static void check(int rc, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "gen_dtb_seeds: %s: %s\n", what, fdt_strerror(rc));
		exit(1);
	}
}

static void write_seed(const char *dir, const char *name, const void *blob, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(blob, 1, size, f) != size || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void build_vitro_tree(void *buf, uint64_t mem_bytes, unsigned int nr_cpus,
			     const char *cmdline, int has_extras)
{
	struct guest_mem mem;
	struct vitro_error err;
	struct fdt_machine m = {
		.mem = &mem,
		.nr_cpus = nr_cpus,
		.cmdline = cmdline,
	};

	guest_mem_layout(&mem, NULL, mem_bytes, MACHINE_MMIO_HOLE_START, MACHINE_MMIO_HOLE_END);
	if (has_extras) {
		m.initrd_gpa = 0x4000000;
		m.initrd_size = 0x123456;
		m.tsc_khz = 2995200;
		m.tsc_at_vmm_start = 0x123456789abull;
	}
	if (fdt_build(buf, SEED_BUF_SIZE, &m, &err) < 0) {
		fprintf(stderr, "gen_dtb_seeds: %s\n", err.msg);
		exit(1);
	}
}

/* A tree edited in place: NOPed properties and nodes, a chain of nested
 * nodes, and properties whose sizes are not what readers expect. */
static void build_edited_tree(void *buf)
{
	static const char unterminated[3] = { 'a', 'b', 'c' };
	int node, i;

	build_vitro_tree(buf, 64ull << 20, 2, "quiet", 1);
	check(fdt_open_into(buf, buf, SEED_BUF_SIZE), "fdt_open_into");
	node = fdt_path_offset(buf, "/chosen");
	check(node, "/chosen");
	check(fdt_setprop(buf, node, "vitro,tsc-khz", "\x01\x02\x03", 3), "tsc-khz");
	check(fdt_setprop(buf, node, "bootargs", unterminated, sizeof(unterminated)), "bootargs");
	check(fdt_setprop(buf, node, "stdout-path", NULL, 0), "stdout-path");
	node = fdt_path_offset(buf, "/memory@0");
	check(node, "/memory@0");
	check(fdt_nop_property(buf, node, "device_type"), "nop device_type");
	node = fdt_path_offset(buf, "/isa/debug-exit@f4");
	check(node, "/isa/debug-exit@f4");
	check(fdt_nop_node(buf, node), "nop debug-exit");
	node = fdt_path_offset(buf, "/");
	for (i = 0; i < 12; i++) {
		node = fdt_add_subnode(buf, node, i % 2 ? "a@1" : "a");
		check(node, "add nested node");
		check(fdt_setprop_u32(buf, node, "reg", i), "nested reg");
	}
	check(fdt_pack(buf), "fdt_pack");
}

int main(int argc, char **argv)
{
	static uint8_t buf[SEED_BUF_SIZE];

	if (argc != 2) {
		fprintf(stderr, "usage: gen_dtb_seeds OUTPUT_DIR\n");
		return 2;
	}
	build_vitro_tree(buf, 256ull << 20, 1, "console=ttyS0", 0);
	write_seed(argv[1], "vitro-1cpu.dtb", buf, fdt_totalsize(buf));
	build_vitro_tree(buf, 4ull << 30, 4, "console=ttyS0 ktest=all", 1);
	write_seed(argv[1], "vitro-4cpu-4g-initrd.dtb", buf, fdt_totalsize(buf));
	build_edited_tree(buf);
	write_seed(argv[1], "edited-nops-nested.dtb", buf, fdt_totalsize(buf));
	/* totalsize claims more bytes than the file has. */
	build_vitro_tree(buf, 256ull << 20, 1, "", 0);
	write_seed(argv[1], "truncated.dtb", buf, fdt_totalsize(buf) / 2);
	return 0;
}
