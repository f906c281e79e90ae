/* The TSS: the stacks the CPU switches to on an exception (IST 1 for double
 * faults, so a kernel stack overflow still reports). The GDT itself is static
 * in head.S, in Linux's selector order. */
#include <stdint.h>
#include <vitro/layout.h>

#include "traps.h"

#define IST_STACK_SIZE 4096

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

extern uint64_t gdt_table[GDT_NR_ENTRIES];

static struct tss boot_tss;
static uint8_t double_fault_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

void gdt_init(void)
{
	uint64_t base = (uint64_t)&boot_tss, limit = sizeof(boot_tss) - 1;

	boot_tss.ist[0] = (uint64_t)double_fault_stack + IST_STACK_SIZE;
	boot_tss.iomap_base = sizeof(boot_tss); /* no I/O bitmap */
	/* 64-bit available TSS descriptor (type 9), 16 bytes. */
	gdt_table[GDT_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
				 ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt_table[GDT_TSS / 8 + 1] = base >> 32;
	__asm__ __volatile__("ltr %w0" : : "r"(GDT_TSS));
}
