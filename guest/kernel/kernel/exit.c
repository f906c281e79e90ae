/* The end of a process (see vitro/process.h): its resources go, its children
 * go to init, it stays a zombie until its parent's wait reaps it, and the
 * wait family of system calls. */
#include <asm/unistd_64.h>
#include <linux/resource.h>
#include <linux/wait.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

struct spinlock tasklist_lock = SPINLOCK_INIT;

/* The process that adopts orphans. */
struct task *child_reaper;

static void exit_files(struct task *t)
{
	struct files_struct *files = t->files;
	unsigned long flags = task_lock(t);

	t->files = NULL;
	task_unlock(t, flags);
	if (files && !__atomic_sub_fetch(&files->count, 1, __ATOMIC_ACQ_REL)) {
		files_release(files);
		kfree(files);
	}
}

static void exit_fs(struct task *t)
{
	struct fs_struct *fs = t->fs;
	unsigned long flags = task_lock(t);

	t->fs = NULL;
	task_unlock(t, flags);
	if (fs && !__atomic_sub_fetch(&fs->users, 1, __ATOMIC_ACQ_REL)) {
		fs_struct_release(fs);
		kfree(fs);
	}
}

/* Another thread of t's process that is not exiting, or NULL (Linux's
 * find_alive_thread). tasklist_lock held. */
static struct task *find_alive_thread(struct task *t)
{
	struct task *leader = t->group_leader, *other;

	if (leader != t && !(leader->flags & PF_EXITING))
		return leader;
	list_for_each_entry(other, &leader->thread_group, thread_node)
		if (other != t && !(other->flags & PF_EXITING))
			return other;
	return NULL;
}

/* Children go to another thread of the process, as Linux's (they are still
 * the process's children), or to init, which hears of those already dead.
 * tasklist_lock held. */
static void reparent_children(struct task *t)
{
	struct task *reaper = find_alive_thread(t), *child, *next;

	if (!reaper)
		reaper = child_reaper;
	list_for_each_entry_safe(child, next, &t->children, sibling) {
		list_del(&child->sibling);
		child->real_parent = reaper;
		if (reaper && reaper != t) {
			list_add_tail(&child->sibling, &reaper->children);
			if (child->exit_state == EXIT_ZOMBIE && reaper->signal != t->signal)
				notify_parent_locked(child, CLD_EXITED, child->exit_status);
		} else {
			list_init(&child->sibling);
		}
	}
}

