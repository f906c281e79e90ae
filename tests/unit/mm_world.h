/* Host fixture for process address space tests (guest/kernel/mm/): the arch
 * hooks of vitro/mm_user.h (a page directory with no kernel half, a TLB flush
 * that records its ranges) and user accesses simulated as the MMU makes
 * them: through the page tables, faulting where an entry is missing or lacks
 * a right, as the arch fault handler will. Memory comes from kernel_heap or
 * vfs_world. */
#ifndef TESTS_UNIT_MM_WORLD_H
#define TESTS_UNIT_MM_WORLD_H

#include <asm/siginfo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/mm_user.h>

/* handle_mm_fault() results, si_code included. */
#define FAULT_MAPERR (VM_FAULT_SIGSEGV | SEGV_MAPERR << VM_FAULT_CODE_SHIFT)
#define FAULT_ACCERR (VM_FAULT_SIGSEGV | SEGV_ACCERR << VM_FAULT_CODE_SHIFT)
#define FAULT_BUS_ADRERR (VM_FAULT_SIGBUS | BUS_ADRERR << VM_FAULT_CODE_SHIFT)

struct fs_struct;

/* A fresh kernel heap (kernel_heap) and an empty mm; flushes reset. */
struct mm_struct *mm_world_start(void);
/* mmput()s mm and checks that every page came back (tables, pages, areas). */
void mm_world_end(struct mm_struct *mm);
/* The same over a fresh VFS (vfs_world) for file mappings; the end also
 * checks that no file stayed open. */
struct mm_struct *mm_world_start_with_files(struct fs_struct *fs);
void mm_world_end_with_files(struct mm_struct *mm, struct fs_struct *fs);

/* The TLB flushes since the last reset: how many, and the union of ranges. */
struct mm_world_flushes {
	unsigned int nr_flushes;
	uint64_t start, end;
};

extern struct mm_world_flushes mm_world_flushes;
void mm_world_reset_flushes(void);

/* A user access of len bytes at addr (may cross pages): 0, or the failing
 * handle_mm_fault() result (VM_FAULT_* with the si_code). */
int mm_user_read(struct mm_struct *mm, uint64_t addr, void *buf, size_t len);
int mm_user_write(struct mm_struct *mm, uint64_t addr, const void *buf, size_t len);
/* An instruction fetch from addr's page. */
int mm_user_exec(struct mm_struct *mm, uint64_t addr);

/* The physical address mapping addr, or 0 if no present entry does. */
uint64_t mm_phys(struct mm_struct *mm, uint64_t addr);
/* The entry flags for addr (0 if not present). */
uint64_t mm_pte_flags(struct mm_struct *mm, uint64_t addr);
/* The area holding addr, or NULL. */
struct vm_area_struct *mm_vma_at(struct mm_struct *mm, uint64_t addr);

#endif
