/* Scheduling system calls: policy and priority (nice feeds the EEVDF weight;
 * FIFO, RR and DEADLINE go to their classes), CPU affinity, yielding. */
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <vitro/boot_info.h>
#include <vitro/errno.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

#define RR_TIMESLICE_NS (100ull * 1000 * 1000) /* Linux's sched_rr_timeslice */

struct sched_param_user {
	int sched_priority;
};

/* pid 0 is the caller; a reference is taken. */
static struct task *thread_of(int pid)
{
	if (pid < 0)
		return NULL;
	if (!pid) {
		task_get(current);
		return current;
	}
	return find_task_by_pid(pid);
}

static long set_policy(int pid, int policy, uint64_t uparam, bool keep_policy)
{
	struct sched_param_user param;
	struct sched_attr attr;
	struct task *t;
	long err;

	if (!uparam || copy_from_user(&param, uparam, sizeof(param)))
		return -EFAULT;
	t = thread_of(pid);
	if (!t)
		return -ESRCH;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.sched_policy =
		keep_policy ? t->sched.policy : (uint32_t)(policy & ~SCHED_RESET_ON_FORK);
	attr.sched_priority = (uint32_t)param.sched_priority;
	attr.sched_nice = t->sched.nice;
	err = attr.sched_policy == SCHED_DEADLINE ? -EINVAL : sched_setattr(t, &attr);
	task_put(t);
	return err;
}

SYSCALL_DEFINE3(sched_setscheduler, int, pid, int, policy, uint64_t, uparam)
{
	if (policy < 0)
		return -EINVAL;
	return set_policy(pid, policy, uparam, false);
}

SYSCALL_DEFINE2(sched_setparam, int, pid, uint64_t, uparam)
{
	return set_policy(pid, 0, uparam, true);
}

SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	struct task *t = thread_of(pid);
	long policy;

	if (!t)
		return pid < 0 ? -EINVAL : -ESRCH;
	policy = t->sched.policy;
	task_put(t);
	return policy;
}

SYSCALL_DEFINE2(sched_getparam, int, pid, uint64_t, uparam)
{
	struct sched_param_user param;
	struct task *t = thread_of(pid);

	if (!t)
		return pid < 0 ? -EINVAL : -ESRCH;
	param.sched_priority = (int)t->sched.rt_priority;
	task_put(t);
	return copy_to_user(uparam, &param, sizeof(param)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(sched_setattr, int, pid, uint64_t, uattr, unsigned int, flags)
{
	struct sched_attr attr;
	struct task *t;
	uint32_t size;
	long err;

	if (flags || !uattr)
		return -EINVAL;
	if (get_user(size, (uint32_t *)uattr))
		return -EFAULT;
	/* SCHED_ATTR_SIZE_VER0 (48) at least; larger sizes must be zero past ours. */
	if (size < 48 || size > 4096)
		return -E2BIG;
	memset(&attr, 0, sizeof(attr));
	if (copy_from_user(&attr, uattr, size < sizeof(attr) ? size : sizeof(attr)))
		return -EFAULT;
	for (uint32_t off = sizeof(attr); off < size; off++) {
		uint8_t byte;

		if (get_user(byte, (uint8_t *)(uattr + off)))
			return -EFAULT;
		if (byte)
			return -E2BIG;
	}
	t = thread_of(pid);
	if (!t)
		return -ESRCH;
	err = sched_setattr(t, &attr);
	task_put(t);
	return err;
}

SYSCALL_DEFINE4(sched_getattr, int, pid, uint64_t, uattr, unsigned int, usize, unsigned int, flags)
{
	struct sched_attr attr;
	struct task *t;

	if (flags || !uattr || usize < 48 || usize > 4096)
		return -EINVAL;
	t = thread_of(pid);
	if (!t)
		return -ESRCH;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr) < usize ? sizeof(attr) : usize;
	attr.sched_policy = t->sched.policy;
	attr.sched_nice = t->sched.nice;
	attr.sched_priority = t->sched.rt_priority;
	attr.sched_runtime = t->sched.dl.dl_runtime;
	attr.sched_deadline = t->sched.dl.dl_deadline;
	attr.sched_period = t->sched.dl.dl_period;
	task_put(t);
	return copy_to_user(uattr, &attr, attr.size) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? RT_PRIO_MAX :
	       policy == SCHED_NORMAL || policy == SCHED_BATCH || policy == SCHED_IDLE ||
			       policy == SCHED_DEADLINE ?
							    0 :
							    -EINVAL;
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? RT_PRIO_MIN :
	       policy == SCHED_NORMAL || policy == SCHED_BATCH || policy == SCHED_IDLE ||
			       policy == SCHED_DEADLINE ?
							    0 :
							    -EINVAL;
}

SYSCALL_DEFINE2(sched_rr_get_interval, int, pid, uint64_t, uts)
{
	struct __kernel_timespec ts = { 0, 0 };
	struct task *t = thread_of(pid);

	if (!t)
		return pid < 0 ? -EINVAL : -ESRCH;
	if (t->sched.policy == SCHED_RR)
		ts.tv_nsec = (long long)RR_TIMESLICE_NS;
	task_put(t);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len, uint64_t, umask)
{
	struct cpumask mask;
	struct task *t;
	long err;

	memset(&mask, 0, sizeof(mask));
	if (copy_from_user(&mask, umask, len < sizeof(mask) ? len : sizeof(mask)))
		return -EFAULT;
	t = thread_of(pid);
	if (!t)
		return -ESRCH;
	err = sched_setaffinity(t, &mask);
	task_put(t);
	return err;
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len, uint64_t, umask)
{
	unsigned int nr_cpu_ids = boot_info.nr_cpus;
	/* Linux's cpumask_size() (NR_CPUS bits, the mask not off stack),
	 * or less when the caller's buffer is smaller. */
	size_t bytes = len < sizeof(struct cpumask) ? len : sizeof(struct cpumask);
	struct cpumask mask;
	struct task *t;

	/* The buffer must hold a bit per CPU the machine has, in whole longs
	 * (so one long does here, as taskset and glibc try first). */
	if ((uint64_t)len * 8 < nr_cpu_ids || (len & (sizeof(unsigned long) - 1)))
		return -EINVAL;
	t = thread_of(pid);
	if (!t)
		return -ESRCH;
	mask = t->cpus_allowed;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			cpumask_clear_cpu(cpu, &mask);
	task_put(t);
	if (copy_to_user(umask, &mask, bytes))
		return -EFAULT;
	return (long)bytes;
}
