/* Tests for execve's ELF reader (guest/kernel/kernel/elf_image.c) built for
 * the host. Real executables (musl static and static-pie, Debian's static
 * glibc busybox, a dynamically linked program) are checked against what GNU
 * readelf reports for them; hand-made headers cover what no linker writes. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/elf_image.h>
#include <vitro/errno.h>

#include "exec_samples.h"
#include "unit.h"

static struct elf_image img;

/* ---- What readelf says about a real file. */

struct readelf_segment {
	uint64_t offset, vaddr, filesz, memsz, align;
	char flags[4]; /* "RWE" with blanks, as readelf prints them */
};

struct readelf_view {
	char type[8]; /* "EXEC", "DYN" */
	uint64_t entry, phoff;
	unsigned int phnum;
	struct readelf_segment loads[32];
	unsigned int nr_loads;
	bool has_phdr, has_tls, has_gnu_stack, has_interp;
	uint64_t phdr_vaddr;
	char gnu_stack_flags[4];
	char interp[256];
};

static bool parse_segment_line(const char *line, struct readelf_segment *s, char *type,
			       size_t type_size)
{
	char name[32], rest[64];
	uint64_t paddr;
	int used = 0;
	size_t len;

	if (sscanf(line, " %31s 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx %n", name, &s->offset, &s->vaddr,
		   &paddr, &s->filesz, &s->memsz, &used) != 6 ||
	    !used)
		return false;
	/* The flags field is three characters with blanks ("R E"); the
	 * alignment ends the line. */
	snprintf(rest, sizeof(rest), "%s", line + used);
	len = strcspn(rest, "0");
	if (len > 4 || sscanf(rest + len, "0x%lx", &s->align) != 1)
		return false;
	memset(s->flags, 0, sizeof(s->flags));
	memcpy(s->flags, rest, len < 3 ? len : 3);
	snprintf(type, type_size, "%s", name);
	return true;
}

static bool run_readelf(const char *path, struct readelf_view *v)
{
	char cmd[512], line[512], type[32];
	struct readelf_segment s;
	FILE *p;

	memset(v, 0, sizeof(*v));
	snprintf(cmd, sizeof(cmd), "LC_ALL=C readelf -lW '%s' 2>&1", path);
	p = popen(cmd, "r");
	if (!p) {
		UNIT_FAIL("cannot run readelf");
		return false;
	}
	while (fgets(line, sizeof(line), p)) {
		if (sscanf(line, "Elf file type is %7s", v->type) == 1)
			continue;
		if (sscanf(line, "Entry point 0x%lx", &v->entry) == 1)
			continue;
		if (sscanf(line, "There are %u program headers, starting at offset %lu", &v->phnum,
			   &v->phoff) == 2)
			continue;
		if (sscanf(line, " [Requesting program interpreter: %255[^]]]", v->interp) == 1) {
			v->has_interp = true;
			continue;
		}
		if (!parse_segment_line(line, &s, type, sizeof(type)))
			continue;
		if (!strcmp(type, "LOAD") && v->nr_loads < ARRAY_SIZE(v->loads)) {
			v->loads[v->nr_loads++] = s;
		} else if (!strcmp(type, "PHDR")) {
			v->has_phdr = true;
			v->phdr_vaddr = s.vaddr;
		} else if (!strcmp(type, "TLS")) {
			v->has_tls = true;
		} else if (!strcmp(type, "GNU_STACK")) {
			v->has_gnu_stack = true;
			memcpy(v->gnu_stack_flags, s.flags, sizeof(s.flags));
		}
	}
	if (pclose(p) != 0 || !v->phnum) {
		UNIT_FAIL("readelf -lW %s failed (binutils, from build-essential)", path);
		return false;
	}
	return true;
}

static uint32_t prot_from_readelf(const char *flags)
{
	return (strchr(flags, 'R') ? PROT_READ : 0) | (strchr(flags, 'W') ? PROT_WRITE : 0) |
	       (strchr(flags, 'E') ? PROT_EXEC : 0);
}

/* Parses path and checks everything elf_image reports against readelf;
 * returns elf_image_parse's result. */
