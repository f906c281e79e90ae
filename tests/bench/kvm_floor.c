/* kvm_floor: the least a KVM VMM must do before its guest's first instruction,
 * on one thread: VM, irqchip, guest RAM, one vCPU with CPUID and 32-bit
 * protected-mode registers, then KVM_RUN of `movl $0, %eax; outl %eax, $0xf4`.
 * `make bench` times it next to vitro as this host's floor. By default guest
 * RAM is registered before the irqchip, as vitro does; --irqchip-first reverses it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CPUID_MAX_ENTRIES 256
#define EXIT_PORT 0xf4
#define ENTRY_GPA 0x100000ull

/* mov $0, %eax; out %eax, $0xf4; hlt */
static const uint8_t guest_code[] = { 0xb8, 0, 0, 0, 0, 0xe7, EXIT_PORT, 0xf4 };

static int fail(const char *what)
{
	fprintf(stderr, "kvm_floor: %s: %s\n", what, strerror(errno));
	return 2;
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){ .limit = 0xffffffff,
				     .selector = selector,
				     .type = type,
				     .present = 1,
				     .db = 1,
				     .s = 1,
				     .g = 1 };
}

static int floor_add_ram(int vm_fd, uint8_t *ram, uint64_t mem_bytes)
{
	struct kvm_userspace_memory_region region = {
		.memory_size = mem_bytes,
		.userspace_addr = (uintptr_t)ram,
	};

	return ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

int main(int argc, char **argv)
{
	uint64_t mem_bytes = 256ull << 20;
	int is_irqchip_first = 0, sys_fd, vm_fd, vcpu_fd, run_size, i;
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = ENTRY_GPA, .rflags = 0x2 };
	struct kvm_run *run;
	uint8_t *ram;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--irqchip-first")) {
			is_irqchip_first = 1;
		} else if (!strcmp(argv[i], "--mem") && i + 1 < argc) {
			mem_bytes = strtoull(argv[++i], NULL, 10) << 20;
		} else {
			fprintf(stderr, "usage: kvm_floor [--mem MiB] [--irqchip-first]\n");
			return 2;
		}
	}
	if (mem_bytes <= ENTRY_GPA) {
		fprintf(stderr, "kvm_floor: --mem must be more than 1 MiB\n");
		return 2;
	}

	sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (sys_fd < 0)
		return fail("/dev/kvm");
	vm_fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		return fail("KVM_CREATE_VM");
	if (ioctl(vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0)
		return fail("KVM_SET_TSS_ADDR");
	if (is_irqchip_first && ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return fail("KVM_CREATE_IRQCHIP");
	ram = mmap(NULL, mem_bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		return fail("mmap of guest RAM");
	if (floor_add_ram(vm_fd, ram, mem_bytes) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	if (!is_irqchip_first && ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return fail("KVM_CREATE_IRQCHIP");

	cpuid = calloc(1, sizeof(*cpuid) + CPUID_MAX_ENTRIES * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return fail("calloc");
	cpuid->nent = CPUID_MAX_ENTRIES;
	if (ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0)
		return fail("KVM_GET_SUPPORTED_CPUID");
	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		return fail("KVM_CREATE_VCPU");
	run_size = ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED)
		return fail("mmap of kvm_run");
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		return fail("KVM_SET_CPUID2");

	/* PVH entry state: 32-bit protected mode, flat segments, paging off. */
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS");
	sregs.cs = flat_segment(0x10, 0xb);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat_segment(0x18, 0x3);
	sregs.tr =
		(struct kvm_segment){ .limit = 0x67, .selector = 0x20, .type = 0xb, .present = 1 };
	sregs.cr0 = 0x11; /* PE | ET */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return fail("KVM_SET_SREGS");
	memcpy(ram + ENTRY_GPA, guest_code, sizeof(guest_code));
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return fail("KVM_SET_REGS");

	if (ioctl(vcpu_fd, KVM_RUN, 0) < 0)
		return fail("KVM_RUN");
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != EXIT_PORT) {
		fprintf(stderr, "kvm_floor: unexpected exit %u\n", run->exit_reason);
		return 3;
	}
	return *(uint32_t *)((uint8_t *)run + run->io.data_offset) & 0xff;
}
