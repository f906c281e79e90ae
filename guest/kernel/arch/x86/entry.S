/* Exception, interrupt and system call entry: one stub per vector pushes a
 * uniform frame (vector, error code) and jumps to a common path that saves the
 * general registers as struct trap_frame and calls trap_dispatch(). SYSCALL
 * (where it reaches ring 0) builds the same frame. From user mode, SWAPGS puts
 * the kernel's per-CPU GS base in place on entry and the user's back on exit,
 * and the way out runs exit_to_user_mode() (rescheduling, signals). */
#include <vitro/layout.h>
#include <vitro/percpu.h>

#define FRAME_RIP (17 * 8)	/* in struct trap_frame */
#define FRAME_CS (18 * 8)
#define SYSCALL_PSEUDO_VECTOR 0x100

/* Vectors for which the CPU pushes an error code (SDM vol. 3, table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

/* The general registers in struct trap_frame's order (RDI ends up highest). */
.macro SAVE_REGS
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
.endm

	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vector, 0
	.rept 256
	.balign 16
	.if HAS_ERROR_CODE(vector) == 0
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	.set vector, vector + 1
	.endr

trap_common:
	testb $3, 24(%rsp)	/* CS, above vector, error code and RIP */
	jz 1f
	swapgs
1:
	SAVE_REGS
	movq %rsp, %rdi
	/* A frame record for backtraces: the interrupted RIP and RBP. */
	pushq FRAME_RIP(%rsp)
	pushq %rbp
	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp

/* RSP points at a struct trap_frame: back to where it came from. New user
 * processes start here too (ret_to_user). */
	.globl trap_return
trap_return:
	testb $3, FRAME_CS(%rsp)
	jz 2f
	cli
	movq %rsp, %rdi
	call exit_to_user_mode	/* returns with interrupts off */
2:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	addq $16, %rsp		/* vector and error code */
	testb $3, 8(%rsp)
	jz 3f
	swapgs
3:
	iretq

/* void ret_to_user(struct trap_frame *frame): leaves the kernel for the user
 * state in frame, which sits at the top of the current kernel stack. */
	.globl ret_to_user
	.type ret_to_user, @function
ret_to_user:
	movq %rdi, %rsp
	jmp trap_return
	.size ret_to_user, . - ret_to_user

/* SYSCALL from user mode where it enters ring 0 (real hardware, QEMU): the CPU
 * left the return RIP in RCX and RFLAGS in R11, masked RFLAGS (interrupts are
 * off) and did not switch stacks. Where SYSCALL stays in ring 3 instead, the
 * jump here faults on the supervisor page and the page-fault handler takes it
 * as the same system call (syscall.c). */
	.balign 16
	.globl entry_syscall_64
	.type entry_syscall_64, @function
entry_syscall_64:
	swapgs
	movq %rsp, %gs:CPU_LOCAL_USER_RSP_OFFSET
	movq %gs:CPU_LOCAL_KERNEL_STACK_OFFSET, %rsp
	pushq $GDT_USER_DS			/* SS */
	pushq %gs:CPU_LOCAL_USER_RSP_OFFSET	/* RSP */
	pushq %r11				/* RFLAGS */
	pushq $GDT_USER_CS			/* CS */
	pushq %rcx				/* RIP */
	pushq $0				/* error code */
	pushq $SYSCALL_PSEUDO_VECTOR
	SAVE_REGS
	movq %rsp, %rdi
	pushq FRAME_RIP(%rsp)
	pushq %rbp
	movq %rsp, %rbp
	call do_syscall
	addq $16, %rsp
	jmp trap_return
	.size entry_syscall_64, . - entry_syscall_64
