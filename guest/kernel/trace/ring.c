/* See vitro/trace.h: the producer side of the per-CPU trace rings. Each CPU
 * writes only its own ring with interrupts off, so a ring has one producer
 * and no record is ever half-written under another (an interrupt handler's
 * events wait for the interrupted one to be published). */
#include <vitro/boot_info.h>
#include <vitro/cpu.h>
#include <vitro/dtb.h>
#include <vitro/layout.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>
#include <vitro/printk.h>
#include <vitro/string.h>
#include <vitro/trace.h>

#include "../arch/x86/io.h"
#include "../arch/x86/mm_init.h"
#include "producer.h"

uint8_t trace_event_on[TRACE_NR_EVENTS];

static struct trace_ring rings[NR_CPUS];
static unsigned int nr_rings;

bool trace_available(void)
{
	return nr_rings != 0;
}

void trace_write(unsigned int type, const void *fixed, unsigned int fixed_len, const char *text,
		 unsigned int text_len)
{
	unsigned long flags = local_irq_save();
	unsigned int cpu = smp_processor_id();

	if (cpu < nr_rings)
		trace_ring_produce(&rings[cpu], type, rdtsc(), fixed, fixed_len, text, text_len);
	local_irq_restore(flags);
}

/* Which events each category turns on, from the shared list. */
static void trace_enable_categories(uint64_t mask)
{
#define ENABLE_IF_CAT(name, cat, fields) \
	trace_event_on[TRACE_EVENT_##name] = (mask >> TRACE_CAT_##cat) & 1;
	TRACE_EVENTS(ENABLE_IF_CAT, )
#undef ENABLE_IF_CAT
}

void trace_init(void)
{
	const struct dtb *fdt = &boot_info.fdt;
	uint64_t base, size, mask, ring_size;
	uint32_t count, i;
	int node;
	const uint8_t *reg;
	uint32_t len;

	if (!boot_info.has_fdt)
		return;
	node = dtb_find_node(fdt, "/trace");
	if (node < 0)
		return;
	reg = dtb_get_prop(fdt, node, "reg", &len);
	if (!reg || len != 16 || dtb_get_u32(fdt, node, "vitro,nr-rings", &count) ||
	    dtb_get_u64(fdt, node, "vitro,ring-size", &ring_size) ||
	    dtb_get_u64(fdt, node, "vitro,event-mask", &mask)) {
		pr_warn("trace: malformed /trace node in the device tree, tracing off\n");
		return;
	}
	memcpy(&base, reg, 8);
	memcpy(&size, reg + 8, 8);
	base = __builtin_bswap64(base); /* device-tree cells are big-endian */
	size = __builtin_bswap64(size);
	if (!count || count > NR_CPUS || ring_size < TRACE_RING_HEADER_SIZE ||
	    (ring_size & (PAGE_SIZE - 1)) || (base & (PAGE_SIZE - 1)) || size / ring_size < count) {
		pr_warn("trace: trace region does not add up, tracing off\n");
		return;
	}
	if (pgtable_map(&kernel_pgtable, (uint64_t)phys_to_virt(base), base, size,
			PROT_KERNEL_RW)) {
		pr_warn("trace: cannot map the trace region, tracing off\n");
		return;
	}
	for (i = 0; i < count; i++) {
		struct trace_ring_header *h = phys_to_virt(base + i * ring_size);

		if (!trace_ring_header_valid(h, i, ring_size))
			break;
		rings[i] = (struct trace_ring){ h, (uint8_t *)h + TRACE_RING_HEADER_SIZE,
						h->data_size - 1 };
	}
	nr_rings = i;
	if (nr_rings)
		trace_enable_categories(mask);
}