static int parse_and_compare(const char *path)
{
	struct readelf_view v;
	struct exec_file f;
	unsigned int i, n = 0;
	int err;

	if (!run_readelf(path, &v) || !exec_file_open(&f, path))
		return -1000;
	err = elf_image_parse(&img, exec_file_read_at, &f, f.size);
	exec_file_close(&f);
	if (err && err != -ENOEXEC)
		return err;

	EXPECT_EQ(img.type, !strcmp(v.type, "EXEC") ? ET_EXEC : ET_DYN);
	EXPECT_EQ(img.entry, v.entry);
	EXPECT_EQ(img.phnum, v.phnum);
	EXPECT_EQ(img.phent, sizeof(Elf64_Phdr));
	for (i = 0; i < v.nr_loads; i++) {
		const struct readelf_segment *s = &v.loads[i];

		if (!s->memsz)
			continue;
		if (!EXPECT_TRUE(n < img.nr_segments))
			break;
		EXPECT_EQ(img.segments[n].vaddr, s->vaddr);
		EXPECT_EQ(img.segments[n].offset, s->offset);
		EXPECT_EQ(img.segments[n].filesz, s->filesz);
		EXPECT_EQ(img.segments[n].memsz, s->memsz);
		EXPECT_EQ(img.segments[n].prot, prot_from_readelf(s->flags));
		n++;
	}
	EXPECT_EQ(img.nr_segments, n);
	EXPECT_EQ(img.image_start, v.loads[0].vaddr & ~0xfffull);
	EXPECT_EQ(img.image_end, v.loads[v.nr_loads - 1].vaddr + v.loads[v.nr_loads - 1].memsz);
	EXPECT_EQ(img.has_tls, v.has_tls);
	EXPECT_EQ(img.has_executable_stack, v.has_gnu_stack && strchr(v.gnu_stack_flags, 'E'));
	EXPECT_EQ(img.has_interp, v.has_interp);
	if (v.has_interp)
		EXPECT_STR(img.interp, v.interp);
	EXPECT_TRUE(img.has_phdr);
	if (v.has_phdr) {
		EXPECT_EQ(img.phdr_vaddr, v.phdr_vaddr);
	} else {
		/* The program headers as the first PT_LOAD holding them maps them. */
		for (i = 0; i < v.nr_loads; i++) {
			const struct readelf_segment *s = &v.loads[i];

			if (v.phoff >= s->offset && v.phoff < s->offset + s->filesz) {
				EXPECT_EQ(img.phdr_vaddr, s->vaddr + (v.phoff - s->offset));
				break;
			}
		}
		EXPECT_TRUE(i < v.nr_loads);
	}
	return err;
}

static void test_elf_image_reads_musl_static_executable(void)
{
	const char *path = exec_sample_path("probe-static");

	if (!path)
		return;
	if (!EXPECT_EQ(parse_and_compare(path), 0))
		return;
	EXPECT_EQ(img.type, ET_EXEC);
	EXPECT_TRUE(img.has_tls); /* the probe has __thread variables */
	EXPECT_FALSE(img.has_interp);
	EXPECT_EQ(elf_load_bias(&img, 0x12345000), 0);
}

static void test_elf_image_reads_musl_static_pie(void)
{
	const char *path = exec_sample_path("probe-static-pie");
	uint64_t bias;

	if (!path)
		return;
	if (!EXPECT_EQ(parse_and_compare(path), 0))
		return;
	EXPECT_EQ(img.type, ET_DYN);
	EXPECT_FALSE(img.has_interp);
	EXPECT_EQ(img.image_start, 0);
	/* Linux puts a static-pie at 0x555555554000 without randomisation. */
	EXPECT_EQ(elf_load_bias(&img, 0), 0x555555554000ull);
	bias = elf_load_bias(&img, 0x7654321abcull);
	EXPECT_EQ(bias, 0x555555554000ull + 0x7654321000ull);
}

static void test_elf_image_reads_debian_busybox(void)
{
	const char *path = exec_busybox_path();

	if (!path)
		return;
	if (!EXPECT_EQ(parse_and_compare(path), 0))
		return;
	EXPECT_EQ(img.type, ET_EXEC);
	EXPECT_TRUE(img.has_tls);
	EXPECT_FALSE(img.has_executable_stack);
}

static void test_elf_image_refuses_dynamic_program_naming_its_interpreter(void)
{
	const char *path = exec_sample_path("probe-dynamic");
	char want[300];

	if (!path)
		return;
	if (!EXPECT_EQ(parse_and_compare(path), -ENOEXEC))
		return;
	EXPECT_TRUE(img.has_interp);
	EXPECT_TRUE(img.interp[0] == '/');
	snprintf(want, sizeof(want),
		 "dynamically linked (PT_INTERP %s): only static executables run", img.interp);
	EXPECT_STR(img.reason, want);
}

