/* A running virtual machine: KVM VM and vCPUs, the port-I/O and MMIO buses
 * with their devices, the console, and the stop protocol. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "cli.h"
#include "error.h"

/* vitro's own exit statuses; any other status is the guest's. */
#define VITRO_EXIT_BAD_INPUT 2
#define VITRO_EXIT_VM_CRASH 3

/* Boots the configured guest and runs it until it exits. Returns the exit
 * status for the process (the guest's, or VITRO_EXIT_VM_CRASH), or a
 * negative errno with err set when the VM could not be started. */
int vm_run(const struct run_config *cfg, const char *kvm_path, struct vitro_error *err);

#endif
