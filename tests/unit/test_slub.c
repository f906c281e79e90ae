/* Tests for SLUB and kmalloc (guest/kernel/mm/slub.c, slab_common.c) on the
 * real page allocator, over simulated physical memory; several CPUs are
 * simulated with host_current_cpu. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/cpu.h>
#include <vitro/mm.h>
#include <vitro/slab.h>

#include "unit.h"

#define WORLD_MAX_PAGES 4096ul /* 16 MiB of simulated RAM */
#define WORLD_BYTES (WORLD_MAX_PAGES * PAGE_SIZE)
#define BLOCK_BYTES (PAGE_SIZE << MAX_PAGE_ORDER)

static uint8_t *world_ram;
static struct page *world_map;
static uint64_t world_pages;

/* --- recorded debug reports (the kernel prints them instead) ---------------- */

#define MAX_ERRORS 8

struct recorded_error {
	char cache[32];
	char what[64];
	const void *object;
	uintptr_t caller, alloc_caller, free_caller;
	size_t offset;
};

static struct recorded_error errors[MAX_ERRORS];
static unsigned int nr_errors;

void slab_report_error(const struct slab_error *error)
{
	struct recorded_error *r = &errors[nr_errors < MAX_ERRORS ? nr_errors : MAX_ERRORS - 1];

	nr_errors++;
	snprintf(r->cache, sizeof(r->cache), "%s", error->cache ? error->cache : "(null)");
	snprintf(r->what, sizeof(r->what), "%s", error->what ? error->what : "(null)");
	r->object = error->object;
	r->caller = error->caller;
	r->alloc_caller = error->alloc_caller;
	r->free_caller = error->free_caller;
	r->offset = error->offset;
}

/* --- a fresh allocator per test --------------------------------------------------- */

static void world_start(uint64_t nr_pages, unsigned int debug_flags)
{
	if (!world_ram) {
		/* Aligned to 4 MiB, so simulated physical alignment is real. */
		uint8_t *raw = mmap(NULL, WORLD_BYTES + BLOCK_BYTES, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (raw == MAP_FAILED)
			abort();
		world_ram = (uint8_t *)(((uintptr_t)raw + BLOCK_BYTES - 1) & ~(BLOCK_BYTES - 1));
		world_map = malloc(page_alloc_map_bytes(WORLD_MAX_PAGES));
		if (!world_map)
			abort();
	}
	world_pages = nr_pages;
	/* Fresh pages hold garbage, never zeroes: a pointer read from memory
	 * the allocator did not set is non-canonical and faults. */
	memset(world_ram, 0xa7, nr_pages * PAGE_SIZE);
	host_phys_base = world_ram;
	host_current_cpu = 0;
	page_alloc_init(world_map, nr_pages);
	page_alloc_add_free_range(0, nr_pages);
	nr_errors = 0;
	memset(errors, 0, sizeof(errors));
	slab_set_debug_flags(debug_flags);
	slab_init();
}

static void world_end(void)
{
	slab_set_debug_flags(0);
	host_current_cpu = 0;
}

static uint64_t free_pages_now(void)
{
	struct page_alloc_stats stats;

	page_alloc_get_stats(&stats);
	return stats.free_pages;
}

/* Every CPU the test used gives its per-CPU slabs back. */
static void shrink_on_cpus(unsigned int nr_cpus)
{
	unsigned int cpu, saved = host_current_cpu;

	for (cpu = 0; cpu < nr_cpus; cpu++) {
		host_current_cpu = cpu;
		slab_shrink_all();
	}
	host_current_cpu = saved;
}

struct info_query {
	const char *name;
	struct slab_info info;
	unsigned int nr_found;
};

static int info_find(const struct slab_info *info, void *arg)
{
	struct info_query *q = arg;

	if (!strcmp(info->name, q->name)) {
		q->info = *info;
		q->nr_found++;
	}
	return 0;
}

/* The slabinfo line of name; nr_found says whether (and how often) it is there. */
static struct info_query cache_info(const char *name)
{
	struct info_query q = { .name = name };

	slab_for_each_info(info_find, &q);
	return q;
}

static bool in_world(const void *p, size_t size)
{
	return (const uint8_t *)p >= world_ram &&
	       (const uint8_t *)p + size <= world_ram + world_pages * PAGE_SIZE;
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng_next() % n);
}

/* Bad calls made from functions of their own, so the reported caller can be
 * checked against where the call really was. The empty asm stops a tail
 * call, which would report our caller instead. */
#define CALL_SITE_MAX_BYTES 128

static __attribute__((noinline)) void *alloc_here(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ __volatile__("" ::: "memory");
	return p;
}

static __attribute__((noinline)) void free_here(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
	__asm__ __volatile__("" ::: "memory");
}

static __attribute__((noinline)) void bad_free_here(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
	__asm__ __volatile__("" ::: "memory");
}

static __attribute__((noinline)) void kfree_here(const void *p)
{
	kfree(p);
	__asm__ __volatile__("" ::: "memory");
}

static bool is_in_function(uintptr_t addr, const void *fn)
{
	return addr > (uintptr_t)fn && addr < (uintptr_t)fn + CALL_SITE_MAX_BYTES;
}

/* --- size classes and layout ------------------------------------------------------ */

static size_t expected_class(size_t size)
{
	static const size_t classes[] = { 8,   16,  32,	  64,	96,   128, 192,
					  256, 512, 1024, 2048, 4096, 8192 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	return 0;
}

static void test_slub_kmalloc_rounds_every_size_up_to_its_class(void)
{
	size_t size;

	world_start(WORLD_MAX_PAGES, 0);
	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		uint8_t *p = kmalloc(size, GFP_KERNEL);
		size_t class = expected_class(size);
		size_t natural = class & (class - 1) ? 8 : class < PAGE_SIZE ? class : PAGE_SIZE;

		if (!EXPECT_TRUE(p != NULL) || !EXPECT_EQ(ksize(p), class) ||
		    !EXPECT_EQ((uintptr_t)p % natural, 0) || !EXPECT_TRUE(in_world(p, class))) {
			UNIT_FAIL("kmalloc(%zu)", size);
			break;
		}
		memset(p, 0x5a, class);
		kfree(p);
	}
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_kmalloc_classes_have_linux_names_and_slab_orders(void)
{
	static const struct {
		const char *name;
		unsigned int pages_per_slab, objects_per_slab;
	} expected[] = {
		{ "kmalloc-8", 1, 512 },  { "kmalloc-96", 1, 42 },  { "kmalloc-192", 1, 21 },
		{ "kmalloc-512", 1, 8 },  { "kmalloc-1024", 2, 8 }, { "kmalloc-2048", 4, 8 },
		{ "kmalloc-4096", 8, 8 }, { "kmalloc-8192", 8, 4 },
	};
	unsigned int i;

	world_start(WORLD_MAX_PAGES, 0);
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		struct info_query q = cache_info(expected[i].name);

		if (!EXPECT_EQ(q.nr_found, 1))
			continue;
		EXPECT_EQ(q.info.pages_per_slab, expected[i].pages_per_slab);
		EXPECT_EQ(q.info.objects_per_slab, expected[i].objects_per_slab);
		EXPECT_EQ(q.info.total_slabs, 0); /* slabs come on first use */
	}
	world_end();
}

