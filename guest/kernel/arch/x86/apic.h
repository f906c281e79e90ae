/* Interrupt controllers: the legacy 8259 PICs (masked), the local APIC in
 * x2APIC mode where the CPU has it (else xAPIC) and the IOAPIC, enough to
 * route ISA device interrupts to the boot CPU; start-up IPIs and others. */
#ifndef ARCH_X86_APIC_H
#define ARCH_X86_APIC_H

#include <stdbool.h>
#include <stdint.h>

void pic_mask_all(void);
/* Picks x2APIC mode if the CPU has it and allow_x2apic; call once, before lapic_init(). */
void lapic_choose_mode(bool allow_x2apic);
const char *lapic_mode_name(void);
/* Enables this CPU's local APIC (in the chosen mode). */
void lapic_init(void);
/* A register by its xAPIC MMIO offset, whatever the mode. */
uint32_t lapic_read(unsigned int offset);
void lapic_write(unsigned int offset, uint32_t value);
void lapic_eoi(void);
uint32_t lapic_id(void);

/* Sends INIT, then a start-up IPI with vector (page number of the start
 * code), to the CPU with apic_id (SDM vol. 3, 9.4.4 and 11.6.1). */
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, unsigned int vector);

/* A fixed interrupt on vector to every other CPU. */
void lapic_send_ipi_all_but_self(unsigned int vector);

/* Routes ISA IRQ irq (edge, active high) to vector on the boot CPU. */
void ioapic_route_isa_irq(unsigned int irq, unsigned int vector);

#endif
