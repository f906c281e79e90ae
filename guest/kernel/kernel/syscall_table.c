/* The system call table (see vitro/syscall.h): Linux's numbers from the UAPI
 * header, one line per implemented call. Anything else returns -ENOSYS and
 * logs, once per number, which call and which process hit the gap. */
#include <asm/unistd_64.h>
#include <vitro/errno.h>
#include <vitro/printk.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/trace.h>

/* Every implemented system call, by its Linux name: each subsystem keeps
 * its own list. */
#include "../fs/syscall_list.h"

#define SYSCALL_LIST(X)           \
	FS_SYSCALL_LIST(X)        \
	X(exit)                   \
	X(exit_group)             \
	X(wait4)                  \
	X(waitid)                 \
	X(clone)                  \
	X(fork)                   \
	X(vfork)                  \
	X(execve)                 \
	X(getpid)                 \
	X(getppid)                \
	X(gettid)                 \
	X(getuid)                 \
	X(geteuid)                \
	X(getgid)                 \
	X(getegid)                \
	X(setuid)                 \
	X(setgid)                 \
	X(setresuid)              \
	X(setresgid)              \
	X(setreuid)               \
	X(setregid)               \
	X(getresuid)              \
	X(getresgid)              \
	X(setfsuid)               \
	X(setfsgid)               \
	X(getgroups)              \
	X(setgroups)              \
	X(setpgid)                \
	X(getpgid)                \
	X(getpgrp)                \
	X(getsid)                 \
	X(setsid)                 \
	X(rt_sigaction)           \
	X(rt_sigprocmask)         \
	X(rt_sigpending)          \
	X(rt_sigsuspend)          \
	X(rt_sigreturn)           \
	X(sigaltstack)            \
	X(pause)                  \
	X(restart_syscall)        \
	X(kill)                   \
	X(tgkill)                 \
	X(tkill)                  \
	X(futex)                  \
	X(set_robust_list)        \
	X(get_robust_list)        \
	X(set_tid_address)        \
	X(mmap)                   \
	X(munmap)                 \
	X(mprotect)               \
	X(mremap)                 \
	X(brk)                    \
	X(mincore)                \
	X(madvise)                \
	X(clock_gettime)          \
	X(clock_getres)           \
	X(gettimeofday)           \
	X(time)                   \
	X(nanosleep)              \
	X(clock_nanosleep)        \
	X(alarm)                  \
	X(setitimer)              \
	X(getitimer)              \
	X(prlimit64)              \
	X(getrlimit)              \
	X(setrlimit)              \
	X(getrusage)              \
	X(times)                  \
	X(sysinfo)                \
	X(getrandom)              \
	X(reboot)                 \
	X(prctl)                  \
	X(getcpu)                 \
	X(getpriority)            \
	X(setpriority)            \
	X(sched_setscheduler)     \
	X(sched_setparam)         \
	X(sched_getscheduler)     \
	X(sched_getparam)         \
	X(sched_setattr)          \
	X(sched_getattr)          \
	X(sched_get_priority_max) \
	X(sched_get_priority_min) \
	X(sched_rr_get_interval)  \
	X(sched_setaffinity)      \
	X(sched_getaffinity)      \
	X(sched_yield)            \
	X(uname)                  \
	X(sethostname)            \
	X(setdomainname)          \
	X(arch_prctl)             \
	X(syslog)                 \
	X(rseq)                   \
	X(ioprio_get)             \
	X(ioprio_set)             \
	X(rt_sigqueueinfo)        \
	X(rt_tgsigqueueinfo)

#define DECLARE_SYSCALL(name) long sys_##name(SYSCALL_ARGS);
SYSCALL_LIST(DECLARE_SYSCALL)

#define TABLE_ENTRY(name) [__NR_##name] = sys_##name,
static const syscall_fn syscall_table[] = { SYSCALL_LIST(TABLE_ENTRY) };
#define NR_SYSCALL_TABLE (sizeof(syscall_table) / sizeof(syscall_table[0]))

static const char *const syscall_names[] = {
#include "syscall_names.h"
};
#define NR_SYSCALL_NAMES (sizeof(syscall_names) / sizeof(syscall_names[0]))

/* One bit per number already reported missing. */
static uint64_t reported_missing[(NR_SYSCALL_NAMES + 64) / 64 + 1];

const char *syscall_name(unsigned long nr)
{
	return nr < NR_SYSCALL_NAMES ? syscall_names[nr] : NULL;
}

static long syscall_missing(unsigned long nr)
{
	unsigned long slot = nr < NR_SYSCALL_NAMES ? nr : NR_SYSCALL_NAMES;
	uint64_t bit = 1ull << (slot % 64);
	const char *name = syscall_name(nr);

	if (!(__atomic_fetch_or(&reported_missing[slot / 64], bit, __ATOMIC_RELAXED) & bit))
		pr_warn("%s[%d]: system call %lu (%s) is not implemented: -ENOSYS\n", current->comm,
			current->pid, nr, name ? name : "unknown");
	return -ENOSYS;
}

struct trap_frame *current_syscall_frame(void)
{
	return task_user_frame(current);
}

long syscall_dispatch(struct trap_frame *f, unsigned long nr)
{
	long ret;

	trace_event(sys_enter, .id = nr, .arg0 = f->rdi, .arg1 = f->rsi, .arg2 = f->rdx,
		    .arg3 = f->r10, .arg4 = f->r8, .arg5 = f->r9, .pid = current->pid);
	if (nr < NR_SYSCALL_TABLE && syscall_table[nr])
		ret = syscall_table[nr](f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
	else
		ret = syscall_missing(nr);
	trace_event(sys_exit, .id = nr, .ret = ret, .pid = current->pid);
	return ret;
}