static void test_slub_kmalloc_zero_returns_null_and_kfree_null_is_noop(void)
{
	uint64_t free_before;

	world_start(WORLD_MAX_PAGES, 0);
	free_before = free_pages_now();
	EXPECT_TRUE(kmalloc(0, GFP_KERNEL) == NULL);
	EXPECT_TRUE(kzalloc(0, GFP_KERNEL) == NULL);
	kfree(NULL);
	EXPECT_EQ(ksize(NULL), 0);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_kzalloc_zeroes_a_reused_object(void)
{
	uint8_t *p, *q;

	world_start(WORLD_MAX_PAGES, 0);
	p = kmalloc(200, GFP_KERNEL);
	memset(p, 0xff, 200);
	kfree(p);
	q = kzalloc(200, GFP_KERNEL);
	EXPECT_TRUE(q == p); /* the CPU's freelist is LIFO */
	EXPECT_EQ(unit_first_byte_not(q, ksize(q), 0), ksize(q));
	kfree(q);
	world_end();
}

static void test_slub_cache_alignment_follows_align_and_hwcache_flag(void)
{
	struct kmem_cache *aligned, *line, *small_line;
	unsigned int i;

	world_start(WORLD_MAX_PAGES, 0);
	aligned = kmem_cache_create("align-256", 40, 256, 0, NULL);
	line = kmem_cache_create("hwcache-100", 100, 0, SLAB_HWCACHE_ALIGN, NULL);
	small_line = kmem_cache_create("hwcache-24", 24, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!EXPECT_TRUE(aligned && line && small_line))
		return world_end();
	for (i = 0; i < 100; i++) {
		EXPECT_EQ((uintptr_t)kmem_cache_alloc(aligned, GFP_KERNEL) % 256, 0);
		EXPECT_EQ((uintptr_t)kmem_cache_alloc(line, GFP_KERNEL) % 64, 0);
		/* Linux's rule: objects of at most half a line share lines. */
		EXPECT_EQ((uintptr_t)kmem_cache_alloc(small_line, GFP_KERNEL) % 32, 0);
	}
	EXPECT_EQ(cache_info("hwcache-100").info.size, 128);
	EXPECT_EQ(cache_info("hwcache-24").info.size, 32);
	EXPECT_EQ(cache_info("align-256").info.size, 256);
	world_end();
}

static void test_slub_create_rejects_bad_sizes_and_alignments(void)
{
	world_start(WORLD_MAX_PAGES, 0);
	EXPECT_TRUE(kmem_cache_create("zero", 0, 0, 0, NULL) == NULL);
	EXPECT_TRUE(kmem_cache_create("align-3", 16, 3, 0, NULL) == NULL);
	EXPECT_TRUE(kmem_cache_create("too-big", (PAGE_SIZE << 3) + 1, 0, 0, NULL) == NULL);
	EXPECT_TRUE(kmem_cache_create(NULL, 16, 0, 0, NULL) == NULL);
	EXPECT_EQ(cache_info("zero").nr_found + cache_info("align-3").nr_found, 0);
	world_end();
}

#define CTOR_SIZE 72
#define CTOR_BYTE 0xc7

static unsigned int nr_ctor_calls;

static void ctor_fill(void *object)
{
	memset(object, CTOR_BYTE, CTOR_SIZE);
	nr_ctor_calls++;
}

static void test_slub_ctor_state_survives_free_and_reallocation(void)
{
	struct kmem_cache *s;
	uint8_t *objects[200];
	unsigned int i, round;

	world_start(WORLD_MAX_PAGES, 0);
	nr_ctor_calls = 0;
	s = kmem_cache_create("ctor-72", CTOR_SIZE, 0, 0, ctor_fill);
	if (!EXPECT_TRUE(s != NULL))
		return world_end();
	/* The free pointer must not sit in the constructed bytes. */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < ARRAY_SIZE(objects); i++) {
			objects[i] = kmem_cache_alloc(s, GFP_KERNEL);
			if (unit_first_byte_not(objects[i], CTOR_SIZE, CTOR_BYTE) != CTOR_SIZE) {
				UNIT_FAIL("round %u object %u not in constructed state", round, i);
				return world_end();
			}
		}
		for (i = 0; i < ARRAY_SIZE(objects); i++)
			kmem_cache_free(s, objects[(i * 7) % ARRAY_SIZE(objects)]);
	}
	/* Once per object, when its slab was made, not per allocation. */
	EXPECT_EQ(nr_ctor_calls, cache_info("ctor-72").info.total_objects);
	kmem_cache_destroy(s);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

/* --- randomised operations --------------------------------------------------------- */

struct cache_spec {
	const char *name;
	size_t size, align;
	unsigned int flags;
	bool has_ctor;
	size_t expected_align;
};

static const struct cache_spec random_caches[] = {
	{ "odd-13", 13, 0, 0, false, 8 },
	{ "odd-100", 100, 0, 0, false, 8 },
	{ "align-256", 40, 256, 0, false, 256 },
	{ "hwcache-100", 100, 0, SLAB_HWCACHE_ALIGN, false, 64 },
	{ "hwcache-24", 24, 0, SLAB_HWCACHE_ALIGN, false, 32 },
	{ "ctor-72", CTOR_SIZE, 0, 0, true, 8 },
	{ "odd-3000", 3000, 0, 0, false, 8 },
	{ "page-4096", 4096, 4096, 0, false, 4096 },
	{ "big-20000", 20000, 0, 0, false, 8 },
};

#define NR_RANDOM_CACHES ARRAY_SIZE(random_caches)
#define MAX_LIVE 2500
#define RANDOM_OPS 40000
#define RANDOM_CPUS 3
#define KMALLOC_SLOT NR_RANDOM_CACHES /* live[].cache for kmalloc'd objects */

