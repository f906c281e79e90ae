/* Tests for the virtio-blk device model (vmm/devices/virtio_blk.c) and its
 * disk back end (vmm/block/), driven the way a guest drives them: through
 * the virtio-mmio registers, with requests in hand-built rings of a fake
 * guest RAM, against a temporary image file whose contents are checked with
 * plain pread. */
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../vmm/block/disk.h"
#include "../../vmm/devices/virtio_blk.h"
#include "../../vmm/virtio/mmio.h"
#include "fake_virtio_driver.h"
#include "unit.h"

#define IMAGE_SECTORS 2048
#define IMAGE_BYTES (IMAGE_SECTORS * 512)
#define QUEUE_SIZE 16
#define MAX_QUEUES 2

struct blk_fixture {
	char path[256];
	struct fake_guest guest;
	struct fake_virtq queues[MAX_QUEUES];
	struct virtio_blk *blk;
	struct virtio_mmio mmio;
	unsigned int nr_irq_raises;
	bool is_threaded;
};

struct blk_setup {
	enum disk_engine engine;
	bool is_read_only;
	bool is_direct;
	bool has_io_threads;
	unsigned int nr_queues;
	const char *serial;
	uint64_t refused_features; /* the driver does not accept these */
};

/* The image's initial byte at offset i: differs from sector to sector and
 * within each, so a transfer from the wrong place shows. */
static uint8_t image_byte(uint64_t i)
{
	return (uint8_t)(i * 7 + i / 512);
}

static bool make_image(char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	uint8_t *data = malloc(IMAGE_BYTES);
	bool ok;
	int fd;
	uint64_t i;

	snprintf(path, size, "%s/vitro-blk-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || !data) {
		free(data);
		if (fd >= 0)
			close(fd);
		return false;
	}
	for (i = 0; i < IMAGE_BYTES; i++)
		data[i] = image_byte(i);
	ok = pwrite(fd, data, IMAGE_BYTES, 0) == IMAGE_BYTES;
	close(fd);
	free(data);
	return ok;
}

