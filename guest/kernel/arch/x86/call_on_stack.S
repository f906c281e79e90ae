/* void call_on_stack(void *stack_top, void (*fn)(void *), void *arg):
 * runs fn(arg) on another stack and comes back. The frame record pushed
 * first keeps backtraces from the new stack readable. */
	.text
	.globl call_on_stack
call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdi, %rsp
	movq %rdx, %rdi
	call *%rsi
	movq %rbp, %rsp
	popq %rbp
	ret
