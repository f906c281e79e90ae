/* TSC frequency: from vitro's FDT (KVM_GET_TSC_KHZ), else CPUID 0x15 (TSC /
 * crystal ratio) or 0x16 (base MHz), else measured against the PIT, which
 * QEMU microvm provides. kvmclock takes over with the scheduler work. */
#include <vitro/boot_info.h>

#include "io.h"

#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43
#define PIT_HZ 1193182u
#define PIT_CALIBRATE_TICKS 11932u /* 10 ms */

static uint32_t tsc_khz_from_cpuid(void)
{
	uint32_t max, a, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c)
			return (uint32_t)((uint64_t)c * b / a / 1000);
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		if (a & 0xffff)
			return (a & 0xffff) * 1000;
	}
	return 0;
}

static uint16_t pit_read_channel0(void)
{
	uint8_t lo, hi;

	outb(PIT_COMMAND, 0x00); /* latch channel 0 */
	lo = inb(PIT_CHANNEL0);
	hi = inb(PIT_CHANNEL0);
	return (uint16_t)(hi << 8 | lo);
}

/* Runs channel 0 in mode 2 from 0xffff and times a known number of ticks. */
static uint32_t tsc_khz_from_pit(void)
{
	uint16_t start, now;
	uint64_t tsc0, tsc1;
	unsigned int spins = 0;

	outb(PIT_COMMAND, 0x34); /* channel 0, lo/hi, mode 2 */
	outb(PIT_CHANNEL0, 0xff);
	outb(PIT_CHANNEL0, 0xff);
	start = pit_read_channel0();
	if (start == 0xffff && pit_read_channel0() == 0xffff)
		return 0; /* not counting: no PIT */
	tsc0 = rdtsc();
	do {
		now = pit_read_channel0();
		if (++spins > 10000000)
			return 0;
	} while ((uint16_t)(start - now) < PIT_CALIBRATE_TICKS);
	tsc1 = rdtsc();
	return (uint32_t)((tsc1 - tsc0) * PIT_HZ / ((uint16_t)(start - now) * 1000ull));
}

void boot_info_find_tsc(void)
{
	int chosen;

	if (boot_info.has_fdt) {
		chosen = dtb_find_node(&boot_info.fdt, "/chosen");
		if (chosen >= 0)
			dtb_get_u64(&boot_info.fdt, chosen, "vitro,tsc-at-vmm-start",
				    &boot_info.tsc_at_vmm_start);
		if (chosen >= 0 &&
		    !dtb_get_u32(&boot_info.fdt, chosen, "vitro,tsc-khz", &boot_info.tsc_khz) &&
		    boot_info.tsc_khz) {
			boot_info.tsc_source = "device tree";
			return;
		}
	}
	boot_info.tsc_khz = tsc_khz_from_cpuid();
	if (boot_info.tsc_khz) {
		boot_info.tsc_source = "CPUID";
		return;
	}
	boot_info.tsc_khz = tsc_khz_from_pit();
	boot_info.tsc_source = boot_info.tsc_khz ? "PIT calibration" : "unknown";
}

uint64_t tsc_to_ns(uint64_t cycles)
{
	if (!boot_info.tsc_khz)
		return 0;
	/* Split to avoid overflow for long uptimes. */
	return cycles / boot_info.tsc_khz * 1000000ull +
	       cycles % boot_info.tsc_khz * 1000000ull / boot_info.tsc_khz;
}
