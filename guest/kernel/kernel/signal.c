/* Signals (see vitro/signal.h): sending, the pending sets and queues,
 * default actions and job-control stops. Delivery frames are in
 * signal_frame.c, the system calls in sys_signal.c. Lock order: the task
 * list's lock (for_each_task), then tasklist_lock (the process tree), then a
 * process's sighand->siglock, which guards its actions and every pending set
 * and mask of its threads. All are taken with interrupts off: the console
 * sends ^C from its interrupt handler. */
#include <asm/unistd_64.h>
#include <vitro/errno.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/signal.h>
#include <vitro/slab.h>
#include <vitro/syscall.h>
#include <vitro/string.h>
#include <vitro/task.h>

#define SIGRTMIN_KERNEL 32
#define SIG_SYNCHRONOUS_MASK                                                       \
	(SIGMASK(SIGSEGV) | SIGMASK(SIGBUS) | SIGMASK(SIGILL) | SIGMASK(SIGTRAP) | \
	 SIGMASK(SIGFPE) | SIGMASK(SIGSYS))

enum sig_default {
	SIG_DFL_TERM,
	SIG_DFL_CORE,
	SIG_DFL_STOP,
	SIG_DFL_CONT,
	SIG_DFL_IGN,
};

/* signal(7)'s table. Real-time signals terminate. */
static enum sig_default default_action(int sig)
{
	switch (sig) {
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SIG_DFL_CORE;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SIG_DFL_STOP;
	case SIGCONT:
		return SIG_DFL_CONT;
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return SIG_DFL_IGN;
	default:
		return SIG_DFL_TERM;
	}
}

static void for_each_thread_locked(struct task *leader, void (*fn)(struct task *t, void *arg),
				   void *arg);

static bool valid_signal(int sig)
{
	return sig >= 1 && sig <= NSIGNALS;
}

/* --- the shared structures ---------------------------------------------------- */

void sigpending_init(struct sigpending *pending)
{
	list_init(&pending->list);
	pending->signal = 0;
}

void sigpending_flush(struct sigpending *pending)
{
	struct sigqueue *q, *next;

	list_for_each_entry_safe(q, next, &pending->list, list) {
		list_del(&q->list);
		kfree(q);
	}
	pending->signal = 0;
}

/* Drops sig from a pending set and its queue. */
static void sigpending_remove(struct sigpending *pending, ksigset_t mask)
{
	struct sigqueue *q, *next;

	if (!(pending->signal & mask))
		return;
	pending->signal &= ~mask;
	list_for_each_entry_safe(q, next, &pending->list, list) {
		if (mask & SIGMASK(q->info.si_signo)) {
			list_del(&q->list);
			kfree(q);
		}
	}
}

struct sighand_struct *sighand_alloc(void)
{
	struct sighand_struct *sighand = kzalloc(sizeof(*sighand), GFP_KERNEL);

	if (sighand) {
		sighand->count = 1;
		spin_lock_init(&sighand->siglock);
	}
	return sighand;
}

void sighand_put(struct sighand_struct *sighand)
{
	if (sighand && !__atomic_sub_fetch(&sighand->count, 1, __ATOMIC_ACQ_REL))
		kfree(sighand);
}

/* Linux's defaults (include/asm-generic/resource.h), with the 8 MiB stack. */
static void rlimits_init(struct rlimit64_pair *rlim)
{
	for (int i = 0; i < NR_RLIMITS; i++)
		rlim[i] = (struct rlimit64_pair){ RLIM64_INFINITY, RLIM64_INFINITY };
	rlim[3] = (struct rlimit64_pair){ 8ull << 20, RLIM64_INFINITY }; /* STACK */
	rlim[4] = (struct rlimit64_pair){ 0, RLIM64_INFINITY }; /* CORE */
	rlim[6] = (struct rlimit64_pair){ 4096, 4096 }; /* NPROC */
	rlim[7] = (struct rlimit64_pair){ 1024, 4096 }; /* NOFILE */
	rlim[8] = (struct rlimit64_pair){ 8ull << 20, 8ull << 20 }; /* MEMLOCK */
	rlim[11] = (struct rlimit64_pair){ 4096, 4096 }; /* SIGPENDING */
	rlim[12] = (struct rlimit64_pair){ 819200, 819200 }; /* MSGQUEUE */
	rlim[13] = (struct rlimit64_pair){ 0, 0 }; /* NICE */
	rlim[14] = (struct rlimit64_pair){ 0, 0 }; /* RTPRIO */
}

