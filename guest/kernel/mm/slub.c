/* SLUB, the object allocator (Linux's mm/slub.c is the model): caches of
 * equal-sized objects carved from page-allocator blocks ("slabs"), per-CPU
 * slabs and the node's partial list. The fast paths are inline in mm/slab.h,
 * the debug checks in mm/slub_debug.c, kmalloc and statistics in
 * mm/slab_common.c. */
#include <vitro/errno.h>

#include "slab.h"

/*
 * Who may touch a slab (page->frozen says who owns it):
 *  - SLAB_CPU_ACTIVE: a CPU's c->slab. That CPU allocates from and frees to
 *    c->freelist with only its interrupts off: the fast path, no shared
 *    lock and no double-width cmpxchg (cmpxchg16b stops the guest on our
 *    nested hosts). page->inuse counts every object not on page->freelist,
 *    so c->freelist's objects count as in use there.
 *  - SLAB_CPU_PARTIAL: on a CPU's c->partial list, waiting to be active.
 *  - SLAB_NODE_OWNED: on the node's partial list if it has free objects,
 *    on no list if it is full (full slabs are not tracked, as in Linux).
 * page->freelist, page->inuse, page->frozen and every list move change under
 * the node lock. Without a cmpxchg on freelist and counters together, a free
 * to any slab but the CPU's active one (another CPU's, a partial or a full
 * slab) takes that lock: the slow path.
 *
 * Debug caches and the bootstrap caches have no per-CPU slabs: everything
 * happens under the node lock, so the checks see a stable object.
 */

#define SLAB_MIN_OBJECTS 8
#define MIN_PARTIAL 5 /* empty slabs a cache keeps, as Linux's min_partial */
#define MAX_PARTIAL 10

struct spinlock slab_caches_lock = SPINLOCK_INIT;
struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);

/* The cache of caches is static so that it exists before any cache does. */
static struct kmem_cache kmem_cache_boot;
static struct kmem_cache *kmem_cache_cpu_cache;
/* Added to every cache created from now on (slab_set_debug_flags()). */
static unsigned int slab_debug_flags;

static inline size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static unsigned int ilog2(size_t x)
{
	return 63 - __builtin_clzl(x | 1);
}

/* --- layout ------------------------------------------------------------------- */

/*
 * The smallest order giving at least SLAB_MIN_OBJECTS objects with under
 * 1/8 of the slab wasted. Large objects never get 8 per slab: then the
 * largest order that wastes under 1/8 (fewer trips to the page allocator),
 * else the order that wastes the least.
 */
static unsigned int slab_order(size_t size)
{
	unsigned int order, best = SLAB_MAX_ORDER;
	size_t best_waste = PAGE_SIZE << SLAB_MAX_ORDER, best_bytes = 1;

	for (order = 0; order <= SLAB_MAX_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;
		size_t waste = bytes % size;

		if (bytes / size >= SLAB_MIN_OBJECTS && waste * 8 < bytes)
			return order;
	}
	for (order = SLAB_MAX_ORDER + 1; order-- > 0;) {
		size_t bytes = PAGE_SIZE << order;
		size_t waste = bytes % size;

		if (bytes < size)
			continue;
		if (waste * 8 < bytes)
			return order;
		/* waste/bytes < best_waste/best_bytes */
		if (waste * best_bytes < best_waste * bytes) {
			best = order;
			best_waste = waste;
			best_bytes = bytes;
		}
	}
	return best;
}

