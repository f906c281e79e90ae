/* See virtio.h: the device's side of the transport interface. */
#include "virtio.h"

void virtio_device_notify_used(struct virtio_device *dev, unsigned int index)
{
	if (index < dev->nr_queues && virtq_needs_interrupt(&dev->queues[index]) && dev->transport)
		dev->transport->notify_queue(dev->transport_opaque, index);
}

void virtio_device_set_needs_reset(struct virtio_device *dev)
{
	if (dev->transport)
		dev->transport->set_needs_reset(dev->transport_opaque);
}

void virtio_device_config_changed(struct virtio_device *dev)
{
	if (dev->transport)
		dev->transport->config_changed(dev->transport_opaque);
}
