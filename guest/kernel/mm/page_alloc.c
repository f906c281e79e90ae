/* The buddy page allocator (see mm.h; Linux's mm/page_alloc.c is the model):
 * free lists per zone and order, per-CPU lists for order-0 pages, and a
 * struct page array that is set up lazily, 4 MiB at a time, on first use. */
#include <vitro/compiler.h>
#include <vitro/cpu.h>
#include <vitro/list.h>
#include <vitro/mm.h>
#include <vitro/sched_stats.h>
#include <vitro/shrinker.h>
#include <vitro/spinlock.h>
#include <vitro/string.h>

/* The kernel logs what it refuses; host builds (tests) look at the state. */
#ifdef VITRO_HOST_BUILD
#define page_alloc_log(...) \
	do {                \
	} while (0)
#else
#include <vitro/printk.h>
#define page_alloc_log(level, ...) printk_level(level, __VA_ARGS__)
#endif

#define DMA32_END_PFN (1ull << (32 - PAGE_SHIFT))
#define MAX_BLOCK_MASK (PAGES_PER_MAX_BLOCK - 1)

/*
 * Per-CPU lists. A refill or drain moves PCP_BATCH pages under the zone lock,
 * so the shared lock is taken about once per 31 order-0 operations. 31 is a
 * 2^n - 1 as in Linux's zone_batchsize(): a batch does not always start on
 * the same power-of-two boundary, which Linux found caused cache aliasing.
 * PCP_HIGH is 6 batches, Linux's long-standing pcp->high: room for bursts
 * of frees before a drain, while one CPU caches at most 744 KiB per zone
 * (about 0.6% of a 256 MiB guest with 2 vCPUs).
 */
#define PCP_BATCH 31
#define PCP_HIGH (6 * PCP_BATCH)

/* Free memory a zone holds without having touched its struct pages: ranges
 * of whole 4 MiB blocks, and parts of blocks (memory maps have a handful of
 * each: holes, the kernel image, boot data). */
#define NR_LAZY_RANGES 32
#define NR_LAZY_PARTS 16

struct free_area {
	struct list_head free_list;
	uint64_t nr_free; /* blocks */
};

struct lazy_range {
	uint64_t start_pfn, end_pfn;
};

struct zone {
	struct spinlock lock;
	struct free_area free_area[NR_PAGE_ORDERS];
	/*
	 * Free blocks of order MAX_PAGE_ORDER whose struct pages are garbage:
	 * handing a range over costs O(1) instead of a list entry per block
	 * (about 20 instructions per 4 MiB, at about 0.5 us each when ring 0
	 * is emulated on nested hosts). A block leaves a range, and gets its
	 * struct pages, when no free list has a block large enough.
	 */
	struct lazy_range lazy[NR_LAZY_RANGES];
	unsigned int nr_lazy;
	uint64_t nr_lazy_blocks;
	/*
	 * Free parts of blocks whose struct pages are garbage too (each part
	 * inside one block): setting a block up costs about 2.5 ms on nested
	 * hosts, so boot leaves that to the first allocation that finds no
	 * other free block large enough.
	 */
	struct lazy_range lazy_parts[NR_LAZY_PARTS];
	unsigned int nr_lazy_parts;
	uint64_t nr_free_pages; /* on the free lists, lazy ranges and parts */
	uint64_t managed_pages;
};

struct per_cpu_pages {
	struct list_head list; /* hottest first */
	unsigned int count;
	unsigned int generation; /* the list is empty unless == pcp_generation */
};

/* One cache line per CPU, so CPUs never write the same line. */
struct per_cpu_zone_pages {
	struct per_cpu_pages zone[NR_ZONES];
} __attribute__((aligned(64)));

struct page *mem_map;
uint64_t mem_map_nr_pfns;

static struct zone zones[NR_ZONES];
static struct per_cpu_zone_pages pcp_cpus[NR_CPUS];
/*
 * page_alloc_init() empties every per-CPU list by changing the generation
 * instead of touching NR_CPUS * NR_ZONES list heads (thousands of emulated
 * instructions at boot); a list is reset when its CPU next uses it.
 */
static unsigned int pcp_generation;
/* CPUs [0, nr_pcp_cpus) used their lists since then: statistics sum only
 * those (a loop over NR_CPUS costs about 1.5 ms emulated). */
