/* Tests for the PVH ELF loader (vmm/boot/elf_pvh.c): images built in memory,
 * each broken in one way, loaded over RAM filled with a poison byte so that
 * every rejection can also prove guest memory was left alone. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../shared/boot/pvh.h"
#include "../../shared/machine.h"
#include "../../vmm/boot/elf_pvh.h"
#include "../../vmm/boot/layout.h"
#include "fake_kernel.h"
#include "unit.h"

#define RAM_SIZE (16ull << 20)
#define POISON 0xaa

static uint8_t *ram;
static struct guest_mem mem;

static void ram_reset(void)
{
	/* Followed by a guard page, so a runaway copy faults at once instead
	 * of overwriting the test runner. */
	if (!ram) {
		ram = unit_guarded_alloc(RAM_SIZE);
		if (!ram) {
			fprintf(stderr, "unit-tests: out of memory\n");
			exit(2);
		}
	}
	memset(ram, POISON, RAM_SIZE);
	guest_mem_layout(&mem, ram, RAM_SIZE, MACHINE_MMIO_HOLE_START, MACHINE_MMIO_HOLE_END);
}

/* Loads exactly k->size bytes from a buffer that ends at a guard page. */
static int load(struct fake_kernel *k, struct pvh_image *image, struct vitro_error *err)
{
	uint8_t *file = unit_guarded_copy(k->bytes, k->size);
	int rc;

	if (!file) {
		UNIT_FAIL("cannot map a guarded buffer");
		return -ENOMEM;
	}
	rc = elf_pvh_load(file, k->size, &mem, BOOT_AREA_END, image, err);
	unit_guarded_free(file, k->size);
	return rc;
}

static void expect_rejected_at(const char *file, unsigned int line, struct fake_kernel *k,
			       int want_rc, const char *want_msg)
{
	struct vitro_error err = { "" };
	struct pvh_image image;
	size_t touched;
	int rc;

	ram_reset();
	rc = load(k, &image, &err);
	unit_expect_eq(file, line, "elf_pvh_load()", "want_rc", rc, want_rc);
	unit_expect_contains(file, line, "err.msg", err.msg, want_msg);
	touched = unit_first_byte_not(ram, RAM_SIZE, POISON);
	if (touched != RAM_SIZE)
		unit_fail_at(file, line, "rejected image wrote guest memory at 0x%zx", touched);
}

#define EXPECT_REJECTED(k, rc, msg) expect_rejected_at(__FILE__, __LINE__, (k), (rc), (msg))

static void test_elf_loads_segments_and_returns_pvh_entry(void)
{
	struct vitro_error err = { "" };
	struct fake_kernel k;
	struct pvh_image image;
	size_t i, bad;

	fake_kernel_init(&k);
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_STR(err.msg, "");
	EXPECT_EQ(image.entry, FAKE_KERNEL_ENTRY);
	EXPECT_EQ(image.load_start, FAKE_KERNEL_TEXT_GPA);
	EXPECT_EQ(image.load_end, FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ);
	for (i = 0; i < FAKE_KERNEL_TEXT_SIZE; i++)
		if (ram[FAKE_KERNEL_TEXT_GPA + i] != fake_kernel_text_byte(i))
			break;
	EXPECT_EQ(i, FAKE_KERNEL_TEXT_SIZE);
	for (i = 0; i < FAKE_KERNEL_DATA_FILESZ; i++)
		if (ram[FAKE_KERNEL_DATA_GPA + i] != fake_kernel_data_byte(i))
			break;
	EXPECT_EQ(i, FAKE_KERNEL_DATA_FILESZ);
	bad = unit_first_byte_not(ram + FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_FILESZ,
				  FAKE_KERNEL_DATA_MEMSZ - FAKE_KERNEL_DATA_FILESZ, 0);
	EXPECT_EQ(bad, FAKE_KERNEL_DATA_MEMSZ - FAKE_KERNEL_DATA_FILESZ);
	/* Nothing outside the segments is written. */
	EXPECT_EQ(ram[FAKE_KERNEL_TEXT_GPA - 1], POISON);
	EXPECT_EQ(ram[FAKE_KERNEL_TEXT_GPA + FAKE_KERNEL_TEXT_SIZE], POISON);
	EXPECT_EQ(ram[FAKE_KERNEL_DATA_GPA - 1], POISON);
	EXPECT_EQ(ram[FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ], POISON);
	EXPECT_EQ(unit_first_byte_not(ram, FAKE_KERNEL_TEXT_GPA, POISON), FAKE_KERNEL_TEXT_GPA);
}

