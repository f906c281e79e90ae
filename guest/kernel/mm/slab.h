/* SLUB internals shared by mm/slub.c (caches, slabs, the per-CPU and node
 * paths, debug checks) and mm/slab_common.c (kmalloc, statistics). The
 * public face is <vitro/slab.h>. */
#ifndef VITRO_MM_SLAB_H
#define VITRO_MM_SLAB_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/compiler.h>
#include <vitro/cpu.h>
#include <vitro/list.h>
#include <vitro/mm.h>
#include <vitro/slab.h>
#include <vitro/spinlock.h>
#include <vitro/string.h>

#define SLAB_MAX_ORDER 3 /* slabs are at most 32 KiB */
#define SLAB_NAME_LEN 32

/* Internal flags, above the public ones. */
#define SLAB_NO_CPU_SLABS 0x40000000u /* every operation under the node lock */
#define SLAB_PERMANENT 0x80000000u /* boot and kmalloc caches: never destroyed */

/* Who owns a slab (page->frozen); see the comment at the top of slub.c. */
#define SLAB_NODE_OWNED 0
#define SLAB_CPU_ACTIVE 1
#define SLAB_CPU_PARTIAL 2

#define RET_IP ((uintptr_t)__builtin_return_address(0))

/* A CPU's slabs of one cache, touched only by that CPU with interrupts
 * off, except that slab and partial also change only under the node lock
 * (so statistics can read them there). */
struct kmem_cache_cpu {
	void *freelist; /* free objects of slab, private to the CPU */
	struct page *slab; /* the active slab (SLAB_CPU_ACTIVE) or NULL */
	unsigned int nr_free; /* objects on freelist */
	unsigned int nr_partial; /* slabs on partial */
	struct list_head partial; /* SLAB_CPU_PARTIAL slabs */
};

/* The one memory node: partial slabs shared by all CPUs, and counts. */
struct kmem_cache_node {
	struct spinlock lock;
	unsigned long nr_partial;
	struct list_head partial; /* SLAB_NODE_OWNED slabs with free objects */
	unsigned long nr_slabs; /* every slab of the cache */
	unsigned long total_objects;
};

/*
 * Object layout (offsets from the object pointer the caller gets):
 *   [-red_left_pad, 0)          left red zone (SLAB_RED_ZONE)
 *   [0, object_size)            the object
 *   [object_size, red_right_end) right red zone (SLAB_RED_ZONE)
 *   free_offset                 free pointer: inside the object unless a
 *                               ctor or debug data must survive a free
 *   track_offset                alloc and free callers (SLAB_STORE_USER)
 *   state_offset                allocated/free word (SLAB_CONSISTENCY)
 * size is the stride from one object to the next.
 */
struct kmem_cache {
	unsigned int flags;
	unsigned int free_offset;
	unsigned int size;
	unsigned int object_size;
	unsigned int red_left_pad;
	unsigned int red_right_end;
	unsigned int track_offset;
	unsigned int state_offset;
	unsigned int align;
	unsigned int order;
	unsigned int objects; /* per slab */
	unsigned int min_partial;
	unsigned int cpu_partial_slabs;
	unsigned int nr_cpu_slots; /* cpu_slab[] entries below are valid */
	void (*ctor)(void *object);
	struct kmem_cache_node node;
	struct list_head list; /* slab_caches */
	char name[SLAB_NAME_LEN];
	/*
	 * Allocated on a CPU's first use; NULL with SLAB_NO_CPU_SLABS. Entries
	 * from nr_cpu_slots on are garbage: zeroing 2 KiB per cache costs
	 * half a millisecond where ring 0 is emulated, a bound check nothing.
	 */
	struct kmem_cache_cpu *cpu_slab[NR_CPUS];
};

/* The callers an object remembers (SLAB_STORE_USER). */
struct slab_track {
	uintptr_t alloc_caller;
	uintptr_t free_caller;
};

/* Every cache, in creation order. */
extern struct spinlock slab_caches_lock;
extern struct list_head slab_caches;

