/* The files of /proc that describe the system rather than a process:
 * meminfo, cpuinfo, stat, uptime, loadavg, version, filesystems, swaps,
 * buddyinfo, slabinfo and pressure/{cpu,memory,io}, in Linux 6.1's formats.
 * busybox top reads stat's first lines and loadavg; free reads meminfo. */
#include <vitro/format.h>
#include <vitro/loadavg.h>
#include <vitro/mm_stats.h>
#include <vitro/proc_fs.h>
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

static uint64_t ticks(uint64_t ns)
{
	return ns / PROC_NSEC_PER_TICK;
}

/* user nice system idle iowait irq softirq steal guest guest_nice */
static void print_cpu_line(struct proc_buf *m, const char *name, const struct sched_cpu_times *t)
{
	proc_printf(m, "%s %llu %llu %llu %llu %llu 0 0 0 0 0\n", name,
		    (unsigned long long)ticks(t->user_ns), (unsigned long long)ticks(t->nice_ns),
		    (unsigned long long)ticks(t->system_ns), (unsigned long long)ticks(t->idle_ns),
		    (unsigned long long)ticks(t->iowait_ns));
}

static int show_stat(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct sched_cpu_times sum = { 0 }, times[8];
	struct task_counts counts;
	uint64_t nr_switches = 0, boot_s;
	unsigned int cpu, nr = 0;
	char name[16];

	(void)ctx;
	/* The total first, as Linux sums it: over nanoseconds, then ticks. */
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct sched_cpu_times t;
		struct sched_cpu_stats stats;

		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			continue;
		sched_cpu_times(cpu, &t);
		sched_cpu_stats(cpu, &stats);
		nr_switches += stats.nr_switches;
		sum.user_ns += t.user_ns;
		sum.nice_ns += t.nice_ns;
		sum.system_ns += t.system_ns;
		sum.idle_ns += t.idle_ns;
		sum.iowait_ns += t.iowait_ns;
		if (nr < ARRAY_SIZE(times))
			times[nr] = t;
		nr++;
	}
	print_cpu_line(m, "cpu ", &sum);
	for (cpu = 0, nr = 0; cpu < NR_CPUS; cpu++) {
		struct sched_cpu_times t;

		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			continue;
		if (nr < ARRAY_SIZE(times))
			t = times[nr];
		else
			sched_cpu_times(cpu, &t);
		nr++;
		format_snprintf(name, sizeof(name), "cpu%u", cpu);
		print_cpu_line(m, name, &t);
	}
	proc_printf(m, "intr %llu", (unsigned long long)irq_count(~0u));
	for (unsigned int irq = 0; irq < NR_ISA_IRQS; irq++)
		proc_printf(m, " %llu", (unsigned long long)irq_count(IRQ_VECTOR_BASE_ISA + irq));
	task_get_counts(&counts);
	boot_s = (ktime_get_real_ns() - ktime_get_ns()) / NSEC_PER_SEC;
	proc_printf(m, "\nctxt %llu\nbtime %llu\nprocesses %llu\n", (unsigned long long)nr_switches,
		    (unsigned long long)boot_s, (unsigned long long)counts.nr_created);
	proc_printf(m, "procs_running %u\nprocs_blocked %u\n", sched_nr_running(),
		    sched_nr_iowait());
	/* No softirqs: the total and Linux's ten kinds. */
	proc_printf(m, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	return 0;
}

/* Seconds since boot and the CPUs' idle time added up, in hundredths. */
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
	proc_printf(m, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / NSEC_PER_SEC),
		    (unsigned long long)(up % NSEC_PER_SEC / (NSEC_PER_SEC / 100)),
		    (unsigned long long)(idle / NSEC_PER_SEC),
		    (unsigned long long)(idle % NSEC_PER_SEC / (NSEC_PER_SEC / 100)));
	return 0;
}

static int show_loadavg(struct proc_buf *m, const struct proc_ctx *ctx)
{
	unsigned long avenrun[3];
	struct task_counts counts;

	(void)ctx;
	sched_get_loadavg(avenrun);
	task_get_counts(&counts);
	/* Rounded to the hundredth, as Linux adds FIXED_1/200 first. */
	for (unsigned int i = 0; i < 3; i++)
		avenrun[i] += FIXED_1 / 200;
	proc_printf(m, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%u %d\n", LOAD_INT(avenrun[0]),
		    LOAD_FRAC(avenrun[0]), LOAD_INT(avenrun[1]), LOAD_FRAC(avenrun[1]),
		    LOAD_INT(avenrun[2]), LOAD_FRAC(avenrun[2]), sched_nr_running(),
		    counts.nr_alive, counts.last_pid);
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
	proc_printf(m, "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%llu\n",
		    full ? "full" : "some", LOAD_INT(avg[0]), LOAD_FRAC(avg[0]), LOAD_INT(avg[1]),
		    LOAD_FRAC(avg[1]), LOAD_INT(avg[2]), LOAD_FRAC(avg[2]),
		    (unsigned long long)total_us);
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
