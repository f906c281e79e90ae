/* Finding virtio-mmio devices: the kernel command line (what QEMU microvm
 * appends with acpi=off, and vitro too) and the device tree (Linux's
 * "virtio,mmio" binding: reg, and the GSI as the first interrupts cell).
 * Everything here is read from the loader, so it is checked before use. */
#include <vitro/cmdline.h>
#include <vitro/errno.h>
#include <vitro/printk.h>
#include <vitro/string.h>

#include "virtio_mmio.h"

#define PARAM_MAX 64
#define FDT_MAX_DEPTH 8
#define IRQ_MAX 255

static bool parse_u64(const char **p, uint64_t *value)
{
	unsigned int base = 10, digit;
	const char *s = *p;
	uint64_t v = 0;
	bool any = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		if (*s >= '0' && *s <= '9')
			digit = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (unsigned int)(*s - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - digit) / base)
			return false;
		v = v * base + digit;
		any = true;
	}
	*p = s;
	*value = v;
	return any;
}

int virtio_mmio_parse_param(const char *value, struct virtio_mmio_resource *res)
{
	const char *p = value;
	uint64_t size, base, irq, shift = 0;

	if (!parse_u64(&p, &size))
		return -EINVAL;
	if (*p == 'K' || *p == 'k')
		shift = 10;
	else if (*p == 'M' || *p == 'm')
		shift = 20;
	else if (*p == 'G' || *p == 'g')
		shift = 30;
	if (shift) {
		p++;
		if (size > (UINT64_MAX >> shift))
			return -EINVAL;
		size <<= shift;
	}
	if (*p++ != '@' || !parse_u64(&p, &base) || *p++ != ':' || !parse_u64(&p, &irq))
		return -EINVAL;
	if (*p == ':') { /* the platform device ID Linux takes; no meaning here */
		uint64_t id;

		p++;
		if (!parse_u64(&p, &id))
			return -EINVAL;
	}
	if (*p || size < VIRTIO_MMIO_MIN_SIZE || base + size < base || irq > IRQ_MAX)
		return -EINVAL;
	*res = (struct virtio_mmio_resource){ .base = base, .size = size, .irq = (uint32_t)irq };
	return 0;
}

static bool add_unique(struct virtio_mmio_resource *res, unsigned int *count, unsigned int max,
		       const struct virtio_mmio_resource *r)
{
	unsigned int i;

	for (i = 0; i < *count; i++)
		if (res[i].base == r->base)
			return false;
	if (*count == max) {
		pr_warn("virtio-mmio: more than %u devices, 0x%llx ignored\n", max,
			(unsigned long long)r->base);
		return false;
	}
	res[(*count)++] = *r;
	return true;
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < cells * 4; i++)
		v = v << 8 | p[i];
	return v;
}

static bool is_virtio_mmio(const struct dtb *dtb, int node)
{
	uint32_t len, at = 0;
	const char *compat = dtb_get_prop(dtb, node, "compatible", &len);

	/* A string list: any entry may name the binding. */
	while (compat && at < len) {
		uint32_t n = (uint32_t)strnlen(compat + at, len - at);

		if (n == sizeof("virtio,mmio") - 1 && !memcmp(compat + at, "virtio,mmio", n))
			return true;
		at += n + 1;
	}
	return false;
}

static int fdt_resource(const struct dtb *dtb, int node, uint32_t addr_cells, uint32_t size_cells,
			struct virtio_mmio_resource *r)
{
	uint32_t reg_len, irq_len;
	const uint8_t *reg = dtb_get_prop(dtb, node, "reg", &reg_len);
	const uint8_t *irq = dtb_get_prop(dtb, node, "interrupts", &irq_len);

	if (!reg || !irq || addr_cells > 2 || size_cells > 2 || !size_cells ||
	    reg_len < 4 * (addr_cells + size_cells) || irq_len < 4)
		return -EINVAL;
	r->base = read_cells(reg, addr_cells);
	r->size = read_cells(reg + 4 * addr_cells, size_cells);
	r->irq = (uint32_t)read_cells(irq, 1);
	if (r->size < VIRTIO_MMIO_MIN_SIZE || r->base + r->size < r->base || r->irq > IRQ_MAX)
		return -EINVAL;
	return 0;
}

static uint32_t cells_or(const struct dtb *dtb, int node, const char *name, uint32_t dflt)
{
	uint32_t v;

	return dtb_get_u32(dtb, node, name, &v) ? dflt : v;
}

/* Depth-first over the tree; each node's reg is in its parent's cells
 * (device-tree specification 2.3.5: 2 and 1 when the parent says nothing). */
static void fdt_walk(const struct dtb *dtb, int parent, unsigned int depth,
		     struct virtio_mmio_resource *res, unsigned int *count, unsigned int max)
{
	uint32_t addr_cells = cells_or(dtb, parent, "#address-cells", 2);
	uint32_t size_cells = cells_or(dtb, parent, "#size-cells", 1);
	struct virtio_mmio_resource r;
	int node;

	if (depth >= FDT_MAX_DEPTH)
		return;
	for (node = dtb_first_child(dtb, parent); node >= 0; node = dtb_next_sibling(dtb, node)) {
		if (is_virtio_mmio(dtb, node)) {
			if (fdt_resource(dtb, node, addr_cells, size_cells, &r))
				pr_warn("virtio-mmio: device-tree node %s is malformed, ignored\n",
					dtb_node_name(dtb, node) ?: "?");
			else
				add_unique(res, count, max, &r);
			continue;
		}
		fdt_walk(dtb, node, depth + 1, res, count, max);
	}
}

unsigned int virtio_mmio_discover(const char *cmdline, const struct dtb *dtb,
				  struct virtio_mmio_resource *res, unsigned int max)
{
	const char *cursor = cmdline;
	struct virtio_mmio_resource r;
	unsigned int count = 0;
	char value[PARAM_MAX];

	if (dtb) {
		int root = dtb_root(dtb);

		if (root >= 0)
			fdt_walk(dtb, root, 0, res, &count, max);
	}
	while (cmdline &&
	       (cursor = cmdline_next_value(cursor, "virtio_mmio.device", value, sizeof(value)))) {
		if (virtio_mmio_parse_param(value, &r))
			pr_warn("virtio-mmio: virtio_mmio.device=%s is not SIZE@BASE:IRQ, ignored\n",
				value);
		else
			add_unique(res, &count, max, &r);
	}
	return count;
}
