/* Tests for the Linux bzImage loader (vmm/boot/bzimage.c) and the 64-bit boot
 * protocol set-up (vmm/boot/linux_boot.c, boot_load_linux in boot.c): images
 * built here, each bent in one way, and Debian's real cloud kernel when
 * scripts/fetch-debian-kernel has put it in the build directory. What the
 * guest finds is read back the way the kernel reads it: the zero page, the
 * page tables from CR3, the GDT. */
#include <asm/bootparam.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../shared/machine.h"
#include "../../vmm/boot/boot.h"
#include "../../vmm/boot/bzimage.h"
#include "../../vmm/boot/layout.h"
#include "../../vmm/boot/linux_boot.h"
#include "../../vmm/files.h"
#include "fake_kernel.h"
#include "unit.h"

#define RAM_SIZE (256ull << 20)
#define FAKE_SETUP_SECTS 3
#define FAKE_SETUP_BYTES ((FAKE_SETUP_SECTS + 1) * 512)
#define FAKE_KERNEL_BYTES 0x3000
#define FAKE_SIZE (FAKE_SETUP_BYTES + FAKE_KERNEL_BYTES)
#define FAKE_INIT_SIZE 0x400000
#define FAKE_PREF_ADDRESS 0x1000000ull
#define FAKE_KERNEL_INFO 0x100
#define SETUP_HEADER_OFFSET 0x1f1

struct fake_bzimage {
	_Alignas(8) uint8_t bytes[FAKE_SIZE + 4096];
	size_t size;
};

static struct setup_header *hdr_of(struct fake_bzimage *b)
{
	return (struct setup_header *)(b->bytes + SETUP_HEADER_OFFSET);
}

/* A well-formed protocol 2.15 image whose kernel bytes are a pattern. */
static void fake_bzimage_init(struct fake_bzimage *b)
{
	struct setup_header *h = hdr_of(b);
	size_t i;

	memset(b, 0, sizeof(*b));
	b->size = FAKE_SIZE;
	for (i = FAKE_SETUP_BYTES; i < FAKE_SIZE; i++)
		b->bytes[i] = (uint8_t)(i * 7 + 3);
	h->setup_sects = FAKE_SETUP_SECTS;
	h->syssize = FAKE_KERNEL_BYTES / 16;
	h->boot_flag = 0xaa55;
	h->jump = 0x6aeb; /* jmp to 0x26c, the end of a 2.15 header */
	memcpy(&h->header, "HdrS", 4);
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->code32_start = 0x100000;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	h->cmdline_size = 2047;
	h->payload_offset = 0x400;
	h->payload_length = 0x1000;
	h->pref_address = FAKE_PREF_ADDRESS;
	h->init_size = FAKE_INIT_SIZE;
	h->kernel_info_offset = FAKE_KERNEL_INFO;
	memcpy(b->bytes + FAKE_SETUP_BYTES + FAKE_KERNEL_INFO, "LToP", 4);
}

struct linux_fixture {
	uint8_t *host;
	struct guest_mem mem;
	struct fake_bzimage image;
	struct boot_inputs in;
	struct boot_result out;
	struct vitro_error err;
};

static const struct fdt_virtio_mmio fixture_disks[2] = {
	{ MACHINE_VIRTIO_MMIO_BASE, MACHINE_VIRTIO_MMIO_SIZE, MACHINE_VIRTIO_MMIO_FIRST_IRQ },
	{ MACHINE_VIRTIO_MMIO_BASE + MACHINE_VIRTIO_MMIO_SIZE, MACHINE_VIRTIO_MMIO_SIZE,
	  MACHINE_VIRTIO_MMIO_FIRST_IRQ + 1 },
};