static bool image_read(const char *path, uint64_t offset, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && pread(fd, buf, len, offset) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool image_is_unchanged(const char *path, uint64_t offset, size_t len)
{
	uint8_t buf[4096];
	size_t i;

	if (len > sizeof(buf) || !image_read(path, offset, buf, len))
		return false;
	for (i = 0; i < len; i++)
		if (buf[i] != image_byte(offset + i))
			return false;
	return true;
}

static void fixture_set_irq(void *opaque, bool level)
{
	struct blk_fixture *f = opaque;

	if (level)
		__atomic_fetch_add(&f->nr_irq_raises, 1, __ATOMIC_SEQ_CST);
}

static uint32_t reg_read(struct blk_fixture *f, uint64_t offset)
{
	uint32_t value;

	virtio_mmio_read(&f->mmio, offset, (uint8_t *)&value, 4);
	return value;
}

static void reg_write(struct blk_fixture *f, uint64_t offset, uint32_t value)
{
	virtio_mmio_write(&f->mmio, offset, (const uint8_t *)&value, 4);
}

static uint64_t device_features(struct blk_fixture *f)
{
	uint64_t features;

	reg_write(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features = reg_read(f, VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return features | (uint64_t)reg_read(f, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

/* A driver's start-up (3.1.1): every offered feature but the refused ones,
 * nr_queues queues of QUEUE_SIZE, DRIVER_OK. */
static void driver_start(struct blk_fixture *f, const struct blk_setup *setup)
{
	uint64_t features = device_features(f) & ~setup->refused_features;
	unsigned int i;

	reg_write(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	reg_write(f, VIRTIO_MMIO_STATUS,
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK);
	for (i = 0; i < setup->nr_queues && i < MAX_QUEUES; i++) {
		const struct virtq_layout *l = &f->queues[i].layout;

		fake_virtq_init(&f->queues[i], &f->guest, QUEUE_SIZE);
		reg_write(f, VIRTIO_MMIO_QUEUE_SEL, i);
		reg_write(f, VIRTIO_MMIO_QUEUE_NUM, QUEUE_SIZE);
		reg_write(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)l->desc_gpa);
		reg_write(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)l->avail_gpa);
		reg_write(f, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)l->used_gpa);
		reg_write(f, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	reg_write(f, VIRTIO_MMIO_STATUS,
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static bool fixture_init(struct blk_fixture *f, const struct blk_setup *setup)
{
	struct disk_options disk_options = { .is_read_only = setup->is_read_only,
					     .is_direct = setup->is_direct };
	struct virtio_blk_options options = {
		.nr_queues = setup->nr_queues ? setup->nr_queues : 1,
		.engine = setup->engine,
		.has_io_threads = setup->has_io_threads,
		.serial = setup->serial,
	};
	struct vitro_error err = { "" };
	struct disk disk;
	int rc;

	memset(f, 0, sizeof(*f));
	f->is_threaded = setup->has_io_threads;
	if (!make_image(f->path, sizeof(f->path)) || !fake_guest_init(&f->guest)) {
		UNIT_FAIL("cannot make a test image or guest RAM");
		return false;
	}
	disk_options.path = f->path;
	rc = disk_open(&disk, &disk_options, &err);
	rc = rc ?: virtio_blk_create(&f->blk, &disk, &f->guest.mem, &options, &err);
	if (rc) {
		UNIT_FAIL("cannot open the test image: %s", err.msg);
		goto err;
	}
	if (virtio_mmio_init(&f->mmio, virtio_blk_device(f->blk), fixture_set_irq, f)) {
		UNIT_FAIL("virtio_mmio_init failed");
		virtio_blk_destroy(f->blk);
		goto err;
	}
	driver_start(f, &(struct blk_setup){ .nr_queues = options.nr_queues,
					     .refused_features = setup->refused_features });
	return true;

err:
	fake_guest_destroy(&f->guest);
	unlink(f->path);
	return false;
}

static void fixture_destroy(struct blk_fixture *f)
{
	virtio_mmio_destroy(&f->mmio);
	virtio_blk_destroy(f->blk);
	fake_guest_destroy(&f->guest);
	unlink(f->path);
}

static uint64_t guest_alloc(struct blk_fixture *f, uint64_t size)
{
	uint64_t gpa = fake_guest_alloc(&f->guest, size, 16);

	if (!gpa)
		UNIT_FAIL("fake guest RAM exhausted");
	return gpa;
}

static void *guest_ptr(struct blk_fixture *f, uint64_t gpa)
{
	return fake_guest_ptr(&f->guest, gpa);
}

/* Waits (with I/O threads) until the device has returned a chain. */
static bool wait_used(struct blk_fixture *f, unsigned int queue, uint32_t *id, uint32_t *len)
{
	unsigned int i;

	for (i = 0; i < 5000; i++) {
		if (fake_virtq_get_used(&f->queues[queue], id, len))
			return true;
		if (!f->is_threaded)
			return false;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return false;
}

struct blk_request_spec {
	uint32_t type;
	uint64_t sector;
	uint64_t data_gpa;
	uint32_t data_len;
	bool is_data_writable;
};

/* Publishes header, data and status as three descriptors; returns the
 * status byte's guest address. */
static uint64_t queue_request(struct blk_fixture *f, unsigned int queue,
			      const struct blk_request_spec *spec)
{
	struct virtio_blk_outhdr header = { .type = spec->type, .sector = spec->sector };
	uint64_t header_gpa = guest_alloc(f, sizeof(header)), status_gpa = guest_alloc(f, 1);
	struct fake_buffer bufs[3];
	unsigned int nr = 0;

	memcpy(guest_ptr(f, header_gpa), &header, sizeof(header));
	*(uint8_t *)guest_ptr(f, status_gpa) = 0xee;
	bufs[nr++] = (struct fake_buffer){ header_gpa, sizeof(header), false };
	if (spec->data_len)
		bufs[nr++] = (struct fake_buffer){ spec->data_gpa, spec->data_len,
						   spec->is_data_writable };
	bufs[nr++] = (struct fake_buffer){ status_gpa, 1, true };
	fake_virtq_add_chain(&f->queues[queue], bufs, nr);
	return status_gpa;
}

/* Sends one request on queue and returns its status (0xff: no answer). */
static uint8_t do_request_on(struct blk_fixture *f, unsigned int queue,
			     const struct blk_request_spec *spec, uint32_t *used_len)
{
	uint64_t status_gpa = queue_request(f, queue, spec);
	uint32_t id, len;

	reg_write(f, VIRTIO_MMIO_QUEUE_NOTIFY, queue);
	if (!wait_used(f, queue, &id, &len))
		return 0xff;
	if (used_len)
		*used_len = len;
	return *(uint8_t *)guest_ptr(f, status_gpa);
}

static uint8_t do_request(struct blk_fixture *f, const struct blk_request_spec *spec,
			  uint32_t *used_len)
{
	return do_request_on(f, 0, spec, used_len);
}

static uint8_t read_sectors(struct blk_fixture *f, uint64_t sector, uint64_t gpa, uint32_t len)
{
	return do_request(f, &(struct blk_request_spec){ VIRTIO_BLK_T_IN, sector, gpa, len, true },
			  NULL);
}

static uint8_t write_sectors(struct blk_fixture *f, uint64_t sector, uint64_t gpa, uint32_t len)
{
	return do_request(
		f, &(struct blk_request_spec){ VIRTIO_BLK_T_OUT, sector, gpa, len, false }, NULL);
}

static bool guest_matches_image(struct blk_fixture *f, uint64_t gpa, uint64_t offset, size_t len)
{
	const uint8_t *p = guest_ptr(f, gpa);
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != image_byte(offset + i))
			return false;
	return true;
}

/* io_uring where the host has it (a container's seccomp profile may deny
 * it), else the synchronous engine, which vitro falls back to as well. */
static enum disk_engine io_uring_if_available(void)
{
	struct io_uring ring;

	if (io_uring_queue_init(4, &ring, 0)) {
		fprintf(stderr, "unit-tests: no io_uring here; testing the synchronous engine\n");
		return DISK_ENGINE_SYNC;
	}
	io_uring_queue_exit(&ring);
	return DISK_ENGINE_IO_URING;
}

/* Whether the temporary directory's file system takes O_DIRECT (tmpfs does
 * not), which cache=none needs. */
static bool tmpdir_has_direct_io(void)
{
	char path[256];
	int fd;

	if (!make_image(path, sizeof(path)))
		return false;
	fd = open(path, O_RDWR | O_DIRECT);
	unlink(path);
	if (fd < 0) {
		fprintf(stderr,
			"unit-tests: no O_DIRECT in the temporary directory; cache=none untested\n");
		return false;
	}
	close(fd);
	return true;
}

/* --- configuration ----------------------------------------------------- */

static void test_virtio_blk_offers_features_and_config_of_image(void)
{
	struct blk_fixture f;
	struct virtio_blk_config config;
	uint64_t features;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC, .nr_queues = 2 }))
		return;
	features = device_features(&f);
	EXPECT_TRUE(features & (1ull << VIRTIO_F_VERSION_1));
	EXPECT_TRUE(features & (1ull << VIRTIO_RING_F_EVENT_IDX));
	EXPECT_TRUE(features & (1ull << VIRTIO_RING_F_INDIRECT_DESC));
	EXPECT_TRUE(features & (1ull << VIRTIO_BLK_F_FLUSH));
	EXPECT_TRUE(features & (1ull << VIRTIO_BLK_F_MQ));
	EXPECT_TRUE(features & (1ull << VIRTIO_BLK_F_DISCARD));
	EXPECT_TRUE(features & (1ull << VIRTIO_BLK_F_WRITE_ZEROES));
	EXPECT_TRUE(features & (1ull << VIRTIO_BLK_F_TOPOLOGY));
	EXPECT_FALSE(features & (1ull << VIRTIO_BLK_F_RO));
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DRIVER_OK,
		  VIRTIO_CONFIG_S_DRIVER_OK);

	virtio_mmio_read(&f.mmio, VIRTIO_MMIO_CONFIG, (uint8_t *)&config, sizeof(config));
	EXPECT_EQ(config.capacity, IMAGE_SECTORS);
	EXPECT_EQ(config.seg_max, VIRTIO_BLK_SEG_MAX);
	EXPECT_EQ(config.size_max, VIRTIO_BLK_SIZE_MAX);
	EXPECT_EQ(config.blk_size, 512);
	EXPECT_EQ(config.num_queues, 2);
	EXPECT_EQ(config.max_discard_seg, VIRTIO_BLK_MAX_RANGES);
	EXPECT_EQ(config.write_zeroes_may_unmap, 1);
	/* Topology: the host's preferred I/O size, as a power of two of sectors. */
	EXPECT_EQ(config.min_io_size, 1u << config.physical_block_exp);
	EXPECT_EQ(config.discard_sector_alignment, config.min_io_size);
	fixture_destroy(&f);
}

/* --- reads and writes ---------------------------------------------------- */

static void test_virtio_blk_reads_sectors_from_image(void)
{
	struct blk_fixture f;
	uint64_t data;
	uint32_t used_len = 0;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	data = guest_alloc(&f, 1024);
	EXPECT_EQ(do_request(&f, &(struct blk_request_spec){ VIRTIO_BLK_T_IN, 3, data, 1024, true },
			     &used_len),
		  VIRTIO_BLK_S_OK);
	EXPECT_EQ(used_len, 1025);
	EXPECT_TRUE(guest_matches_image(&f, data, 3 * 512, 1024));
	fixture_destroy(&f);
}

static void test_virtio_blk_writes_sectors_to_image(void)
{
	struct blk_fixture f;
	uint8_t back[1024];
	uint64_t data;
	uint32_t used_len = 0;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	data = guest_alloc(&f, 1024);
	memset(guest_ptr(&f, data), 0x3c, 1024);
	EXPECT_EQ(do_request(&f,
			     &(struct blk_request_spec){ VIRTIO_BLK_T_OUT, 10, data, 1024, false },
			     &used_len),
		  VIRTIO_BLK_S_OK);
	EXPECT_EQ(used_len, 1);
	EXPECT_TRUE(image_read(f.path, 10 * 512, back, sizeof(back)));
	EXPECT_EQ(unit_first_byte_not(back, sizeof(back), 0x3c), sizeof(back));
	EXPECT_TRUE(image_is_unchanged(f.path, 9 * 512, 512));
	EXPECT_TRUE(image_is_unchanged(f.path, 12 * 512, 512));
	fixture_destroy(&f);
}

static void test_virtio_blk_takes_any_descriptor_layout(void)
{
	struct blk_fixture f;
	struct virtio_blk_outhdr header = { .type = VIRTIO_BLK_T_IN, .sector = 100 };
	uint64_t header_gpa, data_gpa, tail_gpa;
	struct fake_buffer bufs[5];
	uint32_t id, len;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	/* Header in two pieces; data in three, the last of which also holds
	 * the status byte; through an indirect table. */
	header_gpa = guest_alloc(&f, 16);
	data_gpa = guest_alloc(&f, 1024);
	tail_gpa = guest_alloc(&f, 513);
	memcpy(guest_ptr(&f, header_gpa), &header, sizeof(header));
	bufs[0] = (struct fake_buffer){ header_gpa, 5, false };
	bufs[1] = (struct fake_buffer){ header_gpa + 5, 11, false };
	bufs[2] = (struct fake_buffer){ data_gpa, 100, true };
	bufs[3] = (struct fake_buffer){ data_gpa + 100, 412, true };
	bufs[4] = (struct fake_buffer){ tail_gpa, 513, true };
	fake_virtq_add_indirect_chain(&f.queues[0], bufs, 5);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(wait_used(&f, 0, &id, &len));
	EXPECT_EQ(len, 1025);
	EXPECT_EQ(*(uint8_t *)guest_ptr(&f, tail_gpa + 512), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data_gpa, 100 * 512, 512));
	EXPECT_TRUE(guest_matches_image(&f, tail_gpa, 101 * 512, 512));
	fixture_destroy(&f);
}

static void test_virtio_blk_refuses_transfers_beyond_capacity(void)
{
	static const uint64_t sectors[] = { IMAGE_SECTORS - 1, IMAGE_SECTORS, 1ull << 55,
					    ~0ull - 1 };
	struct blk_fixture f;
	uint64_t data;
	unsigned int i;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	data = guest_alloc(&f, 1024);
	for (i = 0; i < ARRAY_SIZE(sectors); i++) {
		memset(guest_ptr(&f, data), 0x77, 1024);
		if (read_sectors(&f, sectors[i], data, 1024) != VIRTIO_BLK_S_IOERR)
			UNIT_FAIL("read of 2 sectors at %llu was not IOERR",
				  (unsigned long long)sectors[i]);
		if (write_sectors(&f, sectors[i], data, 1024) != VIRTIO_BLK_S_IOERR)
			UNIT_FAIL("write of 2 sectors at %llu was not IOERR",
				  (unsigned long long)sectors[i]);
	}
	EXPECT_TRUE(image_is_unchanged(f.path, IMAGE_BYTES - 512, 512));
	/* The last sector itself is fine. */
	EXPECT_EQ(read_sectors(&f, IMAGE_SECTORS - 1, data, 512), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, IMAGE_BYTES - 512, 512));
	fixture_destroy(&f);
}

static void test_virtio_blk_refuses_partial_sectors(void)
{
	struct blk_fixture f;
	uint64_t data;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	data = guest_alloc(&f, 1024);
	memset(guest_ptr(&f, data), 0x11, 1024);
	EXPECT_EQ(write_sectors(&f, 0, data, 100), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(read_sectors(&f, 0, data, 513), VIRTIO_BLK_S_IOERR);
	EXPECT_TRUE(image_is_unchanged(f.path, 0, 1024));
	fixture_destroy(&f);
}

static void test_virtio_blk_zero_length_transfer_is_ok(void)
{
	struct blk_fixture f;
	uint32_t used_len = 0;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	EXPECT_EQ(do_request(&f, &(struct blk_request_spec){ VIRTIO_BLK_T_IN, 5, 0, 0, true },
			     &used_len),
		  VIRTIO_BLK_S_OK);
	EXPECT_EQ(used_len, 1);
	fixture_destroy(&f);
}

/* --- other requests --------------------------------------------------------- */

static void test_virtio_blk_flush_completes_ok(void)
{
	struct blk_fixture f;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	EXPECT_EQ(do_request(&f, &(struct blk_request_spec){ VIRTIO_BLK_T_FLUSH, 0, 0, 0, false },
			     NULL),
		  VIRTIO_BLK_S_OK);
	fixture_destroy(&f);
}

static void test_virtio_blk_get_id_returns_serial(void)
{
	struct blk_fixture f;
	char id[VIRTIO_BLK_ID_BYTES + 1] = { 0 }, name[VIRTIO_BLK_ID_BYTES + 1];
	uint64_t data;
	uint32_t used_len = 0;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	data = guest_alloc(&f, VIRTIO_BLK_ID_BYTES);
	EXPECT_EQ(do_request(&f,
			     &(struct blk_request_spec){ VIRTIO_BLK_T_GET_ID, 0, data,
							 VIRTIO_BLK_ID_BYTES, true },
			     &used_len),
		  VIRTIO_BLK_S_OK);
	EXPECT_EQ(used_len, VIRTIO_BLK_ID_BYTES + 1);
	memcpy(id, guest_ptr(&f, data), VIRTIO_BLK_ID_BYTES);
	/* The image's file name, cut to the field's 20 bytes. */
	snprintf(name, sizeof(name), "%s", strrchr(f.path, '/') + 1);
	EXPECT_STR(id, name);
	fixture_destroy(&f);

	/* A serial of 20 bytes or more fills the field, unterminated. */
	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC,
						   .serial = "0123456789abcdefghijKLM" }))
		return;
	data = guest_alloc(&f, VIRTIO_BLK_ID_BYTES);
	EXPECT_EQ(do_request(&f,
			     &(struct blk_request_spec){ VIRTIO_BLK_T_GET_ID, 0, data,
							 VIRTIO_BLK_ID_BYTES, true },
			     NULL),
		  VIRTIO_BLK_S_OK);
	memcpy(id, guest_ptr(&f, data), VIRTIO_BLK_ID_BYTES);
	EXPECT_STR(id, "0123456789abcdefghij");
	fixture_destroy(&f);
}

