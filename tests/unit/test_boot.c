/* Tests for PVH boot setup (vmm/boot/boot.c, vmm/boot/pvh_boot.c): what a
 * guest finds in memory at entry, read back the way the guest reads it. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../shared/boot/pvh.h"
#include "../../shared/machine.h"
#include "../../vmm/boot/boot.h"
#include "../../vmm/boot/layout.h"
#include "../../vmm/boot/pvh_boot.h"
#include "fake_kernel.h"
#include "unit.h"

#define SMALL_RAM (16ull << 20)
/* More than fits below the MMIO hole: 3 GiB low, 256 MiB above 4 GiB. */
#define LARGE_RAM (MACHINE_MMIO_HOLE_START + (256ull << 20))

struct boot_fixture {
	uint8_t *host;
	uint64_t size;
	struct guest_mem mem;
	struct fake_kernel kernel;
	struct boot_inputs in;
	struct boot_result out;
	struct vitro_error err;
};

/* Sparse: only the pages the boot code writes become real memory. */
static bool fixture_init(struct boot_fixture *f, uint64_t ram_size)
{
	memset(f, 0, sizeof(*f));
	f->host = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->host == MAP_FAILED) {
		UNIT_FAIL("cannot map %llu MiB of sparse guest RAM",
			  (unsigned long long)(ram_size >> 20));
		return false;
	}
	f->size = ram_size;
	guest_mem_layout(&f->mem, f->host, ram_size, MACHINE_MMIO_HOLE_START,
			 MACHINE_MMIO_HOLE_END);
	fake_kernel_init(&f->kernel);
	f->in = (struct boot_inputs){
		.kernel = f->kernel.bytes,
		.kernel_size = f->kernel.size,
		.cmdline = "console=ttyS0 root=/dev/vda",
		.nr_cpus = 2,
		.tsc_khz = 2500000,
	};
	return true;
}

static void fixture_destroy(struct boot_fixture *f)
{
	munmap(f->host, f->size);
}

static int fixture_boot(struct boot_fixture *f)
{
	return boot_load_pvh(&f->mem, &f->in, &f->out, &f->err);
}

static void *gpa(struct boot_fixture *f, uint64_t addr, uint64_t len)
{
	void *p = guest_mem_ptr(&f->mem, addr, len);

	if (!p)
		UNIT_FAIL("0x%llx+0x%llx is not guest RAM", (unsigned long long)addr,
			  (unsigned long long)len);
	return p;
}

static const char *gpa_string(struct boot_fixture *f, uint64_t addr)
{
	const char *s = gpa(f, addr, 1);
	uint64_t room = BOOT_AREA_END - addr;

	if (!s || addr >= BOOT_AREA_END || strnlen(s, room) == room)
		return NULL;
	return s;
}

static const struct hvm_start_info *start_info(struct boot_fixture *f)
{
	return gpa(f, f->out.start_info_gpa, sizeof(struct hvm_start_info));
}

static void expect_memmap_entry_at(const char *file, unsigned int line,
				   const struct hvm_memmap_table_entry *e, uint64_t addr,
				   uint64_t size, uint32_t type)
{
	if (e->addr != addr || e->size != size || e->type != type)
		unit_fail_at(file, line,
			     "memmap entry {0x%llx, 0x%llx, %u}, want {0x%llx, 0x%llx, %u}",
			     (unsigned long long)e->addr, (unsigned long long)e->size, e->type,
			     (unsigned long long)addr, (unsigned long long)size, type);
}

#define EXPECT_MEMMAP_ENTRY(e, addr, size, type) \
	expect_memmap_entry_at(__FILE__, __LINE__, (e), (addr), (size), (type))

static void test_boot_writes_start_info_with_magic_and_cmdline(void)
{
	struct boot_fixture f;
	const struct hvm_start_info *si;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	EXPECT_EQ(fixture_boot(&f), 0);
	EXPECT_STR(f.err.msg, "");
	EXPECT_EQ(f.out.start_info_gpa, 0x1000);
	EXPECT_EQ(f.out.entry, FAKE_KERNEL_ENTRY);
	EXPECT_EQ(f.out.kernel_end, FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ);
	si = start_info(&f);
	if (si) {
		EXPECT_EQ(si->magic, 0x336ec578);
		EXPECT_EQ(si->version, 1);
		EXPECT_EQ(si->flags, 0);
		/* The ACPI tables are announced to PVH kernels too. */
		EXPECT_EQ(si->rsdp_paddr, BOOT_ACPI_GPA);
		EXPECT_TRUE(si->rsdp_paddr && !memcmp(gpa(&f, si->rsdp_paddr, 8), "RSD PTR ", 8));
		EXPECT_STR(gpa_string(&f, si->cmdline_paddr), "console=ttyS0 root=/dev/vda");
	}
	fixture_destroy(&f);
}

