/* Reclaim of kernel caches under memory pressure (see shrinker.h). The page
 * cache and anonymous memory join later with their LRU lists; for now the
 * caches are the dentry and inode caches. */
#include <vitro/cpu.h>
#include <vitro/preempt.h>
#include <vitro/shrinker.h>
#include <vitro/slab.h>
#include <vitro/spinlock.h>

/* Objects asked of a shrinker at least, per pass (Linux's SHRINK_BATCH). */
#define SHRINK_BATCH 128

static LIST_HEAD_DECLARE(shrinkers);
static struct spinlock shrinker_lock = SPINLOCK_INIT;

void register_shrinker(struct shrinker *shrinker)
{
	spin_lock(&shrinker_lock);
	list_add_tail(&shrinker->list, &shrinkers);
	spin_unlock(&shrinker_lock);
}

void unregister_shrinker(struct shrinker *shrinker)
{
	spin_lock(&shrinker_lock);
	list_del(&shrinker->list);
	spin_unlock(&shrinker_lock);
}

unsigned long shrink_slab(int priority)
{
	struct shrinker *shrinker;
	unsigned long freed = 0;

	/* Shrinkers take their own locks inside: the order is always
	 * shrinker_lock first. */
	spin_lock(&shrinker_lock);
	list_for_each_entry(shrinker, &shrinkers, list) {
		unsigned long count = shrinker->count_objects(shrinker);
		unsigned long nr = priority > 0 ? count >> priority : count;
		unsigned long done;

		if (!count)
			continue;
		if (nr < SHRINK_BATCH)
			nr = count < SHRINK_BATCH ? count : SHRINK_BATCH;
		done = shrinker->scan_objects(shrinker, nr);
		shrinker->nr_scanned += nr;
		shrinker->nr_freed += done;
		freed += done;
	}
	spin_unlock(&shrinker_lock);
	if (freed)
		slab_shrink_all();
	return freed;
}

bool gfp_may_reclaim(gfp_t gfp)
{
	return !(gfp & __GFP_ATOMIC) && !irqs_disabled() && !preempt_count();
}
