/* See kernel_heap.h. */
#include "kernel_heap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/cpu.h>
#include <vitro/mm.h>
#include <vitro/slab.h>

#define HEAP_MAX_PAGES 4096ul
#define HEAP_ALIGN (PAGE_SIZE << MAX_PAGE_ORDER)

static uint8_t *heap_ram;
static struct page *heap_map;

void kernel_heap_start(uint64_t nr_pages)
{
	if (nr_pages > HEAP_MAX_PAGES)
		nr_pages = HEAP_MAX_PAGES;
	if (!heap_ram) {
		/* Aligned like real memory, so the buddy allocator's alignment holds. */
		uint8_t *raw = mmap(NULL, HEAP_MAX_PAGES * PAGE_SIZE + HEAP_ALIGN,
				    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (raw == MAP_FAILED)
			abort();
		heap_ram = (uint8_t *)(((uintptr_t)raw + HEAP_ALIGN - 1) & ~(HEAP_ALIGN - 1));
		heap_map = malloc(page_alloc_map_bytes(HEAP_MAX_PAGES));
		if (!heap_map)
			abort();
	}
	/* Garbage, not zeroes: code that reads memory it did not set shows it. */
	memset(heap_ram, 0xa7, nr_pages * PAGE_SIZE);
	host_phys_base = heap_ram;
	host_current_cpu = 0;
	page_alloc_init(heap_map, nr_pages);
	page_alloc_add_free_range(0, nr_pages);
	slab_set_debug_flags(0);
	slab_init();
}

uint64_t kernel_heap_free_pages(void)
{
	struct page_alloc_stats stats;

	slab_shrink_all();
	page_alloc_get_stats(&stats);
	return stats.free_pages;
}
