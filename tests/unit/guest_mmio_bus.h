/* The MMIO bus that host builds of the guest's virtio-mmio driver talk to:
 * virtio_mmio_host_read/write (guest/drivers/virtio/mmio_io.h) land here and
 * go to whichever device a test mapped at that address, with vitro's bus
 * access signature, so vitro's own virtio-mmio transport can sit behind it
 * as well as a simulated register file. */
#ifndef TESTS_UNIT_GUEST_MMIO_BUS_H
#define TESTS_UNIT_GUEST_MMIO_BUS_H

#include <stdint.h>

#include "../../vmm/devices/bus.h"

/* Maps [base, base + len) to ops/opaque, replacing what was mapped at base. */
void guest_mmio_bus_map(uintptr_t base, uint64_t len, const struct bus_device_ops *ops,
			void *opaque);
void guest_mmio_bus_unmap(uintptr_t base);

#endif
