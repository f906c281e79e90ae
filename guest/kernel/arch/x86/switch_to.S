/* The context switch between kernel stacks: only the callee-saved registers need saving, the
 * C caller (__schedule) has dealt with the rest. */
	.text
	.globl switch_to_asm
	.type switch_to_asm, @function
/* struct task *switch_to_asm(uint64_t *prev_rsp, uint64_t next_rsp, struct task *prev) */
switch_to_asm:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movq %rdx, %rax		/* the task switched out, for finish_task_switch */
	ret
	.size switch_to_asm, . - switch_to_asm

/* A new kernel thread starts here, with the previous task in RAX and an aligned stack whose
 * zero RBP ends backtraces. */
	.globl kthread_start_asm
	.type kthread_start_asm, @function
kthread_start_asm:
	xorl %ebp, %ebp
	movq %rax, %rdi
	call schedule_tail
	call kthread_main
	ud2
	.size kthread_start_asm, . - kthread_start_asm