/* The first 4 KiB of a real binary: the headers are whole, the segments not. */
static void test_elf_image_refuses_real_binary_cut_after_its_headers(void)
{
	const char *path = exec_sample_path("probe-static");
	struct exec_file f;

	if (!path || !exec_file_open(&f, path))
		return;
	EXPECT_EQ(elf_image_parse(&img, exec_file_read_at, &f, 4096), -ENOEXEC);
	EXPECT_CONTAINS(img.reason, "run past the end of the file");
	exec_file_close(&f);
}

/* ---- Hand-made files: a header, program headers, and room for the data. */

#define CRAFT_SIZE 0x3000
#define CRAFT_MAX_PHDRS 1200

struct craft {
	Elf64_Ehdr *ehdr;
	Elf64_Phdr *phdrs;
	uint8_t *buf;
	size_t size;
};

static uint8_t craft_buf[64 + CRAFT_MAX_PHDRS * sizeof(Elf64_Phdr) + CRAFT_SIZE];
static struct craft craft;

static Elf64_Phdr *add_phdr(uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
			    uint64_t filesz, uint64_t memsz, uint64_t align)
{
	Elf64_Phdr *ph = &craft.phdrs[craft.ehdr->e_phnum++];

	*ph = (Elf64_Phdr){ .p_type = type,
			    .p_flags = flags,
			    .p_offset = offset,
			    .p_vaddr = vaddr,
			    .p_paddr = vaddr,
			    .p_filesz = filesz,
			    .p_memsz = memsz,
			    .p_align = align };
	return ph;
}

/* A minimal static executable: read-only headers at 0x400000, code at
 * 0x401000 (the entry), data with bss at 0x402000, a non-executable stack. */
static void craft_start(void)
{
	memset(craft_buf, 0, sizeof(craft_buf));
	craft.buf = craft_buf;
	craft.size = CRAFT_SIZE;
	craft.ehdr = (Elf64_Ehdr *)craft_buf;
	craft.phdrs = (Elf64_Phdr *)(craft_buf + sizeof(Elf64_Ehdr));
	memcpy(craft.ehdr->e_ident, ELFMAG, SELFMAG);
	craft.ehdr->e_ident[EI_CLASS] = ELFCLASS64;
	craft.ehdr->e_ident[EI_DATA] = ELFDATA2LSB;
	craft.ehdr->e_ident[EI_VERSION] = EV_CURRENT;
	craft.ehdr->e_type = ET_EXEC;
	craft.ehdr->e_machine = EM_X86_64;
	craft.ehdr->e_version = EV_CURRENT;
	craft.ehdr->e_entry = 0x401010;
	craft.ehdr->e_phoff = sizeof(Elf64_Ehdr);
	craft.ehdr->e_ehsize = sizeof(Elf64_Ehdr);
	craft.ehdr->e_phentsize = sizeof(Elf64_Phdr);
	add_phdr(PT_LOAD, PF_R, 0, 0x400000, 0x1000, 0x1000, 0x1000);
	add_phdr(PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100, 0x1000);
	add_phdr(PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x80, 0x5000, 0x1000);
	add_phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
}

static int craft_parse(void)
{
	struct exec_memory m = { craft.buf, craft.size };
	uint8_t *copy = unit_guarded_copy(craft.buf, craft.size);
	int err;

	if (!copy)
		return -ENOMEM;
	m.data = copy;
	memset(&img, 0xa5, sizeof(img));
	err = elf_image_parse(&img, exec_memory_read_at, &m, craft.size);
	unit_guarded_free(copy, craft.size);
	return err;
}

#define EXPECT_REFUSED(why)                                 \
	do {                                                \
		if (EXPECT_EQ(craft_parse(), -ENOEXEC))     \
			EXPECT_CONTAINS(img.reason, (why)); \
	} while (0)

static void test_elf_image_accepts_crafted_static_executable(void)
{
	craft_start();
	if (!EXPECT_EQ(craft_parse(), 0))
		return;
	EXPECT_EQ(img.type, ET_EXEC);
	EXPECT_EQ(img.entry, 0x401010);
	EXPECT_EQ(img.nr_segments, 3);
	EXPECT_EQ(img.segments[1].prot, PROT_READ | PROT_EXEC);
	EXPECT_EQ(img.segments[2].prot, PROT_READ | PROT_WRITE);
	EXPECT_EQ(img.segments[2].filesz, 0x80);
	EXPECT_EQ(img.segments[2].memsz, 0x5000);
	EXPECT_EQ(img.image_start, 0x400000);
	EXPECT_EQ(img.image_end, 0x407000);
	EXPECT_TRUE(img.has_phdr);
	EXPECT_EQ(img.phdr_vaddr, 0x400040);
	EXPECT_EQ(img.phnum, 4);
	EXPECT_FALSE(img.has_executable_stack);
	EXPECT_FALSE(img.has_tls);
	EXPECT_FALSE(img.has_interp);
	EXPECT_STR(img.reason, "");
}

