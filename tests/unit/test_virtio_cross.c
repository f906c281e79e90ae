/* Both ends of virtio in one process: the guest's virtio-mmio transport, core
 * and split virtqueue (guest/drivers/virtio/, built for the host) drive
 * vitro's virtio-mmio transport and virtio-blk device (vmm/virtio/,
 * vmm/devices/virtio_blk.c; virtio_cross_device.c) through the guest MMIO
 * bus, over one shared "guest RAM" (the kernel heap the driver allocates
 * from) and a real image file. The driver negotiates, sets up a queue, and
 * does block I/O that the test checks in the file; interrupts are the
 * device's edges, delivered to the driver's handler. Then the test corrupts
 * a chain the driver published: vitro must refuse it with
 * DEVICE_NEEDS_RESET, the driver must see its queue broken, and a reset
 * must bring the device back. */
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/slab.h>

#include "../../guest/drivers/virtio/virtio_mmio.h"
#include "host_kernel.h"
#include "kernel_heap.h"
#include "unit.h"
#include "virtio_cross_device.h"

#define RAM_PAGES 2048 /* 8 MiB of shared guest RAM */
#define IMAGE_BYTES (1 << 20)
#define QUEUE_SIZE 64
#define SERIAL "cross-test-disk"
#define SECTOR 512

/* Where the driver finds the registers: any address the bus maps. */
static _Alignas(4096) uint8_t window[0x200];

/* One virtio-blk request (virtio 1.2, 5.2.6), in guest RAM. */
struct blk_req {
	struct virtio_blk_outhdr hdr;
	uint8_t status;
	bool is_done;
	uint32_t used_len;
};

static struct {
	struct virtio_cross_device *dev;
	struct virtio_mmio_device vm;
	char image[64];
	int image_fd;
	unsigned int nr_interrupts;
} cross;

static struct virtq *cross_vq(void)
{
	return &cross.vm.vdev.vqs[0];
}

static void cross_vq_callback(struct virtq *vq)
{
	struct blk_req *r;
	uint32_t len;

	while ((r = virtq_get_used(vq, &len))) {
		r->is_done = true;
		r->used_len = len;
	}
}

/* 3.1.1 as the guest core does it (virtio.c's negotiation is static, and
 * a registered test driver of another file could claim the device). */
static bool cross_bind(void)
{
	struct virtio_device *vdev = &cross.vm.vdev;
	uint64_t wanted = VIRTIO_CORE_FEATURES | (1ull << VIRTIO_BLK_F_FLUSH);

	vdev->ops->reset(vdev);
	vdev->ops->set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vdev->ops->set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	vdev->device_features = vdev->ops->get_features(vdev);
	vdev->features = vdev->device_features & wanted;
	vdev->ops->set_features(vdev, vdev->features);
	vdev->ops->set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
					    VIRTIO_CONFIG_S_FEATURES_OK);
	if (!EXPECT_TRUE(vdev->ops->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK))
		return false;
	if (!EXPECT_EQ(virtio_find_vqs(vdev, 1, QUEUE_SIZE, cross_vq_callback), 0))
		return false;
	virtio_device_ready(vdev);
	return true;
}

/* A fresh heap, an image whose sector s starts with "sector s", vitro's
 * device on both, the driver bound. */
static bool cross_setup(void)
{
	char text[32];
	unsigned int s;

	memset(&cross, 0, sizeof(cross));
	cross.image_fd = -1;
	kernel_heap_start(RAM_PAGES);
	snprintf(cross.image, sizeof(cross.image), "/tmp/vitro-cross-XXXXXX");
	cross.image_fd = mkstemp(cross.image);
	if (cross.image_fd < 0 || ftruncate(cross.image_fd, IMAGE_BYTES)) {
		UNIT_FAIL("cannot create a temporary image");
		return false;
	}
	for (s = 0; s < IMAGE_BYTES / SECTOR; s++) {
		int n = snprintf(text, sizeof(text), "sector %u", s);

		if (pwrite(cross.image_fd, text, n, (off_t)s * SECTOR) != n) {
			UNIT_FAIL("cannot write the image");
			return false;
		}
	}
	cross.dev = virtio_cross_device_create(cross.image, SERIAL, host_phys_base,
					       RAM_PAGES * PAGE_SIZE, (uintptr_t)window);
	if (!cross.dev)
		return false;
	if (!EXPECT_EQ(virtio_mmio_device_init(&cross.vm, (uintptr_t)window), 0) ||
	    !EXPECT_EQ(cross.vm.vdev.device_id, VIRTIO_ID_BLOCK))
		return false;
	snprintf(cross.vm.vdev.name, sizeof(cross.vm.vdev.name), "cross0");
	return cross_bind();
}

