/* Tests for the kernel's device-tree reader (guest/kernel/lib/dtb.c) built
 * for the host. Blobs come from libfdt; corrupt ones are libfdt's output
 * with one thing broken, handed over in buffers that end at a guard page so
 * a read past the end crashes (in a child process) instead of passing. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vitro/dtb.h>
#include <vitro/errno.h>

#include "../../shared/machine.h"
#include "../../vmm/boot/fdt.h"
#include "unit.h"

/* Header fields (Devicetree Specification v0.4, 5.2). */
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12
#define HDR_VERSION 20
#define HDR_LAST_COMP_VERSION 24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36
#define HDR_SIZE 40

#define TREE_BUF_SIZE 4096

static _Alignas(8) uint8_t tree[TREE_BUF_SIZE];
static size_t tree_size;

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t value)
{
	p[0] = value >> 24;
	p[1] = value >> 16;
	p[2] = value >> 8;
	p[3] = value;
}

/*
 * / { compatible = "vitro,test"; #address-cells = <2>;
 *     cpus { #address-cells = <1>; cpu@0 { reg = <0>; device_type = "cpu"; };
 *            cpu@1 { reg = <1>; }; };
 *     memory@0 { reg = <0 0 0 0x10000000>; big = /bits/ 64 <...>; };
 *     isa { serial@3f8 { compatible = "ns16550a"; interrupts = <4>; }; };
 *     misc { flag; raw = [61 62 63]; }; };
 */
static bool build_tree(void)
{
	static const uint8_t raw[] = { 'a', 'b', 'c' };
	fdt64_t mem_reg[2] = { cpu_to_fdt64(0), cpu_to_fdt64(0x10000000) };
	void *fdt = tree;
	int rc;

	rc = fdt_create(fdt, sizeof(tree));
	rc = rc ?: fdt_finish_reservemap(fdt);
	rc = rc ?: fdt_begin_node(fdt, "");
	rc = rc ?: fdt_property_string(fdt, "compatible", "vitro,test");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	rc = rc ?: fdt_begin_node(fdt, "cpus");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_begin_node(fdt, "cpu@0");
	rc = rc ?: fdt_property_u32(fdt, "reg", 0);
	rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_begin_node(fdt, "cpu@1");
	rc = rc ?: fdt_property_u32(fdt, "reg", 1);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_begin_node(fdt, "memory@0");
	rc = rc ?: fdt_property(fdt, "reg", mem_reg, sizeof(mem_reg));
	rc = rc ?: fdt_property_u64(fdt, "big", 0x123456789abcdef0ull);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_begin_node(fdt, "isa");
	rc = rc ?: fdt_begin_node(fdt, "serial@3f8");
	rc = rc ?: fdt_property_string(fdt, "compatible", "ns16550a");
	rc = rc ?: fdt_property_u32(fdt, "interrupts", 4);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_begin_node(fdt, "misc");
	rc = rc ?: fdt_property(fdt, "flag", NULL, 0);
	rc = rc ?: fdt_property(fdt, "raw", raw, sizeof(raw));
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_finish(fdt);
	if (rc || fdt_check_header(fdt)) {
		UNIT_FAIL("libfdt could not build the test tree: %s", fdt_strerror(rc));
		return false;
	}
	tree_size = fdt_totalsize(fdt);
	return true;
}

static bool open_tree_at(const char *file, unsigned int line, struct dtb *dtb)
{
	int rc;

	if (!build_tree())
		return false;
	rc = dtb_open(dtb, tree, tree_size);
	if (rc) {
		unit_fail_at(file, line, "dtb_open() of libfdt's blob = %d", rc);
		return false;
	}
	return true;
}

#define OPEN_TREE(dtb) open_tree_at(__FILE__, __LINE__, (dtb))

static int libfdt_node(const char *path)
{
	int off = fdt_path_offset(tree, path);

	if (off < 0)
		UNIT_FAIL("libfdt finds no %s: %s", path, fdt_strerror(off));
	return off;
}

