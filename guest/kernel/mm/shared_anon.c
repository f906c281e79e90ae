/* The pages of MAP_SHARED | MAP_ANONYMOUS memory (Linux backs it with a
 * shmem file): one object per mmap, shared by the areas that map it (split
 * parts, forked children, mremap copies), holding its pages by index so that
 * every mapper faults in the same page. Mappers in different processes use it
 * under different mmap_locks, so it has a lock of its own; page tables hold
 * references of their own on its pages. */
#include <vitro/slab.h>
#include <vitro/spinlock.h>

#include "internal.h"

#define SLOTS_PER_CHUNK (PAGE_SIZE / sizeof(struct page *))
#define MIN_CHUNKS 4

struct shared_anon {
	int refcount; /* areas */
	struct spinlock lock; /* the slots */
	uint64_t nr_chunks;
	struct page ***chunks; /* page i is chunks[i / SLOTS_PER_CHUNK][i % SLOTS_PER_CHUNK] */
};

struct shared_anon *shared_anon_create(void)
{
	struct shared_anon *shared = kzalloc(sizeof(*shared), GFP_KERNEL);

	if (!shared)
		return NULL;
	shared->refcount = 1;
	spin_lock_init(&shared->lock);
	return shared;
}

void shared_anon_get(struct shared_anon *shared)
{
	__atomic_add_fetch(&shared->refcount, 1, __ATOMIC_RELAXED);
}

void shared_anon_put(struct shared_anon *shared)
{
	uint64_t c, slot;

	if (__atomic_sub_fetch(&shared->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	for (c = 0; c < shared->nr_chunks; c++) {
		if (!shared->chunks[c])
			continue;
		for (slot = 0; slot < SLOTS_PER_CHUNK; slot++)
			if (shared->chunks[c][slot])
				put_page(shared->chunks[c][slot]);
		kfree(shared->chunks[c]);
	}
	kfree(shared->chunks);
	kfree(shared);
}

/* What an insertion at chunk c still needs (lock held). */
static bool needs_table(const struct shared_anon *shared, uint64_t c)
{
	return c >= shared->nr_chunks;
}

static bool needs_chunk(const struct shared_anon *shared, uint64_t c)
{
	return needs_table(shared, c) || !shared->chunks[c];
}

/*
 * The slot may need a larger chunk table, a chunk and a page; none can be
 * allocated under the spinlock (allocations may reclaim), so the missing ones
 * are allocated first and installed under the lock unless another mapper
 * installed its own meanwhile (then ours go back).
 */
struct page *shared_anon_get_page(struct shared_anon *shared, uint64_t index)
{
	uint64_t c = index / SLOTS_PER_CHUNK, slot = index % SLOTS_PER_CHUNK, nr_new_chunks = 0;
	struct page ***new_table = NULL, ***old_table = NULL, **new_chunk = NULL;
	struct page *page = NULL, *new_page = NULL;
	bool is_table_missing, is_chunk_missing;

	spin_lock(&shared->lock);
	if (!needs_chunk(shared, c))
		page = shared->chunks[c][slot];
	if (page)
		get_page(page);
	is_table_missing = needs_table(shared, c);
	is_chunk_missing = needs_chunk(shared, c);
	spin_unlock(&shared->lock);
	if (page)
		return page;

	if (is_table_missing) {
		nr_new_chunks = MIN_CHUNKS;
		while (nr_new_chunks <= c)
			nr_new_chunks *= 2;
		new_table = kzalloc(nr_new_chunks * sizeof(*new_table), GFP_KERNEL);
		if (!new_table)
			goto out;
	}
	if (is_chunk_missing) {
		new_chunk = kzalloc(SLOTS_PER_CHUNK * sizeof(*new_chunk), GFP_KERNEL);
		if (!new_chunk)
			goto out;
	}
	new_page = alloc_page(__GFP_ZERO);
	if (!new_page)
		goto out;

	spin_lock(&shared->lock);
	if (new_table && nr_new_chunks > shared->nr_chunks) {
		uint64_t i;

		for (i = 0; i < shared->nr_chunks; i++)
			new_table[i] = shared->chunks[i];
		old_table = shared->chunks;
		shared->chunks = new_table;
		shared->nr_chunks = nr_new_chunks;
		new_table = NULL;
	}
	/* Another mapper may have grown the table, but never past what c needs
	 * without making it large enough. */
	if (needs_table(shared, c)) {
		spin_unlock(&shared->lock);
		goto out;
	}
	if (!shared->chunks[c] && new_chunk) {
		shared->chunks[c] = new_chunk;
		new_chunk = NULL;
	}
	if (shared->chunks[c]) {
		if (!shared->chunks[c][slot]) {
			shared->chunks[c][slot] = new_page;
			new_page = NULL;
		}
		page = shared->chunks[c][slot];
		get_page(page);
	}
	spin_unlock(&shared->lock);
out:
	if (new_page)
		put_page(new_page);
	kfree(new_chunk);
	kfree(new_table);
	kfree(old_table);
	return page;
}
