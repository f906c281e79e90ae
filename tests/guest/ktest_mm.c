/* Memory management in the running kernel (test=mm*): the page allocator at
 * every order and to exhaustion, kmalloc size classes, caches, vmalloc, guard
 * pages, and the kernel image's page permissions. Kept small: ring 0 is
 * emulated on nested hosts; the allocators' heavy tests run on the host. */
#include <vitro/cpu.h>
#include <vitro/ktest.h>
#include <vitro/mm.h>
#include <vitro/shrinker.h>
#include <vitro/pgtable.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/vmalloc.h>

#include "../../guest/kernel/arch/x86/ipi.h"
#include "../../guest/kernel/arch/x86/mm_init.h"
#include "../../guest/kernel/arch/x86/smpboot.h"
#include "../../guest/kernel/arch/x86/traps.h"

extern unsigned long slab_error_count;
extern const char _text[], _srodata[], _sdata[];

/* Reads or writes addr; returns the exception vector, or -1 if none. */
static int probe_write(volatile uint8_t *addr)
{
	trap_last_fixup.vector = ~0ull;
	__asm__ __volatile__("1: movb $0x5a, (%0)\n"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     :
			     : "r"(addr)
			     : "memory");
	return trap_last_fixup.vector == ~0ull ? -1 : (int)trap_last_fixup.vector;
}

static int probe_read(const volatile uint8_t *addr)
{
	uint8_t value;

	trap_last_fixup.vector = ~0ull;
	__asm__ __volatile__("1: movb (%1), %0\n"
			     "2:\n\t" TRAP_EXTABLE_ENTRY(1b, 2b)
			     : "=q"(value)
			     : "r"(addr)
			     : "memory");
	(void)value;
	return trap_last_fixup.vector == ~0ull ? -1 : (int)trap_last_fixup.vector;
}

static uint64_t free_pages_now(void)
{
	struct page_alloc_stats stats;

	page_alloc_drain_cpu(0);
	page_alloc_get_stats(&stats);
	return stats.free_pages;
}

KTEST(mm_allocates_every_order_naturally_aligned)
{
	uint64_t before = free_pages_now();
	unsigned int order;

	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		uint8_t *mem;

		KTEST_EXPECT(page != NULL);
		if (!page)
			continue;
		KTEST_EXPECT_EQ(page_to_pfn(page) & ((1ull << order) - 1), 0);
		mem = page_address(page);
		mem[0] = 1;
		mem[(PAGE_SIZE << order) - 1] = 2;
		free_pages_block(page, order);
	}
	KTEST_EXPECT_EQ(free_pages_now(), before);
}

static void drain_this_cpu(void *arg)
{
	(void)arg;
	page_alloc_drain_cpu(smp_processor_id());
}

/* Pages other CPUs freed (a thread's stack, say) wait on their per-CPU lists,
 * counted free but out of this CPU's reach: hand them back, as Linux's
 * drain_all_pages() does with IPIs. */
static void drain_all_cpus(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < smp_cpus_online(); cpu++)
		smp_call_function_single(cpu, drain_this_cpu, NULL);
}

/* Every free page is taken (largest blocks first, so it takes few steps),
 * then given back: the allocator must end where it started. The blocks are
 * chained through their first bytes. */
KTEST(mm_exhausts_and_refills_all_memory)
{
	uint64_t before, taken = 0;
	void *chain = NULL;
	int order;

	/* Caches that would give memory back under pressure do it now, so
	 * that what is free is all there is. */
	while (shrink_slab(0))
		;
	drain_all_cpus();
	before = free_pages_now();
	for (order = MAX_PAGE_ORDER; order >= 0; order--) {
		struct page *page;

		while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order))) {
			void **block = page_address(page);

			block[0] = chain;
			block[1] = (void *)(uintptr_t)order;
			chain = block;
			taken += 1ull << order;
		}
	}
	KTEST_EXPECT(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	KTEST_EXPECT(kmalloc(PAGE_SIZE * 4, GFP_KERNEL | __GFP_NOWARN) == NULL);
	KTEST_EXPECT_EQ(taken, before);
	while (chain) {
		void **block = chain;

		chain = block[0];
		free_pages(block, (unsigned int)(uintptr_t)block[1]);
	}
	KTEST_EXPECT_EQ(free_pages_now(), before);
}

