/* The registers saved on kernel entry (Linux's struct pt_regs): what entry.S
 * pushes, lowest address first. A user task's frame sits at the top of its
 * kernel stack; system calls read their arguments from it and exec, signals
 * and clone rewrite it. */
#ifndef VITRO_TRAP_FRAME_H
#define VITRO_TRAP_FRAME_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct task;

/* t's user-mode frame. */
struct trap_frame *task_user_frame(struct task *t);

#endif
