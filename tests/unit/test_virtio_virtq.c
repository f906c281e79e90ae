/* Tests for the device side of split virtqueues (vmm/virtio/virtqueue.c):
 * chains popped from hand-built rings in a fake guest RAM, indirect tables,
 * event-index suppression, and malformed chains, each of which must break
 * the queue without a host access outside guest RAM (the RAM ends at an
 * inaccessible page). */
#include <errno.h>
#include <linux/virtio_ring.h>
#include <string.h>
#include <sys/mman.h>

#include "../../vmm/virtio/virtqueue.h"
#include "fake_virtio_driver.h"
#include "unit.h"

#define QUEUE_SIZE 16
#define IOV_CAPACITY 32
#define ALL_RING_FEATURES \
	((1ull << VIRTIO_RING_F_EVENT_IDX) | (1ull << VIRTIO_RING_F_INDIRECT_DESC))

struct virtq_fixture {
	struct fake_guest guest;
	struct fake_virtq driver;
	struct virtq vq;
	struct iovec iov[IOV_CAPACITY];
	struct virtq_chain chain;
	uint64_t data; /* 4 KiB of guest memory for buffers */
};

static bool fixture_init(struct virtq_fixture *f, uint64_t features)
{
	memset(f, 0, sizeof(*f));
	if (!fake_guest_init(&f->guest)) {
		UNIT_FAIL("out of memory");
		return false;
	}
	fake_virtq_init(&f->driver, &f->guest, QUEUE_SIZE);
	f->data = fake_guest_alloc(&f->guest, 4096, 4096);
	f->chain = (struct virtq_chain){ .iov = f->iov, .iov_capacity = IOV_CAPACITY };
	if (virtq_enable(&f->vq, &f->guest.mem, &f->driver.layout, features)) {
		UNIT_FAIL("virtq_enable refused a good layout");
		fake_guest_destroy(&f->guest);
		return false;
	}
	return true;
}

static void fixture_destroy(struct virtq_fixture *f)
{
	fake_guest_destroy(&f->guest);
}

static uint8_t *host_of(struct virtq_fixture *f, uint64_t gpa)
{
	return fake_guest_ptr(&f->guest, gpa);
}

/* The queue must refuse the chain at the head of the ring, and every chain
 * after it until it is reset. */
static void expect_broken(struct virtq_fixture *f, int expected_rc)
{
	EXPECT_EQ(virtq_pop_chain(&f->vq, &f->chain), expected_rc);
	EXPECT_TRUE(f->vq.is_broken);
	EXPECT_TRUE(f->vq.error != NULL);
	EXPECT_EQ(virtq_pop_chain(&f->vq, &f->chain), -EIO);
}

static void test_virtq_pops_chain_as_readable_then_writable_buffers(void)
{
	struct virtq_fixture f;
	struct fake_buffer bufs[3];
	uint16_t head;

	if (!fixture_init(&f, 0))
		return;
	bufs[0] = (struct fake_buffer){ f.data, 16, false };
	bufs[1] = (struct fake_buffer){ f.data + 512, 512, false };
	bufs[2] = (struct fake_buffer){ f.data + 2048, 1, true };
	head = fake_virtq_add_chain(&f.driver, bufs, 3);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	EXPECT_EQ(f.chain.head, head);
	EXPECT_EQ(f.chain.nr_readable, 2);
	EXPECT_EQ(f.chain.nr_writable, 1);
	EXPECT_EQ(f.chain.readable_bytes, 528);
	EXPECT_EQ(f.chain.writable_bytes, 1);
	EXPECT_TRUE(f.iov[0].iov_base == host_of(&f, f.data));
	EXPECT_EQ(f.iov[0].iov_len, 16);
	EXPECT_TRUE(f.iov[1].iov_base == host_of(&f, f.data + 512));
	EXPECT_TRUE(f.iov[2].iov_base == host_of(&f, f.data + 2048));
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 0);
	EXPECT_FALSE(f.vq.is_broken);
	fixture_destroy(&f);
}

