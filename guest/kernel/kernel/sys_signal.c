/* The signal system calls: actions, masks, pending sets, waiting for a
 * signal, the alternate stack, and sending (kill, tkill, tgkill). */
#include <vitro/errno.h>
#include <vitro/process.h>
#include <vitro/signal.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#define SIGSET_SIZE 8 /* what user space must pass as sigsetsize */

SYSCALL_DEFINE4(rt_sigaction, int, sig, uint64_t, uact, uint64_t, uoact, size_t, sigsetsize)
{
	struct task *t = current;
	struct k_sigaction new_ka, old_ka;
	unsigned long flags;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (sig < 1 || sig > NSIGNALS)
		return -EINVAL;
	if (uact && copy_from_user(&new_ka, uact, sizeof(new_ka)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	flags = spin_lock_irqsave(&t->sighand->siglock);
	old_ka = t->sighand->action[sig - 1];
	if (uact) {
		new_ka.mask &= ~SIG_KERNEL_ONLY_MASK;
		t->sighand->action[sig - 1] = new_ka;
	}
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	/* Setting SIG_IGN discards what is pending (POSIX); so does SIG_DFL
	 * for a signal whose default is to be ignored. */
	if (uact && (new_ka.handler == (uint64_t)SIG_IGN ||
		     (new_ka.handler == (uint64_t)SIG_DFL &&
		      (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH))))
		discard_pending_signal(t, sig);
	if (uoact && copy_to_user(uoact, &old_ka, sizeof(old_ka)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, uint64_t, uset, uint64_t, uoset, size_t, sigsetsize)
{
	struct task *t = current;
	ksigset_t set, old = t->blocked;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			set_current_blocked(old | set);
			break;
		case SIG_UNBLOCK:
			set_current_blocked(old & ~set);
			break;
		case SIG_SETMASK:
			set_current_blocked(set);
			break;
		default:
			return -EINVAL;
		}
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, uint64_t, uset, size_t, sigsetsize)
{
	struct task *t = current;
	ksigset_t set;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	set = (t->pending.signal | t->signal->shared_pending.signal) & t->blocked;
	return copy_to_user(uset, &set, sizeof(set)) ? -EFAULT : 0;
}

/* Sleeps until a signal is pending; the caller returns -ERESTARTNOHAND so
 * the handler runs and the call reports EINTR. */
static void sleep_until_signal(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

SYSCALL_DEFINE2(rt_sigsuspend, uint64_t, uset, size_t, sigsetsize)
{
	struct task *t = current;
	ksigset_t set;

	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	t->saved_sigmask = t->blocked;
	t->restore_sigmask = true;
	set_current_blocked(set);
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE0(pause)
{
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE0(restart_syscall)
{
	struct restart_block *restart = &current->restart_block;
	long (*fn)(struct restart_block *) = restart->fn;

	restart->fn = NULL;
	return fn ? fn(restart) : -EINTR;
}

SYSCALL_DEFINE2(sigaltstack, uint64_t, uss, uint64_t, uoss)
{
	struct task *t = current;
	uint64_t sp = current_syscall_frame()->rsp;
	bool on_stack = t->sas_ss_size && sp - t->sas_ss_sp <= t->sas_ss_size;
	stack_t ss, old = {
		.ss_sp = (void *)t->sas_ss_sp,
		.ss_size = t->sas_ss_size,
		.ss_flags = !t->sas_ss_size ? SS_DISABLE :
			    on_stack	    ? SS_ONSTACK :
					      0,
	};

	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		if (on_stack)
			return -EPERM;
		if (ss.ss_flags & ~(SS_DISABLE | SS_ONSTACK | SS_AUTODISARM))
			return -EINVAL;
		if (ss.ss_flags & SS_DISABLE) {
			t->sas_ss_sp = 0;
			t->sas_ss_size = 0;
		} else {
			if (ss.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			t->sas_ss_sp = (uint64_t)ss.ss_sp;
			t->sas_ss_size = ss.ss_size;
		}
		t->sas_ss_flags = ss.ss_flags;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

struct kill_all {
	int sig, found, err;
	int self_tgid;
};

static bool kill_every_process(struct task *t, void *arg)
{
	struct kill_all *k = arg;
	int err;

	/* kill(-1): every process but init and the caller. */
	if (!t->signal || t->group_leader != t || t->exit_state || t->tgid == 1 ||
	    t->tgid == k->self_tgid)
		return true;
	err = k->sig ? send_signal_to_process(t, k->sig, NULL) : 0;
	if (err)
		k->err = err;
	else
		k->found++;
	return true;
}

/* The process pid, referenced, or NULL (ESRCH): a zombie still counts. */
static struct task *process_for_signal(int pid)
{
	struct task *t = find_task_by_pid(pid);

	if (t && ((!t->signal && !t->exit_state) || t->exit_state == EXIT_DEAD)) {
		task_put(t);
		t = NULL;
	}
	return t;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct task *t;
	int rc;

	if (pid > 0) {
		/* Linux looks the process up before it checks the signal. */
		t = process_for_signal(pid);
		if (!t)
			return -ESRCH;
		if (sig < 0 || sig > NSIGNALS) {
			task_put(t);
			return -EINVAL;
		}
		/* A zombie still has its pid: the signal is accepted and has no
		 * effect, as on Linux. */
		rc = sig && !t->exit_state ? send_signal_to_process(t, sig, NULL) : 0;
		task_put(t);
		return rc;
	}
	if (sig < 0 || sig > NSIGNALS)
		return -EINVAL;
	if (pid == 0)
		return kill_pgrp(current->signal->pgrp, sig, NULL);
	if (pid == -1) {
		struct kill_all k = { .sig = sig, .self_tgid = current->tgid };

		for_each_task(kill_every_process, &k);
		return k.found ? 0 : (k.err ? k.err : -ESRCH);
	}
	return kill_pgrp(-pid, sig, NULL);
}

static long kill_thread(int tgid, int tid, int sig)
{
	struct task *t;
	int rc;

	if (tid <= 0 || sig < 0 || sig > NSIGNALS)
		return -EINVAL;
	t = find_task_by_pid(tid);
	if (!t || !t->signal || t->exit_state || (tgid > 0 && t->tgid != tgid)) {
		if (t)
			task_put(t);
		return -ESRCH;
	}
	rc = sig ? send_signal_to_task(t, sig, NULL) : 0;
	task_put(t);
	return rc;
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return kill_thread(tgid, tid, sig);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	return kill_thread(0, tid, sig);
}

/* sigqueue(3)'s calls: a signal with the caller's siginfo (its value), to a
 * process or one of its threads. As Linux: only to itself may a caller
 * claim the kernel's or kill()'s codes (si_code >= 0, SI_TKILL). */
static long queue_info(int tgid, int tid, int sig, uint64_t uinfo)
{
	siginfo_t info;
	struct task *t;
	long rc;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	if ((info.si_code >= 0 || info.si_code == SI_TKILL) &&
	    (tid ? tid != current->pid : tgid != current->tgid))
		return -EPERM;
	if (tgid <= 0 || (tid && tid <= 0) || sig < 0 || sig > NSIGNALS)
		return -EINVAL;
	info.si_signo = sig;
	t = tid ? find_task_by_pid(tid) : process_for_signal(tgid);
	if (!t || (tid && (!t->signal || t->exit_state || t->tgid != tgid))) {
		if (t)
			task_put(t);
		return -ESRCH;
	}
	rc = !sig || t->exit_state ? 0 :
	     tid		   ? send_signal_to_task(t, sig, &info) :
				     send_signal_to_process(t, sig, &info);
	task_put(t);
	return rc;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, tgid, int, sig, uint64_t, uinfo)
{
	return queue_info(tgid, 0, sig, uinfo);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig, uint64_t, uinfo)
{
	return queue_info(tgid, tid, sig, uinfo);
}
