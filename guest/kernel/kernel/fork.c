/* New processes and threads: clone(2) with the flag combinations musl and
 * glibc use, fork and vfork. The child is a task whose kernel stack holds a
 * copy of the parent's user registers (RAX = 0) and which starts by returning
 * to user mode. */
#include <linux/resource.h>
#include <linux/sched.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mm_user.h>
#include <vitro/process.h>
#include <vitro/rseq.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/uaccess.h>

/* Flags accepted; the rest give EINVAL. CLONE_SYSVSEM is accepted (no System
 * V semaphores to share yet), CLONE_DETACHED is ignored as on Linux. */
#define CLONE_SUPPORTED                                                                   \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |     \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
	 CLONE_VFORK | CLONE_SYSVSEM | CLONE_PARENT | CLONE_DETACHED)

/* Where a new process or thread starts: in the kernel, on its own stack, with
 * its user registers at the top. */
static int child_start(void *unused)
{
	struct task *t = current;

	(void)unused;
	if (t->set_child_tid)
		put_user(t->pid, (int *)t->set_child_tid);
	arch_load_user_state(t);
	ret_to_user(task_user_frame(t));
}

static int copy_files(struct task *child, uint64_t flags)
{
	struct files_struct *files;

	if (flags & CLONE_FILES) {
		__atomic_add_fetch(&current->files->count, 1, __ATOMIC_RELAXED);
		child->files = current->files;
		return 0;
	}
	files = kzalloc(sizeof(*files), GFP_KERNEL);
	if (!files)
		return -ENOMEM;
	if (files_copy(files, current->files)) {
		kfree(files);
		return -ENOMEM;
	}
	files->count = 1;
	child->files = files;
	return 0;
}

static int copy_fs(struct task *child, uint64_t flags)
{
	struct fs_struct *fs;

	if (flags & CLONE_FS) {
		__atomic_add_fetch(&current->fs->users, 1, __ATOMIC_RELAXED);
		child->fs = current->fs;
		return 0;
	}
	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	if (!fs)
		return -ENOMEM;
	fs_struct_copy(fs, current->fs);
	fs->users = 1;
	fs->umask = current->fs->umask;
	child->fs = fs;
	return 0;
}

static int copy_sighand(struct task *child, uint64_t flags)
{
	struct sighand_struct *sighand;
	unsigned long irq;

	if (flags & CLONE_SIGHAND) {
		__atomic_add_fetch(&current->sighand->count, 1, __ATOMIC_RELAXED);
		child->sighand = current->sighand;
		return 0;
	}
	sighand = sighand_alloc();
	if (!sighand)
		return -ENOMEM;
	irq = spin_lock_irqsave(&current->sighand->siglock);
	memcpy(sighand->action, current->sighand->action, sizeof(sighand->action));
	spin_unlock_irqrestore(&current->sighand->siglock, irq);
	child->sighand = sighand;
	return 0;
}

static int copy_signal(struct task *child, uint64_t flags)
{
	struct signal_struct *sig;

	if (flags & CLONE_THREAD) {
		__atomic_add_fetch(&current->signal->count, 1, __ATOMIC_RELAXED);
		child->signal = current->signal;
		return 0;
	}
	sig = signal_struct_alloc();
	if (!sig)
		return -ENOMEM;
	memcpy(sig->rlim, current->signal->rlim, sizeof(sig->rlim));
	sig->pgrp = current->signal->pgrp;
	sig->session = current->signal->session;
	sig->tty = current->signal->tty;
	sig->leader = child;
	child->signal = sig;
	return 0;
}

static int copy_mm(struct task *child, uint64_t flags)
{
	struct mm_struct *mm = current->mm;

	if (flags & CLONE_VM) {
		mmget(mm);
		child->mm = mm;
	} else {
		mutex_lock(&mm->mmap_lock);
		child->mm = mm_dup(mm);
		mutex_unlock(&mm->mmap_lock);
		if (!child->mm)
			return -ENOMEM;
	}
	child->thread.cr3 = child->mm->pgtable.root_phys;
	return 0;
}

/* What a half-built child holds goes back. */
static void free_child(struct task *child)
{
	/* The child is on the task list: /proc may look at it meanwhile. */
	unsigned long flags = task_lock(child);
	struct mm_struct *mm = child->mm;
	struct files_struct *files = child->files;
	struct fs_struct *fs = child->fs;
	struct sighand_struct *sighand = child->sighand;
	struct signal_struct *signal = child->signal;

	child->mm = NULL;
	child->files = NULL;
	child->fs = NULL;
	child->sighand = NULL;
	child->signal = NULL;
	task_unlock(child, flags);
	child->thread.cr3 = 0;
	if (mm)
		mmput(mm);
	if (files && !__atomic_sub_fetch(&files->count, 1, __ATOMIC_ACQ_REL)) {
		files_release(files);
		kfree(files);
	}
	if (fs && !__atomic_sub_fetch(&fs->users, 1, __ATOMIC_ACQ_REL)) {
		fs_struct_release(fs);
		kfree(fs);
	}
	sighand_put(sighand);
	signal_struct_put(signal);
	/* Never woken: stopping it ends it without running a line. */
	kthread_stop(child);
}

static void link_child(struct task *child, uint64_t flags)
{
	struct task *parent = current;
	unsigned long irq = spin_lock_irqsave(&tasklist_lock);

	list_init(&child->children);
	list_init(&child->thread_group);
	list_init(&child->thread_node);
	if (flags & CLONE_THREAD) {
		child->tgid = parent->tgid;
		child->group_leader = parent->group_leader;
		child->real_parent = parent->real_parent;
		child->exit_signal = -1;
		list_add_tail(&child->thread_node, &parent->group_leader->thread_group);
		list_init(&child->sibling);
		child->signal->nr_threads++;
	} else {
		child->tgid = child->pid;
		child->group_leader = child;
		child->real_parent =
			(flags & CLONE_PARENT) ? parent->group_leader->real_parent : parent;
		child->exit_signal = (int)(flags & CSIGNAL);
		if (child->real_parent)
			list_add_tail(&child->sibling, &child->real_parent->children);
		else
			list_init(&child->sibling);
	}
	spin_unlock_irqrestore(&tasklist_lock, irq);
}

struct user_count {
	uint32_t uid;
	uint64_t n;
};

static bool count_user_task(struct task *t, void *arg)
{
	struct user_count *c = arg;

	if (t->signal && !t->exit_state && t->uid == c->uid)
		c->n++;
	return true;
}

/* RLIMIT_NPROC: tasks of the caller's real user, root exempt as on Linux. */
static bool over_nproc_limit(void)
{
	struct user_count c = { .uid = current->uid };

	if (!current->uid)
		return false;
	for_each_task(count_user_task, &c);
	return c.n >= current->signal->rlim[RLIMIT_NPROC].cur;
}

long do_clone(uint64_t flags, uint64_t newsp, uint64_t parent_tid, uint64_t child_tid, uint64_t tls)
{
	struct task *parent = current, *child;
	struct completion vfork_done;
	struct trap_frame *frame;
	int err, pid;

	if (flags & ~CLONE_SUPPORTED)
		return -EINVAL;
	/* Threads share actions; shared actions need a shared address space. */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && (flags & CSIGNAL))
		return -EINVAL;
	if (!parent->mm || !parent->signal)
		return -EINVAL;
	if (over_nproc_limit())
		return -EAGAIN;

	child = kthread_create(child_start, NULL, parent->comm);
	if (!child)
		return -ENOMEM;
	child->flags = 0;
	child->start_time_ns = ktime_get_ns();
	child->thread.fpu = fpu_state_alloc();
	err = child->thread.fpu ? 0 : -ENOMEM;
	if (!err)
		err = copy_files(child, flags);
	if (!err)
		err = copy_fs(child, flags);
	if (!err)
		err = copy_sighand(child, flags);
	if (!err)
		err = copy_signal(child, flags);
	if (!err)
		err = copy_mm(child, flags);
	if (err) {
		free_child(child);
		return err;
	}
	/* The parent's live FPU registers are its current state. */
	fpu_save_live(child->thread.fpu);
	child->thread.fsbase = (flags & CLONE_SETTLS) ? tls : parent->thread.fsbase;
	child->thread.gsbase = parent->thread.gsbase;
	child->blocked = parent->blocked;
	sigpending_init(&child->pending);
	if (!(flags & CLONE_VM) || (flags & CLONE_VFORK)) {
		child->sas_ss_sp = parent->sas_ss_sp;
		child->sas_ss_size = parent->sas_ss_size;
		child->sas_ss_flags = parent->sas_ss_flags;
	}
	child->uid = parent->uid;
	child->euid = parent->euid;
	child->suid = parent->suid;
	child->fsuid = parent->fsuid;
	child->gid = parent->gid;
	child->egid = parent->egid;
	child->sgid = parent->sgid;
	child->fsgid = parent->fsgid;
	child->set_child_tid = (flags & CLONE_CHILD_SETTID) ? child_tid : 0;
	child->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? child_tid : 0;
	rseq_fork(child, parent, flags);
	child->ioprio = parent->ioprio;

	frame = task_user_frame(child);
	*frame = *current_syscall_frame();
	frame->rax = 0;
	frame->error_code = (uint64_t)-1;
	if (newsp)
		frame->rsp = newsp;

	pid = child->pid;
	if ((flags & CLONE_PARENT_SETTID) && put_user(pid, (int *)parent_tid)) {
		free_child(child);
		return -EFAULT;
	}
	link_child(child, flags);
	if (flags & CLONE_VFORK) {
		completion_init(&vfork_done);
		child->vfork_done = &vfork_done;
	}
	/* The child's task reference stays with the tree until it is reaped. */
	wake_up_new_task(child);
	if (flags & CLONE_VFORK)
		wait_for_completion(&vfork_done);
	return pid;
}

SYSCALL_DEFINE0(fork)
{
	return do_clone(SIGCHLD, 0, 0, 0, 0);
}

SYSCALL_DEFINE0(vfork)
{
	return do_clone(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0);
}

/* x86-64's argument order: flags, stack, parent_tid, child_tid, tls. */
SYSCALL_DEFINE5(clone, uint64_t, flags, uint64_t, newsp, uint64_t, parent_tid, uint64_t, child_tid,
		uint64_t, tls)
{
	return do_clone(flags, newsp, parent_tid, child_tid, tls);
}
