/* kmalloc on top of SLUB (mm/slub.c): size classes from 8 B to 8 KiB, larger
 * sizes straight from the page allocator; and the slab statistics. */
#include "slab.h"

#define NR_KMALLOC_CACHES 13
#define KMALLOC_LARGE_NAME "kmalloc-large"

static const struct {
	const char *name;
	unsigned int size;
} kmalloc_info[NR_KMALLOC_CACHES] = {
	{ "kmalloc-8", 8 },	  { "kmalloc-16", 16 },	    { "kmalloc-32", 32 },
	{ "kmalloc-64", 64 },	  { "kmalloc-96", 96 },	    { "kmalloc-128", 128 },
	{ "kmalloc-192", 192 },	  { "kmalloc-256", 256 },   { "kmalloc-512", 512 },
	{ "kmalloc-1024", 1024 }, { "kmalloc-2048", 2048 }, { "kmalloc-4096", 4096 },
	{ "kmalloc-8192", 8192 },
};

/* kmalloc_info index by (size - 1) / 8 for sizes up to 192 (Linux's
 * size_index[]); above, the power of two. */
static const uint8_t kmalloc_small_index[24] = {
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
};

static struct kmem_cache *kmalloc_caches[NR_KMALLOC_CACHES];
static uint64_t kmalloc_large_pages;

static inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_small_index[(size - 1) / 8];
	/* 193..256 -> 7, ..., 4097..8192 -> 12 */
	return 63 - __builtin_clzl(size - 1);
}

static unsigned int large_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	struct page *page;
	unsigned int order;

	if (size > PAGE_SIZE << MAX_PAGE_ORDER)
		return NULL;
	order = large_order(size);
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	/* alloc_pages() sets PG_head and order for order > 0, which every
	 * size above KMALLOC_MAX_CACHE_SIZE has: kfree and ksize read them. */
	__atomic_fetch_add(&kmalloc_large_pages, 1ull << order, __ATOMIC_RELAXED);
	return page_address(page);
}

/*
 * kmalloc(0) returns NULL (Linux returns ZERO_SIZE_PTR, a non-NULL pointer
 * that faults on use): there is no object to hand out, and kfree(NULL) is a
 * no-op, so callers that free what they got work either way.
 */
static __attribute__((always_inline)) inline void *kmalloc_caller(size_t size, gfp_t gfp,
								  uintptr_t caller)
{
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE)) {
		struct kmem_cache *s = kmalloc_caches[kmalloc_index(size)];

		if (unlikely(!s)) /* slab_init() ran out of memory */
			return NULL;
		return slab_alloc(s, gfp, caller);
	}
	if (!size)
		return NULL;
	return kmalloc_large(size, gfp);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return kmalloc_caller(size, gfp, RET_IP);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc_caller(size, gfp | __GFP_ZERO, RET_IP);
}

static __attribute__((noinline)) void kfree_not_slab(const void *object, struct page *page,
						     uintptr_t caller)
{
	struct page *slab;

	if (page->flags & PG_head) {
		const void *start = page_address(page);

		if (object != start) {
			slab_report_bad_pointer(
				KMALLOC_LARGE_NAME, start, "free of a pointer inside an object",
				caller, (size_t)((const char *)object - (const char *)start));
			return;
		}
		__atomic_fetch_sub(&kmalloc_large_pages, 1ull << page->order, __ATOMIC_RELAXED);
		free_pages_block(page, page->order);
		return;
	}
	slab = slab_of_object(object);
	if (!slab) {
		slab_report_bad_pointer("kmalloc", object,
					"free of a pointer kmalloc did not return", caller, 0);
		return;
	}
	slab_free(slab->slab_cache, slab, (void *)object, caller);
}

static __attribute__((always_inline)) inline void kfree_caller(const void *object, uintptr_t caller)
{
	struct page *page;

	if (unlikely(!object))
		return;
	page = virt_to_page(object);
	if (likely(page->flags & PG_slab))
		slab_free(page->slab_cache, page, (void *)object, caller);
	else
		kfree_not_slab(object, page, caller);
}

void kfree(const void *object)
{
	kfree_caller(object, RET_IP);
}

size_t ksize(const void *object)
{
	struct page *page;

	if (!object)
		return 0;
	page = virt_to_page(object);
	if (!(page->flags & PG_slab)) {
		if (page->flags & PG_head)
			return PAGE_SIZE << page->order;
		page = slab_of_object(object);
		if (!page)
			return 0;
	}
	return slab_usable_size(page->slab_cache);
}

