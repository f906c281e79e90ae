/* libFuzzer target: execve's ELF reader (guest/kernel/kernel/elf_image.c,
 * host build) over an in-memory file, checking what a successful parse
 * promises the loader and that the reader never asks for bytes outside the
 * file. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vitro/elf_image.h>
#include <vitro/errno.h>

#define PAGE 4096ull
#define PROT_BITS 7u /* PROT_READ | PROT_WRITE | PROT_EXEC */

struct file {
	const uint8_t *data;
	size_t size;
};

static void fail(const char *what, const struct elf_image *img)
{
	fprintf(stderr,
		"fuzz_elf_image: invariant failed: %s (type %u, entry 0x%llx, %u segments, "
		"image 0x%llx-0x%llx)\n",
		what, img->type, (unsigned long long)img->entry, img->nr_segments,
		(unsigned long long)img->image_start, (unsigned long long)img->image_end);
	abort();
}

static long read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct file *f = ctx;

	if (off > f->size || len > f->size - off) {
		fprintf(stderr, "fuzz_elf_image: read of %zu bytes at %llu outside %zu bytes\n",
			len, (unsigned long long)off, f->size);
		abort();
	}
	memcpy(buf, f->data + off, len);
	return (long)len;
}

static bool holds_file_bytes(const struct elf_image *img, uint64_t vaddr, uint64_t len,
			     bool needs_exec)
{
	unsigned int i;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
		    len <= s->filesz - (vaddr - s->vaddr) && (!needs_exec || (s->prot & 4)))
			return true;
	}
	return false;
}

/* Every segment, moved by bias, stays in the user address space with its
 * file offset still page-congruent. */
static void check_bias(const struct elf_image *img, uint64_t bias)
{
	unsigned int i;

	if (img->type == ET_EXEC && bias)
		fail("ET_EXEC moved", img);
	if (bias % img->max_align)
		fail("bias not a multiple of the largest p_align", img);
	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];
		uint64_t start = s->vaddr + bias;

		if (start < ELF_USER_ADDR_MIN || start > ELF_USER_ADDR_END ||
		    s->memsz > ELF_USER_ADDR_END - start)
			fail("segment outside the user address space after the bias", img);
		if ((start - s->offset) % PAGE)
			fail("segment not page-congruent after the bias", img);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file f = { data, size };
	static struct elf_image img;
	uint64_t random = 0;
	unsigned int i;
	int err;

	err = elf_image_parse(&img, read_at, &f, size);
	if (strnlen(img.reason, sizeof(img.reason)) == sizeof(img.reason))
		fail("reason not terminated", &img);
	if (err) {
		if (err != -ENOEXEC || !img.reason[0])
			fail("error other than -ENOEXEC, or no reason", &img);
		return 0;
	}
	if (img.reason[0] || img.has_interp)
		fail("accepted with a reason or an interpreter", &img);
	if (img.type != ET_EXEC && img.type != ET_DYN)
		fail("type", &img);
	if (!img.nr_segments || img.nr_segments > ELF_IMAGE_MAX_SEGMENTS)
		fail("segment count", &img);
	if (img.max_align < PAGE || (img.max_align & (img.max_align - 1)) ||
	    img.max_align > ELF_MAX_ALIGN)
		fail("max_align", &img);
	for (i = 0; i < img.nr_segments; i++) {
		const struct elf_segment *s = &img.segments[i];

		if (!s->memsz || s->filesz > s->memsz || (s->prot & ~PROT_BITS))
			fail("segment sizes or prot", &img);
		if (s->offset > size || s->filesz > size - s->offset)
			fail("segment file bytes outside the file", &img);
		if (s->vaddr > ELF_USER_ADDR_END || s->memsz > ELF_USER_ADDR_END - s->vaddr)
			fail("segment outside the user address space", &img);
		if (i && s->vaddr < img.segments[i - 1].vaddr + img.segments[i - 1].memsz)
			fail("segments overlap or are unsorted", &img);
	}
	if (img.image_start != (img.segments[0].vaddr & ~(PAGE - 1)) ||
	    img.image_end != img.segments[img.nr_segments - 1].vaddr +
				     img.segments[img.nr_segments - 1].memsz)
		fail("image bounds", &img);
	if (!holds_file_bytes(&img, img.entry, 1, true))
		fail("entry outside an executable segment's file bytes", &img);
	if (img.phent != sizeof(Elf64_Phdr) || !img.phnum)
		fail("program header size or count", &img);
	if (img.has_phdr &&
	    !holds_file_bytes(&img, img.phdr_vaddr, (uint64_t)img.phnum * img.phent, false))
		fail("program headers not mapped where AT_PHDR points", &img);

	/* Randomness from the input's last bytes, then the extremes. */
	memcpy(&random, data + size - (size < 8 ? size : 8), size < 8 ? size : 8);
	check_bias(&img, elf_load_bias(&img, 0));
	check_bias(&img, elf_load_bias(&img, random));
	check_bias(&img, elf_load_bias(&img, random & 0xffffffffff000ull));
	check_bias(&img, elf_load_bias(&img, UINT64_MAX));
	return 0;
}
