/* libFuzzer target: the guest kernel's device-tree reader
 * (guest/kernel/lib/dtb.c), built for the host. The blob is copied to a
 * buffer of exactly its totalsize, so any read past it trips ASan. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitro/dtb.h>

#define FUZZ_MAX_NODES 4096
#define FUZZ_MAX_DEPTH 128

static const char *const prop_names[] = {
	"reg",	    "compatible",	  "device_type",   "#address-cells",	     "#size-cells",
	"bootargs", "linux,initrd-start", "vitro,tsc-khz", "vitro,tsc-at-vmm-start", "",
};

static const char *const paths[] = {
	"/",
	"//",
	"/cpus",
	"/cpus/cpu@0",
	"/cpus/cpu",
	"/chosen",
	"/memory",
	"/memory@0",
	"/isa/serial@3f8",
	"/isa/serial",
	"/isa//debug-exit@f4/",
	"/a/b/c/d/e/f/g/h",
	"/@",
	"",
	"cpus",
};

static volatile uint8_t value_sink;

static void fail(const char *what, int node)
{
	fprintf(stderr, "fuzz_dtb: invariant failed at node %d: %s\n", node, what);
	abort();
}

/* True if [p, p + len) lies in the structure block. */
static int in_struct_block(const struct dtb *dtb, const void *p, uint64_t len)
{
	const uint8_t *start = dtb->blob + dtb->struct_off;
	const uint8_t *q = p;

	return q >= start && (uint64_t)(q - start) <= dtb->struct_size &&
	       len <= dtb->struct_size - (uint64_t)(q - start);
}

static void check_props(const struct dtb *dtb, int node)
{
	size_t i;

	for (i = 0; i < sizeof(prop_names) / sizeof(prop_names[0]); i++) {
		const char *name = prop_names[i];
		const uint8_t *value;
		const char *text;
		uint32_t len, u32;
		uint64_t u64;
		uint32_t j;
		uint8_t sum = 0;

		value = dtb_get_prop(dtb, node, name, &len);
		if (value) {
			if (!in_struct_block(dtb, value, len))
				fail("property value outside the structure block", node);
			/* Read every byte so ASan sees the whole value. */
			for (j = 0; j < len; j++)
				sum += value[j];
			value_sink = sum;
		}
		if (!dtb_get_u32(dtb, node, name, &u32) && (!value || len != 4))
			fail("dtb_get_u32 succeeded on a property that is not 4 bytes", node);
		if (!dtb_get_u64(dtb, node, name, &u64) && (!value || (len != 4 && len != 8)))
			fail("dtb_get_u64 succeeded on a property that is not 4 or 8 bytes", node);
		text = dtb_get_string(dtb, node, name);
		if (text && (!value || strlen(text) + 1 != len))
			fail("dtb_get_string returned a string not filling its property", node);
	}
}

static void walk(const struct dtb *dtb, int node, unsigned int depth, unsigned int *nr_nodes)
{
	const char *name;
	int child, prev = node;

	if (++*nr_nodes > FUZZ_MAX_NODES || depth > FUZZ_MAX_DEPTH)
		return;
	name = dtb_node_name(dtb, node);
	if (name && !in_struct_block(dtb, name, strlen(name) + 1))
		fail("node name outside the structure block", node);
	check_props(dtb, node);
	for (child = dtb_first_child(dtb, node); child >= 0 && *nr_nodes <= FUZZ_MAX_NODES;
	     child = dtb_next_sibling(dtb, child)) {
		if (child <= prev)
			fail("child or sibling does not move forward", child);
		prev = child;
		walk(dtb, child, depth + 1, nr_nodes);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtb dtb;
	unsigned int nr_nodes = 0;
	uint8_t *blob;
	size_t i;
	int root;

	if (size >= 4)
		(void)dtb_has_magic(data);
	if (dtb_open(&dtb, data, size))
		return 0;
	blob = malloc(dtb.size);
	if (!blob)
		return 0;
	memcpy(blob, data, dtb.size);
	if (dtb_open(&dtb, blob, dtb.size))
		fail("blob no longer opens when cut to its totalsize", -1);

	root = dtb_root(&dtb);
	if (root >= 0)
		walk(&dtb, root, 0, &nr_nodes);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int node = dtb_find_node(&dtb, paths[i]);

		if (node >= 0)
			check_props(&dtb, node);
	}
	free(blob);
	return 0;
}