static void cross_teardown(void)
{
	if (cross.vm.vdev.vqs)
		virtio_del_vqs(&cross.vm.vdev); /* resets the device first */
	virtio_cross_device_destroy(cross.dev);
	if (cross.image_fd >= 0) {
		close(cross.image_fd);
		unlink(cross.image);
	}
}

/* Queues one request: header, data in nr_segs equal pieces, status. */
static int cross_queue(struct blk_req *r, uint32_t type, uint64_t sector, void *data, uint32_t len,
		       unsigned int nr_segs)
{
	struct virtq_buf bufs[10];
	unsigned int n = 0, i, nr_out;

	*r = (struct blk_req){ .hdr = { .type = type, .sector = sector }, .status = 0xff };
	bufs[n++] = (struct virtq_buf){ virt_to_phys(&r->hdr), sizeof(r->hdr) };
	for (i = 0; i < nr_segs && len; i++)
		bufs[n++] = (struct virtq_buf){ virt_to_phys((uint8_t *)data + i * (len / nr_segs)),
						len / nr_segs };
	bufs[n++] = (struct virtq_buf){ virt_to_phys(&r->status), 1 };
	nr_out = type == VIRTIO_BLK_T_OUT || type == VIRTIO_BLK_T_FLUSH ? n - 1 : 1;
	return virtq_add(cross_vq(), bufs, nr_out, n - nr_out, r, GFP_KERNEL);
}

/* Kicks (the device serves the queue before the write returns), then
 * delivers each interrupt edge the device raised to the driver's handler. */
static void cross_kick(void)
{
	virtq_kick(cross_vq());
	while (virtio_cross_device_take_irq(cross.dev)) {
		cross.nr_interrupts++;
		virtio_mmio_interrupt(&cross.vm);
	}
}

static bool cross_do(uint32_t type, uint64_t sector, void *data, uint32_t len, unsigned int nr_segs)
{
	struct blk_req *r = kmalloc(sizeof(*r), GFP_KERNEL);
	bool ok;

	if (!r || !EXPECT_EQ(cross_queue(r, type, sector, data, len, nr_segs), 0)) {
		kfree(r);
		return false;
	}
	cross_kick();
	ok = EXPECT_TRUE(r->is_done) && EXPECT_EQ(r->status, VIRTIO_BLK_S_OK);
	kfree(r);
	return ok;
}