static unsigned int nr_pcp_cpus;

/*
 * One bit per 4 MiB block: its struct pages are initialised. The bitmap
 * lives right after mem_map (page_alloc_map_bytes() counts it). A word
 * covers 256 MiB, so no word holds blocks of two zones: each word is only
 * written under one zone's lock.
 */
static uint64_t *block_initialised;

static enum zone_type pfn_zone(uint64_t pfn)
{
	return pfn < DMA32_END_PFN ? ZONE_DMA32 : ZONE_NORMAL;
}

static uint64_t nr_blocks(uint64_t nr_pfns)
{
	return (nr_pfns + MAX_BLOCK_MASK) >> MAX_PAGE_ORDER;
}

static bool is_block_initialised(uint64_t pfn)
{
	uint64_t block = pfn >> MAX_PAGE_ORDER;

	return block_initialised[block / 64] & (1ull << (block % 64));
}

static void set_block_initialised(uint64_t pfn)
{
	uint64_t block = pfn >> MAX_PAGE_ORDER;

	block_initialised[block / 64] |= 1ull << (block % 64);
}

/*
 * Gives n struct pages a header: flags, refcount 0, order 0, zone. The union
 * is left as it was: only PG_buddy, PG_pcp and PG_slab make it live, and
 * whoever sets one of those writes it. Two 8-byte stores per entry: on
 * nested hosts (about 0.5 us per emulated instruction) that is 2.5 ms per
 * 4 MiB block, as long as memset's rep stosq takes for the zeroing alone.
 */
_Static_assert(offsetof(struct page, buddy_list) == 16, "struct page header is 16 bytes");

static void pages_init(struct page *page, uint64_t n, uint32_t flags, enum zone_type zone)
{
	const struct page header = { .flags = flags, .zone = zone };
	const struct page *end = page + n;
	uint64_t words[2]; /* the header's 16 bytes, held in registers */

	__builtin_memcpy(words, &header, sizeof(words));
	for (; page < end; page++) {
		__builtin_memcpy(page, &words[0], sizeof(words[0]));
		__builtin_memcpy((char *)page + sizeof(words[0]), &words[1], sizeof(words[1]));
	}
}

size_t page_alloc_map_bytes(uint64_t nr_pfns)
{
	return nr_pfns * sizeof(struct page) + (nr_blocks(nr_pfns) + 63) / 64 * sizeof(uint64_t);
}

void page_alloc_init(struct page *map, uint64_t nr_pfns)
{
	unsigned int z, order;

	mem_map = map;
	mem_map_nr_pfns = nr_pfns;
	block_initialised = (uint64_t *)(map + nr_pfns);
	memset(block_initialised, 0, (nr_blocks(nr_pfns) + 63) / 64 * sizeof(uint64_t));
	for (z = 0; z < NR_ZONES; z++) {
		struct zone *zone = &zones[z];

		spin_lock_init(&zone->lock);
		for (order = 0; order < NR_PAGE_ORDERS; order++) {
			list_init(&zone->free_area[order].free_list);
			zone->free_area[order].nr_free = 0;
		}
		zone->nr_lazy = 0;
		zone->nr_lazy_blocks = 0;
		zone->nr_lazy_parts = 0;
		zone->nr_free_pages = 0;
		zone->managed_pages = 0;
	}
	pcp_generation++;
	nr_pcp_cpus = 0;
}

/* --- the buddy lists (zone lock held) ---------------------------------------- */

static void free_list_add(struct zone *zone, struct page *page, unsigned int order,
			  enum zone_type z)
{
	page->flags = PG_buddy;
	page->refcount = 0;
	page->order = order;
	page->zone = z;
	list_add(&page->buddy_list, &zone->free_area[order].free_list);
	zone->free_area[order].nr_free++;
}

/*
 * Frees the block of 2^order pages at pfn, merging it with its buddy
 * (pfn ^ 2^order) for as long as the buddy is a free block of the same
 * order. Merges stay inside one aligned 4 MiB block, whose struct pages are
 * initialised since a page of it was allocated, and so in one zone. Only
 * free heads carry PG_buddy; every other page of a free block is clean.
 */
