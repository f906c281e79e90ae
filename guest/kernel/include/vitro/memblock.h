/* The boot-time memory map, as Linux's memblock: RAM ranges and reserved
 * ranges, an allocator for what the kernel needs before the page allocator
 * exists (the struct page array, page tables), and the hand-over of all
 * free RAM to the page allocator. Builds for the host. */
#ifndef VITRO_MEMBLOCK_H
#define VITRO_MEMBLOCK_H

#include <stdint.h>

#define MEMBLOCK_MAX_REGIONS 128

struct memblock_region {
	uint64_t base;
	uint64_t size;
};

struct memblock_type {
	unsigned int count;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS]; /* sorted, merged */
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

void memblock_reset(void);

/* Adds RAM / marks a range reserved. Overlaps merge. 0 or -ENOSPC. */
int memblock_add(uint64_t base, uint64_t size);
int memblock_reserve(uint64_t base, uint64_t size);

/* Finds size bytes of free RAM aligned to align, highest first below limit,
 * reserves it and returns its physical address; 0 if none. The memory is not
 * zeroed. */
uint64_t memblock_alloc(uint64_t size, uint64_t align, uint64_t limit);

/* One past the highest RAM byte. */
uint64_t memblock_end(void);

/* Bytes of RAM, and of RAM that is reserved. */
uint64_t memblock_ram_bytes(void);
uint64_t memblock_reserved_ram_bytes(void);

/* Calls fn for every free (RAM, not reserved) range, in address order. */
void memblock_for_each_free_range(void (*fn)(uint64_t start, uint64_t end, void *arg), void *arg);

#endif