struct live_object {
	uint8_t *p;
	size_t size;
	uint8_t seed;
	uint8_t cache;
};

struct random_run {
	struct kmem_cache *caches[NR_RANDOM_CACHES];
	struct live_object live[MAX_LIVE];
	unsigned int nr_live;
	uint64_t held[NR_RANDOM_CACHES];
	uint64_t held_kmalloc[13];
	uint8_t *owner; /* one byte per 8-byte granule of simulated RAM */
};

static size_t random_kmalloc_size(void)
{
	uint32_t r = rng_below(100);

	if (r < 60)
		return 1 + rng_below(256);
	if (r < 95)
		return 1 + rng_below(KMALLOC_MAX_CACHE_SIZE);
	return KMALLOC_MAX_CACHE_SIZE + 1 + rng_below(40000);
}

static unsigned int class_index(size_t class)
{
	static const size_t classes[] = { 8,   16,  32,	  64,	96,   128, 192,
					  256, 512, 1024, 2048, 4096, 8192 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (class == classes[i])
			return i;
	return 0;
}

/* Marks (or clears) the granules of [p, p + size); false on overlap. */
static bool owner_mark(struct random_run *run, const uint8_t *p, size_t size, bool is_live)
{
	size_t first = (size_t)(p - world_ram) / 8, last = (size_t)(p + size - 1 - world_ram) / 8;
	size_t g;

	for (g = first; g <= last; g++) {
		if (run->owner[g] == is_live)
			return false;
		run->owner[g] = is_live;
	}
	return true;
}

static bool random_alloc(struct random_run *run, unsigned int op)
{
	struct live_object *o = &run->live[run->nr_live];
	size_t align;

	o->cache = rng_below(2) ? KMALLOC_SLOT : rng_below(NR_RANDOM_CACHES);
	if (o->cache == KMALLOC_SLOT) {
		size_t class;

		o->size = random_kmalloc_size();
		o->p = kmalloc(o->size, GFP_KERNEL);
		class = expected_class(o->size);
		align = !class		    ? PAGE_SIZE :
			class & (class - 1) ? 8 :
			class < PAGE_SIZE   ? class :
					      PAGE_SIZE;
	} else {
		o->size = random_caches[o->cache].size;
		o->p = kmem_cache_alloc(run->caches[o->cache], GFP_KERNEL);
		align = random_caches[o->cache].expected_align;
	}
	if (!o->p || !in_world(o->p, o->size) || (uintptr_t)o->p % align) {
		UNIT_FAIL("op %u: %p from %s (size %zu) is NULL, outside RAM or not %zu-aligned",
			  op, (void *)o->p,
			  o->cache == KMALLOC_SLOT ? "kmalloc" : random_caches[o->cache].name,
			  o->size, align);
		return false;
	}
	if (ksize(o->p) < o->size) {
		UNIT_FAIL("op %u: ksize %zu < %zu", op, ksize(o->p), o->size);
		return false;
	}
	if (o->cache != KMALLOC_SLOT && random_caches[o->cache].has_ctor &&
	    unit_first_byte_not(o->p, o->size, CTOR_BYTE) != o->size) {
		UNIT_FAIL("op %u: object of the ctor cache not constructed", op);
		return false;
	}
	if (!owner_mark(run, o->p, o->size, true)) {
		UNIT_FAIL("op %u: %p+%zu overlaps a live object", op, (void *)o->p, o->size);
		return false;
	}
	o->seed = (uint8_t)rng_next();
	memset(o->p, o->seed, o->size);
	if (o->cache == KMALLOC_SLOT) {
		if (o->size <= KMALLOC_MAX_CACHE_SIZE)
			run->held_kmalloc[class_index(expected_class(o->size))]++;
	} else {
		run->held[o->cache]++;
	}
	run->nr_live++;
	return true;
}

static bool random_free(struct random_run *run, unsigned int index, unsigned int op)
{
	struct live_object *o = &run->live[index];

	if (unit_first_byte_not(o->p, o->size, o->seed) != o->size) {
		UNIT_FAIL("op %u: %p+%zu changed at byte %zu while allocated", op, (void *)o->p,
			  o->size, unit_first_byte_not(o->p, o->size, o->seed));
		return false;
	}
	owner_mark(run, o->p, o->size, false);
	if (o->cache == KMALLOC_SLOT) {
		if (o->size <= KMALLOC_MAX_CACHE_SIZE)
			run->held_kmalloc[class_index(expected_class(o->size))]--;
		kfree(o->p);
	} else {
		if (random_caches[o->cache].has_ctor) /* objects go back constructed */
			memset(o->p, CTOR_BYTE, o->size);
		run->held[o->cache]--;
		kmem_cache_free(run->caches[o->cache], o->p);
	}
	*o = run->live[--run->nr_live];
	return true;
}

static bool random_counts_match(struct random_run *run, unsigned int op)
{
	static const char *const kmalloc_names[] = {
		"kmalloc-8",	"kmalloc-16",	"kmalloc-32",	"kmalloc-64",  "kmalloc-96",
		"kmalloc-128",	"kmalloc-192",	"kmalloc-256",	"kmalloc-512", "kmalloc-1024",
		"kmalloc-2048", "kmalloc-4096", "kmalloc-8192",
	};
	unsigned int i;

	for (i = 0; i < NR_RANDOM_CACHES + ARRAY_SIZE(kmalloc_names); i++) {
		bool is_kmalloc = i >= NR_RANDOM_CACHES;
		const char *name =
			is_kmalloc ? kmalloc_names[i - NR_RANDOM_CACHES] : random_caches[i].name;
		uint64_t held = is_kmalloc ? run->held_kmalloc[i - NR_RANDOM_CACHES] : run->held[i];
		struct info_query q = cache_info(name);

		if (q.info.active_objects != held || q.info.total_objects < held ||
		    q.info.total_objects != q.info.total_slabs * q.info.objects_per_slab ||
		    q.info.active_slabs > q.info.total_slabs ||
		    q.info.active_slabs * q.info.objects_per_slab < held) {
			UNIT_FAIL(
				"op %u: %s holds %llu, slabinfo says %llu/%llu objects, %llu/%llu slabs",
				op, name, (unsigned long long)held,
				(unsigned long long)q.info.active_objects,
				(unsigned long long)q.info.total_objects,
				(unsigned long long)q.info.active_slabs,
				(unsigned long long)q.info.total_slabs);
			return false;
		}
	}
	return true;
}

static void test_slub_random_ops_keep_objects_intact_disjoint_and_counted(void)
{
	struct random_run *run = calloc(1, sizeof(*run));
	uint64_t free_before, slab_pages_before;
	unsigned int op, i;

	if (!run || !(run->owner = calloc(WORLD_BYTES / 8, 1)))
		abort();
	world_start(WORLD_MAX_PAGES, 0);
	rng_state = 0x5eed5eed12345678ull;
	nr_ctor_calls = 0;
	free_before = free_pages_now();
	slab_pages_before = slab_total_pages();
	for (i = 0; i < NR_RANDOM_CACHES; i++) {
		const struct cache_spec *c = &random_caches[i];

		run->caches[i] = kmem_cache_create(c->name, c->size, c->align, c->flags,
						   c->has_ctor ? ctor_fill : NULL);
		if (!EXPECT_TRUE(run->caches[i] != NULL))
			goto out;
	}
	for (op = 0; op < RANDOM_OPS; op++) {
		/* Waves: fill up, then drain, so slabs empty and refill. */
		bool is_filling = (op / 5000) % 2 == 0;

		host_current_cpu = rng_below(RANDOM_CPUS);
		if (run->nr_live < MAX_LIVE &&
		    (!run->nr_live || rng_below(100) < (is_filling ? 65 : 35))) {
			if (!random_alloc(run, op))
				goto out;
		} else if (!random_free(run, rng_below(run->nr_live), op)) {
			goto out;
		}
		if (op % 2000 == 1999 && !random_counts_match(run, op))
			goto out;
	}
	while (run->nr_live)
		if (!random_free(run, rng_below(run->nr_live), op++))
			goto out;
	if (!random_counts_match(run, op))
		goto out;
	for (i = 0; i < NR_RANDOM_CACHES; i++) {
		kmem_cache_destroy(run->caches[i]);
		run->caches[i] = NULL;
		EXPECT_EQ(cache_info(random_caches[i].name).nr_found, 0);
	}
	shrink_on_cpus(RANDOM_CPUS);
	EXPECT_EQ(slab_total_pages(), slab_pages_before);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(nr_errors, 0);
out:
	free(run->owner);
	free(run);
	world_end();
}

/* --- CPUs ------------------------------------------------------------------------------ */

static void test_slub_frees_from_another_cpu_in_any_order_leave_consistent_state(void)
{
	enum { N = 3000 };
	static void *objects[N];
	struct kmem_cache *s;
	uint64_t free_before, slab_pages_before;
	unsigned int i, round;

	world_start(WORLD_MAX_PAGES, 0);
	rng_state = 42;
	free_before = free_pages_now();
	slab_pages_before = slab_total_pages();
	s = kmem_cache_create("cross-cpu-48", 48, 0, 0, NULL);
	if (!EXPECT_TRUE(s != NULL))
		return world_end();
	for (round = 0; round < 4; round++) {
		unsigned int alloc_cpu = round % 2, free_cpu = !alloc_cpu;

		host_current_cpu = alloc_cpu;
		for (i = 0; i < N; i++) {
			objects[i] = kmem_cache_alloc(s, GFP_KERNEL);
			if (!objects[i])
				break;
			memcpy(objects[i], &i, sizeof(i));
		}
		if (!EXPECT_EQ(i, N))
			break;
		EXPECT_EQ(cache_info("cross-cpu-48").info.active_objects, N);
		/* Shuffled, from the other CPU. */
		for (i = N - 1; i > 0; i--) {
			unsigned int j = rng_below(i + 1);
			void *t = objects[i];

			objects[i] = objects[j];
			objects[j] = t;
		}
		host_current_cpu = free_cpu;
		for (i = 0; i < N; i++) {
			unsigned int stamp;

			memcpy(&stamp, objects[i], sizeof(stamp));
			if (stamp >= N) {
				UNIT_FAIL("object %p overwritten while allocated", objects[i]);
				break;
			}
			kmem_cache_free(s, objects[i]);
		}
		EXPECT_EQ(cache_info("cross-cpu-48").info.active_objects, 0);
		EXPECT_EQ(cache_info("cross-cpu-48").info.active_slabs, 0);
	}
	kmem_cache_destroy(s);
	EXPECT_EQ(cache_info("cross-cpu-48").nr_found, 0);
	shrink_on_cpus(2);
	EXPECT_EQ(slab_total_pages(), slab_pages_before);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_cpus_first_using_a_cache_in_any_order_get_their_own_slabs(void)
{
	static const unsigned int cpus[] = { 5, 2, 0, 7, 1 };
	void *objects[ARRAY_SIZE(cpus)];
	struct kmem_cache *s;
	unsigned int i, j;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("late-cpus", 128, 0, 0, NULL);
	for (i = 0; i < ARRAY_SIZE(cpus); i++) {
		host_current_cpu = cpus[i];
		objects[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (!EXPECT_TRUE(objects[i] != NULL))
			return world_end();
		for (j = 0; j < i; j++)
			EXPECT_TRUE(virt_to_page(objects[i]) != virt_to_page(objects[j]));
	}
	EXPECT_EQ(cache_info("late-cpus").info.active_objects, ARRAY_SIZE(cpus));
	for (i = 0; i < ARRAY_SIZE(cpus); i++) {
		host_current_cpu = cpus[(i + 1) % ARRAY_SIZE(cpus)];
		kmem_cache_free(s, objects[i]);
	}
	host_current_cpu = 3; /* never used the cache: nothing to shrink */
	kmem_cache_shrink(s);
	kmem_cache_destroy(s);
	EXPECT_EQ(cache_info("late-cpus").nr_found, 0);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_remote_frees_to_an_active_slab_are_reused_by_its_cpu(void)
{
	void *first[64], *again[64];
	struct kmem_cache *s;
	unsigned int i, per_slab;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("remote-512", 512, 0, 0, NULL);
	per_slab = cache_info("remote-512").info.objects_per_slab;
	if (!EXPECT_TRUE(s != NULL && per_slab && per_slab <= 64))
		return world_end();
	host_current_cpu = 0;
	for (i = 0; i < per_slab; i++) /* exactly CPU 0's active slab */
		first[i] = kmem_cache_alloc(s, GFP_KERNEL);
	host_current_cpu = 1;
	for (i = 0; i < per_slab; i++)
		kmem_cache_free(s, first[i]);
	EXPECT_EQ(cache_info("remote-512").info.active_objects, 0);
	host_current_cpu = 0;
	for (i = 0; i < per_slab; i++)
		again[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* No second slab: CPU 0 took back what CPU 1 freed. */
	EXPECT_EQ(cache_info("remote-512").info.total_slabs, 1);
	for (i = 0; i < per_slab; i++)
		kmem_cache_free(s, again[i]);
	kmem_cache_destroy(s);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_full_slab_freed_into_goes_to_the_freeing_cpus_partial_list(void)
{
	void *cpu0[64] = { 0 }, *p;
	struct kmem_cache *s;
	unsigned int i, per_slab;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("cpu-partial-512", 512, 0, 0, NULL);
	per_slab = cache_info("cpu-partial-512").info.objects_per_slab;
	if (!EXPECT_TRUE(s != NULL && per_slab >= 4 && 2 * per_slab <= 64))
		return world_end();
	host_current_cpu = 1; /* CPU 1 uses the cache: it has an active slab */
	EXPECT_TRUE(kmem_cache_alloc(s, GFP_KERNEL) != NULL);
	/* CPU 0 fills a slab (full: on no list) and starts a second one. */
	host_current_cpu = 0;
	for (i = 0; i < per_slab + 1; i++)
		cpu0[i] = kmem_cache_alloc(s, GFP_KERNEL);
	host_current_cpu = 1;
	kmem_cache_free(s, cpu0[3]);
	/* CPU 0 uses up its second slab and cannot take the one CPU 1 keeps... */
	host_current_cpu = 0;
	for (i = per_slab + 1; i < 2 * per_slab + 1; i++)
		cpu0[i] = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_EQ(cache_info("cpu-partial-512").info.total_slabs, 4);
	/* ...which CPU 1 allocates from once its active slab is used up. */
	host_current_cpu = 1;
	for (i = 1; i < per_slab; i++)
		EXPECT_TRUE(kmem_cache_alloc(s, GFP_KERNEL) != NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(p == cpu0[3]);
	EXPECT_EQ(cache_info("cpu-partial-512").info.total_slabs, 4);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_empty_slabs_beyond_min_partial_return_to_page_allocator(void)
{
	enum { N = 512 * 40 };
	static void *objects[N];
	struct kmem_cache *s;
	uint64_t free_before;
	struct info_query q;
	unsigned int i;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("many-256", 256, 0, 0, NULL);
	free_before = free_pages_now();
	for (i = 0; i < N; i++)
		objects[i] = kmem_cache_alloc(s, GFP_KERNEL);
	q = cache_info("many-256");
	EXPECT_EQ(q.info.active_objects, N);
	EXPECT_TRUE(q.info.total_slabs >= N / q.info.objects_per_slab);
	for (i = 0; i < N; i++)
		kmem_cache_free(s, objects[i]);
	q = cache_info("many-256");
	EXPECT_EQ(q.info.active_objects, 0);
	/* Linux's min_partial (5), the active slab and a CPU partial slab or two. */
	EXPECT_TRUE(q.info.total_slabs <= 8);
	EXPECT_TRUE(free_before - free_pages_now() <= 8 + 1);
	kmem_cache_shrink(s);
	EXPECT_EQ(cache_info("many-256").info.total_slabs, 0);
	kmem_cache_destroy(s);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_destroy_with_live_objects_reports_and_keeps_cache(void)
{
	struct kmem_cache *s;
	void *p;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("leaky", 64, 0, 0, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	memset(p, 0x11, 64);
	kmem_cache_destroy(s);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].cache, "leaky");
		EXPECT_CONTAINS(errors[0].what, "in use");
	}
	/* Still there and still working: the object is freed, then the
	 * cache destroyed for real. */
	EXPECT_EQ(cache_info("leaky").nr_found, 1);
	EXPECT_EQ(cache_info("leaky").info.active_objects, 1);
	EXPECT_EQ(unit_first_byte_not(p, 64, 0x11), 64);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
	EXPECT_EQ(nr_errors, 1);
	EXPECT_EQ(cache_info("leaky").nr_found, 0);
	world_end();
}

static void test_slub_kmalloc_caches_cannot_be_destroyed(void)
{
	void *p;

	world_start(WORLD_MAX_PAGES, 0);
	p = kmalloc(64, GFP_KERNEL);
	kfree(p); /* empty, so only its being kmalloc's can stop the destroy */
	kmem_cache_destroy(virt_to_page(p)->slab_cache);
	if (EXPECT_EQ(nr_errors, 1))
		EXPECT_STR(errors[0].cache, "kmalloc-64");
	EXPECT_EQ(cache_info("kmalloc-64").nr_found, 1);
	EXPECT_TRUE(kmalloc(64, GFP_KERNEL) == p);
	world_end();
}

static void test_slub_each_cpu_allocates_from_its_own_slab(void)
{
	struct kmem_cache *s;
	void *a, *b;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("per-cpu-64", 64, 0, 0, NULL);
	host_current_cpu = 0;
	a = kmem_cache_alloc(s, GFP_KERNEL);
	host_current_cpu = 1;
	b = kmem_cache_alloc(s, GFP_KERNEL);
	/* Each CPU has an active slab; sharing one would need a lock. */
	EXPECT_TRUE(virt_to_page(a) != virt_to_page(b));
	EXPECT_EQ(cache_info("per-cpu-64").info.total_slabs, 2);
	kmem_cache_free(s, a); /* CPU 1 frees CPU 0's object: the slow path */
	host_current_cpu = 0;
	kmem_cache_free(s, b);
	EXPECT_EQ(cache_info("per-cpu-64").info.active_objects, 0);
	kmem_cache_destroy(s);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

/* --- kmalloc beyond the classes, krealloc, OOM --------------------------------------- */

static void test_slub_kmalloc_above_8k_comes_from_page_allocator_and_goes_back(void)
{
	uint64_t free_before, slab_before;
	uint8_t *p, *max;

	world_start(WORLD_MAX_PAGES, 0);
	free_before = free_pages_now();
	slab_before = slab_total_pages();
	p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL);
	if (!EXPECT_TRUE(p != NULL))
		return world_end();
	EXPECT_EQ((uintptr_t)p % PAGE_SIZE, 0);
	EXPECT_EQ(ksize(p), 4 * PAGE_SIZE);
	EXPECT_EQ(free_before - free_pages_now(), 4);
	EXPECT_EQ(slab_total_pages() - slab_before, 4);
	memset(p, 0xab, ksize(p));
	kfree(p);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(slab_total_pages(), slab_before);

	max = kmalloc(PAGE_SIZE << MAX_PAGE_ORDER, GFP_KERNEL);
	EXPECT_TRUE(max != NULL);
	EXPECT_TRUE(kmalloc((PAGE_SIZE << MAX_PAGE_ORDER) + 1, GFP_KERNEL) == NULL);
	kfree(max);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void fill_pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + 7);
}

static size_t first_pattern_mismatch(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)(i * 31 + 7))
			return i;
	return n;
}

static void test_slub_krealloc_grows_and_shrinks_preserving_contents(void)
{
	static const size_t sizes[] = { 20, 24, 100, 5000, 20000, 70000, 3000, 10 };
	uint64_t free_before, slab_before;
	uint8_t *p, *q;
	size_t size = 20;
	unsigned int i;

	world_start(WORLD_MAX_PAGES, 0);
	free_before = free_pages_now();
	slab_before = slab_total_pages();
	p = krealloc(NULL, size, GFP_KERNEL); /* kmalloc */
	if (!EXPECT_TRUE(p != NULL))
		return world_end();
	fill_pattern(p, size);
	for (i = 1; i < ARRAY_SIZE(sizes); i++) {
		size_t kept = size < sizes[i] ? size : sizes[i];
		size_t old_room = ksize(p);

		q = krealloc(p, sizes[i], GFP_KERNEL);
		if (!EXPECT_TRUE(q != NULL))
			break;
		if (sizes[i] <= old_room)
			EXPECT_TRUE(q == p); /* in place */
		EXPECT_TRUE(ksize(q) >= sizes[i]);
		if (!EXPECT_EQ(first_pattern_mismatch(q, kept), kept))
			UNIT_FAIL("krealloc %zu -> %zu lost contents", size, sizes[i]);
		fill_pattern(q, sizes[i]);
		p = q;
		size = sizes[i];
	}
	EXPECT_TRUE(krealloc(p, 0, GFP_KERNEL) == NULL); /* frees */
	shrink_on_cpus(1);
	EXPECT_EQ(cache_info("kmalloc-32").info.active_objects, 0);
	EXPECT_EQ(cache_info("kmalloc-8192").info.active_objects, 0);
	EXPECT_EQ(slab_total_pages(), slab_before);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_krealloc_failure_keeps_the_old_object(void)
{
	uint8_t *p;

	world_start(WORLD_MAX_PAGES, 0);
	p = kmalloc(100, GFP_KERNEL);
	fill_pattern(p, 100);
	EXPECT_TRUE(krealloc(p, (PAGE_SIZE << MAX_PAGE_ORDER) + 1, GFP_KERNEL) == NULL);
	EXPECT_EQ(first_pattern_mismatch(p, 100), 100);
	EXPECT_EQ(cache_info("kmalloc-128").info.active_objects, 1);
	kfree(p);
	world_end();
}

#define OOM_PAGES 256 /* 1 MiB */

static void test_slub_out_of_memory_returns_null_and_frees_recover(void)
{
	enum { MAX_OBJECTS = OOM_PAGES * PAGE_SIZE / 64 };
	static void *objects[MAX_OBJECTS];
	static struct page *pages[OOM_PAGES];
	uint64_t free_before, slab_before;
	struct kmem_cache *late;
	unsigned int nr_objects = 0, nr_pages = 0, i;
	void *p;

	world_start(OOM_PAGES, 0);
	free_before = free_pages_now();
	slab_before = slab_total_pages();
	/* kmalloc alone runs the page allocator dry, and gets NULL. */
	while (nr_objects < MAX_OBJECTS && (p = kmalloc(64, GFP_KERNEL)))
		objects[nr_objects++] = p;
	if (!EXPECT_TRUE(nr_objects < MAX_OBJECTS))
		return world_end();
	EXPECT_TRUE(nr_objects > MAX_OBJECTS / 2);
	EXPECT_TRUE(kmalloc(64, GFP_KERNEL) == NULL);
	EXPECT_TRUE(kmalloc(5000, GFP_KERNEL) == NULL);
	EXPECT_TRUE(kmalloc(20000, GFP_KERNEL) == NULL);
	late = kmem_cache_create("late", 32, 0, 0, NULL);
	if (late) { /* the cache of caches had room; the new cache has none */
		EXPECT_TRUE(kmem_cache_alloc(late, GFP_KERNEL) == NULL);
		kmem_cache_destroy(late);
	}
	EXPECT_EQ(cache_info("kmalloc-64").info.active_objects, nr_objects);
	for (i = 0; i < nr_objects; i++)
		kfree(objects[i]);
	EXPECT_EQ(cache_info("kmalloc-64").info.active_objects, 0);

	/* Pages taken directly: kmalloc fails, and works once they return. */
	while (nr_pages < OOM_PAGES && (pages[nr_pages] = alloc_pages(GFP_KERNEL, 0)))
		nr_pages++;
	for (i = 0; i < 100 && (p = kmalloc(1000, GFP_KERNEL)); i++)
		;
	EXPECT_TRUE(p == NULL);
	while (nr_pages)
		free_pages_block(pages[--nr_pages], 0);
	p = kmalloc(1000, GFP_KERNEL);
	EXPECT_TRUE(p != NULL);
	kfree(p);
	p = kmalloc(20000, GFP_KERNEL);
	EXPECT_TRUE(p != NULL);
	kfree(p);
	shrink_on_cpus(1);
	EXPECT_EQ(slab_total_pages(), slab_before);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

static void test_slub_memory_exhausted_by_kmalloc_all_comes_back(void)
{
	enum { MAX_OBJECTS = OOM_PAGES * PAGE_SIZE / 8 };
	static void *objects[MAX_OBJECTS];
	uint64_t free_before, slab_before;
	unsigned int n = 0;
	void *p;

	world_start(OOM_PAGES, 0);
	free_before = free_pages_now();
	slab_before = slab_total_pages();
	rng_state = 7;
	while (n < MAX_OBJECTS && (p = kmalloc(1 + rng_below(3000), GFP_KERNEL)))
		objects[n++] = p;
	EXPECT_TRUE(n < MAX_OBJECTS);
	EXPECT_TRUE(free_pages_now() < 8);
	while (n)
		kfree(objects[--n]);
	shrink_on_cpus(1);
	EXPECT_EQ(slab_total_pages(), slab_before);
	EXPECT_EQ(free_pages_now(), free_before);
	EXPECT_EQ(nr_errors, 0);
	world_end();
}

/* --- debug mode ------------------------------------------------------------------------- */

static struct kmem_cache *debug_cache(const char *name, size_t size)
{
	return kmem_cache_create(name, size, 0, SLAB_DEBUG_ALL, NULL);
}

static void test_slub_debug_double_free_is_reported_with_callers_and_ignored(void)
{
	struct kmem_cache *s;
	uint8_t *a, *b, *c;

	world_start(WORLD_MAX_PAGES, 0);
	s = debug_cache("dbg-40", 40);
	a = alloc_here(s);
	b = alloc_here(s);
	free_here(s, a);
	bad_free_here(s, a);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].cache, "dbg-40");
		EXPECT_STR(errors[0].what, "double free");
		EXPECT_TRUE(errors[0].object == a);
		EXPECT_TRUE(is_in_function(errors[0].caller, (const void *)bad_free_here));
		EXPECT_TRUE(is_in_function(errors[0].alloc_caller, (const void *)alloc_here));
		EXPECT_TRUE(is_in_function(errors[0].free_caller, (const void *)free_here));
	}
	/* Ignored: a is on the free list once, so it comes back once. */
	c = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(c == a);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(c != a && c != b);
	EXPECT_EQ(cache_info("dbg-40").info.active_objects, 3);
	EXPECT_EQ(nr_errors, 1);
	world_end();
}

static void test_slub_double_free_of_last_freed_object_is_caught_without_debug(void)
{
	struct kmem_cache *s;
	void *a, *b;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("plain-32", 32, 0, 0, NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a);
	bad_free_here(s, a);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].what, "double free");
		EXPECT_TRUE(errors[0].object == a);
		EXPECT_TRUE(is_in_function(errors[0].caller, (const void *)bad_free_here));
	}
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(a != b);
	world_end();
}