static void buddy_free_locked(struct zone *zone, uint64_t pfn, unsigned int order, enum zone_type z)
{
	struct page *page = pfn_to_page(pfn);

	page->flags = 0;
	page->refcount = 0;
	page->order = 0;
	zone->nr_free_pages += 1ull << order;
	while (order < MAX_PAGE_ORDER) {
		uint64_t buddy_pfn = pfn ^ (1ull << order);
		struct page *buddy;

		if (buddy_pfn >= mem_map_nr_pfns)
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!(buddy->flags & PG_buddy) || buddy->order != order || buddy->zone != z)
			break;
		list_del(&buddy->buddy_list);
		zone->free_area[order].nr_free--;
		buddy->flags = 0;
		buddy->order = 0;
		pfn &= buddy_pfn;
		order++;
	}
	free_list_add(zone, pfn_to_page(pfn), order, z);
}

/* The largest naturally aligned block that starts at start and ends by end. */
static unsigned int largest_order(uint64_t start, uint64_t end)
{
	unsigned int order = 0;

	while (order < MAX_PAGE_ORDER && !(start & (1ull << order)) &&
	       (2ull << order) <= end - start)
		order++;
	return order;
}

/* Takes a block out of a lazy range and gives it its struct pages. */
static struct page *lazy_take_locked(struct zone *zone, enum zone_type z)
{
	struct lazy_range *range;
	uint64_t pfn;

	if (!zone->nr_lazy)
		return NULL;
	range = &zone->lazy[zone->nr_lazy - 1];
	pfn = range->start_pfn;
	range->start_pfn += PAGES_PER_MAX_BLOCK;
	if (range->start_pfn == range->end_pfn)
		zone->nr_lazy--;
	zone->nr_lazy_blocks--;
	pages_init(pfn_to_page(pfn), PAGES_PER_MAX_BLOCK, 0, z);
	set_block_initialised(pfn);
	return pfn_to_page(pfn);
}

/*
 * Frees [start, end), inside one block that is set up, in the largest
 * aligned chunks; returns the pages freed. Its frames must be reserved:
 * ranges must not overlap earlier ones, and a chunk whose first frame is
 * not reserved is ignored (one read per chunk).
 */
static uint64_t part_free_locked(struct zone *zone, uint64_t start, uint64_t end, enum zone_type z)
{
	uint64_t nr_freed = 0;

	while (start < end) {
		unsigned int order = largest_order(start, end);
		struct page *page = pfn_to_page(start);

		if (page->flags & PG_reserved) {
			pages_init(page, 1ull << order, 0, z);
			buddy_free_locked(zone, start, order, z);
			nr_freed += 1ull << order;
		} else {
			page_alloc_log(LOGLEVEL_ERR,
				       "page_alloc: frames %#llx+%u added twice, ignored\n",
				       (unsigned long long)start, 1u << order);
		}
		start += 1ull << order;
	}
	return nr_freed;
}

/* Gives the block holding pfn its struct pages, all reserved but for the
 * lazy parts of it, which go on the free lists. */
static void block_setup_locked(struct zone *zone, uint64_t pfn, enum zone_type z)
{
	uint64_t block_start = pfn & ~MAX_BLOCK_MASK;
	uint64_t block_end = block_start + PAGES_PER_MAX_BLOCK;
	unsigned int i = 0;

	if (block_end > mem_map_nr_pfns)
		block_end = mem_map_nr_pfns;
	pages_init(pfn_to_page(block_start), block_end - block_start, PG_reserved, z);
	set_block_initialised(block_start);
	while (i < zone->nr_lazy_parts) {
		struct lazy_range part = zone->lazy_parts[i];

		if ((part.start_pfn & ~MAX_BLOCK_MASK) != block_start) {
			i++;
			continue;
		}
		zone->lazy_parts[i] = zone->lazy_parts[--zone->nr_lazy_parts];
		zone->nr_free_pages -= part.end_pfn - part.start_pfn; /* counted again */
		part_free_locked(zone, part.start_pfn, part.end_pfn, z);
	}
}

static struct page *free_list_take_locked(struct zone *zone, unsigned int order,
					  unsigned int *found_order)
{
	unsigned int current;

	for (current = order; current < NR_PAGE_ORDERS; current++) {
		struct free_area *area = &zone->free_area[current];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, buddy_list);
		list_del(&page->buddy_list);
		area->nr_free--;
		*found_order = current;
		return page;
	}
	return NULL;
}

