/* Tiny position-independent user programs for the ring-3 tests, copied into
 * a user page by ktest_user.c. Each ends with exit(2). */
	.section .rodata
	.globl user_blob_hello, user_blob_hello_end
/* write(1, msg, len); exit(write's return value) */
user_blob_hello:
	movl $1, %edi
	leaq 1f(%rip), %rsi
	movl $(2f - 1f), %edx
	movl $1, %eax		/* write */
	syscall
	movl %eax, %edi
	movl $60, %eax		/* exit */
	syscall
	ud2
1:	.ascii "ktest: hello from ring 3\n"
2:
user_blob_hello_end:

	.globl user_blob_fault, user_blob_fault_end
/* A store to an unmapped address: the process dies with SIGSEGV. */
user_blob_fault:
	movq $0x1000, %rax
	movq $1, (%rax)
	movl $60, %eax
	xorl %edi, %edi
	syscall
user_blob_fault_end:

	.globl user_blob_fpu, user_blob_fpu_end
/* SSE in user mode, across sched_yield: sets xmm0 to a pattern, yields a
 * few times while another copy runs, then exits 0 if xmm0 kept it, 1 if not.
 * RBX holds the pattern (from RDI at entry). */
user_blob_fpu:
	movq %rdi, %rbx
	movq %rbx, %xmm0
	movl $50, %r12d
3:	movl $24, %eax		/* sched_yield */
	syscall
	movq %xmm0, %rcx
	cmpq %rbx, %rcx
	jne 4f
	decl %r12d
	jnz 3b
	xorl %edi, %edi
	movl $60, %eax
	syscall
4:	movl $1, %edi
	movl $60, %eax
	syscall
user_blob_fpu_end:

	.globl user_blob_tls, user_blob_tls_end
/* arch_prctl(ARCH_SET_FS, rsp - 64), store through %fs, read back, then
 * ARCH_GET_FS: exit 0 when both agree, 1 otherwise. */
user_blob_tls:
	leaq -64(%rsp), %rsi
	movq %rsi, %rbx
	movl $0x1002, %edi	/* ARCH_SET_FS */
	movl $158, %eax		/* arch_prctl */
	syscall
	movq $0x1234, %fs:8
	cmpq $0x1234, 8(%rbx)
	jne 5f
	leaq -128(%rsp), %rsi
	movl $0x1003, %edi	/* ARCH_GET_FS */
	movl $158, %eax
	syscall
	cmpq %rbx, -128(%rsp)
	jne 5f
	xorl %edi, %edi
	movl $60, %eax
	syscall
5:	movl $1, %edi
	movl $60, %eax
	syscall
user_blob_tls_end:
