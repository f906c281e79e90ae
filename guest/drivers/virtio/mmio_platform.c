/* virtio-mmio on this machine: the windows mapped uncached, each device's GSI
 * routed through the IOAPIC to the boot CPU (edge-triggered: QEMU's line and
 * KVM's irqfd pulse both give an edge per interrupt), devices sharing a GSI
 * asked in turn. The hardware half of virtio_mmio_probe_all(). */
#include <vitro/boot_info.h>
#include <vitro/errno.h>
#include <vitro/percpu.h>
#include <vitro/printk.h>
#include <vitro/slab.h>

#include "../../kernel/arch/x86/apic.h"
#include "../../kernel/arch/x86/ioremap.h"
#include "../../kernel/arch/x86/traps.h"
#include "virtio_mmio.h"

#define VIRTIO_MMIO_MAX_DEVICES 32

/* Devices by GSI; the interrupt handler walks a GSI's chain. */
static struct virtio_mmio_device *devices_on_gsi[IRQ_NR_GSI];

static void virtio_mmio_irq(void *opaque)
{
	struct virtio_mmio_device *vm;

	for (vm = *(struct virtio_mmio_device **)opaque; vm; vm = vm->next_on_irq)
		virtio_mmio_interrupt(vm);
}

/* Whether a device joined the virtio core (its driver may still have failed). */
static bool virtio_mmio_add(const struct virtio_mmio_resource *r)
{
	struct virtio_mmio_device *vm;
	void *base;
	int rc;

	if (r->irq >= IRQ_NR_GSI || r->irq >= ioapic_nr_inputs()) {
		pr_warn("virtio-mmio: device at 0x%llx: GSI %u has no IOAPIC input, ignored\n",
			(unsigned long long)r->base, r->irq);
		return false;
	}
	base = ioremap(r->base, r->size);
	if (!base) {
		pr_warn("virtio-mmio: cannot map 0x%llx+0x%llx (outside the MMIO hole?), ignored\n",
			(unsigned long long)r->base, (unsigned long long)r->size);
		return false;
	}
	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return false;
	rc = virtio_mmio_device_init(vm, (uintptr_t)base);
	if (rc == -EOPNOTSUPP)
		pr_warn("virtio-mmio: legacy device at 0x%llx ignored (QEMU: -global virtio-mmio.force-legacy=false)\n",
			(unsigned long long)r->base);
	if (rc) {
		kfree(vm); /* -ENODEV: an empty slot, as QEMU microvm has many */
		return false;
	}
	vm->phys_base = r->base;
	vm->size = r->size;
	vm->irq = r->irq;
	/* Linked whole before the handler can see it. */
	vm->next_on_irq = devices_on_gsi[r->irq];
	__atomic_store_n(&devices_on_gsi[r->irq], vm, __ATOMIC_RELEASE);
	if (!vm->next_on_irq) {
		irq_set_handler(IRQ_VECTOR_BASE + r->irq, virtio_mmio_irq, &devices_on_gsi[r->irq]);
		ioapic_route_gsi(r->irq, IRQ_VECTOR_BASE + r->irq, cpu_local_of(0)->apic_id);
	}
	virtio_add_device(&vm->vdev);
	pr_info("virtio-mmio: %s at 0x%llx, GSI %u: device type %u%s\n", vm->vdev.name,
		(unsigned long long)r->base, r->irq, vm->vdev.device_id,
		vm->vdev.driver ? "" : " (no driver)");
	return true;
}

unsigned int virtio_mmio_probe_all(void)
{
	struct virtio_mmio_resource *res;
	unsigned int n, i, added = 0;

	res = kmalloc(VIRTIO_MMIO_MAX_DEVICES * sizeof(*res), GFP_KERNEL);
	if (!res)
		return 0;
	n = virtio_mmio_discover(boot_info.cmdline, boot_info.has_fdt ? &boot_info.fdt : NULL, res,
				 VIRTIO_MMIO_MAX_DEVICES);
	for (i = 0; i < n; i++)
		added += virtio_mmio_add(&res[i]);
	kfree(res);
	return added;
}
