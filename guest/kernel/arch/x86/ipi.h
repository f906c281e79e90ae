/* Inter-processor interrupts: their vectors (Linux's numbers) and the calls that send them. */
#ifndef ARCH_X86_IPI_H
#define ARCH_X86_IPI_H

#include <stdbool.h>
#include <stdint.h>

#define RESCHEDULE_VECTOR 0xfd /* the scheduler asks a CPU to reschedule */
#define CALL_FUNCTION_VECTOR 0xfc /* smp_call_function_single() */
/* TLB_SHOOTDOWN_VECTOR 0xfb: tlb_shootdown.h */

/* A fixed interrupt on vector to the CPU with apic_id (apic.c). */
void lapic_send_ipi(uint32_t apic_id, unsigned int vector);

/* Runs fn(arg) on cpu with interrupts off (at once if it is this CPU) and returns once it ran;
 * the caller must have interrupts on. -ENXIO if cpu is not online. (smp_call.c) */
int smp_call_function_single(unsigned int cpu, void (*fn)(void *arg), void *arg);
void smp_call_init(void);

#endif
