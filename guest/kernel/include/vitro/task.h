/* Tasks and the scheduler's runtime: kernel threads, the context switch, sleeping and waking,
 * kernel preemption, per-CPU run queues with their tick, and load balancing across CPUs.
 * The policy (which task runs next) is vitro/sched.h; this is the machinery around it. */
#ifndef VITRO_TASK_H
#define VITRO_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/cpumask.h>
#include <vitro/list.h>
#include <vitro/percpu.h>
#include <vitro/sched.h>
#include <vitro/signal.h>
#include <vitro/spinlock.h>
#include <vitro/vmalloc.h>
#include <vitro/wait.h>

/* Task states, Linux's values. A task sets its state before it tests what it waits for. */
#define TASK_RUNNING 0x0000u
#define TASK_INTERRUPTIBLE 0x0001u
#define TASK_UNINTERRUPTIBLE 0x0002u
#define TASK_DEAD 0x0080u
#define TASK_NEW 0x0800u /* created, never woken yet */
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_STOPPED 0x0004u /* job control: SIGSTOP and friends */

#define EXIT_ZOMBIE 0x10 /* dead, waiting for its parent's wait */
#define EXIT_DEAD 0x20 /* reaped */

#define PF_EXITING 0x4u
#define PF_KTHREAD 0x200000u

#define TASK_COMM_LEN 16

struct blk_plug;

struct mm_struct;
struct files_struct;
struct fs_struct;

/* The CPU state of a task's user side that the context switch carries. */
struct thread_struct {
	uint64_t cr3; /* its page tables' root; 0 for a kernel thread (the kernel's) */
	uint64_t fsbase, gsbase; /* user FS and GS bases (arch_prctl) */
	void *fpu; /* 512-byte FXSAVE image, 16-byte aligned; NULL for kernel threads */
};

struct task {
	struct sched_task sched; /* the policy's state; first, for container_of */
	uint64_t kernel_rsp; /* saved by switch_to() while switched out */
	void *stack; /* the kernel stack, NULL for a CPU's boot context (its idle task) */
	unsigned int state; /* TASK_* */
	int pid;
	char comm[TASK_COMM_LEN];
	unsigned int cpu; /* the run queue it is on, or last ran on */
	int on_cpu; /* running, or still switching out: its stack is in use */
	bool is_idle;
	bool migration_pending; /* running where its affinity no longer allows */
	struct spinlock pi_lock; /* serialises wake-ups, affinity and attribute changes */
	struct cpumask cpus_allowed;
	int refcount;
	struct list_head rq_link; /* on its cpu_rq's list of queued tasks (balancing) */
	struct list_head all_link; /* on the list of all tasks */

	int (*thread_fn)(void *arg);
	void *thread_arg;
	bool should_stop; /* kthread_stop() asked */
	struct blk_plug *plug; /* block I/O held back until blk_finish_plug() (vitro/blkdev.h) */
	int exit_code;
	struct completion exited;

	/* User space; a kernel thread has none of it. These pointers, and
	 * signal and sighand below, change only under alloc_lock (task_lock)
	 * once the task is visible, so that another task may take a reference
	 * to what they point at (/proc reading a process). */
	struct spinlock alloc_lock;
	struct mm_struct *mm;
	struct files_struct *files;
	struct fs_struct *fs;
	struct thread_struct thread;