/* Offset in the blob of the property's FDT_PROP token. */
static size_t libfdt_prop_token(const char *path, const char *name)
{
	int node = fdt_path_offset(tree, path), prop;

	fdt_for_each_property_offset(prop, tree, node)
	{
		const char *pname;

		fdt_getprop_by_offset(tree, prop, &pname, NULL);
		if (pname && !strcmp(pname, name))
			return fdt_off_dt_struct(tree) + prop;
	}
	UNIT_FAIL("libfdt finds no %s in %s", name, path);
	return 0;
}

static void test_dtb_opens_blob_written_by_libfdt(void)
{
	struct dtb dtb;

	if (!OPEN_TREE(&dtb))
		return;
	EXPECT_EQ(dtb.size, tree_size);
	EXPECT_TRUE(dtb_has_magic(tree));
	EXPECT_EQ(dtb_root(&dtb), 0);
	EXPECT_STR(dtb_node_name(&dtb, dtb_root(&dtb)), "");
}

static void test_dtb_finds_nodes_where_libfdt_finds_them(void)
{
	static const char *const paths[] = {
		"/",	     "/cpus", "/cpus/cpu@0",	 "/cpus/cpu@1",
		"/memory@0", "/isa",  "/isa/serial@3f8", "/misc",
	};
	struct dtb dtb;
	unsigned int i;

	if (!OPEN_TREE(&dtb))
		return;
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		int want = libfdt_node(paths[i]), got = dtb_find_node(&dtb, paths[i]);

		if (got != want)
			UNIT_FAIL("dtb_find_node(\"%s\") = %d, libfdt says %d", paths[i], got,
				  want);
	}
}

static void test_dtb_name_without_unit_address_matches_node_with_one(void)
{
	struct dtb dtb;

	if (!OPEN_TREE(&dtb))
		return;
	EXPECT_EQ(dtb_find_node(&dtb, "/cpus/cpu"), libfdt_node("/cpus/cpu@0"));
	EXPECT_EQ(dtb_find_node(&dtb, "/memory"), libfdt_node("/memory@0"));
	EXPECT_EQ(dtb_find_node(&dtb, "/isa/serial"), libfdt_node("/isa/serial@3f8"));
	EXPECT_STR(dtb_node_name(&dtb, dtb_find_node(&dtb, "/cpus/cpu")), "cpu@0");
}

static void test_dtb_name_with_unit_address_must_match_exactly(void)
{
	struct dtb dtb;

	if (!OPEN_TREE(&dtb))
		return;
	EXPECT_EQ(dtb_find_node(&dtb, "/cpus/cpu@2"), -ENOENT);
	EXPECT_EQ(dtb_find_node(&dtb, "/cpus/cpu@"), -ENOENT);
	EXPECT_EQ(dtb_find_node(&dtb, "/cpus/cpu@01"), -ENOENT);
	EXPECT_EQ(dtb_find_node(&dtb, "/cpu"), -ENOENT);
	EXPECT_EQ(dtb_find_node(&dtb, "/cpusx"), -ENOENT);
	EXPECT_EQ(dtb_find_node(&dtb, "/cp"), -ENOENT);
	EXPECT_EQ(dtb_find_node(&dtb, "/cpus/cpu@0/more"), -ENOENT);
	/* Children are looked up under their own parent only. */
	EXPECT_EQ(dtb_find_node(&dtb, "/serial@3f8"), -ENOENT);
}

static void test_dtb_find_node_rejects_relative_path(void)
{
	struct dtb dtb;

	if (!OPEN_TREE(&dtb))
		return;
	EXPECT_EQ(dtb_find_node(&dtb, "cpus"), -EINVAL);
	EXPECT_EQ(dtb_find_node(&dtb, ""), -EINVAL);
}

static void test_dtb_reads_u32_u64_and_string_properties(void)
{
	struct dtb dtb;
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	int cpu1, memory, serial;

	if (!OPEN_TREE(&dtb))
		return;
	cpu1 = dtb_find_node(&dtb, "/cpus/cpu@1");
	memory = dtb_find_node(&dtb, "/memory@0");
	serial = dtb_find_node(&dtb, "/isa/serial@3f8");
	EXPECT_EQ(dtb_get_u32(&dtb, cpu1, "reg", &u32), 0);
	EXPECT_EQ(u32, 1);
	EXPECT_EQ(dtb_get_u32(&dtb, serial, "interrupts", &u32), 0);
	EXPECT_EQ(u32, 4);
	EXPECT_EQ(dtb_get_u64(&dtb, memory, "big", &u64), 0);
	EXPECT_EQ(u64, 0x123456789abcdef0ull);
	/* A one-cell value widens to 64 bits. */
	EXPECT_EQ(dtb_get_u64(&dtb, serial, "interrupts", &u64), 0);
	EXPECT_EQ(u64, 4);
	EXPECT_STR(dtb_get_string(&dtb, serial, "compatible"), "ns16550a");
	EXPECT_STR(dtb_get_string(&dtb, dtb_root(&dtb), "compatible"), "vitro,test");
}

