/* x86-64 4-level page tables as data: mapping, unmapping and looking up
 * ranges in a tree of tables reached through phys_to_virt(). No hardware
 * access here (CR3 and TLB flushes are the caller's), so it builds for the
 * host and unit tests check the trees it makes. */
#ifndef VITRO_PGTABLE_H
#define VITRO_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_PRESENT 0x001ull
#define PTE_WRITE 0x002ull
#define PTE_USER 0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_ACCESSED 0x020ull
#define PTE_DIRTY 0x040ull
#define PTE_HUGE 0x080ull /* PS: a 2 MiB or 1 GiB leaf */
#define PTE_GLOBAL 0x100ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
/* Ignored by the MMU in every entry (SDM vol. 3, 4.5): software's to use, as
 * are all the bits of a non-present entry. */
#define PTE_SOFT_9 (1ull << 9)
#define PTE_SOFT_10 (1ull << 10)
#define PTE_SOFT_11 (1ull << 11)

/* Protections callers pass (leaf bits; PTE_HUGE is chosen by the mapper). */
#define PROT_KERNEL_RX (PTE_PRESENT | PTE_GLOBAL)
#define PROT_KERNEL_RO (PTE_PRESENT | PTE_GLOBAL | PTE_NX)
#define PROT_KERNEL_RW (PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX)
#define PROT_KERNEL_MMIO (PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX | PTE_PCD | PTE_PWT)

#define PGTABLE_SIZE_4K (1ull << 12)
#define PGTABLE_SIZE_2M (1ull << 21)
#define PGTABLE_SIZE_1G (1ull << 30)

struct pgtable {
	uint64_t root_phys; /* the PML4 */
	bool has_1g_pages; /* CPUID 0x80000001 EDX bit 26 */
	/* Returns the physical address of a zeroed 4 KiB page for a table, or 0. */
	uint64_t (*alloc_table)(void);
};

/* Creates an empty tree (a zeroed PML4). Returns 0 or -ENOMEM. */
int pgtable_create(struct pgtable *pt, bool has_1g_pages, uint64_t (*alloc_table)(void));

/* Maps [virt, virt + size) to [phys, ...) with prot, using the largest page
 * size each aligned piece allows (1 GiB if supported, 2 MiB, 4 KiB). All
 * three must be 4 KiB aligned. Fails with -EEXIST if any part is already
 * mapped, -ENOMEM if a table cannot be allocated, -EINVAL on bad arguments;
 * after a failure, the part before the failing page may stay mapped. */
int pgtable_map(struct pgtable *pt, uint64_t virt, uint64_t phys, uint64_t size, uint64_t prot);

/* Removes 4 KiB mappings in [virt, virt + size). A large page inside the
 * range must be covered whole (-EINVAL otherwise). Unmapped holes are fine. */
int pgtable_unmap(struct pgtable *pt, uint64_t virt, uint64_t size);

/* Finds the leaf mapping virt: its physical address (for virt itself), its
 * entry's flags and its size. Returns false if not mapped. */
bool pgtable_lookup(const struct pgtable *pt, uint64_t virt, uint64_t *phys, uint64_t *flags,
		    uint64_t *page_size);

/*
 * Entry-level access, for trees whose leaves callers manage one 4 KiB entry
 * at a time (process address spaces). Ranges [start, end) are page aligned,
 * start < end, in one canonical half (end may be that half's end).
 */

/* The 4 KiB entry for virt, with the tables above it created as needed (for
 * a user address, is_user, the path gets PTE_USER, which x86 wants at every
 * level). NULL if a table cannot be allocated, a large page maps virt or virt
 * is not canonical. */
uint64_t *pgtable_pte_alloc(struct pgtable *pt, uint64_t virt, bool is_user);

/* The 4 KiB entry for virt if the tables above it exist, else NULL (also when
 * a large page maps virt). */
uint64_t *pgtable_pte_find(const struct pgtable *pt, uint64_t virt);

/* Calls fn for every non-zero 4 KiB entry in [start, end), present or not (a
 * non-present entry may hold software state), in address order, skipping
 * absent tables whole; large pages are not visited. fn may change or clear
 * the entry. A non-zero return from fn stops the walk and is returned. */
int pgtable_walk_ptes(struct pgtable *pt, uint64_t start, uint64_t end,
		      int (*fn)(uint64_t *pte, uint64_t virt, void *arg), void *arg);

/* Frees the tables below the root that serve [start, end) and lie wholly
 * inside [floor, ceiling), where the caller guarantees no entry is in use
 * (Linux's free_pgtables: floor and ceiling are the neighbouring mappings).
 * Each freed table's physical address goes to free_table, after the entry
 * pointing to it was cleared; the caller flushes the TLB before reusing it. */
void pgtable_free_tables(struct pgtable *pt, uint64_t start, uint64_t end, uint64_t floor,
			 uint64_t ceiling, void (*free_table)(uint64_t phys, void *arg), void *arg);

#endif