static int cache_setup(struct kmem_cache *s, const char *name, size_t size, size_t align,
		       unsigned int flags, void (*ctor)(void *object))
{
	size_t a = sizeof(void *), end, objects_wanted;

	if (!name || !size || size > PAGE_SIZE << SLAB_MAX_ORDER || (align & (align - 1)) ||
	    align > PAGE_SIZE)
		return -EINVAL;
	if (ctor)
		flags &= ~SLAB_POISON; /* a free object keeps its constructed state */
	if (flags & SLAB_DEBUG_ALL)
		flags |= SLAB_NO_CPU_SLABS;
	if (align > a)
		a = align;
	if (flags & SLAB_HWCACHE_ALIGN) {
		/* Linux's calculate_alignment(): small objects share a line. */
		size_t line = 64;

		while (size <= line / 2)
			line /= 2;
		if (line > a)
			a = line;
	}

	s->flags = flags;
	s->object_size = size;
	s->ctor = ctor;
	s->align = a;
	end = align_up(size, sizeof(void *));
	s->red_left_pad = 0;
	s->red_right_end = size;
	if (flags & SLAB_RED_ZONE) {
		s->red_left_pad = a;
		end += sizeof(void *); /* at least 8 bytes of right red zone */
		s->red_right_end = end;
	}
	if (ctor || (flags & SLAB_DEBUG_ALL)) {
		s->free_offset = end;
		end += sizeof(void *);
	} else {
		/* Mid-object, where a small overflow from the previous object
		 * does not reach it (Linux does the same). */
		s->free_offset = (size / 2) & ~(sizeof(void *) - 1);
		if (s->free_offset + sizeof(void *) > end)
			s->free_offset = 0;
	}
	s->track_offset = 0;
	if (flags & SLAB_STORE_USER) {
		s->track_offset = end;
		end += sizeof(struct slab_track);
	}
	s->state_offset = 0;
	if (flags & SLAB_CONSISTENCY) {
		s->state_offset = end;
		end += sizeof(uint64_t);
	}
	s->size = align_up(s->red_left_pad + end, a);
	if (s->size > PAGE_SIZE << SLAB_MAX_ORDER)
		return -EINVAL;
	s->order = slab_order(s->size);
	s->objects = (PAGE_SIZE << s->order) / s->size;

	/* Linux's set_min_partial() and set_cpu_partial(). */
	s->min_partial = ilog2(s->size) / 2;
	if (s->min_partial < MIN_PARTIAL)
		s->min_partial = MIN_PARTIAL;
	if (s->min_partial > MAX_PARTIAL)
		s->min_partial = MAX_PARTIAL;
	objects_wanted = s->size >= PAGE_SIZE ? 2 : s->size >= 1024 ? 6 : s->size >= 256 ? 13 : 30;
	s->cpu_partial_slabs = (objects_wanted * 2 + s->objects - 1) / s->objects;
	if (s->cpu_partial_slabs < 2)
		s->cpu_partial_slabs = 2;

	s->nr_cpu_slots = 0;
	spin_lock_init(&s->node.lock);
	list_init(&s->node.partial);
	s->node.nr_partial = 0;
	s->node.nr_slabs = 0;
	s->node.total_objects = 0;
	for (end = 0; end + 1 < SLAB_NAME_LEN && name[end]; end++)
		s->name[end] = name[end];
	s->name[end] = '\0';
	return 0;
}

size_t slab_usable_size(const struct kmem_cache *s)
{
	/* Debug data and a ctor's free pointer sit right after the object. */
	if (s->ctor || (s->flags & SLAB_DEBUG_ALL))
		return s->object_size;
	return s->size;
}

/* --- slabs --------------------------------------------------------------------------- */

static struct page *slab_new(struct kmem_cache *s, gfp_t gfp)
{
	struct page *slab = alloc_pages(gfp & (__GFP_ATOMIC | __GFP_NOWARN), s->order);
	char *base, *object;
	void *next = NULL;
	unsigned int i;

	if (!slab)
		return NULL;
	slab->flags |= PG_slab;
	slab->slab_cache = s;
	slab->objects = s->objects;
	slab->inuse = 0;
	slab->frozen = SLAB_NODE_OWNED;
	base = (char *)page_address(slab) + s->red_left_pad;
	if (unlikely((s->flags & SLAB_DEBUG_ALL) || s->ctor)) {
		for (i = 0; i < s->objects; i++) {
			object = base + (size_t)i * s->size;
			if (s->flags & SLAB_DEBUG_ALL)
				slab_debug_init_object(s, object);
			if (s->ctor)
				s->ctor(object);
		}
	}
	/* Back to front, so objects go out in address order; a lean loop,
	 * as every instruction counts where ring 0 is emulated. */
	object = base + (size_t)s->objects * s->size;
	for (i = s->objects; i; i--) {
		object -= s->size;
		slab_set_free_pointer(s, object, next);
		next = object;
	}
	slab->freelist = next;
	return slab;
}

