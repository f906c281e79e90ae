/* The kernel's virtual address space: the image at -2 GiB (Linux's
 * __START_KERNEL_map) and a direct map of physical memory at Linux's
 * PAGE_OFFSET. Included by assembly too. */
#ifndef VITRO_LAYOUT_H
#define VITRO_LAYOUT_H

#define KERNEL_VIRT_BASE 0xffffffff80000000
#define KERNEL_PHYS_BASE 0x100000
#define DIRECT_MAP_BASE 0xffff888000000000
#define BOOT_STACK_SIZE 16384

/* Selectors, in Linux's GDT order so SYSCALL/SYSRET work unchanged later. */
#define GDT_KERNEL32_CS 0x08
#define GDT_KERNEL_CS 0x10
#define GDT_KERNEL_DS 0x18
#define GDT_USER32_CS 0x23
#define GDT_USER_DS 0x2b
#define GDT_USER_CS 0x33
#define GDT_TSS 0x40
#define GDT_NR_ENTRIES 10

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
	uint64_t v = (uint64_t)virt;

	return v >= KERNEL_VIRT_BASE ? v - KERNEL_VIRT_BASE : v - DIRECT_MAP_BASE;
}
#endif

#endif