/* Sparse RAM: only what the loader writes becomes real memory. */
static bool fixture_init(struct linux_fixture *f, uint64_t ram_size)
{
	memset(f, 0, sizeof(*f));
	f->host = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->host == MAP_FAILED) {
		UNIT_FAIL("cannot map %llu MiB of guest RAM", (unsigned long long)(ram_size >> 20));
		return false;
	}
	guest_mem_layout(&f->mem, f->host, ram_size, MACHINE_MMIO_HOLE_START,
			 MACHINE_MMIO_HOLE_END);
	fake_bzimage_init(&f->image);
	f->in = (struct boot_inputs){
		.kernel = f->image.bytes,
		.kernel_size = f->image.size,
		.cmdline = "console=ttyS0 root=/dev/vda",
		.nr_cpus = 2,
		.virtio_mmio = fixture_disks,
		.nr_virtio_mmio = 2,
	};
	return true;
}

static void fixture_destroy(struct linux_fixture *f)
{
	munmap(f->host, f->mem.size_bytes);
}

static void *gpa(struct linux_fixture *f, uint64_t addr, uint64_t len)
{
	void *p = guest_mem_ptr(&f->mem, addr, len);

	if (!p)
		UNIT_FAIL("0x%llx+0x%llx is not guest RAM", (unsigned long long)addr,
			  (unsigned long long)len);
	return p;
}

static const struct boot_params *zero_page(struct linux_fixture *f)
{
	return gpa(f, f->out.boot_params_gpa, sizeof(struct boot_params));
}

/* --- the setup header ----------------------------------------------------- */

static void test_bzimage_is_told_apart_from_elf_by_hdrs_magic(void)
{
	struct fake_bzimage b;
	struct fake_kernel k;

	fake_bzimage_init(&b);
	fake_kernel_init(&k);
	EXPECT_TRUE(bzimage_is_bzimage(b.bytes, b.size));
	EXPECT_FALSE(bzimage_is_bzimage(k.bytes, k.size));
	EXPECT_FALSE(bzimage_is_bzimage(b.bytes, 0x205)); /* magic cut short */
	memcpy(&hdr_of(&b)->header, "HdrT", 4);
	EXPECT_FALSE(bzimage_is_bzimage(b.bytes, b.size));
}

static void test_bzimage_parse_reads_the_setup_header(void)
{
	struct vitro_error err = { "" };
	struct bzimage_header hdr;
	struct fake_bzimage b;

	fake_bzimage_init(&b);
	EXPECT_EQ(bzimage_parse(b.bytes, b.size, &hdr, &err), 0);
	EXPECT_STR(err.msg, "");
	EXPECT_EQ(hdr.version, 0x020f);
	EXPECT_EQ(hdr.setup_sects, FAKE_SETUP_SECTS);
	EXPECT_EQ(hdr.setup_bytes, FAKE_SETUP_BYTES);
	EXPECT_EQ(hdr.kernel_bytes, FAKE_KERNEL_BYTES);
	EXPECT_EQ(hdr.header_end, 0x26c);
	EXPECT_EQ(hdr.kernel_alignment, 0x200000);
	EXPECT_EQ(hdr.pref_address, FAKE_PREF_ADDRESS);
	EXPECT_EQ(hdr.init_size, FAKE_INIT_SIZE);
	EXPECT_EQ(hdr.cmdline_size, 2047);
	EXPECT_EQ(hdr.initrd_addr_max, 0x7fffffff);

	/* setup_sects 0 means 4 (boot.rst). */
	hdr_of(&b)->setup_sects = 0;
	hdr_of(&b)->syssize = (FAKE_SIZE - 5 * 512) / 16;
	hdr_of(&b)->kernel_info_offset = 0;
	EXPECT_EQ(bzimage_parse(b.bytes, b.size, &hdr, &err), 0);
	EXPECT_EQ(hdr.setup_bytes, 5 * 512);
}