static void test_virtq_pop_returns_zero_when_nothing_is_available(void)
{
	struct virtq_fixture f;
	struct virtq idle = { 0 };

	if (!fixture_init(&f, 0))
		return;
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 0);
	/* A queue the driver never readied has nothing either. */
	EXPECT_EQ(virtq_pop_chain(&idle, &f.chain), 0);
	fixture_destroy(&f);
}

static void test_virtq_push_used_returns_id_and_length_to_driver(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;
	uint32_t id = 99, len = 99;
	uint16_t first, second;

	if (!fixture_init(&f, 0))
		return;
	buf = (struct fake_buffer){ f.data, 64, true };
	first = fake_virtq_add_chain(&f.driver, &buf, 1);
	second = fake_virtq_add_chain(&f.driver, &buf, 1);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	EXPECT_FALSE(fake_virtq_get_used(&f.driver, &id, &len));
	/* Out of order, as a device may complete them. */
	virtq_push_used(&f.vq, second, 7);
	virtq_push_used(&f.vq, first, 64);
	EXPECT_TRUE(fake_virtq_get_used(&f.driver, &id, &len));
	EXPECT_EQ(id, second);
	EXPECT_EQ(len, 7);
	EXPECT_TRUE(fake_virtq_get_used(&f.driver, &id, &len));
	EXPECT_EQ(id, first);
	EXPECT_EQ(len, 64);
	EXPECT_FALSE(fake_virtq_get_used(&f.driver, &id, &len));
	fixture_destroy(&f);
}

static void test_virtq_serves_many_more_chains_than_queue_size(void)
{
	struct virtq_fixture f;
	struct fake_buffer bufs[2];
	unsigned int i, nr_bad = 0;
	uint32_t id, len;

	if (!fixture_init(&f, 0))
		return;
	for (i = 0; i < 5 * QUEUE_SIZE + 3; i++) {
		uint16_t head;

		bufs[0] = (struct fake_buffer){ f.data + i, 1 + i % 7, false };
		bufs[1] = (struct fake_buffer){ f.data + 2048, 4, true };
		head = fake_virtq_add_chain(&f.driver, bufs, 2);
		if (virtq_pop_chain(&f.vq, &f.chain) != 1 || f.chain.head != head ||
		    f.chain.readable_bytes != 1 + i % 7 ||
		    f.iov[0].iov_base != host_of(&f, f.data + i))
			nr_bad++;
		virtq_push_used(&f.vq, head, i);
		if (!fake_virtq_get_used(&f.driver, &id, &len) || id != head || len != i)
			nr_bad++;
	}
	EXPECT_EQ(nr_bad, 0);
	fixture_destroy(&f);
}

static void test_virtq_skips_zero_length_descriptors(void)
{
	struct virtq_fixture f;
	struct fake_buffer bufs[3];

	if (!fixture_init(&f, 0))
		return;
	/* A zero-length buffer's address is never used, so it is not checked. */
	bufs[0] = (struct fake_buffer){ f.data, 8, false };
	bufs[1] = (struct fake_buffer){ 0xdead00000000ull, 0, false };
	bufs[2] = (struct fake_buffer){ f.data + 8, 8, true };
	fake_virtq_add_chain(&f.driver, bufs, 3);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	EXPECT_EQ(f.chain.nr_readable, 1);
	EXPECT_EQ(f.chain.nr_writable, 1);
	EXPECT_TRUE(f.iov[1].iov_base == host_of(&f, f.data + 8));
	fixture_destroy(&f);
}