struct range {
	uint64_t sector;
	uint32_t nr_sectors;
	uint32_t flags;
};

static uint8_t send_ranges(struct blk_fixture *f, uint32_t type, const struct range *ranges,
			   unsigned int nr)
{
	uint64_t data = guest_alloc(f, 16ull * nr);
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct virtio_blk_discard_write_zeroes r = { .sector = ranges[i].sector,
							     .num_sectors = ranges[i].nr_sectors,
							     .flags = ranges[i].flags };

		memcpy((uint8_t *)guest_ptr(f, data) + 16 * i, &r, sizeof(r));
	}
	return do_request(f, &(struct blk_request_spec){ type, 0, data, 16 * nr, false }, NULL);
}

static bool image_range_is_zero(const char *path, uint64_t offset, size_t len)
{
	uint8_t buf[8192];

	return len <= sizeof(buf) && image_read(path, offset, buf, len) &&
	       unit_first_byte_not(buf, len, 0) == len;
}

static void test_virtio_blk_write_zeroes_zeroes_exactly_the_ranges(void)
{
	static const struct range ranges[] = {
		{ 8, 8, 0 },
		{ 32, 3, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP },
		{ 100, 1, 0 },
	};
	struct blk_fixture f;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, ranges, ARRAY_SIZE(ranges)),
		  VIRTIO_BLK_S_OK);
	EXPECT_TRUE(image_range_is_zero(f.path, 8 * 512, 8 * 512));
	EXPECT_TRUE(image_range_is_zero(f.path, 32 * 512, 3 * 512));
	EXPECT_TRUE(image_range_is_zero(f.path, 100 * 512, 512));
	EXPECT_TRUE(image_is_unchanged(f.path, 7 * 512, 512));
	EXPECT_TRUE(image_is_unchanged(f.path, 16 * 512, 512));
	EXPECT_TRUE(image_is_unchanged(f.path, 35 * 512, 512));
	EXPECT_TRUE(image_is_unchanged(f.path, 99 * 512, 512));
	EXPECT_TRUE(image_is_unchanged(f.path, 101 * 512, 512));
	fixture_destroy(&f);
}

