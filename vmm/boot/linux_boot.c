/* See linux_boot.h. Field offsets come from the UAPI's struct boot_params
 * (Debian's linux-libc-dev), the one definition the kernel reads. */
#include "linux_boot.h"

#include <asm/bootparam.h>
#include <errno.h>
#include <string.h>

#include "layout.h"

#define SETUP_HEADER_OFFSET 0x1f1

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_HUGE (1ull << 7) /* a 2 MiB page in a page directory */
#define PAGE_SIZE 0x1000ull
#define HUGE_PAGE_SIZE 0x200000ull

_Static_assert(sizeof(struct boot_params) == 4096, "the zero page is one page");
_Static_assert(BOOT_PAGE_TABLES_SIZE == 6 * PAGE_SIZE, "PML4, PDPT and four directories");

/* Flat 4 GiB segments: 64-bit code (L set, D clear) and read/write data. */
static const uint64_t linux_gdt[LINUX_BOOT_GDT_ENTRIES] = {
	0, 0, 0x00af9b000000ffffull, /* LINUX_BOOT_CS */
	0x00cf93000000ffffull, /* LINUX_BOOT_DS */
};

static void linux_write_page_tables(uint64_t *tables)
{
	uint64_t *pml4 = tables, *pdpt = tables + 512, *pd = tables + 1024;
	uint64_t base = BOOT_PAGE_TABLES_GPA;
	unsigned int i;

	memset(tables, 0, BOOT_PAGE_TABLES_SIZE);
	pml4[0] = (base + PAGE_SIZE) | PTE_PRESENT | PTE_WRITABLE;
	for (i = 0; i < 4; i++)
		pdpt[i] = (base + (2 + i) * PAGE_SIZE) | PTE_PRESENT | PTE_WRITABLE;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = i * HUGE_PAGE_SIZE | PTE_PRESENT | PTE_WRITABLE | PTE_HUGE;
}

int linux_boot_write(struct guest_mem *mem, const struct linux_boot_params *p,
		     struct vitro_error *err)
{
	size_t cmdline_len = strlen(p->cmdline);
	struct boot_params *bp;
	uint64_t *tables, *gdt;
	char *cmdline;
	unsigned int i;

	if (cmdline_len > p->hdr->cmdline_size || cmdline_len + 1 > BOOT_CMDLINE_MAX)
		return vitro_error_set(
			err, -E2BIG,
			"kernel command line is %zu bytes; the kernel's cmdline_size allows %u",
			cmdline_len,
			p->hdr->cmdline_size < BOOT_CMDLINE_MAX - 1 ?
				p->hdr->cmdline_size :
				(unsigned int)BOOT_CMDLINE_MAX - 1);
	if (p->nr_e820 > E820_MAX_ENTRIES_ZEROPAGE)
		return vitro_error_set(err, -E2BIG, "E820 map has %u entries (at most %d)",
				       p->nr_e820, E820_MAX_ENTRIES_ZEROPAGE);
	bp = guest_mem_ptr(mem, BOOT_ZERO_PAGE_GPA, sizeof(*bp));
	cmdline = guest_mem_ptr(mem, BOOT_CMDLINE_GPA, BOOT_CMDLINE_MAX);
	tables = guest_mem_ptr(mem, BOOT_PAGE_TABLES_GPA, BOOT_PAGE_TABLES_SIZE);
	gdt = guest_mem_ptr(mem, BOOT_GDT_GPA, sizeof(linux_gdt));
	if (!bp || !cmdline || !tables || !gdt)
		return vitro_error_set(err, -E2BIG, "guest RAM too small for boot data");

	/* The kernel's setup header as the file has it, then what the loader
	 * fills in (boot.rst, "Details of header fields": "write" fields). */
	memset(bp, 0, sizeof(*bp));
	memcpy((uint8_t *)bp + SETUP_HEADER_OFFSET, p->file + SETUP_HEADER_OFFSET,
	       p->hdr->header_end - SETUP_HEADER_OFFSET < sizeof(bp->hdr) ?
		       p->hdr->header_end - SETUP_HEADER_OFFSET :
		       sizeof(bp->hdr));
	bp->hdr.type_of_loader = LINUX_TYPE_OF_LOADER_UNDEFINED;
	bp->hdr.code32_start = (uint32_t)p->kernel_gpa;
	bp->hdr.cmd_line_ptr = (uint32_t)BOOT_CMDLINE_GPA;
	bp->ext_cmd_line_ptr = (uint32_t)(BOOT_CMDLINE_GPA >> 32);
	bp->hdr.ramdisk_image = (uint32_t)p->initrd_gpa;
	bp->ext_ramdisk_image = (uint32_t)(p->initrd_gpa >> 32);
	bp->hdr.ramdisk_size = (uint32_t)p->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(p->initrd_size >> 32);
	bp->acpi_rsdp_addr = p->rsdp_gpa;
	bp->e820_entries = (uint8_t)p->nr_e820;
	for (i = 0; i < p->nr_e820; i++) {
		bp->e820_table[i].addr = p->e820[i].addr;
		bp->e820_table[i].size = p->e820[i].size;
		bp->e820_table[i].type = p->e820[i].type;
	}
	memcpy(cmdline, p->cmdline, cmdline_len + 1);
	memcpy(gdt, linux_gdt, sizeof(linux_gdt));
	linux_write_page_tables(tables);
	return 0;
}
