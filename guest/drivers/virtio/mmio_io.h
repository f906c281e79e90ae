/* Register access for the virtio-mmio transport: volatile loads and stores
 * into the uncached mapping in the kernel; in host builds, calls into the
 * unit test's simulated device. The only hardware access virtio_mmio.c makes. */
#ifndef DRIVERS_VIRTIO_MMIO_IO_H
#define DRIVERS_VIRTIO_MMIO_IO_H

#include <stdint.h>

#ifdef VITRO_HOST_BUILD
uint32_t virtio_mmio_host_read(uintptr_t addr, unsigned int width);
void virtio_mmio_host_write(uintptr_t addr, unsigned int width, uint32_t value);

static inline uint32_t virtio_mmio_read(uintptr_t addr, unsigned int width)
{
	return virtio_mmio_host_read(addr, width);
}

static inline void virtio_mmio_write(uintptr_t addr, unsigned int width, uint32_t value)
{
	virtio_mmio_host_write(addr, width, value);
}
#else
/* width is a constant at every call site, so each access is one instruction. */
static inline uint32_t virtio_mmio_read(uintptr_t addr, unsigned int width)
{
	if (width == 1)
		return *(volatile uint8_t *)addr;
	if (width == 2)
		return *(volatile uint16_t *)addr;
	return *(volatile uint32_t *)addr;
}

static inline void virtio_mmio_write(uintptr_t addr, unsigned int width, uint32_t value)
{
	if (width == 1)
		*(volatile uint8_t *)addr = (uint8_t)value;
	else if (width == 2)
		*(volatile uint16_t *)addr = (uint16_t)value;
	else
		*(volatile uint32_t *)addr = value;
}
#endif

#endif
