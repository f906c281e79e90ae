/* A working kmalloc for host tests of kernel code that allocates (fs, tty,
 * pipes): the kernel's own page allocator and SLUB over simulated RAM, fresh
 * for each test. */
#ifndef TESTS_UNIT_KERNEL_HEAP_H
#define TESTS_UNIT_KERNEL_HEAP_H

#include <stdint.h>

/* A fresh heap of nr_pages 4 KiB pages (at most 4096). */
void kernel_heap_start(uint64_t nr_pages);

/* Pages free right now: after freeing everything a test allocated and
 * shrinking the caches, this is back to what it was. */
uint64_t kernel_heap_free_pages(void);

#endif
