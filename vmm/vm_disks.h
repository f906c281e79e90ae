/* The VM's disks (--disk): each a virtio-blk device behind a virtio-mmio
 * transport in one of the machine's slots (shared/machine.h), its interrupt
 * on a KVM irqfd and its queue notifications on KVM ioeventfds, served by one
 * I/O thread per queue. Part of vm.c's KVM glue. */
#ifndef VMM_VM_DISKS_H
#define VMM_VM_DISKS_H

#include <stddef.h>

#include "block/disk.h"
#include "boot/fdt.h"
#include "cli.h"
#include "devices/bus.h"
#include "devices/virtio_blk.h"
#include "error.h"
#include "kvm/kvm.h"
#include "virtio/mmio.h"

struct vmm_tracer;

struct vm_disk {
	struct disk image; /* until the device takes it over */
	struct virtio_blk *blk;
	struct virtio_mmio mmio;
	bool has_mmio;
	int irq_fd;
	unsigned int nr_queues;
};

struct vm_disks {
	unsigned int nr_disks;
	struct vm_disk disks[VITRO_MAX_DISKS];
	struct fdt_virtio_mmio slots[VITRO_MAX_DISKS]; /* where each one is */
};

/* Opens and locks every image, before anything else is set up, so that bad
 * --disk input is what gets reported. Messages start "--disk PATH: ". */
int vm_disks_open(struct vm_disks *disks, const struct run_config *cfg, struct vitro_error *err);

/* Creates the devices on guest RAM and puts them on the MMIO bus, with
 * their irqfds and ioeventfds; they emit their events to tracer (or NULL). */
int vm_disks_attach(struct vm_disks *disks, struct kvm_vm *kvm, struct bus *mmio_bus,
		    unsigned int nr_cpus, struct vmm_tracer *tracer, struct vitro_error *err);

/* cmdline with virtio_mmio.device=SIZE@BASE:IRQ appended for each disk,
 * as Linux and QEMU's microvm write it, into out. */
int vm_disks_cmdline(const struct vm_disks *disks, const char *cmdline, char *out, size_t size,
		     struct vitro_error *err);

/* Stops the I/O threads and closes the images. Call once no vCPU runs and
 * while guest RAM is still mapped. */
void vm_disks_destroy(struct vm_disks *disks);

#endif
