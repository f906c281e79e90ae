/* vitro's side of the cross test (test_virtio_cross.c): its virtio-blk
 * device behind its virtio-mmio transport, over a disk image, serving a
 * guest RAM the test shares with the guest's driver, and mapped on the guest
 * MMIO bus. vitro's and the guest's virtio headers cannot meet in one file
 * (both define struct virtq), so this one includes vitro's and offers the
 * test a neutral interface. */
#ifndef TESTS_UNIT_VIRTIO_CROSS_DEVICE_H
#define TESTS_UNIT_VIRTIO_CROSS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct virtio_cross_device;

/* Opens image_path as a read-write disk, creates the device (no I/O
 * threads: a queue notification serves the queue before it returns) with
 * GET_ID answering serial, on the guest RAM [0, ram_size) found at ram, and
 * maps its registers at window on the guest MMIO bus. NULL on failure, with
 * the reason recorded as a test failure. */
struct virtio_cross_device *virtio_cross_device_create(const char *image_path, const char *serial,
						       uint8_t *ram, uint64_t ram_size,
						       uintptr_t window);

/* True (once) if the device raised its interrupt since the last call: the
 * edge an irqfd would deliver. */
bool virtio_cross_device_take_irq(struct virtio_cross_device *dev);

/* The transport's device status register, DEVICE_NEEDS_RESET included. */
uint32_t virtio_cross_device_status(struct virtio_cross_device *dev);

void virtio_cross_device_destroy(struct virtio_cross_device *dev);

#endif
