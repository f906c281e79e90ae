/* The KVM system and VM file descriptors: opening /dev/kvm, checking the API
 * and capabilities vitro relies on, guest RAM slots and the in-kernel irqchip. */
#ifndef VMM_KVM_KVM_H
#define VMM_KVM_KVM_H

#include <stdint.h>

#include "../error.h"
#include "../guest_mem.h"

struct kvm_vm {
	int sys_fd; /* /dev/kvm */
	int vm_fd;
	int vcpu_mmap_size;
	unsigned int max_vcpus;
	struct guest_mem mem;
};

/* Opens /dev/kvm (path overridable for tests), checks the API version and
 * required capabilities. Returns 0 or a negative errno with err set. */
int kvm_open(struct kvm_vm *vm, const char *dev_path, struct vitro_error *err);

/* Memory beside RAM that the VMM shares with the guest (the trace rings):
 * its own slot, outside the guest's memory map. */
struct kvm_extra_region {
	uint64_t gpa;
	uint64_t size;
	void *host;
};

/* Creates the VM with mem_bytes of RAM, the extra regions (may be none) and
 * the in-kernel irqchip. */
int kvm_vm_create(struct kvm_vm *vm, uint64_t mem_bytes, const struct kvm_extra_region *extra,
		  unsigned int nr_extra, struct vitro_error *err);

/* Drives a GSI line of the in-kernel irqchip. */
int kvm_irq_line(struct kvm_vm *vm, unsigned int gsi, int level);

/* KVM_IRQFD: each write to the eventfd fd pulses GSI gsi (an edge), from
 * any thread, without a system call into the VMM's vCPU threads. */
int kvm_irqfd(struct kvm_vm *vm, int fd, unsigned int gsi);

/* KVM_IOEVENTFD: a guest write of len bytes holding value to MMIO address
 * addr signals the eventfd fd inside KVM instead of exiting to vitro. */
int kvm_ioeventfd(struct kvm_vm *vm, int fd, uint64_t addr, unsigned int len, uint64_t value);

void kvm_close(struct kvm_vm *vm);

#endif