static void test_dtb_getters_refuse_properties_of_the_wrong_size(void)
{
	struct dtb dtb;
	uint32_t u32 = 77;
	uint64_t u64 = 77;
	int memory, misc;

	if (!OPEN_TREE(&dtb))
		return;
	memory = dtb_find_node(&dtb, "/memory@0");
	misc = dtb_find_node(&dtb, "/misc");
	EXPECT_EQ(dtb_get_u32(&dtb, memory, "big", &u32), -ENOENT);
	EXPECT_EQ(dtb_get_u64(&dtb, memory, "reg", &u64), -ENOENT);
	EXPECT_EQ(dtb_get_u32(&dtb, misc, "raw", &u32), -ENOENT);
	EXPECT_EQ(dtb_get_u32(&dtb, misc, "flag", &u32), -ENOENT);
	EXPECT_EQ(u32, 77);
	EXPECT_EQ(u64, 77);
	/* Not NUL-terminated, and empty: neither is a string. */
	EXPECT_STR(dtb_get_string(&dtb, misc, "raw"), NULL);
	EXPECT_STR(dtb_get_string(&dtb, misc, "flag"), NULL);
}

static void test_dtb_get_prop_returns_value_and_length(void)
{
	const uint8_t *p;
	struct dtb dtb;
	uint32_t len = 99;
	int misc, memory;

	if (!OPEN_TREE(&dtb))
		return;
	misc = dtb_find_node(&dtb, "/misc");
	memory = dtb_find_node(&dtb, "/memory@0");
	p = dtb_get_prop(&dtb, misc, "raw", &len);
	if (EXPECT_TRUE(p != NULL)) {
		EXPECT_EQ(len, 3);
		EXPECT_TRUE(!memcmp(p, "abc", 3));
	}
	EXPECT_TRUE(dtb_get_prop(&dtb, misc, "flag", &len) != NULL);
	EXPECT_EQ(len, 0);
	p = dtb_get_prop(&dtb, memory, "reg", &len);
	EXPECT_TRUE(p == (const uint8_t *)fdt_getprop(tree, libfdt_node("/memory@0"), "reg", NULL));
	EXPECT_EQ(len, 16);
	EXPECT_TRUE(dtb_get_prop(&dtb, memory, "reg", NULL) != NULL);
}

static void test_dtb_get_prop_does_not_look_into_children(void)
{
	struct dtb dtb;
	uint32_t u32;

	if (!OPEN_TREE(&dtb))
		return;
	EXPECT_TRUE(dtb_get_prop(&dtb, dtb_root(&dtb), "reg", NULL) == NULL);
	EXPECT_TRUE(dtb_get_prop(&dtb, dtb_find_node(&dtb, "/cpus"), "device_type", NULL) == NULL);
	EXPECT_EQ(dtb_get_u32(&dtb, dtb_root(&dtb), "absent", &u32), -ENOENT);
	EXPECT_TRUE(dtb_get_prop(&dtb, -ENOENT, "reg", NULL) == NULL);
}

static void expect_children_at(const char *file, unsigned int line, const struct dtb *dtb,
			       const char *path, const char *const *names, unsigned int nr_names)
{
	unsigned int i = 0;
	int child;

	for (child = dtb_first_child(dtb, dtb_find_node(dtb, path)); child >= 0 && i <= nr_names;
	     child = dtb_next_sibling(dtb, child), i++) {
		const char *name = dtb_node_name(dtb, child);

		if (i == nr_names || !name || strcmp(name, names[i])) {
			unit_fail_at(file, line, "%s: child %u is \"%s\", want \"%s\"", path, i,
				     name ? name : "NULL", i < nr_names ? names[i] : "(none)");
			return;
		}
	}
	if (i != nr_names || child != -ENOENT)
		unit_fail_at(file, line, "%s: %u children then %d, want %u then %d", path, i, child,
			     nr_names, -ENOENT);
}

