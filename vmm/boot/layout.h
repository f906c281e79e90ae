/* Where vitro puts boot data in guest-physical memory. Everything below
 * BOOT_AREA_END belongs to vitro; the kernel must load at or above it.
 * PVH guests get the start info, module list and FDT; Linux bzImage guests
 * the zero page, a GDT and identity-mapped page tables; both get the command
 * line and the ACPI tables. */
#ifndef VMM_BOOT_LAYOUT_H
#define VMM_BOOT_LAYOUT_H

#define BOOT_GDT_GPA 0x500ull /* Linux 64-bit entry: null, null, code 0x10, data 0x18 */
#define BOOT_START_INFO_GPA 0x1000ull /* hvm_start_info, then the module list */
#define BOOT_MODLIST_GPA 0x1100ull
#define BOOT_MODLIST_MAX 8
#define BOOT_MODNAMES_GPA 0x1800ull /* module command lines */
#define BOOT_MEMMAP_GPA 0x2000ull
#define BOOT_MEMMAP_MAX 64
#define BOOT_CMDLINE_GPA 0x3000ull
#define BOOT_CMDLINE_MAX 0x1000ull
#define BOOT_ZERO_PAGE_GPA 0x7000ull /* Linux's struct boot_params */
/* PML4, PDPT and four page directories mapping the low 4 GiB 1:1 with 2 MiB pages. */
#define BOOT_PAGE_TABLES_GPA 0x9000ull
#define BOOT_PAGE_TABLES_SIZE 0x6000ull
#define BOOT_FDT_GPA 0x10000ull
#define BOOT_FDT_MAX 0x10000ull
#define BOOT_EBDA_GPA 0x9fc00ull /* legacy hole: EBDA, VGA, BIOS */
/* The ACPI tables, RSDP first, where Linux also searches for it without
 * being told: the BIOS area 0xe0000-0xfffff (ACPI 6.5, 5.2.5.1). */
#define BOOT_ACPI_GPA 0xe0000ull
#define BOOT_ACPI_MAX 0x20000ull
#define BOOT_AREA_END 0x100000ull

#endif