/*
 * The smallest free block of at least 2^order pages, split down to 2^order:
 * the upper half of each split goes back on the list one order lower (as
 * Linux's expand()). Whole lazy blocks come before lazy parts, which may
 * hold only small blocks. Returns the block with clean flags, or NULL.
 */
static struct page *buddy_alloc_locked(struct zone *zone, unsigned int order, enum zone_type z)
{
	unsigned int current;
	struct page *page;

	while (!(page = free_list_take_locked(zone, order, &current))) {
		page = lazy_take_locked(zone, z);
		if (page) {
			current = MAX_PAGE_ORDER;
			break;
		}
		if (!zone->nr_lazy_parts)
			return NULL;
		block_setup_locked(zone, zone->lazy_parts[zone->nr_lazy_parts - 1].start_pfn, z);
	}
	zone->nr_free_pages -= 1ull << order;
	while (current > order) {
		current--;
		free_list_add(zone, page + (1ull << current), current, z);
	}
	page->flags = 0;
	page->order = order;
	return page;
}

/* --- handing memory over ------------------------------------------------------- */

/*
 * Records [start, end), inside one block not set up, as a lazy part, merged
 * with the parts it touches so that parts are maximal (and their chunks the
 * blocks the buddy lists will hold). False if it overlaps a part or no slot
 * is left: the caller sets the block up instead.
 */
static bool lazy_part_add_locked(struct zone *zone, uint64_t start, uint64_t end)
{
	uint64_t block_start = start & ~MAX_BLOCK_MASK;
	unsigned int i;

	for (i = 0; i < zone->nr_lazy_parts; i++) {
		const struct lazy_range *part = &zone->lazy_parts[i];

		if ((part->start_pfn & ~MAX_BLOCK_MASK) == block_start && start < part->end_pfn &&
		    part->start_pfn < end)
			return false;
	}
	i = 0;
	while (i < zone->nr_lazy_parts) {
		const struct lazy_range *part = &zone->lazy_parts[i];

		if ((part->start_pfn & ~MAX_BLOCK_MASK) != block_start ||
		    (part->end_pfn != start && part->start_pfn != end)) {
			i++;
			continue;
		}
		if (part->start_pfn < start)
			start = part->start_pfn;
		if (part->end_pfn > end)
			end = part->end_pfn;
		zone->lazy_parts[i] = zone->lazy_parts[--zone->nr_lazy_parts];
		i = 0; /* the merged part may touch one seen before */
	}
	if (zone->nr_lazy_parts == NR_LAZY_PARTS)
		return false;
	zone->lazy_parts[zone->nr_lazy_parts].start_pfn = start;
	zone->lazy_parts[zone->nr_lazy_parts].end_pfn = end;
	zone->nr_lazy_parts++;
	return true;
}

/* Frees [start, end), which lies inside one 4 MiB block. */
static void add_block_part_locked(struct zone *zone, uint64_t start, uint64_t end, enum zone_type z)
{
	if (!is_block_initialised(start)) {
		if (lazy_part_add_locked(zone, start, end)) {
			zone->nr_free_pages += end - start;
			zone->managed_pages += end - start;
			return;
		}
		block_setup_locked(zone, start, z);
	}
	zone->managed_pages += part_free_locked(zone, start, end, z);
}

/* Whole blocks [start, end): one lazy range, or an extension of the last. */
static void add_lazy_locked(struct zone *zone, uint64_t start, uint64_t end, enum zone_type z)
{
	uint64_t nr_pages = end - start;
	struct lazy_range *last = zone->nr_lazy ? &zone->lazy[zone->nr_lazy - 1] : NULL;

	if (last && last->end_pfn == start) {
		last->end_pfn = end;
	} else if (zone->nr_lazy < NR_LAZY_RANGES) {
		zone->lazy[zone->nr_lazy].start_pfn = start;
		zone->lazy[zone->nr_lazy].end_pfn = end;
		zone->nr_lazy++;
	} else {
		/* Out of range slots: set the blocks up now (slow, correct). */
		for (; start < end; start += PAGES_PER_MAX_BLOCK)
			add_block_part_locked(zone, start, start + PAGES_PER_MAX_BLOCK, z);
		return;
	}
	zone->nr_lazy_blocks += nr_pages >> MAX_PAGE_ORDER;
	zone->nr_free_pages += nr_pages;
	zone->managed_pages += nr_pages;
}