/* Node lock held. */
static void node_add_slab(struct kmem_cache_node *n, struct page *slab)
{
	n->nr_slabs++;
	n->total_objects += slab->objects;
}

/* Node lock held: slab (node-owned, on no list) leaves the cache and joins
 * the list of slabs to hand back once the lock is dropped. */
static void node_remove_slab(struct kmem_cache_node *n, struct page *slab,
			     struct list_head *discard)
{
	n->nr_slabs--;
	n->total_objects -= slab->objects;
	list_add(&slab->slab_list, discard);
}

/* Node lock held: a node-owned slab that gained free objects goes where it
 * belongs. Empty slabs beyond min_partial go back to the page allocator. */
static void node_place_slab(struct kmem_cache *s, struct page *slab, struct list_head *discard)
{
	struct kmem_cache_node *n = &s->node;

	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		node_remove_slab(n, slab, discard);
	} else if (slab->inuse < slab->objects) {
		list_add_tail(&slab->slab_list, &n->partial);
		n->nr_partial++;
	}
}

static void slabs_discard(struct kmem_cache *s, struct list_head *discard)
{
	struct page *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, discard, slab_list) {
		list_del(&slab->slab_list);
		slab->flags &= ~PG_slab;
		free_pages_block(slab, s->order);
	}
}

/* Node lock held: every empty slab on the partial list leaves. */
static void node_discard_empty(struct kmem_cache *s, struct list_head *discard)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		if (slab->inuse)
			continue;
		list_del(&slab->slab_list);
		n->nr_partial--;
		node_remove_slab(n, slab, discard);
	}
}

struct page *slab_of_object(const void *object)
{
	struct page *page = virt_to_page(object);
	uint64_t pfn = page_to_pfn(page);
	unsigned int order;

	if (page->flags & PG_slab)
		return page;
	/*
	 * A later page of a multi-page slab: slabs are naturally aligned
	 * blocks of at most SLAB_MAX_ORDER, and only their first page is
	 * marked, so the head is the first marked page found by rounding pfn
	 * down to ever larger orders that its slab covers.
	 */
	for (order = 1; order <= SLAB_MAX_ORDER; order++) {
		struct page *head = pfn_to_page(pfn & ~((1ull << order) - 1));

		if ((head->flags & PG_slab) && head->slab_cache->order >= order)
			return head;
	}
	return NULL;
}

/* --- the node path: no per-CPU slabs ------------------------------------------------ */

static void *node_alloc(struct kmem_cache *s, gfp_t gfp, uintptr_t caller)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab;
	unsigned long irq;
	void *object, *next;

	irq = spin_lock_irqsave(&n->lock);
	if (list_empty(&n->partial)) {
		spin_unlock_irqrestore(&n->lock, irq);
		slab = slab_new(s, gfp);
		if (!slab)
			return NULL;
		irq = spin_lock_irqsave(&n->lock);
		node_add_slab(n, slab);
		list_add(&slab->slab_list, &n->partial);
		n->nr_partial++;
	}
	slab = list_first_entry(&n->partial, struct page, slab_list);
	object = slab->freelist;
	next = slab_free_pointer(s, object);
	slab->inuse++;
	if (unlikely(s->flags & SLAB_DEBUG_ALL)) {
		if (!slab_free_pointer_is_valid(s, slab, next)) {
			/* The rest of the list is lost: count it as in use
			 * rather than follow a wild pointer. */
			slab_report(s, object, "free pointer overwritten", caller, s->free_offset);
			next = NULL;
			slab->inuse = slab->objects;
		}
		slab_debug_on_alloc(s, object, caller);
	}
	slab->freelist = next;
	if (slab->inuse == slab->objects) {
		list_del(&slab->slab_list);
		n->nr_partial--;
	}
	spin_unlock_irqrestore(&n->lock, irq);
	return object;
}

