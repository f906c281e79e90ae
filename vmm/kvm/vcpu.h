/* One KVM vCPU: its file descriptor, shared kvm_run page, CPUID, the PVH
 * and Linux 64-bit entry states, and a register dump for crash reports. */
#ifndef VMM_KVM_VCPU_H
#define VMM_KVM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "../error.h"
#include "kvm.h"

struct vcpu {
	int fd;
	unsigned int index;
	struct kvm_run *run;
	int mmap_size;
	pthread_t thread;
	int has_thread;
};

int vcpu_create(struct kvm_vm *vm, unsigned int index, struct vcpu *vcpu, struct vitro_error *err);

int vcpu_set_cpuid(struct vcpu *vcpu, struct kvm_cpuid2 *cpuid, struct vitro_error *err);

/* PVH entry (Xen's hvm start info ABI): 32-bit protected mode, paging off,
 * flat 4 GiB CS/DS/ES/SS, a 32-bit TSS in TR, EBX = start info address. */
int vcpu_set_pvh_entry(struct vcpu *vcpu, uint64_t entry, uint64_t start_info_gpa,
		       struct vitro_error *err);

/* Linux's 64-bit boot protocol entry (boot.rst): long mode with paging on
 * (the page tables at cr3 map the kernel, zero page and command line 1:1),
 * a loaded GDT with flat 64-bit code at 0x10 and data at 0x18, interrupts
 * off, RSI = the zero page. */
struct vcpu_linux64_entry {
	uint64_t rip;
	uint64_t rsi;
	uint64_t rsp;
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
};

int vcpu_set_linux64_entry(struct vcpu *vcpu, const struct vcpu_linux64_entry *entry,
			   struct vitro_error *err);

/* Guest TSC frequency in kHz, or 0 if KVM cannot tell. */
uint32_t vcpu_tsc_khz(struct vcpu *vcpu);

/* The vCPU's current TSC (IA32_TIME_STAMP_COUNTER), or 0 on failure. */
uint64_t vcpu_read_tsc(struct vcpu *vcpu);

void vcpu_dump_registers(struct vcpu *vcpu, FILE *out);

void vcpu_destroy(struct vcpu *vcpu);

#endif
