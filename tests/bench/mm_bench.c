/* mm_bench: the guest kernel's allocators built for the host (-O2, the same
 * guest/kernel/mm files), in ns per alloc+free pair next to glibc malloc/free
 * running the same loop in the same process (part of `make bench`). One row
 * per measurement; "vs glibc" is vitro's time over glibc's (below 1: faster).
 * Usage: mm_bench [-q]   (-q: fewer iterations, for a smoke run) */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gnu/libc-version.h>
#include <malloc.h>
#include <sys/mman.h>
#include <time.h>
#include <vitro/mm.h>
#ifdef MM_BENCH_HAS_SLUB
#include <vitro/slab.h>
#endif

#define RAM_PFNS (256ull << (20 - PAGE_SHIFT)) /* 256 MiB, as a default guest */
#define NR_RUNS 7
#define BURST 512
#define MIXED_LIVE 64
#define MIXED_SEQUENCE 4096 /* orders, repeated */

static uint64_t nr_iterations = 2000000;
static unsigned char mixed_orders[MIXED_SEQUENCE];

/* Keeps the compiler from proving an allocation unused and removing the
 * malloc/free pair (GCC and Clang do that for plain loops). */
static inline void escape(void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* --- the loops: each returns ns per alloc+free pair ---------------------------- */

static double page_order0_pairs(void)
{
	double start = now_ns();
	uint64_t i;

	for (i = 0; i < nr_iterations; i++) {
		struct page *page = alloc_pages(GFP_KERNEL, 0);

		escape(page);
		free_pages_block(page, 0);
	}
	return (now_ns() - start) / nr_iterations;
}

static double malloc_4k_pairs(void)
{
	double start = now_ns();
	uint64_t i;

	for (i = 0; i < nr_iterations; i++) {
		void *p = malloc(PAGE_SIZE);

		escape(p);
		free(p);
	}
	return (now_ns() - start) / nr_iterations;
}

/* BURST allocations, then BURST frees in the same order: per-CPU lists
 * refill and drain in batches under the zone lock. */
static double page_order0_bursts(void)
{
	static struct page *pages[BURST];
	uint64_t rounds = nr_iterations / BURST, r;
	double start = now_ns();
	unsigned int i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < BURST; i++)
			pages[i] = alloc_pages(GFP_KERNEL, 0);
		for (i = 0; i < BURST; i++)
			free_pages_block(pages[i], 0);
	}
	return (now_ns() - start) / (rounds * BURST);
}

static double malloc_4k_bursts(void)
{
	static void *blocks[BURST];
	uint64_t rounds = nr_iterations / BURST, r;
	double start = now_ns();
	unsigned int i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < BURST; i++) {
			blocks[i] = malloc(PAGE_SIZE);
			escape(blocks[i]);
		}
		for (i = 0; i < BURST; i++)
			free(blocks[i]);
	}
	return (now_ns() - start) / (rounds * BURST);
}

/* MIXED_LIVE blocks in a ring: each step frees the oldest and allocates a
 * block of the next order in a fixed pseudo-random sequence (orders 0-3,
 * mostly 0), so blocks split and coalesce all the time. */
static double page_mixed(void)
{
	static struct page *ring[MIXED_LIVE];
	static unsigned char ring_order[MIXED_LIVE];
	double start, ns;
	uint64_t i;

	for (i = 0; i < MIXED_LIVE; i++) {
		ring_order[i] = mixed_orders[i];
		ring[i] = alloc_pages(GFP_KERNEL, ring_order[i]);
	}
	start = now_ns();
	for (i = 0; i < nr_iterations; i++) {
		unsigned int slot = i % MIXED_LIVE, order = mixed_orders[i % MIXED_SEQUENCE];

		free_pages_block(ring[slot], ring_order[slot]);
		ring[slot] = alloc_pages(GFP_KERNEL, order);
		ring_order[slot] = order;
	}
	ns = (now_ns() - start) / nr_iterations;
	for (i = 0; i < MIXED_LIVE; i++)
		free_pages_block(ring[i], ring_order[i]);
	return ns;
}

static double malloc_mixed(void)
{
	static void *ring[MIXED_LIVE];
	double start, ns;
	uint64_t i;

	for (i = 0; i < MIXED_LIVE; i++)
		ring[i] = malloc(PAGE_SIZE << mixed_orders[i]);
	start = now_ns();
	for (i = 0; i < nr_iterations; i++) {
		unsigned int slot = i % MIXED_LIVE;

		free(ring[slot]);
		ring[slot] = malloc(PAGE_SIZE << mixed_orders[i % MIXED_SEQUENCE]);
		escape(ring[slot]);
	}
	ns = (now_ns() - start) / nr_iterations;
	for (i = 0; i < MIXED_LIVE; i++)
		free(ring[i]);
	return ns;
}

#ifdef MM_BENCH_HAS_SLUB
static unsigned long nr_slab_errors;

/* Weak: a host build of the kernel's error hook may come to exist. */
__attribute__((weak)) void slab_report_error(const struct slab_error *error)
{
	(void)error;
	nr_slab_errors++;
}

