/* See guest_mem.h. */
#include "guest_mem.h"

void guest_mem_layout(struct guest_mem *mem, uint8_t *host, uint64_t size_bytes,
		      uint64_t hole_start, uint64_t hole_end)
{
	uint64_t low = size_bytes < hole_start ? size_bytes : hole_start;

	mem->host = host;
	mem->size_bytes = size_bytes;
	mem->nr_ranges = 1;
	mem->ranges[0] = (struct guest_mem_range){ 0, low, host };
	if (size_bytes > low) {
		mem->ranges[1] = (struct guest_mem_range){ hole_end, size_bytes - low, host + low };
		mem->nr_ranges = 2;
	}
}

void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	if (!len)
		len = 1;
	for (i = 0; i < mem->nr_ranges; i++) {
		const struct guest_mem_range *r = &mem->ranges[i];

		/* Written so that no sum can overflow. */
		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

uint64_t guest_mem_end(const struct guest_mem *mem)
{
	const struct guest_mem_range *r = &mem->ranges[mem->nr_ranges - 1];

	return r->gpa + r->size;
}
