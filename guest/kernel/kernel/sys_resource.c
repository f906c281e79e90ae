/* Resource limits and usage, system information, randomness, scheduling
 * policy and priority, prctl's names, and reboot. */
#include <linux/prctl.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/resource.h>
#include <linux/sysinfo.h>
#include <linux/times.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/fs.h>
#include <vitro/loadavg.h>
#include <vitro/mm.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/random.h>
#include <vitro/sched_stats.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/uaccess.h>

#define USER_HZ 100
#define GETRANDOM_CHUNK 256

/* --- limits ---------------------------------------------------------------------- */

static struct task *process_of(int pid)
{
	struct task *t;

	if (!pid) {
		task_get(current);
		return current;
	}
	t = find_task_by_pid(pid);
	if (t && !t->signal) {
		task_put(t);
		t = NULL;
	}
	return t;
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned int, resource, uint64_t, unew, uint64_t, uold)
{
	struct rlimit64_pair new, old;
	struct task *t;
	int err = 0;

	if (resource >= NR_RLIMITS)
		return -EINVAL;
	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (unew && new.cur > new.max)
		return -EINVAL;
	if (unew && resource == RLIMIT_NOFILE && new.max > 1048576)
		return -EPERM; /* Linux's nr_open */
	t = process_of(pid);
	if (!t)
		return -ESRCH;
	old = t->signal->rlim[resource];
	if (unew) {
		t->signal->rlim[resource] = new;
		if (resource == RLIMIT_NOFILE && t->files)
			t->files->limit = (unsigned int)(new.cur < 1048576 ? new.cur : 1048576);
	}
	task_put(t);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		err = -EFAULT;
	return err;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, resource, uint64_t, urlim)
{
	return sys_prlimit64(0, resource, 0, urlim, 0, 0);
}

SYSCALL_DEFINE2(setrlimit, unsigned int, resource, uint64_t, urlim)
{
	return sys_prlimit64(0, resource, urlim, 0, 0, 0);
}

SYSCALL_DEFINE2(getrusage, int, who, uint64_t, uru)
{
	struct rusage ru;
	uint64_t ns;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	/* Time is not split between user and kernel mode yet: all of it is
	 * reported as user time. */
	ns = who == RUSAGE_CHILDREN ? current->signal->cutime_ns : task_sched_runtime(current);
	ru.ru_utime.tv_sec = (long)(ns / NSEC_PER_SEC);
	ru.ru_utime.tv_usec = (long)(ns % NSEC_PER_SEC / 1000);
	ru.ru_nvcsw = (long)current->nvcsw;
	ru.ru_nivcsw = (long)current->nivcsw;
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(times, uint64_t, ubuf)
{
	struct tms tms = { 0 };

	tms.tms_utime = (long)(task_sched_runtime(current) / (NSEC_PER_SEC / USER_HZ));
	tms.tms_cutime = (long)(current->signal->cutime_ns / (NSEC_PER_SEC / USER_HZ));
	if (ubuf && copy_to_user(ubuf, &tms, sizeof(tms)))
		return -EFAULT;
	return (long)(ktime_get_ns() / (NSEC_PER_SEC / USER_HZ));
}

/* --- the system ------------------------------------------------------------------- */

struct count_procs {
	int n;
};

static bool count_process(struct task *t, void *arg)
{
	struct count_procs *c = arg;

	if (!t->is_idle)
		c->n++;
	return true;
}

SYSCALL_DEFINE1(sysinfo, uint64_t, uinfo)
{
	struct page_alloc_stats stats;
	struct count_procs procs = { 0 };
	unsigned long loads[3];
	struct sysinfo info;

	memset(&info, 0, sizeof(info));
	page_alloc_get_stats(&stats);
	for_each_task(count_process, &procs);
	info.uptime = (long)(ktime_get_ns() / NSEC_PER_SEC);
	/* The load average in sysinfo's 16 fractional bits (uptime, top). */
	sched_get_loadavg(loads);
	for (int i = 0; i < 3; i++)
		info.loads[i] = loads[i] << (SI_LOAD_SHIFT - FSHIFT);
	info.totalram = stats.managed_pages;
	info.freeram = stats.free_pages;
	info.procs = (unsigned short)procs.n;
	info.mem_unit = PAGE_SIZE;
	return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(getrandom, uint64_t, ubuf, size_t, len, unsigned int, flags)
{
	uint8_t chunk[GETRANDOM_CHUNK];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (len > 0x7ffff000)
		len = 0x7ffff000;
	while (done < len) {
		size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		get_random_bytes(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (done < len && signal_pending(current))
			return (long)done;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd, uint64_t, arg)
{
	(void)arg;
	if (magic1 != (int)LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
		pr_info("reboot: Power down\n");
		machine_exit(0);
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
		/* No reset device: a restart ends the VM too, which a VMM reads
		 * as the guest asking to go. */
		pr_info("reboot: Restarting system (ending the VM)\n");
		machine_exit(0);
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE5(prctl, int, option, uint64_t, arg2, uint64_t, arg3, uint64_t, arg4, uint64_t, arg5)
{
	char name[TASK_COMM_LEN];

	(void)arg3, (void)arg4, (void)arg5;
	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, arg2, sizeof(name)) < 0)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
		format_snprintf(current->comm, sizeof(current->comm), "%s", name);
		return 0;
	case PR_GET_NAME:
		return copy_to_user(arg2, current->comm, sizeof(current->comm)) ? -EFAULT : 0;
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return arg2 <= 1 ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(getcpu, uint64_t, ucpu, uint64_t, unode, uint64_t, ucache)
{
	unsigned int cpu = smp_processor_id(), node = 0;

	(void)ucache;
	if (ucpu && put_user(cpu, (unsigned int *)ucpu))
		return -EFAULT;
	if (unode && put_user(node, (unsigned int *)unode))
		return -EFAULT;
	return 0;
}
