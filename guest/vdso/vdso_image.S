/* The vDSO image (vdso.so, built by vdso.mk), embedded in the kernel's
 * read-only data; kernel/vdso.c checks it and copies it into pages at boot. */
	.section .rodata.vdso, "a"
	.balign 16
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_SO_PATH
vdso_image_end:
	.section .note.GNU-stack, "", @progbits
