/* The proc file system (guest/kernel/fs/proc/): Linux's /proc for ps, top,
 * free and the rest, generated from the kernel's live state. Mount it with
 * vfs_mount(fs, "proc", "/proc") (mount(2) does the same), as Linux's init
 * does. */
#ifndef VITRO_PROC_FS_H
#define VITRO_PROC_FS_H

#include <stddef.h>
#include <stdint.h>

/* Registers the "proc" file system type (after vfs_init). */
int proc_fs_init(void);

/* /proc/cpuinfo, from the architecture (arch/x86/cpuinfo.c): the length the
 * text needs, at most len bytes of it written, NUL-terminated. */
size_t arch_format_cpuinfo(char *buf, size_t len);

/* Interrupts taken since boot on a vector, or on every vector for 256 and
 * up (/proc/stat's intr; arch/x86/traps.c). */
uint64_t irq_count(unsigned int vector);

#endif