/* One field broken per case; each message must name that field. */
static void break_boot_flag(struct fake_bzimage *b)
{
	hdr_of(b)->boot_flag = 0x1234;
}
static void break_version(struct fake_bzimage *b)
{
	hdr_of(b)->version = 0x020b;
}
static void break_setup_sects(struct fake_bzimage *b)
{
	hdr_of(b)->setup_sects = 200;
}
static void break_jump(struct fake_bzimage *b)
{
	hdr_of(b)->jump = 0x10eb; /* header ending at 0x212, before init_size */
}
static void break_syssize_zero(struct fake_bzimage *b)
{
	hdr_of(b)->syssize = 0;
}
static void break_syssize_truncated(struct fake_bzimage *b)
{
	b->size -= 32; /* the file is shorter than syssize says */
}
static void break_loadflags(struct fake_bzimage *b)
{
	hdr_of(b)->loadflags = 0;
}
static void break_relocatable(struct fake_bzimage *b)
{
	hdr_of(b)->relocatable_kernel = 0;
}
static void break_xloadflags(struct fake_bzimage *b)
{
	hdr_of(b)->xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G;
}
static void break_alignment_not_power_of_two(struct fake_bzimage *b)
{
	hdr_of(b)->kernel_alignment = 0x300000;
}
static void break_alignment_zero(struct fake_bzimage *b)
{
	hdr_of(b)->kernel_alignment = 0;
}
static void break_init_size(struct fake_bzimage *b)
{
	hdr_of(b)->init_size = FAKE_KERNEL_BYTES - 1;
}
static void break_cmdline_size(struct fake_bzimage *b)
{
	hdr_of(b)->cmdline_size = 0;
}
static void break_payload(struct fake_bzimage *b)
{
	hdr_of(b)->payload_length = FAKE_KERNEL_BYTES;
}
static void break_payload_wraps(struct fake_bzimage *b)
{
	hdr_of(b)->payload_offset = 0xffffffff;
	hdr_of(b)->payload_length = 2;
}
static void break_kernel_info_magic(struct fake_bzimage *b)
{
	memcpy(b->bytes + FAKE_SETUP_BYTES + FAKE_KERNEL_INFO, "PToL", 4);
}
static void break_kernel_info_offset(struct fake_bzimage *b)
{
	hdr_of(b)->kernel_info_offset = FAKE_KERNEL_BYTES - 2;
}
static void break_short_file(struct fake_bzimage *b)
{
	b->size = 0x300;
}

static void test_bzimage_parse_names_each_malformed_field(void)
{
	static const struct {
		void (*bend)(struct fake_bzimage *b);
		const char *message;
	} cases[] = {
		{ break_boot_flag, "boot_flag is 0x1234" },
		{ break_version, "boot protocol version 2.11 is too old" },
		{ break_setup_sects, "setup_sects 200" },
		{ break_jump, "setup header 'jump'" },
		{ break_syssize_zero, "syssize 0" },
		{ break_syssize_truncated, "syssize 768" },
		{ break_loadflags, "lack LOADED_HIGH" },
		{ break_relocatable, "relocatable_kernel is 0" },
		{ break_xloadflags, "lack XLF_KERNEL_64" },
		{ break_alignment_not_power_of_two, "kernel_alignment 0x300000" },
		{ break_alignment_zero, "kernel_alignment 0x0" },
		{ break_init_size, "init_size 0x2fff is smaller" },
		{ break_cmdline_size, "cmdline_size is 0" },
		{ break_payload, "payload_offset 0x400 + payload_length 0x3000" },
		{ break_payload_wraps, "payload_offset 0xffffffff" },
		{ break_kernel_info_magic, "kernel_info_offset 0x100" },
		{ break_kernel_info_offset, "kernel_info_offset 0x2ffe" },
		{ break_short_file, "setup_sects 3" },
	};
	struct bzimage_header hdr;
	struct fake_bzimage b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vitro_error err = { "" };
		uint8_t *copy;
		int rc;

		fake_bzimage_init(&b);
		cases[i].bend(&b);
		/* Ends at a guard page: a read past the file faults. */
		copy = unit_guarded_copy(b.bytes, b.size);
		if (!copy) {
			UNIT_FAIL("out of memory");
			return;
		}
		rc = bzimage_parse(copy, b.size, &hdr, &err);
		unit_guarded_free(copy, b.size);
		if (rc != -ENOEXEC || !strstr(err.msg, cases[i].message))
			UNIT_FAIL("case %u: rc %d, message '%s', want -ENOEXEC and '%s'", i, rc,
				  err.msg, cases[i].message);
	}
}

