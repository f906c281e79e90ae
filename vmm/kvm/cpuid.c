/* See cpuid.h. Topology encoding from the Intel SDM, CPUID leaves 01H, 04H
 * and 0BH/1FH. */
#include "cpuid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_MAX_ENTRIES 256
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_HTT (1u << 28)

struct kvm_cpuid2 *cpuid_get_supported(int sys_fd, struct vitro_error *err)
{
	struct kvm_cpuid2 *cpuid;

	cpuid = calloc(1, sizeof(*cpuid) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));
	if (!cpuid) {
		vitro_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	cpuid->nent = CPUID_MAX_ENTRIES;
	if (ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		vitro_error_set(err, -errno, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		free(cpuid);
		return NULL;
	}
	return cpuid;
}

static unsigned int order_base_2(unsigned int n)
{
	unsigned int shift = 0;

	while ((1u << shift) < n)
		shift++;
	return shift;
}

void cpuid_patch_vcpu(struct kvm_cpuid2 *cpuid, unsigned int apic_id, unsigned int nr_cpus)
{
	unsigned int core_shift = order_base_2(nr_cpus);
	unsigned int i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		switch (e->function) {
		case 0x1:
			e->ebx = (e->ebx & 0x0000ffffu) | ((nr_cpus > 255 ? 255 : nr_cpus) << 16) |
				 ((apic_id & 0xff) << 24);
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			if (nr_cpus > 1)
				e->edx |= CPUID_1_EDX_HTT;
			else
				e->edx &= ~CPUID_1_EDX_HTT;
			break;
		case 0x4:
			/* Cores per package - 1 in EAX[31:26]. */
			if (e->eax & 0x1f)
				e->eax = (e->eax & 0x03ffffffu) |
					 (((nr_cpus > 64 ? 64 : nr_cpus) - 1) << 26);
			break;
		case 0xb:
		case 0x1f:
			/* Level 0: SMT (one thread per core); level 1: cores. */
			e->edx = apic_id;
			if (e->index == 0) {
				e->eax = 0;
				e->ebx = 1;
				e->ecx = (1u << 8) | 0;
			} else if (e->index == 1) {
				e->eax = core_shift;
				e->ebx = nr_cpus;
				e->ecx = (2u << 8) | 1;
			} else {
				e->eax = e->ebx = 0;
				e->ecx = e->index;
			}
			break;
		default:
			break;
		}
	}
}