static void test_elf_accepts_8_byte_entry_in_8_byte_aligned_note(void)
{
	struct vitro_error err = { "" };
	uint64_t entry = FAKE_KERNEL_TEXT_GPA + 0x40;
	struct fake_kernel k;
	struct pvh_image image;

	fake_kernel_init(&k);
	fake_kernel_clear_notes(&k, 8);
	fake_kernel_add_note(&k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &entry, 8);
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_EQ(image.entry, FAKE_KERNEL_TEXT_GPA + 0x40);
}

static void test_elf_finds_pvh_note_after_other_notes(void)
{
	struct vitro_error err = { "" };
	uint32_t entry = FAKE_KERNEL_TEXT_GPA + 0x20, other = FAKE_KERNEL_TEXT_GPA + 0x80;
	uint8_t build_id[20] = { 1, 2, 3 };
	struct fake_kernel k;
	struct pvh_image image;

	fake_kernel_init(&k);
	fake_kernel_clear_notes(&k, 4);
	fake_kernel_add_note(&k, "GNU", 4, NT_GNU_BUILD_ID, build_id, sizeof(build_id));
	/* Right type, wrong owner; then right owner, another Xen note type. */
	fake_kernel_add_note(&k, "Xem", 4, XEN_ELFNOTE_PHYS32_ENTRY, &other, 4);
	fake_kernel_add_note(&k, "Xen", 4, 1, &other, 4);
	fake_kernel_add_note(&k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_EQ(image.entry, FAKE_KERNEL_TEXT_GPA + 0x20);
}

static void test_elf_reports_virtual_range_of_kernel_linked_high(void)
{
	struct vitro_error err = { "" };
	struct fake_kernel k;
	struct pvh_image image;

	fake_kernel_init(&k);
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_EQ(image.virt_start, 0xffffffff80000000ull + FAKE_KERNEL_TEXT_GPA);
	EXPECT_EQ(image.virt_end,
		  0xffffffff80000000ull + FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ);
}

static void test_elf_reports_no_virtual_range_when_segment_offsets_differ(void)
{
	struct vitro_error err = { "" };
	struct fake_kernel k;
	struct pvh_image image;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_vaddr += 0x1000;
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_EQ(image.virt_start, 0);
	EXPECT_EQ(image.virt_end, 0);
}

static void test_elf_skips_load_segment_with_zero_memsz(void)
{
	struct vitro_error err = { "" };
	struct fake_kernel k;
	struct pvh_image image;

	fake_kernel_init(&k);
	fake_kernel_grow_phdrs(&k, 4);
	/* Would be below the boot area and overlap nothing, were it loaded. */
	*fake_kernel_phdr(&k, 3) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_paddr = 0x1000 };
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_EQ(image.load_start, FAKE_KERNEL_TEXT_GPA);
	EXPECT_EQ(ram[0x1000], POISON);
}

static void test_elf_accepts_adjacent_segments(void)
{
	struct vitro_error err = { "" };
	struct fake_kernel k;
	struct pvh_image image;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_paddr =
		FAKE_KERNEL_TEXT_GPA + FAKE_KERNEL_TEXT_SIZE;
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_EQ(image.load_end,
		  FAKE_KERNEL_TEXT_GPA + FAKE_KERNEL_TEXT_SIZE + FAKE_KERNEL_DATA_MEMSZ);
	EXPECT_EQ(ram[FAKE_KERNEL_TEXT_GPA + FAKE_KERNEL_TEXT_SIZE - 1],
		  fake_kernel_text_byte(FAKE_KERNEL_TEXT_SIZE - 1));
	EXPECT_EQ(ram[FAKE_KERNEL_TEXT_GPA + FAKE_KERNEL_TEXT_SIZE], fake_kernel_data_byte(0));
}

static void test_elf_accepts_128_program_headers(void)
{
	struct vitro_error err = { "" };
	struct fake_kernel k;
	struct pvh_image image;

	fake_kernel_init(&k);
	fake_kernel_grow_phdrs(&k, ELF_PVH_MAX_PHDRS);
	ram_reset();
	EXPECT_EQ(load(&k, &image, &err), 0);
	EXPECT_EQ(image.entry, FAKE_KERNEL_ENTRY);
}