static void test_slub_debug_write_past_object_is_reported_at_free_with_offset(void)
{
	struct kmem_cache *s;
	uint8_t *a, *b;

	world_start(WORLD_MAX_PAGES, 0);
	s = debug_cache("dbg-24", 24);
	a = alloc_here(s);
	a[24] = 0; /* one byte into the right red zone */
	bad_free_here(s, a);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].cache, "dbg-24");
		EXPECT_STR(errors[0].what, "red zone overwritten");
		EXPECT_TRUE(errors[0].object == a);
		EXPECT_EQ(errors[0].offset, 24);
		EXPECT_TRUE(is_in_function(errors[0].caller, (const void *)bad_free_here));
		EXPECT_TRUE(is_in_function(errors[0].alloc_caller, (const void *)alloc_here));
	}
	/* Reported once and repaired; the object was freed. */
	EXPECT_EQ(cache_info("dbg-24").info.active_objects, 0);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(b == a);
	kmem_cache_free(s, b);
	EXPECT_EQ(nr_errors, 1);
	world_end();
}

static void test_slub_debug_write_before_object_is_reported_with_negative_offset(void)
{
	struct kmem_cache *s;
	uint8_t *a;

	world_start(WORLD_MAX_PAGES, 0);
	s = debug_cache("dbg-64", 64);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	a[-3] = 0x42;
	kmem_cache_free(s, a);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].what, "red zone overwritten");
		EXPECT_EQ(errors[0].offset, (size_t)-3);
	}
	world_end();
}