static void zone_add_range(enum zone_type z, uint64_t start, uint64_t end)
{
	struct zone *zone = &zones[z];
	unsigned long irq = spin_lock_irqsave(&zone->lock);

	while (start < end) {
		uint64_t piece_end = (start | MAX_BLOCK_MASK) + 1;

		if (!(start & MAX_BLOCK_MASK) && end >= piece_end && !is_block_initialised(start)) {
			piece_end = end & ~MAX_BLOCK_MASK;
			add_lazy_locked(zone, start, piece_end, z);
		} else {
			if (piece_end > end)
				piece_end = end;
			add_block_part_locked(zone, start, piece_end, z);
		}
		start = piece_end;
	}
	spin_unlock_irqrestore(&zone->lock, irq);
}

/*
 * Ranges must not overlap earlier ones. Where an overlap is cheap to see (in
 * a block already set up or with a lazy part) it is ignored; with a lazy
 * range of whole blocks it is not.
 */
void page_alloc_add_free_range(uint64_t start_pfn, uint64_t end_pfn)
{
	if (end_pfn > mem_map_nr_pfns)
		end_pfn = mem_map_nr_pfns;
	while (start_pfn < end_pfn) {
		uint64_t zone_end = end_pfn;

		if (start_pfn < DMA32_END_PFN && zone_end > DMA32_END_PFN)
			zone_end = DMA32_END_PFN;
		zone_add_range(pfn_zone(start_pfn), start_pfn, zone_end);
		start_pfn = zone_end;
	}
}

/* --- per-CPU lists (local interrupts off) ---------------------------------------- */

static struct per_cpu_pages *pcp_get(unsigned int cpu, enum zone_type z)
{
	struct per_cpu_pages *pcp = &pcp_cpus[cpu].zone[z];

