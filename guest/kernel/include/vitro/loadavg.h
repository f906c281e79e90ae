/* The load average, as Linux computes it (kernel/sched/loadavg.c): every 5
 * seconds each of three exponentially damped averages moves towards the
 * number of active tasks (runnable plus uninterruptible), in fixed point with
 * FSHIFT fractional bits and the decay factors e^(-5/60), e^(-5/300) and
 * e^(-5/900). The math and the 5-second bookkeeping are pure (sched/loadavg.c
 * builds for the host); the scheduler feeds them (sched/accounting.c).
 *
 * One difference: Linux samples the number of active tasks at the tick
 * after each 5-second mark; this kernel's tick stops on idle CPUs, so the
 * scheduler integrates the count over time instead, and each update takes
 * the average number of active tasks since the previous one. */
#ifndef VITRO_LOADAVG_H
#define VITRO_LOADAVG_H

#include <stdbool.h>
#include <stdint.h>

#define FSHIFT 11 /* bits of precision */
#define FIXED_1 (1ul << FSHIFT) /* 1.0 */
#define LOAD_FREQ_NS 5000000000ull /* 5 s between updates */
#define EXP_1 1884ul /* 1/exp(5s/1min) as fixed point */
#define EXP_5 2014ul /* 1/exp(5s/5min) */
#define EXP_15 2037ul /* 1/exp(5s/15min) */

/* The integer and hundredths of a fixed-point value, as /proc prints it. */
#define LOAD_INT(x) ((unsigned long)(x) >> FSHIFT)
#define LOAD_FRAC(x) LOAD_INT(((x) & (FIXED_1 - 1)) * 100)

/* One step of the average: load * exp + active * (1 - exp), rounded up
 * while the load rises so that it can reach active. */
unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active);
/* x^n for a fixed-point x with frac_bits fractional bits, rounded at every
 * step. */
unsigned long fixed_power_int(unsigned long x, unsigned int frac_bits, unsigned int n);
/* n steps at once with the same active (intervals the tick slept through). */
unsigned long calc_load_n(unsigned long load, unsigned long exp, unsigned long active,
			  unsigned int n);

struct loadavg {
	unsigned long avenrun[3]; /* 1, 5 and 15 minutes, fixed point */
	uint64_t next_update_ns; /* the next 5-second mark */
	uint64_t last_ns; /* when active_ns was last taken */
	uint64_t last_active_ns; /* the integral at last_ns */
};

void loadavg_init(struct loadavg *la, uint64_t now_ns);
/* Updates the averages for every 5-second mark passed by now_ns, given
 * active_ns: the integral of the number of active tasks over time (task
 * nanoseconds since boot) at now_ns. Returns whether any mark had passed. */
bool loadavg_update(struct loadavg *la, uint64_t now_ns, uint64_t active_ns);

#endif