static void test_slub_debug_write_after_free_is_reported_at_next_allocation(void)
{
	struct kmem_cache *s;
	uint8_t *a, *b;

	world_start(WORLD_MAX_PAGES, 0);
	s = debug_cache("dbg-100", 100);
	a = alloc_here(s);
	free_here(s, a);
	a[37] = 0x00; /* use after free */
	EXPECT_EQ(nr_errors, 0);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(b == a);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].cache, "dbg-100");
		EXPECT_CONTAINS(errors[0].what, "use after free");
		EXPECT_TRUE(errors[0].object == a);
		EXPECT_EQ(errors[0].offset, 37);
		EXPECT_TRUE(is_in_function(errors[0].alloc_caller, (const void *)alloc_here));
		EXPECT_TRUE(is_in_function(errors[0].free_caller, (const void *)free_here));
	}
	kmem_cache_free(s, b);
	EXPECT_EQ(nr_errors, 1);
	world_end();
}

static void test_slub_debug_reports_the_first_bad_byte_at_every_offset(void)
{
	enum { SIZE = 203 };
	struct kmem_cache *s;
	unsigned int offset, bad = 0;
	uint8_t *a, *b;

	world_start(WORLD_MAX_PAGES, 0);
	s = debug_cache("dbg-203", SIZE);
	/* Written after free, then found when the object is handed out. */
	for (offset = 0; offset < SIZE; offset++) {
		a = kmem_cache_alloc(s, GFP_KERNEL);
		kmem_cache_free(s, a);
		a[offset] ^= 0x10;
		nr_errors = 0;
		b = kmem_cache_alloc(s, GFP_KERNEL);
		if (b != a || nr_errors != 1 || errors[0].offset != offset)
			bad++;
		kmem_cache_free(s, b);
	}
	EXPECT_EQ(bad, 0);
	/* Written past the end, then found at free (the red zone runs up to
	 * the next 8-byte boundary and 8 bytes further). */
	for (offset = SIZE; offset < 216; offset++) {
		a = kmem_cache_alloc(s, GFP_KERNEL);
		a[offset] = 0;
		nr_errors = 0;
		kmem_cache_free(s, a);
		if (nr_errors != 1 || errors[0].offset != offset)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	world_end();
}

static void test_slub_debug_overwritten_free_pointer_is_reported_not_followed(void)
{
	struct kmem_cache *s;
	uint8_t *a, *b, *c;

	world_start(WORLD_MAX_PAGES, 0);
	s = debug_cache("dbg-fp-24", 24);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a);
	/* Past the red zone: the free pointer (after 24 bytes of object and
	 * 8 of red zone); a wild value that would crash if followed. */
	memset(a + 32, 0x41, 8);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(c == a);
	if (EXPECT_TRUE(nr_errors >= 1)) {
		EXPECT_STR(errors[0].what, "free pointer overwritten");
		EXPECT_TRUE(errors[0].object == a);
		EXPECT_EQ(errors[0].offset, 32);
	}
	/* The rest of the slab is written off; new objects come from a new one. */
	c = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_TRUE(c != NULL && virt_to_page(c) != virt_to_page(b));
	world_end();
}

