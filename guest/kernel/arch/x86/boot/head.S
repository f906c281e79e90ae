/* PVH entry: vitro and QEMU enter here in 32-bit protected mode with paging
 * off and EBX holding the physical address of hvm_start_info. We record the
 * TSC, switch to long mode on static page tables, jump to the higher half and
 * call kernel_main(start_info_phys). */
#include <vitro/layout.h>

#define PHYS(sym) ((sym) - KERNEL_VIRT_BASE)
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define PTE_PRESENT_RW 0x3
#define PDE_2M (0x80 | PTE_PRESENT_RW)
#define PTE_UNCACHED 0x18	/* PCD | PWT */

	/* XEN_ELFNOTE_PHYS32_ENTRY (18), name "Xen": the 32-bit entry point. */
	.section .note.pvh, "a", @note
	.balign 4
	.long 4
	.long 4
	.long 18
	.asciz "Xen"
	.long PHYS(pvh_start32)

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	/* Take the TSC first so the banner can say how long boot took. */
	rdtsc
	movl %eax, PHYS(boot_tsc_at_entry)
	movl %edx, PHYS(boot_tsc_at_entry) + 4
	movl %ebx, PHYS(boot_start_info_phys)

	lgdt PHYS(boot_gdt_descriptor32)
	movl $GDT_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(early_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $GDT_KERNEL_CS, $PHYS(start64_identity)

	.code64
start64_identity:
	movabsq $start64, %rax
	jmp *%rax

	.text
start64:
	lgdt boot_gdt_descriptor64(%rip)
	xorl %eax, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl $GDT_KERNEL_DS, %eax
	movl %eax, %ss
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp		/* ends frame-pointer backtraces */
	movl boot_start_info_phys(%rip), %edi
	call kernel_main
1:	cli
	hlt
	jmp 1b

	.data
	.balign 16
	.globl gdt_table
gdt_table:
	.quad 0				/* null */
	.quad 0x00cf9a000000ffff	/* 0x08 kernel 32-bit code */
	.quad 0x00af9a000000ffff	/* 0x10 kernel 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x18 kernel data */
	.quad 0x00cffa000000ffff	/* 0x23 user 32-bit code */
	.quad 0x00cff2000000ffff	/* 0x2b user data */
	.quad 0x00affa000000ffff	/* 0x33 user 64-bit code */
	.quad 0				/* unused */
	.quad 0, 0			/* 0x40 TSS, filled in by gdt_init() */
gdt_table_end:

boot_gdt_descriptor32:
	.word gdt_table_end - gdt_table - 1
	.long PHYS(gdt_table)
	.balign 8
	.globl boot_gdt_descriptor64
boot_gdt_descriptor64:
	.word gdt_table_end - gdt_table - 1
	.quad gdt_table

	.globl boot_tsc_at_entry, boot_start_info_phys
	.balign 8
boot_tsc_at_entry:
	.quad 0
boot_start_info_phys:
	.quad 0

	/* Static early page tables, so boot spends no instructions building
	 * them: the first 4 GiB mapped with 2 MiB pages at 0 (identity, for
	 * the switch), at DIRECT_MAP_BASE, and the first 2 GiB at -2 GiB for
	 * the kernel image. The 3-4 GiB MMIO hole (IOAPIC, LAPIC) is uncached. */
	.section .data.page_aligned, "aw"
	.balign 4096
	.globl early_pml4
early_pml4:
	.quad PHYS(early_pdpt_low) + PTE_PRESENT_RW
	.fill 272, 8, 0
	.quad PHYS(early_pdpt_low) + PTE_PRESENT_RW	/* 273: direct map */
	.fill 237, 8, 0
	.quad PHYS(early_pdpt_kernel) + PTE_PRESENT_RW	/* 511: kernel image */
early_pdpt_low:
	.quad PHYS(early_pd) + PTE_PRESENT_RW
	.quad PHYS(early_pd) + 0x1000 + PTE_PRESENT_RW
	.quad PHYS(early_pd) + 0x2000 + PTE_PRESENT_RW
	.quad PHYS(early_pd) + 0x3000 + PTE_PRESENT_RW
	.fill 508, 8, 0
early_pdpt_kernel:
	.fill 510, 8, 0
	.quad PHYS(early_pd) + PTE_PRESENT_RW
	.quad PHYS(early_pd) + 0x1000 + PTE_PRESENT_RW
early_pd:
	.set frame, 0
	.rept 1536
	.quad (frame << 21) + PDE_2M
	.set frame, frame + 1
	.endr
	.rept 512
	.quad (frame << 21) + PDE_2M + PTE_UNCACHED
	.set frame, frame + 1
	.endr

	/* The boot stack sits above a page the kernel's page tables leave
	 * unmapped (mm_init.c), so an overflow faults instead of corrupting. */
	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
	.skip 4096
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