/* In place while the object is big enough (shrinking too, as Linux); else a
 * new object, the contents copied, the old one freed. On failure the old
 * object is untouched. */
void *krealloc(const void *object, size_t new_size, gfp_t gfp)
{
	uintptr_t caller = RET_IP;
	size_t old_size;
	void *new;

	if (!new_size) {
		kfree_caller(object, caller);
		return NULL;
	}
	if (!object)
		return kmalloc_caller(new_size, gfp, caller);
	old_size = ksize(object);
	if (new_size <= old_size)
		return (void *)object;
	new = kmalloc_caller(new_size, gfp & ~__GFP_ZERO, caller);
	if (!new)
		return NULL;
	memcpy(new, object, old_size);
	if (gfp & __GFP_ZERO)
		memset((char *)new + old_size, 0, new_size - old_size);
	kfree_caller(object, caller);
	return new;
}

/*
 * Host tests call this again to start from nothing (after a fresh
 * page_alloc_init()); the kernel calls it once.
 */
void slab_init(void)
{
	unsigned int i;
	size_t align;

	slab_bootstrap();
	kmalloc_large_pages = 0;
	for (i = 0; i < NR_KMALLOC_CACHES; i++) {
		/* Power-of-two sizes are naturally aligned, as Linux's. */
		align = kmalloc_info[i].size & (kmalloc_info[i].size - 1) ? 0 :
									    kmalloc_info[i].size;
		if (align > PAGE_SIZE)
			align = PAGE_SIZE;
		kmalloc_caches[i] = slab_cache_create(kmalloc_info[i].name, kmalloc_info[i].size,
						      align, SLAB_PERMANENT, NULL);
	}
}

/* A snapshot of s under its node lock. Free objects are counted, not used
 * ones: full slabs are on no list. */
static void cache_info(struct kmem_cache *s, struct slab_info *info)
{
	struct kmem_cache_node *n = &s->node;
	uint64_t free_objects = 0, empty_slabs = 0;
	struct page *slab;
	unsigned long irq;
	unsigned int cpu;

	info->name = s->name;
	info->object_size = s->object_size;
	info->size = s->size;
	info->objects_per_slab = s->objects;
	info->pages_per_slab = 1u << s->order;
	irq = spin_lock_irqsave(&n->lock);
	list_for_each_entry(slab, &n->partial, slab_list) {
		free_objects += slab->objects - slab->inuse;
		empty_slabs += !slab->inuse;
	}
	for (cpu = 0; cpu < s->nr_cpu_slots; cpu++) {
		struct kmem_cache_cpu *c = s->cpu_slab[cpu];

		if (!c)
			continue;
		list_for_each_entry(slab, &c->partial, slab_list) {
			free_objects += slab->objects - slab->inuse;
			empty_slabs += !slab->inuse;
		}
		if (c->slab) {
			/* c->nr_free is the CPU's own: a snapshot. */
			unsigned int nr_free =
				c->slab->objects - c->slab->inuse + READ_ONCE(c->nr_free);

			free_objects += nr_free;
			empty_slabs += nr_free == c->slab->objects;
		}
	}
	info->total_slabs = n->nr_slabs;
	info->total_objects = n->total_objects;
	spin_unlock_irqrestore(&n->lock, irq);
	info->active_objects = info->total_objects - free_objects;
	info->active_slabs = info->total_slabs - empty_slabs;
}

int slab_for_each_info(int (*fn)(const struct slab_info *info, void *arg), void *arg)
{
	struct slab_info info;
	struct kmem_cache *s;
	int ret = 0;

	/* fn runs with the list locked: it must not create or destroy caches. */
	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list) {
		cache_info(s, &info);
		ret = fn(&info, arg);
		if (ret)
			break;
	}
	spin_unlock(&slab_caches_lock);
	return ret;
}

uint64_t slab_total_pages(void)
{
	uint64_t pages = __atomic_load_n(&kmalloc_large_pages, __ATOMIC_RELAXED);
	struct kmem_cache *s;

	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list)
		pages += (uint64_t)READ_ONCE(s->node.nr_slabs) << s->order;
	spin_unlock(&slab_caches_lock);
	return pages;
}
