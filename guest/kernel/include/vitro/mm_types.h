/* A process's address space: struct mm_struct, its areas (struct
 * vm_area_struct, one per run of pages with the same rights and backing) and
 * the constants that describe them, with Linux's names and VM_* values. The
 * functions that work on them are in vitro/mm_user.h; they live in mm/ and
 * build for the host. */
#ifndef VITRO_MM_TYPES_H
#define VITRO_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/list.h>
#include <vitro/mm.h>
#include <vitro/mutex.h>
#include <vitro/pgtable.h>
#include <vitro/rbtree.h>

/*
 * User addresses are [0, TASK_SIZE): Linux's x86-64 TASK_SIZE_MAX, the lower
 * canonical half less its last page (a SYSRET to a non-canonical RIP faults
 * in ring 0 on Intel CPUs, so no code may end there). The user half of the
 * page tables is PML4 entries 0-255, [0, USER_PGTABLE_END); entries 256-511
 * are the kernel's, shared by every mm.
 */
#define TASK_SIZE 0x00007ffffffff000ull
#define USER_PGTABLE_END (1ull << 47)
/* Linux's defaults (Debian's vm.mmap_min_addr, vm.max_map_count,
 * stack_guard_gap, RLIMIT_STACK). */
#define MMAP_MIN_ADDR 0x10000ull
#define MAX_MAP_COUNT 65530
#define STACK_GUARD_GAP (256ull << PAGE_SHIFT)
#define DEFAULT_STACK_RLIMIT (8ull << 20)
/* Bottom-up searches start here (Linux's TASK_UNMAPPED_BASE, unrandomised). */
#define TASK_UNMAPPED_BASE ((TASK_SIZE / 3) & PAGE_MASK)
/* The default mmap_base: room below TASK_SIZE for the stack to grow
 * (Linux's minimum gap, 128 MiB, which covers an 8 MiB stack limit). */
#define DEFAULT_MMAP_BASE (TASK_SIZE - (128ull << 20))

/* vm_flags: Linux's values. VM_MAY* bound what mprotect may turn on. */
#define VM_NONE 0x00000000ull
#define VM_READ 0x00000001ull
#define VM_WRITE 0x00000002ull
#define VM_EXEC 0x00000004ull
#define VM_SHARED 0x00000008ull /* writes reach every mapper (shared anonymous memory) */
#define VM_MAYREAD 0x00000010ull
#define VM_MAYWRITE 0x00000020ull
#define VM_MAYEXEC 0x00000040ull
#define VM_MAYSHARE 0x00000080ull /* mapped MAP_SHARED (even if VM_SHARED was dropped) */
#define VM_GROWSDOWN 0x00000100ull /* a stack: grows down on a fault just below it */
#define VM_LOCKED 0x00002000ull
#define VM_DONTCOPY 0x00020000ull /* MADV_DONTFORK: the child gets no such area */
#define VM_DONTEXPAND 0x00040000ull /* mremap may not grow it */
#define VM_NORESERVE 0x00200000ull /* MAP_NORESERVE (no commit accounting here anyway) */
#define VM_WIPEONFORK 0x02000000ull /* MADV_WIPEONFORK: the child gets it empty */
#define VM_DONTDUMP 0x04000000ull /* MADV_DONTDUMP */
#define VM_STACK VM_GROWSDOWN
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

/*
 * Software bits in user PTEs (the MMU ignores bits 11:9, and every other bit
 * of a non-present entry):
 * PTE_FILE_PAGE: the page holds file contents not written through this mapping
 *   since it was read (it counts as file RSS; a write makes it anonymous).
 * PTE_PROTNONE: the area is PROT_NONE; the entry is not present but keeps its
 *   page, which the area gets back when mprotect makes it accessible again.
 */
#define PTE_FILE_PAGE PTE_SOFT_9
#define PTE_PROTNONE PTE_SOFT_10

struct file;
struct mm_struct;
struct shared_anon; /* mm/shared_anon.c */
struct vm_special_mapping; /* vitro/mm_user.h */

struct vm_area_struct {
	uint64_t vm_start; /* first byte, page aligned */
	uint64_t vm_end; /* first byte after, page aligned */
	uint64_t vm_flags; /* VM_* */
	/* Leaf bits for a page of this area: PRESENT, USER, NX unless VM_EXEC,
	 * WRITE only for shared writable areas (private pages get WRITE when the
	 * fault handler knows they are not shared: copy-on-write); PTE_PROTNONE
	 * alone when the area allows no access. */
	uint64_t vm_page_prot;
	struct file *vm_file; /* the mapped file, a reference held; NULL if anonymous */
	/* vm_start's page in the backing: the file page (vm_file), the page of
	 * the shared object (vm_shared_anon) or, for private anonymous memory,
	 * Linux's vm_start >> PAGE_SHIFT at creation (only merging looks at it). */
	uint64_t vm_pgoff;
	struct shared_anon *vm_shared_anon; /* MAP_SHARED | MAP_ANONYMOUS pages */
	/* Kernel pages mapped as they are (the vDSO, its vvar page), whose
	 * name /proc/PID/maps shows; NULL for file and anonymous areas. */
	const struct vm_special_mapping *vm_special;
	struct mm_struct *vm_mm;
	struct rb_node vm_rb; /* in mm->mm_rb, by address */
	/* The largest free gap just below an area of this subtree (between an
	 * area's start, less a stack's guard gap, and the end of the area
	 * before it): free-space searches skip subtrees too small. */
	uint64_t rb_subtree_gap;
	struct list_head vm_list; /* in mm->mmap_list, by address */
};

/* RSS counters, as /proc/PID/status splits them. */
enum mm_counter {
	MM_FILEPAGES, /* RssFile: file contents not written since read */
	MM_ANONPAGES, /* RssAnon: private anonymous and written private file pages */
	MM_SHMEMPAGES, /* RssShmem: shared anonymous pages */
	NR_MM_COUNTERS,
};

struct mm_struct {
	struct rb_root mm_rb; /* the areas, by address: O(log n) lookups and searches */
	struct list_head mmap_list; /* the same areas in address order */
	int map_count; /* areas */
	struct pgtable pgtable; /* the user half; the kernel half is the kernel's */
	/* Set by the ELF loader and exec, read by brk and /proc. */
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t mmap_base; /* top-down searches for free space start below this */
	uint64_t stack_rlimit; /* RLIMIT_STACK soft limit in bytes: how far stacks grow */
	/* Held (by the caller) around every call in vitro/mm_user.h that takes
	 * an mm, page faults included. */
	struct mutex mmap_lock;
	int users; /* tasks sharing the address space (mmget/mmput) */
	int count; /* references to the struct and its page-table root (mmgrab/mmdrop) */
	/* Counters in pages, for /proc; changed under mmap_lock. */
	uint64_t rss[NR_MM_COUNTERS];
	uint64_t hiwater_rss; /* VmHWM */
	uint64_t total_vm; /* VmSize */
	uint64_t hiwater_vm; /* VmPeak */
	uint64_t data_vm; /* VmData: private writable, not stack */
	uint64_t exec_vm; /* VmExe + VmLib: executable, not writable, not stack */
	uint64_t stack_vm; /* VmStk */
};

#endif