static void test_virtio_blk_discard_frees_host_blocks(void)
{
	struct range range = { 0, IMAGE_SECTORS, 0 };
	struct blk_fixture f;
	struct stat before, after;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	EXPECT_EQ(stat(f.path, &before), 0);
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_DISCARD, &range, 1), VIRTIO_BLK_S_OK);
	EXPECT_EQ(stat(f.path, &after), 0);
	EXPECT_TRUE(after.st_blocks < before.st_blocks);
	EXPECT_EQ(after.st_size, IMAGE_BYTES);
	fixture_destroy(&f);
}

static void test_virtio_blk_refuses_bad_discard_and_write_zeroes(void)
{
	struct range unmap = { 0, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP };
	struct range unknown_flag = { 0, 8, 2 };
	struct range beyond = { IMAGE_SECTORS - 4, 8, 0 };
	struct range huge = { 0, VIRTIO_BLK_MAX_RANGE_SECTORS + 1, 0 };
	struct range many[VIRTIO_BLK_MAX_RANGES + 1];
	struct range good_then_bad[2] = { { 0, 8, 0 }, { IMAGE_SECTORS, 1, 0 } };
	struct blk_fixture f;
	unsigned int i;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct range){ i, 1, 0 };
	/* 5.2.6.2: UNMAP is only for write zeroes; unknown flags for neither. */
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_DISCARD, &unmap, 1), VIRTIO_BLK_S_UNSUPP);
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, &unknown_flag, 1),
		  VIRTIO_BLK_S_UNSUPP);
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, &beyond, 1), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, &huge, 1), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, many, ARRAY_SIZE(many)),
		  VIRTIO_BLK_S_IOERR);
	/* Checked as a whole: a bad range stops the good one before it. */
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, good_then_bad, 2), VIRTIO_BLK_S_IOERR);
	EXPECT_TRUE(image_is_unchanged(f.path, 0, 4096));
	EXPECT_TRUE(image_is_unchanged(f.path, IMAGE_BYTES - 4096, 4096));
	/* No ranges at all, or a partial one. */
	EXPECT_EQ(do_request(&f, &(struct blk_request_spec){ VIRTIO_BLK_T_DISCARD, 0, 0, 0, false },
			     NULL),
		  VIRTIO_BLK_S_IOERR);
	fixture_destroy(&f);
}

