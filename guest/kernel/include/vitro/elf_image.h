/* The ELF executable reader of execve(): validates an x86-64 ELF file's
 * headers without trusting any field and describes what the loader must map.
 * Pure logic over a read callback, so it builds for the host too (unit tests,
 * fuzzing); mapping the segments is the caller's (mm/). */
#ifndef VITRO_ELF_IMAGE_H
#define VITRO_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* End of the user address space: Linux's TASK_SIZE with 4-level paging
 * ((1 << 47) minus a guard page). Every segment ends at or below it. */
#define ELF_USER_ADDR_END 0x00007ffffffff000ull
/* Lowest address an ET_EXEC segment may use: Linux's default
 * vm.mmap_min_addr, which keeps NULL-pointer pages unmapped. */
#define ELF_USER_ADDR_MIN 0x10000ull
/* Where static-pie (ET_DYN) images go: Linux's ELF_ET_DYN_BASE on x86-64, two
 * thirds of the 47-bit space, page aligned. */
#define ELF_ET_DYN_BASE 0x555555554000ull

/* Linux refuses program header tables larger than 64 KiB (1170 entries). */
#define ELF_PHDRS_MAX_BYTES 65536u
/* Loadable segments an image may have; real executables have four or five. */
#define ELF_IMAGE_MAX_SEGMENTS 16
/* Largest p_align honoured for a PT_LOAD (Linux caps nothing; GNU ld's
 * largest common page size is 2 MiB). */
#define ELF_MAX_ALIGN (1ull << 30)
#define ELF_IMAGE_INTERP_SIZE 128
#define ELF_IMAGE_REASON_SIZE 160

/* One PT_LOAD with memsz > 0, at its linked address (add the load bias).
 * filesz <= memsz; [offset, offset + filesz) lies in the file; vaddr and
 * offset are congruent modulo the page size (and modulo p_align when it is
 * larger). Bytes [vaddr + filesz, vaddr + memsz) are zero (bss). */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;
	uint32_t prot; /* PROT_READ | PROT_WRITE | PROT_EXEC from p_flags */
};

/*
 * What execve needs from an executable, all at linked addresses (add
 * elf_load_bias() for ET_DYN). Segments are sorted by vaddr and do not share a
 * byte, but two neighbours may share a page (a text end and a data start):
 * the loader then maps that page once with both contents and the union of
 * both prots, and zeroes only the bss bytes themselves, as Linux effectively
 * does by mapping in order.
 *
 * The whole image lies in [image_start, image_end): image_start is the first
 * segment's vaddr rounded down to a page, image_end the last segment's end
 * (the program break starts at image_end rounded up to a page, plus bias).
 */
struct elf_image {
	uint16_t type; /* ET_EXEC or ET_DYN */
	uint64_t entry; /* inside the file-backed part of an executable segment */
	unsigned int nr_segments;
	struct elf_segment segments[ELF_IMAGE_MAX_SEGMENTS];
	uint64_t image_start, image_end;
	uint64_t max_align; /* largest PT_LOAD p_align, at least the page size */

	/* For AT_PHDR, AT_PHENT, AT_PHNUM: where the program headers are in
	 * memory: PT_PHDR's vaddr, else computed from the PT_LOAD whose file
	 * bytes hold them; 0 (has_phdr false) when no segment maps them. */
	uint64_t phdr_vaddr;
	bool has_phdr;
	uint16_t phnum;
	uint16_t phent;

	/* The last PT_GNU_STACK has PF_X; without one the stack is not
	 * executable, as for 64-bit programs on Linux. */
	bool has_executable_stack;
	bool has_tls; /* PT_TLS: the C library sets up TLS from it */

	/* PT_INTERP: a dynamically linked program. The path is NUL-terminated
	 * in the file ([interp_offset, + interp_size) including the NUL);
	 * interp holds it cut to fit, non-printable bytes shown as '?'. */
	bool has_interp;
	uint64_t interp_offset, interp_size;
	char interp[ELF_IMAGE_INTERP_SIZE];

	/* Why the file was refused, for the caller to print. */
	char reason[ELF_IMAGE_REASON_SIZE];
};

/* Reads len bytes of the file at off into buf; returns the bytes read (less
 * only at the end of the file) or a negative errno. */
typedef long (*elf_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

/*
 * Reads and validates the ELF headers of a file of file_size bytes and fills
 * img. Accepted: ELFCLASS64, ELFDATA2LSB, EV_CURRENT, EM_X86_64, ET_EXEC or
 * ET_DYN, 56-byte program headers, 1 to ELF_PHDRS_MAX_BYTES of them inside the
 * file, 1 to ELF_IMAGE_MAX_SEGMENTS PT_LOADs with memsz > 0 that are
 * consistent (see struct elf_segment), sorted, not overlapping, inside
 * [ELF_USER_ADDR_MIN (ET_EXEC only), ELF_USER_ADDR_END) and, for ET_DYN, still
 * inside after elf_load_bias(); p_align 0, 1 or a power of two up to
 * ELF_MAX_ALIGN; at most one PT_INTERP, PT_PHDR and PT_TLS; a PT_PHDR inside
 * a PT_LOAD's file bytes.
 *
 * Returns 0; -ENOEXEC with img->reason set for a file that is not an ELF
 * executable we run, including a valid dynamically linked one (then img is
 * filled and has_interp set, and the reason names the interpreter); -EIO if
 * read_at came back short inside file_size; or read_at's own error.
 */
int elf_image_parse(struct elf_image *img, elf_read_fn read_at, void *ctx, uint64_t file_size);

/*
 * The load bias to add to every address of a parsed image: 0 for ET_EXEC;
 * for ET_DYN, ELF_ET_DYN_BASE plus random_page_offset (rounded down to a
 * page; the caller's randomisation, as Linux's arch_mmap_rnd()) aligned down
 * to img->max_align, minus image_start aligned likewise, so each segment keeps
 * its p_align congruence. If the offset would push the image past
 * ELF_USER_ADDR_END it is ignored (elf_image_parse checked that offset 0 fits).
 */
uint64_t elf_load_bias(const struct elf_image *img, uint64_t random_page_offset);

#endif
