/* The guest's split virtqueue (guest/drivers/virtio/virtqueue.c) against a
 * device simulated here that reads the rings from "guest memory" as a device
 * would: chains (direct and indirect), ring full, notification and interrupt
 * suppression with and without EVENT_IDX, index wrap-around, and a device
 * that returns what it never got. */
#include <string.h>
#include <vitro/errno.h>
#include <vitro/slab.h>

#include "../../guest/drivers/virtio/virtqueue.h"
#include "kernel_heap.h"
#include "unit.h"

#define SIM_MAX_SEGS 64

/* What the device saw of one chain. */
struct sim_chain {
	uint16_t head;
	bool is_indirect;
	unsigned int nr;
	struct {
		uint64_t addr;
		uint32_t len;
		bool is_write;
	} seg[SIM_MAX_SEGS];
};

struct sim_device {
	uint16_t last_avail;
	uint16_t used_idx;
	unsigned int nr_notifies;
};

static struct sim_device dev;

static void sim_notify(struct virtq *vq)
{
	(void)vq;
	dev.nr_notifies++;
}

static void walk(const struct vring_desc *table, unsigned int table_len, uint16_t first,
		 struct sim_chain *c)
{
	uint16_t i = first;

	for (;;) {
		const struct vring_desc *d = &table[i];

		CU_ASSERT_FATAL(c->nr < SIM_MAX_SEGS && i < table_len);
		c->seg[c->nr].addr = d->addr;
		c->seg[c->nr].len = d->len;
		c->seg[c->nr].is_write = d->flags & VRING_DESC_F_WRITE;
		c->nr++;
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		i = d->next;
	}
}

/* Takes the next available chain, as a device does (virtio 1.2, 2.7.5). */
static bool sim_pop(struct virtq *vq, struct sim_chain *c)
{
	const struct vring_desc *d;

	if (vq->avail->idx == dev.last_avail)
		return false;
	memset(c, 0, sizeof(*c));
	c->head = vq->avail->ring[dev.last_avail % vq->size];
	dev.last_avail++;
	d = &vq->desc[c->head];
	if (d->flags & VRING_DESC_F_INDIRECT) {
		c->is_indirect = true;
		walk(phys_to_virt(d->addr), d->len / sizeof(*d), 0, c);
	} else {
		walk(vq->desc, vq->size, c->head, c);
	}
	return true;
}

/* Returns a chain; says whether the driver asked for an interrupt (2.7.7). */
static bool sim_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	uint16_t old = dev.used_idx, used_event = vq->avail->ring[vq->size];

	vq->used->ring[dev.used_idx % vq->size] = (struct vring_used_elem){ head, len };
	dev.used_idx++;
	vq->used->idx = dev.used_idx;
	if (vq->has_event_idx)
		return (uint16_t)(dev.used_idx - used_event - 1) < (uint16_t)(dev.used_idx - old);
	return !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
}

static uint8_t *buffer;

static struct virtq_buf buf_at(unsigned int offset, uint32_t len)
{
	return (struct virtq_buf){ virt_to_phys(buffer + offset), len };
}

static void start(struct virtq *vq, unsigned int size, bool event_idx, bool indirect)
{
	kernel_heap_start(256);
	memset(&dev, 0, sizeof(dev));
	buffer = kmalloc(4096, GFP_KERNEL);
	CU_ASSERT_FATAL(buffer != NULL);
	CU_ASSERT_FATAL(virtq_init(vq, 0, size, event_idx, indirect, sim_notify) == 0);
}

static void stop(struct virtq *vq)
{
	virtq_destroy(vq);
	kfree(buffer);
}

static void *token_of(unsigned int n)
{
	static int tokens[64];

	return &tokens[n % 64];
}

static void test_virtq_device_walks_direct_chain_in_order(void)
{
	struct virtq_buf bufs[3] = { buf_at(0, 16), buf_at(512, 512), buf_at(1024, 1) };
	struct sim_chain c;
	struct virtq vq;
	int tok;
	uint32_t len = 0;

	start(&vq, 8, false, false);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 2, &tok, GFP_KERNEL), 0);
	EXPECT_EQ(vq.nr_free, 5);
	EXPECT_TRUE(virtq_kick(&vq));
	EXPECT_EQ(dev.nr_notifies, 1);
	CU_ASSERT_FATAL(sim_pop(&vq, &c));
	EXPECT_FALSE(c.is_indirect);
	EXPECT_EQ(c.nr, 3);
	EXPECT_EQ(c.seg[0].addr, bufs[0].phys);
	EXPECT_EQ(c.seg[0].len, 16);
	EXPECT_FALSE(c.seg[0].is_write);
	EXPECT_EQ(c.seg[1].addr, bufs[1].phys);
	EXPECT_TRUE(c.seg[1].is_write);
	EXPECT_TRUE(c.seg[2].is_write);
	EXPECT_TRUE(virtq_get_used(&vq, &len) == NULL);
	sim_push(&vq, c.head, 513);
	EXPECT_TRUE(virtq_get_used(&vq, &len) == &tok);
	EXPECT_EQ(len, 513);
	EXPECT_EQ(vq.nr_free, 8);
	EXPECT_TRUE(virtq_get_used(&vq, &len) == NULL);
	stop(&vq);
}

