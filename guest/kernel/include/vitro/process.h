/* User processes: leaving one, the exit status as wait(2) encodes it, and
 * the fatal end a signal brings until signal delivery exists. */
#ifndef VITRO_PROCESS_H
#define VITRO_PROCESS_H

#include <vitro/compiler.h>
#include <vitro/trap_frame.h>

/* wait(2)'s status words. */
#define EXIT_STATUS_CODE(code) (((code)&0xff) << 8)
#define EXIT_STATUS_SIGNAL(sig) ((sig)&0x7f)

/* Ends the current task: drops its files, working directory and address
 * space, then exits with status (wait(2) encoding). */
__noreturn void do_exit(int status);

/* A fault the process cannot survive: logs it as Linux does ("segfault at")
 * and ends the process with sig. */
__noreturn void force_fatal_signal(int sig, int si_code, uint64_t addr,
				   const struct trap_frame *frame);

/* Arch hooks (arch/x86/process.c). */
void arch_load_user_state(struct task *t);
void arch_leave_user_mm(void);
void fpu_init_state(void *area);
/* Copies the kernel half of the kernel's top-level page table into a new
 * user page table (entries 256-511 are shared by every address space). */
void arch_pgd_copy_kernel_half(uint64_t root_phys);

#endif