static void test_virtio_blk_discard_unsupported_unless_negotiated(void)
{
	struct range range = { 0, 8, 0 };
	struct blk_fixture f;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC,
						   .refused_features =
							   (1ull << VIRTIO_BLK_F_DISCARD) |
							   (1ull << VIRTIO_BLK_F_WRITE_ZEROES) }))
		return;
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_DISCARD, &range, 1), VIRTIO_BLK_S_UNSUPP);
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, &range, 1), VIRTIO_BLK_S_UNSUPP);
	EXPECT_TRUE(image_is_unchanged(f.path, 0, 4096));
	fixture_destroy(&f);
}

static void test_virtio_blk_unknown_request_type_is_unsupported(void)
{
	static const uint32_t types[] = { VIRTIO_BLK_T_SCSI_CMD, VIRTIO_BLK_T_SECURE_ERASE, 99,
					  VIRTIO_BLK_T_OUT | VIRTIO_BLK_T_BARRIER };
	struct blk_fixture f;
	uint64_t data;
	unsigned int i;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	data = guest_alloc(&f, 512);
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (do_request(&f, &(struct blk_request_spec){ types[i], 0, data, 512, false },
			       NULL) != VIRTIO_BLK_S_UNSUPP)
			UNIT_FAIL("request type 0x%x was not UNSUPP", types[i]);
	EXPECT_TRUE(image_is_unchanged(f.path, 0, 512));
	fixture_destroy(&f);
}

