/* See e820.h. The map follows a PC's: low RAM up to the EBDA, the legacy
 * hole reserved, RAM from 1 MiB, the MMIO hole, RAM above 4 GiB. */
#include "e820.h"

#include "layout.h"

static unsigned int e820_add(struct e820_range *out, unsigned int n, unsigned int max,
			     uint64_t addr, uint64_t size, uint32_t type)
{
	if (n < max && size)
		out[n++] = (struct e820_range){ addr, size, type };
	return n;
}

unsigned int e820_build(const struct guest_mem *mem, const struct e820_range *extra,
			unsigned int nr_extra, struct e820_range *out, unsigned int max)
{
	const struct guest_mem_range *low = &mem->ranges[0];
	unsigned int n = 0, i, j;

	n = e820_add(out, n, max, 0, BOOT_EBDA_GPA, E820_RAM);
	n = e820_add(out, n, max, BOOT_EBDA_GPA, BOOT_AREA_END - BOOT_EBDA_GPA, E820_RESERVED);
	n = e820_add(out, n, max, BOOT_AREA_END, low->size - BOOT_AREA_END, E820_RAM);
	for (i = 1; i < mem->nr_ranges; i++)
		n = e820_add(out, n, max, mem->ranges[i].gpa, mem->ranges[i].size, E820_RAM);
	for (i = 0; i < nr_extra; i++)
		n = e820_add(out, n, max, extra[i].addr, extra[i].size, extra[i].type);
	/* A handful of entries: insertion sort by address. */
	for (i = 1; i < n; i++) {
		struct e820_range r = out[i];

		for (j = i; j > 0 && out[j - 1].addr > r.addr; j--)
			out[j] = out[j - 1];
		out[j] = r;
	}
	return n;
}
