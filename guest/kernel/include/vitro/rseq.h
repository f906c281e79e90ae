/* Restartable sequences (rseq(2)), Linux 6.1's ABI: a thread registers a
 * struct rseq; before it next runs in user mode after being switched out
 * (or migrated, or signalled), the kernel writes its CPU number there and,
 * if it was inside a registered critical section, moves it to the section's
 * abort handler. glibc registers one for every thread. */
#ifndef VITRO_RSEQ_H
#define VITRO_RSEQ_H

#include <vitro/task.h>

struct trap_frame;

/* A context switch took t off its CPU: its rseq area needs updating. */
static inline void rseq_preempt(struct task *t)
{
	if (t->rseq)
		t->rseq_pending = true;
}

/* On the way to user mode (interrupts on): the update, and the abort of a
 * critical section the thread was in. A bad rseq area kills with SIGSEGV. */
void rseq_handle_notify_resume(struct trap_frame *f);

/* fork keeps the parent's registration (same address in the copy); a new
 * thread (CLONE_VM) and execve start without one. */
void rseq_fork(struct task *child, const struct task *parent, unsigned long clone_flags);
void rseq_execve(struct task *t);

#endif
