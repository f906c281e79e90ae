/* See guest_mmio_bus.h. An access nothing claims fails the running test. */
#include "guest_mmio_bus.h"

#include "../../guest/drivers/virtio/mmio_io.h"
#include "unit.h"

#define GUEST_MMIO_BUS_SLOTS 8

static struct bus_device slots[GUEST_MMIO_BUS_SLOTS];

void guest_mmio_bus_map(uintptr_t base, uint64_t len, const struct bus_device_ops *ops,
			void *opaque)
{
	unsigned int i, free_slot = GUEST_MMIO_BUS_SLOTS;

	for (i = 0; i < GUEST_MMIO_BUS_SLOTS; i++) {
		if (slots[i].ops && slots[i].base == base)
			break;
		if (!slots[i].ops && free_slot == GUEST_MMIO_BUS_SLOTS)
			free_slot = i;
	}
	if (i == GUEST_MMIO_BUS_SLOTS)
		i = free_slot;
	if (i == GUEST_MMIO_BUS_SLOTS) {
		UNIT_FAIL("guest MMIO bus: no free slot");
		return;
	}
	slots[i] = (struct bus_device){ base, len, ops, opaque };
}

void guest_mmio_bus_unmap(uintptr_t base)
{
	unsigned int i;

	for (i = 0; i < GUEST_MMIO_BUS_SLOTS; i++)
		if (slots[i].ops && slots[i].base == base)
			slots[i].ops = NULL;
}

static const struct bus_device *guest_mmio_bus_find(uintptr_t addr, unsigned int width)
{
	unsigned int i;

	for (i = 0; i < GUEST_MMIO_BUS_SLOTS; i++)
		if (slots[i].ops && addr >= slots[i].base && addr - slots[i].base < slots[i].len &&
		    width <= slots[i].len - (addr - slots[i].base))
			return &slots[i];
	UNIT_FAIL("guest MMIO access at %#lx (%u bytes) that no device claims", (unsigned long)addr,
		  width);
	return NULL;
}

uint32_t virtio_mmio_host_read(uintptr_t addr, unsigned int width)
{
	const struct bus_device *d = guest_mmio_bus_find(addr, width);
	uint8_t data[4] = { 0 };

	if (!d || !d->ops->read)
		return ~0u;
	d->ops->read(d->opaque, addr - d->base, data, width);
	return data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
}

void virtio_mmio_host_write(uintptr_t addr, unsigned int width, uint32_t value)
{
	const struct bus_device *d = guest_mmio_bus_find(addr, width);
	uint8_t data[4] = { (uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
			    (uint8_t)(value >> 24) };

	if (d && d->ops->write)
		d->ops->write(d->opaque, addr - d->base, data, width);
}