static void test_virtq_pops_indirect_chain(void)
{
	struct virtq_fixture f;
	struct fake_buffer bufs[4];
	uint16_t head;
	unsigned int i;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	for (i = 0; i < 4; i++)
		bufs[i] = (struct fake_buffer){ f.data + 256 * i, 100 + i, i >= 2 };
	head = fake_virtq_add_indirect_chain(&f.driver, bufs, 4);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	EXPECT_EQ(f.chain.head, head);
	EXPECT_EQ(f.chain.nr_readable, 2);
	EXPECT_EQ(f.chain.nr_writable, 2);
	EXPECT_EQ(f.chain.readable_bytes, 201);
	EXPECT_EQ(f.chain.writable_bytes, 205);
	for (i = 0; i < 4; i++) {
		EXPECT_TRUE(f.iov[i].iov_base == host_of(&f, f.data + 256 * i));
		EXPECT_EQ(f.iov[i].iov_len, 100 + i);
	}
	fixture_destroy(&f);
}

static void test_virtq_follows_direct_descriptors_into_indirect_table(void)
{
	struct virtq_fixture f;
	uint64_t table;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	table = fake_guest_alloc(&f.guest, 32, 16);
	fake_virtq_set_desc(&f.driver, 0, f.data, 16, VRING_DESC_F_NEXT, 1);
	/* The WRITE flag of the descriptor naming the table means nothing. */
	fake_virtq_set_desc(&f.driver, 1, table, 32, VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE, 0);
	fake_virtq_set_indirect_desc(&f.driver, table, 0, f.data + 16, 16, VRING_DESC_F_NEXT, 1);
	fake_virtq_set_indirect_desc(&f.driver, table, 1, f.data + 32, 1, VRING_DESC_F_WRITE, 0);
	fake_virtq_make_available(&f.driver, 0);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	EXPECT_EQ(f.chain.nr_readable, 2);
	EXPECT_EQ(f.chain.nr_writable, 1);
	EXPECT_TRUE(f.iov[2].iov_base == host_of(&f, f.data + 32));
	fixture_destroy(&f);
}