KTEST(mm_zeroed_pages_are_zero)
{
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	uint64_t *words;
	unsigned int i;

	KTEST_EXPECT(page != NULL);
	if (!page)
		return;
	memset(page_address(page), 0xa5, 2 * PAGE_SIZE);
	free_pages_block(page, 1);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	KTEST_EXPECT(page != NULL);
	if (!page)
		return;
	words = page_address(page);
	for (i = 0; i < 2 * PAGE_SIZE / 8; i++)
		if (words[i])
			break;
	KTEST_EXPECT_EQ(i, 2 * PAGE_SIZE / 8);
	free_pages_block(page, 1);
}

KTEST(mm_kmalloc_serves_every_size_class)
{
	static const size_t sizes[] = { 1,    8,    9,	  16,	24,   32,    64,    65,
					96,   128,  192,  200,	256,  512,   1000,  1024,
					2048, 4096, 4097, 8192, 8193, 16384, 100000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t *p = kmalloc(sizes[i], GFP_KERNEL);

		KTEST_EXPECT(p != NULL);
		if (!p)
			continue;
		KTEST_EXPECT(ksize(p) >= sizes[i]);
		KTEST_EXPECT_EQ((uintptr_t)p % 8, 0);
		memset(p, 0x3c, sizes[i]);
		kfree(p);
	}
	KTEST_EXPECT(kzalloc(64, GFP_KERNEL) != NULL);
}

static void ktest_ctor(void *object)
{
	memset(object, 0x77, 40);
}

KTEST(mm_cache_objects_come_from_the_constructor_and_are_distinct)
{
	struct kmem_cache *cache = kmem_cache_create("ktest_objects", 40, 8, 0, ktest_ctor);
	uint8_t *a, *b;

	KTEST_EXPECT(cache != NULL);
	if (!cache)
		return;
	a = kmem_cache_alloc(cache, GFP_KERNEL);
	b = kmem_cache_alloc(cache, GFP_KERNEL);
	KTEST_EXPECT(a && b && a != b);
	if (a && b) {
		KTEST_EXPECT_EQ(a[39], 0x77);
		KTEST_EXPECT((a + 40 <= b) || (b + 40 <= a));
		kmem_cache_free(cache, a);
		kmem_cache_free(cache, b);
	}
	kmem_cache_destroy(cache);
}

KTEST(mm_slub_debug_catches_double_free_and_red_zone_overwrite)
{
	struct kmem_cache *cache = kmem_cache_create("ktest_debug", 24, 8, SLAB_DEBUG_ALL, NULL);
	unsigned long errors = slab_error_count;
	uint8_t *object;

	KTEST_EXPECT(cache != NULL);
	if (!cache)
		return;
	object = kmem_cache_alloc(cache, GFP_KERNEL);
	KTEST_EXPECT(object != NULL);
	kmem_cache_free(cache, object);
	kmem_cache_free(cache, object); /* double free: reported, ignored */
	KTEST_EXPECT_EQ(slab_error_count, errors + 1);

	object = kmem_cache_alloc(cache, GFP_KERNEL);
	KTEST_EXPECT(object != NULL);
	if (object) {
		object[24] = 0; /* one byte past the end, into the red zone */
		kmem_cache_free(cache, object);
	}
	KTEST_EXPECT_EQ(slab_error_count, errors + 2);
	kmem_cache_destroy(cache);
}

KTEST(mm_vmalloc_maps_a_large_area_and_gives_it_back)
{
	const size_t size = 4u << 20;
	uint64_t before;
	uint8_t *area;
	size_t off;

	/* A first round builds the page tables for this range, which stay
	 * (kernel page tables are not freed); the second must return every
	 * page it took. */
	vfree(vmalloc(size));
	before = free_pages_now();
	area = vmalloc(size);

	KTEST_EXPECT(area != NULL);
	if (!area)
		return;
	KTEST_EXPECT((uint64_t)area >= VMALLOC_START && (uint64_t)area < VMALLOC_END);
	for (off = 0; off < size; off += PAGE_SIZE)
		area[off] = (uint8_t)(off >> PAGE_SHIFT);
	KTEST_EXPECT_EQ(area[size - PAGE_SIZE], (uint8_t)((size - PAGE_SIZE) >> PAGE_SHIFT));
	KTEST_EXPECT(vmalloc_to_page(area) != vmalloc_to_page(area + PAGE_SIZE));
	vfree(area);
	KTEST_EXPECT(vmalloc_to_page(area) == NULL);
	KTEST_EXPECT_EQ(probe_read(area), TRAP_PAGE_FAULT);
	KTEST_EXPECT_EQ(free_pages_now(), before);
}