static void test_boot_memmap_splits_low_ram_around_legacy_hole(void)
{
	const struct hvm_memmap_table_entry *map;
	const struct hvm_start_info *si;
	struct boot_fixture f;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	EXPECT_EQ(fixture_boot(&f), 0);
	si = start_info(&f);
	if (si && EXPECT_EQ(si->memmap_entries, 3) &&
	    (map = gpa(&f, si->memmap_paddr, 3 * sizeof(*map)))) {
		EXPECT_MEMMAP_ENTRY(&map[0], 0, 0x9fc00, E820_RAM);
		EXPECT_MEMMAP_ENTRY(&map[1], 0x9fc00, 0x100000 - 0x9fc00, E820_RESERVED);
		EXPECT_MEMMAP_ENTRY(&map[2], 0x100000, SMALL_RAM - 0x100000, E820_RAM);
	}
	fixture_destroy(&f);
}

static void test_boot_memmap_puts_ram_beyond_3_gib_above_4_gib(void)
{
	const struct hvm_memmap_table_entry *map;
	const struct hvm_start_info *si;
	struct boot_fixture f;

	if (!fixture_init(&f, LARGE_RAM))
		return;
	EXPECT_EQ(fixture_boot(&f), 0);
	si = start_info(&f);
	if (si && EXPECT_EQ(si->memmap_entries, 4) &&
	    (map = gpa(&f, si->memmap_paddr, 4 * sizeof(*map)))) {
		EXPECT_MEMMAP_ENTRY(&map[0], 0, 0x9fc00, E820_RAM);
		EXPECT_MEMMAP_ENTRY(&map[1], 0x9fc00, 0x60400, E820_RESERVED);
		EXPECT_MEMMAP_ENTRY(&map[2], 0x100000, 0xc0000000 - 0x100000, E820_RAM);
		EXPECT_MEMMAP_ENTRY(&map[3], 0x100000000ull, 256ull << 20, E820_RAM);
	}
	fixture_destroy(&f);
}

static void test_pvh_memmap_build_stops_at_max_entries(void)
{
	struct hvm_memmap_table_entry map[3];
	struct guest_mem mem;

	memset(map, 0x5c, sizeof(map));
	guest_mem_layout(&mem, NULL, LARGE_RAM, MACHINE_MMIO_HOLE_START, MACHINE_MMIO_HOLE_END);
	EXPECT_EQ(pvh_memmap_build(&mem, map, 2), 2);
	EXPECT_MEMMAP_ENTRY(&map[1], 0x9fc00, 0x60400, E820_RESERVED);
	EXPECT_EQ(map[2].addr, 0x5c5c5c5c5c5c5c5cull);
}

static void test_boot_lists_fdt_as_first_module(void)
{
	const struct hvm_modlist_entry *mod;
	const struct hvm_start_info *si;
	struct boot_fixture f;
	const void *fdt;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	EXPECT_EQ(fixture_boot(&f), 0);
	si = start_info(&f);
	if (!si || !EXPECT_EQ(si->nr_modules, 1) ||
	    !(mod = gpa(&f, si->modlist_paddr, sizeof(*mod))))
		goto out;
	EXPECT_STR(gpa_string(&f, mod->cmdline_paddr), "vitro-fdt");
	EXPECT_EQ(mod->paddr, f.out.fdt_gpa);
	EXPECT_EQ(mod->size, f.out.fdt_size);
	fdt = gpa(&f, mod->paddr, mod->size);
	if (fdt) {
		EXPECT_EQ(fdt_check_header(fdt), 0);
		EXPECT_EQ(fdt_totalsize(fdt), mod->size);
		EXPECT_TRUE(fdt_path_offset(fdt, "/chosen") >= 0);
		EXPECT_STR(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", NULL),
			   "console=ttyS0 root=/dev/vda");
	}
	/* The module must not overlap the start info, its lists or the kernel. */
	EXPECT_TRUE(mod->paddr >= BOOT_CMDLINE_GPA + BOOT_CMDLINE_MAX);
	EXPECT_TRUE(mod->paddr + mod->size <= BOOT_EBDA_GPA);
out:
	fixture_destroy(&f);
}