static void test_cross_guest_driver_negotiates_with_vitro_blk(void)
{
	struct virtio_device *vdev = &cross.vm.vdev;
	uint64_t capacity = 0;
	uint32_t seg_max = 0;

	if (!cross_setup())
		goto out;
	/* What both sides know: modern, event index, indirect tables, flush. */
	EXPECT_EQ(vdev->features, VIRTIO_CORE_FEATURES | (1ull << VIRTIO_BLK_F_FLUSH));
	EXPECT_TRUE(cross_vq()->has_event_idx && cross_vq()->has_indirect);
	EXPECT_EQ(cross_vq()->size, QUEUE_SIZE);
	EXPECT_EQ(virtio_cross_device_status(cross.dev),
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	virtio_cread(vdev, struct virtio_blk_config, capacity, &capacity);
	virtio_cread(vdev, struct virtio_blk_config, seg_max, &seg_max);
	EXPECT_EQ(capacity, IMAGE_BYTES / SECTOR);
	EXPECT_TRUE(seg_max >= 8);
out:
	cross_teardown();
}

/* Reads what the host wrote, writes through the device, flushes, and the
 * file on the host has it; then reads it back through the device. */
static void test_cross_guest_driver_does_block_io_on_vitro_blk(void)
{
	uint8_t *data = NULL, *back = NULL, file[4096];
	char id[VIRTIO_BLK_ID_BYTES + 1] = { 0 };
	unsigned int i;

	if (!cross_setup())
		goto out;
	data = kmalloc(4096, GFP_KERNEL);
	back = kzalloc(4096, GFP_KERNEL);
	if (!data || !back) {
		UNIT_FAIL("out of guest memory");
		goto out;
	}
	if (cross_do(VIRTIO_BLK_T_IN, 7, back, 1024, 1))
		EXPECT_STR((char *)back, "sector 7");
	EXPECT_TRUE(!memcmp(back + SECTOR, "sector 8", 9));

	for (i = 0; i < 4096; i++)
		data[i] = (uint8_t)(i * 11 + 1);
	/* Four segments with header and status: six buffers, an indirect table. */
	EXPECT_TRUE(cross_do(VIRTIO_BLK_T_OUT, 64, data, 4096, 4));
	EXPECT_EQ(cross_vq()->stats.nr_indirect, 1);
	EXPECT_TRUE(cross_do(VIRTIO_BLK_T_FLUSH, 0, NULL, 0, 0));
	if (EXPECT_EQ(pread(cross.image_fd, file, 4096, 64 * SECTOR), 4096))
		EXPECT_TRUE(!memcmp(file, data, 4096));
	memset(back, 0, 4096);
	EXPECT_TRUE(cross_do(VIRTIO_BLK_T_IN, 64, back, 4096, 2));
	EXPECT_TRUE(!memcmp(back, data, 4096));

	/* GET_ID: the device-writable answer, its length in the used ring. */
	memset(back, 0, VIRTIO_BLK_ID_BYTES);
	EXPECT_TRUE(cross_do(VIRTIO_BLK_T_GET_ID, 0, back, VIRTIO_BLK_ID_BYTES, 1));
	memcpy(id, back, VIRTIO_BLK_ID_BYTES);
	EXPECT_STR(id, SERIAL);
	EXPECT_EQ(cross.nr_interrupts, 5); /* one edge per request */
	EXPECT_EQ(cross_vq()->stats.nr_bad_len, 0);
out:
	kfree(data);
	kfree(back);
	cross_teardown();
}

/* Many requests in flight at once, completed in one kick, each with its
 * data where it belongs; the ring wraps around. */
static void test_cross_guest_driver_keeps_many_requests_in_flight(void)
{
	enum { NR = 16, ROUNDS = 9 }; /* 48 descriptors in flight; 144 > 64 entries */
	struct blk_req *reqs = NULL;
	uint8_t *bufs = NULL;
	unsigned int round, i, done;

	if (!cross_setup())
		goto out;
	reqs = kmalloc(NR * sizeof(*reqs), GFP_KERNEL);
	bufs = kmalloc(NR * SECTOR, GFP_KERNEL);
	if (!reqs || !bufs) {
		UNIT_FAIL("out of guest memory");
		goto out;
	}
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < NR; i++) {
			memset(bufs + i * SECTOR, (int)(round * NR + i), SECTOR);
			if (!EXPECT_EQ(cross_queue(&reqs[i], VIRTIO_BLK_T_OUT, round * NR + i,
						   bufs + i * SECTOR, SECTOR, 1),
				       0))
				goto out;
		}
		cross_kick();
		for (i = done = 0; i < NR; i++)
			done += reqs[i].is_done && reqs[i].status == VIRTIO_BLK_S_OK;
		EXPECT_EQ(done, NR);
	}
	EXPECT_EQ(cross_vq()->stats.nr_used, NR * ROUNDS);
	for (i = 0; i < NR * ROUNDS; i += 37) {
		uint8_t b[SECTOR];

		if (EXPECT_EQ(pread(cross.image_fd, b, SECTOR, (off_t)i * SECTOR), SECTOR))
			EXPECT_EQ(unit_first_byte_not(b, SECTOR, (uint8_t)i), SECTOR);
	}
out:
	kfree(reqs);
	kfree(bufs);
	cross_teardown();
}

/* --- malformed chains ------------------------------------------------------ */

static struct vring_desc *published_head(void)
{
	struct virtq *vq = cross_vq();

	return &vq->desc[vq->avail->ring[(uint16_t)(vq->avail_idx - 1) & (vq->size - 1)]];
}

static void corrupt_address_outside_ram(void)
{
	published_head()->addr = RAM_PAGES * PAGE_SIZE + 0x1000;
}

static void corrupt_into_a_loop(void)
{
	struct vring_desc *head = published_head(), *d = head;

	while (d->flags & VRING_DESC_F_NEXT)
		d = &cross_vq()->desc[d->next];
	d->flags |= VRING_DESC_F_NEXT;
	d->next = (uint16_t)(head - cross_vq()->desc);
}

