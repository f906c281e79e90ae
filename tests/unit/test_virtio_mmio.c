/* Tests for the virtio-mmio transport (vmm/virtio/mmio.c) in front of a fake
 * device that records what the transport asks of it: identification,
 * feature negotiation with FEATURES_OK refused when it must be, queue set-up
 * and notifications, interrupts, the configuration space, and reset. */
#include <errno.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <string.h>

#include "../../vmm/virtio/mmio.h"
#include "fake_virtio_driver.h"
#include "unit.h"

#define NR_QUEUES 2
#define QUEUE_SIZE_MAX 64
#define DEVICE_FEATURE_BIT 3 /* a device-specific feature the fake offers */
#define UNOFFERED_FEATURE_BIT 7
#define REFUSED_FEATURE_BIT 9 /* offered, but refused by accepts_features */

struct fake_device {
	struct virtio_device dev;
	struct virtq queues[NR_QUEUES];
	uint8_t config[8];
	unsigned int nr_activations, nr_resets, nr_config_writes;
	unsigned int nr_notifies[NR_QUEUES];
	int activate_rc;
};

struct mmio_fixture {
	struct fake_guest guest;
	struct fake_device fake;
	struct virtio_mmio mmio;
	unsigned int nr_irq_raises, nr_irq_lowers;
	bool irq_level;
};

static struct fake_device *to_fake(struct virtio_device *dev)
{
	return (struct fake_device *)dev;
}

static void fake_config_read(struct virtio_device *dev, uint32_t offset, void *data,
			     unsigned int size)
{
	memcpy(data, to_fake(dev)->config + offset, size);
}

static void fake_config_write(struct virtio_device *dev, uint32_t offset, const void *data,
			      unsigned int size)
{
	to_fake(dev)->nr_config_writes++;
	memcpy(to_fake(dev)->config + offset, data, size);
}

static bool fake_accepts_features(struct virtio_device *dev, uint64_t features)
{
	(void)dev;
	return !(features & (1ull << REFUSED_FEATURE_BIT));
}

static int fake_activate(struct virtio_device *dev)
{
	to_fake(dev)->nr_activations++;
	return to_fake(dev)->activate_rc;
}

static void fake_queue_notify(struct virtio_device *dev, unsigned int index)
{
	if (index < NR_QUEUES)
		to_fake(dev)->nr_notifies[index]++;
}

static void fake_reset(struct virtio_device *dev)
{
	to_fake(dev)->nr_resets++;
}

static const struct virtio_device_ops fake_ops = {
	.config_read = fake_config_read,
	.config_write = fake_config_write,
	.accepts_features = fake_accepts_features,
	.activate = fake_activate,
	.queue_notify = fake_queue_notify,
	.reset = fake_reset,
};

static void fixture_set_irq(void *opaque, bool level)
{
	struct mmio_fixture *f = opaque;

	if (level)
		f->nr_irq_raises++;
	else
		f->nr_irq_lowers++;
	f->irq_level = level;
}

static bool fixture_init(struct mmio_fixture *f)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	if (!fake_guest_init(&f->guest)) {
		UNIT_FAIL("out of memory");
		return false;
	}
	for (i = 0; i < sizeof(f->fake.config); i++)
		f->fake.config[i] = 0x10 + i;
	f->fake.dev = (struct virtio_device){
		.ops = &fake_ops,
		.device_id = VIRTIO_ID_BLOCK,
		.features = VIRTIO_CORE_FEATURES | (1ull << DEVICE_FEATURE_BIT) |
			    (1ull << REFUSED_FEATURE_BIT),
		.config_size = sizeof(f->fake.config),
		.nr_queues = NR_QUEUES,
		.queue_size_max = QUEUE_SIZE_MAX,
		.queues = f->fake.queues,
		.mem = &f->guest.mem,
	};
	if (virtio_mmio_init(&f->mmio, &f->fake.dev, fixture_set_irq, f)) {
		UNIT_FAIL("virtio_mmio_init failed");
		fake_guest_destroy(&f->guest);
		return false;
	}
	return true;
}

