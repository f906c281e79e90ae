/* See dtb.h. Layout from the Devicetree Specification v0.4, chapter 5. The
 * blob may be corrupt: every token, length and string offset is checked
 * against the block it must lie in, and walks are bounded by the block size. */
#include <vitro/dtb.h>
#include <vitro/errno.h>
#include <vitro/string.h>

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define DTB_HEADER_SIZE 40u
#define DTB_MAX_DEPTH 64

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool in_block(uint32_t off, uint32_t len, uint32_t size)
{
	return off <= size && len <= size - off;
}

bool dtb_has_magic(const void *blob)
{
	return be32(blob) == DTB_MAGIC;
}

int dtb_open(struct dtb *dtb, const void *blob, size_t size)
{
	const uint8_t *h = blob;
	uint32_t total, version, last_comp;

	if (size < DTB_HEADER_SIZE || be32(h) != DTB_MAGIC)
		return -EINVAL;
	total = be32(h + 4);
	version = be32(h + 20);
	last_comp = be32(h + 24);
	if (total < DTB_HEADER_SIZE || total > size || version < 16 || last_comp > 17)
		return -EINVAL;
	dtb->blob = blob;
	dtb->size = total;
	dtb->struct_off = be32(h + 8);
	dtb->strings_off = be32(h + 12);
	dtb->strings_size = be32(h + 32);
	dtb->struct_size = be32(h + 36);
	if (!in_block(dtb->struct_off, dtb->struct_size, total) ||
	    !in_block(dtb->strings_off, dtb->strings_size, total) || (dtb->struct_off & 3) ||
	    (dtb->struct_size & 3) || dtb->struct_size < 8)
		return -EINVAL;
	return 0;
}

static uint32_t token_at(const struct dtb *dtb, uint32_t off)
{
	if (!in_block(off, 4, dtb->struct_size))
		return FDT_END;
	return be32(dtb->blob + dtb->struct_off + off);
}

/* Offset just past a node's name; 0 if the name is not terminated. */
static uint32_t skip_name(const struct dtb *dtb, uint32_t node)
{
	const char *name = (const char *)dtb->blob + dtb->struct_off + node + 4;
	uint32_t room = dtb->struct_size - node - 4;
	uint32_t len = strnlen(name, room);

	if (len == room)
		return 0;
	return (node + 4 + len + 1 + 3) & ~3u;
}

/* Offset of the token after the one at off (which must be valid); 0 on a
 * malformed token. Property values are skipped whole. */
static uint32_t next_token(const struct dtb *dtb, uint32_t off)
{
	uint32_t len;

	switch (token_at(dtb, off)) {
	case FDT_BEGIN_NODE:
		return skip_name(dtb, off);
	case FDT_PROP:
		if (!in_block(off + 4, 8, dtb->struct_size))
			return 0;
		len = be32(dtb->blob + dtb->struct_off + off + 4);
		if (!in_block(off + 12, len, dtb->struct_size))
			return 0;
		return (off + 12 + len + 3) & ~3u;
	case FDT_END_NODE:
	case FDT_NOP:
		return off + 4;
	default:
		return 0;
	}
}

int dtb_root(const struct dtb *dtb)
{
	uint32_t off = 0;

	while (token_at(dtb, off) == FDT_NOP)
		off += 4;
	return token_at(dtb, off) == FDT_BEGIN_NODE ? (int)off : -EINVAL;
}

const char *dtb_node_name(const struct dtb *dtb, int node)
{
	if (node < 0 || token_at(dtb, node) != FDT_BEGIN_NODE || !skip_name(dtb, node))
		return NULL;
	return (const char *)dtb->blob + dtb->struct_off + node + 4;
}

/* Walks from a node's first inner token to the token after its END_NODE,
 * or to its first child when stop_at_child is set. */
