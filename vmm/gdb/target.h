/* The gdb stub's view of a KVM guest: registers through the vCPU ioctls,
 * memory through the guest's page tables, and breakpoints (int3 bytes in
 * guest RAM, debug registers where KVM offers them). Private to vmm/gdb/. */
#ifndef VMM_GDB_TARGET_H
#define VMM_GDB_TARGET_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#include "../guest_mem.h"
#include "../kvm/vcpu.h"
#include "session.h"

#define GDB_MAX_SW_BREAKPOINTS 64
#define GDB_MAX_HW_BREAKPOINTS 4 /* DR0-DR3 */

struct gdb_sw_breakpoint {
	uint64_t addr; /* as gdb gave it */
	uint64_t gpa; /* where the int3 byte sits */
	uint8_t saved; /* the guest's byte under it */
	bool is_used;
	bool is_planted; /* false while lifted for a step over it */
};

struct gdb_kvm_target {
	struct vcpu *vcpus;
	unsigned int nr_vcpus;
	const struct guest_mem *mem;
	/* The kernel image's link-time virtual range and where it was loaded,
	 * so its symbols resolve while the guest still runs with paging off. */
	uint64_t kernel_virt_start;
	uint64_t kernel_virt_end;
	uint64_t kernel_phys_start;
	unsigned int nr_hw_slots; /* KVM_CAP_GUEST_DEBUG_HW_BPS, at most 4 */
	uint32_t debug_flags; /* KVM_GUESTDBG_* this KVM accepts */
	struct gdb_sw_breakpoint sw[GDB_MAX_SW_BREAKPOINTS];
	uint64_t hw_addr[GDB_MAX_HW_BREAKPOINTS];
	bool is_hw_used[GDB_MAX_HW_BREAKPOINTS];
};

extern const struct gdb_target_ops gdb_kvm_target_ops;

/* Asks KVM (kvm_fd: /dev/kvm) what guest debugging it offers. */
void gdb_kvm_target_probe(struct gdb_kvm_target *target, int kvm_fd);

/* The guest-physical address of a vCPU's linear address. */
int gdb_kvm_target_translate(const struct gdb_kvm_target *target, const struct kvm_sregs *sregs,
			     uint64_t linear, uint64_t *gpa, uint64_t *page_size);

/* Index of the planted software breakpoint under the vCPU's RIP (the int3
 * byte still there), or -1. */
int gdb_kvm_target_breakpoint_at_rip(const struct gdb_kvm_target *target, struct vcpu *vcpu);

/* Takes a planted breakpoint's int3 out of guest RAM, or puts it back. */
void gdb_kvm_target_lift(struct gdb_kvm_target *target, int index);
void gdb_kvm_target_replant(struct gdb_kvm_target *target, int index);

/* Restores every byte under a software breakpoint and frees the hardware
 * ones: the guest is as it was before gdb came. */
void gdb_kvm_target_remove_all(struct gdb_kvm_target *target);

/* The KVM_SET_GUEST_DEBUG setting for a vCPU: breakpoints in use, and
 * single step if it is stepping. control 0 when gdb needs nothing. */
void gdb_kvm_target_debug_setting(const struct gdb_kvm_target *target, bool is_stepping,
				  bool may_block_irqs, struct kvm_guest_debug *debug);

#endif