/* Older protocols lack the later fields: a 2.12 header (ending at 0x268)
 * reads kernel_info_offset as absent, whatever bytes follow. */
static void test_bzimage_parse_ignores_fields_past_a_shorter_header(void)
{
	struct vitro_error err = { "" };
	struct bzimage_header hdr;
	struct fake_bzimage b;

	fake_bzimage_init(&b);
	hdr_of(&b)->version = 0x020c;
	hdr_of(&b)->jump = 0x66eb; /* ends at 0x268 */
	hdr_of(&b)->kernel_info_offset = 0xdeadbeef;
	EXPECT_EQ(bzimage_parse(b.bytes, b.size, &hdr, &err), 0);
	EXPECT_STR(err.msg, "");
	EXPECT_EQ(hdr.header_end, 0x268);
}

/* --- placement ------------------------------------------------------------ */

static void test_bzimage_place_prefers_pref_address_then_the_lowest_aligned_fit(void)
{
	struct vitro_error err = { "" };
	struct bzimage_header hdr;
	struct fake_bzimage b;
	struct guest_mem mem;
	uint64_t at = 0;

	fake_bzimage_init(&b);
	guest_mem_layout(&mem, NULL, 64ull << 20, MACHINE_MMIO_HOLE_START, MACHINE_MMIO_HOLE_END);
	CU_ASSERT_FATAL(bzimage_parse(b.bytes, b.size, &hdr, &err) == 0);
	EXPECT_EQ(bzimage_place(&hdr, &mem, BOOT_AREA_END, &at, &err), 0);
	EXPECT_EQ(at, FAKE_PREF_ADDRESS);

	hdr.pref_address = 0x1080000; /* not 2 MiB aligned */
	EXPECT_EQ(bzimage_place(&hdr, &mem, BOOT_AREA_END, &at, &err), 0);
	EXPECT_EQ(at, 0x200000);

	hdr.pref_address = FAKE_PREF_ADDRESS;
	hdr.init_size = (64 << 20) - 0x200000; /* fits only from 2 MiB */
	EXPECT_EQ(bzimage_place(&hdr, &mem, BOOT_AREA_END, &at, &err), 0);
	EXPECT_EQ(at, 0x200000);

	hdr.init_size += 1;
	EXPECT_EQ(bzimage_place(&hdr, &mem, BOOT_AREA_END, &at, &err), -E2BIG);
	EXPECT_CONTAINS(err.msg, "init_size 0x3e00001");
	EXPECT_CONTAINS(err.msg, "raise --mem");
}

/* --- the zero page and entry state ---------------------------------------- */