#define EXPECT_CHILDREN(dtb, path, ...)                                                            \
	do {                                                                                       \
		static const char *const names_[] = { __VA_ARGS__ };                               \
		expect_children_at(__FILE__, __LINE__, (dtb), (path), names_, ARRAY_SIZE(names_)); \
	} while (0)

static void test_dtb_iterates_children_in_blob_order(void)
{
	struct dtb dtb;

	if (!OPEN_TREE(&dtb))
		return;
	EXPECT_CHILDREN(&dtb, "/", "cpus", "memory@0", "isa", "misc");
	EXPECT_CHILDREN(&dtb, "/cpus", "cpu@0", "cpu@1");
	EXPECT_CHILDREN(&dtb, "/isa", "serial@3f8");
	EXPECT_EQ(dtb_first_child(&dtb, dtb_find_node(&dtb, "/cpus/cpu@0")), -ENOENT);
	EXPECT_EQ(dtb_next_sibling(&dtb, dtb_root(&dtb)), -ENOENT);
}

static void test_dtb_skips_nop_tokens(void)
{
	struct dtb dtb;
	uint32_t u32 = 0;
	int serial;

	if (!build_tree())
		return;
	/* libfdt overwrites what it deletes in place with FDT_NOP. */
	EXPECT_EQ(fdt_nop_node(tree, libfdt_node("/cpus/cpu@0")), 0);
	EXPECT_EQ(fdt_nop_property(tree, libfdt_node("/isa/serial@3f8"), "compatible"), 0);
	EXPECT_EQ(fdt_nop_node(tree, libfdt_node("/memory@0")), 0);
	if (!EXPECT_EQ(dtb_open(&dtb, tree, tree_size), 0))
		return;
	EXPECT_CHILDREN(&dtb, "/", "cpus", "isa", "misc");
	EXPECT_CHILDREN(&dtb, "/cpus", "cpu@1");
	EXPECT_EQ(dtb_find_node(&dtb, "/cpus/cpu"), libfdt_node("/cpus/cpu@1"));
	serial = dtb_find_node(&dtb, "/isa/serial@3f8");
	EXPECT_STR(dtb_get_string(&dtb, serial, "compatible"), NULL);
	EXPECT_EQ(dtb_get_u32(&dtb, serial, "interrupts", &u32), 0);
	EXPECT_EQ(u32, 4);
}

static void test_dtb_reads_tree_that_vitro_builds(void)
{
	static _Alignas(8) uint8_t blob[0x10000];
	struct vitro_error err = { "" };
	struct guest_mem mem;
	struct fdt_machine m = { .mem = &mem, .nr_cpus = 3, .cmdline = "quiet x=1" };
	const uint8_t *reg;
	struct dtb dtb;
	uint32_t u32 = 0, len = 0;
	int size, memory;

	guest_mem_layout(&mem, NULL, 5ull << 30, MACHINE_MMIO_HOLE_START, MACHINE_MMIO_HOLE_END);
	size = fdt_build(blob, sizeof(blob), &m, &err);
	if (!EXPECT_TRUE(size > 0) || !EXPECT_EQ(dtb_open(&dtb, blob, size), 0))
		return;
	EXPECT_STR(dtb_get_string(&dtb, dtb_find_node(&dtb, "/chosen"), "bootargs"), "quiet x=1");
	EXPECT_EQ(dtb_get_u32(&dtb, dtb_find_node(&dtb, "/cpus/cpu@2"), "reg", &u32), 0);
	EXPECT_EQ(u32, 2);
	EXPECT_EQ(dtb_get_u32(&dtb, dtb_find_node(&dtb, "/isa/serial"), "interrupts", &u32), 0);
	EXPECT_EQ(u32, 4);
	memory = dtb_find_node(&dtb, "/memory");
	reg = dtb_get_prop(&dtb, memory, "reg", &len);
	if (EXPECT_TRUE(reg && len == 32)) {
		EXPECT_EQ((uint64_t)get_be32(reg + 16) << 32 | get_be32(reg + 20), 1ull << 32);
		EXPECT_EQ((uint64_t)get_be32(reg + 24) << 32 | get_be32(reg + 28), 2ull << 30);
	}
}

