/* See pvh_boot.h. The memory map comes from e820.c. */
#include "pvh_boot.h"

#include <errno.h>
#include <string.h>

#include "e820.h"
#include "layout.h"

unsigned int pvh_memmap_build(const struct guest_mem *mem, struct hvm_memmap_table_entry *entries,
			      unsigned int max)
{
	struct e820_range ranges[BOOT_MEMMAP_MAX];
	unsigned int n, i;

	n = e820_build(mem, NULL, 0, ranges, max < BOOT_MEMMAP_MAX ? max : BOOT_MEMMAP_MAX);
	for (i = 0; i < n; i++)
		entries[i] = (struct hvm_memmap_table_entry){ ranges[i].addr, ranges[i].size,
							      ranges[i].type, 0 };
	return n;
}

int pvh_boot_write(struct guest_mem *mem, const struct pvh_boot_params *params,
		   struct vitro_error *err)
{
	struct hvm_start_info *info;
	struct hvm_memmap_table_entry *memmap;
	struct hvm_modlist_entry *modlist;
	uint64_t names_gpa = BOOT_MODNAMES_GPA;
	size_t cmdline_len = strlen(params->cmdline) + 1;
	unsigned int i;
	char *cmdline;

	if (cmdline_len > BOOT_CMDLINE_MAX)
		return vitro_error_set(err, -E2BIG,
				       "kernel command line is %zu bytes (at most %llu)",
				       cmdline_len - 1, BOOT_CMDLINE_MAX - 1);
	if (params->nr_modules > BOOT_MODLIST_MAX)
		return vitro_error_set(err, -E2BIG, "too many boot modules");

	info = guest_mem_ptr(mem, BOOT_START_INFO_GPA, sizeof(*info));
	memmap = guest_mem_ptr(mem, BOOT_MEMMAP_GPA, BOOT_MEMMAP_MAX * sizeof(*memmap));
	modlist = guest_mem_ptr(mem, BOOT_MODLIST_GPA, BOOT_MODLIST_MAX * sizeof(*modlist));
	cmdline = guest_mem_ptr(mem, BOOT_CMDLINE_GPA, BOOT_CMDLINE_MAX);
	if (!info || !memmap || !modlist || !cmdline)
		return vitro_error_set(err, -E2BIG, "guest RAM too small for boot data");

	memset(info, 0, sizeof(*info));
	info->magic = HVM_START_MAGIC;
	info->version = HVM_START_VERSION;
	info->cmdline_paddr = BOOT_CMDLINE_GPA;
	info->rsdp_paddr = params->rsdp_gpa;
	memcpy(cmdline, params->cmdline, cmdline_len);
	info->memmap_paddr = BOOT_MEMMAP_GPA;
	info->memmap_entries = pvh_memmap_build(mem, memmap, BOOT_MEMMAP_MAX);

	info->modlist_paddr = params->nr_modules ? BOOT_MODLIST_GPA : 0;
	info->nr_modules = params->nr_modules;
	for (i = 0; i < params->nr_modules; i++) {
		const struct pvh_module *m = &params->modules[i];
		size_t name_len = strlen(m->name) + 1;
		char *name = guest_mem_ptr(mem, names_gpa, name_len);

		if (!name || names_gpa + name_len > BOOT_MEMMAP_GPA)
			return vitro_error_set(err, -E2BIG, "boot module names too long");
		memcpy(name, m->name, name_len);
		modlist[i] = (struct hvm_modlist_entry){ .paddr = m->gpa,
							 .size = m->size,
							 .cmdline_paddr = names_gpa };
		names_gpa += name_len;
	}
	return 0;
}
