/* The AP start-up trampoline (trampoline.S) and its mailbox layout, shared
 * by the assembly and smpboot.c. */
#ifndef ARCH_X86_TRAMPOLINE_H
#define ARCH_X86_TRAMPOLINE_H

/* Below 1 MiB, page aligned, inside the range the kernel never hands out;
 * the SIPI vector is its page number. */
#define TRAMPOLINE_PHYS 0x8000

/* Mailbox offsets. */
#define TRAMPOLINE_CR3 0 /* u32: kernel page tables (below 4 GiB) */
#define TRAMPOLINE_EFER 4 /* u32: extra EFER bits (NXE) */
#define TRAMPOLINE_GDT 8 /* u64: address of the kernel GDT descriptor */
#define TRAMPOLINE_STACK 16 /* u64: top of the AP's stack */
#define TRAMPOLINE_ENTRY 24 /* u64: C entry, void (*)(unsigned int cpu) */
#define TRAMPOLINE_CPU 32 /* u32: logical CPU number */
#define TRAMPOLINE_MAILBOX_SIZE 40

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trampoline_mailbox {
	uint32_t cr3;
	uint32_t efer;
	uint64_t gdt_descriptor;
	uint64_t stack_top;
	uint64_t entry;
	uint32_t cpu;
	uint32_t pad;
};

_Static_assert(sizeof(struct trampoline_mailbox) == TRAMPOLINE_MAILBOX_SIZE, "mailbox layout");

extern const char trampoline_start[], trampoline_end[];
#endif

#endif
