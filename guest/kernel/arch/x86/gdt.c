/* Per-CPU GDT and TSS. The TSS holds the stacks the CPU switches to on an
 * exception (IST 1 for double faults, so a kernel stack overflow still
 * reports). A busy TSS cannot be shared, so each CPU gets its own TSS and a
 * copy of the GDT (static in head.S, Linux's selector order) pointing at it. */
#include <stdint.h>
#include <vitro/cpu.h>
#include <vitro/layout.h>
#include <vitro/string.h>

#include "traps.h"

#define BOOT_IST_STACK_SIZE 4096

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern uint64_t gdt_table[GDT_NR_ENTRIES];

static struct tss cpu_tss[NR_CPUS];
static uint64_t cpu_gdt[NR_CPUS][GDT_NR_ENTRIES] __attribute__((aligned(16)));
static uint8_t boot_double_fault_stack[BOOT_IST_STACK_SIZE] __attribute__((aligned(16)));

/* 64-bit available TSS descriptor (type 9), 16 bytes, at GDT_TSS. */
static void set_tss_descriptor(uint64_t *gdt, const struct tss *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
			   ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void gdt_init_cpu(unsigned int cpu, uint64_t double_fault_stack_top)
{
	struct descriptor_pointer gdtr = { sizeof(cpu_gdt[0]) - 1, (uint64_t)cpu_gdt[cpu] };
	struct tss *tss = &cpu_tss[cpu];

	tss->ist[0] = double_fault_stack_top;
	tss->iomap_base = sizeof(*tss); /* no I/O bitmap */
	memcpy(cpu_gdt[cpu], gdt_table, sizeof(cpu_gdt[cpu]));
	set_tss_descriptor(cpu_gdt[cpu], tss);
	/* Same selectors, so CS and the data segments stay valid. */
	__asm__ __volatile__("lgdt %0" : : "m"(gdtr));
	__asm__ __volatile__("ltr %w0" : : "r"(GDT_TSS));
}

void tss_set_kernel_stack(unsigned int cpu, uint64_t top)
{
	cpu_tss[cpu].rsp[0] = top;
}

void gdt_init(void)
{
	gdt_init_cpu(0, (uint64_t)boot_double_fault_stack + BOOT_IST_STACK_SIZE);
}