static void test_elf_rejects_file_without_elf_magic(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	k.bytes[3] = 'G';
	EXPECT_REJECTED(&k, -ENOEXEC, "not an ELF file");
}

static void test_elf_rejects_file_shorter_than_elf_magic(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	k.size = 3;
	EXPECT_REJECTED(&k, -ENOEXEC, "not an ELF file");
	k.size = 0;
	EXPECT_REJECTED(&k, -ENOEXEC, "not an ELF file");
}

static void test_elf_rejects_file_shorter_than_elf_header(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	k.size = sizeof(Elf64_Ehdr) - 1;
	EXPECT_REJECTED(&k, -ENOEXEC, "truncated ELF header");
}

static void test_elf_rejects_elf32_image(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_ident[EI_CLASS] = ELFCLASS32;
	EXPECT_REJECTED(&k, -ENOEXEC, "not ELF64");
}

static void test_elf_rejects_big_endian_image(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_ident[EI_DATA] = ELFDATA2MSB;
	EXPECT_REJECTED(&k, -ENOEXEC, "little-endian");
}

static void test_elf_rejects_unknown_elf_version(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_version = 2;
	EXPECT_REJECTED(&k, -ENOEXEC, "version");
	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_ident[EI_VERSION] = 0;
	EXPECT_REJECTED(&k, -ENOEXEC, "version");
}

static void test_elf_rejects_machine_other_than_x86_64(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_machine = EM_AARCH64;
	EXPECT_REJECTED(&k, -ENOEXEC, "not x86-64");
}

static void test_elf_rejects_shared_object(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_type = ET_DYN;
	EXPECT_REJECTED(&k, -ENOEXEC, "ET_EXEC");
}

static void test_elf_rejects_unexpected_program_header_size(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_phentsize = sizeof(Elf32_Phdr);
	EXPECT_REJECTED(&k, -ENOEXEC, "program header size");
}

static void test_elf_rejects_image_without_program_headers(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_phnum = 0;
	EXPECT_REJECTED(&k, -ENOEXEC, "0 program headers");
}

static void test_elf_rejects_more_than_128_program_headers(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_grow_phdrs(&k, ELF_PVH_MAX_PHDRS + 1);
	EXPECT_REJECTED(&k, -ENOEXEC, "129 program headers");
}

static void test_elf_rejects_program_headers_past_end_of_file(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_grow_phdrs(&k, FAKE_KERNEL_NR_PHDRS);
	k.size--;
	EXPECT_REJECTED(&k, -ENOEXEC, "program headers lie outside the file");
}

static void test_elf_rejects_program_header_offset_that_wraps(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_ehdr(&k)->e_phoff = UINT64_MAX - 8;
	EXPECT_REJECTED(&k, -ENOEXEC, "program headers lie outside the file");
}

static void test_elf_rejects_truncated_segment_data(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	k.size = FAKE_KERNEL_DATA_OFF + FAKE_KERNEL_DATA_FILESZ - 1;
	EXPECT_REJECTED(&k, -ENOEXEC, "outside the file");
}

static void test_elf_rejects_segment_offset_that_wraps(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_offset = UINT64_MAX - 0x10;
	EXPECT_REJECTED(&k, -ENOEXEC, "outside the file");
}

static void test_elf_rejects_every_truncation_of_a_good_image(void)
{
	struct vitro_error err;
	struct fake_kernel k;
	struct pvh_image image;
	size_t size;

	fake_kernel_init(&k);
	ram_reset();
	for (size = 0; size < FAKE_KERNEL_SIZE; size++) {
		k.size = size;
		if (load(&k, &image, &err) != -ENOEXEC) {
			UNIT_FAIL("a %zu-byte prefix of a %d-byte image was not rejected", size,
				  FAKE_KERNEL_SIZE);
			break;
		}
		if (ram[FAKE_KERNEL_TEXT_GPA] != POISON ||
		    ram[FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_MEMSZ - 1] != POISON) {
			UNIT_FAIL("a %zu-byte prefix wrote guest memory", size);
			break;
		}
	}
}

