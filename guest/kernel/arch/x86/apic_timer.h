/* The local APIC timer, programmed one shot at a time (apic_timer.c). */
#ifndef ARCH_X86_APIC_TIMER_H
#define ARCH_X86_APIC_TIMER_H

#include <stdint.h>

#include "traps.h"

/* Linux's LOCAL_TIMER_VECTOR. */
#define LOCAL_TIMER_VECTOR 0xec

/* The boot CPU: calibrates if needed and routes the vector to handler. */
void apic_timer_init(irq_handler_fn handler);
/* Puts this CPU's timer in the mode the boot CPU chose. */
void apic_timer_init_cpu(void);
/* Interrupts once, delta_ns from now. */
void apic_timer_program(uint64_t delta_ns);
void apic_timer_stop(void);

#endif