static void test_boot_places_initrd_page_aligned_at_top_of_low_ram(void)
{
	static uint8_t initrd[5000];
	const struct hvm_modlist_entry *mod;
	const struct hvm_start_info *si;
	struct boot_fixture f;
	const uint8_t *copy;
	const void *fdt;
	const fdt64_t *start, *end;
	int chosen;
	size_t i;

	for (i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 13 + 1);
	if (!fixture_init(&f, SMALL_RAM))
		return;
	f.in.initrd = initrd;
	f.in.initrd_size = sizeof(initrd);
	EXPECT_EQ(fixture_boot(&f), 0);
	EXPECT_EQ(f.out.initrd_gpa, SMALL_RAM - 0x2000);
	si = start_info(&f);
	if (!si || !EXPECT_EQ(si->nr_modules, 2) ||
	    !(mod = gpa(&f, si->modlist_paddr, 2 * sizeof(*mod))))
		goto out;
	EXPECT_STR(gpa_string(&f, mod[0].cmdline_paddr), "vitro-fdt");
	EXPECT_STR(gpa_string(&f, mod[1].cmdline_paddr), "initrd");
	EXPECT_EQ(mod[1].paddr, SMALL_RAM - 0x2000);
	EXPECT_EQ(mod[1].size, sizeof(initrd));
	copy = gpa(&f, mod[1].paddr, mod[1].size);
	if (copy)
		EXPECT_TRUE(!memcmp(copy, initrd, sizeof(initrd)));
	/* The FDT tells the same story. */
	fdt = gpa(&f, mod[0].paddr, mod[0].size);
	chosen = fdt ? fdt_path_offset(fdt, "/chosen") : -1;
	start = chosen >= 0 ? fdt_getprop(fdt, chosen, "linux,initrd-start", NULL) : NULL;
	end = chosen >= 0 ? fdt_getprop(fdt, chosen, "linux,initrd-end", NULL) : NULL;
	if (EXPECT_TRUE(start && end)) {
		EXPECT_EQ(fdt64_to_cpu(*start), SMALL_RAM - 0x2000);
		EXPECT_EQ(fdt64_to_cpu(*end), SMALL_RAM - 0x2000 + sizeof(initrd));
	}
out:
	fixture_destroy(&f);
}

static void test_boot_places_initrd_below_mmio_hole_when_ram_is_split(void)
{
	static uint8_t initrd[3 * 4096 + 1] = { 0x11 };
	struct boot_fixture f;
	const uint8_t *copy;

	initrd[sizeof(initrd) - 1] = 0x22;
	if (!fixture_init(&f, LARGE_RAM))
		return;
	f.in.initrd = initrd;
	f.in.initrd_size = sizeof(initrd);
	EXPECT_EQ(fixture_boot(&f), 0);
	EXPECT_EQ(f.out.initrd_gpa, MACHINE_MMIO_HOLE_START - 4 * 4096);
	copy = gpa(&f, f.out.initrd_gpa, sizeof(initrd));
	if (copy) {
		EXPECT_EQ(copy[0], 0x11);
		EXPECT_EQ(copy[sizeof(initrd) - 1], 0x22);
	}
	fixture_destroy(&f);
}

/* vm.c turns a message that starts "initrd: " into one naming --initrd and
 * the file; anything else it blames on --kernel. */
#define EXPECT_INITRD_MESSAGE(msg)                                                         \
	do {                                                                               \
		if (strncmp((msg), "initrd: ", 8))                                         \
			UNIT_FAIL("the error does not start \"initrd: \": \"%s\"", (msg)); \
	} while (0)

static void test_boot_rejects_initrd_larger_than_ram_above_kernel(void)
{
	const uint64_t room = SMALL_RAM - (FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ);
	const uint64_t sizes[] = { room + 1, room + 4096, SMALL_RAM, SIZE_MAX };
	static const uint8_t initrd[1];
	struct boot_fixture f;
	unsigned int i;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	/* Never read: the size is checked first. */
	f.in.initrd = initrd;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		f.in.initrd_size = sizes[i];
		f.err.msg[0] = '\0';
		if (!EXPECT_EQ(fixture_boot(&f), -E2BIG))
			UNIT_FAIL("a %llu-byte initrd was accepted", (unsigned long long)sizes[i]);
		EXPECT_INITRD_MESSAGE(f.err.msg);
	}
	fixture_destroy(&f);
}

