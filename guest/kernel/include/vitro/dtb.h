/* A bounds-checked reader for flattened device trees (DTB, version 16/17).
 *
 * Why not Debian's libfdt: its archive is built for user space (red zone,
 * position-independent code, the C library's ABI), which a -mcmodel=kernel,
 * -mno-red-zone kernel cannot link, and Debian ships no source to rebuild it.
 * The reader is small and builds for the host, where tests feed it blobs
 * that libfdt wrote. */
#ifndef VITRO_DTB_H
#define VITRO_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DTB_MAGIC 0xd00dfeedu

struct dtb {
	const uint8_t *blob;
	uint32_t size; /* totalsize, validated */
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
};

/* A node is identified by the offset of its FDT_BEGIN_NODE token in the
 * structure block; negative values are errors (-ENOENT, -EINVAL). */

/* Validates the header and the block bounds. Returns 0 or -EINVAL. */
int dtb_open(struct dtb *dtb, const void *blob, size_t size);

/* True if blob starts with the DTB magic (blob must have 4 bytes). */
bool dtb_has_magic(const void *blob);

/* The root node. */
int dtb_root(const struct dtb *dtb);

/* Looks up a node by absolute path ("/", "/cpus", "/isa/serial@3f8"). A
 * component without '@' also matches a node name with a unit address. */
int dtb_find_node(const struct dtb *dtb, const char *path);

/* First child of node, next sibling of a node; -ENOENT at the end. */
int dtb_first_child(const struct dtb *dtb, int node);
int dtb_next_sibling(const struct dtb *dtb, int node);

/* The node's name (with unit address), or NULL. */
const char *dtb_node_name(const struct dtb *dtb, int node);

/* The property's value and length, or NULL if absent or malformed. */
const void *dtb_get_prop(const struct dtb *dtb, int node, const char *name, uint32_t *len);

/* Reads a 32- or 64-bit big-endian cell property. Returns 0 or -ENOENT. */
int dtb_get_u32(const struct dtb *dtb, int node, const char *name, uint32_t *value);
int dtb_get_u64(const struct dtb *dtb, int node, const char *name, uint64_t *value);

/* A string property that is NUL-terminated within its length, or NULL. */
const char *dtb_get_string(const struct dtb *dtb, int node, const char *name);

#endif
