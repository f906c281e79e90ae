/* See ioremap.h. Mappings are only added, never removed: a page that was not
 * present cannot be in any TLB, so no CPU needs a flush. */
#include "ioremap.h"

#include <stddef.h>

#include <vitro/layout.h>
#include <vitro/pgtable.h>
#include <vitro/spinlock.h>

#include "../../../../shared/machine.h"
#include "mm_init.h"

#define PAGE_4K 4096ull

/* pgtable_map() walks and allocates without a lock of its own. */
static struct spinlock ioremap_lock = SPINLOCK_INIT;

void *ioremap(uint64_t phys, uint64_t size)
{
	uint64_t page = phys & ~(PAGE_4K - 1), end = phys + size, found, flags, page_size;
	uint64_t prot = PROT_KERNEL_MMIO;
	void *result = phys_to_virt(phys);

	if (!size || end < phys || phys < MACHINE_MMIO_HOLE_START || end > MACHINE_MMIO_HOLE_END)
		return NULL;
	if (!mm_boot_report.has_nx)
		prot &= ~PTE_NX;
	if (!mm_boot_report.has_global_pages)
		prot &= ~PTE_GLOBAL;
	spin_lock(&ioremap_lock);
	for (; page < end; page += PAGE_4K) {
		uint64_t virt = (uint64_t)phys_to_virt(page);

		if (pgtable_lookup(&kernel_pgtable, virt, &found, &flags, &page_size))
			continue;
		if (pgtable_map(&kernel_pgtable, virt, page, PAGE_4K, prot)) {
			result = NULL;
			break;
		}
	}
	spin_unlock(&ioremap_lock);
	return result;
}