static void test_slub_debug_free_inside_object_is_reported_and_ignored(void)
{
	struct kmem_cache *s;
	uint8_t *a;

	world_start(WORLD_MAX_PAGES, 0);
	s = debug_cache("dbg-48", 48);
	a = alloc_here(s);
	bad_free_here(s, a + 8);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].cache, "dbg-48");
		EXPECT_CONTAINS(errors[0].what, "inside an object");
		EXPECT_TRUE(errors[0].object == a);
		EXPECT_EQ(errors[0].offset, 8);
		EXPECT_TRUE(is_in_function(errors[0].caller, (const void *)bad_free_here));
		EXPECT_TRUE(is_in_function(errors[0].alloc_caller, (const void *)alloc_here));
	}
	EXPECT_EQ(cache_info("dbg-48").info.active_objects, 1);
	kmem_cache_free(s, a);
	EXPECT_EQ(cache_info("dbg-48").info.active_objects, 0);
	EXPECT_EQ(nr_errors, 1);
	world_end();
}

static void test_slub_free_to_the_wrong_cache_is_reported_and_ignored(void)
{
	struct kmem_cache *s, *other;
	void *a;

	world_start(WORLD_MAX_PAGES, 0);
	s = kmem_cache_create("right", 64, 0, 0, NULL);
	other = kmem_cache_create("wrong", 64, 0, 0, NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	bad_free_here(other, a);
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_STR(errors[0].cache, "right");
		EXPECT_CONTAINS(errors[0].what, "wrong cache");
		EXPECT_TRUE(errors[0].object == a);
	}
	EXPECT_EQ(cache_info("right").info.active_objects, 1);
	EXPECT_EQ(cache_info("wrong").info.active_objects, 0);
	kmem_cache_free(s, a);
	EXPECT_EQ(cache_info("right").info.active_objects, 0);
	world_end();
}