/* A request with many segments takes one ring entry; its table is freed. */
static void test_virtq_long_chain_uses_one_indirect_entry(void)
{
	struct virtq_buf bufs[6];
	uint64_t free_before;
	struct sim_chain c;
	struct virtq vq;
	unsigned int i;
	int tok;

	start(&vq, 4, false, true);
	for (i = 0; i < 6; i++)
		bufs[i] = buf_at(i * 100, 100);
	free_before = kernel_heap_free_pages();
	EXPECT_EQ(virtq_add(&vq, bufs, 2, 4, &tok, GFP_KERNEL),
		  -EINVAL); /* longer than the queue */
	EXPECT_EQ(virtq_add(&vq, bufs, 2, 2, &tok, GFP_KERNEL), 0);
	EXPECT_EQ(vq.nr_free, 3);
	virtq_kick(&vq);
	CU_ASSERT_FATAL(sim_pop(&vq, &c));
	EXPECT_TRUE(c.is_indirect);
	EXPECT_EQ(c.nr, 4);
	EXPECT_FALSE(c.seg[1].is_write);
	EXPECT_TRUE(c.seg[2].is_write);
	EXPECT_EQ(c.seg[3].addr, bufs[3].phys);
	sim_push(&vq, c.head, 0);
	EXPECT_TRUE(virtq_get_used(&vq, NULL) == &tok);
	EXPECT_EQ(vq.nr_free, 4);
	EXPECT_EQ(kernel_heap_free_pages(), free_before);
	EXPECT_EQ(vq.stats.nr_indirect, 1);
	stop(&vq);
}

/* Short chains stay direct; without indirect descriptors the ring fills. */
static void test_virtq_full_ring_returns_enospc(void)
{
	struct virtq_buf bufs[3] = { buf_at(0, 16), buf_at(16, 16), buf_at(32, 1) };
	struct virtq vq;
	unsigned int i;

	start(&vq, 8, false, false);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 2, token_of(0), GFP_KERNEL), 0);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 2, token_of(1), GFP_KERNEL), 0);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 2, token_of(2), GFP_KERNEL), -ENOSPC);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 1, token_of(3), GFP_KERNEL), 0);
	EXPECT_EQ(vq.nr_free, 0);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 0, token_of(4), GFP_KERNEL), -ENOSPC);
	stop(&vq);

	/* With indirect descriptors a chain that no longer fits goes indirect. */
	start(&vq, 4, false, true);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(virtq_add(&vq, bufs, 1, 0, token_of(i), GFP_KERNEL), 0);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 2, token_of(3), GFP_KERNEL), 0);
	EXPECT_EQ(vq.stats.nr_indirect, 1);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 0, token_of(4), GFP_KERNEL), -ENOSPC);
	stop(&vq);
}

static void test_virtq_add_rejects_bad_requests(void)
{
	struct virtq_buf bufs[2] = { buf_at(0, 16), buf_at(16, 0) };
	struct virtq vq;
	int tok;

	start(&vq, 8, false, false);
	EXPECT_EQ(virtq_add(&vq, bufs, 0, 0, &tok, GFP_KERNEL), -EINVAL);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 0, NULL, GFP_KERNEL), -EINVAL);
	EXPECT_EQ(virtq_add(&vq, bufs, 1, 1, &tok, GFP_KERNEL), -EINVAL); /* zero length */
	EXPECT_EQ(vq.nr_free, 8);
	EXPECT_FALSE(virtq_kick(&vq)); /* nothing new: no notification */
	stop(&vq);
	EXPECT_EQ(virtq_init(&vq, 0, 6, false, false, sim_notify), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 0, false, false, sim_notify), -EINVAL);
}

/* 2.7.10: with EVENT_IDX the driver notifies only when the new entries
 * include the one the device named in avail_event. */
