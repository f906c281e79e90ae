/* See virtio.h. Section numbers are the virtio 1.2 specification's. */
#include "virtio.h"

#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/spinlock.h>
#include <vitro/string.h>

static LIST_HEAD_DECLARE(virtio_devices);
static LIST_HEAD_DECLARE(virtio_drivers);
static struct spinlock virtio_lock = SPINLOCK_INIT; /* the two lists */
static unsigned int virtio_next_index;

uint8_t virtio_get_status(struct virtio_device *vdev)
{
	return vdev->ops->get_status(vdev);
}

static void virtio_add_status(struct virtio_device *vdev, uint8_t bits)
{
	vdev->ops->set_status(vdev, vdev->ops->get_status(vdev) | bits);
}

/* 3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, the features both sides know,
 * FEATURES_OK, and the device's confirmation. Only modern devices: without
 * VERSION_1 the layout and endianness would be the legacy ones. */
static int virtio_negotiate(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	uint64_t wanted = drv->features | VIRTIO_CORE_FEATURES;

	vdev->ops->reset(vdev);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	vdev->device_features = vdev->ops->get_features(vdev);
	if (!(vdev->device_features & (1ull << VIRTIO_F_VERSION_1))) {
		pr_warn("%s: device does not offer VIRTIO_F_VERSION_1 (legacy only)\n", vdev->name);
		return -ENODEV;
	}
	vdev->features = vdev->device_features & wanted;
	vdev->ops->set_features(vdev, vdev->features);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(vdev->ops->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		pr_warn("%s: device rejected features 0x%llx\n", vdev->name,
			(unsigned long long)vdev->features);
		return -ENODEV;
	}
	return 0;
}

static int virtio_bind(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	int rc;

	rc = virtio_negotiate(vdev, drv);
	if (rc)
		goto err_failed;
	vdev->driver = drv;
	rc = drv->probe(vdev);
	if (rc) {
		vdev->driver = NULL;
		pr_warn("%s: %s driver probe failed: error %d\n", vdev->name, drv->name, rc);
		goto err_failed;
	}
	if (!vdev->is_ready)
		virtio_device_ready(vdev);
	return 0;

err_failed:
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FAILED); /* 3.1.1 step 8 */
	return rc;
}

static struct virtio_driver *virtio_driver_for(uint32_t device_id)
{
	struct virtio_driver *drv;

	list_for_each_entry(drv, &virtio_drivers, link) {
		if (drv->device_id == device_id)
			return drv;
	}
	return NULL;
}

int virtio_add_device(struct virtio_device *vdev)
{
	struct virtio_driver *drv;

	spin_lock(&virtio_lock);
	format_snprintf(vdev->name, sizeof(vdev->name), "virtio%u", virtio_next_index++);
	list_add_tail(&vdev->link, &virtio_devices);
	drv = virtio_driver_for(vdev->device_id);
	spin_unlock(&virtio_lock);
	if (!drv) {
		/* 3.1.1 step 2: seen, even without a driver. */
		vdev->ops->reset(vdev);
		virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
		return 0;
	}
	return virtio_bind(vdev, drv);
}

void virtio_remove_device(struct virtio_device *vdev)
{
	spin_lock(&virtio_lock);
	list_del(&vdev->link);
	spin_unlock(&virtio_lock);
	virtio_del_vqs(vdev);
	vdev->driver = NULL;
}

void virtio_register_driver(struct virtio_driver *drv)
{
	struct virtio_device *vdev;

	spin_lock(&virtio_lock);
	list_add_tail(&drv->link, &virtio_drivers);
	spin_unlock(&virtio_lock);
	/* Probes sleep, so the walk is unlocked: devices leave only when a
	 * transport removes them, which none does while drivers register. */
	list_for_each_entry(vdev, &virtio_devices, link) {
		if (!vdev->driver && vdev->device_id == drv->device_id)
			virtio_bind(vdev, drv);
	}
}

struct virtio_device *virtio_find_device(const char *name)
{
	struct virtio_device *vdev, *found = NULL;

	spin_lock(&virtio_lock);
	list_for_each_entry(vdev, &virtio_devices, link) {
		if (!strcmp(vdev->name, name)) {
			found = vdev;
			break;
		}
	}
	spin_unlock(&virtio_lock);
	return found;
}

int virtio_find_vqs(struct virtio_device *vdev, unsigned int nr, unsigned int max_size,
		    void (*callback)(struct virtq *vq))
{
	bool has_event_idx = virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX);
	bool has_indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	unsigned int i, size;
	int rc;

	if (!nr)
		return -EINVAL;
	vdev->vqs = kzalloc(nr * sizeof(*vdev->vqs), GFP_KERNEL);
	if (!vdev->vqs)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		size = vdev->ops->queue_max_size(vdev, i);
		if (!size) {
			rc = -ENOENT;
			goto err_queues;
		}
		if (size > max_size)
			size = max_size;
		while (size & (size - 1)) /* split queues: a power of two (2.7) */
			size &= size - 1;
		rc = virtq_init(&vdev->vqs[i], i, size, has_event_idx, has_indirect, NULL);
		if (rc)
			goto err_queues;
		vdev->vqs[i].callback = callback;
		vdev->nr_vqs = i + 1;
		rc = vdev->ops->queue_enable(vdev, &vdev->vqs[i]);
		if (rc)
			goto err_queues;
	}
	return 0;

err_queues:
	virtio_del_vqs(vdev);
	return rc;
}

void virtio_del_vqs(struct virtio_device *vdev)
{
	unsigned int i;

	vdev->ops->reset(vdev); /* the device lets go of the rings first */
	vdev->is_ready = false;
	for (i = 0; i < vdev->nr_vqs; i++)
		virtq_destroy(&vdev->vqs[i]);
	kfree(vdev->vqs);
	vdev->vqs = NULL;
	vdev->nr_vqs = 0;
}

void virtio_device_ready(struct virtio_device *vdev)
{
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER_OK);
	vdev->is_ready = true;
}

void virtio_read_config(struct virtio_device *vdev, unsigned int offset, void *buf,
			unsigned int len)
{
	uint32_t before, after;

	do {
		before = vdev->ops->config_generation(vdev);
		vdev->ops->read_config(vdev, offset, buf, len);
		after = vdev->ops->config_generation(vdev);
	} while (before != after);
}

void virtio_write_config(struct virtio_device *vdev, unsigned int offset, const void *buf,
			 unsigned int len)
{
	vdev->ops->write_config(vdev, offset, buf, len);
}

void virtio_vq_interrupt(struct virtq *vq)
{
	if (vq->callback)
		vq->callback(vq);
}

void virtio_config_interrupt(struct virtio_device *vdev)
{
	bool has_stopped = false;
	unsigned int i;

	/* 2.1.2: a device that sets DEVICE_NEEDS_RESET uses none of its queues
	 * until it is reset; new requests would wait forever, so the queues
	 * refuse them from now on. */
	if (vdev->ops->get_status(vdev) & VIRTIO_CONFIG_S_NEEDS_RESET) {
		for (i = 0; i < vdev->nr_vqs; i++) {
			has_stopped |= !vdev->vqs[i].is_broken;
			vdev->vqs[i].is_broken = true;
		}
		if (has_stopped)
			pr_warn("%s: device needs a reset; its queues are stopped\n", vdev->name);
	}
	if (vdev->driver && vdev->driver->config_changed)
		vdev->driver->config_changed(vdev);
}