static void fixture_destroy(struct mmio_fixture *f)
{
	virtio_mmio_destroy(&f->mmio);
	fake_guest_destroy(&f->guest);
}

static uint32_t reg_read(struct mmio_fixture *f, uint64_t offset)
{
	uint32_t value;

	virtio_mmio_read(&f->mmio, offset, (uint8_t *)&value, 4);
	return value;
}

static void reg_write(struct mmio_fixture *f, uint64_t offset, uint32_t value)
{
	virtio_mmio_write(&f->mmio, offset, (const uint8_t *)&value, 4);
}

static void set_driver_features(struct mmio_fixture *f, uint64_t features)
{
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
}

#define STATUS_UP_TO_DRIVER (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER)

/* What Linux's virtio core does up to FEATURES_OK; returns the status the
 * device reports afterwards. */
static uint32_t negotiate(struct mmio_fixture *f, uint64_t features)
{
	reg_write(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	reg_write(f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER);
	set_driver_features(f, features);
	reg_write(f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	return reg_read(f, VIRTIO_MMIO_STATUS);
}

static void write_queue(struct mmio_fixture *f, unsigned int index, const struct virtq_layout *l)
{
	reg_write(f, VIRTIO_MMIO_QUEUE_SEL, index);
	reg_write(f, VIRTIO_MMIO_QUEUE_NUM, l->size);
	reg_write(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)l->desc_gpa);
	reg_write(f, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(l->desc_gpa >> 32));
	reg_write(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)l->avail_gpa);
	reg_write(f, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(l->avail_gpa >> 32));
	reg_write(f, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)l->used_gpa);
	reg_write(f, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(l->used_gpa >> 32));
	reg_write(f, VIRTIO_MMIO_QUEUE_READY, 1);
}

static const uint64_t good_features = (1ull << VIRTIO_F_VERSION_1) |
				      (1ull << VIRTIO_RING_F_EVENT_IDX) |
				      (1ull << DEVICE_FEATURE_BIT);