static void test_virtq_event_idx_suppresses_notifications(void)
{
	struct virtq_buf b = buf_at(0, 8);
	uint16_t *avail_event;
	struct virtq vq;

	start(&vq, 16, true, false);
	avail_event = (uint16_t *)&vq.used->ring[vq.size];
	*avail_event = 0;
	virtq_add(&vq, &b, 1, 0, token_of(0), GFP_KERNEL);
	EXPECT_TRUE(virtq_kick(&vq)); /* entry 0 is the one asked for */
	*avail_event = 3; /* the device is busy: tell me when entry 3 comes */
	virtq_add(&vq, &b, 1, 0, token_of(1), GFP_KERNEL);
	EXPECT_FALSE(virtq_kick(&vq));
	virtq_add(&vq, &b, 1, 0, token_of(2), GFP_KERNEL);
	EXPECT_FALSE(virtq_kick(&vq));
	virtq_add(&vq, &b, 1, 0, token_of(3), GFP_KERNEL);
	virtq_add(&vq, &b, 1, 0, token_of(4), GFP_KERNEL);
	EXPECT_TRUE(virtq_kick(&vq)); /* entries 3 and 4: 3 is in there */
	EXPECT_EQ(dev.nr_notifies, 2);
	EXPECT_EQ(vq.stats.nr_notifies_suppressed, 2);
	stop(&vq);
}

static void test_virtq_no_notify_flag_suppresses_notifications(void)
{
	struct virtq_buf b = buf_at(0, 8);
	struct virtq vq;

	start(&vq, 16, false, false);
	vq.used->flags = VRING_USED_F_NO_NOTIFY;
	virtq_add(&vq, &b, 1, 0, token_of(0), GFP_KERNEL);
	EXPECT_FALSE(virtq_kick(&vq));
	vq.used->flags = 0;
	virtq_add(&vq, &b, 1, 0, token_of(1), GFP_KERNEL);
	EXPECT_TRUE(virtq_kick(&vq));
	stop(&vq);
}

/* 2.7.7: the driver's used_event (or NO_INTERRUPT flag) decides whether the
 * device interrupts; re-enabling reports buffers used in the meantime. */
static void test_virtq_interrupt_suppression_and_reenable_race(void)
{
	struct virtq_buf b = buf_at(0, 8);
	struct sim_chain c[3];
	struct virtq vq;
	unsigned int i;
	bool flavours[2] = { false, true };

	for (i = 0; i < 2; i++) {
		bool event_idx = flavours[i];
		unsigned int j;

		start(&vq, 8, event_idx, false);
		for (j = 0; j < 3; j++)
			virtq_add(&vq, &b, 1, 0, token_of(j), GFP_KERNEL);
		virtq_kick(&vq);
		for (j = 0; j < 3; j++)
			sim_pop(&vq, &c[j]);
		EXPECT_TRUE(virtq_enable_cb(&vq));
		EXPECT_TRUE(sim_push(&vq, c[0].head, 0)); /* interrupt wanted */
		virtq_disable_cb(&vq);
		EXPECT_TRUE(virtq_get_used(&vq, NULL) == token_of(0));
		EXPECT_FALSE(sim_push(&vq, c[1].head, 0)); /* suppressed */
		/* Enabling finds the buffer that came while disabled. */
		EXPECT_FALSE(virtq_enable_cb(&vq));
		EXPECT_TRUE(virtq_get_used(&vq, NULL) == token_of(1));
		EXPECT_TRUE(virtq_enable_cb(&vq));
		EXPECT_TRUE(sim_push(&vq, c[2].head, 0));
		EXPECT_TRUE(virtq_get_used(&vq, NULL) == token_of(2));
		stop(&vq);
	}
}

/* A device that names a chain not in flight (or jumps the used index past
 * the queue size) broke the protocol: the queue stops, nothing crashes. */
