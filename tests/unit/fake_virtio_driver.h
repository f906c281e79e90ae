/* The driver's side of split virtqueues over a fake guest RAM, for testing
 * vitro's device side (vmm/virtio/) without a guest: rings built by hand,
 * descriptors placed where each test wants them, used entries read back. */
#ifndef TESTS_UNIT_FAKE_VIRTIO_DRIVER_H
#define TESTS_UNIT_FAKE_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "../../vmm/guest_mem.h"
#include "../../vmm/virtio/virtqueue.h"

/* Guest RAM: [0, 768 KiB) and [1 MiB, 1.25 MiB), around a hole like the MMIO
 * hole, in one host buffer whose end touches an inaccessible page. */
#define FAKE_RAM_LOW_END 0xc0000ull
#define FAKE_RAM_HIGH_START 0x100000ull
#define FAKE_RAM_SIZE 0x100000ull
#define FAKE_RAM_END (FAKE_RAM_HIGH_START + FAKE_RAM_SIZE - FAKE_RAM_LOW_END)

struct fake_guest {
	uint8_t *host;
	struct guest_mem mem;
	uint64_t next_free_gpa; /* bump allocator for rings and buffers */
};

/* Returns false if out of memory. Zeroed RAM. */
bool fake_guest_init(struct fake_guest *guest);
void fake_guest_destroy(struct fake_guest *guest);
/* align-aligned guest memory in the low range; 0 when it runs out. */
uint64_t fake_guest_alloc(struct fake_guest *guest, uint64_t size, uint64_t align);
void *fake_guest_ptr(struct fake_guest *guest, uint64_t gpa);

struct fake_virtq {
	struct fake_guest *guest;
	struct virtq_layout layout;
	uint16_t avail_idx;
	uint16_t last_used_idx;
	uint16_t next_desc; /* where fake_virtq_add_chain puts the next chain */
};

/* One buffer of a chain: its guest address, length, and whether the device
 * may write it (VRING_DESC_F_WRITE). */
struct fake_buffer {
	uint64_t gpa;
	uint32_t len;
	bool is_writable;
};

void fake_virtq_init(struct fake_virtq *q, struct fake_guest *guest, uint16_t size);

/* Writes descriptor index of the main table (flags in VRING_DESC_F_*). */
void fake_virtq_set_desc(struct fake_virtq *q, uint16_t index, uint64_t gpa, uint32_t len,
			 uint16_t flags, uint16_t next);
/* Writes descriptor index of an indirect table at table_gpa. */
void fake_virtq_set_indirect_desc(struct fake_virtq *q, uint64_t table_gpa, uint16_t index,
				  uint64_t gpa, uint32_t len, uint16_t flags, uint16_t next);

/* Publishes head in the available ring and moves avail->idx on. */
void fake_virtq_make_available(struct fake_virtq *q, uint16_t head);
/* Sets avail->idx itself, for tests that lie about it. */
void fake_virtq_set_avail_idx(struct fake_virtq *q, uint16_t idx);

/* Puts bufs in consecutive descriptors linked by NEXT and publishes the
 * chain; returns its head. */
uint16_t fake_virtq_add_chain(struct fake_virtq *q, const struct fake_buffer *bufs,
			      unsigned int nr);
/* The same chain through one indirect table of nr descriptors (allocated
 * here), published with one main-table descriptor. */
uint16_t fake_virtq_add_indirect_chain(struct fake_virtq *q, const struct fake_buffer *bufs,
				       unsigned int nr);

/* Takes the next used element; false when the device has returned nothing
 * new. */
bool fake_virtq_get_used(struct fake_virtq *q, uint32_t *id, uint32_t *len);

/* Driver-written suppression fields: avail->flags and used_event. */
void fake_virtq_set_avail_flags(struct fake_virtq *q, uint16_t flags);
void fake_virtq_set_used_event(struct fake_virtq *q, uint16_t idx);
/* Device-written ones: used->flags and avail_event. */
uint16_t fake_virtq_used_flags(struct fake_virtq *q);
uint16_t fake_virtq_avail_event(struct fake_virtq *q);

#endif
