/* The kernel's side of the vDSO (guest/kernel/kernel/vdso.c) on the host:
 * the boot check of the image (the one the build made passes; copies broken
 * one way each are refused), and exec's mapping of it, vvar page below, at a
 * random distance under the ceiling, in an mm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/mm_user.h>
#include <vitro/vdso.h>

#include "mm_world.h"
#include "unit.h"

#ifndef UNIT_VDSO_SO
#define UNIT_VDSO_SO "build/guest/vdso/vdso.so"
#endif

#define P PAGE_SIZE
#define CEILING 0x7ff000000000ull

/* ELF facts the tests poke at, from the gABI (the kernel's copy of the
 * header is not the host's). */
#define EHDR_TYPE 16 /* e_type, 2 bytes */
#define EHDR_PHOFF 32
#define EHDR_PHNUM 56
#define PHDR_SIZE 56
#define PT_LOAD_TYPE 1
#define PT_DYNAMIC_TYPE 2
#define DT_HASH_TAG 4
#define DT_TEXTREL_TAG 22

struct image {
	uint8_t *data;
	size_t size;
};

static bool image_load(struct image *img)
{
	FILE *f = fopen(UNIT_VDSO_SO, "rb");

	img->data = calloc(1, VDSO_MAX_PAGES * P * 2);
	img->size = f && img->data ? fread(img->data, 1, VDSO_MAX_PAGES * P * 2, f) : 0;
	if (f)
		fclose(f);
	if (!img->size)
		UNIT_FAIL("cannot read %s (make builds it: guest/vdso/vdso.mk)", UNIT_VDSO_SO);
	return img->size != 0;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* The program header of the given type (the first), or NULL. */
static uint8_t *phdr_of(const struct image *img, uint32_t type)
{
	uint64_t off = get64(img->data + EHDR_PHOFF);
	unsigned int i, n = img->data[EHDR_PHNUM] | img->data[EHDR_PHNUM + 1] << 8;

	for (i = 0; i < n; i++)
		if (get32(img->data + off + i * PHDR_SIZE) == type)
			return img->data + off + i * PHDR_SIZE;
	return NULL;
}

/* The dynamic entry with the given tag, or NULL. */
static uint8_t *dyn_of(const struct image *img, uint64_t tag)
{
	uint8_t *dyn = img->data + get64(phdr_of(img, PT_DYNAMIC_TYPE) + 8);

	for (; get64(dyn); dyn += 16)
		if (get64(dyn) == tag)
			return dyn;
	return NULL;
}

static void test_vdso_check_accepts_the_built_image(void)
{
	const char *reason = "untouched";
	struct image img;

	if (!image_load(&img))
		return;
	EXPECT_EQ(vdso_image_check(img.data, img.size, &reason), 0);
	EXPECT_STR(reason, "untouched");
	free(img.data);
}

/* Each case breaks one thing in a fresh copy. */
static void break_magic(struct image *img)
{
	img->data[1] = 'F';
}

static void break_type(struct image *img)
{
	img->data[EHDR_TYPE] = 2; /* ET_EXEC */
}

static void break_writable(struct image *img)
{
	put32(phdr_of(img, PT_LOAD_TYPE) + 4, 7); /* PF_R | PF_W | PF_X */
}

static void break_second_load(struct image *img)
{
	put32(phdr_of(img, 4 /* PT_NOTE */), PT_LOAD_TYPE);
}

static void break_linked_address(struct image *img)
{
	put64(phdr_of(img, PT_LOAD_TYPE) + 16, 0x1000); /* p_vaddr */
}

static void break_text_relocation(struct image *img)
{
	put64(dyn_of(img, DT_HASH_TAG), DT_TEXTREL_TAG);
}

static void break_no_hash(struct image *img)
{
	put64(dyn_of(img, DT_HASH_TAG), 0x6ffffef5); /* a second DT_GNU_HASH */
}

static void break_dynamic_outside(struct image *img)
{
	put64(phdr_of(img, PT_DYNAMIC_TYPE) + 8, img->size); /* p_offset */
	put64(phdr_of(img, PT_DYNAMIC_TYPE) + 16, img->size);
}

static void break_truncated(struct image *img)
{
	img->size = get64(phdr_of(img, PT_LOAD_TYPE) + 32) - 1; /* p_filesz - 1 */
}

static void break_too_large(struct image *img)
{
	uint8_t *load = phdr_of(img, PT_LOAD_TYPE);

	img->size = VDSO_MAX_PAGES * P * 2;
	put64(load + 32, VDSO_MAX_PAGES * P + 1);
	put64(load + 40, VDSO_MAX_PAGES * P + 1);
}

static void break_phdrs_past_the_end(struct image *img)
{
	put64(img->data + EHDR_PHOFF, img->size - PHDR_SIZE);
}

static void test_vdso_check_refuses_an_image_broken_any_one_way(void)
{
	static const struct {
		const char *what;
		void (*fn)(struct image *img);
		const char *reason; /* part of the reason given */
	} cases[] = {
		{ "magic", break_magic, "ELF" },
		{ "type", break_type, "shared object" },
		{ "writable", break_writable, "read+execute" },
		{ "second PT_LOAD", break_second_load, "more than one PT_LOAD" },
		{ "linked address", break_linked_address, "first byte" },
		{ "DT_TEXTREL", break_text_relocation, "relocations" },
		{ "no DT_HASH", break_no_hash, "DT_HASH" },
		{ "PT_DYNAMIC outside", break_dynamic_outside, "PT_DYNAMIC" },
		{ "truncated", break_truncated, "first byte" },
		{ "too large", break_too_large, "too large" },
		{ "program headers past the end", break_phdrs_past_the_end, "program header" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *reason = NULL;
		struct image img;

		if (!image_load(&img))
			return;
		cases[i].fn(&img);
		if (!EXPECT_EQ(vdso_image_check(img.data, img.size, &reason), -ENOEXEC))
			UNIT_FAIL("broken %s: accepted", cases[i].what);
		EXPECT_CONTAINS(reason ? reason : "(none)", cases[i].reason);
		free(img.data);
	}
}

struct world {
	struct mm_struct *mm;
	struct page *vvar;
	struct image img;
	uint64_t image_bytes; /* what PT_LOAD maps: the vDSO's pages */
};

static bool world_start(struct world *w)
{
	const char *reason = NULL;

	w->mm = mm_world_start();
	w->vvar = alloc_page(__GFP_ZERO);
	if (!image_load(&w->img))
		return false;
	w->image_bytes = (get64(phdr_of(&w->img, PT_LOAD_TYPE) + 32) + P - 1) / P * P;
	((uint8_t *)page_address(w->vvar))[0] = 0x77;
	if (!EXPECT_EQ(vdso_setup(w->img.data, w->img.size, w->vvar, &reason), 0))
		UNIT_FAIL("vdso_setup: %s", reason);
	return true;
}

static void world_end(struct world *w)
{
	vdso_release();
	put_page(w->vvar);
	free(w->img.data);
	mm_world_end(w->mm); /* every page back: the mappings' and the image's */
}

static void test_vdso_map_puts_the_vvar_page_right_below_the_image(void)
{
	struct vm_area_struct *vvar, *text;
	uint8_t head[64], byte = 0;
	struct world w;
	long base;

	if (!world_start(&w))
		return;
	base = vdso_map(w.mm, CEILING, 7);
	/* The image ends 7 pages below the ceiling. */
	EXPECT_EQ(base, (long)(CEILING - 7 * P - w.image_bytes));
	text = mm_vma_at(w.mm, (uint64_t)base);
	vvar = mm_vma_at(w.mm, (uint64_t)base - P);
	if (!EXPECT_TRUE(text && vvar))
		goto out;
	EXPECT_STR(text->vm_special->name, "[vdso]");
	EXPECT_STR(vvar->vm_special->name, "[vvar]");
	EXPECT_EQ(vvar->vm_start, (uint64_t)base - P);
	EXPECT_EQ(text->vm_end, (uint64_t)base + w.image_bytes);
	EXPECT_EQ(text->vm_flags & (VM_READ | VM_WRITE | VM_EXEC), VM_READ | VM_EXEC);
	EXPECT_EQ(vvar->vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_MAYWRITE | VM_MAYEXEC),
		  VM_READ);
	/* The image's bytes, executable; the clock's own page, read-only. */
	EXPECT_EQ(mm_user_read(w.mm, (uint64_t)base, head, sizeof(head)), 0);
	EXPECT_EQ(memcmp(head, w.img.data, sizeof(head)), 0);
	EXPECT_EQ(mm_user_exec(w.mm, (uint64_t)base + 0x100), 0);
	EXPECT_EQ(mm_phys(w.mm, (uint64_t)base - P), page_to_pfn(w.vvar) << PAGE_SHIFT);
	EXPECT_EQ(mm_user_read(w.mm, (uint64_t)base - P, &byte, 1), 0);
	EXPECT_EQ(byte, 0x77);
	EXPECT_EQ(mm_user_write(w.mm, (uint64_t)base - P, &byte, 1), FAULT_ACCERR);
	EXPECT_EQ(mm_user_exec(w.mm, (uint64_t)base - P), FAULT_ACCERR);
out:
	world_end(&w);
}

static void test_vdso_map_lands_within_its_random_range(void)
{
	struct world w;

	if (!world_start(&w))
		return;
	/* random counts modulo VDSO_RANDOM_PAGES; the ceiling is rounded down. */
	EXPECT_EQ(vdso_map(w.mm, CEILING + 123, VDSO_RANDOM_PAGES + 3),
		  (long)(CEILING - 3 * P - w.image_bytes));
	mmput(w.mm);
	w.mm = mm_alloc();
	EXPECT_EQ(vdso_map(w.mm, CEILING, 0), (long)(CEILING - w.image_bytes));
	mmput(w.mm);
	w.mm = mm_alloc();
	EXPECT_EQ(vdso_map(w.mm, CEILING, VDSO_RANDOM_PAGES - 1),
		  (long)(CEILING - (VDSO_RANDOM_PAGES - 1) * P - w.image_bytes));
	world_end(&w);
}

static void test_vdso_map_leaves_nothing_behind_when_the_place_is_taken(void)
{
	struct world w;

	if (!world_start(&w))
		return;
	/* The image's last page is taken: the vvar page, mapped first, goes. */
	EXPECT_EQ(vm_mmap(w.mm, CEILING - P, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			  NULL, 0),
		  (long)(CEILING - P));
	EXPECT_EQ(vdso_map(w.mm, CEILING, 0), -EEXIST);
	EXPECT_EQ(w.mm->map_count, 1);
	EXPECT_EQ(mm_vma_at(w.mm, CEILING - w.image_bytes - P), NULL);
	world_end(&w);
}

static void test_vdso_map_without_a_vdso_maps_nothing(void)
{
	struct world w;

	if (!world_start(&w))
		return;
	vdso_release();
	EXPECT_EQ(vdso_map(w.mm, CEILING, 5), 0);
	EXPECT_EQ(w.mm->map_count, 0);
	world_end(&w);
}

static CU_TestInfo vdso_map_tests[] = {
	UNIT_TEST(test_vdso_check_accepts_the_built_image),
	UNIT_TEST(test_vdso_check_refuses_an_image_broken_any_one_way),
	UNIT_TEST(test_vdso_map_puts_the_vvar_page_right_below_the_image),
	UNIT_TEST(test_vdso_map_lands_within_its_random_range),
	UNIT_TEST(test_vdso_map_leaves_nothing_behind_when_the_place_is_taken),
	UNIT_TEST(test_vdso_map_without_a_vdso_maps_nothing),
	CU_TEST_INFO_NULL,
};

static void unit_register_vdso_map(void)
{
	unit_add_suite("vdso_map", vdso_map_tests);
}

UNIT_REGISTER(unit_register_vdso_map)
