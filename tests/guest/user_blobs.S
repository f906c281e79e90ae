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

	.globl user_blob_files, user_blob_files_end
/* The file system calls from ring 3: openat, write and close on /dev/null;
 * pipe2, write, poll and read on a pipe; getcwd; write from an unmapped
 * address (EFAULT). Exits 0, or the number of the step that failed. */
user_blob_files:
	subq $256, %rsp
	movq %rsp, %rbx		/* scratch: fds at 0, pollfd at 16, buffer at 32 */
	movl $1, %r12d
	movq $-100, %rdi	/* AT_FDCWD */
	leaq 10f(%rip), %rsi
	movl $1, %edx		/* O_WRONLY */
	xorl %r10d, %r10d
	movl $257, %eax		/* openat */
	syscall
	testq %rax, %rax
	js 90f
	movq %rax, %r13
	incl %r12d		/* 2 */
	movq %r13, %rdi
	leaq 11f(%rip), %rsi
	movl $5, %edx
	movl $1, %eax		/* write */
	syscall
	cmpq $5, %rax
	jne 90f
	incl %r12d		/* 3 */
	movq %r13, %rdi
	movl $3, %eax		/* close */
	syscall
	testq %rax, %rax
	jnz 90f
	incl %r12d		/* 4 */
	movq %rbx, %rdi
	movl $0x80000, %esi	/* O_CLOEXEC */
	movl $293, %eax		/* pipe2 */
	syscall
	testq %rax, %rax
	jnz 90f
	incl %r12d		/* 5 */
	movl 4(%rbx), %edi
	leaq 11f(%rip), %rsi
	movl $5, %edx
	movl $1, %eax		/* write */
	syscall
	cmpq $5, %rax
	jne 90f
	incl %r12d		/* 6 */
	movl (%rbx), %eax
	movl %eax, 16(%rbx)	/* pollfd.fd = fds[0] */
	movl $1, 20(%rbx)	/* .events = POLLIN, .revents = 0 */
	leaq 16(%rbx), %rdi
	movl $1, %esi
	xorl %edx, %edx
	movl $7, %eax		/* poll */
	syscall
	cmpq $1, %rax
	jne 90f
	cmpw $1, 22(%rbx)	/* revents == POLLIN */
	jne 90f
	incl %r12d		/* 7 */
	movl (%rbx), %edi
	leaq 32(%rbx), %rsi
	movl $64, %edx
	xorl %eax, %eax		/* read */
	syscall
	cmpq $5, %rax
	jne 90f
	incl %r12d		/* 8 */
	movl 32(%rbx), %eax
	cmpl 11f(%rip), %eax
	jne 90f
	cmpb $'3', 36(%rbx)
	jne 90f
	incl %r12d		/* 9 */
	leaq 32(%rbx), %rdi
	movl $64, %esi
	movl $79, %eax		/* getcwd */
	syscall
	cmpq $2, %rax
	jne 90f
	cmpw $0x002f, 32(%rbx)	/* "/" */
	jne 90f
	incl %r12d		/* 10 */
	movl 4(%rbx), %edi
	movl $0x1000, %esi	/* unmapped */
	movl $1, %edx
	movl $1, %eax		/* write */
	syscall
	cmpq $-14, %rax		/* -EFAULT */
	jne 90f
	incl %r12d		/* 11 */
	movl (%rbx), %edi
	movl $3, %eax
	syscall
	testq %rax, %rax
	jnz 90f
	movl 4(%rbx), %edi
	movl $3, %eax
	syscall
	testq %rax, %rax
	jnz 90f
	xorl %edi, %edi
	movl $60, %eax		/* exit(0) */
	syscall
90:	movl %r12d, %edi
	movl $60, %eax		/* exit(step) */
	syscall
	ud2
10:	.asciz "/dev/null"
11:	.ascii "ring3"
user_blob_files_end:
