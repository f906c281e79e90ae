/* Exceptions and interrupts: the saved register frame, the IDT, handlers
 * for device interrupts, and exception fixups (Linux's exception tables). */
#ifndef ARCH_X86_TRAPS_H
#define ARCH_X86_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

#include <vitro/trap_frame.h>

#define TRAP_DIVIDE_ERROR 0
#define TRAP_INVALID_OPCODE 6
#define TRAP_DOUBLE_FAULT 8
#define TRAP_GENERAL_PROTECTION 13
#define TRAP_PAGE_FAULT 14
#define TRAP_NR_EXCEPTIONS 32
#define IRQ_VECTOR_BASE 0x20 /* ISA IRQ or IOAPIC input (GSI) n arrives on vector 0x20 + n */
#define IRQ_NR_GSI 24 /* the IOAPIC inputs vectors are set aside for */
#define SPURIOUS_VECTOR 0xff

/* A fault at `fault` resumes at `fixup` instead of crashing (user copies,
 * probes, tests). Entries are emitted with TRAP_EXTABLE_ENTRY in inline asm. */
struct extable_entry {
	uint64_t fault;
	uint64_t fixup;
};

#define TRAP_EXTABLE_ENTRY(fault, fixup)                                         \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " #fault ", " #fixup \
	"\n\t.popsection\n\t"

/* The last exception a fixup recovered from, for the code that resumes. */
struct trap_fixup_record {
	uint64_t vector, error_code, cr2, rip;
};
extern struct trap_fixup_record trap_last_fixup;

typedef void (*irq_handler_fn)(void *opaque);

/* The boot CPU's GDT and TSS (gdt.c). */
void gdt_init(void);
/* Another CPU's own GDT copy and TSS, with its double-fault stack. */
void gdt_init_cpu(unsigned int cpu, uint64_t double_fault_stack_top);
/* The stack the CPU switches to when user mode is interrupted (TSS RSP0). */
void tss_set_kernel_stack(unsigned int cpu, uint64_t top);
void idt_init(void);
/* Loads the (shared) IDT on this CPU; for CPUs started after the first. */
void idt_load(void);

/* Routes a device interrupt vector to handler (IRQ context, interrupts off). */
void irq_set_handler(unsigned int vector, irq_handler_fn handler, void *opaque);

/* Prints registers and a backtrace starting from the frame. */
void trap_dump(const struct trap_frame *frame);

/* Prints a frame-pointer backtrace starting at rbp, with symbol names. */
void backtrace_print(uint64_t rip, uint64_t rbp);

void trap_dispatch(struct trap_frame *frame);

/* From an interrupt handler: whether the interrupt came from user mode. */
bool irq_interrupted_user_mode(void);

#endif
