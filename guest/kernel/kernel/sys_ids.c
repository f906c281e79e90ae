/* User and group ids, process groups and sessions. There is one user, root,
 * with every capability, so set*id calls succeed for any id and the get*id
 * calls report what was set. */
#include <vitro/errno.h>
#include <vitro/process.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#define ID_UNCHANGED ((uint32_t)-1)

SYSCALL_DEFINE0(getuid)
{
	return current->uid;
}

SYSCALL_DEFINE0(geteuid)
{
	return current->euid;
}

SYSCALL_DEFINE0(getgid)
{
	return current->gid;
}

SYSCALL_DEFINE0(getegid)
{
	return current->egid;
}

/* Only root runs here: any id may be taken (CAP_SETUID). */
SYSCALL_DEFINE1(setuid, uint32_t, uid)
{
	struct task *t = current;

	if (uid == ID_UNCHANGED)
		return -EINVAL;
	t->uid = t->euid = t->suid = t->fsuid = uid;
	return 0;
}

SYSCALL_DEFINE1(setgid, uint32_t, gid)
{
	struct task *t = current;

	if (gid == ID_UNCHANGED)
		return -EINVAL;
	t->gid = t->egid = t->sgid = t->fsgid = gid;
	return 0;
}

SYSCALL_DEFINE3(setresuid, uint32_t, ruid, uint32_t, euid, uint32_t, suid)
{
	struct task *t = current;

	if (ruid != ID_UNCHANGED)
		t->uid = ruid;
	if (euid != ID_UNCHANGED)
		t->euid = t->fsuid = euid;
	if (suid != ID_UNCHANGED)
		t->suid = suid;
	return 0;
}

SYSCALL_DEFINE3(setresgid, uint32_t, rgid, uint32_t, egid, uint32_t, sgid)
{
	struct task *t = current;

	if (rgid != ID_UNCHANGED)
		t->gid = rgid;
	if (egid != ID_UNCHANGED)
		t->egid = t->fsgid = egid;
	if (sgid != ID_UNCHANGED)
		t->sgid = sgid;
	return 0;
}

SYSCALL_DEFINE2(setreuid, uint32_t, ruid, uint32_t, euid)
{
	return sys_setresuid(ruid, euid, ID_UNCHANGED, 0, 0, 0);
}

SYSCALL_DEFINE2(setregid, uint32_t, rgid, uint32_t, egid)
{
	return sys_setresgid(rgid, egid, ID_UNCHANGED, 0, 0, 0);
}

SYSCALL_DEFINE3(getresuid, uint64_t, uruid, uint64_t, ueuid, uint64_t, usuid)
{
	struct task *t = current;

	if (put_user(t->uid, (uint32_t *)uruid) || put_user(t->euid, (uint32_t *)ueuid) ||
	    put_user(t->suid, (uint32_t *)usuid))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresgid, uint64_t, urgid, uint64_t, uegid, uint64_t, usgid)
{
	struct task *t = current;

	if (put_user(t->gid, (uint32_t *)urgid) || put_user(t->egid, (uint32_t *)uegid) ||
	    put_user(t->sgid, (uint32_t *)usgid))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(setfsuid, uint32_t, uid)
{
	uint32_t old = current->fsuid;

	if (uid != ID_UNCHANGED)
		current->fsuid = uid;
	return old;
}

SYSCALL_DEFINE1(setfsgid, uint32_t, gid)
{
	uint32_t old = current->fsgid;

	if (gid != ID_UNCHANGED)
		current->fsgid = gid;
	return old;
}

/* No supplementary groups. */
SYSCALL_DEFINE2(getgroups, int, size, uint64_t, list)
{
	(void)list;
	return size < 0 ? -EINVAL : 0;
}

SYSCALL_DEFINE2(setgroups, int, size, uint64_t, list)
{
	(void)list;
	return size < 0 || size > 65536 ? -EINVAL : 0;
}

SYSCALL_DEFINE0(getpid)
{
	return current->tgid;
}

SYSCALL_DEFINE0(gettid)
{
	return current->pid;
}

SYSCALL_DEFINE0(getppid)
{
	struct task *parent = current->group_leader->real_parent;

	return parent ? parent->tgid : 0;
}

/* --- process groups and sessions ------------------------------------------------- */

/* The process pid (0: the caller), with a reference. */
static struct task *process_by_pid(int pid)
{
	struct task *t;

	if (!pid) {
		task_get(current->group_leader);
		return current->group_leader;
	}
	t = find_task_by_pid(pid);
	/* A zombie keeps its ids until it is reaped. */
	if (t && (!t->signal || t->group_leader != t || t->exit_state == EXIT_DEAD)) {
		task_put(t);
		t = NULL;
	}
	return t;
}

static bool pgrp_in_session(struct task *t, void *arg)
{
	int *want = arg; /* [pgrp, session, found] */

	if (t->signal && t->group_leader == t && !t->exit_state && t->signal->pgrp == want[0] &&
	    t->signal->session == want[1]) {
		want[2] = 1;
		return false;
	}
	return true;
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct task *t, *self = current->group_leader;
	int err = 0, want[3];

	if (pgid < 0)
		return -EINVAL;
	t = process_by_pid(pid);
	if (!t)
		return -ESRCH;
	if (!pgid)
		pgid = t->tgid;
	/* Itself or a child, in the same session, not a session leader. */
	if (t != self && t->real_parent != self)
		err = -ESRCH;
	else if (t->signal->session != self->signal->session)
		err = -EPERM;
	else if (t->signal->session == t->tgid)
		err = -EPERM;
	if (!err && pgid != t->tgid) {
		want[0] = pgid;
		want[1] = self->signal->session;
		want[2] = 0;
		for_each_task(pgrp_in_session, want);
		if (!want[2])
			err = -EPERM;
	}
	if (!err)
		t->signal->pgrp = pgid;
	task_put(t);
	return err;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct task *t = process_by_pid(pid);
	int pgrp;

	if (!t)
		return -ESRCH;
	pgrp = t->signal->pgrp;
	task_put(t);
	return pgrp;
}

SYSCALL_DEFINE0(getpgrp)
{
	return current->signal->pgrp;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	struct task *t = process_by_pid(pid);
	int sid;

	if (!t)
		return -ESRCH;
	sid = t->signal->session;
	task_put(t);
	return sid;
}

static bool pgrp_exists(struct task *t, void *arg)
{
	int *want = arg; /* [pgrp, found] */

	if (t->signal && !t->exit_state && t->signal->pgrp == want[0]) {
		want[1] = 1;
		return false;
	}
	return true;
}

SYSCALL_DEFINE0(setsid)
{
	struct task *leader = current->group_leader;
	int want[2] = { leader->tgid, 0 };

	/* Not if it already leads a process group. */
	for_each_task(pgrp_exists, want);
	if (want[1])
		return -EPERM;
	leader->signal->session = leader->tgid;
	leader->signal->pgrp = leader->tgid;
	leader->signal->tty = NULL; /* a new session has no controlling terminal */
	return leader->tgid;
}