static void test_elf_image_refuses_files_too_short_for_a_header(void)
{
	static const size_t sizes[] = { 0, 1, 3 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		craft_start();
		craft.size = sizes[i];
		EXPECT_REFUSED("not an ELF file");
	}
	craft_start();
	craft.size = sizeof(Elf64_Ehdr) - 1;
	EXPECT_REFUSED("truncated ELF header");
	craft.size = SELFMAG;
	EXPECT_REFUSED("truncated ELF header");
}

static void test_elf_image_refuses_a_shell_script(void)
{
	static const char script[] = "#!/bin/sh\necho hello\n";

	craft_start();
	memcpy(craft.buf, script, sizeof(script));
	craft.size = sizeof(script) - 1;
	EXPECT_REFUSED("not an ELF file");
}

static void test_elf_image_refuses_32_bit_class(void)
{
	craft_start();
	craft.ehdr->e_ident[EI_CLASS] = ELFCLASS32;
	EXPECT_REFUSED("not a 64-bit ELF file");
}

static void test_elf_image_refuses_big_endian(void)
{
	craft_start();
	craft.ehdr->e_ident[EI_DATA] = ELFDATA2MSB;
	EXPECT_REFUSED("not a little-endian");
}

static void test_elf_image_refuses_unknown_versions(void)
{
	craft_start();
	craft.ehdr->e_ident[EI_VERSION] = 2;
	EXPECT_REFUSED("ELF version");
	craft_start();
	craft.ehdr->e_version = 0;
	EXPECT_REFUSED("ELF version");
}

static void test_elf_image_refuses_other_machines(void)
{
	craft_start();
	craft.ehdr->e_machine = EM_AARCH64;
	EXPECT_REFUSED("not an x86-64 program (machine 183)");
	craft_start();
	craft.ehdr->e_machine = EM_386;
	EXPECT_REFUSED("not an x86-64 program");
}

static void test_elf_image_refuses_objects_and_core_files(void)
{
	craft_start();
	craft.ehdr->e_type = ET_REL;
	EXPECT_REFUSED("not an executable (ELF type 1)");
	craft_start();
	craft.ehdr->e_type = ET_CORE;
	EXPECT_REFUSED("not an executable (ELF type 4)");
}

static void test_elf_image_refuses_wrong_program_header_size(void)
{
	craft_start();
	craft.ehdr->e_phentsize = sizeof(Elf32_Phdr);
	EXPECT_REFUSED("program header size 32, not 56");
}

static void test_elf_image_refuses_no_program_headers(void)
{
	craft_start();
	craft.ehdr->e_phnum = 0;
	EXPECT_REFUSED("no program headers");
}

/* 1170 headers fill 65520 bytes, Linux's 64 KiB limit; 1171 do not fit. */
static void test_elf_image_caps_program_headers_at_64_kib(void)
{
	craft_start();
	craft.size = sizeof(craft_buf);
	/* One segment over the whole file, which the grown table stays inside. */
	craft.ehdr->e_phnum = 0;
	add_phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, sizeof(craft_buf), sizeof(craft_buf), 0x1000);
	craft.ehdr->e_entry = 0x400000;
	while (craft.ehdr->e_phnum < 1170)
		add_phdr(PT_NULL, 0, 0, 0, 0, 0, 0);
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.phnum, 1170);
	add_phdr(PT_NULL, 0, 0, 0, 0, 0, 0);
	EXPECT_REFUSED("1171 program headers, more than 64 KiB");
	craft.ehdr->e_phnum = PN_XNUM;
	EXPECT_REFUSED("65535 program headers");
}

static void test_elf_image_refuses_program_headers_outside_the_file(void)
{
	craft_start();
	craft.ehdr->e_phoff = craft.size - sizeof(Elf64_Phdr);
	EXPECT_REFUSED("program headers at byte");
	craft.ehdr->e_phoff = UINT64_MAX - 8;
	EXPECT_REFUSED("run past the end of the file");
}

static void test_elf_image_refuses_filesz_above_memsz(void)
{
	craft_start();
	craft.phdrs[2].p_filesz = 0x5001;
	EXPECT_REFUSED("p_filesz 0x5001 above p_memsz 0x5000");
}