static void test_dtb_open_rejects_bad_magic(void)
{
	struct dtb dtb;

	if (!build_tree())
		return;
	tree[0] ^= 0x01;
	EXPECT_FALSE(dtb_has_magic(tree));
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
}

static void test_dtb_open_rejects_totalsize_larger_than_buffer(void)
{
	struct dtb dtb;

	if (!build_tree())
		return;
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size - 1), -EINVAL);
	put_be32(tree + HDR_TOTALSIZE, tree_size + 1);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	put_be32(tree + HDR_TOTALSIZE, UINT32_MAX);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	put_be32(tree + HDR_TOTALSIZE, HDR_SIZE - 1);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
}

static void test_dtb_open_rejects_buffer_shorter_than_header(void)
{
	struct dtb dtb;
	uint8_t *copy;
	size_t size;

	if (!build_tree())
		return;
	for (size = 0; size < HDR_SIZE; size++) {
		copy = unit_guarded_copy(tree, size);
		if (!copy || dtb_open(&dtb, copy, size) != -EINVAL)
			UNIT_FAIL("a %zu-byte buffer was not rejected", size);
		unit_guarded_free(copy, size);
	}
}

static void test_dtb_open_rejects_struct_block_outside_blob(void)
{
	uint32_t off, size;
	struct dtb dtb;

	if (!build_tree())
		return;
	off = get_be32(tree + HDR_OFF_STRUCT);
	size = get_be32(tree + HDR_SIZE_STRUCT);
	put_be32(tree + HDR_SIZE_STRUCT, tree_size - off + 4);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	put_be32(tree + HDR_SIZE_STRUCT, size);
	put_be32(tree + HDR_OFF_STRUCT, tree_size);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	/* Offset plus size wraps around 32 bits. */
	put_be32(tree + HDR_OFF_STRUCT, 0xfffffff0u);
	put_be32(tree + HDR_SIZE_STRUCT, 0x20);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
}

static void test_dtb_open_rejects_misaligned_or_tiny_struct_block(void)
{
	uint32_t off, size;
	struct dtb dtb;

	if (!build_tree())
		return;
	off = get_be32(tree + HDR_OFF_STRUCT);
	size = get_be32(tree + HDR_SIZE_STRUCT);
	put_be32(tree + HDR_OFF_STRUCT, off + 2);
	put_be32(tree + HDR_SIZE_STRUCT, size - 4);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	put_be32(tree + HDR_OFF_STRUCT, off);
	put_be32(tree + HDR_SIZE_STRUCT, size - 2);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	put_be32(tree + HDR_SIZE_STRUCT, 4);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
}

static void test_dtb_open_rejects_strings_block_outside_blob(void)
{
	uint32_t off;
	struct dtb dtb;

	if (!build_tree())
		return;
	off = get_be32(tree + HDR_OFF_STRINGS);
	put_be32(tree + HDR_SIZE_STRINGS, tree_size - off + 1);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	put_be32(tree + HDR_OFF_STRINGS, 0xffffff00u);
	put_be32(tree + HDR_SIZE_STRINGS, 0x200);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
}

static void test_dtb_open_rejects_unsupported_versions(void)
{
	struct dtb dtb;

	if (!build_tree())
		return;
	put_be32(tree + HDR_VERSION, 15);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
	put_be32(tree + HDR_VERSION, 17);
	put_be32(tree + HDR_LAST_COMP_VERSION, 18);
	EXPECT_EQ(dtb_open(&dtb, tree, tree_size), -EINVAL);
}

/* Everything a guest might do with a tree; the caller checks it ends. */
static const char *const walk_paths[] = {
	"/",	 "/cpus", "/cpus/cpu", "/cpus/cpu@1", "/memory", "/isa/serial@3f8",
	"/misc", "/nope", "/chosen",
};
static const char *const walk_props[] = {
	"compatible", "reg", "big", "interrupts", "flag", "raw", "#address-cells", "device_type",
};

static volatile uint8_t walk_sink;

