/* See kvm.h. */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../shared/machine.h"

/* Addresses KVM needs for its own real-mode helpers on Intel hosts, placed
 * in the MMIO hole below the IOAPIC where nothing else lives. */
#define KVM_TSS_GPA 0xfffbd000ull
#define KVM_IDENTITY_MAP_GPA 0xfffbc000ull

struct kvm_required_cap {
	int cap;
	const char *name;
};

static const struct kvm_required_cap kvm_required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	{ KVM_CAP_IRQ_INJECT_STATUS, "KVM_CAP_IRQ_INJECT_STATUS" },
};

int kvm_open(struct kvm_vm *vm, const char *dev_path, struct vitro_error *err)
{
	unsigned int i;
	int version, max;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->sys_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return vitro_error_set(
				err, -e,
				"%s: not found (this machine has no KVM: enable virtualization in the firmware and load kvm_intel or kvm_amd)",
				dev_path);
		if (e == EACCES || e == EPERM)
			return vitro_error_set(
				err, -e,
				"%s: permission denied (add yourself to the kvm group: sudo usermod -aG kvm $USER, then log in again)",
				dev_path);
		return vitro_error_set(err, -e, "%s: %s", dev_path, strerror(e));
	}
	version = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		return vitro_error_set(
			err, -ENOTSUP,
			"%s: KVM API version %d, vitro needs %d (is this really /dev/kvm?)",
			dev_path, version, KVM_API_VERSION);
	for (i = 0; i < sizeof(kvm_required_caps) / sizeof(kvm_required_caps[0]); i++)
		if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, kvm_required_caps[i].cap) <= 0)
			return vitro_error_set(
				err, -ENOTSUP,
				"%s: the host kernel lacks %s (use a newer host kernel)", dev_path,
				kvm_required_caps[i].name);
	vm->vcpu_mmap_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vcpu_mmap_size < (int)sizeof(struct kvm_run))
		return vitro_error_set(err, -ENOTSUP, "%s: bad KVM_GET_VCPU_MMAP_SIZE", dev_path);
	max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max <= 0)
		max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	vm->max_vcpus = max > 0 ? (unsigned int)max : 4;
	return 0;
}

static int kvm_add_slot(struct kvm_vm *vm, unsigned int slot, uint64_t gpa, uint64_t size,
			void *host, struct vitro_error *err)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return vitro_error_set(err, -errno, "KVM_SET_USER_MEMORY_REGION: %s",
				       strerror(errno));
	return 0;
}

static int kvm_add_memory(struct kvm_vm *vm, const struct kvm_extra_region *extra,
			  unsigned int nr_extra, struct vitro_error *err)
{
	unsigned int i, slot = 0;
	int rc = 0;

	for (i = 0; i < vm->mem.nr_ranges && !rc; i++, slot++)
		rc = kvm_add_slot(vm, slot, vm->mem.ranges[i].gpa, vm->mem.ranges[i].size,
				  vm->mem.ranges[i].host, err);
	for (i = 0; i < nr_extra && !rc; i++, slot++)
		rc = kvm_add_slot(vm, slot, extra[i].gpa, extra[i].size, extra[i].host, err);
	return rc;
}

int kvm_vm_create(struct kvm_vm *vm, uint64_t mem_bytes, const struct kvm_extra_region *extra,
		  unsigned int nr_extra, struct vitro_error *err)
{
	uint64_t identity_map = KVM_IDENTITY_MAP_GPA;
	void *host;
	int rc;

	vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		int e = errno;

		if (e == EBUSY)
			return vitro_error_set(
				err, -e,
				"/dev/kvm is busy: another hypervisor holds the virtualization extensions (stop it, e.g. VirtualBox, and retry)");
		return vitro_error_set(err, -e, "KVM_CREATE_VM: %s", strerror(e));
	}
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA) < 0)
		return vitro_error_set(err, -errno, "KVM_SET_TSS_ADDR: %s", strerror(errno));
	/* Optional: only Intel hosts have it, and only for unrestricted-guest-less CPUs. */
	ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity_map);

	/* Guest RAM is lazily backed: pages cost nothing until touched. */
	host = mmap(NULL, mem_bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return vitro_error_set(err, -errno,
				       "cannot map %llu MiB of guest RAM: %s (lower --mem)",
				       (unsigned long long)(mem_bytes >> 20), strerror(errno));
	guest_mem_layout(&vm->mem, host, mem_bytes, MACHINE_MMIO_HOLE_START, MACHINE_MMIO_HOLE_END);
	rc = kvm_add_memory(vm, extra, nr_extra, err);
	if (rc)
		return rc;

	/* After the memory slots: creating the irqchip starts an SRCU grace
	 * period that a later memslot update would sit out (about 6 ms with
	 * HZ=250), delaying boot. The irqchip must still precede any vCPU. */
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return vitro_error_set(err, -errno, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	return 0;
}

int kvm_irq_line(struct kvm_vm *vm, unsigned int gsi, int level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

int kvm_irqfd(struct kvm_vm *vm, int fd, unsigned int gsi)
{
	struct kvm_irqfd irqfd = { .fd = fd, .gsi = gsi };

	return ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0 ? -errno : 0;
}

int kvm_ioeventfd(struct kvm_vm *vm, int fd, uint64_t addr, unsigned int len, uint64_t value)
{
	struct kvm_ioeventfd ioeventfd = {
		.datamatch = value,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &ioeventfd) < 0 ? -errno : 0;
}

void kvm_close(struct kvm_vm *vm)
{
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size_bytes);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
}
