/* libFuzzer target: the device side of a split virtqueue
 * (vmm/virtio/virtqueue.c) over a guest RAM whose every byte, rings
 * included, is fuzzer input, as a hostile guest could write it.
 *
 * Input: a 14-byte header, then the contents of guest RAM.
 *   byte 0      queue size: 1 << (byte % 9), 1 to 256
 *   byte 1      bit 0 VIRTIO_RING_F_EVENT_IDX, bit 1 VIRTIO_RING_F_INDIRECT_DESC,
 *               bits 2-7 the chain capacity in iovecs minus one (1 to 64)
 *   bytes 2-13  guest-physical addresses of the descriptor table, available
 *               ring and used ring, 32-bit little-endian each
 * Guest RAM is 48 KiB at 0 and 16 KiB at 64 KiB (a hole between), so chains
 * can point into the hole, past the end, or across both.
 *
 * Every chain popped is checked to lie in guest RAM, within the capacity,
 * with the lengths it reports; a malformed one must break the queue for
 * good. Chains are given back with virtq_push_used, and the notification
 * calls run on whatever the rings hold. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/virtio/virtqueue.h"

#define HEADER_BYTES 14
#define RAM_BYTES 0x10000u
#define HOLE_START 0xc000u
#define HOLE_END 0x10000u
#define MAX_CAPACITY 64

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_virtq: invariant failed: %s\n", what);
	abort();
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_chain(const struct virtq *vq, const struct virtq_chain *chain, const uint8_t *ram)
{
	uint64_t readable = 0, writable = 0;
	unsigned int i, nr = chain->nr_readable + chain->nr_writable;

	if (chain->head >= vq->size)
		fail("chain head beyond the queue size");
	if (nr > chain->iov_capacity)
		fail("more buffers than the capacity");
	for (i = 0; i < nr; i++) {
		const uint8_t *base = chain->iov[i].iov_base;
		size_t len = chain->iov[i].iov_len;

		if (!len)
			fail("a zero-length buffer was kept");
		if (base < ram || base > ram + RAM_BYTES || len > (size_t)(ram + RAM_BYTES - base))
			fail("a buffer outside guest RAM");
		if (i < chain->nr_readable)
			readable += len;
		else
			writable += len;
	}
	if (readable != chain->readable_bytes || writable != chain->writable_bytes)
		fail("byte counts differ from the buffers");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iovec iov[MAX_CAPACITY];
	struct virtq_chain chain = { .iov = iov };
	struct virtq_layout layout;
	struct guest_mem mem;
	struct virtq vq;
	uint64_t features = 0;
	unsigned int i, nr_popped = 0;
	uint8_t *ram;
	int rc;

	if (size < HEADER_BYTES)
		return 0;
	layout.size = 1u << (data[0] % 9);
	if (data[1] & 1)
		features |= 1ull << VIRTIO_RING_F_EVENT_IDX;
	if (data[1] & 2)
		features |= 1ull << VIRTIO_RING_F_INDIRECT_DESC;
	chain.iov_capacity = (data[1] >> 2) + 1;
	layout.desc_gpa = get32(data + 2);
	layout.avail_gpa = get32(data + 6);
	layout.used_gpa = get32(data + 10);

	/* Exactly RAM_BYTES of heap, so AddressSanitizer sees any access past it. */
	ram = calloc(1, RAM_BYTES);
	if (!ram)
		return 0;
	memcpy(ram, data + HEADER_BYTES,
	       size - HEADER_BYTES < RAM_BYTES ? size - HEADER_BYTES : RAM_BYTES);
	guest_mem_layout(&mem, ram, RAM_BYTES, HOLE_START, HOLE_END);

	if (virtq_enable(&vq, &mem, &layout, features)) {
		if (vq.is_ready)
			fail("a refused layout left the queue ready");
		free(ram);
		return 0;
	}
	virtq_disable_notify(&vq);
	/* The device's own used-ring writes may move the available index
	 * when the rings overlap, so the loop is bounded, not the count. */
	for (i = 0; i < 4u * layout.size + 4; i++) {
		rc = virtq_pop_chain(&vq, &chain);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (!vq.is_broken || !vq.error)
				fail("an error without a broken queue");
			if (virtq_pop_chain(&vq, &chain) != -EIO)
				fail("a broken queue gave another chain");
			if (virtq_enable_notify(&vq))
				fail("a broken queue asked for more work");
			break;
		}
		if (rc != 1)
			fail("virtq_pop_chain returned other than -errno, 0 or 1");
		check_chain(&vq, &chain, ram);
		nr_popped++;
		virtq_push_used(&vq, chain.head, chain.writable_bytes);
		if (nr_popped % 3 == 0)
			virtq_needs_interrupt(&vq);
	}
	virtq_needs_interrupt(&vq);
	virtq_enable_notify(&vq);
	virtq_disable(&vq);
	free(ram);
	return 0;
}
