/* Application-processor start-up code. The boot CPU copies it to
 * TRAMPOLINE_PHYS (below 1 MiB, page aligned) and sends INIT-SIPI-SIPI with
 * vector TRAMPOLINE_PHYS >> 12; the AP starts here in real mode with
 * CS = TRAMPOLINE_PHYS >> 4, IP = 0 (SDM vol. 3, 9.4.4), goes through
 * protected mode to long mode on the kernel's page tables (which map this
 * page 1:1 while APs start), loads the kernel GDT and jumps to the C entry
 * with the stack and CPU number the boot CPU left in the mailbox. */
#include <vitro/layout.h>

#include "trampoline.h"

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define TRAMP(sym) (TRAMPOLINE_PHYS + (sym) - trampoline_start)

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tramp_gdt_descriptor - trampoline_start
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $TRAMP(tramp32)

	.code32
tramp32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl TRAMP(tramp_mailbox) + TRAMPOLINE_CR3, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	orl TRAMP(tramp_mailbox) + TRAMPOLINE_EFER, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	ljmpl $0x18, $TRAMP(tramp64)

	.code64
tramp64:
	movq TRAMP(tramp_mailbox) + TRAMPOLINE_GDT, %rax
	lgdt (%rax)
	movq TRAMP(tramp_mailbox) + TRAMPOLINE_STACK, %rsp
	xorl %ebp, %ebp
	movl TRAMP(tramp_mailbox) + TRAMPOLINE_CPU, %edi
	movq TRAMP(tramp_mailbox) + TRAMPOLINE_ENTRY, %rax
	/* Reload CS from the kernel GDT with a far return, then data. */
	pushq $GDT_KERNEL_CS
	pushq %rax
	movl $GDT_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	lretq

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_descriptor:
	.word tramp_gdt_descriptor - tramp_gdt - 1
	.long TRAMP(tramp_gdt)

	.balign 8
tramp_mailbox:
	.skip TRAMPOLINE_MAILBOX_SIZE
trampoline_end:
