/* procfs's view of tasks: which ones /proc shows, their process and thread
 * ids in order, the snapshot stat and status print, and the return
 * addresses on a sleeping task's kernel stack (stack, wchan). */
#include <linux/resource.h>
#include <vitro/kallsyms.h>
#include <vitro/mm_user.h>
#include <vitro/process.h>
#include <vitro/sched_stats.h>
#include <vitro/string.h>
#include <vitro/task.h>
#include <vitro/tty.h>

#include "internal.h"

/* The console, the only terminal: /dev/console, 5:1, as Linux's
 * new_encode_dev() packs it for stat's tty_nr. */
#define CONSOLE_TTY_NR ((5u << 8) | 1u)

int proc_tgid_of(const struct task *t)
{
	return t->tgid ? t->tgid : t->pid;
}

/* Reaped tasks and kernel threads that ended linger until their last
 * reference goes; zombies are still shown, as on Linux. */
static bool is_visible(const struct task *t)
{
	if (t->is_idle || t->exit_state == EXIT_DEAD)
		return false;
	return t->exit_state || READ_ONCE(t->state) != TASK_DEAD;
}

struct probe {
	int pid;
	int tgid;
	bool found;
	void (*fn)(struct task *t, void *arg);
	void *arg;
};

static bool probe_one(struct task *t, void *arg)
{
	struct probe *p = arg;

	if (t->pid != p->pid)
		return true;
	p->found = is_visible(t);
	p->tgid = proc_tgid_of(t);
	if (p->found && p->fn)
		p->fn(t, p->arg);
	return false;
}

bool proc_task_call(int pid, void (*fn)(struct task *t, void *arg), void *arg)
{
	struct probe p = { .pid = pid, .fn = fn, .arg = arg };

	if (pid <= 0)
		return false;
	for_each_task(probe_one, &p);
	return p.found;
}

bool proc_task_exists(int pid, int *tgid)
{
	struct probe p = { .pid = pid };

	if (pid <= 0)
		return false;
	for_each_task(probe_one, &p);
	if (p.found && tgid)
		*tgid = p.tgid;
	return p.found;
}

struct task *proc_get_task(int pid)
{
	struct task *t = pid > 0 ? find_task_by_pid(pid) : NULL;

	if (t && !is_visible(t)) {
		task_put(t);
		t = NULL;
	}
	return t;
}

/* The max smallest ids from first up that match, kept sorted. */
struct id_list {
	int first;
	int tgid; /* 0: process ids (leaders); else the threads of this process */
	int *ids;
	unsigned int max, nr;
};

static bool collect_id(struct task *t, void *arg)
{
	struct id_list *l = arg;
	int id = t->pid;
	unsigned int i;

	if (!is_visible(t) || id < l->first)
		return true;
	if (l->tgid ? proc_tgid_of(t) != l->tgid : proc_tgid_of(t) != id)
		return true;
	if (l->nr == l->max && id > l->ids[l->nr - 1])
		return true;
	for (i = l->nr; i > 0 && l->ids[i - 1] > id; i--)
		if (i < l->max)
			l->ids[i] = l->ids[i - 1];
	if (i < l->max)
		l->ids[i] = id;
	if (l->nr < l->max)
		l->nr++;
	return true;
}

unsigned int proc_list_tgids(int first, int *tgids, unsigned int max)
{
	struct id_list l = { .first = first, .ids = tgids, .max = max };

	for_each_task(collect_id, &l);
	return l.nr;
}

unsigned int proc_list_tids(int tgid, int first, int *tids, unsigned int max)
{
	struct id_list l = { .first = first, .tgid = tgid, .ids = tids, .max = max };

	for_each_task(collect_id, &l);
	return l.nr;
}

/* --- the snapshot ----------------------------------------------------------- */

static char state_letter(const struct task *t)
{
	unsigned int state = READ_ONCE(t->state);

	if (t->exit_state == EXIT_ZOMBIE)
		return 'Z';
	if (t->exit_state == EXIT_DEAD || state == TASK_DEAD)
		return 'X';
	if (state & TASK_STOPPED)
		return 'T';
	if (state & TASK_UNINTERRUPTIBLE)
		return 'D';
	if (state & TASK_INTERRUPTIBLE)
		return 'S';
	return 'R';
}