/* --- the per-CPU path ------------------------------------------------------------------ */

/* Node lock held: slab's free objects become the CPU's. */
static void cpu_slab_activate(struct kmem_cache_cpu *c, struct page *slab)
{
	c->freelist = slab->freelist;
	c->nr_free = slab->objects - slab->inuse;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = SLAB_CPU_ACTIVE;
	c->slab = slab;
}

/* Node lock held: the active slab takes back the CPU's free objects. */
static void cpu_slab_deactivate(struct kmem_cache *s, struct kmem_cache_cpu *c,
				struct list_head *discard)
{
	struct page *slab = c->slab;
	void *object = c->freelist;

	if (!slab)
		return;
	while (object) {
		void *next = slab_free_pointer(s, object);

		slab_set_free_pointer(s, object, slab->freelist);
		slab->freelist = object;
		slab->inuse--;
		object = next;
	}
	c->freelist = NULL;
	c->nr_free = 0;
	c->slab = NULL;
	slab->frozen = SLAB_NODE_OWNED;
	node_place_slab(s, slab, discard);
}

/* Node lock held: the CPU's partial slabs go to the node. */
static void cpu_partial_drain(struct kmem_cache *s, struct kmem_cache_cpu *c,
			      struct list_head *discard)
{
	struct page *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, &c->partial, slab_list) {
		list_del(&slab->slab_list);
		slab->frozen = SLAB_NODE_OWNED;
		node_place_slab(s, slab, discard);
	}
	c->nr_partial = 0;
}

static struct kmem_cache_cpu *cpu_slab_create(struct kmem_cache *s, unsigned int cpu, gfp_t gfp)
{
	struct kmem_cache_cpu *c;

	if (unlikely(!kmem_cache_cpu_cache)) /* boot ran out of memory */
		return NULL;
	c = node_alloc(kmem_cache_cpu_cache, gfp, 0);
	if (!c)
		return NULL;
	c->freelist = NULL;
	c->slab = NULL;
	c->nr_free = 0;
	c->nr_partial = 0;
	list_init(&c->partial);
	spin_lock(&s->node.lock);
	if (s->nr_cpu_slots <= cpu) {
		memset(&s->cpu_slab[s->nr_cpu_slots], 0,
		       (cpu - s->nr_cpu_slots) * sizeof(s->cpu_slab[0]));
		s->cpu_slab[cpu] = c;
		__atomic_store_n(&s->nr_cpu_slots, cpu + 1, __ATOMIC_RELEASE);
	} else {
		s->cpu_slab[cpu] = c;
	}
	spin_unlock(&s->node.lock);
	return c;
}

/* Interrupts off; c->freelist is empty. The active slab's remote frees,
 * then a CPU partial slab, then node partial slabs, then a new slab. */
static void *cpu_alloc_slow(struct kmem_cache *s, struct kmem_cache_cpu *c, gfp_t gfp)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab = c->slab;
	void *object;

	spin_lock(&n->lock);
	if (slab) {
		if (slab->freelist) {
			cpu_slab_activate(c, slab);
			goto out_locked;
		}
		slab->frozen = SLAB_NODE_OWNED; /* full: on no list */
		c->slab = NULL;
	}
	if (!list_empty(&c->partial)) {
		slab = list_first_entry(&c->partial, struct page, slab_list);
		list_del(&slab->slab_list);
		c->nr_partial--;
		cpu_slab_activate(c, slab);
		goto out_locked;
	}
	if (!list_empty(&n->partial)) {
		slab = list_first_entry(&n->partial, struct page, slab_list);
		list_del(&slab->slab_list);
		n->nr_partial--;
		cpu_slab_activate(c, slab);
		/* Take a few more while the lock is held anyway. */
		while (c->nr_partial < s->cpu_partial_slabs / 2 && !list_empty(&n->partial)) {
			slab = list_first_entry(&n->partial, struct page, slab_list);
			list_move_tail(&slab->slab_list, &c->partial);
			n->nr_partial--;
			slab->frozen = SLAB_CPU_PARTIAL;
			c->nr_partial++;
		}
		goto out_locked;
	}
	spin_unlock(&n->lock);

	/* Interrupts stay off: nothing else on this CPU can change c. */
	slab = slab_new(s, gfp);
	if (!slab)
		return NULL;
	spin_lock(&n->lock);
	node_add_slab(n, slab);
	cpu_slab_activate(c, slab);
