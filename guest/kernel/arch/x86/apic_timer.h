/* The local APIC timer, programmed one shot at a time (apic_timer.c). */
#ifndef ARCH_X86_APIC_TIMER_H
#define ARCH_X86_APIC_TIMER_H

#include <stdint.h>

#include "traps.h"

/* Linux's LOCAL_TIMER_VECTOR. */
#define LOCAL_TIMER_VECTOR 0xec

void apic_timer_init(irq_handler_fn handler);
/* Interrupts once, delta_ns from now. */
void apic_timer_program(uint64_t delta_ns);
void apic_timer_stop(void);

#endif