static void test_slub_kfree_of_a_page_kmalloc_never_gave_is_reported(void)
{
	struct page *page;
	uint64_t free_before;

	world_start(WORLD_MAX_PAGES, 0);
	page = alloc_pages(GFP_KERNEL, 0);
	free_before = free_pages_now();
	kfree_here(page_address(page));
	if (EXPECT_EQ(nr_errors, 1)) {
		EXPECT_CONTAINS(errors[0].what, "kmalloc did not return");
		EXPECT_TRUE(is_in_function(errors[0].caller, (const void *)kfree_here));
	}
	EXPECT_EQ(free_pages_now(), free_before);
	free_pages_block(page, 0);
	world_end();
}

/* slub_debug on the command line: the kmalloc caches check too. */
static void test_slub_global_debug_flags_check_kmalloc_objects(void)
{
	uint8_t *a, *b;

	world_start(WORLD_MAX_PAGES, SLAB_DEBUG_ALL);
	a = kmalloc(13, GFP_KERNEL);
	b = kmalloc(13, GFP_KERNEL);
	a[16] = 1; /* past the kmalloc-16 object */
	kfree_here(a);
	kfree_here(b);
	kfree_here(b);
	if (EXPECT_EQ(nr_errors, 2)) {
		EXPECT_STR(errors[0].cache, "kmalloc-16");
		EXPECT_STR(errors[0].what, "red zone overwritten");
		EXPECT_EQ(errors[0].offset, 16);
		EXPECT_STR(errors[1].what, "double free");
		EXPECT_TRUE(errors[1].object == b);
		EXPECT_TRUE(errors[1].alloc_caller != 0 && errors[1].free_caller != 0);
	}
	/* ksize stops at the red zone: the class size, not the debug slot. */
	EXPECT_EQ(ksize(kmalloc(100, GFP_KERNEL)), 128);
	world_end();
}