static void test_virtio_mmio_identifies_as_modern_device(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_VERSION), 2);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VITRO_VENDOR_ID);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS), 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_offers_features_in_two_words(void)
{
	struct mmio_fixture f;
	uint64_t features;

	if (!fixture_init(&f))
		return;
	reg_write(&f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features = reg_read(&f, VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(&f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features |= (uint64_t)reg_read(&f, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	EXPECT_EQ(features, f.fake.dev.features);
	EXPECT_TRUE(features & (1ull << VIRTIO_F_VERSION_1));
	reg_write(&f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_accepts_offered_features_at_features_ok(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	EXPECT_EQ(negotiate(&f, good_features), STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	EXPECT_EQ(f.fake.dev.driver_features, good_features);
	fixture_destroy(&f);
}

static void test_virtio_mmio_refuses_features_ok_for_unoffered_feature(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	EXPECT_EQ(negotiate(&f, good_features | (1ull << UNOFFERED_FEATURE_BIT)),
		  STATUS_UP_TO_DRIVER);
	EXPECT_EQ(f.fake.dev.driver_features, 0);
	/* The driver may try again with less. */
	set_driver_features(&f, good_features);
	reg_write(&f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS),
		  STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	fixture_destroy(&f);
}

static void test_virtio_mmio_refuses_features_ok_for_legacy_driver(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	EXPECT_EQ(negotiate(&f, good_features & ~(1ull << VIRTIO_F_VERSION_1)),
		  STATUS_UP_TO_DRIVER);
	fixture_destroy(&f);
}

static void test_virtio_mmio_refuses_features_ok_when_device_refuses(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	EXPECT_EQ(negotiate(&f, good_features | (1ull << REFUSED_FEATURE_BIT)),
		  STATUS_UP_TO_DRIVER);
	fixture_destroy(&f);
}

static void test_virtio_mmio_keeps_features_final_after_features_ok(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	negotiate(&f, good_features);
	set_driver_features(&f, (1ull << VIRTIO_F_VERSION_1));
	EXPECT_EQ(f.fake.dev.driver_features, good_features);
	EXPECT_EQ(f.mmio.driver_features, good_features);
	fixture_destroy(&f);
}

static void test_virtio_mmio_ignores_status_write_that_clears_bits(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	negotiate(&f, good_features);
	reg_write(&f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS),
		  STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	EXPECT_EQ(f.fake.nr_resets, 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_sets_up_queues_and_activates_at_driver_ok(void)
{
	struct mmio_fixture f;
	struct fake_virtq q0, q1;

	if (!fixture_init(&f))
		return;
	fake_virtq_init(&q0, &f.guest, QUEUE_SIZE_MAX);
	fake_virtq_init(&q1, &f.guest, 8);
	negotiate(&f, good_features);
	reg_write(&f, VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_NUM_MAX), QUEUE_SIZE_MAX);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_READY), 0);
	write_queue(&f, 0, &q0.layout);
	write_queue(&f, 1, &q1.layout);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_READY), 1);
	EXPECT_TRUE(f.fake.queues[0].is_ready);
	EXPECT_EQ(f.fake.queues[0].size, QUEUE_SIZE_MAX);
	EXPECT_TRUE(f.fake.queues[1].is_ready);
	EXPECT_EQ(f.fake.queues[1].size, 8);
	EXPECT_TRUE(f.fake.queues[1].has_event_idx);
	EXPECT_FALSE(f.fake.queues[1].has_indirect);
	EXPECT_TRUE(f.fake.queues[1].avail == fake_guest_ptr(&f.guest, q1.layout.avail_gpa));
	/* Kicks before DRIVER_OK go nowhere. */
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT_EQ(f.fake.nr_notifies[0], 0);

	reg_write(&f, VIRTIO_MMIO_STATUS,
		  STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	EXPECT_EQ(f.fake.nr_activations, 1);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NOTIFY, NR_QUEUES);
	EXPECT_EQ(f.fake.nr_notifies[0], 1);
	EXPECT_EQ(f.fake.nr_notifies[1], 2);
	fixture_destroy(&f);
}

static void test_virtio_mmio_has_no_queue_beyond_the_last(void)
{
	struct mmio_fixture f;
	struct fake_virtq q;

	if (!fixture_init(&f))
		return;
	fake_virtq_init(&q, &f.guest, 8);
	negotiate(&f, good_features);
	reg_write(&f, VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	write_queue(&f, NR_QUEUES, &q.layout);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_READY), 0);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_bad_queue_layout_needs_reset(void)
{
	struct mmio_fixture f;
	struct fake_virtq q;

	if (!fixture_init(&f))
		return;
	fake_virtq_init(&q, &f.guest, QUEUE_SIZE_MAX * 2);
	negotiate(&f, good_features);
	/* Larger than QueueNumMax. */
	write_queue(&f, 0, &q.layout);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_READY), 0);
	EXPECT_FALSE(f.fake.queues[0].is_ready);
	EXPECT_TRUE(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	EXPECT_TRUE(f.irq_level);

	/* Rings outside RAM. */
	reg_write(&f, VIRTIO_MMIO_STATUS, 0);
	negotiate(&f, good_features);
	q.layout.size = 8;
	q.layout.used_gpa = FAKE_RAM_END;
	write_queue(&f, 1, &q.layout);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_READY), 0);
	EXPECT_TRUE(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	fixture_destroy(&f);
}

static void test_virtio_mmio_queue_registers_are_fixed_once_ready(void)
{
	struct mmio_fixture f;
	struct fake_virtq q;

	if (!fixture_init(&f))
		return;
	fake_virtq_init(&q, &f.guest, 16);
	negotiate(&f, good_features);
	write_queue(&f, 0, &q.layout);
	reg_write(&f, VIRTIO_MMIO_QUEUE_NUM, 4);
	reg_write(&f, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x5000);
	reg_write(&f, VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT_EQ(f.fake.queues[0].size, 16);
	EXPECT_TRUE(f.fake.queues[0].desc == fake_guest_ptr(&f.guest, q.layout.desc_gpa));
	/* Ready 0 takes a queue down before DRIVER_OK, as Linux does on removal. */
	reg_write(&f, VIRTIO_MMIO_QUEUE_READY, 0);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_READY), 0);
	EXPECT_FALSE(f.fake.queues[0].is_ready);
	fixture_destroy(&f);
}

static void test_virtio_mmio_ignores_driver_ok_without_features_ok(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	reg_write(&f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER);
	reg_write(&f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS), STATUS_UP_TO_DRIVER);
	EXPECT_EQ(f.fake.nr_activations, 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_failed_activation_needs_reset(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	f.fake.activate_rc = -EIO;
	negotiate(&f, good_features);
	reg_write(&f, VIRTIO_MMIO_STATUS,
		  STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	EXPECT_EQ(f.fake.nr_activations, 1);
	EXPECT_TRUE(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	fixture_destroy(&f);
}

static void test_virtio_mmio_reset_returns_everything_to_initial_state(void)
{
	struct mmio_fixture f;
	struct fake_virtq q;

	if (!fixture_init(&f))
		return;
	fake_virtq_init(&q, &f.guest, 16);
	negotiate(&f, good_features);
	write_queue(&f, 1, &q.layout);
	reg_write(&f, VIRTIO_MMIO_STATUS,
		  STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	virtio_device_set_needs_reset(&f.fake.dev);
	EXPECT_TRUE(f.irq_level);

	reg_write(&f, VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(f.fake.nr_resets, 1);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS), 0);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	EXPECT_FALSE(f.irq_level);
	EXPECT_EQ(f.fake.dev.driver_features, 0);
	EXPECT_FALSE(f.fake.queues[1].is_ready);
	reg_write(&f, VIRTIO_MMIO_QUEUE_SEL, 1);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_QUEUE_READY), 0);
	/* Half-written driver features are gone too. */
	reg_write(&f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER);
	reg_write(&f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(&f, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	reg_write(&f, VIRTIO_MMIO_STATUS, 0);
	reg_write(&f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER);
	reg_write(&f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(&f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)good_features);
	reg_write(&f, VIRTIO_MMIO_STATUS, STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK, 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_interrupt_status_is_raised_and_acknowledged(void)
{
	struct mmio_fixture f;
	struct fake_virtq q;
	struct fake_buffer buf;
	uint16_t head;

	if (!fixture_init(&f))
		return;
	fake_virtq_init(&q, &f.guest, 16);
	negotiate(&f, (1ull << VIRTIO_F_VERSION_1));
	write_queue(&f, 0, &q.layout);
	reg_write(&f, VIRTIO_MMIO_STATUS,
		  STATUS_UP_TO_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	buf = (struct fake_buffer){ fake_guest_alloc(&f.guest, 16, 16), 16, true };
	head = fake_virtq_add_chain(&q, &buf, 1);
	virtio_device_notify_used(&f.fake.dev, 0); /* nothing used yet */
	EXPECT_EQ(f.nr_irq_raises, 0);
	virtq_push_used(&f.fake.queues[0], head, 0);
	virtio_device_notify_used(&f.fake.dev, 0);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	EXPECT_TRUE(f.irq_level);
	virtio_device_config_changed(&f.fake.dev);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_INTERRUPT_STATUS),
		  VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_CONFIG_GENERATION), 1);
	/* The line stays up until every bit is acknowledged. */
	reg_write(&f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT_TRUE(f.irq_level);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	reg_write(&f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	EXPECT_FALSE(f.irq_level);
	EXPECT_EQ(f.nr_irq_lowers, 1);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_config_space_goes_to_device_within_its_size(void)
{
	struct mmio_fixture f;
	uint8_t data[8];
	uint16_t half = 0xbeef;

	if (!fixture_init(&f))
		return;
	memset(data, 0xaa, sizeof(data));
	virtio_mmio_read(&f.mmio, VIRTIO_MMIO_CONFIG + 1, data, 1);
	EXPECT_EQ(data[0], 0x11);
	virtio_mmio_read(&f.mmio, VIRTIO_MMIO_CONFIG + 4, data, 4);
	EXPECT_EQ(data[0], 0x14);
	EXPECT_EQ(data[3], 0x17);
	virtio_mmio_read(&f.mmio, VIRTIO_MMIO_CONFIG, data, 8);
	EXPECT_EQ(data[7], 0x17);
	/* Past the end, even partly: zeros, and the device is not asked. */
	memset(data, 0xaa, sizeof(data));
	virtio_mmio_read(&f.mmio, VIRTIO_MMIO_CONFIG + 6, data, 4);
	EXPECT_EQ(data[0], 0);
	EXPECT_EQ(data[3], 0);
	virtio_mmio_write(&f.mmio, VIRTIO_MMIO_CONFIG + 2, (const uint8_t *)&half, 2);
	EXPECT_EQ(f.fake.config[2], 0xef);
	EXPECT_EQ(f.fake.config[3], 0xbe);
	virtio_mmio_write(&f.mmio, VIRTIO_MMIO_CONFIG + 7, (const uint8_t *)&half, 2);
	EXPECT_EQ(f.fake.nr_config_writes, 1);
	fixture_destroy(&f);
}

static void test_virtio_mmio_ignores_registers_accessed_other_than_32_bits(void)
{
	struct mmio_fixture f;
	uint8_t data[8];
	uint16_t status = VIRTIO_CONFIG_S_ACKNOWLEDGE;

	if (!fixture_init(&f))
		return;
	memset(data, 0xaa, sizeof(data));
	virtio_mmio_read(&f.mmio, VIRTIO_MMIO_MAGIC_VALUE, data, 2);
	EXPECT_EQ(data[0], 0);
	virtio_mmio_read(&f.mmio, VIRTIO_MMIO_MAGIC_VALUE + 1, data, 4);
	EXPECT_EQ(data[0], 0);
	virtio_mmio_write(&f.mmio, VIRTIO_MMIO_STATUS, (const uint8_t *)&status, 2);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_STATUS), 0);
	fixture_destroy(&f);
}

static void test_virtio_mmio_reports_no_shared_memory_regions(void)
{
	struct mmio_fixture f;

	if (!fixture_init(&f))
		return;
	reg_write(&f, VIRTIO_MMIO_SHM_SEL, 0);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	EXPECT_EQ(reg_read(&f, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
	fixture_destroy(&f);
}

static CU_TestInfo virtio_mmio_tests[] = {
	UNIT_TEST(test_virtio_mmio_identifies_as_modern_device),
	UNIT_TEST(test_virtio_mmio_offers_features_in_two_words),
	UNIT_TEST(test_virtio_mmio_accepts_offered_features_at_features_ok),
	UNIT_TEST(test_virtio_mmio_refuses_features_ok_for_unoffered_feature),
	UNIT_TEST(test_virtio_mmio_refuses_features_ok_for_legacy_driver),
	UNIT_TEST(test_virtio_mmio_refuses_features_ok_when_device_refuses),
	UNIT_TEST(test_virtio_mmio_keeps_features_final_after_features_ok),
	UNIT_TEST(test_virtio_mmio_ignores_status_write_that_clears_bits),
	UNIT_TEST(test_virtio_mmio_sets_up_queues_and_activates_at_driver_ok),
	UNIT_TEST(test_virtio_mmio_has_no_queue_beyond_the_last),
	UNIT_TEST(test_virtio_mmio_bad_queue_layout_needs_reset),
	UNIT_TEST(test_virtio_mmio_queue_registers_are_fixed_once_ready),
	UNIT_TEST(test_virtio_mmio_ignores_driver_ok_without_features_ok),
	UNIT_TEST(test_virtio_mmio_failed_activation_needs_reset),
	UNIT_TEST(test_virtio_mmio_reset_returns_everything_to_initial_state),
	UNIT_TEST(test_virtio_mmio_interrupt_status_is_raised_and_acknowledged),
	UNIT_TEST(test_virtio_mmio_config_space_goes_to_device_within_its_size),
	UNIT_TEST(test_virtio_mmio_ignores_registers_accessed_other_than_32_bits),
	UNIT_TEST(test_virtio_mmio_reports_no_shared_memory_regions),
	CU_TEST_INFO_NULL,
};

static void unit_register_virtio_mmio(void)
{
	unit_add_suite("virtio_mmio", virtio_mmio_tests);
}

UNIT_REGISTER(unit_register_virtio_mmio)
