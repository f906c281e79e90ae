/* The monotonic clock. kvmclock (pvclock, MSR_KVM_SYSTEM_TIME_NEW) when KVM
 * advertises it in CPUID 0x40000001, as Linux's arch/x86/kernel/kvmclock.c;
 * otherwise the TSC scaled by the frequency found at boot (QEMU TCG). The
 * wall clock comes from MSR_KVM_WALL_CLOCK_NEW when available. The clock's
 * state is the vvar page (vitro/vvar.h), which the vDSO reads the same way
 * from user space. */
#include <vitro/boot_info.h>
#include <vitro/compiler.h>
#include <vitro/cpu.h>
#include <vitro/layout.h>
#include <vitro/mm.h>
#include <vitro/printk.h>
#include <vitro/time.h>
#include <vitro/vvar.h>

#include "clock.h"
#include "io.h"
#include "rtc_cmos.h"

#define KVM_CPUID_SIGNATURE 0x40000000
#define KVM_CPUID_FEATURES 0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01

struct pvclock_wall_clock {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __attribute__((packed));

static struct pvclock_wall_clock kvm_wall_clock __attribute__((aligned(64)));
static struct page *vvar_page;
static struct vvar_page *vvar;

static uint64_t kernel_read_tsc(void)
{
	return rdtsc();
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

/* The wall clock at the moment kvmclock read 0, in nanoseconds. */
static uint64_t read_kvm_wall_clock(void)
{
	uint32_t version;
	uint64_t ns;

	wrmsr(MSR_KVM_WALL_CLOCK_NEW, virt_to_phys(&kvm_wall_clock));
	do {
		version = READ_ONCE(kvm_wall_clock.version);
		barrier();
		ns = kvm_wall_clock.sec * NSEC_PER_SEC + kvm_wall_clock.nsec;
		barrier();
	} while ((version & 1) || version != READ_ONCE(kvm_wall_clock.version));
	return ns;
}

/* The record KVM would write, written once by us: the TSC from now on. */
static void pvclock_init_from_tsc(struct pvclock_vcpu_time_info *pv, uint32_t tsc_khz)
{
	pvclock_scale_for_khz(tsc_khz, &pv->tsc_to_system_mul, &pv->tsc_shift);
	pv->tsc_timestamp = rdtsc();
	pv->system_time = 0;
}

/* The kernel's fields of the vvar page change under its seqcount, with
 * interrupts off: a reader in an interrupt here would wait for ever. One
 * writer at a time (today only clock_init() writes). */
static void vvar_set_clock(uint32_t mode, uint64_t boot_ns, uint64_t realtime_offset_ns)
{
	unsigned long flags = local_irq_save();

	WRITE_ONCE(vvar->seq, vvar->seq + 1);
	barrier();
	vvar->clock_mode = mode;
	vvar->boot_ns = boot_ns;
	vvar->realtime_offset_ns = realtime_offset_ns;
	barrier();
	WRITE_ONCE(vvar->seq, vvar->seq + 1);
	local_irq_restore(flags);
}

void clock_init(void)
{
	uint32_t mode = VVAR_CLOCK_NONE;
	uint64_t wall_ns = 0, boot_ns = 0;

	vvar_page = alloc_page(__GFP_ZERO);
	if (!vvar_page)
		panic("clock: no memory for the vvar page");
	vvar = page_address(vvar_page);
	if (has_kvm_clocksource2()) {
		wrmsr(MSR_KVM_SYSTEM_TIME_NEW, virt_to_phys(&vvar->pvclock) | 1);
		if (READ_ONCE(vvar->pvclock.tsc_to_system_mul)) {
			mode = VVAR_CLOCK_KVMCLOCK;
			wall_ns = read_kvm_wall_clock();
		} else {
			wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0); /* the record is ours again */
		}
	}
	if (mode == VVAR_CLOCK_NONE && boot_info.tsc_khz) {
		pvclock_init_from_tsc(&vvar->pvclock, boot_info.tsc_khz);
		mode = VVAR_CLOCK_TSC;
	}
	if (mode != VVAR_CLOCK_NONE)
		boot_ns = pvclock_read_ns(&vvar->pvclock, kernel_read_tsc);
	/* kvmclock's wall clock is for kvmclock 0; ours counts from boot_ns.
	 * Without kvmclock, the CMOS RTC where there is one (now is boot);
	 * without either there is no wall clock: REALTIME counts from boot. */
	if (wall_ns)
		wall_ns += boot_ns;
	else if (!rtc_cmos_read_ns(&wall_ns))
		wall_ns = 0;
	vvar_set_clock(mode, boot_ns, wall_ns);
}

uint64_t ktime_get_ns(void)
{
	uint64_t mono = 0, offset;

	if (vvar)
		vvar_read_clock(vvar, kernel_read_tsc, &mono, &offset);
	return mono;
}

uint64_t ktime_get_real_ns(void)
{
	uint64_t mono = 0, offset = 0;

	if (vvar)
		vvar_read_clock(vvar, kernel_read_tsc, &mono, &offset);
	return offset + mono;
}

const char *clocksource_name(void)
{
	return vvar && vvar->clock_mode == VVAR_CLOCK_KVMCLOCK ? "kvm-clock" : "tsc";
}

struct page *clock_vvar_page(void)
{
	return vvar_page;
}
