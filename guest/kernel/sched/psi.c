/* See vitro/psi.h: per-CPU stall states from task counts, the system's
 * non-idle weighted totals and the 10/60/300-second averages. No hardware;
 * builds for the host. */
#include <vitro/loadavg.h>
#include <vitro/psi.h>
#include <vitro/string.h>

unsigned int psi_state_mask(const unsigned int tasks[NR_PSI_TASK_COUNTS])
{
	unsigned int mask = 0;

	if (tasks[PSI_NR_IOWAIT]) {
		mask |= 1u << PSI_IO_SOME;
		if (!tasks[PSI_NR_RUNNING])
			mask |= 1u << PSI_IO_FULL;
	}
	if (tasks[PSI_NR_MEMSTALL]) {
		mask |= 1u << PSI_MEM_SOME;
		/* Full: whatever runs is stalled too. */
		if (tasks[PSI_NR_RUNNING] == tasks[PSI_NR_MEMSTALL_RUNNING])
			mask |= 1u << PSI_MEM_FULL;
	}
	/* Runnable tasks wait while another has the CPU. */
	if (tasks[PSI_NR_RUNNING] > tasks[PSI_NR_ONCPU])
		mask |= 1u << PSI_CPU_SOME;
	if (tasks[PSI_NR_RUNNING] && !tasks[PSI_NR_ONCPU])
		mask |= 1u << PSI_CPU_FULL;
	if (tasks[PSI_NR_IOWAIT] || tasks[PSI_NR_MEMSTALL] || tasks[PSI_NR_RUNNING])
		mask |= 1u << PSI_NONIDLE;
	return mask;
}

void psi_cpu_init(struct psi_cpu *pc, uint64_t now_ns)
{
	memset(pc, 0, sizeof(*pc));
	pc->state_start_ns = now_ns;
}

void psi_cpu_times(const struct psi_cpu *pc, uint64_t now_ns, uint64_t times_ns[NR_PSI_STATES])
{
	uint64_t delta = now_ns > pc->state_start_ns ? now_ns - pc->state_start_ns : 0;

	for (unsigned int s = 0; s < NR_PSI_STATES; s++)
		times_ns[s] = pc->times_ns[s] + ((pc->state_mask >> s) & 1 ? delta : 0);
}

void psi_cpu_change(struct psi_cpu *pc, uint64_t now_ns,
		    const unsigned int tasks[NR_PSI_TASK_COUNTS])
{
	psi_cpu_times(pc, now_ns, pc->times_ns);
	if (now_ns > pc->state_start_ns)
		pc->state_start_ns = now_ns;
	memcpy(pc->tasks, tasks, sizeof(pc->tasks));
	pc->state_mask = psi_state_mask(tasks);
}

void psi_cpu_collect(struct psi_cpu *pc, uint64_t now_ns, uint32_t delta_ns[NR_PSI_STATES])
{
	uint64_t times[NR_PSI_STATES];

	psi_cpu_times(pc, now_ns, times);
	for (unsigned int s = 0; s < NR_PSI_STATES; s++) {
		uint64_t delta = times[s] - pc->times_prev_ns[s];

		delta_ns[s] = delta > UINT32_MAX ? UINT32_MAX : (uint32_t)delta;
		pc->times_prev_ns[s] = times[s];
	}
}

void psi_system_init(struct psi_system *ps, uint64_t now_ns)
{
	memset(ps, 0, sizeof(*ps));
	ps->avg_last_update_ns = now_ns;
	ps->avg_next_update_ns = now_ns + PSI_PERIOD_NS;
}

/*
 * With one CPU the stall time is the CPU's. With several, Linux weighs each
 * CPU's stall time by its non-idle time: a CPU that was busy all along and
 * stalled half of it counts for more than one that was busy for an instant.
 */
void psi_system_fold(struct psi_system *ps, const uint32_t (*delta_ns)[NR_PSI_STATES],
		     unsigned int nr_cpus)
{
	uint64_t nonidle_total = 0;

	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		nonidle_total += delta_ns[cpu][PSI_NONIDLE];
	if (!nonidle_total)
		return;
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		uint64_t nonidle = delta_ns[cpu][PSI_NONIDLE];

		if (!nonidle)
			continue;
		for (unsigned int s = 0; s < NR_PSI_STALLS; s++)
			ps->total_ns[s] += (uint64_t)delta_ns[cpu][s] * nonidle / nonidle_total;
	}
}

static void calc_avgs(unsigned long avg[3], uint64_t missed_periods, uint64_t stall_ns,
		      uint64_t period_ns)
{
	static const unsigned long exps[3] = { PSI_EXP_10S, PSI_EXP_60S, PSI_EXP_300S };
	unsigned long pct = period_ns ? (unsigned long)(stall_ns * 100 / period_ns) * FIXED_1 : 0;
	unsigned int n = missed_periods > 100000 ? 100000 : (unsigned int)missed_periods;

	for (unsigned int i = 0; i < 3; i++) {
		/* Periods that ended unseen had no stall in them. */
		if (n)
			avg[i] = calc_load_n(avg[i], exps[i], 0, n);
		avg[i] = calc_load(avg[i], exps[i], pct);
	}
}

bool psi_system_update_averages(struct psi_system *ps, uint64_t now_ns)
{
	uint64_t missed = 0, period;

	if (now_ns < ps->avg_next_update_ns)
		return false;
	if (now_ns - ps->avg_next_update_ns >= PSI_PERIOD_NS)
		missed = (now_ns - ps->avg_next_update_ns) / PSI_PERIOD_NS;
	ps->avg_next_update_ns += (missed + 1) * PSI_PERIOD_NS;
	/* The most recent period runs from the last update, less the missed
	 * ones, to now. */
	period = now_ns - (ps->avg_last_update_ns + missed * PSI_PERIOD_NS);
	ps->avg_last_update_ns = now_ns;
	for (unsigned int s = 0; s < NR_PSI_STALLS; s++) {
		uint64_t sample = ps->total_ns[s] - ps->avg_total_ns[s];

		/* Stalls folded in late can come to more than the period. */
		if (sample > period)
			sample = period;
		ps->avg_total_ns[s] += sample;
		calc_avgs(ps->avg[s], missed, sample, period);
	}
	return true;
}
