/* Parses the PVH start info (Xen's hvm_start_info, version 1) that vitro and
 * QEMU leave in guest memory, and the modules it lists: the FDT (recognised
 * by its magic) and an initrd. Nothing from the loader is trusted blindly:
 * counts are bounded and strings are copied with a limit. */
#include <vitro/boot_info.h>
#include <vitro/errno.h>
#include <vitro/layout.h>
#include <vitro/printk.h>
#include <vitro/string.h>

#include "../../../../shared/boot/pvh.h"

struct boot_info boot_info;
extern uint64_t boot_tsc_at_entry;

static void boot_info_add_module(const struct hvm_modlist_entry *m)
{
	const void *data = phys_to_virt(m->paddr);

	if (m->size >= 4 && dtb_has_magic(data) && !boot_info.has_fdt) {
		if (dtb_open(&boot_info.fdt, data, m->size) == 0)
			boot_info.has_fdt = true;
		else
			pr_warn("boot: ignoring a malformed device tree module\n");
		return;
	}
	if (!boot_info.initrd_size) {
		boot_info.initrd_phys = m->paddr;
		boot_info.initrd_size = m->size;
	}
}

int boot_info_parse_pvh(uint64_t start_info_phys)
{
	const struct hvm_start_info *si = phys_to_virt(start_info_phys);
	unsigned int i;

	boot_info.tsc_at_entry = boot_tsc_at_entry;
	if (si->magic != HVM_START_MAGIC)
		return -EINVAL;
	if (si->cmdline_paddr) {
		const char *cmdline = phys_to_virt(si->cmdline_paddr);
		size_t n = strnlen(cmdline, BOOT_CMDLINE_MAX - 1);

		memcpy(boot_info.cmdline, cmdline, n);
		boot_info.cmdline[n] = '\0';
	}
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_table_entry *e = phys_to_virt(si->memmap_paddr);

		for (i = 0; i < si->memmap_entries && i < BOOT_MEMORY_MAX; i++) {
			boot_info.memory[i] =
				(struct boot_memory_region){ e[i].addr, e[i].size, e[i].type };
			if (e[i].type == E820_RAM)
				boot_info.ram_bytes += e[i].size;
		}
		boot_info.nr_memory = i;
	}
	if (si->modlist_paddr) {
		const struct hvm_modlist_entry *m = phys_to_virt(si->modlist_paddr);

		for (i = 0; i < si->nr_modules && i < 16; i++)
			boot_info_add_module(&m[i]);
	}
	return 0;
}