/* --- malformed requests --------------------------------------------------- */

static void test_virtio_blk_short_header_is_ioerr(void)
{
	struct blk_fixture f;
	uint64_t header, status;
	struct fake_buffer bufs[2];
	uint32_t id, len;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	header = guest_alloc(&f, 16);
	status = guest_alloc(&f, 1);
	bufs[0] = (struct fake_buffer){ header, 15, false };
	bufs[1] = (struct fake_buffer){ status, 1, true };
	fake_virtq_add_chain(&f.queues[0], bufs, 2);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(wait_used(&f, 0, &id, &len));
	EXPECT_EQ(len, 1);
	EXPECT_EQ(*(uint8_t *)guest_ptr(&f, status), VIRTIO_BLK_S_IOERR);
	fixture_destroy(&f);
}

static void test_virtio_blk_request_without_status_byte_is_returned_unanswered(void)
{
	struct blk_fixture f;
	struct virtio_blk_outhdr header = { .type = VIRTIO_BLK_T_IN };
	struct fake_buffer buf;
	uint64_t data;
	uint32_t id = 99, len = 99;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	data = guest_alloc(&f, 16);
	memcpy(guest_ptr(&f, data), &header, sizeof(header));
	buf = (struct fake_buffer){ data, 16, false };
	fake_virtq_add_chain(&f.queues[0], &buf, 1);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(wait_used(&f, 0, &id, &len));
	EXPECT_EQ(len, 0);
	/* The device carries on. */
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	data = guest_alloc(&f, 512);
	EXPECT_EQ(read_sectors(&f, 0, data, 512), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, 0, 512));
	fixture_destroy(&f);
}

static void test_virtio_blk_malformed_chain_needs_reset_and_reset_recovers(void)
{
	struct blk_fixture f;
	uint64_t data;
	uint32_t id, len;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC }))
		return;
	/* A loop: descriptor 0 names itself. */
	data = guest_alloc(&f, 512);
	fake_virtq_set_desc(&f.queues[0], 0, data, 16, VRING_DESC_F_NEXT, 0);
	fake_virtq_make_available(&f.queues[0], 0);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_FALSE(wait_used(&f, 0, &id, &len));
	EXPECT_TRUE(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	EXPECT_TRUE(reg_read(&f, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);

	/* What the driver does next: reset and start over. */
	reg_write(&f, VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS), 0);
	driver_start(&f, &(struct blk_setup){ .nr_queues = 1 });
	EXPECT_EQ(read_sectors(&f, 1, data, 512), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, 512, 512));
	fixture_destroy(&f);
}

/* --- read-only images ------------------------------------------------------ */

static void test_virtio_blk_read_only_image_refuses_writes(void)
{
	struct range range = { 0, 8, 0 };
	struct blk_fixture f;
	uint64_t features, data;

	if (!fixture_init(&f,
			  &(struct blk_setup){ .engine = DISK_ENGINE_SYNC, .is_read_only = true }))
		return;
	features = device_features(&f);
	EXPECT_TRUE(features & (1ull << VIRTIO_BLK_F_RO));
	EXPECT_FALSE(features & (1ull << VIRTIO_BLK_F_DISCARD));
	EXPECT_FALSE(features & (1ull << VIRTIO_BLK_F_WRITE_ZEROES));
	data = guest_alloc(&f, 512);
	memset(guest_ptr(&f, data), 0x42, 512);
	/* 5.2.6.2: a write to a read-only device is IOERR and writes nothing. */
	EXPECT_EQ(write_sectors(&f, 0, data, 512), VIRTIO_BLK_S_IOERR);
	EXPECT_EQ(send_ranges(&f, VIRTIO_BLK_T_WRITE_ZEROES, &range, 1), VIRTIO_BLK_S_UNSUPP);
	EXPECT_TRUE(image_is_unchanged(f.path, 0, 4096));
	EXPECT_EQ(read_sectors(&f, 0, data, 512), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, 0, 512));
	EXPECT_EQ(do_request(&f, &(struct blk_request_spec){ VIRTIO_BLK_T_FLUSH, 0, 0, 0, false },
			     NULL),
		  VIRTIO_BLK_S_OK);
	fixture_destroy(&f);
}

/* --- queues and engines ------------------------------------------------------ */

static void test_virtio_blk_serves_second_queue(void)
{
	struct blk_fixture f;
	uint64_t data;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_SYNC, .nr_queues = 2 }))
		return;
	data = guest_alloc(&f, 512);
	EXPECT_EQ(do_request_on(&f, 1,
				&(struct blk_request_spec){ VIRTIO_BLK_T_IN, 7, data, 512, true },
				NULL),
		  VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, 7 * 512, 512));
	EXPECT_EQ(f.queues[0].last_used_idx, 0);
	fixture_destroy(&f);
}