static void test_linux_boot_enters_startup_64_with_the_zero_page(void)
{
	const struct boot_params *bp;
	struct linux_fixture f;
	const uint8_t *kernel;
	const char *cmdline;

	if (!fixture_init(&f, RAM_SIZE))
		return;
	EXPECT_EQ(boot_load(&f.mem, &f.in, &f.out, &f.err), 0);
	EXPECT_STR(f.err.msg, "");
	EXPECT_EQ(f.out.protocol, BOOT_LINUX64);
	EXPECT_EQ(f.out.entry, FAKE_PREF_ADDRESS + 0x200);
	EXPECT_EQ(f.out.kernel_start, FAKE_PREF_ADDRESS);
	EXPECT_EQ(f.out.kernel_end, FAKE_PREF_ADDRESS + FAKE_INIT_SIZE);
	EXPECT_EQ(f.out.boot_params_gpa, BOOT_ZERO_PAGE_GPA);
	kernel = gpa(&f, FAKE_PREF_ADDRESS, FAKE_KERNEL_BYTES);
	if (kernel)
		EXPECT_TRUE(!memcmp(kernel, f.image.bytes + FAKE_SETUP_BYTES, FAKE_KERNEL_BYTES));
	bp = zero_page(&f);
	if (!bp)
		goto out;
	/* The kernel's own header, then what a loader writes. */
	EXPECT_TRUE(!memcmp(&bp->hdr.header, "HdrS", 4));
	EXPECT_EQ(bp->hdr.version, 0x020f);
	EXPECT_EQ(bp->hdr.boot_flag, 0xaa55);
	EXPECT_EQ(bp->hdr.init_size, FAKE_INIT_SIZE);
	EXPECT_EQ(bp->hdr.kernel_info_offset, FAKE_KERNEL_INFO);
	EXPECT_EQ(bp->hdr.type_of_loader, 0xff);
	EXPECT_EQ(bp->hdr.code32_start, FAKE_PREF_ADDRESS);
	EXPECT_EQ(bp->hdr.ramdisk_image, 0);
	EXPECT_EQ(bp->hdr.ramdisk_size, 0);
	EXPECT_EQ(bp->acpi_rsdp_addr, BOOT_ACPI_GPA);
	EXPECT_TRUE(!memcmp(gpa(&f, bp->acpi_rsdp_addr, 8), "RSD PTR ", 8));
	cmdline = gpa(&f, bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32, 64);
	if (cmdline)
		EXPECT_STR(cmdline, "console=ttyS0 root=/dev/vda");
	/* Nothing the loader does not own: the rest of the page is zero. */
	EXPECT_EQ(bp->screen_info.orig_video_isVGA, 0);
	EXPECT_EQ(bp->hdr.setup_data, 0);
out:
	fixture_destroy(&f);
}

static void expect_e820_at(const char *file, unsigned int line, const struct boot_e820_entry *e,
			   uint64_t addr, uint64_t size, uint32_t type)
{
	uint64_t a = e->addr, s = e->size;
	uint32_t t = e->type;

	if (a != addr || s != size || t != type)
		unit_fail_at(file, line,
			     "e820 entry {0x%llx, 0x%llx, %u}, want {0x%llx, 0x%llx, %u}",
			     (unsigned long long)a, (unsigned long long)s, t,
			     (unsigned long long)addr, (unsigned long long)size, type);
}

#define EXPECT_E820(e, addr, size, type) expect_e820_at(__FILE__, __LINE__, (e), addr, size, type)

/* RAM around the legacy hole, the virtio-mmio slots and the trace rings
 * reserved, RAM above 4 GiB last: sorted, as Linux expects. */
static void test_linux_boot_e820_lists_ram_holes_virtio_and_trace(void)
{
	const uint64_t ram = MACHINE_MMIO_HOLE_START + (64ull << 20);
	const struct boot_params *bp;
	struct linux_fixture f;

	if (!fixture_init(&f, ram))
		return;
	f.in.trace = (struct fdt_trace_region){
		.gpa = MACHINE_TRACE_BASE, .size = 2 << 20, .nr_rings = 2, .ring_size = 1 << 20
	};
	EXPECT_EQ(boot_load_linux(&f.mem, &f.in, &f.out, &f.err), 0);
	bp = zero_page(&f);
	if (bp && EXPECT_EQ(bp->e820_entries, 6)) {
		EXPECT_E820(&bp->e820_table[0], 0, 0x9fc00, E820_RAM);
		EXPECT_E820(&bp->e820_table[1], 0x9fc00, 0x60400, E820_RESERVED);
		EXPECT_E820(&bp->e820_table[2], 0x100000, MACHINE_MMIO_HOLE_START - 0x100000,
			    E820_RAM);
		EXPECT_E820(&bp->e820_table[3], MACHINE_TRACE_BASE, 2 << 20, E820_RESERVED);
		EXPECT_E820(&bp->e820_table[4], MACHINE_VIRTIO_MMIO_BASE,
			    MACHINE_VIRTIO_MMIO_SLOTS * MACHINE_VIRTIO_MMIO_SIZE, E820_RESERVED);
		EXPECT_E820(&bp->e820_table[5], 1ull << 32, 64ull << 20, E820_RAM);
	}
	fixture_destroy(&f);
}

