/* The virtio-mmio transport (virtio 1.2, 4.2), modern devices (version 2)
 * only: finding devices (the `virtio_mmio.device=SIZE@BASE:IRQ` command-line
 * form and "virtio,mmio" device-tree nodes), their registers, and their
 * interrupt. virtio_mmio.c and mmio_discover.c build for the host too;
 * mmio_platform.c maps the windows and routes the interrupts. */
#ifndef DRIVERS_VIRTIO_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/dtb.h>

#include "virtio.h"

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt", little-endian */
#define VIRTIO_MMIO_MIN_SIZE 0x100 /* registers; configuration follows */

struct virtio_mmio_device {
	struct virtio_device vdev;
	uintptr_t base; /* the register window, mapped */
	uint64_t phys_base;
	uint64_t size;
	uint32_t irq; /* GSI */
	uint64_t nr_interrupts;
	struct virtio_mmio_device *next_on_irq; /* devices sharing the GSI */
};

/* Reads the identification registers at base (4.2.2): -ENODEV when there is
 * no virtio device or an empty slot (device ID 0, as QEMU leaves unused
 * ones), -EOPNOTSUPP for a legacy (version 1) device. Fills vm->vdev. */
int virtio_mmio_device_init(struct virtio_mmio_device *vm, uintptr_t base);

/* The device's interrupt: reads InterruptStatus, acknowledges it, then runs
 * the queues' callbacks and the configuration-change handler. Returns whether
 * the device had anything pending (shared lines ask each device). */
bool virtio_mmio_interrupt(struct virtio_mmio_device *vm);

/* Where a device is. */
struct virtio_mmio_resource {
	uint64_t base;
	uint64_t size;
	uint32_t irq;
};

/* Parses one `virtio_mmio.device=` value, Linux's form SIZE@BASE:IRQ[:ID]
 * (SIZE with an optional K, M or G; numbers decimal or 0x hex; ID ignored).
 * -EINVAL when malformed or the size is below VIRTIO_MMIO_MIN_SIZE. */
int virtio_mmio_parse_param(const char *value, struct virtio_mmio_resource *res);

/* Every device the command line and the device tree (dtb may be NULL) name,
 * each base once (vitro gives both), up to max; returns how many it found.
 * Malformed entries are skipped with a warning. */
unsigned int virtio_mmio_discover(const char *cmdline, const struct dtb *dtb,
				  struct virtio_mmio_resource *res, unsigned int max);

/* At boot (mmio_platform.c): maps, identifies and adds every device found,
 * with its interrupt routed through the IOAPIC to the boot CPU. Returns how
 * many devices were added. */
unsigned int virtio_mmio_probe_all(void);

#endif
