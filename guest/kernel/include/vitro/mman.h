/* The constants of mmap, mprotect, mremap and madvise (PROT_*, MAP_*,
 * MREMAP_*, MADV_*) as Linux's UAPI headers define them, so the process
 * address space code (vitro/mm_user.h) and the syscall layer use Linux's
 * numbers. Host builds must not include <sys/mman.h> in the same file: the C
 * library spells some of these differently. */
#ifndef VITRO_MMAN_H
#define VITRO_MMAN_H

#include <linux/mman.h> /* MREMAP_*, MAP_SHARED/PRIVATE; <asm/mman.h> for the rest */

#endif
