/* What the scheduler measures for /proc (sched/accounting.c): CPU time split
 * into user, nice, system, idle and iowait; the load average; pressure stall
 * information; per-task user and system time. Also the two places where a
 * task tells the scheduler it is stalled: a memory stall (direct reclaim) and
 * an I/O wait. */
#ifndef VITRO_SCHED_STATS_H
#define VITRO_SCHED_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/psi.h>

struct task;

/* One CPU's time since it came online, in nanoseconds. user and nice
 * (user time of tasks with a positive nice) and system split the busy time
 * in the proportion the scheduler tick found the CPU in each; iowait is idle
 * time while a task that went to sleep on this CPU waits for I/O. */
struct sched_cpu_times {
	uint64_t user_ns, nice_ns, system_ns, idle_ns, iowait_ns;
};
void sched_cpu_times(unsigned int cpu, struct sched_cpu_times *times);

/* The load average (vitro/loadavg.h: fixed point, FSHIFT bits), brought up
 * to date first. */
void sched_get_loadavg(unsigned long avenrun[3]);
/* Runnable tasks on all CPUs, and tasks asleep in an I/O wait. */
unsigned int sched_nr_running(void);
unsigned int sched_nr_iowait(void);

/* /proc/pressure/{io,memory,cpu}: the SOME or FULL line's averages (fixed
 * point percent) and total stall time in microseconds, brought up to date
 * first. */
void psi_get(enum psi_resource res, bool full, unsigned long avg[3], uint64_t *total_us);

/* The current task is in a memory stall (direct reclaim) between the two;
 * they nest (flags remembers whether the outer call had already entered). */
void psi_memstall_enter(unsigned long *flags);
void psi_memstall_leave(unsigned long *flags);

/* Sleeps as schedule() does, counted as an I/O wait (iowait time, PSI io,
 * procs_blocked) until woken: for block I/O. */
void io_schedule(void);

/* t's CPU time split into user and system time (Linux's cputime_adjust:
 * the runtime in the proportion of the ticks that found t in each). */
void task_cputime(struct task *t, uint64_t *utime_ns, uint64_t *stime_ns);

#endif
