/* The modern virtio-mmio transport (virtio 1.2, 4.2.2; version 2): the
 * register block a driver finds at an MMIO address, in front of any
 * struct virtio_device. Register it on the MMIO bus with
 * virtio_mmio_bus_ops and the struct virtio_mmio as opaque.
 *
 * Register accesses may come from several vCPU threads and are serialised
 * here; interrupts may be raised from any thread (device I/O threads). */
#ifndef VMM_VIRTIO_MMIO_H
#define VMM_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../devices/bus.h"
#include "virtio.h"

/* Registers up to 0x100, then the device's configuration space; QEMU's
 * microvm and Linux's command-line form use the same size. */
#define VIRTIO_MMIO_REGION_SIZE 0x200
#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_MMIO_MODERN_VERSION 2
#define VIRTIO_MMIO_VITRO_VENDOR_ID 0x4f525456 /* "VTRO" */

struct virtio_mmio_queue {
	uint32_t size; /* as the driver wrote QueueNum */
	struct virtq_layout layout;
	bool is_ready;
};

struct virtio_mmio {
	struct virtio_device *dev;
	/* The interrupt line: raised (level true) whenever the interrupt
	 * status gains a bit, again if already raised, so an edge-triggered
	 * line (an irqfd) sees each one; lowered when the driver has
	 * acknowledged every bit. Called from any thread. */
	void (*set_irq)(void *opaque, bool level);
	void *irq_opaque;

	pthread_mutex_t lock; /* register state below */
	uint32_t status; /* without NEEDS_RESET, which is needs_reset */
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	struct virtio_mmio_queue *queues; /* dev->nr_queues */

	atomic_uint interrupt_status; /* VIRTIO_MMIO_INT_* */
	atomic_bool needs_reset;
	atomic_uint config_generation;
};

/* Puts the transport in front of dev and connects dev->transport to it.
 * Returns 0 or -ENOMEM. */
int virtio_mmio_init(struct virtio_mmio *mmio, struct virtio_device *dev,
		     void (*set_irq)(void *opaque, bool level), void *irq_opaque);

/* Resets the device (stopping its I/O) and frees the transport's state. */
void virtio_mmio_destroy(struct virtio_mmio *mmio);

/* Bus accesses, offset relative to the region's base. */
void virtio_mmio_read(void *opaque, uint64_t offset, uint8_t *data, unsigned int size);
void virtio_mmio_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned int size);

extern const struct bus_device_ops virtio_mmio_bus_ops;

#endif
