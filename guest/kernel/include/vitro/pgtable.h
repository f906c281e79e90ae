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

#endif