static void test_elf_image_refuses_overlapping_segments(void)
{
	craft_start();
	craft.phdrs[1].p_memsz = 0x1001; /* code runs one byte into the data */
	EXPECT_REFUSED("overlaps or precedes the one before");
}

static void test_elf_image_refuses_unsorted_segments(void)
{
	craft_start();
	/* Data before code: each is valid alone. */
	craft.phdrs[2].p_vaddr = 0x300000;
	EXPECT_REFUSED("program header 2) at 0x300000 overlaps or precedes");
}

/* Segments that touch but share no byte, even within one page, are fine. */
static void test_elf_image_accepts_neighbours_sharing_a_page(void)
{
	craft_start();
	craft.phdrs[2].p_offset = 0x1100;
	craft.phdrs[2].p_vaddr = 0x401100;
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.image_end, 0x406100);
}

static void test_elf_image_refuses_segment_that_wraps(void)
{
	craft_start();
	craft.phdrs[2].p_vaddr = 0xfffffffffffff000ull;
	craft.phdrs[2].p_offset = 0x2000;
	EXPECT_REFUSED("outside the user address space");
}

static void test_elf_image_refuses_segment_in_kernel_half(void)
{
	craft_start();
	craft.phdrs[2].p_vaddr = 0xffffffff80002000ull;
	EXPECT_REFUSED("0xffffffff80002000 + 0x5000 is outside the user address space");
}

static void test_elf_image_keeps_segments_below_the_user_address_end(void)
{
	craft_start();
	craft.phdrs[2].p_vaddr = ELF_USER_ADDR_END - 0x5000;
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.image_end, ELF_USER_ADDR_END);
	craft.phdrs[2].p_memsz++;
	EXPECT_REFUSED("outside the user address space");
}

static void test_elf_image_refuses_executable_below_64_kib(void)
{
	craft_start();
	craft.phdrs[0].p_vaddr = 0;
	EXPECT_REFUSED("address 0 below 0x10000");
}

static void test_elf_image_refuses_vaddr_offset_mismatch(void)
{
	craft_start();
	craft.phdrs[1].p_offset = 0x1010;
	EXPECT_REFUSED("p_vaddr 0x401000 and p_offset 0x1010 differ modulo the alignment 0x1000");
}

static void test_elf_image_checks_congruence_modulo_large_p_align(void)
{
	craft_start();
	/* Page-congruent, but not modulo 2 MiB (0x603000 - 0x2000 = 0x601000). */
	craft.phdrs[2].p_vaddr = 0x603000;
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.max_align, 0x1000);
	craft.phdrs[2].p_align = 0x200000;
	EXPECT_REFUSED("differ modulo the alignment 0x200000");
	craft.phdrs[2].p_vaddr = 0x802000;
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.max_align, 0x200000);
	craft.phdrs[1].p_align = 0x3000;
	EXPECT_REFUSED("p_align 0x3000 not a power of two");
	craft.phdrs[1].p_align = 1ull << 40;
	EXPECT_REFUSED("above 1 GiB");
}

static void test_elf_image_refuses_segment_data_past_end_of_file(void)
{
	craft_start();
	craft.phdrs[2].p_filesz = craft.size - 0x2000 + 1;
	EXPECT_REFUSED("file bytes run past the end of the file");
	craft_start();
	craft.phdrs[2].p_offset = 0xfffffffffffff000ull;
	craft.phdrs[2].p_vaddr = 0x40f000;
	EXPECT_REFUSED("file bytes run past the end of the file");
}

static void test_elf_image_refuses_file_without_loadable_segment(void)
{
	craft_start();
	craft.ehdr->e_phnum = 0;
	add_phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	EXPECT_REFUSED("no loadable segment");
}

static void test_elf_image_refuses_more_segments_than_it_holds(void)
{
	unsigned int i;

	craft_start();
	craft.ehdr->e_phnum = 1;
	for (i = 1; i <= ELF_IMAGE_MAX_SEGMENTS; i++)
		add_phdr(PT_LOAD, PF_R | PF_X, 0x1000, 0x400000 + i * 0x1000ull, 0x10, 0x10,
			 0x1000);
	craft.ehdr->e_entry = 0x401000;
	EXPECT_REFUSED("more than 16 loadable segments");
	craft.ehdr->e_phnum--;
	EXPECT_EQ(craft_parse(), 0);
}

static void test_elf_image_skips_segments_with_nothing_to_map(void)
{
	craft_start();
	add_phdr(PT_LOAD, PF_R, 0, 0x100000, 0, 0, 0x1000);
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.nr_segments, 3);
}

