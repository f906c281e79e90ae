/* The CPU this code runs on and local interrupt control. In the kernel these
 * are per-CPU data and cli/sti; in a host build (unit tests, benchmarks) the
 * "current CPU" is a variable tests set to simulate several CPUs, and the
 * interrupt flag is a variable too. */
#ifndef VITRO_CPU_H
#define VITRO_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Upper bound on CPUs the kernel supports; per-CPU arrays are this long. */
#define NR_CPUS 256

#ifdef VITRO_HOST_BUILD
extern unsigned int host_current_cpu;

static inline unsigned int smp_processor_id(void)
{
	return host_current_cpu;
}

/* The simulated interrupt flag: code that checks whether it runs with
 * interrupts off sees the truth. */
extern bool host_irqs_off;

static inline unsigned long local_irq_save(void)
{
	unsigned long was_off = host_irqs_off;

	host_irqs_off = true;
	return was_off;
}

static inline void local_irq_restore(unsigned long flags)
{
	host_irqs_off = flags;
}

static inline bool irqs_disabled(void)
{
	return host_irqs_off;
}
#else
/* The CPU number in this CPU's per-CPU block (vitro/percpu.h), through GS:
 * one instruction, no matter how many CPUs. */
static inline unsigned int smp_processor_id(void)
{
	unsigned int cpu;

	__asm__("movl %%gs:8, %0" : "=r"(cpu));
	return cpu;
}

static inline unsigned long local_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9)) /* IF */
		__asm__ __volatile__("sti" : : : "memory");
}

static inline bool irqs_disabled(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return !(flags & (1ul << 9));
}
#endif

#endif