static void test_elf_rejects_filesz_larger_than_memsz(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_memsz = FAKE_KERNEL_DATA_FILESZ - 1;
	EXPECT_REJECTED(&k, -ENOEXEC, "exceeds memory size");
}

static void test_elf_rejects_empty_segment_that_claims_file_bytes(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_grow_phdrs(&k, 4);
	*fake_kernel_phdr(&k, 3) = (Elf64_Phdr){
		.p_type = PT_LOAD,
		.p_offset = FAKE_KERNEL_TEXT_OFF,
		.p_filesz = 0x10,
		.p_paddr = 0x300000,
	};
	EXPECT_REJECTED(&k, -ENOEXEC, "exceeds memory size");
}

static void test_elf_rejects_segment_below_boot_area_end(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_paddr = BOOT_AREA_END - 0x1000;
	EXPECT_REJECTED(&k, -ENOEXEC, "reserves for boot data");
}

static void test_elf_rejects_segment_beyond_ram(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	/* Starts in RAM, ends one page past it. */
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_paddr =
		RAM_SIZE - FAKE_KERNEL_DATA_MEMSZ + 0x1000;
	EXPECT_REJECTED(&k, -E2BIG, "does not fit in guest RAM");
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_paddr = RAM_SIZE;
	EXPECT_REJECTED(&k, -E2BIG, "does not fit in guest RAM");
}

static void test_elf_rejects_segment_with_huge_memsz(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_memsz = 1ull << 63;
	EXPECT_REJECTED(&k, -E2BIG, "does not fit in guest RAM");
}

static void test_elf_rejects_segment_whose_end_wraps_around(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_memsz =
		UINT64_MAX - FAKE_KERNEL_DATA_GPA + 0x1000;
	EXPECT_REJECTED(&k, -E2BIG, "does not fit in guest RAM");
}

static void test_elf_rejects_overlapping_segments(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	/* The data segment's first byte lands on the text segment's last. */
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_paddr =
		FAKE_KERNEL_TEXT_GPA + FAKE_KERNEL_TEXT_SIZE - 1;
	EXPECT_REJECTED(&k, -ENOEXEC, "overlap");
}

static void test_elf_rejects_image_without_load_segment(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_TEXT)->p_type = PT_NULL;
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_DATA)->p_type = PT_NULL;
	EXPECT_REJECTED(&k, -ENOEXEC, "no loadable segment");
}

static void test_elf_rejects_image_without_pvh_note(void)
{
	uint32_t entry = FAKE_KERNEL_ENTRY;
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_clear_notes(&k, 4);
	EXPECT_REJECTED(&k, -ENOEXEC, "no PVH entry note");
	fake_kernel_add_note(&k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY + 1, &entry, 4);
	EXPECT_REJECTED(&k, -ENOEXEC, "no PVH entry note");
	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_NOTE)->p_type = PT_NULL;
	EXPECT_REJECTED(&k, -ENOEXEC, "no PVH entry note");
}

static void test_elf_rejects_pvh_note_with_bad_descriptor_size(void)
{
	uint8_t desc[16] = { 0x10, 0, 0x10, 0 };
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_clear_notes(&k, 4);
	fake_kernel_add_note(&k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, desc, 2);
	EXPECT_REJECTED(&k, -ENOEXEC, "2-byte descriptor");
	fake_kernel_clear_notes(&k, 4);
	fake_kernel_add_note(&k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, desc, 16);
	EXPECT_REJECTED(&k, -ENOEXEC, "16-byte descriptor");
}

static Elf64_Nhdr *first_note(struct fake_kernel *k)
{
	return (Elf64_Nhdr *)(k->bytes + FAKE_KERNEL_NOTE_OFF);
}

static void test_elf_rejects_note_name_running_past_segment(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	first_note(&k)->n_namesz = 0x40;
	EXPECT_REJECTED(&k, -ENOEXEC, "note name runs past");
	first_note(&k)->n_namesz = UINT32_MAX;
	EXPECT_REJECTED(&k, -ENOEXEC, "note name runs past");
}

static void test_elf_rejects_note_descriptor_running_past_segment(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	first_note(&k)->n_descsz = 8;
	EXPECT_REJECTED(&k, -ENOEXEC, "note descriptor runs past");
	first_note(&k)->n_descsz = UINT32_MAX;
	EXPECT_REJECTED(&k, -ENOEXEC, "note descriptor runs past");
}