static void corrupt_next_out_of_range(void)
{
	published_head()->next = QUEUE_SIZE + 3;
}

static void corrupt_length_past_ram_end(void)
{
	struct vring_desc *d = published_head();

	d->addr = RAM_PAGES * PAGE_SIZE - 8;
	d->len = 64;
}

static void corrupt_indirect_table_length(void)
{
	published_head()->len = 15; /* not a whole descriptor */
}

static const struct {
	const char *what;
	void (*corrupt)(void);
	unsigned int nr_segs; /* 4: the chain goes through an indirect table */
} corruptions[] = {
	{ "an address outside guest RAM", corrupt_address_outside_ram, 1 },
	{ "a descriptor loop", corrupt_into_a_loop, 1 },
	{ "a next index past the queue", corrupt_next_out_of_range, 1 },
	{ "a buffer running past the end of RAM", corrupt_length_past_ram_end, 1 },
	{ "an indirect table of 15 bytes", corrupt_indirect_table_length, 4 },
};

static void test_cross_malformed_chain_needs_reset_and_breaks_the_driver_queue(void)
{
	uint8_t *data = NULL;
	struct blk_req *r = NULL, *after = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(corruptions); i++) {
		if (!cross_setup())
			goto next;
		data = kzalloc(2048, GFP_KERNEL);
		r = kmalloc(sizeof(*r), GFP_KERNEL);
		after = kmalloc(sizeof(*after), GFP_KERNEL);
		if (!data || !r || !after) {
			UNIT_FAIL("out of guest memory");
			goto next;
		}
		/* A good request first: the queue works. */
		if (!cross_do(VIRTIO_BLK_T_IN, 1, data, 2048, 4))
			goto next;
		host_printk_last[0] = '\0';
		if (!EXPECT_EQ(
			    cross_queue(r, VIRTIO_BLK_T_IN, 2, data, 2048, corruptions[i].nr_segs),
			    0))
			goto next;
		corruptions[i].corrupt();
		cross_kick();
		if (!(virtio_cross_device_status(cross.dev) & VIRTIO_CONFIG_S_NEEDS_RESET))
			UNIT_FAIL("%s: vitro did not set DEVICE_NEEDS_RESET", corruptions[i].what);
		if (r->is_done)
			UNIT_FAIL("%s: the request completed", corruptions[i].what);
		if (!cross_vq()->is_broken)
			UNIT_FAIL("%s: the driver's queue is not marked broken",
				  corruptions[i].what);
		if (!strstr(host_printk_last, "cross0: device needs a reset"))
			UNIT_FAIL("%s: the driver did not say so: '%s'", corruptions[i].what,
				  host_printk_last);
		if (cross_queue(after, VIRTIO_BLK_T_IN, 3, data, SECTOR, 1) != -EIO)
			UNIT_FAIL("%s: a broken queue still takes requests", corruptions[i].what);

		/* A reset brings the device back: a new queue, I/O works. */
		while (virtq_detach_unused(cross_vq()))
			;
		virtio_del_vqs(&cross.vm.vdev);
		if (!cross_bind())
			goto next;
		if (virtio_cross_device_status(cross.dev) & VIRTIO_CONFIG_S_NEEDS_RESET)
			UNIT_FAIL("%s: NEEDS_RESET survived the reset", corruptions[i].what);
		if (cross_do(VIRTIO_BLK_T_IN, 5, data, SECTOR, 1))
			EXPECT_STR((char *)data, "sector 5");
next:
		kfree(data);
		kfree(r);
		kfree(after);
		data = NULL;
		r = after = NULL;
		cross_teardown();
	}
}

static void unit_register_virtio_cross(void)
{
	static CU_TestInfo tests[] = {
		UNIT_TEST(test_cross_guest_driver_negotiates_with_vitro_blk),
		UNIT_TEST(test_cross_guest_driver_does_block_io_on_vitro_blk),
		UNIT_TEST(test_cross_guest_driver_keeps_many_requests_in_flight),
		UNIT_TEST(test_cross_malformed_chain_needs_reset_and_breaks_the_driver_queue),
		CU_TEST_INFO_NULL,
	};

	unit_add_suite("virtio_cross", tests);
}

UNIT_REGISTER(unit_register_virtio_cross)