/* Follows 4-level paging from CR3 as the CPU would; ~0 if not mapped. */
static uint64_t walk(struct linux_fixture *f, uint64_t cr3, uint64_t va)
{
	uint64_t table = cr3 & ~0xfffull, *entry;
	int level;

	for (level = 3; level >= 0; level--) {
		entry = gpa(f, table + ((va >> (12 + 9 * level)) & 511) * 8, 8);
		if (!entry || !(*entry & 1))
			return ~0ull;
		if (level == 1 && (*entry & 0x80))
			return (*entry & 0xfffffffe00000ull) | (va & 0x1fffff);
		table = *entry & 0xffffffffff000ull;
	}
	return table | (va & 0xfff);
}

static void test_linux_boot_maps_low_4_gib_one_to_one_with_a_boot_gdt(void)
{
	static const uint64_t probes[] = { 0,	       BOOT_ZERO_PAGE_GPA + 0x10, 0x1000200,
					   0x7fffffff, MACHINE_IOAPIC_BASE,	  0xffffffff };
	const uint64_t *gdt;
	struct linux_fixture f;
	unsigned int i;

	if (!fixture_init(&f, RAM_SIZE))
		return;
	EXPECT_EQ(boot_load_linux(&f.mem, &f.in, &f.out, &f.err), 0);
	for (i = 0; i < ARRAY_SIZE(probes); i++)
		EXPECT_EQ(walk(&f, f.out.page_tables_gpa, probes[i]), probes[i]);
	EXPECT_EQ(walk(&f, f.out.page_tables_gpa, 1ull << 32), ~0ull);
	EXPECT_EQ(f.out.gdt_limit, 4 * 8 - 1);
	gdt = gpa(&f, f.out.gdt_gpa, 32);
	if (gdt) {
		/* __BOOT_CS: present, DPL 0, code, L set, D clear; __BOOT_DS: data. */
		EXPECT_EQ((gdt[LINUX_BOOT_CS / 8] >> 40) & 0xff, 0x9b);
		EXPECT_EQ((gdt[LINUX_BOOT_CS / 8] >> 53) & 3, 1);
		EXPECT_EQ((gdt[LINUX_BOOT_DS / 8] >> 40) & 0xff, 0x93);
	}
	/* The stack, tables and zero page do not overlap one another. */
	EXPECT_TRUE(f.out.stack_gpa <= f.out.page_tables_gpa &&
		    f.out.stack_gpa > BOOT_ZERO_PAGE_GPA + 4096);
	fixture_destroy(&f);
}