	/* The process tree (Linux's names). A kernel thread has its own tgid,
	 * no parent and no signal state. */
	int tgid; /* the process id: the group leader's pid */
	struct task *group_leader;
	struct task *real_parent;
	struct list_head children; /* its children, linked through their sibling */
	struct list_head sibling;
	struct list_head thread_node; /* in group_leader->thread_group */
	struct list_head thread_group;
	int exit_signal; /* to the parent at exit: SIGCHLD, or -1 for a thread */
	int exit_state; /* EXIT_ZOMBIE, EXIT_DEAD, 0 while alive */
	int exit_status; /* the wait(2) status it died with */
	unsigned int flags; /* PF_* */
	struct signal_struct *signal;
	struct sighand_struct *sighand;
	ksigset_t blocked;
	ksigset_t saved_sigmask; /* restored after a handler (rt_sigsuspend, ppoll) */
	bool restore_sigmask;
	struct sigpending pending;
	uint64_t sas_ss_sp, sas_ss_size; /* sigaltstack */
	int sas_ss_flags;
	uint64_t set_child_tid;
	uint64_t clear_child_tid; /* set_tid_address: zeroed and woken at exit */
	uint64_t robust_list, robust_list_len;
	/* rseq(2) (vitro/rseq.h): the registered area (0: none), its length
	 * and abort signature; rseq_pending: it needs updating before the
	 * thread next runs in user mode. */
	uint64_t rseq;
	uint32_t rseq_len, rseq_sig;
	bool rseq_pending;
	int ioprio; /* ioprio_set(2)'s class and level; 0: none set */
	struct completion *vfork_done; /* the vfork parent waits on it */
	uint64_t start_time_ns;
	/* What restart_syscall(2) continues after -ERESTART_RESTARTBLOCK:
	 * a sleep until deadline_ns, reporting what is left to urem. */
	struct restart_block {
		long (*fn)(struct restart_block *restart);
		uint64_t deadline_ns;
		uint64_t urem;
	} restart_block;
	/* Credentials: one root user, but every id call answers as Linux would. */
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;

	/* statistics */
	uint64_t nvcsw, nivcsw; /* voluntary and involuntary context switches */
	uint64_t nr_wakeups, nr_migrations;
	uint64_t nr_user_ticks, nr_system_ticks; /* ticks that found it in each mode */
	/* Sleep and stall accounting (sched/accounting.c). */
	bool in_iowait; /* io_schedule(): its sleeps are I/O waits */
	bool in_memstall; /* psi_memstall_enter() */
	bool is_counted_uninterruptible; /* in its run queue's nr_uninterruptible */
	bool is_counted_iowait; /* in its run queue's nr_iowait */
	/* Linux's task_io_accounting: what read and write moved. */
	uint64_t io_rchar, io_wchar, io_syscr, io_syscw;
};

#ifdef VITRO_HOST_BUILD
/* Host builds (unit tests): the task a test runs its system calls as. */
extern struct task *host_current_task;

static inline struct task *current_task(void)
{
	return host_current_task;
}
#else
static inline struct task *current_task(void)
{
	struct task *t;

	__asm__("movq %%gs:24, %0" : "=r"(t));
	return t;
}
#endif

#define current (current_task())

static inline void set_current_state(unsigned int state)
{
	__atomic_store_n(&current->state, state, __ATOMIC_SEQ_CST);
}

static inline void __set_current_state(unsigned int state)
{
	__atomic_store_n(&current->state, state, __ATOMIC_RELAXED);
}

/* --- set-up ------------------------------------------------------------------------------ */
/* The boot CPU's scheduler; the boot context becomes its idle task. Call after the memory
 * allocators and timers. */
void sched_init(void);
/* Another CPU joins the scheduler; its start-up context becomes its idle task. */
void sched_init_cpu(unsigned int cpu);
/* The CPUs that run tasks (bits set as each calls sched_init_cpu). */
extern struct cpumask cpu_sched_online;
/* This CPU's idle loop: halts when nothing is runnable, balances, never returns. */
__noreturn void cpu_idle_loop(void);

/* --- kernel threads -------------------------------------------------------------------------- */
/* A new thread that will run fn(arg); not yet runnable (TASK_NEW), so its policy, nice and
 * affinity may be set first. Returns NULL when out of memory. The caller holds a reference. */
struct task *kthread_create(int (*fn)(void *arg), void *arg, const char *name);
/* Makes a new thread runnable on the least loaded CPU its affinity allows. */
void wake_up_new_task(struct task *t);
struct task *kthread_run(int (*fn)(void *arg), void *arg, const char *name);
/* Waits for t to end, returns its exit code and drops the caller's reference. */
int kthread_join(struct task *t);
/* Asks t to stop (kthread_should_stop() turns true), wakes it and joins it. A thread never
 * woken ends without running its function and returns -EINTR. */
