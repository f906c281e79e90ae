/* Object allocation: SLUB caches (mm/slub.c) and kmalloc size classes from 8 B
 * to 8 KiB on top of them; larger kmalloc sizes come straight from the page
 * allocator. Builds for the host too. */
#ifndef VITRO_SLAB_H
#define VITRO_SLAB_H

#include <stddef.h>
#include <stdint.h>
#include <vitro/mm.h>

/* kmem_cache_create() flags. */
#define SLAB_HWCACHE_ALIGN 0x01u /* align objects to 64-byte cache lines */
#define SLAB_RED_ZONE 0x10u /* debug: guard bytes around each object */
#define SLAB_POISON 0x20u /* debug: fill free objects with a pattern */
#define SLAB_STORE_USER 0x40u /* debug: remember who allocated and freed */
#define SLAB_CONSISTENCY 0x80u /* debug: check frees (double free, wrong cache) */
#define SLAB_DEBUG_ALL (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_CONSISTENCY)

#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 8192

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned int flags, void (*ctor)(void *object));
void kmem_cache_destroy(struct kmem_cache *cache);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *object);
/* Returns the cache's empty slabs to the page allocator, with the calling
 * CPU's per-CPU slabs (other CPUs keep theirs until they shrink), as Linux's
 * kmem_cache_shrink(). Returns 0. */
int kmem_cache_shrink(struct kmem_cache *cache);
/* kmem_cache_shrink() of every cache, kmalloc's included. */
void slab_shrink_all(void);

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *krealloc(const void *object, size_t new_size, gfp_t gfp);
void kfree(const void *object);
/* Usable size of a kmalloc'd object. */
size_t ksize(const void *object);

/* Debug flags every cache created from now on gets (the `slub_debug`
 * command-line option sets SLAB_DEBUG_ALL before slab_init()). */
void slab_set_debug_flags(unsigned int flags);

/* Creates the cache of caches and the kmalloc caches. Needs the page
 * allocator. */
void slab_init(void);

/* A debug check failed. The kernel prints it with symbol names; host tests
 * record it. alloc_caller/free_caller are 0 unless SLAB_STORE_USER. */
struct slab_error {
	const char *cache; /* cache name */
	const void *object; /* object start */
	const char *what; /* "double free", "red zone overwritten", ... */
	uintptr_t caller; /* who made the bad call */
	uintptr_t alloc_caller;
	uintptr_t free_caller;
	size_t offset; /* for corruption: first bad byte, from the object start
			* (wrapping before it: (size_t)-1 is the byte just before) */
};
void slab_report_error(const struct slab_error *error);

/* Like a /proc/slabinfo line. */
struct slab_info {
	const char *name;
	size_t object_size; /* requested */
	size_t size; /* per object, with alignment and debug data */
	unsigned int objects_per_slab;
	unsigned int pages_per_slab;
	uint64_t active_objects;
	uint64_t total_objects;
	uint64_t active_slabs; /* slabs with at least one object in use */
	uint64_t total_slabs;
};

/* Calls fn for each cache, in creation order; stops if fn returns non-zero. */
int slab_for_each_info(int (*fn)(const struct slab_info *info, void *arg), void *arg);

/* Pages held by all slabs (like Slab: in /proc/meminfo). */
uint64_t slab_total_pages(void);

#endif