out_locked:
	spin_unlock(&n->lock);
	object = c->freelist;
	c->freelist = slab_free_pointer(s, object);
	c->nr_free--;
	return object;
}

void *slab_alloc_slow(struct kmem_cache *s, struct kmem_cache_cpu *c, gfp_t gfp, uintptr_t caller)
{
	if (s->flags & SLAB_NO_CPU_SLABS)
		return node_alloc(s, gfp, caller);
	if (!c) {
		c = cpu_slab_create(s, smp_processor_id(), gfp);
		if (!c) /* the objects may still be there */
			return node_alloc(s, gfp, caller);
	}
	return cpu_alloc_slow(s, c, gfp);
}

/* Interrupts off. */
void slab_free_slow(struct kmem_cache *s, struct page *slab, void *object, uintptr_t caller)
{
	struct kmem_cache_cpu *c = slab_this_cpu(s);
	struct kmem_cache_node *n = &s->node;
	struct list_head discard = LIST_HEAD_INIT(discard);
	bool was_full;

	spin_lock(&n->lock);
	/* The fast path sends its double free here: object heads c->freelist. */
	if ((c && c->slab == slab) || (!slab->frozen && !slab->inuse)) {
		slab_report(s, object, "double free", caller, 0);
		goto out;
	}
	if ((s->flags & SLAB_DEBUG_ALL) && !slab_debug_on_free(s, object, caller))
		goto out;
	was_full = slab->inuse == slab->objects;
	slab_set_free_pointer(s, object, slab->freelist);
	slab->freelist = object;
	slab->inuse--;
	if (slab->frozen) /* its CPU finds the object on slab->freelist */
		goto out;
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		if (!was_full) {
			list_del(&slab->slab_list);
			n->nr_partial--;
		}
		node_remove_slab(n, slab, &discard);
	} else if (was_full && c) {
		/* As Linux's put_cpu_partial(): this CPU may well allocate
		 * again soon; too many partial slabs go to the node. (A CPU
		 * that never allocated from the cache has no c: then the
		 * slab goes to the node, for the CPUs that do.) */
		slab->frozen = SLAB_CPU_PARTIAL;
		list_add(&slab->slab_list, &c->partial);
		if (++c->nr_partial > s->cpu_partial_slabs)
			cpu_partial_drain(s, c, &discard);
	} else if (was_full) {
		list_add_tail(&slab->slab_list, &n->partial);
		n->nr_partial++;
	}
out:
	spin_unlock(&n->lock);
	slabs_discard(s, &discard);
}

/* --- caches ------------------------------------------------------------------------------- */

