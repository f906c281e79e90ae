/* The local APIC timer as the clock-event device: TSC-deadline mode when
 * CPUID.01H:ECX[24] says the CPU has it (KVM, real hosts), else one-shot
 * mode counting the APIC timer's own frequency, measured against the TSC at
 * boot (SDM vol. 3, 11.5.4). It interrupts on LOCAL_TIMER_VECTOR. */
#include <vitro/boot_info.h>
#include <vitro/layout.h>
#include <vitro/time.h>

#include "../../../../shared/machine.h"
#include "apic.h"
#include "apic_timer.h"
#include "io.h"
#include "traps.h"

#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define TIMER_DIVIDE_BY_1 0xb
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

static bool has_tsc_deadline;
static uint64_t apic_ticks_per_ms;

/* Counts how far the APIC timer runs down in 1 ms of TSC time. */
static void calibrate_oneshot(void)
{
	uint64_t start, wait = boot_info.tsc_khz;

	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LOCAL_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INITIAL, 0xffffffffu);
	start = rdtsc();
	while (rdtsc() - start < wait)
		;
	apic_ticks_per_ms = 0xffffffffu - lapic_read(LAPIC_TIMER_CURRENT);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
}

void apic_timer_init_cpu(void)
{
	if (has_tsc_deadline) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | LOCAL_TIMER_VECTOR);
		return;
	}
	/* Every CPU's APIC timer runs at the bus clock the boot CPU measured. */
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER, LOCAL_TIMER_VECTOR); /* one-shot */
}

void apic_timer_init(irq_handler_fn handler)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	has_tsc_deadline = (c & CPUID_1_ECX_TSC_DEADLINE) && boot_info.tsc_khz;
	irq_set_handler(LOCAL_TIMER_VECTOR, handler, NULL);
	if (!has_tsc_deadline)
		calibrate_oneshot();
	apic_timer_init_cpu();
}

void apic_timer_program(uint64_t delta_ns)
{
	if (has_tsc_deadline) {
		uint64_t cycles = delta_ns / 1000 * boot_info.tsc_khz / 1000;

		wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + (cycles ? cycles : 1));
		return;
	}
	{
		uint64_t ticks = delta_ns * apic_ticks_per_ms / NSEC_PER_MSEC;

		if (!ticks)
			ticks = 1;
		if (ticks > 0xffffffffu)
			ticks = 0xffffffffu; /* fires early; the queue re-arms */
		lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)ticks);
	}
}

void apic_timer_stop(void)
{
	if (has_tsc_deadline)
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	else
		lapic_write(LAPIC_TIMER_INITIAL, 0);
}

const char *clockevent_name(void)
{
	return has_tsc_deadline ? "tsc-deadline" : "lapic-oneshot";
}
