/* Priorities set by who they apply to, as Linux's kernel/sys.c and
 * block/ioprio.c: getpriority/setpriority (nice) and ioprio_get/ioprio_set
 * for a thread, a process group or a user's tasks. Reading takes the best
 * value among the matches; setting applies to all of them. */
#include <vitro/errno.h>
#include <vitro/sched.h>
#include <vitro/signal.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

/* <linux/ioprio.h>: a class in the top 3 of 16 bits, data below. */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_PRIO_MASK ((1u << IOPRIO_CLASS_SHIFT) - 1)
#define IOPRIO_CLASS_NONE 0
#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_NR_LEVELS 8
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3

enum who_kind { WHO_THREAD, WHO_PGRP, WHO_USER };

struct who {
	enum who_kind kind;
	int id;
	struct task *caller;
	int (*fn)(struct who *w, struct task *t);
	long value; /* to set, or the best so far */
	unsigned int found;
	int err;
};

static bool who_matches(const struct who *w, const struct task *t)
{
	if (t->exit_state || t->is_idle || !t->signal)
		return false;
	switch (w->kind) {
	case WHO_THREAD:
		return t->pid == w->id;
	case WHO_PGRP:
		return t->signal->pgrp == w->id;
	default:
		return (int)t->uid == w->id;
	}
}

static bool who_visit(struct task *t, void *arg)
{
	struct who *w = arg;
	int err;

	if (!who_matches(w, t))
		return true;
	w->found++;
	err = w->fn(w, t);
	if (err)
		w->err = err;
	return w->kind != WHO_THREAD;
}

/* Calls w->fn on every match (under the task list's lock: it must not
 * sleep); id 0 is the caller's own thread, group or user. */
static long who_each(struct who *w)
{
	if (w->id < 0)
		return -EINVAL;
	w->caller = current;
	if (!w->id)
		w->id = w->kind == WHO_THREAD ? current->pid :
			w->kind == WHO_PGRP   ? current->signal->pgrp :
						(int)current->uid;
	for_each_task(who_visit, w);
	if (!w->found)
		return -ESRCH;
	return w->err;
}

static int nice_get(struct who *w, struct task *t)
{
	/* The system call's encoding: 20 - nice, so a higher one is better. */
	if (20 - t->sched.nice > w->value)
		w->value = 20 - t->sched.nice;
	return 0;
}

/* Linux's set_one_prio: others' tasks need privilege, and so does a lower
 * nice (RLIMIT_NICE is 0 for everyone but root here). */
static int nice_set(struct who *w, struct task *t)
{
	const struct task *c = w->caller;

	if (c->euid && c->uid != t->euid && c->euid != t->euid)
		return -EPERM;
	if (c->euid && w->value < t->sched.nice)
		return -EACCES;
	sched_set_nice(t, (int)w->value);
	return 0;
}

static long who_kind_of(int which, int process, int pgrp, int user, enum who_kind *kind)
{
	if (which == process)
		*kind = WHO_THREAD;
	else if (which == pgrp)
		*kind = WHO_PGRP;
	else if (which == user)
		*kind = WHO_USER;
	else
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	struct who w = { .id = who, .fn = nice_get, .value = 0 };
	long err = who_kind_of(which, PRIO_PROCESS, PRIO_PGRP, PRIO_USER, &w.kind);

	return err ? err : (err = who_each(&w)) ? err : w.value;
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, nice)
{
	struct who w = { .id = who, .fn = nice_set };
	long err = who_kind_of(which, PRIO_PROCESS, PRIO_PGRP, PRIO_USER, &w.kind);

	if (err)
		return err;
	w.value = nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
	return who_each(&w);
}

/* Linux's ioprio_best(): a class beats the ones after it (none counts as
 * best effort), a lower level beats a higher one. */
static long ioprio_best(long a, long b)
{
	unsigned int ca = (unsigned int)a >> IOPRIO_CLASS_SHIFT;
	unsigned int cb = (unsigned int)b >> IOPRIO_CLASS_SHIFT;

	if (ca == IOPRIO_CLASS_NONE)
		ca = IOPRIO_CLASS_BE;
	if (cb == IOPRIO_CLASS_NONE)
		cb = IOPRIO_CLASS_BE;
	if (ca != cb)
		return ca < cb ? a : b;
	return (a & IOPRIO_PRIO_MASK) <= (b & IOPRIO_PRIO_MASK) ? a : b;
}

static int ioprio_get_one(struct who *w, struct task *t)
{
	w->value = w->found == 1 ? t->ioprio : ioprio_best(w->value, t->ioprio);
	return 0;
}

static int ioprio_set_one(struct who *w, struct task *t)
{
	const struct task *c = w->caller;

	if (c->euid && c->uid != t->euid && c->euid != t->euid)
		return -EPERM;
	t->ioprio = (int)w->value;
	return 0;
}

/* Linux's ioprio_check_cap(): the real-time class is privileged; levels
 * run 0-7; "none" takes no level. */
static long ioprio_check(int ioprio)
{
	unsigned int class = (unsigned int)ioprio >> IOPRIO_CLASS_SHIFT;
	unsigned int data = (unsigned int)ioprio & IOPRIO_PRIO_MASK;

	if (ioprio < 0 || (unsigned int)ioprio > 0xffff)
		return -EINVAL;
	switch (class) {
	case IOPRIO_CLASS_RT:
		if (current->euid)
			return -EPERM;
		/* fall through */
	case IOPRIO_CLASS_BE:
		return data >= IOPRIO_NR_LEVELS ? -EINVAL : 0;
	case IOPRIO_CLASS_IDLE:
		return 0;
	case IOPRIO_CLASS_NONE:
		return data ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(ioprio_get, int, which, int, who)
{
	struct who w = { .id = who, .fn = ioprio_get_one };
	long err =
		who_kind_of(which, IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP, IOPRIO_WHO_USER, &w.kind);

	return err ? err : (err = who_each(&w)) ? err : w.value;
}

SYSCALL_DEFINE3(ioprio_set, int, which, int, who, int, ioprio)
{
	struct who w = { .id = who, .fn = ioprio_set_one, .value = ioprio };
	long err =
		who_kind_of(which, IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP, IOPRIO_WHO_USER, &w.kind);

	if (!err)
		err = ioprio_check(ioprio);
	return err ? err : who_each(&w);
}