static void test_virtq_rejects_used_entry_for_unknown_chain(void)
{
	struct virtq_buf b = buf_at(0, 8);
	struct sim_chain c;
	struct virtq vq;

	start(&vq, 8, false, false);
	virtq_add(&vq, &b, 1, 0, token_of(0), GFP_KERNEL);
	sim_pop(&vq, &c);
	sim_push(&vq, (uint16_t)(c.head + 1), 0); /* never handed out */
	EXPECT_TRUE(virtq_get_used(&vq, NULL) == NULL);
	EXPECT_TRUE(vq.is_broken);
	EXPECT_EQ(virtq_add(&vq, &b, 1, 0, token_of(1), GFP_KERNEL), -EIO);
	stop(&vq);

	start(&vq, 8, false, false);
	virtq_add(&vq, &b, 1, 0, token_of(0), GFP_KERNEL);
	sim_pop(&vq, &c);
	sim_push(&vq, 999, 0); /* out of range */
	EXPECT_TRUE(virtq_get_used(&vq, NULL) == NULL);
	EXPECT_TRUE(vq.is_broken);
	stop(&vq);

	start(&vq, 8, false, false);
	virtq_add(&vq, &b, 1, 0, token_of(0), GFP_KERNEL);
	sim_pop(&vq, &c);
	sim_push(&vq, c.head, 0);
	vq.used->idx = 20; /* 20 entries used of an 8-entry queue */
	EXPECT_TRUE(virtq_get_used(&vq, NULL) == NULL);
	EXPECT_TRUE(vq.is_broken);
	stop(&vq);
}

static void test_virtq_clamps_used_len_to_writable_bytes(void)
{
	struct virtq_buf bufs[2] = { buf_at(0, 16), buf_at(16, 100) };
	struct sim_chain c;
	struct virtq vq;
	uint32_t len;

	start(&vq, 8, false, false);
	virtq_add(&vq, bufs, 1, 1, token_of(0), GFP_KERNEL);
	sim_pop(&vq, &c);
	sim_push(&vq, c.head, 5000);
	EXPECT_TRUE(virtq_get_used(&vq, &len) != NULL);
	EXPECT_EQ(len, 100);
	EXPECT_EQ(vq.stats.nr_bad_len, 1);
	stop(&vq);
}

/* 70000 requests through a 4-entry queue: the 16-bit indices wrap and every
 * token still comes back once, in order. */
static void test_virtq_indices_wrap_past_65535(void)
{
	struct virtq_buf bufs[3] = { buf_at(0, 16), buf_at(16, 16), buf_at(32, 1) };
	unsigned int i, wrong = 0;
	struct sim_chain c;
	struct virtq vq;

	start(&vq, 4, true, true);
	for (i = 0; i < 70000; i++) {
		void *tok = token_of(i), *got;

		if (virtq_add(&vq, bufs, 1, 1 + i % 2, tok, GFP_KERNEL))
			wrong++;
		virtq_kick(&vq);
		if (!sim_pop(&vq, &c) || c.nr != 2 + i % 2)
			wrong++;
		sim_push(&vq, c.head, 1);
		got = virtq_get_used(&vq, NULL);
		wrong += got != tok;
	}
	EXPECT_EQ(wrong, 0);
	EXPECT_EQ(vq.nr_free, 4);
	EXPECT_EQ(vq.avail_idx, (uint16_t)70000);
	stop(&vq);
}

static void test_virtq_detach_unused_returns_every_token(void)
{
	struct virtq_buf b = buf_at(0, 8);
	unsigned int seen = 0;
	struct virtq vq;
	void *tok;

	start(&vq, 8, false, true);
	virtq_add(&vq, &b, 1, 0, token_of(0), GFP_KERNEL);
	virtq_add(&vq, &b, 1, 0, token_of(1), GFP_KERNEL);
	while ((tok = virtq_detach_unused(&vq)))
		seen |= tok == token_of(0) ? 1 : 2;
	EXPECT_EQ(seen, 3);
	EXPECT_EQ(vq.nr_free, 8);
	stop(&vq);
}

static CU_TestInfo virtqueue_tests[] = {
	UNIT_TEST(test_virtq_device_walks_direct_chain_in_order),
	UNIT_TEST(test_virtq_long_chain_uses_one_indirect_entry),
	UNIT_TEST(test_virtq_full_ring_returns_enospc),
	UNIT_TEST(test_virtq_add_rejects_bad_requests),
	UNIT_TEST(test_virtq_event_idx_suppresses_notifications),
	UNIT_TEST(test_virtq_no_notify_flag_suppresses_notifications),
	UNIT_TEST(test_virtq_interrupt_suppression_and_reenable_race),
	UNIT_TEST(test_virtq_rejects_used_entry_for_unknown_chain),
	UNIT_TEST(test_virtq_clamps_used_len_to_writable_bytes),
	UNIT_TEST(test_virtq_indices_wrap_past_65535),
	UNIT_TEST(test_virtq_detach_unused_returns_every_token),
	CU_TEST_INFO_NULL,
};

static void register_virtqueue_tests(void)
{
	unit_add_suite("guest_virtqueue", virtqueue_tests);
}
UNIT_REGISTER(register_virtqueue_tests)
