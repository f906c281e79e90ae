/* Per-thread state and system identity: uname, arch_prctl (the TLS bases),
 * sched_yield and set_tid_address. */
#include <asm/prctl.h>
#include <linux/utsname.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/process.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>
#include <vitro/utsname.h>

/* The host and domain names sethostname/setdomainname set (root may). */
static char uts_nodename[__NEW_UTS_LEN + 1] = UTS_NODENAME;
static char uts_domainname[__NEW_UTS_LEN + 1] = "(none)";

static long set_uts_name(char *name, uint64_t uname, int len)
{
	char buf[__NEW_UTS_LEN + 1];

	if (len < 0 || len > __NEW_UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, uname, (unsigned long)len))
		return -EFAULT;
	buf[len] = '\0';
	memcpy(name, buf, (size_t)len + 1);
	return 0;
}

SYSCALL_DEFINE2(sethostname, uint64_t, uname, int, len)
{
	return set_uts_name(uts_nodename, uname, len);
}

SYSCALL_DEFINE2(setdomainname, uint64_t, uname, int, len)
{
	return set_uts_name(uts_domainname, uname, len);
}

SYSCALL_DEFINE1(uname, uint64_t, ubuf)
{
	struct new_utsname uts;

	memset(&uts, 0, sizeof(uts));
	format_snprintf(uts.sysname, sizeof(uts.sysname), "%s", UTS_SYSNAME);
	format_snprintf(uts.nodename, sizeof(uts.nodename), "%s", uts_nodename);
	format_snprintf(uts.release, sizeof(uts.release), "%s", UTS_RELEASE);
	format_snprintf(uts.version, sizeof(uts.version), "%s", UTS_VERSION);
	format_snprintf(uts.machine, sizeof(uts.machine), "%s", UTS_MACHINE);
	format_snprintf(uts.domainname, sizeof(uts.domainname), "%s", uts_domainname);
	return copy_to_user(ubuf, &uts, sizeof(uts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(arch_prctl, int, option, uint64_t, addr)
{
	struct task *t = current;

	switch (option) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_ADDR_END)
			return -EPERM;
		if (option == ARCH_SET_FS)
			t->thread.fsbase = addr;
		else
			t->thread.gsbase = addr;
		arch_load_user_state(t);
		return 0;
	case ARCH_GET_FS:
		return put_user(t->thread.fsbase, (uint64_t *)addr);
	case ARCH_GET_GS:
		return put_user(t->thread.gsbase, (uint64_t *)addr);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE0(sched_yield)
{
	yield();
	return 0;
}

SYSCALL_DEFINE1(set_tid_address, uint64_t, tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}