static void test_virtio_blk_serves_every_request_of_one_kick(void)
{
	struct blk_fixture f;
	uint64_t data, status[QUEUE_SIZE];
	unsigned int i, nr_used = 0, nr_bad = 0;
	uint32_t id, len;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = io_uring_if_available() }))
		return;
	data = guest_alloc(&f, QUEUE_SIZE * 512);
	for (i = 0; i < QUEUE_SIZE / 3; i++)
		status[i] = queue_request(&f, 0,
					  &(struct blk_request_spec){ VIRTIO_BLK_T_IN, 2 * i,
								      data + 512 * i, 512, true });
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	while (wait_used(&f, 0, &id, &len))
		nr_used++;
	EXPECT_EQ(nr_used, QUEUE_SIZE / 3);
	for (i = 0; i < QUEUE_SIZE / 3; i++)
		if (*(uint8_t *)guest_ptr(&f, status[i]) != VIRTIO_BLK_S_OK ||
		    !guest_matches_image(&f, data + 512 * i, 2 * i * 512, 512))
			nr_bad++;
	EXPECT_EQ(nr_bad, 0);
	EXPECT_TRUE(f.nr_irq_raises > 0);
	fixture_destroy(&f);
}

static void test_virtio_blk_io_uring_engine_reads_writes_and_flushes(void)
{
	enum disk_engine engine = io_uring_if_available();
	struct blk_fixture f;
	uint8_t back[2048];
	uint64_t data;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = engine }))
		return;
	EXPECT_STR(virtio_blk_engine_name(f.blk, 0),
		   engine == DISK_ENGINE_IO_URING ? "io_uring" : "sync");
	data = guest_alloc(&f, 2048);
	EXPECT_EQ(read_sectors(&f, 40, data, 2048), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, 40 * 512, 2048));
	memset(guest_ptr(&f, data), 0x5d, 2048);
	EXPECT_EQ(write_sectors(&f, 50, data, 2048), VIRTIO_BLK_S_OK);
	EXPECT_EQ(do_request(&f, &(struct blk_request_spec){ VIRTIO_BLK_T_FLUSH, 0, 0, 0, false },
			     NULL),
		  VIRTIO_BLK_S_OK);
	EXPECT_TRUE(image_read(f.path, 50 * 512, back, sizeof(back)));
	EXPECT_EQ(unit_first_byte_not(back, sizeof(back), 0x5d), sizeof(back));
	fixture_destroy(&f);
}

static void test_virtio_blk_io_threads_serve_kicks_and_interrupt(void)
{
	struct blk_fixture f;
	uint64_t data;

	if (!fixture_init(&f, &(struct blk_setup){ .engine = DISK_ENGINE_AUTO,
						   .has_io_threads = true,
						   .nr_queues = 2 }))
		return;
	EXPECT_TRUE(virtio_blk_kick_fd(f.blk, 0) >= 0);
	EXPECT_TRUE(virtio_blk_kick_fd(f.blk, 1) >= 0);
	EXPECT_EQ(virtio_blk_kick_fd(f.blk, 2), -1);
	data = guest_alloc(&f, 1024);
	EXPECT_EQ(read_sectors(&f, 20, data, 1024), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, 20 * 512, 1024));
	EXPECT_EQ(
		do_request_on(&f, 1,
			      &(struct blk_request_spec){ VIRTIO_BLK_T_OUT, 30, data, 1024, false },
			      NULL),
		VIRTIO_BLK_S_OK);
	EXPECT_TRUE(image_is_unchanged(f.path, 29 * 512, 512));
	EXPECT_TRUE(__atomic_load_n(&f.nr_irq_raises, __ATOMIC_SEQ_CST) >= 2);
	/* Reset stops the threads; the device works again after set-up, and
	 * reads back what queue 1 wrote: sector 21's old contents at 31. */
	reg_write(&f, VIRTIO_MMIO_STATUS, 0);
	driver_start(&f, &(struct blk_setup){ .nr_queues = 2 });
	EXPECT_EQ(read_sectors(&f, 31, data, 512), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, data, 21 * 512, 512));
	fixture_destroy(&f);
}

static void test_virtio_blk_direct_io_takes_aligned_and_misaligned_buffers(void)
{
	struct blk_fixture f;
	uint64_t aligned, misaligned;

	if (!tmpdir_has_direct_io())
		return;
	if (!fixture_init(&f, &(struct blk_setup){ .engine = io_uring_if_available(),
						   .is_direct = true }))
		return;
	aligned = fake_guest_alloc(&f.guest, 4096, 4096);
	misaligned = guest_alloc(&f, 1024 + 8) + 8;
	EXPECT_EQ(read_sectors(&f, 8, aligned, 4096), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, aligned, 8 * 512, 4096));
	EXPECT_EQ(read_sectors(&f, 3, misaligned, 1024), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, misaligned, 3 * 512, 1024));
	memcpy(guest_ptr(&f, misaligned), guest_ptr(&f, aligned), 1024);
	EXPECT_EQ(write_sectors(&f, 3, misaligned, 1024), VIRTIO_BLK_S_OK);
	EXPECT_EQ(read_sectors(&f, 3, aligned, 1024), VIRTIO_BLK_S_OK);
	EXPECT_TRUE(guest_matches_image(&f, aligned, 8 * 512, 1024));
	fixture_destroy(&f);
}

/* --- the image on the host ------------------------------------------------- */

