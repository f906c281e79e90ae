/* See apic.h. Register offsets from the Intel SDM vol. 3, chapter 11, and
 * the 82093AA IOAPIC data sheet. Both are reached through the uncached part
 * of the direct map. */
#include "apic.h"

#include <vitro/cpu.h>
#include <vitro/layout.h>

#include "../../../../shared/machine.h"
#include "io.h"
#include "ipi.h"

#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_SVR_ENABLE 0x100
#define SPURIOUS_VECTOR 0xff

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REDIR_TABLE 0x10

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

static uintptr_t lapic_base(void)
{
	return (uintptr_t)phys_to_virt(MACHINE_LAPIC_BASE);
}

static uintptr_t ioapic_base(void)
{
	return (uintptr_t)phys_to_virt(MACHINE_IOAPIC_BASE);
}

void pic_mask_all(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

void lapic_init(void)
{
	mmio_write32(lapic_base() + LAPIC_TPR, 0);
	mmio_write32(lapic_base() + LAPIC_SVR, LAPIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

void lapic_eoi(void)
{
	mmio_write32(lapic_base() + LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return mmio_read32(lapic_base() + LAPIC_ID) >> 24;
}

#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)

static void lapic_send_icr(uint32_t apic_id, uint32_t low)
{
	unsigned int spins = 0;

	mmio_write32(lapic_base() + LAPIC_ICR_HIGH, apic_id << 24);
	mmio_write32(lapic_base() + LAPIC_ICR_LOW, low);
	while ((mmio_read32(lapic_base() + LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING) &&
	       ++spins < 100000)
		;
}

void lapic_send_init(uint32_t apic_id)
{
	lapic_send_icr(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, unsigned int vector)
{
	lapic_send_icr(apic_id, ICR_STARTUP | (vector & 0xff));
}

#define ICR_ALL_BUT_SELF (3u << 18)

void lapic_send_ipi_all_but_self(unsigned int vector)
{
	lapic_send_icr(0, ICR_ALL_BUT_SELF | (vector & 0xff));
}

void lapic_send_ipi(uint32_t apic_id, unsigned int vector)
{
	unsigned long flags = local_irq_save(); /* ICR high and low belong together */

	lapic_send_icr(apic_id, vector & 0xff);
	local_irq_restore(flags);
}

static void ioapic_write(unsigned int reg, uint32_t value)
{
	mmio_write32(ioapic_base() + IOAPIC_REGSEL, reg);
	mmio_write32(ioapic_base() + IOAPIC_WINDOW, value);
}

void ioapic_route_isa_irq(unsigned int irq, unsigned int vector)
{
	/* High word first, so the entry is never live with a stale destination. */
	ioapic_write(IOAPIC_REDIR_TABLE + 2 * irq + 1, lapic_id() << 24);
	ioapic_write(IOAPIC_REDIR_TABLE + 2 * irq, vector);
}