static void test_linux_boot_places_initrd_below_initrd_addr_max(void)
{
	static uint8_t initrd[10000];
	const struct boot_params *bp;
	struct linux_fixture f;
	const uint8_t *copy;
	size_t i;

	for (i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 31 + 5);
	if (!fixture_init(&f, RAM_SIZE))
		return;
	f.in.initrd = initrd;
	f.in.initrd_size = sizeof(initrd);
	hdr_of(&f.image)->initrd_addr_max = 0x2000000 - 1; /* 32 MiB */
	EXPECT_EQ(boot_load_linux(&f.mem, &f.in, &f.out, &f.err), 0);
	EXPECT_STR(f.err.msg, "");
	EXPECT_EQ(f.out.initrd_gpa, 0x2000000 - 0x3000);
	bp = zero_page(&f);
	if (bp) {
		EXPECT_EQ(bp->hdr.ramdisk_image, 0x2000000 - 0x3000);
		EXPECT_EQ(bp->hdr.ramdisk_size, sizeof(initrd));
		EXPECT_EQ(bp->ext_ramdisk_image, 0);
	}
	copy = gpa(&f, f.out.initrd_gpa, sizeof(initrd));
	if (copy)
		EXPECT_TRUE(!memcmp(copy, initrd, sizeof(initrd)));

	/* Without the limit it goes to the top of RAM. */
	hdr_of(&f.image)->initrd_addr_max = 0xffffffff;
	EXPECT_EQ(boot_load_linux(&f.mem, &f.in, &f.out, &f.err), 0);
	EXPECT_EQ(f.out.initrd_gpa, RAM_SIZE - 0x3000);

	/* A limit inside the kernel leaves no room: the message says which field. */
	hdr_of(&f.image)->initrd_addr_max = FAKE_PREF_ADDRESS + FAKE_INIT_SIZE + 0x1000;
	EXPECT_EQ(boot_load_linux(&f.mem, &f.in, &f.out, &f.err), -E2BIG);
	EXPECT_CONTAINS(f.err.msg, "initrd: ");
	EXPECT_CONTAINS(f.err.msg, "initrd_addr_max 0x1401000");
	fixture_destroy(&f);
}

static void test_linux_boot_rejects_cmdline_longer_than_cmdline_size(void)
{
	struct linux_fixture f;
	char cmdline[300];

	if (!fixture_init(&f, RAM_SIZE))
		return;
	memset(cmdline, 'x', sizeof(cmdline) - 1);
	cmdline[sizeof(cmdline) - 1] = '\0';
	f.in.cmdline = cmdline;
	hdr_of(&f.image)->cmdline_size = 299;
	EXPECT_EQ(boot_load_linux(&f.mem, &f.in, &f.out, &f.err), 0);
	hdr_of(&f.image)->cmdline_size = 298;
	EXPECT_EQ(boot_load_linux(&f.mem, &f.in, &f.out, &f.err), -E2BIG);
	EXPECT_CONTAINS(f.err.msg, "299 bytes; the kernel's cmdline_size allows 298");
	fixture_destroy(&f);
}

static void test_boot_load_picks_the_loader_by_file_format(void)
{
	struct linux_fixture f;
	struct fake_kernel elf;

	if (!fixture_init(&f, RAM_SIZE))
		return;
	EXPECT_EQ(boot_load(&f.mem, &f.in, &f.out, &f.err), 0);
	EXPECT_EQ(f.out.protocol, BOOT_LINUX64);
	fake_kernel_init(&elf);
	f.in.kernel = elf.bytes;
	f.in.kernel_size = elf.size;
	EXPECT_EQ(boot_load(&f.mem, &f.in, &f.out, &f.err), 0);
	EXPECT_EQ(f.out.protocol, BOOT_PVH);
	EXPECT_EQ(f.out.entry, FAKE_KERNEL_ENTRY);
	/* A broken bzImage is reported as one, not as "not an ELF file". */
	f.in.kernel = f.image.bytes;
	f.in.kernel_size = f.image.size;
	hdr_of(&f.image)->xloadflags = 0;
	EXPECT_EQ(boot_load(&f.mem, &f.in, &f.out, &f.err), -ENOEXEC);
	EXPECT_CONTAINS(f.err.msg, "XLF_KERNEL_64");
	fixture_destroy(&f);
}

/* --- Debian's kernel ------------------------------------------------------- */

#ifndef UNIT_DEBIAN_BZIMAGE
#define UNIT_DEBIAN_BZIMAGE "build/linux/current/vmlinuz"
#endif

/* A peer's image: the header a real build writes, loaded as vitro run
 * would (256 MiB, two disks), and the entry and zero page it would use. */
