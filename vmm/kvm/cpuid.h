/* The CPUID table each vCPU sees: KVM's supported set (including the KVM
 * paravirtual leaves at 0x40000000) with per-vCPU APIC IDs and topology. */
#ifndef VMM_KVM_CPUID_H
#define VMM_KVM_CPUID_H

#include <linux/kvm.h>

#include "../error.h"

/* Returns a malloc'd copy of KVM_GET_SUPPORTED_CPUID, or NULL with err set. */
struct kvm_cpuid2 *cpuid_get_supported(int sys_fd, struct vitro_error *err);

/* Rewrites the table for the vCPU with this APIC ID in a VM of nr_cpus
 * (one package, one thread per core). */
void cpuid_patch_vcpu(struct kvm_cpuid2 *cpuid, unsigned int apic_id, unsigned int nr_cpus);

#endif
