/* Interrupt controllers: the legacy 8259 PICs (masked), the local APIC in
 * xAPIC mode and the IOAPIC, enough to route ISA device interrupts to the
 * boot CPU. SMP, IPIs and the APIC timer come with the scheduler. */
#ifndef ARCH_X86_APIC_H
#define ARCH_X86_APIC_H

#include <stdint.h>

void pic_mask_all(void);
void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);

/* Routes ISA IRQ irq (edge, active high) to vector on the boot CPU. */
void ioapic_route_isa_irq(unsigned int irq, unsigned int vector);

#endif
