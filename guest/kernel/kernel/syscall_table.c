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

#define SYSCALL_LIST(X)    \
	FS_SYSCALL_LIST(X) \
	X(exit)            \
	X(exit_group)      \
	X(getpid)          \
	X(getppid)         \
	X(gettid)          \
	X(uname)           \
	X(arch_prctl)      \
	X(sched_yield)     \
	X(set_tid_address)

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
