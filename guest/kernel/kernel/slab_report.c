/* How the kernel reports a SLUB debug finding: the cache, the object, what
 * is wrong, and the callers by name, then a backtrace of the bad call. */
#include <vitro/kallsyms.h>
#include <vitro/printk.h>
#include <vitro/slab.h>

#include "../arch/x86/traps.h"

static void print_caller(const char *label, uintptr_t addr)
{
	uint64_t offset;
	const char *name;

	if (!addr)
		return;
	name = kallsyms_lookup(addr, &offset, NULL);
	if (name)
		pr_err("  %s %s+0x%llx\n", label, name, (unsigned long long)offset);
	else
		pr_err("  %s 0x%llx\n", label, (unsigned long long)addr);
}

unsigned long slab_error_count;

void slab_report_error(const struct slab_error *e)
{
	uint64_t rbp;

	slab_error_count++;
	pr_err("slub: %s in cache %s, object %p (offset %llu)\n", e->what, e->cache, e->object,
	       (unsigned long long)e->offset);
	print_caller("bad call from", e->caller);
	print_caller("allocated by", e->alloc_caller);
	print_caller("freed by", e->free_caller);
	__asm__ __volatile__("mov %%rbp, %0" : "=r"(rbp));
	backtrace_print((uint64_t)__builtin_return_address(0), *(const uint64_t *)rbp);
}