static void test_bzimage_loads_debian_cloud_kernel(void)
{
	struct vitro_error err = { "" };
	const struct boot_params *bp;
	struct bzimage_header hdr;
	struct linux_fixture f;
	uint8_t *file = NULL;
	const uint8_t *kernel;
	size_t size;

	if (access(UNIT_DEBIAN_BZIMAGE, R_OK)) {
		unit_skip("%s is missing (run scripts/fetch-debian-kernel BUILD)",
			  UNIT_DEBIAN_BZIMAGE);
		return;
	}
	if (file_read_all(UNIT_DEBIAN_BZIMAGE, "bzImage", 256ull << 20, &file, &size, &err)) {
		UNIT_FAIL("%s", err.msg);
		return;
	}
	EXPECT_TRUE(bzimage_is_bzimage(file, size));
	if (!EXPECT_EQ(bzimage_parse(file, size, &hdr, &err), 0)) {
		UNIT_FAIL("%s", err.msg);
		goto out_file;
	}
	EXPECT_TRUE(hdr.version >= BZIMAGE_MIN_VERSION);
	EXPECT_TRUE(hdr.xloadflags & XLF_KERNEL_64);
	EXPECT_TRUE(hdr.init_size > hdr.kernel_bytes);
	if (!fixture_init(&f, RAM_SIZE))
		goto out_file;
	f.in.kernel = file;
	f.in.kernel_size = size;
	f.in.cmdline = "console=ttyS0 panic=-1";
	if (!EXPECT_EQ(boot_load(&f.mem, &f.in, &f.out, &f.err), 0)) {
		UNIT_FAIL("%s", f.err.msg);
		goto out;
	}
	EXPECT_EQ(f.out.protocol, BOOT_LINUX64);
	EXPECT_EQ(f.out.kernel_start, hdr.pref_address);
	EXPECT_EQ(f.out.entry, hdr.pref_address + 0x200);
	kernel = gpa(&f, f.out.kernel_start, hdr.kernel_bytes);
	if (kernel)
		EXPECT_TRUE(!memcmp(kernel, file + hdr.setup_bytes, hdr.kernel_bytes));
	bp = zero_page(&f);
	if (bp) {
		EXPECT_TRUE(!memcmp((const uint8_t *)bp + 0x1f1, file + 0x1f1, 0x210 - 0x1f1));
		EXPECT_EQ(bp->hdr.type_of_loader, 0xff);
		EXPECT_EQ(bp->hdr.cmd_line_ptr, BOOT_CMDLINE_GPA);
		EXPECT_EQ(bp->acpi_rsdp_addr, BOOT_ACPI_GPA);
		EXPECT_EQ(bp->e820_entries, 4);
	}
out:
	fixture_destroy(&f);
out_file:
	free(file);
}

static void unit_register_bzimage(void)
{
	static CU_TestInfo tests[] = {
		UNIT_TEST(test_bzimage_is_told_apart_from_elf_by_hdrs_magic),
		UNIT_TEST(test_bzimage_parse_reads_the_setup_header),
		UNIT_TEST(test_bzimage_parse_names_each_malformed_field),
		UNIT_TEST(test_bzimage_parse_ignores_fields_past_a_shorter_header),
		UNIT_TEST(test_bzimage_place_prefers_pref_address_then_the_lowest_aligned_fit),
		UNIT_TEST(test_linux_boot_enters_startup_64_with_the_zero_page),
		UNIT_TEST(test_linux_boot_e820_lists_ram_holes_virtio_and_trace),
		UNIT_TEST(test_linux_boot_maps_low_4_gib_one_to_one_with_a_boot_gdt),
		UNIT_TEST(test_linux_boot_places_initrd_below_initrd_addr_max),
		UNIT_TEST(test_linux_boot_rejects_cmdline_longer_than_cmdline_size),
		UNIT_TEST(test_boot_load_picks_the_loader_by_file_format),
		UNIT_TEST(test_bzimage_loads_debian_cloud_kernel),
		CU_TEST_INFO_NULL,
	};

	unit_add_suite("bzimage", tests);
}

UNIT_REGISTER(unit_register_bzimage)
