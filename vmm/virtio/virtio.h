/* The virtio core: what a device model (virtio-blk, ...) and a transport
 * (virtio-mmio here; a vhost-user back end and virtio-pci later) say to each
 * other, so a device runs behind any transport without changes.
 *
 * The device fills a struct virtio_device (id, offered features, queues,
 * config size, ops); the transport owns the driver-facing registers, fills
 * the queues in when the driver readies them, and calls the ops. The device
 * reports back through the virtio_device_* helpers below. */
#ifndef VMM_VIRTIO_VIRTIO_H
#define VMM_VIRTIO_VIRTIO_H

#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <stdbool.h>
#include <stdint.h>

#include "../guest_mem.h"
#include "virtqueue.h"

/* Offered by every device: the modern interface and the ring features the
 * core implements. */
#define VIRTIO_CORE_FEATURES                                                \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

struct virtio_device;

struct virtio_device_ops {
	/* Device-specific configuration space (5.x.4), offset and size
	 * already checked against config_size. config_write may be NULL. */
	void (*config_read)(struct virtio_device *dev, uint32_t offset, void *data,
			    unsigned int size);
	void (*config_write)(struct virtio_device *dev, uint32_t offset, const void *data,
			     unsigned int size);
	/* May refuse a feature set the driver accepted (FEATURES_OK stays
	 * clear). NULL: any subset of the offered features is fine. */
	bool (*accepts_features)(struct virtio_device *dev, uint64_t features);
	/* DRIVER_OK: driver_features and the ready queues are final; start
	 * serving. A negative errno makes the transport set NEEDS_RESET. */
	int (*activate)(struct virtio_device *dev);
	/* The driver made buffers available in queue index (a kick). */
	void (*queue_notify)(struct virtio_device *dev, unsigned int index);
	/* Stop touching guest memory and forget all driver state; returns
	 * once no I/O is in flight. Called for every reset, active or not. */
	void (*reset)(struct virtio_device *dev);
};

/* How a device reaches the driver, provided by the transport. Both may be
 * called from any thread. */
struct virtio_transport_ops {
	/* A used-buffer notification for queue index. */
	void (*notify_queue)(void *opaque, unsigned int index);
	/* The configuration space changed: a new generation, and a
	 * configuration change notification. */
	void (*config_changed)(void *opaque);
	/* Sets DEVICE_NEEDS_RESET in the device status and sends the
	 * configuration change notification 2.1.2 asks for. */
	void (*set_needs_reset)(void *opaque);
};

struct virtio_device {
	const struct virtio_device_ops *ops;
	uint32_t device_id; /* VIRTIO_ID_* from <linux/virtio_ids.h> */
	uint64_t features; /* offered, VIRTIO_CORE_FEATURES included */
	uint64_t driver_features; /* accepted by the driver, final at FEATURES_OK */
	uint32_t config_size;
	unsigned int nr_queues;
	uint16_t queue_size_max;
	struct virtq *queues; /* nr_queues of them, owned by the device */
	const struct guest_mem *mem;

	const struct virtio_transport_ops *transport;
	void *transport_opaque;
};

static inline bool virtio_device_has_feature(const struct virtio_device *dev, unsigned int bit)
{
	return dev->driver_features & (1ull << bit);
}

/* After pushing used buffers on queue index: notifies the driver if it
 * asked to be (virtq_needs_interrupt). */
void virtio_device_notify_used(struct virtio_device *dev, unsigned int index);

/* The device hit something it cannot recover from without a reset (a
 * broken queue): sets DEVICE_NEEDS_RESET and tells the driver (2.1.2). */
void virtio_device_set_needs_reset(struct virtio_device *dev);

/* The device changed its configuration space. */
void virtio_device_config_changed(struct virtio_device *dev);

#endif
