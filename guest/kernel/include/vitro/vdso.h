/* The vDSO in every process (kernel/vdso.c): the image guest/vdso/ builds,
 * embedded in the kernel (guest/vdso/vdso_image.S), checked and copied into
 * pages at boot, and mapped by exec with the clock's vvar page (vitro/vvar.h)
 * just below it. Builds for the host: vdso_setup() takes the image and the
 * vvar page as arguments. */
#ifndef VITRO_VDSO_H
#define VITRO_VDSO_H

#include <stddef.h>
#include <stdint.h>

struct mm_struct;
struct page;

/* Pages the image may take; it needs one today. */
#define VDSO_MAX_PAGES 4
/* How far below its ceiling exec's vDSO may land, in pages (2 MiB). */
#define VDSO_RANDOM_PAGES 512

/* 0 if image (size bytes) is a vDSO the kernel can map anywhere: a 64-bit
 * x86-64 ELF shared object whose one PT_LOAD, read and execute and not
 * writable, starts with the ELF header at address 0 and holds the whole
 * image and its PT_DYNAMIC; a dynamic section with the symbol and hash tables
 * the C libraries look names up in and no relocations of any kind; at most
 * VDSO_MAX_PAGES pages. Else -ENOEXEC, and *reason says what is wrong. */
int vdso_image_check(const void *image, size_t size, const char **reason);

/* Checks image (vdso_image_check), copies it into pages of its own and
 * remembers them and vvar, the clock's page, for vdso_map(). 0 or -errno
 * (-ENOEXEC with *reason set, -ENOMEM); on failure exec maps no vDSO. */
int vdso_setup(const void *image, size_t size, struct page *vvar, const char **reason);

/* Boot: vdso_setup() with the embedded image and the clock's vvar page; a
 * failure is logged and processes run without a vDSO (the C libraries then
 * make the system calls). After time_init(). */
void vdso_init(void);

/* Gives back the image's pages (host tests; the kernel keeps its vDSO). */
void vdso_release(void);

/* exec: maps the vvar page ("[vvar]", read-only) and right above it the
 * image ("[vdso]", read and execute) so that they end up to
 * VDSO_RANDOM_PAGES pages below ceiling (random picks how far). Returns the
 * image's address, for AT_SYSINFO_EHDR; 0 when there is no vDSO; -errno
 * (-ENOMEM, -EEXIST if the place is taken). Caller holds mm->mmap_lock. */
long vdso_map(struct mm_struct *mm, uint64_t ceiling, uint64_t random);

#endif