KTEST(mm_vmalloc_guard_pages_fault)
{
	uint8_t *area = vmalloc(PAGE_SIZE);
	uint64_t lo, hi;

	KTEST_EXPECT(area != NULL);
	if (!area)
		return;
	KTEST_EXPECT_EQ(probe_write(area), -1);
	KTEST_EXPECT_EQ(probe_write(area - 1), TRAP_PAGE_FAULT);
	KTEST_EXPECT_EQ(trap_last_fixup.cr2, (uint64_t)(area - 1));
	KTEST_EXPECT_EQ(probe_read(area + PAGE_SIZE), TRAP_PAGE_FAULT);
	KTEST_EXPECT(vmalloc_guard_hit((uint64_t)area - 1, &lo, &hi));
	KTEST_EXPECT_EQ(lo, (uint64_t)area);
	KTEST_EXPECT_EQ(hi, (uint64_t)area + PAGE_SIZE);
	vfree(area);
}

struct stack_probe {
	uint64_t rsp;
	int depth;
};

static void record_stack(void *arg)
{
	struct stack_probe *probe = arg;
	volatile uint8_t local = 1;

	probe->rsp = (uint64_t)&local;
	probe->depth++;
}

KTEST(mm_kernel_stack_runs_code_above_its_guard_page)
{
	uint8_t *stack = kernel_stack_alloc();
	struct stack_probe probe = { 0, 0 };

	KTEST_EXPECT(stack != NULL);
	if (!stack)
		return;
	call_on_stack(stack + KERNEL_STACK_SIZE, record_stack, &probe);
	KTEST_EXPECT_EQ(probe.depth, 1);
	KTEST_EXPECT(probe.rsp >= (uint64_t)stack &&
		     probe.rsp < (uint64_t)stack + KERNEL_STACK_SIZE);
	KTEST_EXPECT_EQ(probe_write(stack - 8), TRAP_PAGE_FAULT);
	kernel_stack_free(stack);
}

KTEST(mm_kernel_image_has_section_permissions)
{
	uint64_t flags = 0;

	/* Text: executable, not writable. */
	KTEST_EXPECT(pgtable_lookup(&kernel_pgtable, (uint64_t)_text, NULL, &flags, NULL));
	KTEST_EXPECT(!(flags & PTE_WRITE) && !(flags & PTE_NX));
	KTEST_EXPECT_EQ(probe_write((uint8_t *)_text), TRAP_PAGE_FAULT);
	KTEST_EXPECT_EQ(trap_last_fixup.error_code & 0x3, 0x3); /* present, write */
	/* Read-only data: neither writable nor executable. */
	KTEST_EXPECT(pgtable_lookup(&kernel_pgtable, (uint64_t)_srodata, NULL, &flags, NULL));
	KTEST_EXPECT(!(flags & PTE_WRITE));
	KTEST_EXPECT(!mm_boot_report.has_nx || (flags & PTE_NX));
	KTEST_EXPECT_EQ(probe_write((uint8_t *)_srodata), TRAP_PAGE_FAULT);
	/* Data: writable, not executable. */
	KTEST_EXPECT(pgtable_lookup(&kernel_pgtable, (uint64_t)_sdata, NULL, &flags, NULL));
	KTEST_EXPECT(flags & PTE_WRITE);
	KTEST_EXPECT(!mm_boot_report.has_nx || (flags & PTE_NX));
}

KTEST(mm_direct_map_uses_large_pages)
{
	uint64_t size = 0, phys = 0;

	KTEST_EXPECT(pgtable_lookup(&kernel_pgtable, (uint64_t)phys_to_virt(0x200000), &phys, NULL,
				    &size));
	KTEST_EXPECT_EQ(phys, 0x200000);
	KTEST_EXPECT(size >= PGTABLE_SIZE_2M);
	KTEST_EXPECT(!mm_boot_report.has_1g_pages || size == PGTABLE_SIZE_1G);
}