static void test_elf_image_refuses_entry_outside_executable_file_bytes(void)
{
	static const uint64_t entries[] = {
		0x400100, /* read-only headers */
		0x401100, /* just past the code */
		0x402100, /* data */
		0x404000, /* bss */
		0x900000, /* nothing */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		craft_start();
		craft.ehdr->e_entry = entries[i];
		EXPECT_REFUSED("is not in an executable segment's file bytes");
	}
}

static void test_elf_image_reports_executable_stack_and_tls(void)
{
	craft_start();
	craft.phdrs[3].p_flags = PF_R | PF_W | PF_X;
	add_phdr(PT_TLS, PF_R, 0x2000, 0x402000, 0x10, 0x40, 8);
	if (!EXPECT_EQ(craft_parse(), 0))
		return;
	EXPECT_TRUE(img.has_executable_stack);
	EXPECT_TRUE(img.has_tls);
	/* A later PT_GNU_STACK overrides an earlier one, as in Linux. */
	add_phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_FALSE(img.has_executable_stack);
	add_phdr(PT_TLS, PF_R, 0x2000, 0x402000, 0x10, 0x40, 8);
	EXPECT_REFUSED("more than one PT_TLS");
}

static void add_interp(const char *path, size_t size)
{
	memcpy(craft.buf + 0x800, path, size);
	add_phdr(PT_INTERP, PF_R, 0x800, 0x400800, size, size, 1);
}

static void test_elf_image_refuses_dynamic_executable_naming_its_interpreter(void)
{
	static const char ld[] = "/lib64/ld-linux-x86-64.so.2";

	craft_start();
	add_interp(ld, sizeof(ld));
	EXPECT_REFUSED("dynamically linked (PT_INTERP /lib64/ld-linux-x86-64.so.2): only static "
		       "executables run");
	EXPECT_TRUE(img.has_interp);
	EXPECT_STR(img.interp, ld);
	EXPECT_EQ(img.interp_offset, 0x800);
	EXPECT_EQ(img.interp_size, sizeof(ld));
	/* The rest was read all the same. */
	EXPECT_EQ(img.nr_segments, 3);
}

static void test_elf_image_refuses_malformed_interpreter_paths(void)
{
	static const char ld[] = "/lib/ld-musl-x86_64.so.1";
	char long_path[300];

	craft_start();
	add_interp(ld, sizeof(ld) - 1);
	EXPECT_REFUSED("PT_INTERP path is not NUL-terminated");
	craft_start();
	add_interp(ld, sizeof(ld));
	add_interp(ld, sizeof(ld));
	EXPECT_REFUSED("more than one PT_INTERP");
	craft_start();
	add_interp("", 1);
	EXPECT_REFUSED("is not a path");
	craft_start();
	add_interp(ld, sizeof(ld));
	craft.phdrs[4].p_filesz = 4097;
	EXPECT_REFUSED("PT_INTERP of 4097 bytes");
	/* A long or unprintable path is shown cut and cleaned. */
	craft_start();
	memset(long_path, 'x', sizeof(long_path));
	long_path[0] = '/';
	long_path[1] = '\n';
	long_path[sizeof(long_path) - 1] = '\0';
	add_interp(long_path, sizeof(long_path));
	if (EXPECT_EQ(craft_parse(), -ENOEXEC)) {
		EXPECT_EQ(strlen(img.interp), ELF_IMAGE_INTERP_SIZE - 1);
		EXPECT_TRUE(!strncmp(img.interp, "/?xxx", 5));
		EXPECT_EQ(img.interp_size, sizeof(long_path));
	}
}

static void test_elf_image_takes_phdr_address_from_pt_phdr(void)
{
	craft_start();
	add_phdr(PT_PHDR, PF_R, sizeof(Elf64_Ehdr), 0x400040, 5 * sizeof(Elf64_Phdr),
		 5 * sizeof(Elf64_Phdr), 8);
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.phdr_vaddr, 0x400040);
	/* Pointing anywhere but at the mapped headers is refused. */
	craft.phdrs[4].p_vaddr = 0x400080;
	EXPECT_REFUSED("PT_PHDR at 0x400080 does not map the program headers");
	craft.phdrs[4].p_vaddr = 0x900000;
	EXPECT_REFUSED("does not map the program headers");
	craft.phdrs[4].p_vaddr = 0x400040;
	add_phdr(PT_PHDR, PF_R, sizeof(Elf64_Ehdr), 0x400040, 6 * sizeof(Elf64_Phdr),
		 6 * sizeof(Elf64_Phdr), 8);
	EXPECT_REFUSED("more than one PT_PHDR");
}

