/* See vm_disks.h. */
#include "vm_disks.h"

#include <errno.h>
#include <linux/virtio_mmio.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../shared/machine.h"

_Static_assert(VITRO_MAX_DISKS <= MACHINE_VIRTIO_MMIO_SLOTS, "a slot for every disk");
_Static_assert(VITRO_DISK_MAX_QUEUES == VIRTIO_BLK_MAX_QUEUES, "one queue limit");

int vm_disks_open(struct vm_disks *disks, const struct run_config *cfg, struct vitro_error *err)
{
	struct vitro_error disk_err = { "" };
	unsigned int i;
	int rc;

	memset(disks, 0, sizeof(*disks));
	for (i = 0; i < VITRO_MAX_DISKS; i++) {
		disks->disks[i].image.fd = disks->disks[i].image.buffered_fd = -1;
		disks->disks[i].irq_fd = -1;
	}
	for (i = 0; i < cfg->nr_disks; i++) {
		const struct disk_config *c = &cfg->disks[i];
		struct disk_options options = {
			.path = c->path,
			.is_read_only = c->is_read_only,
			.is_direct = c->is_direct,
		};

		rc = disk_open(&disks->disks[i].image, &options, &disk_err);
		if (rc)
			return vitro_error_set(err, rc, "--disk %s", disk_err.msg);
		disks->disks[i].nr_queues = c->nr_queues;
		disks->nr_disks++;
	}
	return 0;
}

/* An irqfd write is the edge the guest's edge-triggered pin wants; there is
 * nothing to do when the transport lowers the line. */
static void vm_disk_set_irq(void *opaque, bool level)
{
	struct vm_disk *disk = opaque;
	uint64_t one = 1;

	if (level)
		while (write(disk->irq_fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
}

static int vm_disk_attach(struct vm_disk *disk, unsigned int index,
			  const struct fdt_virtio_mmio *slot, struct kvm_vm *kvm,
			  struct bus *mmio_bus, unsigned int nr_cpus, struct vmm_tracer *tracer,
			  struct vitro_error *err)
{
	struct virtio_blk_options options = {
		.nr_queues = disk->nr_queues ? disk->nr_queues : nr_cpus,
		.engine = DISK_ENGINE_AUTO,
		.has_io_threads = true,
		.tracer = tracer,
		.trace_dev = index,
	};
	char path[VITRO_DISK_PATH_MAX];
	unsigned int q;
	int rc;

	if (options.nr_queues > VIRTIO_BLK_MAX_QUEUES)
		options.nr_queues = VIRTIO_BLK_MAX_QUEUES;
	snprintf(path, sizeof(path), "%s", disk->image.path);
	disk->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (disk->irq_fd < 0)
		return vitro_error_set(err, -errno, "--disk %s: eventfd: %s", path,
				       strerror(errno));
	rc = kvm_irqfd(kvm, disk->irq_fd, slot->irq);
	if (rc)
		return vitro_error_set(err, rc, "--disk %s: KVM_IRQFD: %s", path, strerror(-rc));
	rc = virtio_blk_create(&disk->blk, &disk->image, &kvm->mem, &options, err);
	if (rc)
		return rc;
	rc = virtio_mmio_init(&disk->mmio, virtio_blk_device(disk->blk), vm_disk_set_irq, disk);
	if (rc)
		return vitro_error_set(err, rc, "out of memory");
	disk->has_mmio = true;
	rc = bus_register(mmio_bus, slot->base, slot->size, &virtio_mmio_bus_ops, &disk->mmio);
	if (rc)
		return vitro_error_set(err, rc, "--disk %s: MMIO slot 0x%llx is taken", path,
				       (unsigned long long)slot->base);
	/* Without ioeventfds the notify register still works, through an MMIO
	 * exit: slower, not wrong. */
	for (q = 0; q < options.nr_queues; q++)
		kvm_ioeventfd(kvm, virtio_blk_kick_fd(disk->blk, q),
			      slot->base + VIRTIO_MMIO_QUEUE_NOTIFY, 4, q);
	return 0;
}

int vm_disks_attach(struct vm_disks *disks, struct kvm_vm *kvm, struct bus *mmio_bus,
		    unsigned int nr_cpus, struct vmm_tracer *tracer, struct vitro_error *err)
{
	unsigned int i;
	int rc;

	for (i = 0; i < disks->nr_disks; i++) {
		disks->slots[i] = (struct fdt_virtio_mmio){
			.base = MACHINE_VIRTIO_MMIO_BASE + (uint64_t)i * MACHINE_VIRTIO_MMIO_SIZE,
			.size = MACHINE_VIRTIO_MMIO_SIZE,
			.irq = MACHINE_VIRTIO_MMIO_FIRST_IRQ + i,
		};
		rc = vm_disk_attach(&disks->disks[i], i, &disks->slots[i], kvm, mmio_bus, nr_cpus,
				    tracer, err);
		if (rc)
			return rc;
	}
	return 0;
}

int vm_disks_cmdline(const struct vm_disks *disks, const char *cmdline, char *out, size_t size,
		     struct vitro_error *err)
{
	size_t len = snprintf(out, size, "%s", cmdline);
	unsigned int i;

	for (i = 0; i < disks->nr_disks && len < size; i++)
		len += snprintf(out + len, size - len, "%svirtio_mmio.device=%llu@0x%llx:%u",
				len ? " " : "", (unsigned long long)disks->slots[i].size,
				(unsigned long long)disks->slots[i].base, disks->slots[i].irq);
	if (len >= size)
		return vitro_error_set(
			err, -E2BIG,
			"--cmdline: too long with the virtio_mmio.device= parameters vitro adds for --disk (at most %zu bytes in all)",
			size - 1);
	return 0;
}

void vm_disks_destroy(struct vm_disks *disks)
{
	unsigned int i;

	/* Only the first nr_disks were ever opened. */
	for (i = 0; i < disks->nr_disks; i++) {
		struct vm_disk *disk = &disks->disks[i];

		if (disk->has_mmio)
			virtio_mmio_destroy(&disk->mmio);
		virtio_blk_destroy(disk->blk);
		disk_close(&disk->image); /* if the device never took it */
		if (disk->irq_fd >= 0)
			close(disk->irq_fd);
		memset(disk, 0, sizeof(*disk));
		disk->image.fd = disk->image.buffered_fd = -1;
		disk->irq_fd = -1;
	}
	disks->nr_disks = 0;
}