/* Linux's task_prio(): 0..39 for nice -20..19, below 0 for real time. */
static int task_priority(const struct task *t)
{
	switch (t->sched.policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return -1 - (int)t->sched.rt_priority;
	case SCHED_DEADLINE:
		return -101;
	default:
		return 20 + t->sched.nice;
	}
}

static void fill_mm(struct mm_struct *mm, struct proc_mm_info *info)
{
	mutex_lock(&mm->mmap_lock);
	*info = (struct proc_mm_info){
		.total_vm = mm->total_vm,
		.hiwater_vm = mm->hiwater_vm,
		.rss_anon = get_mm_counter(mm, MM_ANONPAGES),
		.rss_file = get_mm_counter(mm, MM_FILEPAGES),
		.rss_shmem = get_mm_counter(mm, MM_SHMEMPAGES),
		.hiwater_rss = mm->hiwater_rss,
		.data_vm = mm->data_vm,
		.stack_vm = mm->stack_vm,
		.exec_vm = mm->exec_vm,
		.start_code = mm->start_code,
		.end_code = mm->end_code,
		.start_data = mm->start_data,
		.end_data = mm->end_data,
		.start_brk = mm->start_brk,
		.brk = mm->brk,
		.start_stack = mm->start_stack,
		.arg_start = mm->arg_start,
		.arg_end = mm->arg_end,
		.env_start = mm->env_start,
		.env_end = mm->env_end,
	};
	mutex_unlock(&mm->mmap_lock);
}

static unsigned int count_queued(const struct sigpending *pending)
{
	const struct sigqueue *q;
	unsigned int n = 0;

	list_for_each_entry(q, &pending->list, list)
		n++;
	return n;
}

/* What hangs off signal and sighand, which task_lock keeps alive. */
static void fill_signals(struct task *t, struct proc_task_info *ti)
{
	unsigned long flags = task_lock(t);
	struct signal_struct *sig = t->signal;
	struct sighand_struct *sighand = t->sighand;

	ti->sig_blocked = t->blocked;
	if (sig) {
		const struct n_tty *tty = sig->tty;

		ti->pgrp = sig->pgrp;
		ti->session = sig->session;
		ti->nr_threads = sig->nr_threads;
		ti->tty_nr = tty ? CONSOLE_TTY_NR : 0;
		ti->tty_pgrp = tty && tty->pgrp ? tty->pgrp : -1;
		ti->rss_limit_bytes = sig->rlim[RLIMIT_RSS].cur;
		ti->sig_queue_limit = sig->rlim[RLIMIT_SIGPENDING].cur;
		ti->cutime_ns = sig->cutime_ns;
		ti->cstime_ns = sig->cstime_ns;
	} else {
		ti->nr_threads = 1;
		ti->tty_pgrp = -1;
		ti->rss_limit_bytes = RLIM64_INFINITY;
	}
	if (sighand) {
		spin_lock(&sighand->siglock);
		ti->sig_pending = t->pending.signal;
		ti->sig_queued = count_queued(&t->pending);
		if (sig) {
			ti->sig_shared_pending = sig->shared_pending.signal;
			ti->sig_queued += count_queued(&sig->shared_pending);
		}
		for (unsigned int i = 0; i < NSIGNALS; i++) {
			uint64_t handler = sighand->action[i].handler;

			if (handler == 1) /* SIG_IGN */
				ti->sig_ignored |= 1ull << i;
			else if (handler > 1)
				ti->sig_caught |= 1ull << i;
		}
		spin_unlock(&sighand->siglock);
	}
	ti->umask = t->fs ? (int)t->fs->umask : -1;
	ti->fd_slots = t->files ? t->files->nr_slots : 0;
	task_unlock(t, flags);
}

/* The parent's process id, and for a process the times of all its threads
 * (threads that have exited are not counted: there is no per-process
 * total of them yet). */
