/* libFuzzer target: the virtio-mmio transport (vmm/virtio/mmio.c) in front of
 * the virtio-blk model (vmm/devices/virtio_blk.c), driven by register
 * accesses while the fuzzer owns all of guest RAM, rings and requests
 * included. The image is a 64 KiB memory file served synchronously, so a
 * run is deterministic.
 *
 * Input: a 16-bit little-endian length N, N bytes of operations, then guest
 * RAM (64 KiB at address 0, zero-filled past the input). Operations, one
 * opcode byte each:
 *   0x00-0x3f  write the next 4 bytes to register (opcode * 4)
 *   0x40-0x7f  read register ((opcode - 0x40) * 4)
 *   0x80-0xbf  read configuration byte (opcode - 0x80), the next byte's
 *              low two bits choosing 1, 2, 4 or 8 bytes
 *   0xc0 S     a driver's start-up: every offered feature, queue 0 of size
 *              1 << (S % 5) with its descriptor table at 0, available ring
 *              at 0x1000, used ring at 0x2000, DRIVER_OK
 *   0xc1 Q     a kick of queue Q
 *   0xc2       reset (status 0)
 * Between runs the device is reset; the image keeps what earlier runs
 * wrote, which changes data but not control flow.
 *
 * Checked: the image never grows (nothing is written past its capacity);
 * a kick returns with every request it took answered in the used ring (but
 * the one chain that broke a queue); and the interrupt line is up exactly
 * while the interrupt status is non-zero. */
#include <linux/virtio_mmio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../vmm/block/disk.h"
#include "../../vmm/devices/virtio_blk.h"
#include "../../vmm/virtio/mmio.h"

#define RAM_BYTES 0x10000u
#define IMAGE_BYTES 0x10000u
#define DESC_GPA 0x0000u /* where driver_start puts queue 0 */
#define AVAIL_GPA 0x1000u
#define USED_GPA 0x2000u

static struct fuzz_machine {
	uint8_t *ram;
	struct guest_mem mem;
	struct virtio_blk *blk;
	struct virtio_mmio mmio;
	int image_fd;
	bool irq_level;
} machine;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_virtio_blk: invariant failed: %s\n", what);
	abort();
}

static void set_irq(void *opaque, bool level)
{
	(void)opaque;
	machine.irq_level = level;
}

static void setup(void)
{
	struct virtio_blk_options options = { .nr_queues = 2, .engine = DISK_ENGINE_SYNC };
	struct vitro_error err = { "" };
	char path[64];
	struct disk disk;

	machine.ram = malloc(RAM_BYTES); /* exactly: ASan sees any access past it */
	machine.image_fd = memfd_create("fuzz-virtio-blk-image", MFD_CLOEXEC);
	if (!machine.ram || machine.image_fd < 0 || ftruncate(machine.image_fd, IMAGE_BYTES))
		fail("cannot set up guest RAM and the image");
	guest_mem_layout(&machine.mem, machine.ram, RAM_BYTES, RAM_BYTES, RAM_BYTES);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", machine.image_fd);
	if (disk_open(&disk, &(struct disk_options){ .path = path }, &err) ||
	    virtio_blk_create(&machine.blk, &disk, &machine.mem, &options, &err) ||
	    virtio_mmio_init(&machine.mmio, virtio_blk_device(machine.blk), set_irq, NULL)) {
		fprintf(stderr, "fuzz_virtio_blk: %s\n", err.msg);
		fail("cannot create the device");
	}
}

static uint32_t reg_read(uint64_t offset)
{
	uint32_t value;

	virtio_mmio_read(&machine.mmio, offset, (uint8_t *)&value, 4);
	return value;
}

static void reg_write(uint64_t offset, uint32_t value)
{
	virtio_mmio_write(&machine.mmio, offset, (const uint8_t *)&value, 4);
}

static void driver_start(uint8_t size_log2)
{
	uint32_t low, high;

	reg_write(VIRTIO_MMIO_STATUS, 0);
	reg_write(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	low = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	high = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, low);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, high);
	reg_write(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
					      VIRTIO_CONFIG_S_FEATURES_OK);
	reg_write(VIRTIO_MMIO_QUEUE_SEL, 0);
	reg_write(VIRTIO_MMIO_QUEUE_NUM, 1u << (size_log2 % 5));
	reg_write(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA);
	reg_write(VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL_GPA);
	reg_write(VIRTIO_MMIO_QUEUE_USED_LOW, USED_GPA);
	reg_write(VIRTIO_MMIO_QUEUE_READY, 1);
	reg_write(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
					      VIRTIO_CONFIG_S_FEATURES_OK |
					      VIRTIO_CONFIG_S_DRIVER_OK);
}

static void check_state(void)
{
	const struct virtio_device *dev = virtio_blk_device(machine.blk);
	struct stat st;
	unsigned int i;

	if (fstat(machine.image_fd, &st) || st.st_size != IMAGE_BYTES)
		fail("the image changed size");
	if (machine.irq_level != (atomic_load(&machine.mmio.interrupt_status) != 0))
		fail("the interrupt line disagrees with the interrupt status");
	for (i = 0; i < dev->nr_queues; i++) {
		const struct virtq *vq = &dev->queues[i];
		uint16_t unanswered = vq->last_avail_idx - vq->used_idx;

		if (unanswered > (vq->is_broken ? 1 : 0))
			fail("a request taken was left unanswered");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nr_ops, i, ram_bytes;
	const uint8_t *ops;

	if (!machine.ram)
		setup();
	if (size < 2)
		return 0;
	nr_ops = data[0] | data[1] << 8;
	if (nr_ops > size - 2)
		nr_ops = size - 2;
	ops = data + 2;
	ram_bytes = size - 2 - nr_ops < RAM_BYTES ? size - 2 - nr_ops : RAM_BYTES;
	reg_write(VIRTIO_MMIO_STATUS, 0);
	memset(machine.ram, 0, RAM_BYTES);
	memcpy(machine.ram, ops + nr_ops, ram_bytes);

	for (i = 0; i < nr_ops;) {
		uint8_t op = ops[i++];
		uint8_t arg = i < nr_ops ? ops[i] : 0;
		uint32_t value = 0;
		uint8_t config[8];

		if (op < 0x40) {
			memcpy(&value, ops + i, nr_ops - i < 4 ? nr_ops - i : 4);
			i += 4;
			reg_write(op * 4u, value);
		} else if (op < 0x80) {
			reg_read((op - 0x40) * 4u);
		} else if (op < 0xc0) {
			i++;
			virtio_mmio_read(&machine.mmio, VIRTIO_MMIO_CONFIG + (op - 0x80), config,
					 1u << (arg & 3));
		} else if (op == 0xc0) {
			i++;
			driver_start(arg);
		} else if (op == 0xc1) {
			i++;
			reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, arg);
		} else if (op == 0xc2) {
			reg_write(VIRTIO_MMIO_STATUS, 0);
		}
		check_state();
	}
	return 0;
}