static void test_elf_rejects_note_segment_outside_file(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	fake_kernel_phdr(&k, FAKE_KERNEL_PH_NOTE)->p_offset = FAKE_KERNEL_SIZE - 4;
	EXPECT_REJECTED(&k, -ENOEXEC, "note segment 2 lies outside the file");
}

static void set_entry(struct fake_kernel *k, uint64_t entry)
{
	uint32_t entry32 = entry;

	fake_kernel_clear_notes(k, 8);
	if (entry >> 32)
		fake_kernel_add_note(k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &entry, 8);
	else
		fake_kernel_add_note(k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &entry32, 4);
}

static void test_elf_rejects_entry_outside_every_segment(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	set_entry(&k, 0x300000);
	EXPECT_REJECTED(&k, -ENOEXEC, "not inside any loaded segment");
	set_entry(&k, FAKE_KERNEL_TEXT_GPA - 1);
	EXPECT_REJECTED(&k, -ENOEXEC, "not inside any loaded segment");
	set_entry(&k, FAKE_KERNEL_TEXT_GPA + FAKE_KERNEL_TEXT_SIZE);
	EXPECT_REJECTED(&k, -ENOEXEC, "not inside any loaded segment");
}

static void test_elf_rejects_entry_in_zero_filled_part_of_segment(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	set_entry(&k, FAKE_KERNEL_DATA_GPA + FAKE_KERNEL_DATA_FILESZ);
	EXPECT_REJECTED(&k, -ENOEXEC, "not inside any loaded segment");
}

static void test_elf_rejects_entry_above_4_gib(void)
{
	struct fake_kernel k;

	fake_kernel_init(&k);
	set_entry(&k, (1ull << 32) + FAKE_KERNEL_ENTRY);
	EXPECT_REJECTED(&k, -ENOEXEC, "above 4 GiB");
}

/* The kernel this tree builds: an image from a real linker. The build
 * directory's, else the default build's; VITRO_UNIT_KERNEL overrides both. */
#ifndef UNIT_KERNEL_ELF
#define UNIT_KERNEL_ELF "build/guest/kernel.elf"
#endif
#ifndef UNIT_DEFAULT_KERNEL_ELF
#define UNIT_DEFAULT_KERNEL_ELF "build/guest/kernel.elf"
#endif

static const char *built_kernel_path(void)
{
	const char *path = getenv("VITRO_UNIT_KERNEL");

	if (path && *path)
		return path;
	if (access(UNIT_KERNEL_ELF, R_OK) == 0)
		return UNIT_KERNEL_ELF;
	return UNIT_DEFAULT_KERNEL_ELF;
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		goto out;
	data = malloc(len);
	if (data && fread(data, 1, len, f) != (size_t)len) {
		free(data);
		data = NULL;
	}
	*size = len;
out:
	fclose(f);
	return data;
}

static void test_elf_loads_kernel_built_by_this_tree(void)
{
	struct vitro_error err = { "" };
	struct pvh_image image;
	const Elf64_Ehdr *eh;
	uint64_t lowest = UINT64_MAX, highest = 0;
	bool entry_in_text = false;
	size_t size;
	uint8_t *file = read_file(built_kernel_path(), &size);
	unsigned int i;

	if (!file) {
		UNIT_FAIL("cannot read %s", built_kernel_path());
		return;
	}
	ram_reset();
	if (!EXPECT_EQ(elf_pvh_load(file, size, &mem, BOOT_AREA_END, &image, &err), 0)) {
		UNIT_FAIL("%s: %s", built_kernel_path(), err.msg);
		goto out;
	}
	eh = (const Elf64_Ehdr *)file;
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff) + i;
		const uint8_t *dst = ram + ph->p_paddr;

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (memcmp(dst, file + ph->p_offset, ph->p_filesz))
			UNIT_FAIL("segment %u differs from the file", i);
		if (unit_first_byte_not(dst + ph->p_filesz, ph->p_memsz - ph->p_filesz, 0) !=
		    ph->p_memsz - ph->p_filesz)
			UNIT_FAIL("segment %u: bss is not zeroed", i);
		if ((ph->p_flags & PF_X) && image.entry >= ph->p_paddr &&
		    image.entry < ph->p_paddr + ph->p_filesz)
			entry_in_text = true;
		if (ph->p_paddr < lowest)
			lowest = ph->p_paddr;
		if (ph->p_paddr + ph->p_memsz > highest)
			highest = ph->p_paddr + ph->p_memsz;
	}
	EXPECT_TRUE(entry_in_text);
	EXPECT_EQ(image.load_start, lowest);
	EXPECT_EQ(image.load_end, highest);
	EXPECT_TRUE(image.load_start >= BOOT_AREA_END);
