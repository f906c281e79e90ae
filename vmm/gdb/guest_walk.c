/* See guest_walk.h. Intel SDM vol. 3A, chapter 4 (paging): 4.3 (32-bit),
 * 4.4 (PAE), 4.5 (4- and 5-level). Accessed and dirty bits are left alone:
 * a debugger's look must not change what the guest sees. */
#include "guest_walk.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define PTE_PRESENT (1ull << 0)
#define PTE_PAGE_SIZE (1ull << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PAE_PDPTE_ADDR_MASK 0xffffffe0ull
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)

static int read_entry64(const struct guest_mem *mem, uint64_t gpa, uint64_t *entry)
{
	const void *p = guest_mem_ptr(mem, gpa, sizeof(*entry));

	if (!p)
		return -EFAULT;
	memcpy(entry, p, sizeof(*entry));
	return (*entry & PTE_PRESENT) ? 0 : -EFAULT;
}

static int read_entry32(const struct guest_mem *mem, uint64_t gpa, uint32_t *entry)
{
	const void *p = guest_mem_ptr(mem, gpa, sizeof(*entry));

	if (!p)
		return -EFAULT;
	memcpy(entry, p, sizeof(*entry));
	return (*entry & PTE_PRESENT) ? 0 : -EFAULT;
}

/* Walks `levels` levels of 512-entry tables from table. Large pages end the
 * walk at level 2 (2 MiB) or, in long mode, level 3 (1 GiB). */
static int walk_tables(const struct guest_mem *mem, uint64_t table, unsigned int levels,
		       bool has_1g_pages, uint64_t linear, uint64_t *gpa, uint64_t *page_size)
{
	unsigned int level, shift;
	uint64_t entry, size;

	for (level = levels; level >= 1; level--) {
		shift = PAGE_SHIFT + 9 * (level - 1);
		if (read_entry64(mem, table + ((linear >> shift) & 0x1ff) * 8, &entry))
			return -EFAULT;
		if (level == 1 ||
		    ((entry & PTE_PAGE_SIZE) && (level == 2 || (level == 3 && has_1g_pages)))) {
			size = 1ull << shift;
			*gpa = (entry & PTE_ADDR_MASK & ~(size - 1)) | (linear & (size - 1));
			*page_size = size;
			return 0;
		}
		if (entry & PTE_PAGE_SIZE)
			return -EFAULT; /* reserved at this level */
		table = entry & PTE_ADDR_MASK;
	}
	return -EFAULT;
}

static int walk_long_mode(const struct guest_mem *mem, const struct guest_paging *paging,
			  uint64_t linear, uint64_t *gpa, uint64_t *page_size)
{
	unsigned int levels = (paging->cr4 & X86_CR4_LA57) ? 5 : 4;
	unsigned int bits = PAGE_SHIFT + 9 * levels;
	int64_t extended = (int64_t)(linear << (64 - bits)) >> (64 - bits);

	if ((uint64_t)extended != linear)
		return -EFAULT; /* not canonical */
	return walk_tables(mem, paging->cr3 & PTE_ADDR_MASK, levels, true, linear, gpa, page_size);
}

static int walk_pae(const struct guest_mem *mem, const struct guest_paging *paging, uint64_t linear,
		    uint64_t *gpa, uint64_t *page_size)
{
	uint64_t pdpte;

	if (read_entry64(mem, (paging->cr3 & PAE_PDPTE_ADDR_MASK) + ((linear >> 30) & 3) * 8,
			 &pdpte))
		return -EFAULT;
	return walk_tables(mem, pdpte & PTE_ADDR_MASK, 2, false, linear, gpa, page_size);
}

static int walk_32bit(const struct guest_mem *mem, const struct guest_paging *paging,
		      uint64_t linear, uint64_t *gpa, uint64_t *page_size)
{
	uint32_t pde, pte;

	if (read_entry32(mem, (paging->cr3 & 0xfffff000u) + ((linear >> 22) & 0x3ff) * 4, &pde))
		return -EFAULT;
	if ((pde & PTE_PAGE_SIZE) && (paging->cr4 & X86_CR4_PSE)) {
		*gpa = (pde & 0xffc00000u) | (linear & 0x3fffff);
		*page_size = 1ull << 22;
		return 0;
	}
	if (read_entry32(mem, (pde & 0xfffff000u) + ((linear >> 12) & 0x3ff) * 4, &pte))
		return -EFAULT;
	*gpa = (pte & 0xfffff000u) | (linear & 0xfff);
	*page_size = PAGE_SIZE;
	return 0;
}

int guest_walk_translate(const struct guest_mem *mem, const struct guest_paging *paging,
			 uint64_t linear, uint64_t *gpa, uint64_t *page_size)
{
	if (!(paging->cr0 & X86_CR0_PG)) {
		*gpa = linear;
		*page_size = PAGE_SIZE;
		return 0;
	}
	if (paging->efer & X86_EFER_LMA)
		return walk_long_mode(mem, paging, linear, gpa, page_size);
	if (linear >> 32)
		return -EFAULT;
	if (paging->cr4 & X86_CR4_PAE)
		return walk_pae(mem, paging, linear, gpa, page_size);
	return walk_32bit(mem, paging, linear, gpa, page_size);
}
