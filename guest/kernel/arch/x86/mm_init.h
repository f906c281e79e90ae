/* Memory management start-up (mm_init.c) and what it found. */
#ifndef ARCH_X86_MM_INIT_H
#define ARCH_X86_MM_INIT_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/pgtable.h>

struct mm_boot_report {
	uint64_t ram_bytes;
	uint64_t reserved_bytes; /* RAM kept from the allocator: kernel, boot data, mem_map */
	uint64_t setup_cycles; /* TSC cycles mm_init() took */
	bool has_nx, has_1g_pages, has_global_pages;
};

extern struct pgtable kernel_pgtable;
extern struct mm_boot_report mm_boot_report;

/* Builds the kernel address space and starts the page allocator, SLUB and
 * vmalloc. Needs boot_info. Panics if memory cannot be set up at all. */
void mm_init(void);

/* Runs fn(arg) with the stack pointer at stack_top (16-byte aligned). */
void call_on_stack(void *stack_top, void (*fn)(void *arg), void *arg);

/* True if addr is in the unmapped page below the boot stack. */
bool mm_boot_stack_guard_hit(uint64_t addr);

#endif