struct signal_struct *signal_struct_alloc(void)
{
	struct signal_struct *sig = kzalloc(sizeof(*sig), GFP_KERNEL);

	if (!sig)
		return NULL;
	sig->count = 1;
	sig->nr_threads = 1;
	sigpending_init(&sig->shared_pending);
	wait_queue_head_init(&sig->wait_chldexit);
	rlimits_init(sig->rlim);
	return sig;
}

void signal_struct_put(struct signal_struct *sig)
{
	if (sig && !__atomic_sub_fetch(&sig->count, 1, __ATOMIC_ACQ_REL)) {
		itimer_real_release(sig);
		sigpending_flush(&sig->shared_pending);
		kfree(sig);
	}
}

static void remove_one(struct task *t, void *arg)
{
	sigpending_remove(&t->pending, *(ksigset_t *)arg);
}

void discard_pending_signal(struct task *t, int sig)
{
	ksigset_t mask = SIGMASK(sig);
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	spin_lock(&t->sighand->siglock);
	sigpending_remove(&t->signal->shared_pending, mask);
	for_each_thread_locked(t->group_leader, remove_one, &mask);
	spin_unlock(&t->sighand->siglock);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void flush_signal_handlers(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&t->sighand->siglock);

	for (int i = 0; i < NSIGNALS; i++) {
		struct k_sigaction *ka = &t->sighand->action[i];

		if (ka->handler != (uint64_t)SIG_IGN)
			ka->handler = (uint64_t)SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
}

/* --- pending or not ------------------------------------------------------------ */

static ksigset_t pending_unblocked(struct task *t)
{
	return (t->pending.signal | t->signal->shared_pending.signal) & ~t->blocked;
}

bool signal_pending(struct task *t)
{
	if (!t->signal)
		return false;
	return pending_unblocked(t) || (READ_ONCE(t->signal->flags) & SIGNAL_GROUP_EXIT);
}

bool fatal_signal_pending(struct task *t)
{
	return t->signal && ((t->pending.signal & SIGMASK(SIGKILL)) ||
			     (READ_ONCE(t->signal->flags) & SIGNAL_GROUP_EXIT));
}

/* --- sending --------------------------------------------------------------------- */

static bool handler_ignores(struct task *t, int sig)
{
	uint64_t handler = t->sighand->action[sig - 1].handler;

	if (handler == (uint64_t)SIG_IGN)
		return true;
	return handler == (uint64_t)SIG_DFL && default_action(sig) == SIG_DFL_IGN;
}

/* Wakes t to act on a signal: from an interruptible sleep, and from a
 * job-control stop when the signal is fatal or SIGCONT. */
static void signal_wake_up(struct task *t, bool resume)
{
	unsigned int states = TASK_INTERRUPTIBLE | (resume ? TASK_STOPPED : 0);

	if (!try_to_wake_up(t, states))
		kick_process(t);
}

static void for_each_thread_locked(struct task *leader, void (*fn)(struct task *t, void *arg),
				   void *arg)
{
	struct task *t;

	fn(leader, arg);
	list_for_each_entry(t, &leader->thread_group, thread_node)
		fn(t, arg);
}

static void remove_stop_signals(struct task *t, void *arg)
{
	(void)arg;
	sigpending_remove(&t->pending, SIG_STOP_MASK);
}

static void remove_sigcont(struct task *t, void *arg)
{
	(void)arg;
	sigpending_remove(&t->pending, SIGMASK(SIGCONT));
}

static void wake_stopped(struct task *t, void *arg)
{
	(void)arg;
	try_to_wake_up(t, TASK_STOPPED);
}

static void add_sigkill(struct task *t, void *arg)
{
	(void)arg;
	t->pending.signal |= SIGMASK(SIGKILL);
	signal_wake_up(t, true);
}

/* SIGCONT resumes a stopped process and cancels pending stops; a stop
 * signal cancels a pending SIGCONT. siglock held. Returns whether the
 * process was continued (its parent hears of it). */
static bool prepare_signal(struct task *t, int sig)
{
	struct signal_struct *signal = t->signal;
	bool continued = false;

	if (sig == SIGCONT) {
		sigpending_remove(&signal->shared_pending, SIG_STOP_MASK);
		for_each_thread_locked(t->group_leader, remove_stop_signals, NULL);
		if (signal->flags & SIGNAL_STOPPED) {
			signal->flags = (signal->flags & ~(SIGNAL_STOPPED | SIGNAL_STOP_REPORTED)) |
					SIGNAL_STOP_CONTINUED;
			continued = true;
		}
		signal->group_stop_count = 0;
		for_each_thread_locked(t->group_leader, wake_stopped, NULL);
	} else if (SIGMASK(sig) & SIG_STOP_MASK) {
		sigpending_remove(&signal->shared_pending, SIGMASK(SIGCONT));
		for_each_thread_locked(t->group_leader, remove_sigcont, NULL);
	}
	return continued;
}

/* The thread of a process that takes a process-directed signal: t if it
 * does not block it, else any that does not. */
static struct task *pick_thread(struct task *t, int sig)
{
	struct task *leader = t->group_leader, *other;

	if (!(t->blocked & SIGMASK(sig)))
		return t;
	if (!(leader->blocked & SIGMASK(sig)) && !leader->exit_state)
		return leader;
	list_for_each_entry(other, &leader->thread_group, thread_node)
		if (!(other->blocked & SIGMASK(sig)) && !other->exit_state)
			return other;
	return NULL;
}

static void fill_user_info(siginfo_t *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_USER;
	info->si_pid = current->signal ? current->tgid : 0;
	info->si_uid = 0;
}

/* siglock held. */
static int queue_signal(struct task *t, int sig, const siginfo_t *info, bool group)
{
	struct sigpending *pending = group ? &t->signal->shared_pending : &t->pending;
	struct sigqueue *q;
	struct task *target;
	bool fatal;

	/* Ignored signals are dropped at once, unless blocked (POSIX). */
	if (handler_ignores(t, sig) && !(t->blocked & SIGMASK(sig)) && sig != SIGKILL)
		return 0;
	/* A standard signal is pending at most once; real-time ones queue. */
	if (sig < SIGRTMIN_KERNEL && (pending->signal & SIGMASK(sig)))
		return 0;
	q = kmalloc(sizeof(*q), GFP_ATOMIC | __GFP_NOWARN);
	if (q) {
		if (info)
			q->info = *info;
		else
			fill_user_info(&q->info, sig);
		q->info.si_signo = sig;
		list_add_tail(&q->list, &pending->list);
	} else if (sig >= SIGRTMIN_KERNEL) {
		return -EAGAIN;
	}
	pending->signal |= SIGMASK(sig);

	target = group ? pick_thread(t, sig) : t;
	if (!target)
		return 0; /* every thread blocks it: it waits */
	fatal = sig == SIGKILL ||
		(t->sighand->action[sig - 1].handler == (uint64_t)SIG_DFL &&
		 (default_action(sig) == SIG_DFL_TERM || default_action(sig) == SIG_DFL_CORE) &&
		 !(target->blocked & SIGMASK(sig)) && t->tgid != 1);
	if (fatal && !(t->signal->flags & SIGNAL_GROUP_EXIT)) {
		/* The whole process dies: every thread gets SIGKILL now. */
		t->signal->flags |= SIGNAL_GROUP_EXIT;
		t->signal->group_exit_code = EXIT_STATUS_SIGNAL(sig);
		for_each_thread_locked(t->group_leader, add_sigkill, NULL);
		return 0;
	}
	signal_wake_up(target, sig == SIGKILL || sig == SIGCONT);
	return 0;
}

static int send_signal(struct task *t, int sig, const siginfo_t *info, bool group)
{
	unsigned long flags;
	bool continued;
	int rc;

	if (!valid_signal(sig))
		return -EINVAL;
	if (!t->sighand || t->exit_state)
		return -ESRCH;
	flags = spin_lock_irqsave(&tasklist_lock);
	spin_lock(&t->sighand->siglock);
	continued = prepare_signal(t, sig);
	rc = queue_signal(t, sig, info, group);
	spin_unlock(&t->sighand->siglock);
	if (continued)
		notify_parent_locked(t->group_leader, CLD_CONTINUED, SIGCONT);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return rc;
}

int send_signal_to_task(struct task *t, int sig, const siginfo_t *info)
{
	return send_signal(t, sig, info, false);
}

int send_signal_to_process(struct task *t, int sig, const siginfo_t *info)
{
	return send_signal(t->group_leader, sig, info, true);
}

struct pgrp_kill {
	int pgrp, sig, found, err;
	const siginfo_t *info;
};

static bool signal_pgrp_member(struct task *t, void *arg)
{
	struct pgrp_kill *k = arg;
	int err;

	if (!t->signal || t->group_leader != t || t->exit_state || t->signal->pgrp != k->pgrp)
		return true;
	err = k->sig ? send_signal_to_process(t, k->sig, k->info) : 0;
	if (err)
		k->err = err;
	else
		k->found++;
	return true;
}

int kill_pgrp(int pgrp, int sig, const siginfo_t *info)
{
	struct pgrp_kill k = { .pgrp = pgrp, .sig = sig, .info = info };

	for_each_task(signal_pgrp_member, &k);
	return k.found ? 0 : (k.err ? k.err : -ESRCH);
}

void force_sig_fault(int sig, int si_code, uint64_t addr)
{
	struct task *t = current;
	struct k_sigaction *ka = &t->sighand->action[sig - 1];
	siginfo_t info;
	unsigned long flags;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = si_code;
	info.si_addr = (void *)addr;
	flags = spin_lock_irqsave(&t->sighand->siglock);
	/* A fault the process blocks or ignores would repeat forever: it
	 * gets the default action instead, as on Linux. */
	if ((t->blocked & SIGMASK(sig)) || ka->handler == (uint64_t)SIG_IGN) {
		ka->handler = (uint64_t)SIG_DFL;
		t->blocked &= ~SIGMASK(sig);
	}
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	send_signal_to_task(t, sig, &info);
}

/* --- taking a signal -------------------------------------------------------------- */

/* siglock held: the next signal for t, synchronous faults first, then the
 * lowest number, own before shared. */
static int dequeue_signal(struct task *t, siginfo_t *info)
{
	struct sigpending *pending = &t->pending;
	ksigset_t ready = t->pending.signal & ~t->blocked;
	struct sigqueue *q;
	int sig;

	if (!ready) {
		pending = &t->signal->shared_pending;
		ready = pending->signal & ~t->blocked;
		if (!ready)
			return 0;
	}
	if (ready & SIG_SYNCHRONOUS_MASK)
		ready &= SIG_SYNCHRONOUS_MASK;
	sig = __builtin_ctzll(ready) + 1;
	list_for_each_entry(q, &pending->list, list) {
		if (q->info.si_signo != sig)
			continue;
		*info = q->info;
		list_del(&q->list);
		kfree(q);
		/* Still pending if another of the same is queued. */
		list_for_each_entry(q, &pending->list, list)
			if (q->info.si_signo == sig)
				return sig;
		pending->signal &= ~SIGMASK(sig);
		return sig;
	}
	/* Pending without a queue entry (no memory when it came). */
	pending->signal &= ~SIGMASK(sig);
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_USER;
	return sig;
}

/* Job control: the process stops until SIGCONT or SIGKILL. Called with
 * siglock held and interrupts off; returns with both released. */
static void do_signal_stop(struct task *t, int sig, unsigned long flags)
{
	struct signal_struct *signal = t->signal;
	bool report = !(signal->flags & SIGNAL_STOPPED);

	signal->flags |= SIGNAL_STOPPED;
	signal->flags &= ~SIGNAL_STOP_CONTINUED;
	signal->stop_signal = sig;
	set_current_state(TASK_STOPPED);
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	if (report)
		notify_parent(t->group_leader, CLD_STOPPED, sig);
	/* Woken by SIGCONT or a fatal signal; a spurious wake-up while
	 * still stopped sleeps again. */
	for (;;) {
		if (!(READ_ONCE(signal->flags) & SIGNAL_STOPPED) || fatal_signal_pending(t))
			break;
		schedule();
		set_current_state(TASK_STOPPED);
	}
	__set_current_state(TASK_RUNNING);
}

/* Restart an interrupted system call by running it again: the number goes
 * back into RAX and RIP back onto the 2-byte SYSCALL. */
static void restart_syscall_frame(struct trap_frame *f, unsigned long nr)
{
	f->rax = nr;
	f->rip -= 2;
}

static bool frame_is_syscall(const struct trap_frame *f)
{
	return f->vector == SYSCALL_FRAME_VECTOR && (int64_t)f->error_code >= 0;
}

void do_signal(struct trap_frame *f)
{
	struct task *t = current;
	struct k_sigaction ka;
	unsigned long flags;
	siginfo_t info;
	int sig;

	for (;;) {
		flags = spin_lock_irqsave(&t->sighand->siglock);
		if (t->signal->flags & SIGNAL_GROUP_EXIT) {
			int code = t->signal->group_exit_code;

			spin_unlock_irqrestore(&t->sighand->siglock, flags);
			do_exit(code);
		}
		sig = dequeue_signal(t, &info);
		if (!sig) {
			spin_unlock_irqrestore(&t->sighand->siglock, flags);
			break;
		}
		ka = t->sighand->action[sig - 1];
		if (ka.handler == (uint64_t)SIG_IGN) {
			spin_unlock_irqrestore(&t->sighand->siglock, flags);
			continue;
		}
		if (ka.handler != (uint64_t)SIG_DFL) {
			if (ka.flags & SA_RESETHAND)
				t->sighand->action[sig - 1].handler = (uint64_t)SIG_DFL;
			spin_unlock_irqrestore(&t->sighand->siglock, flags);
			handle_signal(sig, &info, &ka, f);
			return;
		}
		switch (default_action(sig)) {
		case SIG_DFL_IGN:
		case SIG_DFL_CONT:
			spin_unlock_irqrestore(&t->sighand->siglock, flags);
			continue;
		case SIG_DFL_STOP:
			/* init ignores what it does not handle. */
			if (t->tgid == 1) {
				spin_unlock_irqrestore(&t->sighand->siglock, flags);
				continue;
			}
			do_signal_stop(t, sig, flags);
			continue;
		default:
			if (sig == SIGKILL && (t->signal->flags & SIGNAL_EXEC_KILL) &&
			    t != t->signal->group_exec_task) {
				spin_unlock_irqrestore(&t->sighand->siglock, flags);
				do_exit(EXIT_STATUS_SIGNAL(sig));
			}
			spin_unlock_irqrestore(&t->sighand->siglock, flags);
			/* init ignores fatal signals, but not a fault of its own
			 * (kernel-sent SIGSEGV and friends): it would only fault
			 * again. Linux then panics; here the machine ends. */
			if (t->tgid == 1 && sig != SIGKILL &&
			    !((SIGMASK(sig) & SIG_SYNCHRONOUS_MASK) && info.si_code > 0))
				continue;
			do_group_exit(EXIT_STATUS_SIGNAL(sig));
		}
	}
	/* No handler ran: an interrupted call restarts transparently. */
	if (frame_is_syscall(f)) {
		switch ((long)f->rax) {
		case -ERESTARTSYS:
		case -ERESTARTNOINTR:
		case -ERESTARTNOHAND:
			restart_syscall_frame(f, f->error_code);
			break;
		case -ERESTART_RESTARTBLOCK:
			restart_syscall_frame(f, __NR_restart_syscall);
			break;
		}
		f->error_code = (uint64_t)-1;
	}
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		set_current_blocked(t->saved_sigmask);
	}
}

