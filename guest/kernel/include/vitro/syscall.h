/* The system call table with Linux's x86-64 numbers (<asm/unistd_64.h>):
 * handlers take the six argument registers (RDI, RSI, RDX, R10, R8, R9)
 * and return a value or -errno, as Linux's. */
#ifndef VITRO_SYSCALL_H
#define VITRO_SYSCALL_H

#include <vitro/trap_frame.h>

/* Marks a frame built by a system call (not a CPU vector). */
#define SYSCALL_FRAME_VECTOR 0x100

typedef long (*syscall_fn)(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5);

/* Runs system call nr with the arguments in frame; the frame is the caller's
 * user state, which some calls (execve, rt_sigreturn, clone) change. */
long syscall_dispatch(struct trap_frame *frame, unsigned long nr);

/* The name of system call nr, or NULL. */
const char *syscall_name(unsigned long nr);

#endif
