/* See mmio.h. Register offsets from <linux/virtio_mmio.h>; section numbers
 * are virtio 1.2's. */
#include "mmio.h"

#include <errno.h>
#include <linux/virtio_mmio.h>
#include <stdlib.h>
#include <string.h>

const struct bus_device_ops virtio_mmio_bus_ops = {
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
};

static void mmio_raise(struct virtio_mmio *mmio, unsigned int bit)
{
	atomic_fetch_or(&mmio->interrupt_status, bit);
	mmio->set_irq(mmio->irq_opaque, true);
}

static void mmio_notify_queue(void *opaque, unsigned int index)
{
	(void)index; /* one interrupt line for every queue */
	mmio_raise(opaque, VIRTIO_MMIO_INT_VRING);
}

static void mmio_config_changed(void *opaque)
{
	struct virtio_mmio *mmio = opaque;

	atomic_fetch_add(&mmio->config_generation, 1);
	mmio_raise(mmio, VIRTIO_MMIO_INT_CONFIG);
}

static void mmio_set_needs_reset(void *opaque)
{
	struct virtio_mmio *mmio = opaque;

	atomic_store(&mmio->needs_reset, true);
	mmio_raise(mmio, VIRTIO_MMIO_INT_CONFIG);
}

static const struct virtio_transport_ops mmio_transport_ops = {
	.notify_queue = mmio_notify_queue,
	.config_changed = mmio_config_changed,
	.set_needs_reset = mmio_set_needs_reset,
};

int virtio_mmio_init(struct virtio_mmio *mmio, struct virtio_device *dev,
		     void (*set_irq)(void *opaque, bool level), void *irq_opaque)
{
	memset(mmio, 0, sizeof(*mmio));
	mmio->queues = calloc(dev->nr_queues ? dev->nr_queues : 1, sizeof(*mmio->queues));
	if (!mmio->queues)
		return -ENOMEM;
	mmio->dev = dev;
	mmio->set_irq = set_irq;
	mmio->irq_opaque = irq_opaque;
	pthread_mutex_init(&mmio->lock, NULL);
	atomic_init(&mmio->interrupt_status, 0);
	atomic_init(&mmio->needs_reset, false);
	atomic_init(&mmio->config_generation, 0);
	dev->transport = &mmio_transport_ops;
	dev->transport_opaque = mmio;
	return 0;
}

/* Writing 0 to Status (2.4): the device stops, then every register and
 * queue returns to its initial state. */
static void mmio_reset(struct virtio_mmio *mmio)
{
	struct virtio_device *dev = mmio->dev;
	unsigned int i;

	dev->ops->reset(dev);
	for (i = 0; i < dev->nr_queues; i++)
		virtq_disable(&dev->queues[i]);
	memset(mmio->queues, 0, dev->nr_queues * sizeof(*mmio->queues));
	dev->driver_features = 0;
	mmio->status = 0;
	mmio->device_features_sel = 0;
	mmio->driver_features_sel = 0;
	mmio->driver_features = 0;
	mmio->queue_sel = 0;
	atomic_store(&mmio->needs_reset, false);
	if (atomic_exchange(&mmio->interrupt_status, 0))
		mmio->set_irq(mmio->irq_opaque, false);
}

void virtio_mmio_destroy(struct virtio_mmio *mmio)
{
	if (!mmio->queues)
		return;
	pthread_mutex_lock(&mmio->lock);
	mmio_reset(mmio);
	pthread_mutex_unlock(&mmio->lock);
	pthread_mutex_destroy(&mmio->lock);
	free(mmio->queues);
	mmio->queues = NULL;
	mmio->dev->transport = NULL;
}

static struct virtio_mmio_queue *mmio_selected_queue(struct virtio_mmio *mmio)
{
	return mmio->queue_sel < mmio->dev->nr_queues ? &mmio->queues[mmio->queue_sel] : NULL;
}

