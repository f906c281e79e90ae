/* The vvar page: the clock's state, which the kernel keeps and every process
 * maps read-only below its vDSO (guest/vdso/), and the one way to read it.
 * The kernel's ktime_get_ns() (arch/x86/clock.c) and the vDSO's
 * clock_gettime() both call vvar_read_clock(), so the system call and the vDSO
 * give the same time from the same formula. Freestanding: built into the
 * kernel, the vDSO and the host unit tests. */
#ifndef VITRO_VVAR_H
#define VITRO_VVAR_H

#include <stdbool.h>
#include <stdint.h>

/* KVM's pvclock record (Documentation/virt/kvm/x86/msr.rst,
 * MSR_KVM_SYSTEM_TIME_NEW): time = system_time + scale(TSC - tsc_timestamp),
 * valid while version is even and unchanged across the reading. */
struct pvclock_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
};

_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "KVM's pvclock layout");

/* Where pvclock comes from. Both are read the same way. */
#define VVAR_CLOCK_NONE 0 /* no clock yet (or no TSC frequency): the vDSO makes the system call */
#define VVAR_CLOCK_KVMCLOCK 1 /* KVM writes pvclock (MSR_KVM_SYSTEM_TIME_NEW points at it) */
#define VVAR_CLOCK_TSC 2 /* the kernel wrote pvclock once, from the TSC frequency */

/*
 * Why pvclock lives here rather than being copied: KVM rewrites the record
 * whenever it likes (a host clock change, a vCPU moving to another host CPU),
 * without telling the guest. A copy would go stale; the record itself, with
 * its version counter, is always right. So the kernel registers this page's
 * record with KVM and the page is mapped into user space as it is. Without
 * kvmclock (QEMU TCG) the kernel fills the same record from the TSC frequency,
 * so one reader serves both.
 *
 * The fields after pvclock are the kernel's; seq is odd while it changes them
 * (a seqcount). Today they are written once, at boot (clock_init()): the
 * kernel has no clock_settime/settimeofday/adjtimex yet. Whatever sets the
 * wall clock later must write realtime_offset_ns through the same seqcount
 * (clock.c's vvar_set_clock(), interrupts off, one writer at a time).
 */
struct vvar_page {
	struct pvclock_vcpu_time_info pvclock; /* first: KVM wants it within one page */
	uint32_t seq;
	uint32_t clock_mode; /* VVAR_CLOCK_* */
	uint64_t boot_ns; /* the pvclock reading that is CLOCK_MONOTONIC 0 */
	uint64_t realtime_offset_ns; /* CLOCK_REALTIME minus CLOCK_MONOTONIC */
};

#define VVAR_PAGE_SIZE 4096

_Static_assert(sizeof(struct vvar_page) <= VVAR_PAGE_SIZE, "one page");

/* A compiler barrier: on x86 loads are not reordered with loads, nor stores
 * with stores, so ordering the compiler is enough. */
#define vvar_barrier() __asm__ __volatile__("" ::: "memory")

/* (delta << shift) * mul / 2^32, shift negative for a right shift, without a
 * 128-bit multiply: the two 32-bit halves of delta are scaled apart. */
static inline uint64_t pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return ((delta & 0xffffffffull) * mul >> 32) + (delta >> 32) * mul;
}

/* The pvclock time in nanoseconds, read_tsc giving the TSC (the kernel's
 * rdtsc, the vDSO's ordered one, a test's fake). */
static inline uint64_t pvclock_read_ns(const struct pvclock_vcpu_time_info *pv,
				       uint64_t (*read_tsc)(void))
{
	uint32_t version;
	uint64_t ns;

	do {
		version = __atomic_load_n(&pv->version, __ATOMIC_RELAXED);
		vvar_barrier();
		ns = pv->system_time + pvclock_scale_delta(read_tsc() - pv->tsc_timestamp,
							   pv->tsc_to_system_mul, pv->tsc_shift);
		vvar_barrier();
	} while ((version & 1) || version != __atomic_load_n(&pv->version, __ATOMIC_RELAXED));
	return ns;
}

/* CLOCK_MONOTONIC in *mono_ns and CLOCK_REALTIME's offset from it in
 * *realtime_offset_ns, from one consistent view of the page. False (nothing
 * written) when there is no clock to read. */
static inline bool vvar_read_clock(const struct vvar_page *vvar, uint64_t (*read_tsc)(void),
				   uint64_t *mono_ns, uint64_t *realtime_offset_ns)
{
	uint32_t seq, mode;
	uint64_t boot, offset, raw;

	for (;;) {
		seq = __atomic_load_n(&vvar->seq, __ATOMIC_RELAXED);
		vvar_barrier();
		if (!(seq & 1)) {
			mode = vvar->clock_mode;
			boot = vvar->boot_ns;
			offset = vvar->realtime_offset_ns;
			raw = 0;
			if (mode != VVAR_CLOCK_NONE)
				raw = pvclock_read_ns(&vvar->pvclock, read_tsc);
			vvar_barrier();
			if (__atomic_load_n(&vvar->seq, __ATOMIC_RELAXED) == seq)
				break;
		}
		__asm__ __volatile__("pause");
	}
	if (mode == VVAR_CLOCK_NONE)
		return false;
	*mono_ns = raw - boot;
	*realtime_offset_ns = offset;
	return true;
}

/* The pvclock scale (mul, shift) that turns TSC cycles at tsc_khz into
 * nanoseconds with the most precision mul's 32 bits allow: shift is chosen so
 * that mul lies in [2^31, 2^32). tsc_khz must not be 0. */
static inline void pvclock_scale_for_khz(uint32_t tsc_khz, uint32_t *mul, int8_t *shift)
{
	/* ns per cycle = 10^6 / tsc_khz; mul = that * 2^(32 - shift). */
	uint64_t numerator = 1000000ull << 32;
	int8_t s = 0;

	while (numerator / tsc_khz >= (1ull << 32)) {
		numerator >>= 1; /* a slow TSC: pre-shift the cycles left */
		s++;
	}
	while (numerator / tsc_khz < (1ull << 31) && numerator < (1ull << 62)) {
		numerator <<= 1; /* a fast TSC: shift them right */
		s--;
	}
	*mul = (uint32_t)(numerator / tsc_khz);
	*shift = s;
}

#endif
