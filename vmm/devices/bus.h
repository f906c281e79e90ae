/* An address bus that routes guest port I/O or MMIO accesses to the device
 * that registered the range. Unclaimed reads return all ones and unclaimed
 * writes are dropped, as on a PC. */
#ifndef VMM_DEVICES_BUS_H
#define VMM_DEVICES_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define BUS_MAX_DEVICES 32

struct bus_device_ops {
	/* offset is relative to the device's base; size is 1, 2, 4 or 8. */
	void (*read)(void *opaque, uint64_t offset, uint8_t *data, unsigned int size);
	void (*write)(void *opaque, uint64_t offset, const uint8_t *data, unsigned int size);
};

struct bus_device {
	uint64_t base;
	uint64_t len;
	const struct bus_device_ops *ops;
	void *opaque;
};

struct bus {
	unsigned int nr_devices;
	struct bus_device devices[BUS_MAX_DEVICES];
};

/* Returns 0, or -EINVAL for an empty or wrapping range, -EBUSY if the range
 * overlaps a registered one, -ENOSPC if the bus is full. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, const struct bus_device_ops *ops,
		 void *opaque);

/* Returns true if a device claimed the access. */
bool bus_read(const struct bus *bus, uint64_t addr, uint8_t *data, unsigned int size);
bool bus_write(const struct bus *bus, uint64_t addr, const uint8_t *data, unsigned int size);

#endif