static uint32_t mmio_read_register(struct virtio_mmio *mmio, uint64_t offset)
{
	const struct virtio_mmio_queue *q = mmio_selected_queue(mmio);
	const struct virtio_device *dev = mmio->dev;

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_MODERN_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return dev->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VITRO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (mmio->device_features_sel > 1)
			return 0;
		return (uint32_t)(dev->features >> (32 * mmio->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? dev->queue_size_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q ? q->is_ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return atomic_load(&mmio->interrupt_status);
	case VIRTIO_MMIO_STATUS:
		return mmio->status |
		       (atomic_load(&mmio->needs_reset) ? VIRTIO_CONFIG_S_NEEDS_RESET : 0);
	/* 4.2.2: no shared memory regions, which reads as a length of -1. */
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffff;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return atomic_load(&mmio->config_generation);
	default:
		return 0; /* write-only, legacy-only or unassigned */
	}
}

/* FEATURES_OK (2.2.2, 3.1.1): only features the device offered, the modern
 * interface among them, and a set the device itself accepts. */
static bool mmio_features_acceptable(struct virtio_mmio *mmio)
{
	struct virtio_device *dev = mmio->dev;
	uint64_t features = mmio->driver_features;

	if (features & ~dev->features)
		return false;
	if (!(features & (1ull << VIRTIO_F_VERSION_1)))
		return false;
	return !dev->ops->accepts_features || dev->ops->accepts_features(dev, features);
}

static void mmio_write_status(struct virtio_mmio *mmio, uint32_t value)
{
	struct virtio_device *dev = mmio->dev;
	uint32_t added;

	value &= ~VIRTIO_CONFIG_S_NEEDS_RESET; /* the device's bit, not the driver's */
	if (!value) {
		mmio_reset(mmio);
		return;
	}
	/* 2.1.1: the driver never clears a bit but by resetting. */
	if (mmio->status & ~value)
		return;
	added = value & ~mmio->status;
	if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
		if (mmio_features_acceptable(mmio))
			dev->driver_features = mmio->driver_features;
		else
			value &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) && !(value & VIRTIO_CONFIG_S_FEATURES_OK))
		value &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	mmio->status = value;
	if ((value & added & VIRTIO_CONFIG_S_DRIVER_OK) && dev->ops->activate(dev))
		mmio_set_needs_reset(mmio);
}

/* QueueReady = 1: the queue goes live with what the driver wrote, if the
 * layout holds up; otherwise the device needs a reset. Queues are set up
 * between FEATURES_OK and DRIVER_OK (3.1.1). */
static void mmio_ready_queue(struct virtio_mmio *mmio, unsigned int index)
{
	struct virtio_mmio_queue *q = &mmio->queues[index];
	struct virtio_device *dev = mmio->dev;

	if (q->is_ready)
		return;
	q->layout.size = q->size <= dev->queue_size_max ? q->size : 0;
	if (virtq_enable(&dev->queues[index], dev->mem, &q->layout, dev->driver_features)) {
		mmio_set_needs_reset(mmio);
		return;
	}
	q->is_ready = true;
}

static void mmio_write_queue(struct virtio_mmio *mmio, uint64_t offset, uint32_t value)
{
	struct virtio_mmio_queue *q = mmio_selected_queue(mmio);
	bool is_live = mmio->status & VIRTIO_CONFIG_S_DRIVER_OK;

	/* Without VIRTIO_F_RING_RESET a queue is changed only while the
	 * device is not running and the queue is not ready. */
	if (!q || is_live)
		return;
	if (offset == VIRTIO_MMIO_QUEUE_READY) {
		if (!value) {
			q->is_ready = false;
			virtq_disable(&mmio->dev->queues[mmio->queue_sel]);
		} else if (mmio->status & VIRTIO_CONFIG_S_FEATURES_OK) {
			mmio_ready_queue(mmio, mmio->queue_sel);
		}
		return;
	}
	if (q->is_ready)
		return;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->size = value;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		q->layout.desc_gpa = (q->layout.desc_gpa & ~0xffffffffull) | value;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		q->layout.desc_gpa = (q->layout.desc_gpa & 0xffffffffull) | (uint64_t)value << 32;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		q->layout.avail_gpa = (q->layout.avail_gpa & ~0xffffffffull) | value;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		q->layout.avail_gpa = (q->layout.avail_gpa & 0xffffffffull) | (uint64_t)value << 32;
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		q->layout.used_gpa = (q->layout.used_gpa & ~0xffffffffull) | value;
		break;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		q->layout.used_gpa = (q->layout.used_gpa & 0xffffffffull) | (uint64_t)value << 32;
		break;
	}
}