int kthread_stop(struct task *t);
bool kthread_should_stop(void);
/* Ends the current thread. */
__noreturn void task_exit(int code);

void task_get(struct task *t);
void task_put(struct task *t);
/* The task with this pid, with a reference, or NULL. */
struct task *find_task_by_pid(int pid);
/* Calls fn on every task until it returns false; fn runs under a spinlock
 * with interrupts off and must not sleep. */
void for_each_task(bool (*fn)(struct task *t, void *arg), void *arg);
/* Gives a new task a fixed pid (init is 1). */
void task_set_pid(struct task *t, int pid);
/* For /proc: tasks made since boot (Linux's total_forks), tasks alive now
 * (idle tasks aside), and the last pid handed out. */
struct task_counts {
	uint64_t nr_created;
	unsigned int nr_alive;
	int last_pid;
};
void task_get_counts(struct task_counts *counts);
/* Makes a task running on another CPU enter the kernel soon (a signal
 * for it is pending). */
void kick_process(struct task *t);

/* Linux's task_lock(): see struct task's alloc_lock. A leaf lock, taken
 * with interrupts off (it nests inside the task list's lock). */
static inline unsigned long task_lock(struct task *t)
{
	return spin_lock_irqsave(&t->alloc_lock);
}

static inline void task_unlock(struct task *t, unsigned long flags)
{
	spin_unlock_irqrestore(&t->alloc_lock, flags);
}

/* t's address space with a user reference the caller drops with mmput(),
 * or NULL (a kernel thread, or a task past exit_mm). */
struct mm_struct *get_task_mm(struct task *t);

/* --- scheduling ------------------------------------------------------------------------------ */
/* Gives the CPU to the task the policy picks; the caller sleeps if it set a sleeping state. */
void schedule(void);
/* Switches away from the exiting current task for good. */
__noreturn void schedule_dead(void);
/* Sleeps (TASK_UNINTERRUPTIBLE unless the caller set another state) for up to timeout_ns;
 * returns the time left if woken early, else 0. */
uint64_t schedule_timeout(uint64_t timeout_ns);
void sleep_ns(uint64_t ns);
void msleep(unsigned int ms);
void yield(void);

/* Wakes t if its state is in state_mask; returns whether it did. */
bool try_to_wake_up(struct task *t, unsigned int state_mask);
bool wake_up_process(struct task *t);

/* sched_setattr(2) and nice(2) on a task (see sched_task_set_attr for the errors). */
int sched_setattr(struct task *t, const struct sched_attr *attr);
void sched_set_nice(struct task *t, int nice);
/* Restricts t to the CPUs in mask (those online); moves it off a CPU no longer allowed.
 * -EINVAL if mask holds no online CPU. */
int sched_setaffinity(struct task *t, const struct cpumask *mask);
/* Total CPU time t has used, up to now if it is running. */
uint64_t task_sched_runtime(struct task *t);

/* The scheduling policy of the fair class, chosen with sched=eevdf|cfs on the command line. */
const char *sched_fair_mode_name(void);

/* Per-CPU counters for tests and /proc: context switches, ticks, balancing moves. */
struct sched_cpu_stats {
	uint64_t nr_switches, nr_ticks, nr_balance_moves, idle_ns;
	unsigned int nr_running;
};
void sched_cpu_stats(unsigned int cpu, struct sched_cpu_stats *stats);

/* The architecture's part of a context switch (page tables, FPU, TLS bases,
 * the kernel stack for entries from user mode); interrupts off. */
void arch_switch_to(struct task *prev, struct task *next);
/* The top of t's kernel stack, where its user-mode register frame lives. */
static inline uint64_t task_stack_top(const struct task *t)
{
	return (uint64_t)t->stack + KERNEL_STACK_SIZE;
}

/* Logs a warning if the caller may not sleep (interrupt, preemption off). */
void might_sleep_check(const char *where);

#endif
