/* The monotonic clock. kvmclock (pvclock, MSR_KVM_SYSTEM_TIME_NEW) when KVM
 * advertises it in CPUID 0x40000001, as Linux's arch/x86/kernel/kvmclock.c;
 * otherwise the TSC scaled by the frequency found at boot (QEMU TCG). The
 * wall clock comes from MSR_KVM_WALL_CLOCK_NEW when available. */
#include <vitro/boot_info.h>
#include <vitro/compiler.h>
#include <vitro/layout.h>
#include <vitro/time.h>

#include "io.h"
#include "rtc_cmos.h"

#define KVM_CPUID_SIGNATURE 0x40000000
#define KVM_CPUID_FEATURES 0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01

/* The layout KVM writes (Documentation/virt/kvm/x86/msr.rst). */
struct pvclock_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __attribute__((packed));

struct pvclock_wall_clock {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __attribute__((packed));

static struct pvclock_vcpu_time_info kvmclock_info __attribute__((aligned(64)));
static struct pvclock_wall_clock kvm_wall_clock __attribute__((aligned(64)));
static bool use_kvmclock;
static uint64_t boot_ns; /* clock value at time_init(): "since boot" starts there */
static uint64_t boot_tsc;
static uint64_t wall_at_boot_ns;

/* (delta * mul) >> 32 without a 128-bit type: split delta in halves. */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return ((delta & 0xffffffffull) * mul >> 32) + (delta >> 32) * mul;
}

static uint64_t kvmclock_read(void)
{
	uint32_t version;
	uint64_t ns;

	do {
		version = READ_ONCE(kvmclock_info.version);
		barrier();
		ns = kvmclock_info.system_time + scale_delta(rdtsc() - kvmclock_info.tsc_timestamp,
							     kvmclock_info.tsc_to_system_mul,
							     kvmclock_info.tsc_shift);
		barrier();
	} while ((version & 1) || version != READ_ONCE(kvmclock_info.version));
	return ns;
}

static bool has_kvm_clocksource2(void)
{
	uint32_t max, b, c, d, features;

	cpuid(KVM_CPUID_SIGNATURE, 0, &max, &b, &c, &d);
	/* "KVMKVMKVM\0\0\0" in EBX, ECX, EDX. */
	if (b != 0x4b4d564b || c != 0x564b4d56 || d != 0x4d || max < KVM_CPUID_FEATURES)
		return false;
	cpuid(KVM_CPUID_FEATURES, 0, &features, &b, &c, &d);
	return features & KVM_FEATURE_CLOCKSOURCE2;
}

static void read_kvm_wall_clock(void)
{
	uint32_t version;

	wrmsr(MSR_KVM_WALL_CLOCK_NEW, virt_to_phys(&kvm_wall_clock));
	do {
		version = READ_ONCE(kvm_wall_clock.version);
		barrier();
		/* The wall clock at the moment kvmclock read 0. */
		wall_at_boot_ns = kvm_wall_clock.sec * NSEC_PER_SEC + kvm_wall_clock.nsec;
		barrier();
	} while ((version & 1) || version != READ_ONCE(kvm_wall_clock.version));
}

static uint64_t clock_raw_ns(void)
{
	return use_kvmclock ? kvmclock_read() : tsc_to_ns(rdtsc() - boot_tsc);
}

void clock_init(void)
{
	if (has_kvm_clocksource2()) {
		wrmsr(MSR_KVM_SYSTEM_TIME_NEW, virt_to_phys(&kvmclock_info) | 1);
		use_kvmclock = kvmclock_info.tsc_to_system_mul != 0;
		if (use_kvmclock)
			read_kvm_wall_clock();
	}
	boot_tsc = rdtsc();
	boot_ns = clock_raw_ns();
	if (use_kvmclock)
		wall_at_boot_ns += boot_ns;
	/* No paravirtual wall clock: the CMOS RTC, where there is one. */
	else if (!rtc_cmos_read_ns(&wall_at_boot_ns))
		wall_at_boot_ns = 0;
}

uint64_t ktime_get_ns(void)
{
	return clock_raw_ns() - boot_ns;
}

uint64_t ktime_get_real_ns(void)
{
	return wall_at_boot_ns + ktime_get_ns();
}

const char *clocksource_name(void)
{
	return use_kvmclock ? "kvm-clock" : "tsc";
}