/* The calling CPU's slabs of s, or NULL. Interrupts off. */
static inline struct kmem_cache_cpu *slab_this_cpu(const struct kmem_cache *s)
{
	unsigned int cpu = smp_processor_id();

	/* Acquire: cpu_slab[cpu] was zeroed before nr_cpu_slots grew. */
	if (likely(cpu < __atomic_load_n(&s->nr_cpu_slots, __ATOMIC_ACQUIRE)))
		return s->cpu_slab[cpu];
	return NULL;
}

static inline void *slab_free_pointer(const struct kmem_cache *s, const void *object)
{
	return *(void *const *)((const char *)object + s->free_offset);
}

static inline void slab_set_free_pointer(const struct kmem_cache *s, void *object, void *next)
{
	*(void **)((char *)object + s->free_offset) = next;
}

/* The slab holding object, whatever its page, or NULL if no slab does. */
struct page *slab_of_object(const void *object);

/* Usable bytes of each object (ksize). */
size_t slab_usable_size(const struct kmem_cache *s);

void *slab_alloc_slow(struct kmem_cache *s, struct kmem_cache_cpu *c, gfp_t gfp, uintptr_t caller);
void slab_free_slow(struct kmem_cache *s, struct page *slab, void *object, uintptr_t caller);

/* --- mm/slub_debug.c ------------------------------------------------------ */

/* slab_report_error() for object of s (NULL if none), with its callers. */
void slab_report(const struct kmem_cache *s, const void *object, const char *what, uintptr_t caller,
		 size_t offset);
/* A report for a pointer that belongs to no cache. */
void slab_report_bad_pointer(const char *cache, const void *object, const char *what,
			     uintptr_t caller, size_t offset);
/* A new slab's object: free, red zones inactive, poisoned, no callers. */
void slab_debug_init_object(const struct kmem_cache *s, void *object);
/* An object leaving the free list: what happened to it while it was free
 * is reported; it is handed out either way. */
void slab_debug_on_alloc(const struct kmem_cache *s, void *object, uintptr_t caller);
/* An object being freed. Returns false, after reporting, if the free must
 * be ignored because the object is not allocated. */
bool slab_debug_on_free(const struct kmem_cache *s, void *object, uintptr_t caller);
/* Debug caches: is object an object start of slab? Reports if not. */
bool slab_check_object_pointer(struct kmem_cache *s, struct page *slab, const void *object,
			       uintptr_t caller);
/* A debug cache's next free pointer: NULL or an object start in slab. */
bool slab_free_pointer_is_valid(const struct kmem_cache *s, struct page *slab, const void *next);

/* The fast paths: the CPU's own freelist with interrupts off. */
static inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, uintptr_t caller)
{
	unsigned long irq = local_irq_save();
	struct kmem_cache_cpu *c = slab_this_cpu(s);
	void *object;

	if (likely(c != NULL) && likely((object = c->freelist) != NULL)) {
		c->freelist = slab_free_pointer(s, object);
		c->nr_free--;
	} else {
		object = slab_alloc_slow(s, c, gfp, caller);
	}
	local_irq_restore(irq);
	if (unlikely(gfp & __GFP_ZERO) && object)
		memset(object, 0, s->object_size);
	return object;
}

/* Frees object, which lies in slab, a slab of s. */
static inline void slab_free(struct kmem_cache *s, struct page *slab, void *object,
			     uintptr_t caller)
{
	struct kmem_cache_cpu *c;
	unsigned long irq;

	if (unlikely(s->flags & SLAB_DEBUG_ALL) &&
	    !slab_check_object_pointer(s, slab, object, caller))
		return;
	irq = local_irq_save();
	c = slab_this_cpu(s);
	/* The head check is the one double free that costs nothing to see. */
	if (likely(c != NULL) && likely(c->slab == slab) && likely(object != c->freelist)) {
		slab_set_free_pointer(s, object, c->freelist);
		c->freelist = object;
		c->nr_free++;
	} else {
		slab_free_slow(s, slab, object, caller);
	}
	local_irq_restore(irq);
}

/* --- mm/slub.c ------------------------------------------------------------ */

/* Creates the bootstrap caches (kmem_cache, kmem_cache_cpu); slab_init()
 * then makes the kmalloc caches. */
void slab_bootstrap(void);
/* kmem_cache_create() that also takes the internal flags. */
struct kmem_cache *slab_cache_create(const char *name, size_t size, size_t align,
				     unsigned int flags, void (*ctor)(void *object));

#endif
