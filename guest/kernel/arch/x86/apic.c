/* See apic.h. Register offsets from the Intel SDM vol. 3, chapter 11; the
 * IOAPIC is ioapic.c. Reached through the uncached part of the direct map. */
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

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)
#define MSR_X2APIC_FIRST 0x800 /* register at MMIO offset o is MSR 0x800 + o / 16 */
#define CPUID_1_ECX_X2APIC (1u << 21)

/* x2APIC mode: registers are MSRs (no MMIO decode in the hypervisor), IDs 32 bits, the ICR one
 * write. Chosen on the boot CPU when CPUID offers it, unless `nox2apic`; every CPU follows. */
static bool use_x2apic;

static uintptr_t lapic_base(void)
{
	return (uintptr_t)phys_to_virt(MACHINE_LAPIC_BASE);
}

uint32_t lapic_read(unsigned int offset)
{
	if (use_x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (offset >> 4));
	return mmio_read32(lapic_base() + offset);
}

void lapic_write(unsigned int offset, uint32_t value)
{
	if (use_x2apic)
		wrmsr(MSR_X2APIC_FIRST + (offset >> 4), value);
	else
		mmio_write32(lapic_base() + offset, value);
}

void lapic_choose_mode(bool allow_x2apic)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	use_x2apic = allow_x2apic && (c & CPUID_1_ECX_X2APIC);
}

const char *lapic_mode_name(void)
{
	return use_x2apic ? "x2apic" : "xapic";
}

void pic_mask_all(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

void lapic_init(void)
{
	if (use_x2apic) /* xAPIC first if off: the SDM allows no direct jump from disabled */
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return use_x2apic ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> 24;
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

	if (use_x2apic) {
		wrmsr(MSR_X2APIC_FIRST + (LAPIC_ICR_LOW >> 4), (uint64_t)apic_id << 32 | low);
		return;
	}
	lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
	lapic_write(LAPIC_ICR_LOW, low);
	while ((lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING) && ++spins < 100000)
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