static void test_virtq_rejects_indirect_descriptor_without_feature(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;

	if (!fixture_init(&f, 1ull << VIRTIO_RING_F_EVENT_IDX))
		return;
	buf = (struct fake_buffer){ f.data, 16, false };
	fake_virtq_add_indirect_chain(&f.driver, &buf, 1);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_rejects_buffer_outside_ram(void)
{
	static const uint64_t bad[][2] = {
		{ FAKE_RAM_END, 1 }, /* just past the end */
		{ FAKE_RAM_END - 8, 16 }, /* straddling the end */
		{ FAKE_RAM_LOW_END - 8, 16 }, /* running into the hole */
		{ FAKE_RAM_LOW_END, 1 }, /* inside the hole */
		{ ~0ull - 7, 16 }, /* wrapping the address space */
		{ 0, 0xffffffffu }, /* longer than RAM */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct virtq_fixture f;
		struct fake_buffer bufs[2];

		if (!fixture_init(&f, 0))
			return;
		bufs[0] = (struct fake_buffer){ f.data, 16, false };
		bufs[1] = (struct fake_buffer){ bad[i][0], (uint32_t)bad[i][1], true };
		fake_virtq_add_chain(&f.driver, bufs, 2);
		if (virtq_pop_chain(&f.vq, &f.chain) != -EFAULT || !f.vq.is_broken)
			UNIT_FAIL("buffer %u (0x%llx, %llu bytes) was accepted", i,
				  (unsigned long long)bad[i][0], (unsigned long long)bad[i][1]);
		fixture_destroy(&f);
	}
}

static void test_virtq_accepts_buffer_ending_at_ram_end(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;

	if (!fixture_init(&f, 0))
		return;
	buf = (struct fake_buffer){ FAKE_RAM_END - 16, 16, true };
	fake_virtq_add_chain(&f.driver, &buf, 1);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	/* The last byte is really the last byte of the host buffer. */
	((uint8_t *)f.iov[0].iov_base)[15] = 0x5a;
	EXPECT_EQ(f.guest.host[FAKE_RAM_SIZE - 1], 0x5a);
	fixture_destroy(&f);
}

static void test_virtq_rejects_total_length_over_4_gib(void)
{
	/* RAM of 4 GiB + 64 KiB, reserved but never touched, so that buffers
	 * inside it can add up past 32 bits. */
	const uint64_t ram = (4ull << 30) + 0x10000;
	struct virtq_fixture f;
	struct fake_buffer bufs[2];
	uint8_t *host;

	memset(&f, 0, sizeof(f));
	host = mmap(NULL, ram, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	if (host == MAP_FAILED) {
		UNIT_FAIL("cannot reserve 4 GiB of address space");
		return;
	}
	f.guest.host = host;
	guest_mem_layout(&f.guest.mem, host, ram, ram, ram);
	f.guest.next_free_gpa = 0x1000;
	fake_virtq_init(&f.driver, &f.guest, QUEUE_SIZE);
	f.chain = (struct virtq_chain){ .iov = f.iov, .iov_capacity = IOV_CAPACITY };
	EXPECT_EQ(virtq_enable(&f.vq, &f.guest.mem, &f.driver.layout, 0), 0);
	bufs[0] = (struct fake_buffer){ 0x10000, 0xffffffffu, true };
	bufs[1] = (struct fake_buffer){ 0x10000, 1, true };
	fake_virtq_add_chain(&f.driver, bufs, 2);
	expect_broken(&f, -EOVERFLOW);
	munmap(host, ram);
}

static void test_virtq_rejects_head_beyond_queue_size(void)
{
	struct virtq_fixture f;

	if (!fixture_init(&f, 0))
		return;
	fake_virtq_make_available(&f.driver, QUEUE_SIZE);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_rejects_next_index_beyond_queue_size(void)
{
	struct virtq_fixture f;

	if (!fixture_init(&f, 0))
		return;
	fake_virtq_set_desc(&f.driver, 3, f.data, 16, VRING_DESC_F_NEXT, QUEUE_SIZE);
	fake_virtq_make_available(&f.driver, 3);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_rejects_descriptor_loop(void)
{
	struct virtq_fixture f;

	if (!fixture_init(&f, 0))
		return;
	fake_virtq_set_desc(&f.driver, 0, f.data, 16, VRING_DESC_F_NEXT, 1);
	fake_virtq_set_desc(&f.driver, 1, f.data, 16, VRING_DESC_F_NEXT, 2);
	fake_virtq_set_desc(&f.driver, 2, f.data, 16, VRING_DESC_F_NEXT, 1);
	fake_virtq_make_available(&f.driver, 0);
	expect_broken(&f, -ELOOP);
	fixture_destroy(&f);
}

static void test_virtq_rejects_zero_length_descriptor_loop(void)
{
	struct virtq_fixture f;

	if (!fixture_init(&f, 0))
		return;
	/* Empty buffers take no iovec, so only the loop check can stop this. */
	fake_virtq_set_desc(&f.driver, 5, 0, 0, VRING_DESC_F_NEXT, 5);
	fake_virtq_make_available(&f.driver, 5);
	expect_broken(&f, -ELOOP);
	fixture_destroy(&f);
}

static void test_virtq_rejects_loop_inside_indirect_table(void)
{
	struct virtq_fixture f;
	uint64_t table;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	table = fake_guest_alloc(&f.guest, 48, 16);
	fake_virtq_set_indirect_desc(&f.driver, table, 0, f.data, 16, VRING_DESC_F_NEXT, 1);
	fake_virtq_set_indirect_desc(&f.driver, table, 1, f.data, 16, VRING_DESC_F_NEXT, 2);
	fake_virtq_set_indirect_desc(&f.driver, table, 2, f.data, 16, VRING_DESC_F_NEXT, 0);
	fake_virtq_set_desc(&f.driver, 0, table, 48, VRING_DESC_F_INDIRECT, 0);
	fake_virtq_make_available(&f.driver, 0);
	expect_broken(&f, -ELOOP);
	fixture_destroy(&f);
}

static void test_virtq_rejects_next_index_beyond_indirect_table(void)
{
	struct virtq_fixture f;
	uint64_t table;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	table = fake_guest_alloc(&f.guest, 32, 16);
	fake_virtq_set_indirect_desc(&f.driver, table, 0, f.data, 16, VRING_DESC_F_NEXT, 1);
	/* Index 2 is inside the queue size but past this table's two entries. */
	fake_virtq_set_indirect_desc(&f.driver, table, 1, f.data, 16, VRING_DESC_F_NEXT, 2);
	fake_virtq_set_desc(&f.driver, 0, table, 32, VRING_DESC_F_INDIRECT, 0);
	fake_virtq_make_available(&f.driver, 0);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_rejects_chain_longer_than_device_takes(void)
{
	struct virtq_fixture f;
	struct fake_buffer bufs[5];
	struct iovec small[4];
	unsigned int i;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	f.chain = (struct virtq_chain){ .iov = small, .iov_capacity = ARRAY_SIZE(small) };
	for (i = 0; i < 5; i++)
		bufs[i] = (struct fake_buffer){ f.data + 16 * i, 16, false };
	fake_virtq_add_chain(&f.driver, bufs, 4);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	fake_virtq_add_chain(&f.driver, bufs, 5);
	expect_broken(&f, -E2BIG);
	fixture_destroy(&f);
}

static void test_virtq_rejects_long_indirect_chain_of_empty_buffers(void)
{
	struct virtq_fixture f;
	struct fake_buffer bufs[IOV_CAPACITY + 8];
	unsigned int i;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	/* A table bigger than the device takes: even empty buffers count. */
	for (i = 0; i < ARRAY_SIZE(bufs); i++)
		bufs[i] = (struct fake_buffer){ 0, 0, false };
	fake_virtq_add_indirect_chain(&f.driver, bufs, ARRAY_SIZE(bufs));
	expect_broken(&f, -E2BIG);
	fixture_destroy(&f);
}

static void test_virtq_rejects_nested_indirect_table(void)
{
	struct virtq_fixture f;
	uint64_t outer, inner;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	outer = fake_guest_alloc(&f.guest, 16, 16);
	inner = fake_guest_alloc(&f.guest, 16, 16);
	fake_virtq_set_indirect_desc(&f.driver, inner, 0, f.data, 16, 0, 0);
	fake_virtq_set_indirect_desc(&f.driver, outer, 0, inner, 16, VRING_DESC_F_INDIRECT, 0);
	fake_virtq_set_desc(&f.driver, 0, outer, 16, VRING_DESC_F_INDIRECT, 0);
	fake_virtq_make_available(&f.driver, 0);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_rejects_bad_indirect_table_lengths(void)
{
	static const uint32_t lengths[] = { 0, 8, 20, 33 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		struct virtq_fixture f;
		uint64_t table;

		if (!fixture_init(&f, ALL_RING_FEATURES))
			return;
		table = fake_guest_alloc(&f.guest, 64, 16);
		fake_virtq_set_indirect_desc(&f.driver, table, 0, f.data, 16, 0, 0);
		fake_virtq_set_desc(&f.driver, 0, table, lengths[i], VRING_DESC_F_INDIRECT, 0);
		fake_virtq_make_available(&f.driver, 0);
		if (virtq_pop_chain(&f.vq, &f.chain) != -EINVAL || !f.vq.is_broken)
			UNIT_FAIL("indirect table of %u bytes was accepted", lengths[i]);
		fixture_destroy(&f);
	}
}

static void test_virtq_rejects_indirect_table_outside_ram(void)
{
	struct virtq_fixture f;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	fake_virtq_set_desc(&f.driver, 0, FAKE_RAM_END - 16, 32, VRING_DESC_F_INDIRECT, 0);
	fake_virtq_make_available(&f.driver, 0);
	expect_broken(&f, -EFAULT);
	fixture_destroy(&f);
}

static void test_virtq_rejects_indirect_descriptor_with_next(void)
{
	struct virtq_fixture f;
	uint64_t table;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	table = fake_guest_alloc(&f.guest, 16, 16);
	fake_virtq_set_indirect_desc(&f.driver, table, 0, f.data, 16, 0, 0);
	fake_virtq_set_desc(&f.driver, 0, table, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	fake_virtq_set_desc(&f.driver, 1, f.data, 16, 0, 0);
	fake_virtq_make_available(&f.driver, 0);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_rejects_readable_buffer_after_writable(void)
{
	struct virtq_fixture f;
	struct fake_buffer bufs[2];

	if (!fixture_init(&f, 0))
		return;
	bufs[0] = (struct fake_buffer){ f.data, 16, true };
	bufs[1] = (struct fake_buffer){ f.data + 16, 16, false };
	fake_virtq_add_chain(&f.driver, bufs, 2);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_rejects_available_index_more_than_a_queue_ahead(void)
{
	struct virtq_fixture f;

	if (!fixture_init(&f, 0))
		return;
	fake_virtq_set_desc(&f.driver, 0, f.data, 16, 0, 0);
	fake_virtq_set_avail_idx(&f.driver, QUEUE_SIZE + 1);
	expect_broken(&f, -EINVAL);
	fixture_destroy(&f);
}

static void test_virtq_broken_queue_works_again_after_reenable(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;

	if (!fixture_init(&f, 0))
		return;
	fake_virtq_make_available(&f.driver, QUEUE_SIZE + 3);
	expect_broken(&f, -EINVAL);
	/* A good chain behind the bad one is not taken either. */
	buf = (struct fake_buffer){ f.data, 16, true };
	fake_virtq_add_chain(&f.driver, &buf, 1);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), -EIO);
	/* What a reset and a fresh set-up by the driver do. */
	fake_virtq_init(&f.driver, &f.guest, QUEUE_SIZE);
	EXPECT_EQ(virtq_enable(&f.vq, &f.guest.mem, &f.driver.layout, 0), 0);
	EXPECT_FALSE(f.vq.is_broken);
	fake_virtq_add_chain(&f.driver, &buf, 1);
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	fixture_destroy(&f);
}

static void test_virtq_enable_rejects_bad_layouts(void)
{
	struct fake_guest guest;
	struct fake_virtq good;
	struct virtq vq;
	struct virtq_layout bad;
	unsigned int nr_accepted = 0;

	if (!fake_guest_init(&guest))
		return;
	fake_virtq_init(&good, &guest, 256);
	EXPECT_EQ(virtq_enable(&vq, &guest.mem, &good.layout, 0), 0);
	EXPECT_TRUE(vq.is_ready);

#define TRY_BAD(field, value)                                               \
	do {                                                                \
		bad = good.layout;                                          \
		bad.field = (value);                                        \
		if (!virtq_enable(&vq, &guest.mem, &bad, 0) || vq.is_ready) \
			nr_accepted++;                                      \
	} while (0)
	TRY_BAD(size, 0);
	TRY_BAD(size, 100); /* not a power of two */
	TRY_BAD(size, VIRTQ_SIZE_MAX * 2);
	TRY_BAD(desc_gpa, good.layout.desc_gpa + 8); /* misaligned */
	TRY_BAD(avail_gpa, good.layout.avail_gpa + 1);
	TRY_BAD(used_gpa, good.layout.used_gpa + 2);
	TRY_BAD(desc_gpa, FAKE_RAM_END - 16 * 255); /* one descriptor short of room */
	TRY_BAD(used_gpa, FAKE_RAM_LOW_END - 1024); /* into the hole */
	TRY_BAD(avail_gpa, ~0ull - 1);
#undef TRY_BAD
	EXPECT_EQ(nr_accepted, 0);
	fake_guest_destroy(&guest);
}

static void test_virtq_interrupts_unless_driver_sets_no_interrupt(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;
	uint16_t head;

	if (!fixture_init(&f, 0))
		return;
	buf = (struct fake_buffer){ f.data, 16, true };
	/* Nothing pushed, nothing to say. */
	EXPECT_FALSE(virtq_needs_interrupt(&f.vq));
	head = fake_virtq_add_chain(&f.driver, &buf, 1);
	virtq_pop_chain(&f.vq, &f.chain);
	virtq_push_used(&f.vq, head, 0);
	EXPECT_TRUE(virtq_needs_interrupt(&f.vq));
	EXPECT_FALSE(virtq_needs_interrupt(&f.vq));

	fake_virtq_set_avail_flags(&f.driver, VRING_AVAIL_F_NO_INTERRUPT);
	head = fake_virtq_add_chain(&f.driver, &buf, 1);
	virtq_pop_chain(&f.vq, &f.chain);
	virtq_push_used(&f.vq, head, 0);
	EXPECT_FALSE(virtq_needs_interrupt(&f.vq));
	fixture_destroy(&f);
}

static void test_virtq_event_idx_interrupts_only_when_used_event_is_passed(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;
	uint16_t heads[4];
	unsigned int i;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	buf = (struct fake_buffer){ f.data, 16, true };
	for (i = 0; i < 4; i++) {
		heads[i] = fake_virtq_add_chain(&f.driver, &buf, 1);
		EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	}
	/* The driver wants to hear when the used entry at index 2 is written. */
	fake_virtq_set_used_event(&f.driver, 2);
	/* The driver's NO_INTERRUPT flag means nothing with event indexes. */
	fake_virtq_set_avail_flags(&f.driver, VRING_AVAIL_F_NO_INTERRUPT);
	virtq_push_used(&f.vq, heads[0], 0);
	virtq_push_used(&f.vq, heads[1], 0);
	EXPECT_FALSE(virtq_needs_interrupt(&f.vq)); /* entries 0 and 1 */
	virtq_push_used(&f.vq, heads[2], 0);
	EXPECT_TRUE(virtq_needs_interrupt(&f.vq)); /* entry 2 */
	virtq_push_used(&f.vq, heads[3], 0);
	EXPECT_FALSE(virtq_needs_interrupt(&f.vq)); /* entry 3: already told */
	fixture_destroy(&f);
}

static void test_virtq_event_idx_interrupts_once_for_a_batch_passing_used_event(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;
	uint16_t heads[3];
	unsigned int i;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	buf = (struct fake_buffer){ f.data, 16, true };
	for (i = 0; i < 3; i++) {
		heads[i] = fake_virtq_add_chain(&f.driver, &buf, 1);
		virtq_pop_chain(&f.vq, &f.chain);
	}
	fake_virtq_set_used_event(&f.driver, 1);
	for (i = 0; i < 3; i++)
		virtq_push_used(&f.vq, heads[i], 0);
	EXPECT_TRUE(virtq_needs_interrupt(&f.vq));
	EXPECT_FALSE(virtq_needs_interrupt(&f.vq));
	fixture_destroy(&f);
}

static void test_virtq_notify_suppression_uses_used_flags_without_event_idx(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;

	if (!fixture_init(&f, 0))
		return;
	virtq_disable_notify(&f.vq);
	EXPECT_EQ(fake_virtq_used_flags(&f.driver), VRING_USED_F_NO_NOTIFY);
	EXPECT_FALSE(virtq_enable_notify(&f.vq));
	EXPECT_EQ(fake_virtq_used_flags(&f.driver), 0);
	/* A chain made available while kicks were off is reported. */
	virtq_disable_notify(&f.vq);
	buf = (struct fake_buffer){ f.data, 16, true };
	fake_virtq_add_chain(&f.driver, &buf, 1);
	EXPECT_TRUE(virtq_enable_notify(&f.vq));
	EXPECT_EQ(virtq_pop_chain(&f.vq, &f.chain), 1);
	EXPECT_FALSE(virtq_enable_notify(&f.vq));
	fixture_destroy(&f);
}

static void test_virtq_event_idx_asks_for_kick_at_next_available_entry(void)
{
	struct virtq_fixture f;
	struct fake_buffer buf;
	unsigned int i;

	if (!fixture_init(&f, ALL_RING_FEATURES))
		return;
	buf = (struct fake_buffer){ f.data, 16, true };
	for (i = 0; i < 3; i++) {
		fake_virtq_add_chain(&f.driver, &buf, 1);
		virtq_pop_chain(&f.vq, &f.chain);
	}
	virtq_disable_notify(&f.vq);
	/* used->flags is not the mechanism with event indexes. */
	EXPECT_EQ(fake_virtq_used_flags(&f.driver), 0);
	EXPECT_FALSE(virtq_enable_notify(&f.vq));
	EXPECT_EQ(fake_virtq_avail_event(&f.driver), 3);
	fake_virtq_add_chain(&f.driver, &buf, 1);
	EXPECT_TRUE(virtq_enable_notify(&f.vq));
	fixture_destroy(&f);
}

static CU_TestInfo virtq_tests[] = {
	UNIT_TEST(test_virtq_pops_chain_as_readable_then_writable_buffers),
	UNIT_TEST(test_virtq_pop_returns_zero_when_nothing_is_available),
	UNIT_TEST(test_virtq_push_used_returns_id_and_length_to_driver),
	UNIT_TEST(test_virtq_serves_many_more_chains_than_queue_size),
	UNIT_TEST(test_virtq_skips_zero_length_descriptors),
	UNIT_TEST(test_virtq_pops_indirect_chain),
	UNIT_TEST(test_virtq_follows_direct_descriptors_into_indirect_table),
	UNIT_TEST(test_virtq_rejects_indirect_descriptor_without_feature),
	UNIT_TEST(test_virtq_rejects_buffer_outside_ram),
	UNIT_TEST(test_virtq_accepts_buffer_ending_at_ram_end),
	UNIT_TEST(test_virtq_rejects_total_length_over_4_gib),
	UNIT_TEST(test_virtq_rejects_head_beyond_queue_size),
	UNIT_TEST(test_virtq_rejects_next_index_beyond_queue_size),
	UNIT_TEST(test_virtq_rejects_descriptor_loop),
	UNIT_TEST(test_virtq_rejects_zero_length_descriptor_loop),
	UNIT_TEST(test_virtq_rejects_loop_inside_indirect_table),
	UNIT_TEST(test_virtq_rejects_next_index_beyond_indirect_table),
	UNIT_TEST(test_virtq_rejects_chain_longer_than_device_takes),
	UNIT_TEST(test_virtq_rejects_long_indirect_chain_of_empty_buffers),
	UNIT_TEST(test_virtq_rejects_nested_indirect_table),
	UNIT_TEST(test_virtq_rejects_bad_indirect_table_lengths),
	UNIT_TEST(test_virtq_rejects_indirect_table_outside_ram),
	UNIT_TEST(test_virtq_rejects_indirect_descriptor_with_next),
	UNIT_TEST(test_virtq_rejects_readable_buffer_after_writable),
	UNIT_TEST(test_virtq_rejects_available_index_more_than_a_queue_ahead),
	UNIT_TEST(test_virtq_broken_queue_works_again_after_reenable),
	UNIT_TEST(test_virtq_enable_rejects_bad_layouts),
	UNIT_TEST(test_virtq_interrupts_unless_driver_sets_no_interrupt),
	UNIT_TEST(test_virtq_event_idx_interrupts_only_when_used_event_is_passed),
	UNIT_TEST(test_virtq_event_idx_interrupts_once_for_a_batch_passing_used_event),
	UNIT_TEST(test_virtq_notify_suppression_uses_used_flags_without_event_idx),
	UNIT_TEST(test_virtq_event_idx_asks_for_kick_at_next_available_entry),
	CU_TEST_INFO_NULL,
};

static void unit_register_virtq(void)
{
	unit_add_suite("virtq", virtq_tests);
}

UNIT_REGISTER(unit_register_virtq)
