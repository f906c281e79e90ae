/* See vcpu.h. */
#include "vcpu.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MSR_IA32_TSC 0x10
#define CR0_PE (1u << 0)
#define CR0_ET (1u << 4)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define LINUX_BOOT_CS 0x10
#define LINUX_BOOT_DS 0x18
#define RFLAGS_RESERVED_1 (1u << 1)

int vcpu_create(struct kvm_vm *vm, unsigned int index, struct vcpu *vcpu, struct vitro_error *err)
{
	void *run;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->index = index;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, index);
	if (vcpu->fd < 0)
		return vitro_error_set(err, -errno, "KVM_CREATE_VCPU %u: %s", index,
				       strerror(errno));
	run = mmap(NULL, vm->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED) {
		int e = errno;

		close(vcpu->fd);
		vcpu->fd = -1;
		return vitro_error_set(err, -e, "mmap of vCPU %u state: %s", index, strerror(e));
	}
	vcpu->run = run;
	vcpu->mmap_size = vm->vcpu_mmap_size;
	return 0;
}

int vcpu_set_cpuid(struct vcpu *vcpu, struct kvm_cpuid2 *cpuid, struct vitro_error *err)
{
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0)
		return vitro_error_set(err, -errno, "KVM_SET_CPUID2 on vCPU %u: %s", vcpu->index,
				       strerror(errno));
	return 0;
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = 1,
		.s = 1,
		.l = 0,
		.g = 1,
	};
}

int vcpu_set_pvh_entry(struct vcpu *vcpu, uint64_t entry, uint64_t start_info_gpa,
		       struct vitro_error *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return vitro_error_set(err, -errno, "KVM_GET_SREGS: %s", strerror(errno));
	sregs.cs = flat_segment(0x10, 0xb); /* execute/read, accessed */
	sregs.ds = sregs.es = sregs.ss = flat_segment(0x18, 0x3); /* read/write, accessed */
	sregs.fs = sregs.gs = sregs.ds;
	sregs.tr = (struct kvm_segment){
		.base = 0,
		.limit = 0x67,
		.selector = 0x20,
		.type = 0xb,
		.present = 1,
		.s = 0,
	};
	sregs.cr0 = CR0_PE | CR0_ET;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return vitro_error_set(err, -errno, "KVM_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof(regs));
	regs.rip = entry;
	regs.rbx = start_info_gpa;
	regs.rflags = RFLAGS_RESERVED_1;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		return vitro_error_set(err, -errno, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

int vcpu_set_linux64_entry(struct vcpu *vcpu, const struct vcpu_linux64_entry *entry,
			   struct vitro_error *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return vitro_error_set(err, -errno, "KVM_GET_SREGS: %s", strerror(errno));
	sregs.cs = flat_segment(LINUX_BOOT_CS, 0xb);
	sregs.cs.l = 1; /* 64-bit code: L set, D clear */
	sregs.cs.db = 0;
	sregs.ds = sregs.es = sregs.ss = flat_segment(LINUX_BOOT_DS, 0x3);
	sregs.fs = sregs.gs = sregs.ds;
	sregs.tr = (struct kvm_segment){
		.base = 0,
		.limit = 0x67,
		.selector = 0x20,
		.type = 0xb,
		.present = 1,
		.s = 0,
	};
	sregs.gdt.base = entry->gdt_base;
	sregs.gdt.limit = entry->gdt_limit;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr3 = entry->cr3;
	sregs.cr4 = CR4_PAE;
	sregs.cr0 = CR0_PE | CR0_ET | CR0_PG;
	sregs.efer = EFER_LME | EFER_LMA;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return vitro_error_set(err, -errno, "KVM_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof(regs));
	regs.rip = entry->rip;
	regs.rsi = entry->rsi;
	regs.rsp = entry->rsp;
	regs.rflags = RFLAGS_RESERVED_1;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		return vitro_error_set(err, -errno, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

uint32_t vcpu_tsc_khz(struct vcpu *vcpu)
{
	int khz = ioctl(vcpu->fd, KVM_GET_TSC_KHZ, 0);

	return khz > 0 ? (uint32_t)khz : 0;
}

uint64_t vcpu_read_tsc(struct vcpu *vcpu)
{
	/* struct kvm_msrs ends in a flexible array: room for one entry. */
	union {
		struct kvm_msrs msrs;
		uint8_t bytes[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
	} buf = { .msrs.nmsrs = 1 };

	buf.msrs.entries[0].index = MSR_IA32_TSC;
	if (ioctl(vcpu->fd, KVM_GET_MSRS, &buf) != 1)
		return 0;
	return buf.msrs.entries[0].data;
}

void vcpu_dump_registers(struct vcpu *vcpu, FILE *out)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 || ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "  (registers of vCPU %u unavailable: %s)\n", vcpu->index,
			strerror(errno));
		return;
	}
	fprintf(out,
		"  vCPU %u registers:\n"
		"  RIP %016llx RSP %016llx RFLAGS %08llx\n"
		"  RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n"
		"  RSI %016llx RDI %016llx RBP %016llx\n"
		"  R8  %016llx R9  %016llx R10 %016llx R11 %016llx\n"
		"  R12 %016llx R13 %016llx R14 %016llx R15 %016llx\n"
		"  CS %04x (base %llx l %u db %u dpl %u) SS %04x DS %04x TR %04x\n"
		"  CR0 %08llx CR2 %016llx CR3 %016llx CR4 %08llx EFER %llx\n"
		"  GDT %llx+%x IDT %llx+%x\n",
		vcpu->index, r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi,
		r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, s.cs.selector,
		s.cs.base, s.cs.l, s.cs.db, s.cs.dpl, s.ss.selector, s.ds.selector, s.tr.selector,
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer, s.gdt.base, s.gdt.limit, s.idt.base,
		s.idt.limit);
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->mmap_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
}