static void mmio_ack_interrupt(struct virtio_mmio *mmio, uint32_t value)
{
	uint32_t old = atomic_fetch_and(&mmio->interrupt_status, ~value);

	if (!old || (old & ~value))
		return;
	mmio->set_irq(mmio->irq_opaque, false);
	/* A device thread may have raised a bit between the two lines above. */
	if (atomic_load(&mmio->interrupt_status))
		mmio->set_irq(mmio->irq_opaque, true);
}

static void mmio_write_register(struct virtio_mmio *mmio, uint64_t offset, uint32_t value)
{
	struct virtio_device *dev = mmio->dev;

	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		mmio->device_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Final once FEATURES_OK is set (3.1.1). */
		if (mmio->driver_features_sel > 1 || (mmio->status & VIRTIO_CONFIG_S_FEATURES_OK))
			break;
		if (mmio->driver_features_sel)
			mmio->driver_features =
				(mmio->driver_features & 0xffffffffull) | (uint64_t)value << 32;
		else
			mmio->driver_features = (mmio->driver_features & ~0xffffffffull) | value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		mmio->driver_features_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		mmio->queue_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		mmio_write_queue(mmio, offset, value);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* The value is the queue index (no VIRTIO_F_NOTIFICATION_DATA). */
		if (value < dev->nr_queues && mmio->queues[value].is_ready &&
		    (mmio->status & VIRTIO_CONFIG_S_DRIVER_OK) && !atomic_load(&mmio->needs_reset))
			dev->ops->queue_notify(dev, value);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		mmio_ack_interrupt(mmio, value);
		break;
	case VIRTIO_MMIO_STATUS:
		mmio_write_status(mmio, value);
		break;
	}
}

/* The configuration space: any access size, inside config_size; reads
 * beyond it see zeros and writes there are dropped. */
static bool mmio_config_range(const struct virtio_mmio *mmio, uint64_t offset, unsigned int size)
{
	return offset >= VIRTIO_MMIO_CONFIG &&
	       offset - VIRTIO_MMIO_CONFIG < mmio->dev->config_size &&
	       size <= mmio->dev->config_size - (offset - VIRTIO_MMIO_CONFIG);
}

void virtio_mmio_read(void *opaque, uint64_t offset, uint8_t *data, unsigned int size)
{
	struct virtio_mmio *mmio = opaque;
	uint32_t value;

	memset(data, 0, size);
	pthread_mutex_lock(&mmio->lock);
	if (mmio_config_range(mmio, offset, size)) {
		mmio->dev->ops->config_read(mmio->dev, offset - VIRTIO_MMIO_CONFIG, data, size);
	} else if (offset < VIRTIO_MMIO_CONFIG && size == 4 && !(offset % 4)) {
		/* 4.2.2.2: registers are read and written 32 bits at a time. */
		value = mmio_read_register(mmio, offset);
		memcpy(data, &value, 4);
	}
	pthread_mutex_unlock(&mmio->lock);
}

void virtio_mmio_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned int size)
{
	struct virtio_mmio *mmio = opaque;
	uint32_t value;

	pthread_mutex_lock(&mmio->lock);
	if (mmio_config_range(mmio, offset, size)) {
		if (mmio->dev->ops->config_write)
			mmio->dev->ops->config_write(mmio->dev, offset - VIRTIO_MMIO_CONFIG, data,
						     size);
	} else if (offset < VIRTIO_MMIO_CONFIG && size == 4 && !(offset % 4)) {
		memcpy(&value, data, 4);
		mmio_write_register(mmio, offset, value);
	}
	pthread_mutex_unlock(&mmio->lock);
}
