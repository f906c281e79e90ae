/* See apic.h: the IOAPIC (82093AA data sheet, 3.2): an index register and a
 * data window, one 64-bit redirection entry per input. Reached through the
 * uncached part of the direct map. */
#include <vitro/errno.h>
#include <vitro/layout.h>
#include <vitro/spinlock.h>

#include "../../../../shared/machine.h"
#include "apic.h"
#include "io.h"

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REDIR_TABLE 0x10
#define REDIR_MASKED (1u << 16)

/* The index and window are one pair: two CPUs may not interleave. */
static struct spinlock ioapic_lock = SPINLOCK_INIT;

static uintptr_t ioapic_base(void)
{
	return (uintptr_t)phys_to_virt(MACHINE_IOAPIC_BASE);
}

static void ioapic_write(unsigned int reg, uint32_t value)
{
	mmio_write32(ioapic_base() + IOAPIC_REGSEL, reg);
	mmio_write32(ioapic_base() + IOAPIC_WINDOW, value);
}

static uint32_t ioapic_read(unsigned int reg)
{
	mmio_write32(ioapic_base() + IOAPIC_REGSEL, reg);
	return mmio_read32(ioapic_base() + IOAPIC_WINDOW);
}

unsigned int ioapic_nr_inputs(void)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	uint32_t version = ioapic_read(IOAPIC_REG_VERSION);

	spin_unlock_irqrestore(&ioapic_lock, flags);
	return ((version >> 16) & 0xff) + 1;
}

/* Fixed delivery, physical destination, active high, edge: the low word is
 * the vector alone. The high word goes first, so the entry is never live
 * with a stale destination. */
static void ioapic_set_entry(unsigned int input, uint32_t low, uint32_t dest_apic_id)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);

	ioapic_write(IOAPIC_REDIR_TABLE + 2 * input + 1, dest_apic_id << 24);
	ioapic_write(IOAPIC_REDIR_TABLE + 2 * input, low);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

void ioapic_route_isa_irq(unsigned int irq, unsigned int vector)
{
	ioapic_set_entry(irq, vector & 0xff, lapic_id());
}

int ioapic_route_gsi(unsigned int gsi, unsigned int vector, uint32_t dest_apic_id)
{
	if (gsi >= ioapic_nr_inputs() || dest_apic_id > 0xff)
		return -EINVAL;
	ioapic_set_entry(gsi, vector & 0xff, dest_apic_id);
	return 0;
}

void ioapic_mask_gsi(unsigned int gsi)
{
	if (gsi < ioapic_nr_inputs())
		ioapic_set_entry(gsi, REDIR_MASKED, 0);
}