out:
	free(file);
}

static CU_TestInfo elf_pvh_tests[] = {
	UNIT_TEST(test_elf_loads_segments_and_returns_pvh_entry),
	UNIT_TEST(test_elf_accepts_8_byte_entry_in_8_byte_aligned_note),
	UNIT_TEST(test_elf_finds_pvh_note_after_other_notes),
	UNIT_TEST(test_elf_reports_virtual_range_of_kernel_linked_high),
	UNIT_TEST(test_elf_reports_no_virtual_range_when_segment_offsets_differ),
	UNIT_TEST(test_elf_skips_load_segment_with_zero_memsz),
	UNIT_TEST(test_elf_accepts_adjacent_segments),
	UNIT_TEST(test_elf_accepts_128_program_headers),
	UNIT_TEST(test_elf_rejects_file_without_elf_magic),
	UNIT_TEST(test_elf_rejects_file_shorter_than_elf_magic),
	UNIT_TEST(test_elf_rejects_file_shorter_than_elf_header),
	UNIT_TEST(test_elf_rejects_elf32_image),
	UNIT_TEST(test_elf_rejects_big_endian_image),
	UNIT_TEST(test_elf_rejects_unknown_elf_version),
	UNIT_TEST(test_elf_rejects_machine_other_than_x86_64),
	UNIT_TEST(test_elf_rejects_shared_object),
	UNIT_TEST(test_elf_rejects_unexpected_program_header_size),
	UNIT_TEST(test_elf_rejects_image_without_program_headers),
	UNIT_TEST(test_elf_rejects_more_than_128_program_headers),
	UNIT_TEST(test_elf_rejects_program_headers_past_end_of_file),
	UNIT_TEST(test_elf_rejects_program_header_offset_that_wraps),
	UNIT_TEST(test_elf_rejects_truncated_segment_data),
	UNIT_TEST(test_elf_rejects_segment_offset_that_wraps),
	UNIT_TEST(test_elf_rejects_every_truncation_of_a_good_image),
	UNIT_TEST(test_elf_rejects_filesz_larger_than_memsz),
	UNIT_TEST(test_elf_rejects_empty_segment_that_claims_file_bytes),
	UNIT_TEST(test_elf_rejects_segment_below_boot_area_end),
	UNIT_TEST(test_elf_rejects_segment_beyond_ram),
	UNIT_TEST(test_elf_rejects_segment_with_huge_memsz),
	UNIT_TEST(test_elf_rejects_segment_whose_end_wraps_around),
	UNIT_TEST(test_elf_rejects_overlapping_segments),
	UNIT_TEST(test_elf_rejects_image_without_load_segment),
	UNIT_TEST(test_elf_rejects_image_without_pvh_note),
	UNIT_TEST(test_elf_rejects_pvh_note_with_bad_descriptor_size),
	UNIT_TEST(test_elf_rejects_note_name_running_past_segment),
	UNIT_TEST(test_elf_rejects_note_descriptor_running_past_segment),
	UNIT_TEST(test_elf_rejects_note_segment_outside_file),
	UNIT_TEST(test_elf_rejects_entry_outside_every_segment),
	UNIT_TEST(test_elf_rejects_entry_in_zero_filled_part_of_segment),
	UNIT_TEST(test_elf_rejects_entry_above_4_gib),
	CU_TEST_INFO_NULL,
};

static void unit_register_elf_pvh(void)
{
	CU_pSuite suite = unit_add_suite("elf_pvh", elf_pvh_tests);

	/* Only when the tree has built its kernel; absent is not a failure. */
	if (access(built_kernel_path(), R_OK) == 0)
		CU_add_test(suite, "test_elf_loads_kernel_built_by_this_tree",
			    test_elf_loads_kernel_built_by_this_tree);
}

UNIT_REGISTER(unit_register_elf_pvh)
