/* kvm-ring0-probe: can this host's KVM run stock Linux? Linux executes
 * cmpxchg16b and xsave in ring 0 early in boot; some KVMs (the nested PVM of
 * our development machines, DESIGN.md "Where it runs") stop the guest with an
 * emulation failure there instead. For each instruction this boots a
 * one-page guest through vitro's own KVM layer, in long mode as the Linux
 * entry is, that runs the instruction and then writes to the exit port.
 *
 * Prints one line per instruction, "NAME: ok" or "NAME: stops the guest
 * (...)", and exits 0 when every one ran, 1 when one did not, 2 when KVM
 * itself is unusable or the control (a nop) does not run. Usage: kvm-ring0-probe [/dev/kvm] */
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../../shared/machine.h"
#include "../../vmm/kvm/cpuid.h"
#include "../../vmm/kvm/kvm.h"
#include "../../vmm/kvm/vcpu.h"

#define PROBE_MEM_BYTES (8ull << 20)
#define PROBE_GDT 0x1000ull
#define PROBE_PAGE_TABLES 0x2000ull /* PML4, PDPT, one directory: 1 GiB 1:1 */
#define PROBE_CODE 0x100000ull
#define PROBE_DATA 0x200000ull /* 64-byte aligned, for both instructions */
#define PROBE_STACK 0x8000ull
#define CR4_OSXSAVE (1ull << 18)

struct probe {
	const char *name;
	uint8_t code[8];
	unsigned int code_len;
	bool needs_osxsave;
};

/* Each runs with RDI = PROBE_DATA and RAX = RDX = RBX = RCX = 0 (xsave: EDX:EAX
 * = 0 saves nothing but still executes). */
static const struct probe probes[] = {
	/* The control: if this does not reach the exit port, the probe guest
	 * itself is broken and nothing can be concluded. */
	{ "nop", { 0x90 }, 1, false },
	{ "cmpxchg16b", { 0x48, 0x0f, 0xc7, 0x0f }, 4, false }, /* cmpxchg16b (%rdi) */
	{ "xsave", { 0x0f, 0xae, 0x27 }, 3, true }, /* xsave (%rdi) */
};

/* Then: mov $0, %eax; out %eax, $MACHINE_EXIT_PORT; hlt. */
static const uint8_t probe_tail[] = { 0xb8, 0, 0, 0, 0, 0xe7, MACHINE_EXIT_PORT, 0xf4 };

static const uint64_t probe_gdt[4] = { 0, 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };

static void probe_write_memory(struct guest_mem *mem, const struct probe *p)
{
	uint64_t *pml4 = guest_mem_ptr(mem, PROBE_PAGE_TABLES, 0x3000);
	uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024;
	uint8_t *code = guest_mem_ptr(mem, PROBE_CODE, 64);
	unsigned int i;

	memcpy(guest_mem_ptr(mem, PROBE_GDT, sizeof(probe_gdt)), probe_gdt, sizeof(probe_gdt));
	memset(pml4, 0, 0x3000);
	pml4[0] = (PROBE_PAGE_TABLES + 0x1000) | 3;
	pdpt[0] = (PROBE_PAGE_TABLES + 0x2000) | 3;
	for (i = 0; i < 512; i++)
		pd[i] = (uint64_t)i << 21 | 0x83; /* present, writable, 2 MiB */
	memcpy(code, p->code, p->code_len);
	memcpy(code + p->code_len, probe_tail, sizeof(probe_tail));
}

/* 0: the instruction ran; 1: the guest stopped (why in what); 2: KVM failed. */
static int probe_run(const char *dev, const struct probe *p, char *what, size_t what_size)
{
	struct vcpu_linux64_entry entry = {
		.rip = PROBE_CODE,
		.rsp = PROBE_STACK,
		.cr3 = PROBE_PAGE_TABLES,
		.gdt_base = PROBE_GDT,
		.gdt_limit = sizeof(probe_gdt) - 1,
	};
	struct vitro_error err = { "" };
	struct kvm_cpuid2 *cpuid = NULL;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_vm vm;
	struct vcpu vcpu = { .fd = -1 };
	int rc = 2;

	memset(&vm, 0, sizeof(vm));
	vm.sys_fd = vm.vm_fd = -1;
	if (kvm_open(&vm, dev, &err) || kvm_vm_create(&vm, PROBE_MEM_BYTES, NULL, 0, &err) ||
	    vcpu_create(&vm, 0, &vcpu, &err) || !(cpuid = cpuid_get_supported(vm.sys_fd, &err)))
		goto out;
	cpuid_patch_vcpu(cpuid, 0, 1);
	if (vcpu_set_cpuid(&vcpu, cpuid, &err))
		goto out;
	probe_write_memory(&vm.mem, p);
	if (vcpu_set_linux64_entry(&vcpu, &entry, &err))
		goto out;
	if (ioctl(vcpu.fd, KVM_GET_REGS, &regs) < 0)
		goto out;
	regs.rdi = PROBE_DATA;
	if (ioctl(vcpu.fd, KVM_SET_REGS, &regs) < 0)
		goto out;
	if (p->needs_osxsave) {
		if (ioctl(vcpu.fd, KVM_GET_SREGS, &sregs) < 0)
			goto out;
		sregs.cr4 |= CR4_OSXSAVE;
		if (ioctl(vcpu.fd, KVM_SET_SREGS, &sregs) < 0) {
			snprintf(what, what_size, "KVM refuses CR4.OSXSAVE: no XSAVE");
			rc = 1;
			goto out;
		}
	}
	if (ioctl(vcpu.fd, KVM_RUN, 0) < 0) {
		snprintf(err.msg, sizeof(err.msg), "KVM_RUN failed");
		goto out;
	}
	if (vcpu.run->exit_reason == KVM_EXIT_IO && vcpu.run->io.port == MACHINE_EXIT_PORT) {
		rc = 0;
	} else if (vcpu.run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		snprintf(what, what_size, "KVM internal error, suberror %u: emulation failed",
			 vcpu.run->internal.suberror);
		rc = 1;
	} else {
		snprintf(what, what_size, "KVM exit reason %u instead of the exit port",
			 vcpu.run->exit_reason);
		rc = 1;
	}
out:
	if (rc == 2)
		snprintf(what, what_size, "%s", err.msg[0] ? err.msg : "KVM ioctl failed");
	free(cpuid);
	if (vcpu.fd >= 0)
		vcpu_destroy(&vcpu);
	kvm_close(&vm);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/kvm";
	int worst = 0, rc;
	unsigned int i;
	char what[256];

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		what[0] = '\0';
		rc = probe_run(dev, &probes[i], what, sizeof(what));
		if (rc == 2 || (rc && i == 0)) {
			printf("%s: cannot probe (%s)\n", probes[i].name, what);
			return 2;
		}
		if (rc)
			printf("%s: stops the guest in ring 0 (%s)\n", probes[i].name, what);
		else
			printf("%s: ok\n", probes[i].name);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}
