/* Inter-processor interrupts: their vectors (Linux's numbers) and the calls that send them. */
#ifndef ARCH_X86_IPI_H
#define ARCH_X86_IPI_H

#include <stdbool.h>
#include <stdint.h>

#define RESCHEDULE_VECTOR 0xfd /* the scheduler asks a CPU to reschedule */
#define CALL_FUNCTION_VECTOR 0xfc /* smp_call_function_single() */
/* TLB_SHOOTDOWN_VECTOR 0xfb: tlb_shootdown.h */

#include <vitro/list.h>

/* A call for another CPU (smp_call.c). For smp_call_function_async() the
 * caller owns it and sets fn and arg; it may be queued again once fn starts. */
struct call_single_data {
	struct list_head link;
	void (*fn)(void *arg);
	void *arg;
	int is_queued; /* async: on a CPU's queue, fn not started yet */
	int is_done; /* sync: fn returned */
	bool is_async;
};

/* A fixed interrupt on vector to the CPU with apic_id (apic.c). */
void lapic_send_ipi(uint32_t apic_id, unsigned int vector);

/* Runs fn(arg) on cpu with interrupts off (at once if it is this CPU) and returns once it ran;
 * the caller must have interrupts on. -ENXIO if cpu is not online. (smp_call.c) */
int smp_call_function_single(unsigned int cpu, void (*fn)(void *arg), void *arg);
/* Queues csd->fn(csd->arg) to run on cpu from its call-function interrupt
 * (interrupts off there) and returns at once, any context. -EBUSY if csd is
 * still queued (its fn has yet to run, which will do), -ENXIO if cpu is not
 * online. */
int smp_call_function_async(unsigned int cpu, struct call_single_data *csd);
void smp_call_init(void);

#endif
