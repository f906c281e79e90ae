/* See virtio_mmio.h: the register interface (virtio 1.2, 4.2.2) behind
 * struct virtio_transport_ops. Registers are little-endian, as x86. */
#include "virtio_mmio.h"

#include <linux/virtio_mmio.h>
#include <vitro/errno.h>
#include <vitro/list.h>

#include "mmio_io.h"

#define RESET_SPINS 1000000 /* a device resets at once; this only ends a hang */

static struct virtio_mmio_device *to_mmio(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_mmio_device, vdev);
}

static uint32_t mmio_read32(struct virtio_mmio_device *vm, unsigned int offset)
{
	return virtio_mmio_read(vm->base + offset, 4);
}

static void mmio_write32(struct virtio_mmio_device *vm, unsigned int offset, uint32_t value)
{
	virtio_mmio_write(vm->base + offset, 4, value);
}

static uint64_t mmio_get_features(struct virtio_device *vdev)
{
	struct virtio_mmio_device *vm = to_mmio(vdev);
	uint64_t features;

	mmio_write32(vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)mmio_read32(vm, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	mmio_write32(vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return features | mmio_read32(vm, VIRTIO_MMIO_DEVICE_FEATURES);
}

static void mmio_set_features(struct virtio_device *vdev, uint64_t features)
{
	struct virtio_mmio_device *vm = to_mmio(vdev);

	mmio_write32(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mmio_write32(vm, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	mmio_write32(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	mmio_write32(vm, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
}

static uint8_t mmio_get_status(struct virtio_device *vdev)
{
	return (uint8_t)mmio_read32(to_mmio(vdev), VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_device *vdev, uint8_t status)
{
	mmio_write32(to_mmio(vdev), VIRTIO_MMIO_STATUS, status);
}

static void mmio_reset(struct virtio_device *vdev)
{
	struct virtio_mmio_device *vm = to_mmio(vdev);
	unsigned int spins = 0;

	mmio_write32(vm, VIRTIO_MMIO_STATUS, 0);
	while (mmio_read32(vm, VIRTIO_MMIO_STATUS) && ++spins < RESET_SPINS)
		;
}

static uint32_t mmio_config_generation(struct virtio_device *vdev)
{
	return mmio_read32(to_mmio(vdev), VIRTIO_MMIO_CONFIG_GENERATION);
}

/* 4.2.2.2: fields are read with accesses of their own width (8, 16, 32 bits;
 * 64-bit fields as two 32-bit reads); other lengths byte by byte. */
static void mmio_read_config(struct virtio_device *vdev, unsigned int offset, void *buf,
			     unsigned int len)
{
	uintptr_t addr = to_mmio(vdev)->base + VIRTIO_MMIO_CONFIG + offset;
	uint8_t *out = buf;
	uint32_t v;
	unsigned int i;

	switch (len) {
	case 2:
		v = virtio_mmio_read(addr, 2);
		out[0] = (uint8_t)v;
		out[1] = (uint8_t)(v >> 8);
		return;
	case 4:
	case 8:
		for (i = 0; i < len; i += 4) {
			v = virtio_mmio_read(addr + i, 4);
			out[i] = (uint8_t)v;
			out[i + 1] = (uint8_t)(v >> 8);
			out[i + 2] = (uint8_t)(v >> 16);
			out[i + 3] = (uint8_t)(v >> 24);
		}
		return;
	default:
		for (i = 0; i < len; i++)
			out[i] = (uint8_t)virtio_mmio_read(addr + i, 1);
	}
}

static void mmio_write_config(struct virtio_device *vdev, unsigned int offset, const void *buf,
			      unsigned int len)
{
	uintptr_t addr = to_mmio(vdev)->base + VIRTIO_MMIO_CONFIG + offset;
	const uint8_t *in = buf;
	unsigned int i;

	switch (len) {
	case 2:
		virtio_mmio_write(addr, 2, in[0] | (uint32_t)in[1] << 8);
		return;
	case 4:
	case 8:
		for (i = 0; i < len; i += 4)
			virtio_mmio_write(addr + i, 4,
					  in[i] | (uint32_t)in[i + 1] << 8 |
						  (uint32_t)in[i + 2] << 16 |
						  (uint32_t)in[i + 3] << 24);
		return;
	default:
		for (i = 0; i < len; i++)
			virtio_mmio_write(addr + i, 1, in[i]);
	}
}

static unsigned int mmio_queue_max_size(struct virtio_device *vdev, unsigned int index)
{
	struct virtio_mmio_device *vm = to_mmio(vdev);

	mmio_write32(vm, VIRTIO_MMIO_QUEUE_SEL, index);
	if (mmio_read32(vm, VIRTIO_MMIO_QUEUE_READY))
		return 0; /* 4.2.3.2: a queue in use cannot be set up again */
	return mmio_read32(vm, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static void mmio_notify(struct virtq *vq)
{
	mmio_write32(vq->transport_priv, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

/* 4.2.3.2: select, size, the three ring addresses, then ready. */
static int mmio_queue_enable(struct virtio_device *vdev, struct virtq *vq)
{
	struct virtio_mmio_device *vm = to_mmio(vdev);

	mmio_write32(vm, VIRTIO_MMIO_QUEUE_SEL, vq->index);
	if (mmio_read32(vm, VIRTIO_MMIO_QUEUE_READY) ||
	    mmio_read32(vm, VIRTIO_MMIO_QUEUE_NUM_MAX) < vq->size)
		return -EBUSY;
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_NUM, vq->size);
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)vq->desc_phys);
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(vq->desc_phys >> 32));
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)vq->avail_phys);
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(vq->avail_phys >> 32));
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)vq->used_phys);
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(vq->used_phys >> 32));
	vq->transport_priv = vm;
	vq->notify = mmio_notify;
	mmio_write32(vm, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

static const struct virtio_transport_ops virtio_mmio_ops = {
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.reset = mmio_reset,
	.config_generation = mmio_config_generation,
	.read_config = mmio_read_config,
	.write_config = mmio_write_config,
	.queue_max_size = mmio_queue_max_size,
	.queue_enable = mmio_queue_enable,
};

int virtio_mmio_device_init(struct virtio_mmio_device *vm, uintptr_t base)
{
	uint32_t version;

	vm->base = base;
	if (mmio_read32(vm, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
		return -ENODEV;
	version = mmio_read32(vm, VIRTIO_MMIO_VERSION);
	if (version == 1)
		return -EOPNOTSUPP;
	if (version != 2)
		return -ENODEV;
	vm->vdev.device_id = mmio_read32(vm, VIRTIO_MMIO_DEVICE_ID);
	if (!vm->vdev.device_id)
		return -ENODEV;
	vm->vdev.vendor_id = mmio_read32(vm, VIRTIO_MMIO_VENDOR_ID);
	vm->vdev.ops = &virtio_mmio_ops;
	return 0;
}

bool virtio_mmio_interrupt(struct virtio_mmio_device *vm)
{
	uint32_t status = mmio_read32(vm, VIRTIO_MMIO_INTERRUPT_STATUS);
	unsigned int i;

	if (!status)
		return false;
	/* Acknowledge first: whatever the device adds from now on raises it again. */
	mmio_write32(vm, VIRTIO_MMIO_INTERRUPT_ACK, status);
	vm->nr_interrupts++;
	if (status & VIRTIO_MMIO_INT_VRING)
		for (i = 0; i < vm->vdev.nr_vqs; i++)
			virtio_vq_interrupt(&vm->vdev.vqs[i]);
	if (status & VIRTIO_MMIO_INT_CONFIG)
		virtio_config_interrupt(&vm->vdev);
	return true;
}
