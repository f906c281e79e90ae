/* Caches that give memory back under pressure, as Linux's shrinkers: when
 * the page allocator finds no free block for a caller that may wait, it asks
 * every registered shrinker to free objects, returns emptied slabs to the
 * buddy lists and tries again. */
#ifndef VITRO_SHRINKER_H
#define VITRO_SHRINKER_H

#include <stdbool.h>
#include <vitro/list.h>
#include <vitro/mm.h>

struct shrinker {
	const char *name;
	/* Objects that could be freed now (a cheap estimate). */
	unsigned long (*count_objects)(struct shrinker *shrinker);
	/* Frees up to nr objects, returns how many it freed. Called with
	 * interrupts on and preemption off: it may take spinlocks, not sleep. */
	unsigned long (*scan_objects)(struct shrinker *shrinker, unsigned long nr);
	struct list_head list;
	unsigned long nr_scanned; /* statistics: objects asked for, freed */
	unsigned long nr_freed;
};

void register_shrinker(struct shrinker *shrinker);
void unregister_shrinker(struct shrinker *shrinker);

/* One reclaim pass at priority (RECLAIM_PRIORITY_MAX, gentlest, down to 0,
 * everything): each shrinker is asked for count >> priority objects (at least
 * a batch), then the slab caches' empty slabs go back to the page allocator.
 * Returns objects freed. */
#define RECLAIM_PRIORITY_MAX 12
unsigned long shrink_slab(int priority);

/* Whether an allocation with gfp, made here and now, may run reclaim: the
 * caller may sleep, holds no spinlock and has interrupts on. */
bool gfp_may_reclaim(gfp_t gfp);

#endif
