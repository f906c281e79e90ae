/* Sets of CPUs (affinity masks, online CPUs), one bit per CPU up to NR_CPUS. */
#ifndef VITRO_CPUMASK_H
#define VITRO_CPUMASK_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/cpu.h>

#define CPUMASK_WORDS ((NR_CPUS + 63) / 64)

struct cpumask {
	uint64_t bits[CPUMASK_WORDS];
};

static inline void cpumask_clear(struct cpumask *mask)
{
	unsigned int i;

	for (i = 0; i < CPUMASK_WORDS; i++)
		mask->bits[i] = 0;
}

static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *mask)
{
	mask->bits[cpu / 64] |= 1ull << (cpu % 64);
}

static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *mask)
{
	mask->bits[cpu / 64] &= ~(1ull << (cpu % 64));
}

static inline bool cpumask_test_cpu(unsigned int cpu, const struct cpumask *mask)
{
	return cpu < NR_CPUS && (mask->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/* The first nr_cpus CPUs. */
static inline void cpumask_set_first(struct cpumask *mask, unsigned int nr_cpus)
{
	unsigned int cpu;

	cpumask_clear(mask);
	for (cpu = 0; cpu < nr_cpus && cpu < NR_CPUS; cpu++)
		cpumask_set_cpu(cpu, mask);
}

static inline unsigned int cpumask_weight(const struct cpumask *mask)
{
	unsigned int i, n = 0;

	for (i = 0; i < CPUMASK_WORDS; i++) {
		uint64_t w = mask->bits[i];

		for (; w; w &= w - 1) /* no popcnt: it stops ring-0 guests on nested hosts */
			n++;
	}
	return n;
}

static inline bool cpumask_intersects(const struct cpumask *a, const struct cpumask *b)
{
	unsigned int i;

	for (i = 0; i < CPUMASK_WORDS; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

/* The first CPU in mask at or after cpu, or NR_CPUS. */
static inline unsigned int cpumask_next_from(unsigned int cpu, const struct cpumask *mask)
{
	for (; cpu < NR_CPUS; cpu++) {
		uint64_t w = mask->bits[cpu / 64] >> (cpu % 64);

		if (w & 1)
			return cpu;
		if (!w)
			cpu |= 63; /* rest of this word is empty */
	}
	return NR_CPUS;
}

#define for_each_cpu(cpu, mask)                                     \
	for ((cpu) = cpumask_next_from(0, (mask)); (cpu) < NR_CPUS; \
	     (cpu) = cpumask_next_from((cpu) + 1, (mask)))

#endif
