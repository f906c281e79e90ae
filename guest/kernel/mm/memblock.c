/* See memblock.h. A handful of regions: arrays kept sorted and merged, linear
 * scans. */
#include <vitro/errno.h>
#include <vitro/memblock.h>
#include <vitro/string.h>

struct memblock memblock;

void memblock_reset(void)
{
	memblock.memory.count = 0;
	memblock.reserved.count = 0;
}

static void region_remove(struct memblock_type *type, unsigned int i)
{
	memmove(&type->regions[i], &type->regions[i + 1],
		(type->count - i - 1) * sizeof(type->regions[0]));
	type->count--;
}

/* Inserts [base, base + size) keeping the array sorted, then merges
 * neighbours that overlap or touch. */
static int region_add(struct memblock_type *type, uint64_t base, uint64_t size)
{
	unsigned int i;

	if (!size)
		return 0;
	if (base + size < base)
		size = -base; /* clamp at the top of the address space */
	if (type->count == MEMBLOCK_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < type->count && type->regions[i].base < base; i++)
		;
	memmove(&type->regions[i + 1], &type->regions[i],
		(type->count - i) * sizeof(type->regions[0]));
	type->regions[i] = (struct memblock_region){ base, size };
	type->count++;
	for (i = 0; i + 1 < type->count;) {
		struct memblock_region *a = &type->regions[i], *b = &type->regions[i + 1];

		if (b->base <= a->base + a->size) {
			uint64_t end = a->base + a->size > b->base + b->size ? a->base + a->size :
									       b->base + b->size;

			a->size = end - a->base;
			region_remove(type, i + 1);
		} else {
			i++;
		}
	}
	return 0;
}

int memblock_add(uint64_t base, uint64_t size)
{
	return region_add(&memblock.memory, base, size);
}

int memblock_reserve(uint64_t base, uint64_t size)
{
	return region_add(&memblock.reserved, base, size);
}

/* Walks free ranges: RAM minus reserved, both sorted. */
void memblock_for_each_free_range(void (*fn)(uint64_t start, uint64_t end, void *arg), void *arg)
{
	unsigned int m, r;

	for (m = 0; m < memblock.memory.count; m++) {
		uint64_t start = memblock.memory.regions[m].base;
		uint64_t end = start + memblock.memory.regions[m].size;

		for (r = 0; r < memblock.reserved.count && start < end; r++) {
			uint64_t rs = memblock.reserved.regions[r].base;
			uint64_t re = rs + memblock.reserved.regions[r].size;

			if (re <= start || rs >= end)
				continue;
			if (rs > start)
				fn(start, rs, arg);
			start = re;
		}
		if (start < end)
			fn(start, end, arg);
	}
}

struct alloc_search {
	uint64_t size, align, limit, found;
};

/* Keeps the highest fitting candidate: ranges arrive in increasing order. */
static void alloc_consider(uint64_t start, uint64_t end, void *arg)
{
	struct alloc_search *s = arg;
	uint64_t top = end < s->limit ? end : s->limit, base;

	if (top < start || top - start < s->size)
		return;
	base = (top - s->size) & ~(s->align - 1);
	if (base >= start)
		s->found = base;
}

uint64_t memblock_alloc(uint64_t size, uint64_t align, uint64_t limit)
{
	struct alloc_search s = { size, align ? align : 1, limit, 0 };

	if (!size || (s.align & (s.align - 1)))
		return 0;
	memblock_for_each_free_range(alloc_consider, &s);
	/* Address 0 is never handed out: it doubles as "none". */
	if (!s.found || memblock_reserve(s.found, size))
		return 0;
	return s.found;
}

uint64_t memblock_end(void)
{
	const struct memblock_type *m = &memblock.memory;

	return m->count ? m->regions[m->count - 1].base + m->regions[m->count - 1].size : 0;
}

uint64_t memblock_ram_bytes(void)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < memblock.memory.count; i++)
		total += memblock.memory.regions[i].size;
	return total;
}

static void count_free(uint64_t start, uint64_t end, void *arg)
{
	*(uint64_t *)arg += end - start;
}

uint64_t memblock_reserved_ram_bytes(void)
{
	uint64_t free_bytes = 0;

	memblock_for_each_free_range(count_free, &free_bytes);
	return memblock_ram_bytes() - free_bytes;
}