/* Linux then passes AT_PHDR as the load bias alone; the flag says so. */
static void test_elf_image_reports_unmapped_program_headers(void)
{
	craft_start();
	craft.phdrs[0].p_filesz = 0x20;
	if (EXPECT_EQ(craft_parse(), 0)) {
		EXPECT_FALSE(img.has_phdr);
		EXPECT_EQ(img.phdr_vaddr, 0);
	}
}

static void make_static_pie(void)
{
	unsigned int i;

	craft_start();
	craft.ehdr->e_type = ET_DYN;
	for (i = 0; i < 3; i++)
		craft.phdrs[i].p_vaddr -= 0x400000;
	craft.ehdr->e_entry -= 0x400000;
}

static void test_elf_image_places_static_pie_like_linux(void)
{
	make_static_pie();
	if (!EXPECT_EQ(craft_parse(), 0))
		return;
	EXPECT_EQ(img.type, ET_DYN);
	EXPECT_EQ(img.image_start, 0);
	EXPECT_EQ(img.phdr_vaddr, 0x40);
	EXPECT_EQ(elf_load_bias(&img, 0), ELF_ET_DYN_BASE);
	/* The offset is the caller's randomness, taken in whole pages. */
	EXPECT_EQ(elf_load_bias(&img, 0x1234567), ELF_ET_DYN_BASE + 0x1234000);
	/* An offset that would push the image past the end is dropped. */
	EXPECT_EQ(elf_load_bias(&img, ELF_USER_ADDR_END - ELF_ET_DYN_BASE - 0x1000),
		  ELF_ET_DYN_BASE);
	EXPECT_EQ(elf_load_bias(&img, UINT64_MAX), ELF_ET_DYN_BASE);
}

static void test_elf_image_aligns_static_pie_to_its_largest_p_align(void)
{
	uint64_t bias;

	make_static_pie();
	craft.phdrs[0].p_align = 0x200000;
	craft.phdrs[2].p_vaddr += 0x200000;
	craft.ehdr->e_phnum = 3;
	if (!EXPECT_EQ(craft_parse(), 0))
		return;
	EXPECT_EQ(img.max_align, 0x200000);
	bias = elf_load_bias(&img, 0x12345000);
	EXPECT_EQ(bias % 0x200000, 0);
	EXPECT_EQ(bias, (ELF_ET_DYN_BASE + 0x12345000) & ~0x1fffffull);
}

/* A position-independent image linked high still lands at the base. */
static void test_elf_image_relocates_static_pie_linked_at_any_address(void)
{
	make_static_pie();
	craft.ehdr->e_phnum = 2;
	craft.phdrs[0].p_vaddr = 0x7f0000000000ull;
	craft.phdrs[1].p_vaddr = 0x7f0000001000ull;
	craft.ehdr->e_entry = 0x7f0000001000ull;
	if (EXPECT_EQ(craft_parse(), 0))
		EXPECT_EQ(img.image_start + elf_load_bias(&img, 0), ELF_ET_DYN_BASE);
}

static void test_elf_image_refuses_static_pie_too_large_for_the_address_space(void)
{
	make_static_pie();
	craft.phdrs[2].p_memsz = ELF_USER_ADDR_END - ELF_ET_DYN_BASE;
	EXPECT_REFUSED("position-independent image of");
}

/* ---- The read callback's failures. */

struct flaky_file {
	struct exec_memory mem;
	long fail_with; /* returned by the call numbered fail_at */
	unsigned int fail_at, calls;
	size_t max_chunk; /* bytes per call at most */
};

static long flaky_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct flaky_file *f = ctx;

	if (++f->calls == f->fail_at)
		return f->fail_with;
	if (len > f->max_chunk)
		len = f->max_chunk;
	return exec_memory_read_at(&f->mem, buf, len, off);
}

static void test_elf_image_reads_a_file_that_comes_in_small_pieces(void)
{
	struct flaky_file f = { .mem = { craft_buf, CRAFT_SIZE }, .max_chunk = 3 };

	craft_start();
	EXPECT_EQ(elf_image_parse(&img, flaky_read_at, &f, CRAFT_SIZE), 0);
	EXPECT_EQ(img.nr_segments, 3);
}

