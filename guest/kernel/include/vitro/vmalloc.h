/* Virtually contiguous kernel memory from single pages (mm/vmalloc.c), and
 * kernel stacks built on it. Every area has an unmapped guard page on each
 * side, so running off either end faults instead of corrupting a neighbour. */
#ifndef VITRO_VMALLOC_H
#define VITRO_VMALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>

/* Linux's x86-64 vmalloc range. */
#define VMALLOC_START 0xffffc90000000000ull
#define VMALLOC_END 0xffffe90000000000ull

#define KERNEL_STACK_SIZE (16 * 1024)

/* Areas are mapped into this tree (the kernel's). */
void vmalloc_init(struct pgtable *kernel_pgtable);

/* size rounded up to pages; NULL when out of memory or address space. */
void *vmalloc(size_t size);
void *vzalloc(size_t size);
void vfree(const void *addr);

/* The page backing a vmalloc address, or NULL. */
struct page *vmalloc_to_page(const void *addr);

/* If addr lies in the guard page of an area, sets the area's mapped range
 * and returns true (for fault reports: "stack overflow"). */
bool vmalloc_guard_hit(uint64_t addr, uint64_t *area_start, uint64_t *area_end);

/* If addr lies inside an area's mapped range, sets it and returns true. */
bool vmalloc_area_bounds(uint64_t addr, uint64_t *area_start, uint64_t *area_end);

/* A KERNEL_STACK_SIZE stack; returns its lowest address (the guard page is
 * just below it). */
void *kernel_stack_alloc(void);
void kernel_stack_free(void *stack);
/* Kernel stacks allocated now (KernelStack in /proc/meminfo). */
uint64_t kernel_stack_count(void);

struct vmalloc_stats {
	uint64_t nr_areas;
	uint64_t mapped_bytes;
};
void vmalloc_get_stats(struct vmalloc_stats *stats);

#endif
