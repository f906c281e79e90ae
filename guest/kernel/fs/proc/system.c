/* The files of /proc that describe the system rather than a process:
 * meminfo, cpuinfo, stat, uptime, loadavg, version, filesystems, swaps,
 * buddyinfo, slabinfo and pressure/{cpu,memory,io}, in Linux 6.1's formats.
 * busybox top reads stat's first lines and loadavg; free reads meminfo. */
#include <vitro/errno.h>
#include <vitro/mm_stats.h>
#include <vitro/proc_fs.h>
#include <vitro/slab.h>
#include <vitro/sched_stats.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/utsname.h>

#include "internal.h"

#ifdef __clang__
#define COMPILER_NAME "clang version " __clang_version__
#else
#define COMPILER_NAME "gcc version " __VERSION__
#endif

/* The ISA interrupt lines listed after intr's total (vector 0x20 + line). */
#define NR_ISA_IRQS 16
#define IRQ_VECTOR_BASE_ISA 0x20

static int show_meminfo(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	proc_append(m, mm_format_meminfo);
	return 0;
}

static int show_buddyinfo(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	proc_append(m, mm_format_buddyinfo);
	return 0;
}

static int show_slabinfo(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	proc_append(m, mm_format_slabinfo);
	return 0;
}

int proc_show_cpuinfo(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	proc_append(m, arch_format_cpuinfo);
	return 0;
}

static int show_stat(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct sched_cpu_times *cpus = kmalloc(NR_CPUS * sizeof(*cpus), GFP_KERNEL);
	unsigned int *ids = kmalloc(NR_CPUS * sizeof(*ids), GFP_KERNEL);
	struct proc_stat_info si = { .cpus = cpus, .cpu_ids = ids };
	uint64_t irqs[NR_ISA_IRQS];
	struct task_counts counts;
	unsigned int cpu;

	(void)ctx;
	if (!cpus || !ids) {
		kfree(cpus);
		kfree(ids);
		return -ENOMEM;
	}
	/* The total is summed over nanoseconds, then made ticks, as Linux does. */
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct sched_cpu_times *t = &cpus[si.nr_cpus];
		struct sched_cpu_stats stats;

		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			continue;
		sched_cpu_times(cpu, t);
		sched_cpu_stats(cpu, &stats);
		si.nr_switches += stats.nr_switches;
		si.total.user_ns += t->user_ns;
		si.total.nice_ns += t->nice_ns;
		si.total.system_ns += t->system_ns;
		si.total.idle_ns += t->idle_ns;
		si.total.iowait_ns += t->iowait_ns;
		ids[si.nr_cpus++] = cpu;
	}
	si.nr_interrupts = irq_count(~0u);
	for (unsigned int irq = 0; irq < NR_ISA_IRQS; irq++)
		irqs[irq] = irq_count(IRQ_VECTOR_BASE_ISA + irq);
	si.irq_counts = irqs;
	si.nr_irqs = NR_ISA_IRQS;
	task_get_counts(&counts);
	si.boot_time_s = (ktime_get_real_ns() - ktime_get_ns()) / NSEC_PER_SEC;
	si.nr_forks = counts.nr_created;
	si.nr_running = sched_nr_running();
	si.nr_blocked = sched_nr_iowait();
	proc_format_stat(m, &si);
	kfree(cpus);
	kfree(ids);
	return 0;
}

/* Seconds since boot and the CPUs' idle time added up. */
static int show_uptime(struct proc_buf *m, const struct proc_ctx *ctx)
{
	uint64_t up = ktime_get_ns(), idle = 0;

	(void)ctx;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct sched_cpu_times t;

		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			continue;
		sched_cpu_times(cpu, &t);
		idle += t.idle_ns;
	}
	proc_format_uptime(m, up, idle);
	return 0;
}

static int show_loadavg(struct proc_buf *m, const struct proc_ctx *ctx)
{
	unsigned long avenrun[3];
	struct task_counts counts;

	(void)ctx;
	sched_get_loadavg(avenrun);
	task_get_counts(&counts);
	proc_format_loadavg(m, avenrun, sched_nr_running(), counts.nr_alive, counts.last_pid);
	return 0;
}

static int show_version(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	proc_printf(m, "%s version %s (vitro@vitro) (%s) %s\n", UTS_SYSNAME, UTS_RELEASE,
		    COMPILER_NAME, UTS_VERSION);
	return 0;
}

static void show_filesystem(const char *name, void *arg)
{
	/* None needs a block device yet. */
	proc_printf(arg, "nodev\t%s\n", name);
}

static int show_filesystems(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	filesystems_for_each(show_filesystem, m);
	return 0;
}

static int show_swaps(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	proc_printf(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	return 0;
}

static void print_pressure(struct proc_buf *m, enum psi_resource res, bool full)
{
	unsigned long avg[3] = { 0, 0, 0 };
	uint64_t total_us = 0;

	/* CPU "full" has no meaning for the whole system: Linux prints it as
	 * zeros since 5.13 (for cgroups it has one). */
	if (!(res == PSI_CPU && full))
		psi_get(res, full, avg, &total_us);
	proc_format_pressure(m, full, avg, total_us);
}

static int show_pressure(struct proc_buf *m, enum psi_resource res)
{
	print_pressure(m, res, false);
	print_pressure(m, res, true);
	return 0;
}

static int show_pressure_cpu(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	return show_pressure(m, PSI_CPU);
}

static int show_pressure_memory(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	return show_pressure(m, PSI_MEM);
}

static int show_pressure_io(struct proc_buf *m, const struct proc_ctx *ctx)
{
	(void)ctx;
	return show_pressure(m, PSI_IO);
}

static const struct proc_entry pressure_entries[] = {
	PROC_FILE("cpu", show_pressure_cpu),
	PROC_FILE("io", show_pressure_io),
	PROC_FILE("memory", show_pressure_memory),
};

const struct proc_entry proc_system_entries[] = {
	PROC_FILE("buddyinfo", show_buddyinfo),
	PROC_FILE("cpuinfo", proc_show_cpuinfo),
	PROC_FILE("filesystems", show_filesystems),
	PROC_FILE("loadavg", show_loadavg),
	PROC_FILE("meminfo", show_meminfo),
	PROC_TABLE_DIR("pressure", pressure_entries),
	PROC_FILE("slabinfo", show_slabinfo),
	PROC_FILE("stat", show_stat),
	PROC_FILE("swaps", show_swaps),
	PROC_FILE("uptime", show_uptime),
	PROC_FILE("version", show_version),
};

const size_t proc_nr_system_entries = ARRAY_SIZE(proc_system_entries);