static void test_disk_lock_keeps_a_second_writer_out(void)
{
	struct disk first, second;
	struct vitro_error err = { "" };
	char path[256];

	if (!make_image(path, sizeof(path))) {
		UNIT_FAIL("cannot make a test image");
		return;
	}
	EXPECT_EQ(disk_open(&first, &(struct disk_options){ .path = path }, &err), 0);
	EXPECT_EQ(disk_open(&second, &(struct disk_options){ .path = path }, &err), -EBUSY);
	EXPECT_CONTAINS(err.msg, "in use by another VM");
	EXPECT_EQ(disk_open(&second, &(struct disk_options){ .path = path, .is_read_only = true },
			    &err),
		  -EBUSY);
	disk_close(&first);
	/* Readers share. */
	EXPECT_EQ(disk_open(&first, &(struct disk_options){ .path = path, .is_read_only = true },
			    &err),
		  0);
	EXPECT_EQ(disk_open(&second, &(struct disk_options){ .path = path, .is_read_only = true },
			    &err),
		  0);
	disk_close(&second);
	EXPECT_EQ(disk_open(&second, &(struct disk_options){ .path = path }, &err), -EBUSY);
	disk_close(&first);
	unlink(path);
}

static void test_disk_open_names_missing_image_and_fix(void)
{
	struct disk disk;
	struct vitro_error err = { "" };
	char path[256];

	if (!make_image(path, sizeof(path)))
		return;
	unlink(path);
	EXPECT_EQ(disk_open(&disk, &(struct disk_options){ .path = path }, &err), -ENOENT);
	EXPECT_CONTAINS(err.msg, path);
	EXPECT_CONTAINS(err.msg, "truncate -s");
	/* The directory it was in is no disk either. */
	*strrchr(path, '/') = '\0';
	EXPECT_EQ(disk_open(&disk, &(struct disk_options){ .path = path, .is_read_only = true },
			    &err),
		  -EINVAL);
	EXPECT_CONTAINS(err.msg, "not a regular file or block device");
}

static void test_disk_read_past_end_of_shrunk_file_reads_zeros(void)
{
	struct disk disk;
	struct vitro_error err = { "" };
	char path[256];
	uint8_t buf[1024];
	struct iovec iov = { buf, sizeof(buf) };

	if (!make_image(path, sizeof(path)))
		return;
	EXPECT_EQ(disk_open(&disk, &(struct disk_options){ .path = path }, &err), 0);
	EXPECT_EQ(truncate(path, 512), 0);
	memset(buf, 0xff, sizeof(buf));
	EXPECT_EQ(disk_read(&disk, &iov, 1, 0), 0);
	EXPECT_EQ(buf[511], image_byte(511));
	EXPECT_EQ(unit_first_byte_not(buf + 512, 512, 0), 512);
	disk_close(&disk);
	unlink(path);
}

static CU_TestInfo virtio_blk_tests[] = {
	UNIT_TEST(test_virtio_blk_offers_features_and_config_of_image),
	UNIT_TEST(test_virtio_blk_reads_sectors_from_image),
	UNIT_TEST(test_virtio_blk_writes_sectors_to_image),
	UNIT_TEST(test_virtio_blk_takes_any_descriptor_layout),
	UNIT_TEST(test_virtio_blk_refuses_transfers_beyond_capacity),
	UNIT_TEST(test_virtio_blk_refuses_partial_sectors),
	UNIT_TEST(test_virtio_blk_zero_length_transfer_is_ok),
	UNIT_TEST(test_virtio_blk_flush_completes_ok),
	UNIT_TEST(test_virtio_blk_get_id_returns_serial),
	UNIT_TEST(test_virtio_blk_write_zeroes_zeroes_exactly_the_ranges),
	UNIT_TEST(test_virtio_blk_discard_frees_host_blocks),
	UNIT_TEST(test_virtio_blk_refuses_bad_discard_and_write_zeroes),
	UNIT_TEST(test_virtio_blk_discard_unsupported_unless_negotiated),
	UNIT_TEST(test_virtio_blk_unknown_request_type_is_unsupported),
	UNIT_TEST(test_virtio_blk_short_header_is_ioerr),
	UNIT_TEST(test_virtio_blk_request_without_status_byte_is_returned_unanswered),
	UNIT_TEST(test_virtio_blk_malformed_chain_needs_reset_and_reset_recovers),
	UNIT_TEST(test_virtio_blk_read_only_image_refuses_writes),
	UNIT_TEST(test_virtio_blk_serves_second_queue),
	UNIT_TEST(test_virtio_blk_serves_every_request_of_one_kick),
	UNIT_TEST(test_virtio_blk_io_uring_engine_reads_writes_and_flushes),
	UNIT_TEST(test_virtio_blk_io_threads_serve_kicks_and_interrupt),
	UNIT_TEST(test_virtio_blk_direct_io_takes_aligned_and_misaligned_buffers),
	UNIT_TEST(test_disk_lock_keeps_a_second_writer_out),
	UNIT_TEST(test_disk_open_names_missing_image_and_fix),
	UNIT_TEST(test_disk_read_past_end_of_shrunk_file_reads_zeros),
	CU_TEST_INFO_NULL,
};

static void unit_register_virtio_blk(void)
{
	unit_add_suite("virtio_blk", virtio_blk_tests);
}

UNIT_REGISTER(unit_register_virtio_blk)
