/* See pgtable.h. Layout from the Intel SDM vol. 3, 4.5 (4-level paging):
 * PML4 -> PDPT -> PD -> PT, 512 entries each, bits 47:39, 38:30, 29:21,
 * 20:12 of the virtual address; PS in a PDPT or PD entry makes a 1 GiB or
 * 2 MiB leaf. Tables carry the most permissive rights (present, write, and
 * user once a user page is below them); the leaf decides. */
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>

#define PT_ENTRIES 512
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE)
#define CANONICAL_SHIFT 47

static uint64_t *table_at(uint64_t phys)
{
	return phys_to_virt(phys);
}

static unsigned int level_index(uint64_t virt, unsigned int level)
{
	return (virt >> (12 + 9 * level)) & (PT_ENTRIES - 1);
}

static uint64_t level_size(unsigned int level)
{
	return 1ull << (12 + 9 * level);
}

static bool is_canonical(uint64_t virt)
{
	uint64_t top = virt >> CANONICAL_SHIFT;

	return top == 0 || top == (1ull << (64 - CANONICAL_SHIFT)) - 1;
}

int pgtable_create(struct pgtable *pt, bool has_1g_pages, uint64_t (*alloc_table)(void))
{
	pt->has_1g_pages = has_1g_pages;
	pt->alloc_table = alloc_table;
	pt->root_phys = alloc_table();
	return pt->root_phys ? 0 : -ENOMEM;
}

/* Sets *table to the table one level below entry, allocating it if absent;
 * user (PTE_USER or 0) opens the way for user-mode access. Fails with
 * -EEXIST when a large leaf is in the way, -ENOMEM. */
static int next_table(struct pgtable *pt, uint64_t *entry, uint64_t **table, uint64_t user)
{
	uint64_t phys;

	if (*entry & PTE_PRESENT) {
		if (*entry & PTE_HUGE)
			return -EEXIST;
		*entry |= user;
		*table = table_at(*entry & PTE_ADDR_MASK);
		return 0;
	}
	phys = pt->alloc_table();
	if (!phys)
		return -ENOMEM;
	*entry = phys | TABLE_FLAGS | user;
	*table = table_at(phys);
	return 0;
}

/* Largest leaf level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) for this piece. */
static unsigned int leaf_level(const struct pgtable *pt, uint64_t virt, uint64_t phys,
			       uint64_t remaining)
{
	unsigned int level = pt->has_1g_pages ? 2 : 1;

	for (; level > 0; level--) {
		uint64_t size = level_size(level);

		if (!((virt | phys) & (size - 1)) && remaining >= size)
			break;
	}
	return level;
}

int pgtable_map(struct pgtable *pt, uint64_t virt, uint64_t phys, uint64_t size, uint64_t prot)
{
	uint64_t done;

	if ((virt | phys | size) & (PGTABLE_SIZE_4K - 1) || !size || !is_canonical(virt) ||
	    !is_canonical(virt + size - 1) || (phys & ~PTE_ADDR_MASK))
		return -EINVAL;
	prot &= ~(PTE_ADDR_MASK | PTE_HUGE);
	for (done = 0; done < size;) {
		uint64_t v = virt + done, p = phys + done;
		unsigned int leaf = leaf_level(pt, v, p, size - done);
		uint64_t *table = table_at(pt->root_phys), step = level_size(leaf), *entry, n, i;
		unsigned int level;

		for (level = 3; level > leaf; level--) {
			int rc = next_table(pt, &table[level_index(v, level)], &table,
					    prot & PTE_USER);

			if (rc)
				return rc;
		}
		/* Fill this table's run of same-size leaves without walking down
		 * again for each: a larger size only becomes possible at the next
		 * table's boundary, so the run is as long as the table and the
		 * remaining size allow. */
		n = (size - done) / step;
		if (n > PT_ENTRIES - level_index(v, leaf))
			n = PT_ENTRIES - level_index(v, leaf);
		entry = &table[level_index(v, leaf)];
		for (i = 0; i < n; i++)
			if (entry[i] & PTE_PRESENT)
				return -EEXIST;
		for (i = 0; i < n; i++, p += step)
			entry[i] = p | prot | (leaf ? PTE_HUGE : 0);
		done += n * step;
	}
	return 0;
}

/* Walks to the entry mapping virt; returns it and its level, or NULL. */
static uint64_t *find_leaf(const struct pgtable *pt, uint64_t virt, unsigned int *level_out)
{
	uint64_t *table = table_at(pt->root_phys);
	unsigned int level;

	for (level = 3;; level--) {
		uint64_t *entry = &table[level_index(virt, level)];

		if (!(*entry & PTE_PRESENT))
			return NULL;
		if (level == 0 || (*entry & PTE_HUGE)) {
			*level_out = level;
			return entry;
		}
		table = table_at(*entry & PTE_ADDR_MASK);
	}
}

int pgtable_unmap(struct pgtable *pt, uint64_t virt, uint64_t size)
{
	uint64_t done;

	if ((virt | size) & (PGTABLE_SIZE_4K - 1) || !is_canonical(virt))
		return -EINVAL;
	for (done = 0; done < size;) {
		unsigned int level;
		uint64_t *entry = find_leaf(pt, virt + done, &level);
		uint64_t leaf_size;

		if (!entry) {
			done += PGTABLE_SIZE_4K;
			continue;
		}
		leaf_size = level_size(level);
		if (((virt + done) & (leaf_size - 1)) || size - done < leaf_size)
			return -EINVAL; /* would split a large page */
		*entry = 0;
		done += leaf_size;
	}
	return 0;
}

bool pgtable_lookup(const struct pgtable *pt, uint64_t virt, uint64_t *phys, uint64_t *flags,
		    uint64_t *page_size)
{
	unsigned int level;
	uint64_t *entry;

	if (!is_canonical(virt))
		return false;
	entry = find_leaf(pt, virt, &level);
	if (!entry)
		return false;
	if (phys)
		*phys = (*entry & PTE_ADDR_MASK & ~(level_size(level) - 1)) +
			(virt & (level_size(level) - 1));
	if (flags)
		*flags = *entry & ~PTE_ADDR_MASK;
	if (page_size)
		*page_size = level_size(level);
	return true;
}
