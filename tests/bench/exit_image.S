/* The smallest PVH guest: its first instruction ends the VM through the
 * isa-debug-exit port, so running it times the VMM's start-up plus one exit.
 * Booted by vitro and by QEMU microvm alike (tests/bench/README.md). */

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define EXIT_PORT 0xf4

	/* Xen PVH note: name "Xen", a 32-bit physical entry point. */
	.section .note.pvh, "a", @note
	.balign 4
	.long 4				/* namesz */
	.long 4				/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long exit_entry

	.section .text, "ax"
	.code32
	.globl exit_entry
exit_entry:
	movl $0, %eax
	outl %eax, $EXIT_PORT
1:	hlt
	jmp 1b
