/* `bench=mm` on the command line: times the allocators inside the running
 * kernel and prints one "mmbench:" line per measurement, for make bench to
 * record next to the host-built figures. Timing only: nothing is checked. */
#include <vitro/boot_info.h>
#include <vitro/mm.h>
#include <vitro/printk.h>
#include <vitro/slab.h>

#include "../arch/x86/io.h"
#include "mm_bench.h"

#define MM_BENCH_ROUNDS 200

static void report(const char *what, uint64_t cycles)
{
	uint64_t ns = tsc_to_ns(cycles) / MM_BENCH_ROUNDS;

	pr_emerg("mmbench: %-32s %8llu ns per pair\n", what, (unsigned long long)ns);
}

static void bench_kmalloc(size_t size, const char *what)
{
	uint64_t start;
	unsigned int i;

	kfree(kmalloc(size, GFP_KERNEL)); /* warm: a slab for this CPU */
	start = rdtsc();
	for (i = 0; i < MM_BENCH_ROUNDS; i++)
		kfree(kmalloc(size, GFP_KERNEL));
	report(what, rdtsc() - start);
}

void mm_bench_run(void)
{
	uint64_t start;
	unsigned int i;

	free_pages_block(alloc_pages(GFP_KERNEL, 0), 0);
	start = rdtsc();
	for (i = 0; i < MM_BENCH_ROUNDS; i++)
		free_pages_block(alloc_pages(GFP_KERNEL, 0), 0);
	report("alloc_pages+free, order 0", rdtsc() - start);
	bench_kmalloc(64, "kmalloc+kfree 64 B");
	bench_kmalloc(4096, "kmalloc+kfree 4 KiB");
}