static void test_boot_rejects_initrd_that_page_alignment_pushes_into_kernel(void)
{
	static uint8_t initrd[SMALL_RAM];
	uint64_t kernel_end = FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ + 0x80;
	struct boot_fixture f;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	fake_kernel_phdr(&f.kernel, FAKE_KERNEL_PH_DATA)->p_memsz += 0x80;
	f.in.initrd = initrd;
	/* Fits above the kernel byte-wise; rounding its start down does not. */
	f.in.initrd_size = SMALL_RAM - kernel_end - 0x10;
	EXPECT_EQ(fixture_boot(&f), -E2BIG);
	EXPECT_INITRD_MESSAGE(f.err.msg);
	fixture_destroy(&f);
}

static void test_boot_accepts_initrd_that_exactly_fills_ram_above_kernel(void)
{
	static uint8_t initrd[SMALL_RAM];
	uint64_t kernel_end = FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ;
	struct boot_fixture f;
	const uint8_t *copy;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	initrd[0] = 0x33;
	initrd[SMALL_RAM - kernel_end - 1] = 0x44;
	f.in.initrd = initrd;
	f.in.initrd_size = SMALL_RAM - kernel_end;
	EXPECT_EQ(fixture_boot(&f), 0);
	EXPECT_EQ(f.out.initrd_gpa, kernel_end);
	copy = gpa(&f, kernel_end, f.in.initrd_size);
	if (copy) {
		EXPECT_EQ(copy[0], 0x33);
		EXPECT_EQ(copy[f.in.initrd_size - 1], 0x44);
	}
	fixture_destroy(&f);
}

static void test_boot_rejects_cmdline_that_does_not_fit_its_page(void)
{
	static char cmdline[BOOT_CMDLINE_MAX + 1];
	struct boot_fixture f;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	memset(cmdline, 'c', BOOT_CMDLINE_MAX - 1);
	f.in.cmdline = cmdline;
	EXPECT_EQ(fixture_boot(&f), 0);
	EXPECT_TRUE(gpa_string(&f, BOOT_CMDLINE_GPA) &&
		    strlen(gpa_string(&f, BOOT_CMDLINE_GPA)) == BOOT_CMDLINE_MAX - 1);
	cmdline[BOOT_CMDLINE_MAX - 1] = 'c';
	EXPECT_EQ(fixture_boot(&f), -E2BIG);
	EXPECT_CONTAINS(f.err.msg, "command line");
	fixture_destroy(&f);
}

static void test_boot_rejects_ram_smaller_than_boot_area(void)
{
	struct boot_fixture f;

	if (!fixture_init(&f, BOOT_AREA_END - 4096))
		return;
	EXPECT_EQ(fixture_boot(&f), -E2BIG);
	EXPECT_CONTAINS(f.err.msg, "boot area");
	fixture_destroy(&f);
}

static void test_boot_reports_kernel_loader_errors(void)
{
	struct boot_fixture f;

	if (!fixture_init(&f, SMALL_RAM))
		return;
	f.in.kernel_size = 10;
	EXPECT_EQ(fixture_boot(&f), -ENOEXEC);
	EXPECT_CONTAINS(f.err.msg, "ELF");
	/* Nothing was set up for a guest that cannot start. */
	EXPECT_EQ(((const struct hvm_start_info *)(f.host + BOOT_START_INFO_GPA))->magic, 0);
	fixture_destroy(&f);
}

static CU_TestInfo boot_tests[] = {
	UNIT_TEST(test_boot_writes_start_info_with_magic_and_cmdline),
	UNIT_TEST(test_boot_memmap_splits_low_ram_around_legacy_hole),
	UNIT_TEST(test_boot_memmap_puts_ram_beyond_3_gib_above_4_gib),
	UNIT_TEST(test_pvh_memmap_build_stops_at_max_entries),
	UNIT_TEST(test_boot_lists_fdt_as_first_module),
	UNIT_TEST(test_boot_places_initrd_page_aligned_at_top_of_low_ram),
	UNIT_TEST(test_boot_places_initrd_below_mmio_hole_when_ram_is_split),
	UNIT_TEST(test_boot_rejects_initrd_larger_than_ram_above_kernel),
	UNIT_TEST(test_boot_rejects_initrd_that_page_alignment_pushes_into_kernel),
	UNIT_TEST(test_boot_accepts_initrd_that_exactly_fills_ram_above_kernel),
	UNIT_TEST(test_boot_rejects_cmdline_that_does_not_fit_its_page),
	UNIT_TEST(test_boot_rejects_ram_smaller_than_boot_area),
	UNIT_TEST(test_boot_reports_kernel_loader_errors),
	CU_TEST_INFO_NULL,
};

static void unit_register_boot(void)
{
	unit_add_suite("boot", boot_tests);
}

UNIT_REGISTER(unit_register_boot)