void set_current_blocked(ksigset_t mask)
{
	struct task *t = current;
	unsigned long flags = spin_lock_irqsave(&t->sighand->siglock);

	t->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
}

/* --- the parent hears of it -------------------------------------------------------- */

void notify_parent_locked(struct task *child, int why, int status)
{
	struct task *parent = child->real_parent;
	struct sighand_struct *psig;
	siginfo_t info;
	bool autoreap = false;

	if (!parent || !parent->sighand)
		return;
	psig = parent->sighand;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGCHLD;
	info.si_code = why;
	info.si_pid = child->tgid;
	info.si_uid = 0;
	info.si_status = why == CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f;
	spin_lock(&psig->siglock);
	if (why == CLD_EXITED || why == CLD_KILLED || why == CLD_DUMPED) {
		struct k_sigaction *ka = &psig->action[SIGCHLD - 1];

		/* A parent that ignores SIGCHLD, or says SA_NOCLDWAIT, gets no
		 * zombies (POSIX.1-2001). */
		autoreap = ka->handler == (uint64_t)SIG_IGN || (ka->flags & SA_NOCLDWAIT);
		if (child->exit_signal > 0 && child->exit_signal <= NSIGNALS)
			queue_signal(parent, child->exit_signal, &info, true);
	} else if (!(psig->action[SIGCHLD - 1].flags & SA_NOCLDSTOP)) {
		queue_signal(parent, SIGCHLD, &info, true);
	}
	spin_unlock(&psig->siglock);
	if (autoreap)
		child->exit_state = EXIT_DEAD;
	wake_up_all(&parent->signal->wait_chldexit);
}

void notify_parent(struct task *child, int why, int status)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	notify_parent_locked(child, why, status);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}
