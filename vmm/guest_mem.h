/* Guest RAM: one anonymous host mapping, split around the MMIO hole into at
 * most two guest-physical ranges. Every access from device models and loaders
 * goes through guest_mem_ptr(), which checks the whole range. */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_RANGES 2

struct guest_mem_range {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

struct guest_mem {
	uint8_t *host; /* the single mapping, size_bytes long */
	uint64_t size_bytes; /* RAM only, excluding the hole */
	unsigned int nr_ranges;
	struct guest_mem_range ranges[GUEST_MEM_MAX_RANGES];
};

/* Lays out size_bytes of RAM at guest-physical 0, moving what does not fit
 * below hole_start to 4 GiB and up, over an existing host buffer. */
void guest_mem_layout(struct guest_mem *mem, uint8_t *host, uint64_t size_bytes,
		      uint64_t hole_start, uint64_t hole_end);

/* Host pointer for [gpa, gpa + len) if the whole range is RAM inside one
 * range, else NULL. len 0 is treated as 1. */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

static inline bool guest_mem_contains(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	return guest_mem_ptr(mem, gpa, len) != NULL;
}

/* Highest guest-physical address + 1 of RAM. */
uint64_t guest_mem_end(const struct guest_mem *mem);

#endif