static void test_elf_image_passes_read_errors_on(void)
{
	struct flaky_file f = { .mem = { craft_buf, CRAFT_SIZE }, .max_chunk = SIZE_MAX };
	unsigned int i;

	for (i = 1; i <= 2; i++) {
		craft_start();
		f.calls = 0;
		f.fail_at = i;
		f.fail_with = -EIO;
		EXPECT_EQ(elf_image_parse(&img, flaky_read_at, &f, CRAFT_SIZE), -EIO);
		EXPECT_CONTAINS(img.reason, "read error");
		f.calls = 0;
		f.fail_with = 0; /* the file shrank under us */
		EXPECT_EQ(elf_image_parse(&img, flaky_read_at, &f, CRAFT_SIZE), -EIO);
		EXPECT_CONTAINS(img.reason, "before its size says");
	}
}

static CU_TestInfo elf_image_tests[] = {
	UNIT_TEST(test_elf_image_reads_musl_static_executable),
	UNIT_TEST(test_elf_image_reads_musl_static_pie),
	UNIT_TEST(test_elf_image_reads_debian_busybox),
	UNIT_TEST(test_elf_image_refuses_dynamic_program_naming_its_interpreter),
	UNIT_TEST(test_elf_image_refuses_real_binary_cut_after_its_headers),
	UNIT_TEST(test_elf_image_accepts_crafted_static_executable),
	UNIT_TEST(test_elf_image_refuses_files_too_short_for_a_header),
	UNIT_TEST(test_elf_image_refuses_a_shell_script),
	UNIT_TEST(test_elf_image_refuses_32_bit_class),
	UNIT_TEST(test_elf_image_refuses_big_endian),
	UNIT_TEST(test_elf_image_refuses_unknown_versions),
	UNIT_TEST(test_elf_image_refuses_other_machines),
	UNIT_TEST(test_elf_image_refuses_objects_and_core_files),
	UNIT_TEST(test_elf_image_refuses_wrong_program_header_size),
	UNIT_TEST(test_elf_image_refuses_no_program_headers),
	UNIT_TEST(test_elf_image_caps_program_headers_at_64_kib),
	UNIT_TEST(test_elf_image_refuses_program_headers_outside_the_file),
	UNIT_TEST(test_elf_image_refuses_filesz_above_memsz),
	UNIT_TEST(test_elf_image_refuses_overlapping_segments),
	UNIT_TEST(test_elf_image_refuses_unsorted_segments),
	UNIT_TEST(test_elf_image_accepts_neighbours_sharing_a_page),
	UNIT_TEST(test_elf_image_refuses_segment_that_wraps),
	UNIT_TEST(test_elf_image_refuses_segment_in_kernel_half),
	UNIT_TEST(test_elf_image_keeps_segments_below_the_user_address_end),
	UNIT_TEST(test_elf_image_refuses_executable_below_64_kib),
	UNIT_TEST(test_elf_image_refuses_vaddr_offset_mismatch),
	UNIT_TEST(test_elf_image_checks_congruence_modulo_large_p_align),
	UNIT_TEST(test_elf_image_refuses_segment_data_past_end_of_file),
	UNIT_TEST(test_elf_image_refuses_file_without_loadable_segment),
	UNIT_TEST(test_elf_image_refuses_more_segments_than_it_holds),
	UNIT_TEST(test_elf_image_skips_segments_with_nothing_to_map),
	UNIT_TEST(test_elf_image_refuses_entry_outside_executable_file_bytes),
	UNIT_TEST(test_elf_image_reports_executable_stack_and_tls),
	UNIT_TEST(test_elf_image_refuses_dynamic_executable_naming_its_interpreter),
	UNIT_TEST(test_elf_image_refuses_malformed_interpreter_paths),
	UNIT_TEST(test_elf_image_takes_phdr_address_from_pt_phdr),
	UNIT_TEST(test_elf_image_reports_unmapped_program_headers),
	UNIT_TEST(test_elf_image_places_static_pie_like_linux),
	UNIT_TEST(test_elf_image_aligns_static_pie_to_its_largest_p_align),
	UNIT_TEST(test_elf_image_relocates_static_pie_linked_at_any_address),
	UNIT_TEST(test_elf_image_refuses_static_pie_too_large_for_the_address_space),
	UNIT_TEST(test_elf_image_reads_a_file_that_comes_in_small_pieces),
	UNIT_TEST(test_elf_image_passes_read_errors_on),
	CU_TEST_INFO_NULL,
};

static void unit_register_elf_image(void)
{
	unit_add_suite("elf_image", elf_image_tests);
}

UNIT_REGISTER(unit_register_elf_image)
