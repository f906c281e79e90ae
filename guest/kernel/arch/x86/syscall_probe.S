/* Which way SYSCALL goes on this CPU (see syscall.c): a two-instruction user
 * program runs SYSCALL with LSTAR pointing at syscall_probe_landing. Reached
 * in ring 0, the landing reports 1; where SYSCALL stays in ring 3, fetching
 * the supervisor page faults instead, and the page-fault handler reports 0
 * through syscall_probe_return. Interrupts are off throughout. */
#include <vitro/layout.h>

	.text
/* uint64_t syscall_probe_run(uint64_t user_rip) */
	.globl syscall_probe_run
	.type syscall_probe_run, @function
syscall_probe_run:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, syscall_probe_saved_rsp(%rip)
	pushq $GDT_USER_DS	/* SS */
	pushq $0		/* RSP: the program uses no stack */
	pushq $2		/* RFLAGS: interrupts stay off */
	pushq $GDT_USER_CS	/* CS */
	pushq %rdi		/* RIP */
	swapgs			/* as any return to user mode does */
	iretq
	.size syscall_probe_run, . - syscall_probe_run

	.balign 16
	.globl syscall_probe_landing
	.type syscall_probe_landing, @function
syscall_probe_landing:
	swapgs
	movl $1, %edi
	jmp syscall_probe_return
	.size syscall_probe_landing, . - syscall_probe_landing

/* void syscall_probe_return(uint64_t result): back into syscall_probe_run's
 * caller, whatever stack this runs on. */
	.globl syscall_probe_return
	.type syscall_probe_return, @function
syscall_probe_return:
	movq syscall_probe_saved_rsp(%rip), %rsp
	movq %rdi, %rax
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size syscall_probe_return, . - syscall_probe_return

	.data
	.balign 8
	.globl syscall_probe_saved_rsp
syscall_probe_saved_rsp:
	.quad 0