static bool walk_node(const struct dtb *dtb, int node, unsigned int depth, unsigned int *budget)
{
	unsigned int i;
	uint32_t u32, len;
	uint64_t u64;
	int child;

	if (depth > 16)
		return true;
	(void)dtb_node_name(dtb, node);
	for (i = 0; i < ARRAY_SIZE(walk_props); i++) {
		const uint8_t *p = dtb_get_prop(dtb, node, walk_props[i], &len);
		uint32_t j;

		/* Touch every byte the reader claims is there. */
		for (j = 0; p && j < len; j++)
			walk_sink ^= p[j];
		(void)dtb_get_u32(dtb, node, walk_props[i], &u32);
		(void)dtb_get_u64(dtb, node, walk_props[i], &u64);
		(void)dtb_get_string(dtb, node, walk_props[i]);
	}
	for (child = dtb_first_child(dtb, node); child >= 0; child = dtb_next_sibling(dtb, child)) {
		if (!(*budget)--)
			return false;
		if (!walk_node(dtb, child, depth + 1, budget))
			return false;
	}
	return true;
}

/* Returns 0 if every lookup and the full walk finished. */
static int walk_everything(const struct dtb *dtb)
{
	unsigned int budget = 1000, i;
	int root = dtb_root(dtb);

	for (i = 0; i < ARRAY_SIZE(walk_paths); i++)
		(void)dtb_find_node(dtb, walk_paths[i]);
	if (root >= 0 && !walk_node(dtb, root, 0, &budget))
		return 1;
	return 0;
}

enum walk_result { WALK_REJECTED, WALK_DONE, WALK_FAILED };

/* Opens a copy that ends at a guard page and, if dtb_open accepts it,
 * walks it. */
static enum walk_result walk_blob(const uint8_t *blob, size_t size, char *note, size_t note_size,
				  const char *what)
{
	uint8_t *copy = unit_guarded_copy(blob, size);
	struct dtb dtb;
	enum walk_result rc = WALK_REJECTED;

	snprintf(note, note_size, "%s", what);
	if (!copy)
		return WALK_FAILED;
	if (dtb_open(&dtb, copy, size) == 0) {
		rc = WALK_DONE;
		if (walk_everything(&dtb)) {
			snprintf(note, note_size, "%s: the walk did not end", what);
			rc = WALK_FAILED;
		}
	}
	unit_guarded_free(copy, size);
	return rc;
}

static int walk_unterminated_name(void *arg, char *note, size_t note_size)
{
	(void)arg;
	return walk_blob(tree, tree_size, note, note_size, "unterminated node name") != WALK_DONE;
}

static void test_dtb_survives_node_name_running_to_end_of_struct_block(void)
{
	uint32_t struct_off, serial, size;
	struct dtb dtb;

	if (!build_tree())
		return;
	/* End the struct block after "serial@3", inside the node's name. */
	struct_off = get_be32(tree + HDR_OFF_STRUCT);
	serial = libfdt_node("/isa/serial@3f8");
	size = serial + 4 + 8;
	put_be32(tree + HDR_SIZE_STRUCT, size);
	if (!EXPECT_EQ(dtb_open(&dtb, tree, tree_size), 0))
		return;
	EXPECT_TRUE(struct_off + size < tree_size);
	if (!UNIT_RUN_ISOLATED("walking a tree with an unterminated node name",
			       walk_unterminated_name, NULL))
		return;
	EXPECT_TRUE(dtb_node_name(&dtb, serial) == NULL);
	EXPECT_TRUE(dtb_find_node(&dtb, "/isa/serial@3f8") < 0);
	EXPECT_TRUE(dtb_find_node(&dtb, "/isa/serial") < 0);
}

static void test_dtb_rejects_property_length_past_struct_block(void)
{
	size_t token = 0;
	struct dtb dtb;
	uint32_t len;

	if (!build_tree() || !(token = libfdt_prop_token("/cpus/cpu@1", "reg")))
		return;
	put_be32(tree + token + 4, 0x10000);
	if (!EXPECT_EQ(dtb_open(&dtb, tree, tree_size), 0))
		return;
	EXPECT_TRUE(dtb_get_prop(&dtb, dtb_find_node(&dtb, "/cpus/cpu@1"), "reg", &len) == NULL);
	/* A walk past the broken node stops instead of guessing. */
	EXPECT_TRUE(dtb_next_sibling(&dtb, libfdt_node("/cpus/cpu@1")) < 0);
	EXPECT_TRUE(dtb_find_node(&dtb, "/memory@0") < 0);
	put_be32(tree + token + 4, UINT32_MAX - 4);
	EXPECT_TRUE(dtb_get_prop(&dtb, dtb_find_node(&dtb, "/cpus/cpu@1"), "reg", &len) == NULL);
}

