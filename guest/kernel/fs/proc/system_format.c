/* /proc/stat, uptime, loadavg and pressure/{cpu,memory,io} in Linux 6.1's layouts
 * (fs/proc/stat.c, uptime.c, loadavg.c, kernel/sched/psi.c), from plain numbers:
 * busybox top reads the first lines of stat and the whole of loadavg. No
 * locks, no tasks: builds for the host. */
#include <vitro/loadavg.h>

#include "format.h"

static unsigned long long ticks(uint64_t ns)
{
	return (unsigned long long)(ns / PROC_NSEC_PER_TICK);
}

/* user nice system idle iowait irq softirq steal guest guest_nice */
static void print_cpu_line(struct proc_buf *m, const char *name, unsigned int id,
			   const struct sched_cpu_times *t)
{
	if (name)
		proc_printf(m, "%s", name);
	else
		proc_printf(m, "cpu%u", id);
	proc_printf(m, " %llu %llu %llu %llu %llu 0 0 0 0 0\n", ticks(t->user_ns),
		    ticks(t->nice_ns), ticks(t->system_ns), ticks(t->idle_ns), ticks(t->iowait_ns));
}

void proc_format_stat(struct proc_buf *m, const struct proc_stat_info *si)
{
	/* "cpu" and two spaces: the total, then a line per CPU. */
	print_cpu_line(m, "cpu ", 0, &si->total);
	for (unsigned int i = 0; i < si->nr_cpus; i++)
		print_cpu_line(m, NULL, si->cpu_ids[i], &si->cpus[i]);
	proc_printf(m, "intr %llu", (unsigned long long)si->nr_interrupts);
	for (unsigned int irq = 0; irq < si->nr_irqs; irq++)
		proc_printf(m, " %llu", (unsigned long long)si->irq_counts[irq]);
	proc_printf(m, "\nctxt %llu\nbtime %llu\nprocesses %llu\n",
		    (unsigned long long)si->nr_switches, (unsigned long long)si->boot_time_s,
		    (unsigned long long)si->nr_forks);
	proc_printf(m, "procs_running %u\nprocs_blocked %u\n", si->nr_running, si->nr_blocked);
	/* No softirqs: the total and Linux's ten kinds. */
	proc_printf(m, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

void proc_format_uptime(struct proc_buf *m, uint64_t up_ns, uint64_t idle_ns)
{
	proc_printf(m, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up_ns / 1000000000ull),
		    (unsigned long long)(up_ns % 1000000000ull / 10000000ull),
		    (unsigned long long)(idle_ns / 1000000000ull),
		    (unsigned long long)(idle_ns % 1000000000ull / 10000000ull));
}

void proc_format_loadavg(struct proc_buf *m, const unsigned long avenrun[3],
			 unsigned int nr_running, unsigned int nr_threads, int last_pid)
{
	unsigned long a[3];

	/* Rounded to the hundredth: Linux adds FIXED_1/200 first. */
	for (unsigned int i = 0; i < 3; i++)
		a[i] = avenrun[i] + FIXED_1 / 200;
	proc_printf(m, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%u %d\n", LOAD_INT(a[0]), LOAD_FRAC(a[0]),
		    LOAD_INT(a[1]), LOAD_FRAC(a[1]), LOAD_INT(a[2]), LOAD_FRAC(a[2]), nr_running,
		    nr_threads, last_pid);
}

void proc_format_pressure(struct proc_buf *m, bool is_full, const unsigned long avg[3],
			  uint64_t total_us)
{
	/* Truncated, not rounded, as psi_show() prints them. */
	proc_printf(m, "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%llu\n",
		    is_full ? "full" : "some", LOAD_INT(avg[0]), LOAD_FRAC(avg[0]),
		    LOAD_INT(avg[1]), LOAD_FRAC(avg[1]), LOAD_INT(avg[2]), LOAD_FRAC(avg[2]),
		    (unsigned long long)total_us);
}