	if (unlikely(pcp->generation != pcp_generation)) {
		unsigned int seen = __atomic_load_n(&nr_pcp_cpus, __ATOMIC_RELAXED);

		list_init(&pcp->list);
		pcp->count = 0;
		__atomic_store_n(&pcp->generation, pcp_generation, __ATOMIC_RELEASE);
		while (seen <= cpu &&
		       !__atomic_compare_exchange_n(&nr_pcp_cpus, &seen, cpu + 1, false,
						    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			;
	}
	return pcp;
}

/* Up to PCP_BATCH pages from the buddy lists; returns how many came. */
static unsigned int pcp_refill(struct per_cpu_pages *pcp, enum zone_type z)
{
	struct zone *zone = &zones[z];
	unsigned int i;

	if (!READ_ONCE(zone->nr_free_pages)) /* e.g. no memory above 4 GiB */
		return 0;
	spin_lock(&zone->lock);
	for (i = 0; i < PCP_BATCH; i++) {
		struct page *page = buddy_alloc_locked(zone, 0, z);

		if (!page)
			break;
		page->flags = PG_pcp;
		list_add_tail(&page->buddy_list, &pcp->list);
	}
	spin_unlock(&zone->lock);
	pcp->count += i;
	return i;
}

/* Gives the n coldest pages back to the buddy lists. */
static void pcp_drain(struct per_cpu_pages *pcp, unsigned int n, enum zone_type z)
{
	struct zone *zone = &zones[z];

	if (!n)
		return;
	spin_lock(&zone->lock);
	while (n-- && pcp->count) {
		struct page *page = list_entry(pcp->list.prev, struct page, buddy_list);

		list_del(&page->buddy_list);
		pcp->count--;
		buddy_free_locked(zone, page_to_pfn(page), 0, z);
	}
	spin_unlock(&zone->lock);
}

/* The lists belong to cpu with its interrupts off: call this on cpu itself,
 * or while cpu cannot run (Linux drains other CPUs with an IPI or a work
 * item on them, or for CPUs that went offline). */
void page_alloc_drain_cpu(unsigned int cpu)
{
	unsigned long irq;
	unsigned int z;

	if (cpu >= NR_CPUS)
		return;
	irq = local_irq_save();
	for (z = 0; z < NR_ZONES; z++) {
		struct per_cpu_pages *pcp = pcp_get(cpu, z);

		pcp_drain(pcp, pcp->count, z);
	}
	local_irq_restore(irq);
}

/* --- allocation ------------------------------------------------------------------ */

/* Linux's zonelist: the highest zone the flags allow, then the lower ones. */
static enum zone_type highest_zone(gfp_t gfp)
{
	return gfp & __GFP_DMA32 ? ZONE_DMA32 : ZONE_NORMAL;
}

static struct page *alloc_order0(gfp_t gfp)
{
	unsigned long irq = local_irq_save();
	unsigned int cpu = smp_processor_id();
	struct page *page = NULL;
	int z;

	for (z = highest_zone(gfp); z >= 0; z--) {
		struct per_cpu_pages *pcp = pcp_get(cpu, z);

		if (!pcp->count && !pcp_refill(pcp, z))
			continue;
		page = list_first_entry(&pcp->list, struct page, buddy_list);
		list_del(&page->buddy_list);
		pcp->count--;
		break;
	}
	local_irq_restore(irq);
	return page;
}

static struct page *alloc_from_zones(gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	int z;

	for (z = highest_zone(gfp); z >= 0 && !page; z--) {
		struct zone *zone = &zones[z];
		unsigned long irq;

		if (READ_ONCE(zone->nr_free_pages) < 1ull << order)
			continue;
		irq = spin_lock_irqsave(&zone->lock);
		page = buddy_alloc_locked(zone, order, z);
		spin_unlock_irqrestore(&zone->lock, irq);
	}
	return page;
}

static bool has_local_cached_pages(void)
{
	unsigned long irq = local_irq_save();
	unsigned int cpu = smp_processor_id(), z, count = 0;

	for (z = 0; z < NR_ZONES; z++)
		count += pcp_get(cpu, z)->count;
	local_irq_restore(irq);
	return count;
}

static struct page *alloc_pages_nowait(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (!order)
		return alloc_order0(gfp);
	page = alloc_from_zones(gfp, order);
	/* The missing buddies may sit on this CPU's lists (Linux drains every
	 * CPU's; the others' need IPIs, which we do not have). */
	if (!page && has_local_cached_pages()) {
		page_alloc_drain_cpu(smp_processor_id());
		page = alloc_from_zones(gfp, order);
	}
	return page;
}

/* Linux's direct reclaim, for callers that may wait: caches shrink, gently
 * first, until the allocation succeeds or nothing more comes free. The time
 * it takes is a memory stall (/proc/pressure/memory). */
static struct page *alloc_pages_reclaim(gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	unsigned long stall;
	int priority;

	if (!gfp_may_reclaim(gfp))
		return NULL;
	psi_memstall_enter(&stall);
	for (priority = RECLAIM_PRIORITY_MAX; priority >= 0 && !page; priority--) {
		if (!shrink_slab(priority))
			continue;
		page_alloc_drain_cpu(smp_processor_id());
		page = alloc_pages_nowait(gfp, order);
	}
	psi_memstall_leave(&stall);
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	page = alloc_pages_nowait(gfp, order);
	if (unlikely(!page))
		page = alloc_pages_reclaim(gfp, order);
	if (unlikely(!page)) {
		if (!(gfp & __GFP_NOWARN))
			page_alloc_log(LOGLEVEL_WARNING,
				       "page allocation failure: order %u, gfp %#x\n", order, gfp);
		return NULL;
	}
	page->flags = order ? PG_head : 0;
	page->refcount = 1;
	page->order = order;
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

void *get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? page_address(page) : NULL;
}

/* --- freeing --------------------------------------------------------------------- */

/*
 * An allocated block's first page: inside mem_map, in a 4 MiB block that has
 * struct pages, aligned to the order, not reserved, refcount 1 (every free
 * page, on a list or inside a free block, and every tail page has 0) and the
 * order it was allocated with. Each check is a read or two; what they cannot
 * see (a stale pointer to a page allocated again since) they miss.
 */
bool page_alloc_check_free(const struct page *page, unsigned int order)
{
	uintptr_t offset = (uintptr_t)page - (uintptr_t)mem_map;
	uint64_t pfn;

	if (!page || order > MAX_PAGE_ORDER || (uintptr_t)page < (uintptr_t)mem_map ||
	    offset % sizeof(struct page))
		return false;
	pfn = offset / sizeof(struct page);
	if (pfn >= mem_map_nr_pfns || (pfn & ((1ull << order) - 1)) || !is_block_initialised(pfn))
		return false;
	return !(page->flags & PG_reserved) && page->refcount == 1 && page->order == order;
}

static void free_order0(struct page *page, enum zone_type z)
{
	unsigned long irq = local_irq_save();
	struct per_cpu_pages *pcp = pcp_get(smp_processor_id(), z);

	page->flags = PG_pcp;
	page->refcount = 0;
	list_add(&page->buddy_list, &pcp->list);
	if (++pcp->count >= PCP_HIGH)
		pcp_drain(pcp, PCP_BATCH, z);
	local_irq_restore(irq);
}

/*
 * PG_head and PG_slab are dropped; the other pages of a multi-page block
 * must be as alloc_pages() left them (flags and refcount 0).
 */
void free_pages_block(struct page *page, unsigned int order)
{
	enum zone_type z;
	unsigned long irq;

	if (unlikely(!page_alloc_check_free(page, order))) {
		page_alloc_log(LOGLEVEL_ERR,
			       "page_alloc: bad free of %p order %u from %p, ignored\n",
			       (void *)page, order, __builtin_return_address(0));
		return;
	}
	z = pfn_zone(page_to_pfn(page));
	if (!order) {
		free_order0(page, z);
		return;
	}
	irq = spin_lock_irqsave(&zones[z].lock);
	buddy_free_locked(&zones[z], page_to_pfn(page), order, z);
	spin_unlock_irqrestore(&zones[z].lock, irq);
}

void free_pages(void *addr, unsigned int order)
{
	if (addr)
		free_pages_block(virt_to_page(addr), order);
}

void put_page(struct page *page)
{
	int count = __atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL);

	if (likely(count > 0))
		return;
	if (unlikely(count < 0)) {
		__atomic_add_fetch(&page->refcount, 1, __ATOMIC_RELAXED); /* leave it free */
		page_alloc_log(LOGLEVEL_ERR, "page_alloc: put_page of free page %p from %p\n",
			       (void *)page, __builtin_return_address(0));
		return;
	}
	/* The last owner: back to the count free_pages_block() expects. */
	page->refcount = 1;
	free_pages_block(page, 0);
}

/* --- statistics ------------------------------------------------------------------ */

void page_alloc_get_stats(struct page_alloc_stats *stats)
{
	unsigned int z, order, cpu, nr_cpus, i;

	memset(stats, 0, sizeof(*stats));
	for (z = 0; z < NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long irq = spin_lock_irqsave(&zone->lock);

		for (order = 0; order < NR_PAGE_ORDERS; order++)
			stats->free_blocks[z][order] = zone->free_area[order].nr_free;
		stats->free_blocks[z][MAX_PAGE_ORDER] += zone->nr_lazy_blocks;
		for (i = 0; i < zone->nr_lazy_parts; i++) {
			const struct lazy_range *part = &zone->lazy_parts[i];
			uint64_t pfn;

			for (pfn = part->start_pfn; pfn < part->end_pfn; pfn += 1ull << order) {
				order = largest_order(pfn, part->end_pfn);
				stats->free_blocks[z][order]++;
			}
		}
		stats->zone_free_pages[z] = zone->nr_free_pages;
		stats->zone_managed_pages[z] = zone->managed_pages;
		spin_unlock_irqrestore(&zone->lock, irq);
	}
	/* Other CPUs' counts are read without their lists held: a snapshot. */
	nr_cpus = __atomic_load_n(&nr_pcp_cpus, __ATOMIC_ACQUIRE);
	for (cpu = 0; cpu < nr_cpus; cpu++)
		for (z = 0; z < NR_ZONES; z++) {
			const struct per_cpu_pages *pcp = &pcp_cpus[cpu].zone[z];

			if (__atomic_load_n(&pcp->generation, __ATOMIC_ACQUIRE) == pcp_generation)
				stats->zone_free_pages[z] += READ_ONCE(pcp->count);
		}
	for (z = 0; z < NR_ZONES; z++) {
		stats->managed_pages += stats->zone_managed_pages[z];
		stats->free_pages += stats->zone_free_pages[z];
	}
}

const char *zone_name(enum zone_type zone)
{
	switch (zone) {
	case ZONE_DMA32:
		return "DMA32";
	case ZONE_NORMAL:
		return "Normal";
	default:
		return "?";
	}
}