static CU_TestInfo slub_tests[] = {
	UNIT_TEST(test_slub_kmalloc_rounds_every_size_up_to_its_class),
	UNIT_TEST(test_slub_kmalloc_classes_have_linux_names_and_slab_orders),
	UNIT_TEST(test_slub_kmalloc_zero_returns_null_and_kfree_null_is_noop),
	UNIT_TEST(test_slub_kzalloc_zeroes_a_reused_object),
	UNIT_TEST(test_slub_cache_alignment_follows_align_and_hwcache_flag),
	UNIT_TEST(test_slub_create_rejects_bad_sizes_and_alignments),
	UNIT_TEST(test_slub_ctor_state_survives_free_and_reallocation),
	UNIT_TEST(test_slub_random_ops_keep_objects_intact_disjoint_and_counted),
	UNIT_TEST(test_slub_frees_from_another_cpu_in_any_order_leave_consistent_state),
	UNIT_TEST(test_slub_cpus_first_using_a_cache_in_any_order_get_their_own_slabs),
	UNIT_TEST(test_slub_remote_frees_to_an_active_slab_are_reused_by_its_cpu),
	UNIT_TEST(test_slub_full_slab_freed_into_goes_to_the_freeing_cpus_partial_list),
	UNIT_TEST(test_slub_empty_slabs_beyond_min_partial_return_to_page_allocator),
	UNIT_TEST(test_slub_destroy_with_live_objects_reports_and_keeps_cache),
	UNIT_TEST(test_slub_kmalloc_caches_cannot_be_destroyed),
	UNIT_TEST(test_slub_each_cpu_allocates_from_its_own_slab),
	UNIT_TEST(test_slub_kmalloc_above_8k_comes_from_page_allocator_and_goes_back),
	UNIT_TEST(test_slub_krealloc_grows_and_shrinks_preserving_contents),
	UNIT_TEST(test_slub_krealloc_failure_keeps_the_old_object),
	UNIT_TEST(test_slub_out_of_memory_returns_null_and_frees_recover),
	UNIT_TEST(test_slub_memory_exhausted_by_kmalloc_all_comes_back),
	UNIT_TEST(test_slub_debug_double_free_is_reported_with_callers_and_ignored),
	UNIT_TEST(test_slub_double_free_of_last_freed_object_is_caught_without_debug),
	UNIT_TEST(test_slub_debug_write_past_object_is_reported_at_free_with_offset),
	UNIT_TEST(test_slub_debug_write_before_object_is_reported_with_negative_offset),
	UNIT_TEST(test_slub_debug_write_after_free_is_reported_at_next_allocation),
	UNIT_TEST(test_slub_debug_reports_the_first_bad_byte_at_every_offset),
	UNIT_TEST(test_slub_debug_overwritten_free_pointer_is_reported_not_followed),
	UNIT_TEST(test_slub_debug_free_inside_object_is_reported_and_ignored),
	UNIT_TEST(test_slub_free_to_the_wrong_cache_is_reported_and_ignored),
	UNIT_TEST(test_slub_kfree_of_a_page_kmalloc_never_gave_is_reported),
	UNIT_TEST(test_slub_global_debug_flags_check_kmalloc_objects),
	CU_TEST_INFO_NULL,
};

static void unit_register_slub(void)
{
	unit_add_suite("slub", slub_tests);
}

UNIT_REGISTER(unit_register_slub)