static double kmalloc_pairs(size_t size)
{
	double start = now_ns();
	uint64_t i;

	for (i = 0; i < nr_iterations; i++) {
		void *p = kmalloc(size, GFP_KERNEL);

		escape(p);
		kfree(p);
	}
	return (now_ns() - start) / nr_iterations;
}

static double malloc_pairs(size_t size)
{
	double start = now_ns();
	uint64_t i;

	for (i = 0; i < nr_iterations; i++) {
		void *p = malloc(size);

		escape(p);
		free(p);
	}
	return (now_ns() - start) / nr_iterations;
}

static double kmalloc_64_pairs(void)
{
	return kmalloc_pairs(64);
}

static double malloc_64_pairs(void)
{
	return malloc_pairs(64);
}

static double kmalloc_4k_pairs(void)
{
	return kmalloc_pairs(4096);
}
#endif

/* --- the table ---------------------------------------------------------------------- */

struct measurement {
	const char *name;
	double (*vitro)(void);
	double (*glibc)(void);
	const char *glibc_name;
};

static const struct measurement measurements[] = {
	{ "alloc_pages+free_pages_block, order 0 (per-CPU list)", page_order0_pairs,
	  malloc_4k_pairs, "malloc(4096)+free" },
	{ "  the same in bursts of 512 (batched refill/drain)", page_order0_bursts,
	  malloc_4k_bursts, "512 x malloc(4096), 512 x free" },
	{ "  mixed orders 0-3, 64 blocks live", page_mixed, malloc_mixed,
	  "malloc(4 KiB << order)+free" },
#ifdef MM_BENCH_HAS_SLUB
	{ "kmalloc+kfree 64 B (SLUB)", kmalloc_64_pairs, malloc_64_pairs, "malloc(64)+free" },
	{ "kmalloc+kfree 4 KiB (SLUB)", kmalloc_4k_pairs, malloc_4k_pairs, "malloc(4096)+free" },
#endif
	/* More allocators (vmalloc, a kmem_cache of its own): one row each,
	 * with a glibc loop of the same shape. */
};

static double best_of(double (*fn)(void))
{
	double best = 0;
	unsigned int run;

	for (run = 0; run < NR_RUNS; run++) {
		double ns = fn();

		if (!run || ns < best)
			best = ns;
	}
	return best;
}

static int page_alloc_start(void)
{
	size_t map_bytes = page_alloc_map_bytes(RAM_PFNS);
	void *map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	void *ram = mmap(NULL, RAM_PFNS * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (map == MAP_FAILED || ram == MAP_FAILED) {
		perror("mm_bench: mmap");
		return -1;
	}
	host_phys_base = ram;
	page_alloc_init(map, RAM_PFNS);
	/* Low memory and a kernel image kept out, as on a real boot. */
	page_alloc_add_free_range(0x1, 0x9f);
	page_alloc_add_free_range(0x300, RAM_PFNS);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t rng = 0x853c49e6748fea9bull;
	unsigned int i;

	if (argc > 1 && !strcmp(argv[1], "-q"))
		nr_iterations /= 100;
	for (i = 0; i < MIXED_SEQUENCE; i++) {
		unsigned int r;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		r = (rng >> 33) % 100;
		mixed_orders[i] = r < 55 ? 0 : r < 80 ? 1 : r < 93 ? 2 : 3;
	}
	if (page_alloc_start())
		return 1;
#ifdef MM_BENCH_HAS_SLUB
	slab_init();
#endif
	/* Without this glibc gives the top of its heap back after each burst
	 * and the next burst pays page faults: that would time the host
	 * kernel, not the allocator (the page allocator never touches pages). */
	mallopt(M_TRIM_THRESHOLD, 1 << 30);

	printf("\nGuest allocators built for the host (guest/kernel/mm, -O2) against glibc %s\n"
	       "(heap trimming off);",
	       gnu_get_libc_version());
	printf(" ns per alloc+free pair, best of %d runs of %llu pairs; vs glibc = vitro / glibc\n\n",
	       NR_RUNS, (unsigned long long)nr_iterations);
	printf("%-54s %9s %9s %9s  %s\n", "", "vitro", "glibc", "vs glibc", "glibc loop");
	for (i = 0; i < sizeof(measurements) / sizeof(measurements[0]); i++) {
		const struct measurement *m = &measurements[i];
		double vitro_ns = best_of(m->vitro), glibc_ns = best_of(m->glibc);

		printf("%-54s %6.1f ns %6.1f ns %8.2fx  %s\n", m->name, vitro_ns, glibc_ns,
		       vitro_ns / glibc_ns, m->glibc_name);
	}
#ifdef MM_BENCH_HAS_SLUB
	if (nr_slab_errors)
		printf("(SLUB reported %lu errors during the runs)\n", nr_slab_errors);
#else
	printf("%-54s %s\n", "kmalloc+kfree 64 B, 4 KiB", "(no mm/slub.c in this tree)");
#endif
	return 0;
}
