/* See virtio_cross_device.h. */
#include "virtio_cross_device.h"

#include <linux/virtio_mmio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/block/disk.h"
#include "../../vmm/devices/virtio_blk.h"
#include "../../vmm/virtio/mmio.h"
#include "guest_mmio_bus.h"
#include "unit.h"

struct virtio_cross_device {
	struct guest_mem mem;
	struct virtio_blk *blk;
	struct virtio_mmio mmio;
	bool has_mmio;
	uintptr_t window;
	atomic_bool is_irq_pending;
};

static void cross_set_irq(void *opaque, bool level)
{
	struct virtio_cross_device *dev = opaque;

	if (level)
		atomic_store(&dev->is_irq_pending, true);
}

struct virtio_cross_device *virtio_cross_device_create(const char *image_path, const char *serial,
						       uint8_t *ram, uint64_t ram_size,
						       uintptr_t window)
{
	struct disk_options disk_options = { .path = image_path };
	struct virtio_blk_options options = {
		.nr_queues = 1,
		.engine = DISK_ENGINE_SYNC,
		.has_io_threads = false,
		.serial = serial,
	};
	struct vitro_error err = { "" };
	struct virtio_cross_device *dev = calloc(1, sizeof(*dev));
	struct disk disk = { .fd = -1, .buffered_fd = -1 };

	if (!dev) {
		UNIT_FAIL("out of memory");
		return NULL;
	}
	/* The guest's "physical" addresses are offsets into the kernel heap. */
	dev->mem = (struct guest_mem){ .host = ram, .size_bytes = ram_size, .nr_ranges = 1 };
	dev->mem.ranges[0] = (struct guest_mem_range){ 0, ram_size, ram };
	dev->window = window;
	atomic_init(&dev->is_irq_pending, false);
	if (disk_open(&disk, &disk_options, &err) ||
	    virtio_blk_create(&dev->blk, &disk, &dev->mem, &options, &err)) {
		UNIT_FAIL("vitro's virtio-blk: %s", err.msg);
		disk_close(&disk);
		free(dev);
		return NULL;
	}
	if (virtio_mmio_init(&dev->mmio, virtio_blk_device(dev->blk), cross_set_irq, dev)) {
		UNIT_FAIL("vitro's virtio-mmio: out of memory");
		virtio_blk_destroy(dev->blk);
		free(dev);
		return NULL;
	}
	dev->has_mmio = true;
	guest_mmio_bus_map(window, VIRTIO_MMIO_REGION_SIZE, &virtio_mmio_bus_ops, &dev->mmio);
	return dev;
}

bool virtio_cross_device_take_irq(struct virtio_cross_device *dev)
{
	return atomic_exchange(&dev->is_irq_pending, false);
}

uint32_t virtio_cross_device_status(struct virtio_cross_device *dev)
{
	uint8_t data[4];

	virtio_mmio_read(&dev->mmio, VIRTIO_MMIO_STATUS, data, 4);
	return data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
}

void virtio_cross_device_destroy(struct virtio_cross_device *dev)
{
	if (!dev)
		return;
	guest_mmio_bus_unmap(dev->window);
	if (dev->has_mmio)
		virtio_mmio_destroy(&dev->mmio);
	virtio_blk_destroy(dev->blk);
	free(dev);
}
