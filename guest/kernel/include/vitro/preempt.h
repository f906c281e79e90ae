/* Kernel preemption control. A per-CPU count (in struct cpu_local) says whether the running
 * task may be switched out: 0 means yes; spinlocks, explicit preempt_disable() and interrupt
 * handlers raise it. need_resched is the per-CPU flag the scheduler sets when the running
 * task should give the CPU up; the count dropping to 0 and the return from an interrupt check
 * it (Linux's preempt_count and TIF_NEED_RESCHED). Host builds have no preemption. */
#ifndef VITRO_PREEMPT_H
#define VITRO_PREEMPT_H

#include <stdbool.h>
#include <vitro/compiler.h>

#define PREEMPT_MASK 0x0000ffff
#define HARDIRQ_OFFSET 0x00010000 /* added while an interrupt handler runs */
#define HARDIRQ_MASK 0xffff0000

#define CPU_LOCAL_PREEMPT_COUNT_OFFSET 16
#define CPU_LOCAL_NEED_RESCHED_OFFSET 20

#ifdef VITRO_HOST_BUILD
static inline void preempt_disable(void)
{
}

static inline void preempt_enable_no_resched(void)
{
}

static inline void preempt_enable(void)
{
}

static inline int preempt_count(void)
{
	return 0;
}
#else
static inline int preempt_count(void)
{
	int count;

	__asm__ __volatile__("movl %%gs:16, %0" : "=r"(count));
	return count;
}

static inline void preempt_count_add(int n)
{
	__asm__ __volatile__("addl %0, %%gs:16" : : "ri"(n) : "memory");
}

static inline void preempt_count_sub(int n)
{
	__asm__ __volatile__("subl %0, %%gs:16" : : "ri"(n) : "memory");
}

static inline bool need_resched(void)
{
	int flag;

	__asm__ __volatile__("movl %%gs:20, %0" : "=r"(flag));
	return flag;
}

static inline void preempt_disable(void)
{
	preempt_count_add(1);
}

static inline void preempt_enable_no_resched(void)
{
	preempt_count_sub(1);
}

/* Switches to another task if one is waiting for this CPU (sched/schedule.c). */
void preempt_schedule(void);
/* The same from an interrupt's return to kernel code (interrupts off). */
void preempt_schedule_irq(void);

static inline void preempt_enable(void)
{
	preempt_enable_no_resched();
	if (unlikely(need_resched()) && !preempt_count())
		preempt_schedule();
}

static inline bool in_interrupt(void)
{
	return preempt_count() & HARDIRQ_MASK;
}
#endif

#endif
