/* Where vitro puts boot data in guest-physical memory. Everything below
 * BOOT_AREA_END belongs to vitro; the kernel must load at or above it. */
#ifndef VMM_BOOT_LAYOUT_H
#define VMM_BOOT_LAYOUT_H

#define BOOT_START_INFO_GPA 0x1000ull /* hvm_start_info, then the module list */
#define BOOT_MODLIST_GPA 0x1100ull
#define BOOT_MODLIST_MAX 8
#define BOOT_MODNAMES_GPA 0x1800ull /* module command lines */
#define BOOT_MEMMAP_GPA 0x2000ull
#define BOOT_MEMMAP_MAX 64
#define BOOT_CMDLINE_GPA 0x3000ull
#define BOOT_CMDLINE_MAX 0x1000ull
#define BOOT_FDT_GPA 0x10000ull
#define BOOT_FDT_MAX 0x10000ull
#define BOOT_EBDA_GPA 0x9fc00ull /* legacy hole: EBDA, VGA, BIOS */
#define BOOT_AREA_END 0x100000ull

#endif
