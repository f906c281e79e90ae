/* See bus.h. A handful of devices: a linear scan is the fastest lookup. */
#include "bus.h"

#include <errno.h>
#include <string.h>

int bus_register(struct bus *bus, uint64_t base, uint64_t len, const struct bus_device_ops *ops,
		 void *opaque)
{
	unsigned int i;

	/* Inclusive ends, so a range may end exactly at the top of the space. */
	if (len == 0 || base + (len - 1) < base)
		return -EINVAL;
	if (bus->nr_devices == BUS_MAX_DEVICES)
		return -ENOSPC;
	for (i = 0; i < bus->nr_devices; i++) {
		const struct bus_device *d = &bus->devices[i];

		if (base <= d->base + (d->len - 1) && d->base <= base + (len - 1))
			return -EBUSY;
	}
	bus->devices[bus->nr_devices++] = (struct bus_device){ base, len, ops, opaque };
	return 0;
}

static const struct bus_device *bus_find(const struct bus *bus, uint64_t addr, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < bus->nr_devices; i++) {
		const struct bus_device *d = &bus->devices[i];

		if (addr >= d->base && addr - d->base < d->len && size <= d->len - (addr - d->base))
			return d;
	}
	return NULL;
}

bool bus_read(const struct bus *bus, uint64_t addr, uint8_t *data, unsigned int size)
{
	const struct bus_device *d = bus_find(bus, addr, size);

	if (!d || !d->ops->read) {
		memset(data, 0xff, size);
		return d != NULL;
	}
	d->ops->read(d->opaque, addr - d->base, data, size);
	return true;
}

bool bus_write(const struct bus *bus, uint64_t addr, const uint8_t *data, unsigned int size)
{
	const struct bus_device *d = bus_find(bus, addr, size);

	if (!d)
		return false;
	if (d->ops->write)
		d->ops->write(d->opaque, addr - d->base, data, size);
	return true;
}
