/* Physical memory: struct page for every frame, and the buddy page allocator
 * (mm/page_alloc.c) with zones, per-CPU lists for order-0 pages and the
 * statistics /proc will show. Builds for the host too: there phys_to_virt()
 * maps "physical" addresses into a buffer a test or benchmark provides. */
#ifndef VITRO_MM_H
#define VITRO_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/list.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define MAX_PAGE_ORDER 10 /* 4 MiB blocks */
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)
#define PAGES_PER_MAX_BLOCK (1ul << MAX_PAGE_ORDER)

#ifdef VITRO_HOST_BUILD
/* Host builds: "physical" address p lives at host_phys_base + p. */
extern uint8_t *host_phys_base;

static inline void *phys_to_virt(uint64_t phys)
{
	return host_phys_base + phys;
}

static inline uint64_t virt_to_phys(const void *virt)
{
	return (uint64_t)((const uint8_t *)virt - host_phys_base);
}
#else
#include <vitro/layout.h>
#endif

/* Allocation flags (gfp_t), with Linux's meanings. */
typedef unsigned int gfp_t;
#define __GFP_ZERO 0x01u /* hand out zeroed memory */
#define __GFP_DMA32 0x02u /* below 4 GiB (ZONE_DMA32 only) */
#define __GFP_ATOMIC 0x04u /* caller cannot sleep (interrupt context, locks held) */
#define __GFP_NOWARN 0x08u /* no log line on failure */
#define GFP_KERNEL 0u /* may sleep */
#define GFP_ATOMIC __GFP_ATOMIC
#define GFP_DMA32 __GFP_DMA32

/* Page flags. */
#define PG_reserved 0x01u /* never handed out: kernel image, boot data, holes */
#define PG_buddy 0x02u /* head of a free block on a buddy free list */
#define PG_pcp 0x04u /* free order-0 page on a per-CPU list */
#define PG_slab 0x08u /* first page of a slab */
#define PG_head 0x10u /* first page of an allocated multi-page block */

enum zone_type {
	ZONE_DMA32, /* below 4 GiB, for devices that address 32 bits */
	ZONE_NORMAL, /* the rest */
	NR_ZONES,
};

struct kmem_cache;

/* One per 4 KiB frame (56 bytes). Which union member is live depends on
 * flags: PG_buddy/PG_pcp use the free-list link, PG_slab the slab fields. */
struct page {
	uint32_t flags;
	int32_t refcount; /* 1 while allocated, 0 when free */
	uint8_t order; /* free block order (PG_buddy) or allocation order */
	uint8_t zone; /* enum zone_type */
	uint16_t reserved16;
	union {
		struct list_head buddy_list; /* free list or per-CPU list */
		struct { /* a slab (SLUB) */
			struct list_head slab_list; /* per-CPU or node partial list */
			struct kmem_cache *slab_cache;
			void *freelist; /* first free object, linked through objects */
			uint16_t inuse; /* objects handed out */
			uint16_t objects; /* objects the slab holds */
			uint8_t frozen; /* owned by one CPU: no list, lockless there */
		};
	};
};

/* --- set-up --------------------------------------------------------------- */

/* Bytes the struct page array needs to cover page frames [0, nr_pfns). */
size_t page_alloc_map_bytes(uint64_t nr_pfns);

/* Starts the allocator with mem_map, an array of page_alloc_map_bytes(nr_pfns)
 * bytes whose contents may be garbage: entries are initialised lazily, a
 * 4 MiB block at a time, when first used. */
void page_alloc_init(struct page *mem_map, uint64_t nr_pfns);

/* Hands the frames [start_pfn, end_pfn) to the allocator as free memory.
 * Cost is per block, not per page: aligned 4 MiB blocks go to the free lists
 * as they are. Frames never added stay reserved. */
void page_alloc_add_free_range(uint64_t start_pfn, uint64_t end_pfn);

/* --- allocation ------------------------------------------------------------ */

/* 2^order contiguous, naturally aligned pages, or NULL when no block is free
 * (never corruption, never a panic). */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
void free_pages_block(struct page *page, unsigned int order);

/* The same by kernel virtual address (direct map). */
void *get_free_pages(gfp_t gfp, unsigned int order);
void free_pages(void *addr, unsigned int order);

/* True if page is the first page of a block alloc_pages() handed out with
 * this order and not yet freed, as far as cheap checks can tell. The free
 * functions make these checks and ignore (the kernel logs) a bad free:
 * double free, reserved page, wrong order, tail page. */
bool page_alloc_check_free(const struct page *page, unsigned int order);

static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}

extern struct page *mem_map;
extern uint64_t mem_map_nr_pfns;

static inline uint64_t page_to_pfn(const struct page *page)
{
	return (uint64_t)(page - mem_map);
}

static inline struct page *pfn_to_page(uint64_t pfn)
{
	return mem_map + pfn;
}

static inline void *page_address(const struct page *page)
{
	return phys_to_virt(page_to_pfn(page) << PAGE_SHIFT);
}

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(virt_to_phys(addr) >> PAGE_SHIFT);
}

/*
 * Shared pages: an order-0 page from alloc_pages() (not a slab's) may have
 * several owners, e.g. the page tables of a parent and a child after fork.
 * refcount counts them; each owner drops its reference with put_page(), and
 * the last one frees the page. Counts change atomically.
 */
static inline void get_page(struct page *page)
{
	__atomic_add_fetch(&page->refcount, 1, __ATOMIC_RELAXED);
}

static inline int page_count(const struct page *page)
{
	return __atomic_load_n(&page->refcount, __ATOMIC_RELAXED);
}

void put_page(struct page *page);

/* Returns order-0 pages cached on cpu's per-CPU lists to the buddy lists. */
void page_alloc_drain_cpu(unsigned int cpu);

/* --- statistics ------------------------------------------------------------ */

struct page_alloc_stats {
	uint64_t managed_pages; /* handed to the allocator */
	uint64_t free_pages; /* free, incl. per-CPU lists */
	uint64_t free_blocks[NR_ZONES][NR_PAGE_ORDERS]; /* like /proc/buddyinfo */
	uint64_t zone_managed_pages[NR_ZONES];
	uint64_t zone_free_pages[NR_ZONES];
};

void page_alloc_get_stats(struct page_alloc_stats *stats);
const char *zone_name(enum zone_type zone);

#endif