/* The wait(2) status's si_code. */
static int exit_why(int status)
{
	return (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
}

/* Becomes a zombie for its parent (a process's last thread), or goes at once
 * (other threads; children whose parent does not wait). tasklist_lock held.
 * Returns whether the task reaped itself. */
static bool exit_notify(struct task *t, int status)
{
	struct task *leader = t->group_leader;
	bool last = !--t->signal->nr_threads;

	reparent_children(t);
	t->exit_status = status;
	if (t != leader) {
		list_del(&t->thread_node);
		list_init(&t->thread_node);
		t->exit_state = EXIT_DEAD;
		/* The last thread out reports the process, for the leader. */
		if (last && leader->exit_state == EXIT_ZOMBIE) {
			leader->exit_status = t->signal->flags & SIGNAL_GROUP_EXIT ?
						      t->signal->group_exit_code :
						      leader->exit_status;
			notify_parent_locked(leader, exit_why(leader->exit_status),
					     leader->exit_status);
		}
		return true;
	}
	t->exit_state = EXIT_ZOMBIE;
	if (t->signal->flags & SIGNAL_GROUP_EXIT)
		t->exit_status = t->signal->group_exit_code;
	if (last)
		notify_parent_locked(t, exit_why(t->exit_status), t->exit_status);
	if (!t->real_parent) {
		t->exit_state = EXIT_DEAD; /* nobody will wait for it */
		return true;
	}
	return t->exit_state == EXIT_DEAD;
}

__noreturn void do_exit(int status)
{
	struct task *t = current;
	unsigned long flags;
	bool self_reap;

	t->flags |= PF_EXITING;
	if (t->vfork_done) {
		complete(t->vfork_done);
		t->vfork_done = NULL;
	}
	exit_files(t);
	exit_fs(t);
	if (t->thread.cr3)
		exit_mm(t); /* leaves the user page tables before they can go */
	if (!t->signal) /* a kernel thread */
		task_exit(status);

	if (t->tgid == 1 && t->signal->nr_threads == 1) {
		/* Linux panics ("Attempted to kill init!"); a VM powers off and
		 * hands init's status to whoever started it. */
		int code = status & 0x7f ? 128 + (status & 0x7f) : (status >> 8) & 0xff;

		pr_info("init exited with status %d: powering off\n", code);
		machine_exit(code);
	}
	flags = spin_lock_irqsave(&tasklist_lock);
	self_reap = exit_notify(t, status);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (self_reap)
		release_task(t);
	task_exit(status);
}

__noreturn void do_group_exit(int status)
{
	struct task *t = current;
	struct signal_struct *signal = t->signal;
	unsigned long flags;

	if (signal) {
		struct task *other;

		flags = spin_lock_irqsave(&tasklist_lock);
		spin_lock(&t->sighand->siglock);
		if (signal->flags & SIGNAL_GROUP_EXIT) {
			status = signal->group_exit_code;
		} else {
			signal->flags |= SIGNAL_GROUP_EXIT;
			signal->group_exit_code = status;
			/* Every other thread dies too. */
			if (t != t->group_leader && !t->group_leader->exit_state) {
				t->group_leader->pending.signal |= SIGMASK(SIGKILL);
				if (!try_to_wake_up(t->group_leader,
						    TASK_INTERRUPTIBLE | TASK_STOPPED))
					kick_process(t->group_leader);
			}
			list_for_each_entry(other, &t->group_leader->thread_group, thread_node) {
				if (other == t)
					continue;
				other->pending.signal |= SIGMASK(SIGKILL);
				if (!try_to_wake_up(other, TASK_INTERRUPTIBLE | TASK_STOPPED))
					kick_process(other);
			}
		}
		spin_unlock(&t->sighand->siglock);
		spin_unlock_irqrestore(&tasklist_lock, flags);
	}
	do_exit(status);
}

/* A reaped (or self-reaped) process's last parts; the task itself goes with
 * its last reference. */
void release_task(struct task *t)
{
	struct sighand_struct *sighand;
	struct signal_struct *signal;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	if (!list_empty(&t->sibling)) {
		list_del(&t->sibling);
		list_init(&t->sibling);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	sigpending_flush(&t->pending);
	flags = task_lock(t);
	sighand = t->sighand;
	signal = t->signal;
	t->sighand = NULL;
	t->signal = NULL;
	task_unlock(t, flags);
	sighand_put(sighand);
	signal_struct_put(signal);
	task_put(t); /* the reference the parent held for reaping */
}

__noreturn void force_fatal_signal(int sig, int si_code, uint64_t addr,
				   const struct trap_frame *frame)
{
	struct task *t = current;

	if (sig == SIGSEGV)
		pr_info("%s[%d]: segfault at %llx ip %016llx sp %016llx error %llx code %d\n",
			t->comm, t->pid, (unsigned long long)addr, (unsigned long long)frame->rip,
			(unsigned long long)frame->rsp, (unsigned long long)frame->error_code,
			si_code);
	else
		pr_info("%s[%d]: killed by signal %d at ip %016llx sp %016llx\n", t->comm, t->pid,
			sig, (unsigned long long)frame->rip, (unsigned long long)frame->rsp);
	do_group_exit(EXIT_STATUS_SIGNAL(sig));
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit(EXIT_STATUS_CODE(code));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_group_exit(EXIT_STATUS_CODE(code));
}

/* --- wait ------------------------------------------------------------------------- */

struct wait_opts {
	int type; /* P_PID, P_PGID, P_ALL */
	int id;
	int options; /* WNOHANG, WEXITED, WSTOPPED, WCONTINUED, WNOWAIT */
	/* results */
	int pid, status, why;
	uint64_t runtime_ns; /* the child's CPU time and its waited-for children's */
};

static bool wait_matches(const struct wait_opts *wo, const struct task *child)
{
	switch (wo->type) {
	case P_PID:
		return child->tgid == wo->id;
	case P_PGID:
		return child->signal && child->signal->pgrp == wo->id;
	default:
		return true;
	}
}

/* What child has to report, if anything. tasklist_lock held. */
static bool wait_consider(struct wait_opts *wo, struct task *child, bool *reap)
{
	struct signal_struct *signal = child->signal;

	*reap = false;
	if (child->exit_state == EXIT_ZOMBIE && signal && !signal->nr_threads) {
		if (!(wo->options & WEXITED))
			return false;
		wo->pid = child->tgid;
		wo->status = child->exit_status;
		wo->why = exit_why(child->exit_status);
		*reap = !(wo->options & WNOWAIT);
		return true;
	}
	if (!signal || child->exit_state)
		return false;
	if ((wo->options & WSTOPPED) && (signal->flags & SIGNAL_STOPPED) &&
	    !(signal->flags & SIGNAL_STOP_REPORTED)) {
		wo->pid = child->tgid;
		wo->status = (signal->stop_signal << 8) | 0x7f;
		wo->why = CLD_STOPPED;
		if (!(wo->options & WNOWAIT))
			signal->flags |= SIGNAL_STOP_REPORTED;
		return true;
	}
	if ((wo->options & WCONTINUED) && (signal->flags & SIGNAL_STOP_CONTINUED)) {
		wo->pid = child->tgid;
		wo->status = 0xffff;
		wo->why = CLD_CONTINUED;
		if (!(wo->options & WNOWAIT))
			signal->flags &= ~SIGNAL_STOP_CONTINUED;
		return true;
	}
	return false;
}

/* The thread after thread in its process (the leader first, then the rest
 * of leader->thread_group), or NULL. tasklist_lock held. */
static struct task *next_thread(struct task *leader, struct task *thread)
{
	struct list_head *next =
		thread == leader ? leader->thread_group.next : thread->thread_node.next;

	return next == &leader->thread_group ? NULL : list_entry(next, struct task, thread_node);
}

/* Children of every thread of the process count (of the caller's alone
 * with __WNOTHREAD). Returns a pid, 0 (WNOHANG, nothing yet), -ECHILD or
 * -ERESTARTSYS. */
static long do_wait(struct wait_opts *wo)
{
	struct task *t = current, *leader = t->group_leader;
	struct wait_queue_entry wait;
	long ret;

	wait_queue_entry_init(&wait);
	for (;;) {
		struct task *thread, *child, *found = NULL;
		bool any = false, reap = false;
		unsigned long flags;

		prepare_to_wait(&t->signal->wait_chldexit, &wait, TASK_INTERRUPTIBLE);
		flags = spin_lock_irqsave(&tasklist_lock);
		for (thread = wo->options & __WNOTHREAD ? t : leader; thread && !found;
		     thread = wo->options & __WNOTHREAD ? NULL : next_thread(leader, thread)) {
			list_for_each_entry(child, &thread->children, sibling) {
				if (!wait_matches(wo, child))
					continue;
				any = true;
				if (wait_consider(wo, child, &reap)) {
					found = child;
					break;
				}
			}
		}
		if (found)
			wo->runtime_ns = task_sched_runtime(found) +
					 (found->signal ? found->signal->cutime_ns : 0);
		if (found && reap) {
			found->exit_state = EXIT_DEAD;
			t->signal->cutime_ns += task_sched_runtime(found);
		}
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (found) {
			finish_wait(&t->signal->wait_chldexit, &wait);
			if (reap)
				release_task(found);
			return wo->pid;
		}
		if (!any) {
			ret = -ECHILD;
			break;
		}
		if (wo->options & WNOHANG) {
			ret = 0;
			break;
		}
		if (signal_pending(t)) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&t->signal->wait_chldexit, &wait);
	return ret;
}

/* The waited-for child's usage, as getrusage's: CPU time is not split
 * between user and kernel mode yet, so all of it is user time. */
static int put_child_rusage(uint64_t urusage, const struct wait_opts *wo)
{
	struct rusage ru;

	memset(&ru, 0, sizeof(ru));
	ru.ru_utime.tv_sec = (long)(wo->runtime_ns / NSEC_PER_SEC);
	ru.ru_utime.tv_usec = (long)(wo->runtime_ns % NSEC_PER_SEC / 1000);
	return copy_to_user(urusage, &ru, sizeof(ru)) ? -EFAULT : 0;
}

SYSCALL_DEFINE4(wait4, int, pid, uint64_t, ustatus, int, options, uint64_t, urusage)
{
	struct wait_opts wo = {
		.options = (options & (WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD)) | WEXITED
	};
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid == -1) {
		wo.type = P_ALL;
	} else if (pid < 0) {
		wo.type = P_PGID;
		wo.id = -pid;
	} else if (pid == 0) {
		wo.type = P_PGID;
		wo.id = current->signal->pgrp;
	} else {
		wo.type = P_PID;
		wo.id = pid;
	}
	if (options & WUNTRACED)
		wo.options |= WSTOPPED;
	ret = do_wait(&wo);
	if (ret > 0) {
		if (ustatus && put_user(wo.status, (int *)ustatus))
			return -EFAULT;
		if (urusage && put_child_rusage(urusage, &wo))
			return -EFAULT;
	}
	return ret;
}

SYSCALL_DEFINE5(waitid, int, which, int, id, uint64_t, uinfo, int, options, uint64_t, urusage)
{
	struct wait_opts wo = { .options = options, .id = id };
	long ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL:
		wo.type = P_ALL;
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		wo.type = P_PID;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		wo.type = P_PGID;
		if (!id)
			wo.id = current->signal->pgrp;
		break;
	default:
		return -EINVAL;
	}
	ret = do_wait(&wo);
	if (ret < 0)
		return ret;
	if (uinfo) {
		siginfo_t info;

		memset(&info, 0, sizeof(info));
		if (ret > 0) {
			info.si_signo = SIGCHLD;
			info.si_code = wo.why;
			info.si_pid = wo.pid;
			info.si_uid = 0;
			info.si_status = wo.why == CLD_EXITED	 ? (wo.status >> 8) & 0xff :
					 wo.why == CLD_STOPPED	 ? (wo.status >> 8) & 0xff :
					 wo.why == CLD_CONTINUED ? SIGCONT :
								   wo.status & 0x7f;
		}
		if (copy_to_user(uinfo, &info, sizeof(info)))
			return -EFAULT;
	}
	if (urusage && put_child_rusage(urusage, &wo))
		return -EFAULT;
	return 0;
}
