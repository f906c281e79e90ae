/* Interrupt controllers: the legacy 8259 PICs (masked), the local APIC in
 * x2APIC mode where the CPU has it (else xAPIC) and the IOAPIC, enough to
 * route ISA and virtio-mmio interrupts to a CPU; start-up IPIs and others. */
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

/* The IOAPIC (ioapic.c). Routes ISA IRQ irq (edge, active high) to vector on
 * the calling CPU. */
void ioapic_route_isa_irq(unsigned int irq, unsigned int vector);

/* Routes GSI gsi to vector on the CPU with dest_apic_id, edge-triggered and
 * active high (what virtio-mmio lines and KVM's irqfd pulses need), unmasked.
 * -EINVAL if the IOAPIC has no such input. */
int ioapic_route_gsi(unsigned int gsi, unsigned int vector, uint32_t dest_apic_id);
/* Masks the input again. */
void ioapic_mask_gsi(unsigned int gsi);
/* Inputs the IOAPIC has (its version register's maximum entry + 1). */
unsigned int ioapic_nr_inputs(void);

#endif