static void fill_tree(struct task *t, bool whole_process, struct proc_task_info *ti)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	const struct task *parent = t->real_parent;
	struct task *leader = t->group_leader;

	ti->ppid = parent ? proc_tgid_of(parent) : 0;
	task_cputime(t, &ti->utime_ns, &ti->stime_ns);
	if (whole_process && leader == t) {
		struct task *thread;

		list_for_each_entry(thread, &t->thread_group, thread_node) {
			uint64_t utime, stime;

			task_cputime(thread, &utime, &stime);
			ti->utime_ns += utime;
			ti->stime_ns += stime;
			ti->nvcsw += thread->nvcsw;
			ti->nivcsw += thread->nivcsw;
		}
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void proc_task_info_fill(struct task *t, bool whole_process, struct proc_task_info *ti)
{
	struct mm_struct *mm;
	unsigned int cpu;

	memset(ti, 0, sizeof(*ti));
	ti->pid = t->pid;
	ti->tgid = proc_tgid_of(t);
	memcpy(ti->comm, t->comm, sizeof(ti->comm));
	ti->comm[sizeof(ti->comm) - 1] = '\0';
	ti->state = state_letter(t);
	ti->flags = t->flags;
	ti->priority = task_priority(t);
	ti->nice = t->sched.nice;
	ti->rt_priority = t->sched.rt_priority;
	ti->policy = t->sched.policy;
	ti->start_time_ns = t->start_time_ns;
	ti->is_blocked_in_kernel = ti->state != 'R' && !READ_ONCE(t->on_cpu) && !t->exit_state;
	ti->exit_signal = t->exit_signal;
	ti->cpu = READ_ONCE(t->cpu);
	ti->exit_code = t->exit_state ? t->exit_status : 0;
	ti->uid[0] = t->uid, ti->uid[1] = t->euid, ti->uid[2] = t->suid, ti->uid[3] = t->fsuid;
	ti->gid[0] = t->gid, ti->gid[1] = t->egid, ti->gid[2] = t->sgid, ti->gid[3] = t->fsgid;
	ti->nvcsw = t->nvcsw;
	ti->nivcsw = t->nivcsw;
	memcpy(ti->cpus_allowed, t->cpus_allowed.bits, sizeof(ti->cpus_allowed));
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpumask_test_cpu(cpu, &cpu_sched_online))
			ti->nr_cpu_ids = cpu + 1;
	fill_signals(t, ti);
	fill_tree(t, whole_process, ti);
	mm = get_task_mm(t);
	if (mm) {
		ti->has_mm = true;
		fill_mm(mm, &ti->mm);
		mmput(mm);
	}
}

/* --- kernel stacks ---------------------------------------------------------- */

/* Linux leaves the scheduler's own functions out of stack and wchan. */
static bool is_sched_function(uint64_t addr)
{
	static const char *const prefixes[] = {
		"schedule",  "__schedule", "preempt_schedule",	  "io_schedule",
		"switch_to", "yield",	   "wait_for_completion", "completion_wait"
	};
	const char *name = kallsyms_lookup(addr, NULL, NULL);

	if (!name)
		return false;
	for (unsigned int i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * A task switched out has its callee-saved registers on its stack, as
 * switch_to_asm pushed them: r15 at kernel_rsp, then r14, r13, r12, rbx, rbp,
 * and the return address into __schedule. From the saved rbp the frame
 * records chain outwards. Every read stays inside the stack's own pages (the
 * reference held keeps them), so a task that starts running meanwhile gives
 * a wrong list, never a fault; it is then thrown away.
 */
unsigned int proc_task_stack(struct task *t, uint64_t *entries, unsigned int max)
{
	uint64_t lo = (uint64_t)t->stack, hi = lo + KERNEL_STACK_SIZE;
	uint64_t sp = READ_ONCE(t->kernel_rsp), rbp, ret;
	unsigned int nr = 0, depth;

	if (!t->stack || t == current || READ_ONCE(t->on_cpu) ||
	    READ_ONCE(t->state) == TASK_RUNNING)
		return 0;
	if (sp < lo || sp + 7 * 8 > hi)
		return 0;
	rbp = ((const uint64_t *)sp)[5];
	ret = ((const uint64_t *)sp)[6];
	for (depth = 0; depth < 64 && nr < max; depth++) {
		uint64_t next;

		/* The return address less one is the call, in its function. */
		if (ret && !is_sched_function(ret - 1))
			entries[nr++] = ret;
		if (!rbp || (rbp & 7) || rbp < lo || rbp + 16 > hi)
			break;
		next = ((const uint64_t *)rbp)[0];
		ret = ((const uint64_t *)rbp)[1];
		/* Frames only go up the stack: a record that does not is the
		 * last one read. */
		rbp = next > rbp ? next : 0;
	}
	if (READ_ONCE(t->on_cpu) || READ_ONCE(t->state) == TASK_RUNNING)
		return 0;
	return nr;
}
