/* See vitro/trace.h: the producer side of the per-CPU trace rings. Each CPU
 * writes only its own ring with interrupts off, so a ring has one producer
 * and no record is ever half-written under another (an interrupt handler's
 * events wait for the interrupted one to be published). */
#include <vitro/boot_info.h>
#include <vitro/cmdline.h>
#include <vitro/cpu.h>
#include <vitro/dtb.h>
#include <vitro/layout.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/trace.h>
#include <vitro/vmalloc.h>

#include "../arch/x86/io.h"
#include "../arch/x86/mm_init.h"
#include "producer.h"

uint8_t trace_event_on[TRACE_NR_EVENTS];

static struct trace_ring *rings; /* nr_rings of them, from trace_init() */
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

void *trace_reserve(unsigned int type, unsigned int len, unsigned long *flags)
{
	unsigned int cpu;

	*flags = local_irq_save();
	cpu = smp_processor_id();
	if (cpu >= nr_rings)
		return NULL;
	return trace_ring_reserve(&rings[cpu], type, rdtsc(), len);
}

void trace_commit(void *reserved, unsigned long flags)
{
	if (reserved)
		trace_ring_commit(&rings[smp_processor_id()]);
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

static bool parse_ring_size(const char *text, uint64_t *bytes)
{
	uint64_t v = 0;

	for (; *text >= '0' && *text <= '9' && v < (1ull << 40); text++)
		v = v * 10 + (uint64_t)(*text - '0');
	if (*text == 'K' || *text == 'k')
		v <<= 10, text++;
	else if (*text == 'M' || *text == 'm')
		v <<= 20, text++;
	*bytes = v;
	return !*text && v >= TRACE_RECORD_MAX && v <= (64ull << 20) && !(v & (v - 1));
}

/* trace_events=sched,irq (default: all), as vitro's --trace-events. */
static uint64_t parse_categories(const char *list)
{
	static const char *const names[] = {
#define CAT_NAME(upper, lower) #lower,
		TRACE_CATEGORIES(CAT_NAME)
#undef CAT_NAME
	};
	uint64_t mask = 0;
	unsigned int c;

	while (*list) {
		size_t len = strchr(list, ',') ? (size_t)(strchr(list, ',') - list) : strlen(list);

		for (c = 0; c < TRACE_NR_CATEGORIES; c++)
			if ((len == 3 && !memcmp(list, "all", 3)) ||
			    (strlen(names[c]) == len && !memcmp(names[c], list, len)))
				mask |= 1ull << c;
		list += len + (list[len] == ',');
	}
	return mask;
}

/* `trace_local=SIZE`: rings in the guest's own memory, when no VMM gave it any (QEMU), so the
 * cost of tracing can be measured anywhere. Nothing reads them: once full, events are counted
 * as lost. */
static void trace_init_local(void)
{
	char option[32], events[128] = "all";
	uint64_t data_size;
	unsigned int cpu;

	if (!cmdline_get(boot_info.cmdline, "trace_local", option, sizeof(option)))
		return;
	if (!parse_ring_size(option, &data_size)) {
		pr_warn("trace_local=%s: need a power of two from 1K to 64M, tracing off\n",
			option);
		return;
	}
	cmdline_get(boot_info.cmdline, "trace_events", events, sizeof(events));
	rings = kzalloc(boot_info.nr_cpus * sizeof(*rings), GFP_KERNEL);
	for (cpu = 0; rings && cpu < boot_info.nr_cpus && cpu < NR_CPUS; cpu++) {
		struct trace_ring_header *h = vzalloc(TRACE_RING_HEADER_SIZE + data_size);

		if (!h)
			break;
		*h = (struct trace_ring_header){ .magic = TRACE_RING_MAGIC,
						 .version = TRACE_RING_VERSION,
						 .cpu = cpu,
						 .header_size = TRACE_RING_HEADER_SIZE,
						 .data_size = data_size };
		rings[cpu].header = h;
		rings[cpu].data = (uint8_t *)h + TRACE_RING_HEADER_SIZE;
		rings[cpu].mask = data_size - 1;
	}
	nr_rings = cpu;
	trace_enable_categories(parse_categories(events));
	pr_info("trace: %u local rings of %llu KiB, events %s\n", nr_rings,
		(unsigned long long)(data_size >> 10), events);
}

void trace_init(void)
{
	const struct dtb *fdt = &boot_info.fdt;
	uint64_t base, size, mask, ring_size;
	uint32_t count, i;
	int node;
	const uint8_t *reg;
	uint32_t len;

	if (!boot_info.has_fdt) {
		trace_init_local();
		return;
	}
	node = dtb_find_node(fdt, "/trace");
	if (node < 0) {
		trace_init_local();
		return;
	}
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
	rings = kzalloc(count * sizeof(*rings), GFP_KERNEL);
	for (i = 0; rings && i < count; i++) {
		struct trace_ring_header *h = phys_to_virt(base + i * ring_size);

		if (!trace_ring_header_valid(h, i, ring_size))
			break;
		rings[i].header = h;
		rings[i].data = (uint8_t *)h + TRACE_RING_HEADER_SIZE;
		rings[i].mask = h->data_size - 1;
	}
	nr_rings = i;
	if (nr_rings)
		trace_enable_categories(mask);
}
