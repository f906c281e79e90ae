/* Signals with Linux's semantics: per-thread and per-process pending sets
 * with queued siginfo, actions shared by threads (CLONE_SIGHAND), blocked
 * masks, default actions (terminate, core, stop, continue, ignore), delivery
 * on the way back to user mode through an rt_sigframe that rt_sigreturn
 * unwinds, and system calls interrupted with EINTR or restarted. */
#ifndef VITRO_SIGNAL_H
#define VITRO_SIGNAL_H

#ifdef VITRO_HOST_BUILD
#include <signal.h> /* the host's libc has the same names; its headers clash with the UAPI's */
#else
#include <asm/siginfo.h>
#include <linux/signal.h>
#endif
#include <stdbool.h>
#include <stdint.h>
#include <vitro/list.h>
#include <vitro/spinlock.h>
#include <vitro/trap_frame.h>
#include <vitro/wait.h>

#define NSIGNALS 64 /* Linux's _NSIG on x86-64: 1..64 */

/* Signal numbers as bits: signal n is bit n - 1. */
typedef uint64_t ksigset_t;
#define SIGMASK(sig) (1ull << ((sig)-1))
#define SIG_KERNEL_ONLY_MASK (SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))
#define SIG_STOP_MASK (SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) | SIGMASK(SIGTTOU))

/* Linux's internal restart codes: never seen by user space. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* An action as rt_sigaction(2) passes it on x86-64. */
struct k_sigaction {
	uint64_t handler; /* SIG_DFL (0), SIG_IGN (1) or an address */
	uint64_t flags; /* SA_* */
	uint64_t restorer;
	ksigset_t mask;
};

struct sigqueue {
	struct list_head list;
	siginfo_t info;
};

struct sigpending {
	struct list_head list; /* struct sigqueue, oldest first */
	ksigset_t signal;
};

/* Actions, shared by the threads of a process and by CLONE_SIGHAND. */
struct sighand_struct {
	int count;
	struct spinlock siglock; /* also guards every pending set and mask of its tasks */
	struct k_sigaction action[NSIGNALS];
};

#define SIGNAL_GROUP_EXIT 0x1u /* exit_group or a fatal signal: every thread goes */
#define SIGNAL_STOPPED 0x2u /* job-control stopped */
#define SIGNAL_STOP_CONTINUED 0x4u /* continued, not yet reported to wait */
#define SIGNAL_STOP_REPORTED 0x8u /* stop already reported to wait */
#define SIGNAL_EXEC_KILL 0x10u /* execve is killing the other threads: they exit alone */

#define NR_RLIMITS 16
#ifndef RLIM64_INFINITY
#define RLIM64_INFINITY (~0ull)
#endif

struct rlimit64_pair {
	uint64_t cur, max;
};

/* What the threads of a process share (Linux's signal_struct). */
struct signal_struct {
	int count; /* references */
	int nr_threads; /* live threads */
	unsigned int flags; /* SIGNAL_* */
	struct task *group_exec_task; /* with SIGNAL_EXEC_KILL: the one that stays */
	int group_exit_code; /* wait status for SIGNAL_GROUP_EXIT */
	int group_stop_count;
	int stop_signal; /* the signal that stopped it */
	struct sigpending shared_pending;
	struct wait_queue_head wait_chldexit; /* wait4 sleeps here */
	int pgrp, session;
	void *tty; /* the controlling terminal (struct n_tty), NULL for none */
	struct task *leader;
	struct rlimit64_pair rlim[NR_RLIMITS];
	/* ITIMER_REAL / alarm */
	uint64_t it_real_expires_ns, it_real_interval_ns;
	void *it_real_timer;
	/* children's times, accumulated at reaping */
	uint64_t cutime_ns, cstime_ns;
};

struct task;

/* Set-up for a process's first task (init) and copies for clone. */
struct sighand_struct *sighand_alloc(void);
void sighand_put(struct sighand_struct *sighand);
struct signal_struct *signal_struct_alloc(void);
void signal_struct_put(struct signal_struct *sig);
void sigpending_init(struct sigpending *pending);
void sigpending_flush(struct sigpending *pending);

/* Sending. Return 0, -ESRCH, -EINVAL. info may be NULL (SI_USER from the
 * kernel's view of current). */
int send_signal_to_task(struct task *t, int sig, const siginfo_t *info); /* one thread */
int send_signal_to_process(struct task *t, int sig, const siginfo_t *info); /* its group */
int kill_pgrp(int pgrp, int sig, const siginfo_t *info);
/* A synchronous fault: delivered to the faulting thread even if blocked or
 * ignored (the action is reset to default then, as Linux's force_sig). */
void force_sig_fault(int sig, int si_code, uint64_t addr);

/* True when the current task has a signal to handle (a sleeping call should
 * give up with -ERESTARTSYS or -EINTR). */
bool signal_pending(struct task *t);
bool fatal_signal_pending(struct task *t);

/* On the way to user mode: handles pending signals, builds the handler's
 * frame or applies the default action, restarts interrupted calls. */
void do_signal(struct trap_frame *frame);

/* The parent learns of a child's exit, stop or continue (SIGCHLD). */
void notify_parent(struct task *child, int why, int status);

/* The same with tasklist_lock held. */
void notify_parent_locked(struct task *child, int why, int status);

/* Runs the handler: builds its frame on the user stack (signal_frame.c). */
void handle_signal(int sig, const siginfo_t *info, const struct k_sigaction *ka,
		   struct trap_frame *frame);

/* Stops and frees the process's ITIMER_REAL (sys_time.c). */
void itimer_real_release(struct signal_struct *sig);

/* Drops sig from every pending set of t's process (now ignored). */
void discard_pending_signal(struct task *t, int sig);

/* The current thread's blocked mask (SIGKILL and SIGSTOP never block). */
void set_current_blocked(ksigset_t mask);

/* exec: handled signals go back to default; ignored stay ignored. */
void flush_signal_handlers(struct task *t);

/* Sleeping calls that a signal interrupts: the state to sleep in. */
#define TASK_SLEEP_SIGNALS TASK_INTERRUPTIBLE

#endif
