/* What the loader told us is consistent: the command line, the memory map,
 * the device tree (under vitro) and the CPUs. Runs under vitro and QEMU. */
#include <vitro/boot_info.h>
#include <vitro/cmdline.h>
#include <vitro/kallsyms.h>
#include <vitro/cpu.h>
#include <vitro/ktest.h>
#include <vitro/percpu.h>
#include <vitro/string.h>

#include "../../shared/boot/pvh.h"

KTEST(boot_cmdline_is_the_one_given)
{
	char value[64];

	/* We only run when the command line selected tests. */
	KTEST_EXPECT(cmdline_get(boot_info.cmdline, "test", value, sizeof(value)));
}

KTEST(boot_memory_map_has_ram_above_1mib)
{
	unsigned int i;
	bool found = false;

	for (i = 0; i < boot_info.nr_memory; i++)
		if (boot_info.memory[i].type == E820_RAM && boot_info.memory[i].addr <= 0x100000 &&
		    boot_info.memory[i].addr + boot_info.memory[i].size > 0x200000)
			found = true;
	KTEST_EXPECT(found);
	KTEST_EXPECT(boot_info.ram_bytes >= (8u << 20));
}

KTEST(boot_device_tree_matches_start_info)
{
	const struct dtb *fdt = &boot_info.fdt;
	const char *bootargs;
	int chosen, memory;
	uint32_t len;
	const uint8_t *reg;
	uint64_t fdt_ram = 0;
	uint32_t i;

	if (!boot_info.has_fdt)
		return; /* QEMU passes no device tree */
	chosen = dtb_find_node(fdt, "/chosen");
	KTEST_EXPECT(chosen >= 0);
	bootargs = dtb_get_string(fdt, chosen, "bootargs");
	KTEST_EXPECT_STREQ(bootargs, boot_info.cmdline);
	memory = dtb_find_node(fdt, "/memory");
	reg = dtb_get_prop(fdt, memory, "reg", &len);
	KTEST_EXPECT(reg && len % 16 == 0);
	for (i = 0; reg && i + 16 <= len; i += 16) {
		uint64_t size = 0;
		int b;

		for (b = 8; b < 16; b++)
			size = size << 8 | reg[i + b];
		fdt_ram += size;
	}
	/* The E820 map leaves out the legacy hole below 1 MiB. */
	KTEST_EXPECT(fdt_ram >= boot_info.ram_bytes);
	KTEST_EXPECT(fdt_ram - boot_info.ram_bytes <= 0x100000);
}

KTEST(boot_finds_cpus_and_tsc)
{
	KTEST_EXPECT(boot_info.nr_cpus >= 1);
	KTEST_EXPECT(boot_info.tsc_khz > 0);
}

KTEST(kallsyms_names_kernel_functions)
{
	uint64_t offset, size;
	const char *name;
	extern void kernel_main(uint64_t);

	KTEST_EXPECT_EQ(kallsyms_address_of("kernel_main"), (uint64_t)kernel_main);
	name = kallsyms_lookup((uint64_t)kernel_main + 3, &offset, &size);
	KTEST_EXPECT_STREQ(name, "kernel_main");
	KTEST_EXPECT_EQ(offset, 3);
	KTEST_EXPECT(size > 3);
}

KTEST(percpu_block_is_reached_through_gs)
{
	unsigned long flags = local_irq_save(); /* stay on this CPU while looking */

	KTEST_EXPECT(this_cpu() != NULL);
	KTEST_EXPECT(this_cpu()->self == this_cpu());
	KTEST_EXPECT(this_cpu() == cpu_local_of(smp_processor_id()));
	KTEST_EXPECT_EQ(this_cpu()->cpu, smp_processor_id());
	KTEST_EXPECT_EQ(cpu_local_of(0)->cpu, 0);
	local_irq_restore(flags);
}
