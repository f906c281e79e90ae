/* vitro's GDB remote stub: `vitro run --gdb PORT` serves one gdb at a time on
 * 127.0.0.1:PORT, in its own thread. gdb's threads are the vCPUs; stopping
 * the guest parks every vCPU thread before KVM_RUN. The VM (vm.c) calls in
 * from each vCPU thread before entering the guest and after each exit. */
#ifndef VMM_GDB_STUB_H
#define VMM_GDB_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "../error.h"
#include "../guest_mem.h"
#include "../kvm/vcpu.h"

struct gdb_stub_config {
	uint16_t port;
	bool is_waiting_for_attach; /* --gdb-wait: hold the guest at its first instruction */
	int kvm_fd; /* /dev/kvm, to ask what guest debugging KVM offers */
	struct vcpu *vcpus;
	unsigned int nr_vcpus;
	const struct guest_mem *mem;
	/* The kernel's virtual range and load address (0, 0, 0 if unknown). */
	uint64_t kernel_virt_start;
	uint64_t kernel_virt_end;
	uint64_t kernel_phys_start;
	/* Makes a vCPU leave KVM_RUN soon (immediate_exit and a signal). */
	void (*kick_vcpu)(void *opaque, unsigned int index);
	/* gdb's kill request: end the VM. */
	void (*kill_vm)(void *opaque);
	void *opaque;
};

struct gdb_stub;

/* Listens on 127.0.0.1:port. Returns 0, or a negative errno with err set
 * (the port is in use...). */
int gdb_stub_create(const struct gdb_stub_config *cfg, struct gdb_stub **stub,
		    struct vitro_error *err);

/* Starts serving gdb; call once the vCPU threads run. */
int gdb_stub_start(struct gdb_stub *stub, struct vitro_error *err);

/* Called by a vCPU thread before each KVM_RUN: waits while gdb holds the
 * vCPU and applies its debug setting. Clears run->immediate_exit; the caller
 * must check for a VM stop afterwards. */
void gdb_stub_vcpu_hold(struct gdb_stub *stub, struct vcpu *vcpu);

/* Called by a vCPU thread after KVM_RUN returned. Returns true if the exit
 * was gdb's (a breakpoint or step), so the VM must not treat it as a crash. */
bool gdb_stub_handle_exit(struct gdb_stub *stub, struct vcpu *vcpu);

/* The VM is ending with exit_status (negative: it failed to start): tells
 * gdb (W packet), releases held vCPUs, stops the server thread. */
void gdb_stub_finish(struct gdb_stub *stub, int exit_status);

/* Frees the stub after the vCPU threads are gone. NULL is ignored. */
void gdb_stub_free(struct gdb_stub *stub);

#endif
