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
 * the entry gets extra_flags (PTE_USER on a user path) either way. Fails with
 * -EEXIST when a large leaf is in the way, -ENOMEM. */
static int next_table(struct pgtable *pt, uint64_t *entry, uint64_t **table, uint64_t extra_flags)
{
	uint64_t phys;

	if (*entry & PTE_PRESENT) {
		if (*entry & PTE_HUGE)
			return -EEXIST;
		if ((*entry & extra_flags) != extra_flags)
			*entry |= extra_flags;
		*table = table_at(*entry & PTE_ADDR_MASK);
		return 0;
	}
	phys = pt->alloc_table();
	if (!phys)
		return -ENOMEM;
	*entry = phys | TABLE_FLAGS | extra_flags;
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

/* --- entry-level access ---------------------------------------------------- */

/* A range for the entry-level calls: page aligned, not empty, in one half. */
static bool is_walkable_range(uint64_t start, uint64_t end)
{
	return !((start | end) & (PGTABLE_SIZE_4K - 1)) && start < end && is_canonical(start) &&
	       is_canonical(end - 1) &&
	       (start >> CANONICAL_SHIFT) == ((end - 1) >> CANONICAL_SHIFT);
}

/* The first address entry index of the table at level that maps addr maps
 * (the bits above the table's span, sign extension included, come from addr). */
static uint64_t entry_virt(uint64_t addr, unsigned int level, unsigned int index)
{
	uint64_t table_span = level_size(level) * PT_ENTRIES;

	return (addr & ~(table_span - 1)) | ((uint64_t)index * level_size(level));
}

uint64_t *pgtable_pte_alloc(struct pgtable *pt, uint64_t virt, bool is_user)
{
	uint64_t *table = table_at(pt->root_phys);
	unsigned int level;

	if (!is_canonical(virt))
		return NULL;
	for (level = 3; level > 0; level--)
		if (next_table(pt, &table[level_index(virt, level)], &table,
			       is_user ? PTE_USER : 0))
			return NULL;
	return &table[level_index(virt, 0)];
}

uint64_t *pgtable_pte_find(const struct pgtable *pt, uint64_t virt)
{
	uint64_t *table = table_at(pt->root_phys);
	unsigned int level;

	if (!is_canonical(virt))
		return NULL;
	for (level = 3; level > 0; level--) {
		uint64_t entry = table[level_index(virt, level)];

		if (!(entry & PTE_PRESENT) || (entry & PTE_HUGE))
			return NULL;
		table = table_at(entry & PTE_ADDR_MASK);
	}
	return &table[level_index(virt, 0)];
}

/* Visits the entries of table (at level) for [start, last], an inclusive
 * range inside the table's span. */
static int walk_table(uint64_t *table, unsigned int level, uint64_t start, uint64_t last,
		      int (*fn)(uint64_t *pte, uint64_t virt, void *arg), void *arg)
{
	unsigned int first = level_index(start, level), final = level_index(last, level), i;

	for (i = first; i <= final; i++) {
		uint64_t entry = table[i], virt = entry_virt(start, level, i);
		int rc;

		if (!entry)
			continue;
		if (level == 0) {
			rc = fn(&table[i], virt, arg);
		} else {
			if (!(entry & PTE_PRESENT) || (entry & PTE_HUGE))
				continue;
			rc = walk_table(table_at(entry & PTE_ADDR_MASK), level - 1,
					i == first ? start : virt,
					i == final ? last : virt + level_size(level) - 1, fn, arg);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int pgtable_walk_ptes(struct pgtable *pt, uint64_t start, uint64_t end,
		      int (*fn)(uint64_t *pte, uint64_t virt, void *arg), void *arg)
{
	if (!is_walkable_range(start, end))
		return -EINVAL;
	return walk_table(table_at(pt->root_phys), 3, start, end - 1, fn, arg);
}

/* Frees the table at phys, whose entries are at level, and every table below. */
static void free_subtree(uint64_t phys, unsigned int level,
			 void (*free_table)(uint64_t phys, void *arg), void *arg)
{
	if (level > 0) {
		const uint64_t *table = table_at(phys);
		unsigned int i;

		for (i = 0; i < PT_ENTRIES; i++)
			if ((table[i] & PTE_PRESENT) && !(table[i] & PTE_HUGE))
				free_subtree(table[i] & PTE_ADDR_MASK, level - 1, free_table, arg);
	}
	free_table(phys, arg);
}

/* Frees, among the tables table's entries (at level >= 1) point to for
 * [start, last], those inside [floor, ceiling_last], recursing where an entry
 * spans more than that. */
static void free_range(uint64_t *table, unsigned int level, uint64_t start, uint64_t last,
		       uint64_t floor, uint64_t ceiling_last,
		       void (*free_table)(uint64_t phys, void *arg), void *arg)
{
	unsigned int first = level_index(start, level), final = level_index(last, level), i;

	for (i = first; i <= final; i++) {
		uint64_t entry = table[i], virt = entry_virt(start, level, i);
		uint64_t virt_last = virt + level_size(level) - 1;

		if (!(entry & PTE_PRESENT) || (entry & PTE_HUGE))
			continue;
		if (virt >= floor && virt_last <= ceiling_last) {
			/* Nothing in use below: the whole subtree goes, tables
			 * outside [start, last] included. */
			table[i] = 0;
			free_subtree(entry & PTE_ADDR_MASK, level - 1, free_table, arg);
		} else if (level > 1) {
			free_range(table_at(entry & PTE_ADDR_MASK), level - 1,
				   i == first ? start : virt, i == final ? last : virt_last, floor,
				   ceiling_last, free_table, arg);
		}
	}
}

void pgtable_free_tables(struct pgtable *pt, uint64_t start, uint64_t end, uint64_t floor,
			 uint64_t ceiling, void (*free_table)(uint64_t phys, void *arg), void *arg)
{
	if (!is_walkable_range(start, end) || floor >= ceiling)
		return;
	free_range(table_at(pt->root_phys), 3, start, end - 1, floor, ceiling - 1, free_table, arg);
}
