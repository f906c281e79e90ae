/* Bringing up memory management at boot: the memblock map from the boot
 * memory map, the kernel's own page tables (direct map of all RAM with the
 * largest pages the CPU offers, the kernel image with per-section rights,
 * the APIC pages uncached), then the page allocator, SLUB and vmalloc.
 * Everything is lazy or bulk: ring 0 is emulated on nested hosts. */
#include <vitro/boot_info.h>
#include <vitro/cmdline.h>
#include <vitro/memblock.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/vmalloc.h>

#include "../../../../shared/boot/pvh.h"
#include "../../../../shared/machine.h"
#include "io.h"
#include "mm_init.h"

#define MSR_EFER 0xc0000080
#define EFER_NXE (1ull << 11)
#define CR4_PGE (1ull << 7)
#define LOW_MEMORY_END 0x100000ull /* BIOS, EBDA, boot data: never handed out */
#define EARLY_ALLOC_LIMIT (1ull << 32) /* what the boot page tables map */
#define APIC_WINDOW_BASE 0xfec00000ull
#define APIC_WINDOW_SIZE 0x400000ull

extern const char _text[], _etext[], _srodata[], _erodata[], _sdata[], _end[];
extern const char boot_stack_guard[], boot_stack_bottom[];

struct pgtable kernel_pgtable;
struct mm_boot_report mm_boot_report;
static bool cpu_has_nx;

/* Boot page tables come from one memblock reservation, so each costs a
 * bump of a pointer and a 4 KiB clear rather than a memblock search (every
 * instruction counts where ring 0 is emulated). */
#define EARLY_TABLE_BATCH 16

static uint64_t early_alloc_table(void)
{
	static uint64_t next, end;
	uint64_t phys;

	if (next == end) {
		next = memblock_alloc(EARLY_TABLE_BATCH * PAGE_SIZE, PAGE_SIZE, EARLY_ALLOC_LIMIT);
		if (!next)
			return 0;
		end = next + EARLY_TABLE_BATCH * PAGE_SIZE;
	}
	phys = next;
	next += PAGE_SIZE;
	memset(phys_to_virt(phys), 0, PAGE_SIZE);
	return phys;
}

static uint64_t page_alloc_table(void)
{
	struct page *page = alloc_pages(__GFP_ZERO | __GFP_ATOMIC, 0);

	return page ? page_to_pfn(page) << PAGE_SHIFT : 0;
}

static void detect_paging_features(void)
{
	uint32_t max, a, b, c, d;

	cpuid(0x80000000, 0, &max, &b, &c, &d);
	if (max >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		cpu_has_nx = d & (1u << 20);
		kernel_pgtable.has_1g_pages = d & (1u << 26);
	}
	cpuid(1, 0, &a, &b, &c, &d);
	mm_boot_report.has_global_pages = d & (1u << 13);
}

static uint64_t prot(uint64_t bits)
{
	if (!cpu_has_nx)
		bits &= ~PTE_NX;
	if (!mm_boot_report.has_global_pages)
		bits &= ~PTE_GLOBAL;
	return bits;
}

static void map_or_panic(uint64_t virt, uint64_t phys, uint64_t size, uint64_t bits,
			 const char *what)
{
	int rc = pgtable_map(&kernel_pgtable, virt, phys, size, prot(bits));

	if (rc)
		panic("mm: cannot map %s (0x%llx+0x%llx): error %d", what, (unsigned long long)phys,
		      (unsigned long long)size, rc);
}

/* The direct map covers every RAM range, widened to whole large pages
 * (1 GiB or 2 MiB, so a few entries map everything; Linux does the same)
 * but never into the MMIO hole. Overlapping widened ranges are merged. */
static void map_direct_map(void)
{
	uint64_t granule = kernel_pgtable.has_1g_pages ? PGTABLE_SIZE_1G : PGTABLE_SIZE_2M;
	uint64_t start = 0, end = 0;
	unsigned int i;

	for (i = 0; i <= memblock.memory.count; i++) {
		uint64_t s = 0, e = 0;

		if (i < memblock.memory.count) {
			const struct memblock_region *r = &memblock.memory.regions[i];

			s = r->base & ~(granule - 1);
			e = (r->base + r->size + granule - 1) & ~(granule - 1);
			if (s < MACHINE_MMIO_HOLE_END && e > MACHINE_MMIO_HOLE_START) {
				if (r->base >= MACHINE_MMIO_HOLE_END)
					s = MACHINE_MMIO_HOLE_END;
				else
					e = MACHINE_MMIO_HOLE_START;
			}
			if (e <= s)
				continue;
			if (end && s <= end) {
				if (e > end)
					end = e;
				continue;
			}
		}
		if (end)
			map_or_panic(DIRECT_MAP_BASE + start, start, end - start, PROT_KERNEL_RW,
				     "the direct map");
		start = s;
		end = e;
	}
	/* IOAPIC, HPET and local APIC: the 4 MiB below 0xff000000, uncached,
	 * with two 2 MiB entries instead of page tables of their own. */
	map_or_panic((uint64_t)phys_to_virt(APIC_WINDOW_BASE), APIC_WINDOW_BASE, APIC_WINDOW_SIZE,
		     PROT_KERNEL_MMIO, "the APIC window");
}