static void test_dtb_rejects_property_name_offset_past_strings_block(void)
{
	size_t token = 0;
	struct dtb dtb;
	int cpu1;

	if (!build_tree() || !(token = libfdt_prop_token("/cpus/cpu@1", "reg")))
		return;
	put_be32(tree + token + 8, get_be32(tree + HDR_SIZE_STRINGS));
	if (!EXPECT_EQ(dtb_open(&dtb, tree, tree_size), 0))
		return;
	cpu1 = dtb_find_node(&dtb, "/cpus/cpu@1");
	EXPECT_TRUE(dtb_get_prop(&dtb, cpu1, "reg", NULL) == NULL);
	put_be32(tree + token + 8, UINT32_MAX);
	EXPECT_TRUE(dtb_get_prop(&dtb, cpu1, "reg", NULL) == NULL);
	/* Other nodes are unaffected. */
	EXPECT_TRUE(dtb_get_prop(&dtb, dtb_find_node(&dtb, "/cpus/cpu@0"), "reg", NULL) != NULL);
}

static void test_dtb_rejects_property_name_running_past_strings_block(void)
{
	const struct fdt_property *prop;
	uint32_t nameoff;
	size_t token;
	struct dtb dtb;

	if (!build_tree() || !(token = libfdt_prop_token("/isa/serial@3f8", "interrupts")))
		return;
	prop = (const struct fdt_property *)(tree + token);
	nameoff = fdt32_to_cpu(prop->nameoff);
	/* The strings block now ends just before the name's NUL. */
	put_be32(tree + HDR_SIZE_STRINGS, nameoff + strlen("interrupts"));
	if (!EXPECT_EQ(dtb_open(&dtb, tree, tree_size), 0))
		return;
	EXPECT_TRUE(dtb_get_prop(&dtb, dtb_find_node(&dtb, "/isa/serial@3f8"), "interrupts",
				 NULL) == NULL);
}

static int walk_truncated_prefixes(void *arg, char *note, size_t note_size)
{
	static uint8_t copy[TREE_BUF_SIZE];
	unsigned int nr_walked = 0;
	size_t size;

	(void)arg;
	for (size = HDR_SIZE; size < tree_size; size++) {
		uint32_t off_struct = get_be32(tree + HDR_OFF_STRUCT);
		uint32_t off_strings = get_be32(tree + HDR_OFF_STRINGS);
		uint32_t size_struct = get_be32(tree + HDR_SIZE_STRUCT);
		uint32_t size_strings = get_be32(tree + HDR_SIZE_STRINGS);
		char what[64];

		/* A header made consistent with the shorter blob. */
		memcpy(copy, tree, size);
		put_be32(copy + HDR_TOTALSIZE, size);
		if (off_struct < size && size_struct > size - off_struct)
			put_be32(copy + HDR_SIZE_STRUCT, (size - off_struct) & ~3u);
		if (off_strings >= size) {
			put_be32(copy + HDR_OFF_STRINGS, size);
			put_be32(copy + HDR_SIZE_STRINGS, 0);
		} else if (size_strings > size - off_strings) {
			put_be32(copy + HDR_SIZE_STRINGS, size - off_strings);
		}
		snprintf(what, sizeof(what), "a %zu-byte prefix", size);
		switch (walk_blob(copy, size, note, note_size, what)) {
		case WALK_FAILED:
			return 1;
		case WALK_DONE:
			nr_walked++;
			break;
		case WALK_REJECTED:
			break;
		}
	}
	/* Most prefixes must get past dtb_open, or this tested nothing. */
	snprintf(note, note_size, "only %u of %zu prefixes were walked", nr_walked,
		 tree_size - HDR_SIZE);
	return nr_walked < (tree_size - HDR_SIZE) / 2;
}

