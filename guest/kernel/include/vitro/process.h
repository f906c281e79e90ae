/* User processes: leaving one, the exit status as wait(2) encodes it, and
 * the fatal end a signal brings until signal delivery exists. */
#ifndef VITRO_PROCESS_H
#define VITRO_PROCESS_H

#include <vitro/compiler.h>
#include <vitro/spinlock.h>
#include <vitro/trap_frame.h>

/* wait(2)'s status words. */
#define EXIT_STATUS_CODE(code) (((code)&0xff) << 8)
#define EXIT_STATUS_SIGNAL(sig) ((sig)&0x7f)

/* The process tree's lock (parents, children, thread groups); before any
 * sighand->siglock, after the task list's. */
extern struct spinlock tasklist_lock;

/* Ends the current task: drops its files, working directory and address
 * space, tells its parent, then exits with status (wait(2) encoding). */
__noreturn void do_exit(int status);
/* exit_group(2) and fatal signals: every thread of the process goes. */
__noreturn void do_group_exit(int status);

/* A fault the process cannot survive: logs it as Linux does ("segfault at")
 * and ends the process with sig. */
__noreturn void force_fatal_signal(int sig, int si_code, uint64_t addr,
				   const struct trap_frame *frame);

/* Releases the address space of a task that is leaving it (exit, exec). */
void exit_mm(struct task *t);
/* A reaped task's last parts (its signal state and the tree's reference). */
void release_task(struct task *t);
/* The process adopting orphans (init). */
extern struct task *child_reaper;

/* clone(2), fork(2), vfork(2): the child's pid or -errno. */
long do_clone(uint64_t flags, uint64_t newsp, uint64_t parent_tid, uint64_t child_tid,
	      uint64_t tls);
/* execve(2) of filename (a kernel string) with user argv/envp, or with kernel
 * arrays kargv/kenvp (the kernel starting init). Returns -errno, or 0 with
 * the current task's user state set to the new program's entry. */
long do_execve(const char *filename, uint64_t uargv, uint64_t uenvp, const char *const *kargv,
	       const char *const *kenvp);

/* Kills the process with the largest resident set (never init) and logs
 * why; false if there was none to kill. */
bool out_of_memory(const char *why);

/* A dying thread's robust futexes: each lock it held is marked OWNER_DIED and
 * a waiter woken (runs in the thread's address space, before it goes). */
void exit_robust_list(struct task *t);

/* futex: wakes up to nr waiters on the word at uaddr in the current process. */
int futex_wake_address(uint64_t uaddr, int nr);

/* Leaves the kernel for the user state in frame, at the top of the current
 * task's kernel stack. */
__noreturn void ret_to_user(struct trap_frame *frame);

/* Arch hooks (arch/x86/process.c). */
void arch_load_user_state(struct task *t);
void arch_leave_user_mm(void);
/* User FPU state (arch/x86/fpu.c): an image of fpu_state_size bytes, the
 * FXSAVE layout's 512 or, with XSAVE, that and the header and extended
 * components after it (fpu_xfeatures says which; 0: FXSAVE). */
extern unsigned int fpu_state_size;
extern uint64_t fpu_xfeatures;
/* Each CPU before user code; the boot CPU chooses XSAVE when ring 0 is
 * native and the CPU has it. */
void fpu_cpu_init(bool is_boot_cpu, bool ring0_is_native);
/* A task's image, 64-byte aligned (kfree frees it). */
void *fpu_state_alloc(void);
void fpu_init_state(void *area);
/* The running task's registers to or from an image (the kernel never uses
 * them, so they are the user's). */
void fpu_save_live(void *area);
void fpu_load_live(const void *area);
/* An image that came from user memory made safe to load; has_xstate: it
 * has the XSAVE header (else only its legacy 512 bytes count). */
void fpu_sanitize_image(void *area, bool has_xstate);
/* Copies the kernel half of the kernel's top-level page table into a new
 * user page table (entries 256-511 are shared by every address space). */
void arch_pgd_copy_kernel_half(uint64_t root_phys);

#endif
