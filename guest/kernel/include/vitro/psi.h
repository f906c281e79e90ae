/* Pressure stall information, as Linux defines it (kernel/sched/psi.c,
 * Documentation/accounting/psi.rst): for CPU, memory and I/O, the share of
 * time in which some tasks (SOME) or all non-idle tasks (FULL) were stalled
 * waiting for that resource, as a running total in microseconds and as
 * averages over 10, 60 and 300 seconds updated every 2 seconds.
 *
 * Each CPU tracks which stall states hold from the counts of its tasks
 * (struct psi_cpu, changed under its run queue's lock); the system's stall
 * time is the CPUs' stall times weighted by how long each was non-idle.
 * This file's math is pure (sched/psi.c builds for the host); the scheduler
 * feeds it (sched/accounting.c). */
#ifndef VITRO_PSI_H
#define VITRO_PSI_H

#include <stdbool.h>
#include <stdint.h>

#define PSI_PERIOD_NS 2000000000ull /* the averages' update period */
/* Decay per period, fixed point (FSHIFT bits): 1/exp(2s/10s), (2s/60s),
 * (2s/300s). */
#define PSI_EXP_10S 1677ul
#define PSI_EXP_60S 1981ul
#define PSI_EXP_300S 2034ul

/* What a CPU counts of its tasks. */
enum psi_task_count {
	PSI_NR_IOWAIT, /* asleep waiting for I/O */
	PSI_NR_MEMSTALL, /* in a memory stall (direct reclaim) */
	PSI_NR_RUNNING, /* runnable, the running one included */
	PSI_NR_ONCPU, /* 1 while a task (not the idle task) runs */
	PSI_NR_MEMSTALL_RUNNING, /* running, and in a memory stall */
	NR_PSI_TASK_COUNTS,
};

enum psi_state {
	PSI_IO_SOME,
	PSI_IO_FULL,
	PSI_MEM_SOME,
	PSI_MEM_FULL,
	PSI_CPU_SOME,
	PSI_CPU_FULL,
	PSI_NONIDLE, /* the weight: some task runs, waits or stalls */
	NR_PSI_STATES,
};
#define NR_PSI_STALLS PSI_NONIDLE

enum psi_resource { PSI_IO, PSI_MEM, PSI_CPU };

/* One CPU's state. */
struct psi_cpu {
	unsigned int tasks[NR_PSI_TASK_COUNTS];
	unsigned int state_mask; /* bit per enum psi_state holding now */
	uint64_t state_start_ns; /* since when */
	uint64_t times_ns[NR_PSI_STATES]; /* time each state held, up to state_start_ns */
	uint64_t times_prev_ns[NR_PSI_STATES]; /* what the last collection took */
};

/* The states the counts mean (Linux's test_state()). */
unsigned int psi_state_mask(const unsigned int tasks[NR_PSI_TASK_COUNTS]);
void psi_cpu_init(struct psi_cpu *pc, uint64_t now_ns);
/* Charges the time since the last change to the states that held, then
 * takes the new counts. */
void psi_cpu_change(struct psi_cpu *pc, uint64_t now_ns,
		    const unsigned int tasks[NR_PSI_TASK_COUNTS]);
/* Each state's time up to now_ns, without changing anything. */
void psi_cpu_times(const struct psi_cpu *pc, uint64_t now_ns, uint64_t times_ns[NR_PSI_STATES]);
/* The time each state held since the previous collection (capped at
 * UINT32_MAX ns, as Linux's 32-bit samples are; collections come every 2 s
 * while anything runs). */
void psi_cpu_collect(struct psi_cpu *pc, uint64_t now_ns, uint32_t delta_ns[NR_PSI_STATES]);

/* The system's totals and averages. */
struct psi_system {
	uint64_t total_ns[NR_PSI_STALLS]; /* stall time, non-idle weighted */
	uint64_t avg_total_ns[NR_PSI_STALLS]; /* the part the averages have seen */
	unsigned long avg[NR_PSI_STALLS][3]; /* 10 s, 60 s, 300 s; fixed-point percent */
	uint64_t avg_last_update_ns;
	uint64_t avg_next_update_ns;
};

void psi_system_init(struct psi_system *ps, uint64_t now_ns);
/* Adds the CPUs' stall times since the last collection: each CPU's counts
 * in proportion to its share of the non-idle time. */
void psi_system_fold(struct psi_system *ps, const uint32_t (*delta_ns)[NR_PSI_STATES],
		     unsigned int nr_cpus);
/* Moves the averages on if a period has ended by now_ns (periods with
 * nothing in them decay to zero); returns whether it did. */
bool psi_system_update_averages(struct psi_system *ps, uint64_t now_ns);

#endif