static void caches_add(struct kmem_cache *s)
{
	spin_lock(&slab_caches_lock);
	list_add_tail(&s->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
}

struct kmem_cache *slab_cache_create(const char *name, size_t size, size_t align,
				     unsigned int flags, void (*ctor)(void *object))
{
	struct kmem_cache *s = node_alloc(&kmem_cache_boot, GFP_KERNEL, 0);

	if (!s)
		return NULL;
	if (!(flags & SLAB_NO_CPU_SLABS)) /* only the bootstrap caches ask */
		flags |= slab_debug_flags;
	if (cache_setup(s, name, size, align, flags, ctor)) {
		kmem_cache_free(&kmem_cache_boot, s);
		return NULL;
	}
	caches_add(s);
	return s;
}

void slab_set_debug_flags(unsigned int flags)
{
	slab_debug_flags = flags & SLAB_DEBUG_ALL;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned int flags, void (*ctor)(void *object))
{
	return slab_cache_create(name, size, align, flags & (SLAB_HWCACHE_ALIGN | SLAB_DEBUG_ALL),
				 ctor);
}

/* Node lock held: cpu's slabs go back to the node and its per-CPU state
 * is returned. Only on cpu itself, or when no one uses the cache. */
static void cpu_flush(struct kmem_cache *s, unsigned int cpu, struct list_head *discard)
{
	struct kmem_cache_cpu *c = cpu < s->nr_cpu_slots ? s->cpu_slab[cpu] : NULL;

	if (!c)
		return;
	cpu_slab_deactivate(s, c, discard);
	cpu_partial_drain(s, c, discard);
	s->cpu_slab[cpu] = NULL;
	/* Lock order: a cache's node lock, then kmem_cache_cpu's. */
	kmem_cache_free(kmem_cache_cpu_cache, c);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	unsigned long irq = local_irq_save();
	struct list_head discard = LIST_HEAD_INIT(discard);

	spin_lock(&s->node.lock);
	cpu_flush(s, smp_processor_id(), &discard);
	node_discard_empty(s, &discard);
	spin_unlock(&s->node.lock);
	local_irq_restore(irq);
	slabs_discard(s, &discard);
	return 0;
}

void slab_shrink_all(void)
{
	struct kmem_cache *s;

	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list)
		if (s != kmem_cache_cpu_cache)
			kmem_cache_shrink(s);
	/* Last: the others just gave back their per-CPU state. */
	if (kmem_cache_cpu_cache)
		kmem_cache_shrink(kmem_cache_cpu_cache);
	spin_unlock(&slab_caches_lock);
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	unsigned long irq;
	unsigned int cpu;
	bool is_empty;

	if (!s)
		return;
	if (s->flags & SLAB_PERMANENT) {
		slab_report(s, NULL, "destroy of a boot or kmalloc cache", RET_IP, 0);
		return;
	}
	spin_lock(&slab_caches_lock);
	/* Nobody may use a cache being destroyed: flushing every CPU's slabs
	 * from here is then safe. */
	irq = spin_lock_irqsave(&s->node.lock);
	for (cpu = 0; cpu < s->nr_cpu_slots; cpu++)
		cpu_flush(s, cpu, &discard);
	node_discard_empty(s, &discard);
	is_empty = !s->node.nr_slabs;
	spin_unlock_irqrestore(&s->node.lock, irq);
	slabs_discard(s, &discard);
	if (!is_empty) {
		/* As Linux: keep the cache (and leak its slabs) rather than
		 * free memory someone still points into. */
		slab_report(s, NULL, "destroy of a cache with objects in use", RET_IP, 0);
		spin_unlock(&slab_caches_lock);
		return;
	}
	list_del(&s->list);
	spin_unlock(&slab_caches_lock);
	kmem_cache_free(&kmem_cache_boot, s);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, RET_IP);
}

void kmem_cache_free(struct kmem_cache *s, void *object)
{
	uintptr_t caller = RET_IP;
	struct page *slab;

	if (unlikely(!object))
		return;
	slab = pfn_to_page(page_to_pfn(virt_to_page(object)) & ~((1ull << s->order) - 1));
	if (unlikely(!(slab->flags & PG_slab) || slab->slab_cache != s)) {
		slab = slab_of_object(object);
		if (slab)
			slab_report(slab->slab_cache, object, "free to the wrong cache", caller, 0);
		else
			slab_report_bad_pointer(s->name, object, "free of a pointer no slab holds",
						caller, 0);
		return;
	}
	slab_free(s, slab, object, caller);
}

void slab_bootstrap(void)
{
	list_init(&slab_caches);
	spin_lock_init(&slab_caches_lock);
	/* Never debugged: their objects are slub's own, and checking a
	 * 2 KiB struct kmem_cache costs milliseconds in emulated ring 0. */
	cache_setup(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache), 0,
		    SLAB_NO_CPU_SLABS | SLAB_PERMANENT, NULL);
	caches_add(&kmem_cache_boot);
	kmem_cache_cpu_cache = slab_cache_create("kmem_cache_cpu", sizeof(struct kmem_cache_cpu), 0,
						 SLAB_NO_CPU_SLABS | SLAB_PERMANENT, NULL);
}