static int walk_node(const struct dtb *dtb, int node, bool stop_at_child)
{
	uint32_t off, steps = 0;
	int depth = 0;

	if (!dtb_node_name(dtb, node))
		return -EINVAL;
	off = skip_name(dtb, node);
	while (steps++ < dtb->struct_size) {
		uint32_t tok = token_at(dtb, off);

		if (tok == FDT_BEGIN_NODE) {
			if (stop_at_child && depth == 0)
				return off;
			if (++depth > DTB_MAX_DEPTH)
				return -EINVAL;
		} else if (tok == FDT_END_NODE) {
			if (depth-- == 0)
				return stop_at_child ? -ENOENT : (int)(off + 4);
		} else if (tok != FDT_PROP && tok != FDT_NOP) {
			return -EINVAL;
		}
		off = next_token(dtb, off);
		if (!off)
			return -EINVAL;
	}
	return -EINVAL;
}

int dtb_first_child(const struct dtb *dtb, int node)
{
	return walk_node(dtb, node, true);
}

int dtb_next_sibling(const struct dtb *dtb, int node)
{
	int off = walk_node(dtb, node, false);

	if (off < 0)
		return off;
	while (token_at(dtb, off) == FDT_NOP)
		off += 4;
	return token_at(dtb, off) == FDT_BEGIN_NODE ? off : -ENOENT;
}

static bool name_matches(const char *node_name, const char *component, size_t len)
{
	if (!node_name || strncmp(node_name, component, len))
		return false;
	return node_name[len] == '\0' || (node_name[len] == '@' && !memchr(component, '@', len));
}

int dtb_find_node(const struct dtb *dtb, const char *path)
{
	int node = dtb_root(dtb);

	if (path[0] != '/')
		return -EINVAL;
	while (node >= 0) {
		const char *end;
		size_t len;

		while (*path == '/')
			path++;
		if (!*path)
			return node;
		end = strchr(path, '/');
		len = end ? (size_t)(end - path) : strlen(path);
		for (node = dtb_first_child(dtb, node); node >= 0;
		     node = dtb_next_sibling(dtb, node))
			if (name_matches(dtb_node_name(dtb, node), path, len))
				break;
		path += len;
	}
	return node;
}

const void *dtb_get_prop(const struct dtb *dtb, int node, const char *name, uint32_t *len)
{
	uint32_t off;

	if (!dtb_node_name(dtb, node))
		return NULL;
	for (off = skip_name(dtb, node); off; off = next_token(dtb, off)) {
		uint32_t tok = token_at(dtb, off), name_off, plen;
		const char *pname;

		if (tok == FDT_NOP)
			continue;
		if (tok != FDT_PROP)
			return NULL; /* properties come before children */
		if (!next_token(dtb, off))
			return NULL;
		plen = be32(dtb->blob + dtb->struct_off + off + 4);
		name_off = be32(dtb->blob + dtb->struct_off + off + 8);
		if (name_off >= dtb->strings_size)
			return NULL;
		pname = (const char *)dtb->blob + dtb->strings_off + name_off;
		if (strnlen(pname, dtb->strings_size - name_off) == dtb->strings_size - name_off)
			return NULL;
		if (!strcmp(pname, name)) {
			if (len)
				*len = plen;
			return dtb->blob + dtb->struct_off + off + 12;
		}
	}
	return NULL;
}

int dtb_get_u32(const struct dtb *dtb, int node, const char *name, uint32_t *value)
{
	uint32_t len;
	const uint8_t *p = dtb_get_prop(dtb, node, name, &len);

	if (!p || len != 4)
		return -ENOENT;
	*value = be32(p);
	return 0;
}

int dtb_get_u64(const struct dtb *dtb, int node, const char *name, uint64_t *value)
{
	uint32_t len;
	const uint8_t *p = dtb_get_prop(dtb, node, name, &len);

	if (!p || (len != 8 && len != 4))
		return -ENOENT;
	*value = len == 4 ? be32(p) : ((uint64_t)be32(p) << 32 | be32(p + 4));
	return 0;
}

const char *dtb_get_string(const struct dtb *dtb, int node, const char *name)
{
	uint32_t len;
	const char *p = dtb_get_prop(dtb, node, name, &len);

	if (!p || len == 0 || strnlen(p, len) != len - 1)
		return NULL;
	return p;
}
