/* The virtio core: devices a transport found (virtio-mmio today), drivers by
 * device type, and what binds them (virtio 1.2, 3.1: reset, ACKNOWLEDGE,
 * DRIVER, feature negotiation, FEATURES_OK, queue set-up, DRIVER_OK). Device
 * drivers see a transport only through struct virtio_transport_ops, so a
 * virtio-pci transport can come later without touching them. Builds for the
 * host too: CUnit drives it against a simulated device. */
#ifndef DRIVERS_VIRTIO_VIRTIO_H
#define DRIVERS_VIRTIO_VIRTIO_H

#include <linux/virtio_config.h>
#include <stdbool.h>
#include <stdint.h>
#include <vitro/list.h>

#include "virtqueue.h"

struct virtio_device;

/* What a transport does for the core. Status and feature calls are only made
 * by the core; config reads go through virtio_read_config(). */
struct virtio_transport_ops {
	uint64_t (*get_features)(struct virtio_device *vdev);
	void (*set_features)(struct virtio_device *vdev, uint64_t features);
	uint8_t (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, uint8_t status);
	/* Writes 0 to the status and waits until the device reads back 0 (4.2.3.1). */
	void (*reset)(struct virtio_device *vdev);
	uint32_t (*config_generation)(struct virtio_device *vdev);
	void (*read_config)(struct virtio_device *vdev, unsigned int offset, void *buf,
			    unsigned int len);
	void (*write_config)(struct virtio_device *vdev, unsigned int offset, const void *buf,
			     unsigned int len);
	/* Largest size the device allows for queue index (0: no such queue). */
	unsigned int (*queue_max_size)(struct virtio_device *vdev, unsigned int index);
	/* Tells the device where vq's rings are and enables it; sets vq->notify. */
	int (*queue_enable)(struct virtio_device *vdev, struct virtq *vq);
};

struct virtio_device {
	char name[16]; /* virtio0, virtio1, ... */
	uint32_t device_id; /* VIRTIO_ID_* */
	uint32_t vendor_id;
	uint64_t device_features; /* what the device offered */
	uint64_t features; /* what was negotiated */
	const struct virtio_transport_ops *ops;
	const struct virtio_driver *driver; /* NULL until one binds */
	void *priv; /* the driver's */
	unsigned int nr_vqs;
	struct virtq *vqs;
	bool is_ready; /* DRIVER_OK set */
	struct list_head link; /* on the core's list of devices */
};

struct virtio_driver {
	const char *name;
	uint32_t device_id;
	/* Device-type feature bits the driver understands; the core adds the
	 * transport features it supports (VERSION_1, RING_EVENT_IDX, INDIRECT_DESC). */
	uint64_t features;
	/* Sets up queues and whatever the driver needs; the core sets DRIVER_OK
	 * after a 0 return unless the driver did (virtio_device_ready()). */
	int (*probe)(struct virtio_device *vdev);
	void (*config_changed)(struct virtio_device *vdev);
	struct list_head link;
};

/* Feature bits the core negotiates itself, when the device offers them. */
#define VIRTIO_CORE_FEATURES                                                \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

/* Registers a driver and probes the devices waiting for it. */
void virtio_register_driver(struct virtio_driver *drv);

/* A transport found a device: it joins the list and, if a driver for its type
 * is registered, is negotiated with and probed. Returns the probe's result
 * (0 without a driver). */
int virtio_add_device(struct virtio_device *vdev);

/* The transport takes a device away: it leaves the list, reset, its queues
 * freed (the driver must have let go of it). */
void virtio_remove_device(struct virtio_device *vdev);

/* The device by name ("virtio0"), or NULL. */
struct virtio_device *virtio_find_device(const char *name);

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned int bit)
{
	return bit < 64 && (vdev->features >> bit) & 1;
}

/* Sets up nr queues (indices 0..nr-1) of at most max_size entries each (and
 * at most what the device allows), with callback(vq) for used buffers; the
 * array is vdev->vqs. -ENOENT if the device has fewer queues, -ENOMEM. */
int virtio_find_vqs(struct virtio_device *vdev, unsigned int nr, unsigned int max_size,
		    void (*callback)(struct virtq *vq));
/* Resets the device and frees its queues (after the driver took back its
 * requests with virtq_detach_unused()). */
void virtio_del_vqs(struct virtio_device *vdev);

/* Sets DRIVER_OK: the device may now use the queues. */
void virtio_device_ready(struct virtio_device *vdev);

/* Reads device configuration consistently: again until the generation
 * counter is the same before and after (4.2.2.2, 2.5.1). */
void virtio_read_config(struct virtio_device *vdev, unsigned int offset, void *buf,
			unsigned int len);
void virtio_write_config(struct virtio_device *vdev, unsigned int offset, const void *buf,
			 unsigned int len);

#define virtio_cread(vdev, type, member, ptr) \
	virtio_read_config((vdev), offsetof(type, member), (ptr), sizeof(*(ptr)))

/* A transport's interrupt: used buffers on vq, or a configuration change
 * (which also reports DEVICE_NEEDS_RESET: the device's queues are then marked
 * broken, so virtq_add() refuses with -EIO). */
void virtio_vq_interrupt(struct virtq *vq);
void virtio_config_interrupt(struct virtio_device *vdev);

/* The status bits the device reports (tests, diagnostics). */
uint8_t virtio_get_status(struct virtio_device *vdev);

#endif