static void test_dtb_rejects_every_truncated_prefix(void)
{
	struct dtb dtb;
	uint8_t *copy;
	size_t size;

	if (!build_tree())
		return;
	for (size = 0; size < tree_size; size++) {
		copy = unit_guarded_copy(tree, size);
		if (!copy || dtb_open(&dtb, copy, size) != -EINVAL) {
			UNIT_FAIL("a %zu-byte prefix of a %zu-byte blob was not rejected", size,
				  tree_size);
			unit_guarded_free(copy, size);
			break;
		}
		unit_guarded_free(copy, size);
	}
}

static void test_dtb_survives_every_truncation_with_matching_header(void)
{
	if (build_tree())
		UNIT_RUN_ISOLATED("walking truncated blobs", walk_truncated_prefixes, NULL);
}

static int walk_corrupted_bytes(void *arg, char *note, size_t note_size)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x09, 0x7f, 0x80, 0xff };
	static uint8_t copy[TREE_BUF_SIZE];
	unsigned int v, nr_walked = 0;
	size_t off;

	(void)arg;
	for (off = 0; off < tree_size; off++) {
		for (v = 0; v < ARRAY_SIZE(values); v++) {
			char what[64];

			memcpy(copy, tree, tree_size);
			copy[off] = values[v];
			snprintf(what, sizeof(what), "byte %zu set to 0x%02x", off, values[v]);
			switch (walk_blob(copy, tree_size, note, note_size, what)) {
			case WALK_FAILED:
				return 1;
			case WALK_DONE:
				nr_walked++;
				break;
			case WALK_REJECTED:
				break;
			}
		}
	}
	snprintf(note, note_size, "only %u corrupted blobs were walked", nr_walked);
	return nr_walked < tree_size;
}

static void test_dtb_survives_any_single_corrupted_byte(void)
{
	if (build_tree())
		UNIT_RUN_ISOLATED("walking corrupted blobs", walk_corrupted_bytes, NULL);
}

static CU_TestInfo dtb_tests[] = {
	UNIT_TEST(test_dtb_opens_blob_written_by_libfdt),
	UNIT_TEST(test_dtb_finds_nodes_where_libfdt_finds_them),
	UNIT_TEST(test_dtb_name_without_unit_address_matches_node_with_one),
	UNIT_TEST(test_dtb_name_with_unit_address_must_match_exactly),
	UNIT_TEST(test_dtb_find_node_rejects_relative_path),
	UNIT_TEST(test_dtb_reads_u32_u64_and_string_properties),
	UNIT_TEST(test_dtb_getters_refuse_properties_of_the_wrong_size),
	UNIT_TEST(test_dtb_get_prop_returns_value_and_length),
	UNIT_TEST(test_dtb_get_prop_does_not_look_into_children),
	UNIT_TEST(test_dtb_iterates_children_in_blob_order),
	UNIT_TEST(test_dtb_skips_nop_tokens),
	UNIT_TEST(test_dtb_reads_tree_that_vitro_builds),
	UNIT_TEST(test_dtb_open_rejects_bad_magic),
	UNIT_TEST(test_dtb_open_rejects_totalsize_larger_than_buffer),
	UNIT_TEST(test_dtb_open_rejects_buffer_shorter_than_header),
	UNIT_TEST(test_dtb_open_rejects_struct_block_outside_blob),
	UNIT_TEST(test_dtb_open_rejects_misaligned_or_tiny_struct_block),
	UNIT_TEST(test_dtb_open_rejects_strings_block_outside_blob),
	UNIT_TEST(test_dtb_open_rejects_unsupported_versions),
	UNIT_TEST(test_dtb_survives_node_name_running_to_end_of_struct_block),
	UNIT_TEST(test_dtb_rejects_property_length_past_struct_block),
	UNIT_TEST(test_dtb_rejects_property_name_offset_past_strings_block),
	UNIT_TEST(test_dtb_rejects_property_name_running_past_strings_block),
	UNIT_TEST(test_dtb_rejects_every_truncated_prefix),
	UNIT_TEST(test_dtb_survives_every_truncation_with_matching_header),
	UNIT_TEST(test_dtb_survives_any_single_corrupted_byte),
	CU_TEST_INFO_NULL,
};

static void unit_register_dtb(void)
{
	unit_add_suite("dtb", dtb_tests);
}

UNIT_REGISTER(unit_register_dtb)