static void map_kernel_section(const char *start, const char *end, uint64_t bits, const char *what)
{
	uint64_t s = (uint64_t)start & PAGE_MASK;
	uint64_t e = ((uint64_t)end + PAGE_SIZE - 1) & PAGE_MASK;

	if (e > s)
		map_or_panic(s, s - KERNEL_VIRT_BASE, e - s, bits, what);
}

/* Text executable and read-only, rodata read-only, data and bss writable
 * and not executable, the page below the boot stack not mapped at all. */
static void map_kernel_image(void)
{
	map_kernel_section(_text, _etext, PROT_KERNEL_RX, "kernel text");
	map_kernel_section(_srodata, _erodata, PROT_KERNEL_RO, "kernel rodata");
	map_kernel_section(_sdata, boot_stack_guard, PROT_KERNEL_RW, "kernel data");
	map_kernel_section(boot_stack_bottom, _end, PROT_KERNEL_RW, "kernel bss");
}

static void memblock_from_boot_info(void)
{
	unsigned int i;

	memblock_reset();
	for (i = 0; i < boot_info.nr_memory; i++)
		if (boot_info.memory[i].type == E820_RAM)
			memblock_add(boot_info.memory[i].addr, boot_info.memory[i].size);
	memblock_reserve(0, LOW_MEMORY_END);
	memblock_reserve(virt_to_phys(_text), (uint64_t)(_end - _text));
	if (boot_info.initrd_size)
		memblock_reserve(boot_info.initrd_phys, boot_info.initrd_size);
	if (boot_info.has_fdt)
		memblock_reserve(virt_to_phys(boot_info.fdt.blob), boot_info.fdt.size);
}

static void hand_over_free_range(uint64_t start, uint64_t end, void *arg)
{
	uint64_t first = (start + PAGE_SIZE - 1) >> PAGE_SHIFT, last = end >> PAGE_SHIFT;

	(void)arg;
	if (last > first)
		page_alloc_add_free_range(first, last);
}

static void switch_to_kernel_page_tables(void)
{
	if (cpu_has_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(kernel_pgtable.root_phys);
	if (mm_boot_report.has_global_pages)
		write_cr4(read_cr4() | CR4_PGE);
}

void mm_init(void)
{
	uint64_t start = rdtsc(), nr_pfns, map_phys;
	char option[16];

	detect_paging_features();
	memblock_from_boot_info();
	nr_pfns = memblock_end() >> PAGE_SHIFT;
	map_phys = memblock_alloc(page_alloc_map_bytes(nr_pfns), PAGE_SIZE, EARLY_ALLOC_LIMIT);
	if (!map_phys)
		panic("mm: no room for the page array of %llu frames", (unsigned long long)nr_pfns);
	if (pgtable_create(&kernel_pgtable, kernel_pgtable.has_1g_pages, early_alloc_table))
		panic("mm: no memory for page tables");
	map_direct_map();
	map_kernel_image();
	switch_to_kernel_page_tables();

	mm_boot_report.ram_bytes = memblock_ram_bytes();
	mm_boot_report.reserved_bytes = memblock_reserved_ram_bytes();
	page_alloc_init(phys_to_virt(map_phys), nr_pfns);
	memblock_for_each_free_range(hand_over_free_range, NULL);
	kernel_pgtable.alloc_table = page_alloc_table;

	if (cmdline_get(boot_info.cmdline, "slub_debug", option, sizeof(option)) ||
	    cmdline_has(boot_info.cmdline, "slub_debug"))
		slab_set_debug_flags(SLAB_DEBUG_ALL);
	slab_init();
	vmalloc_init(&kernel_pgtable);
	mm_boot_report.has_nx = cpu_has_nx;
	mm_boot_report.has_1g_pages = kernel_pgtable.has_1g_pages;
	mm_boot_report.setup_cycles = rdtsc() - start;
}

bool mm_boot_stack_guard_hit(uint64_t addr)
{
	return addr >= (uint64_t)boot_stack_guard && addr < (uint64_t)boot_stack_bottom;
}
