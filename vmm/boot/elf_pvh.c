/* See elf_pvh.h. The file is untrusted: every offset, size and count is
 * checked with overflow-safe arithmetic before it is used. */
#include "elf_pvh.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "../../shared/boot/pvh.h"

/* True if [off, off + len) lies inside a buffer of size bytes. */
static int range_in(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int check_header(const uint8_t *file, size_t size, const Elf64_Ehdr *eh,
			struct vitro_error *err)
{
	if (size < EI_NIDENT || memcmp(file, ELFMAG, SELFMAG))
		return vitro_error_set(
			err, -ENOEXEC,
			"not an ELF file (build the kernel as an ELF64 image with a PVH note)");
	if (size < sizeof(*eh))
		return vitro_error_set(err, -ENOEXEC, "truncated ELF header (%zu bytes)", size);
	if (file[EI_CLASS] != ELFCLASS64)
		return vitro_error_set(err, -ENOEXEC,
				       "ELF class %u is not ELF64 (vitro boots 64-bit x86 kernels)",
				       file[EI_CLASS]);
	if (file[EI_DATA] != ELFDATA2LSB)
		return vitro_error_set(err, -ENOEXEC, "ELF image is not little-endian");
	if (file[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return vitro_error_set(err, -ENOEXEC, "unknown ELF version");
	if (eh->e_machine != EM_X86_64)
		return vitro_error_set(err, -ENOEXEC, "ELF machine %u is not x86-64 (62)",
				       eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return vitro_error_set(err, -ENOEXEC, "ELF type %u is not an executable (ET_EXEC)",
				       eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return vitro_error_set(err, -ENOEXEC, "ELF program header size %u, expected %zu",
				       eh->e_phentsize, sizeof(Elf64_Phdr));
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_PVH_MAX_PHDRS)
		return vitro_error_set(err, -ENOEXEC,
				       "ELF image has %u program headers (1 to %d supported)",
				       eh->e_phnum, ELF_PVH_MAX_PHDRS);
	if (!range_in(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return vitro_error_set(
			err, -ENOEXEC,
			"ELF program headers lie outside the file (truncated image?)");
	return 0;
}

/* Walks the notes of one PT_NOTE segment; sets *entry when the PVH note is
 * found. Returns 1 if found, 0 if not, negative on a malformed note. */
static int find_pvh_note(const uint8_t *notes, uint64_t len, uint64_t align, uint64_t *entry,
			 struct vitro_error *err)
{
	uint64_t off = 0;

	/* gABI: the name starts after the 12-byte header; the descriptor and
	 * the next note start at the segment's alignment (4, or 8 for notes
	 * such as GNU properties), counted from the start of the segment. */
	if (align != 8)
		align = 4;
	while (len - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		uint64_t name_off, desc_off;

		memcpy(&nh, notes + off, sizeof(nh));
		name_off = off + sizeof(nh);
		if (!range_in(name_off, nh.n_namesz, len))
			return vitro_error_set(err, -ENOEXEC,
					       "ELF note name runs past its segment");
		desc_off = (name_off + nh.n_namesz + align - 1) & ~(align - 1);
		if (!range_in(desc_off, nh.n_descsz, len))
			return vitro_error_set(err, -ENOEXEC,
					       "ELF note descriptor runs past its segment");
		if (nh.n_namesz == 4 && !memcmp(notes + name_off, "Xen", 4) &&
		    nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY) {
			uint32_t e32;
			uint64_t e64;

			if (nh.n_descsz == 4) {
				memcpy(&e32, notes + desc_off, 4);
				*entry = e32;
			} else if (nh.n_descsz == 8) {
				memcpy(&e64, notes + desc_off, 8);
				*entry = e64;
			} else {
				return vitro_error_set(
					err, -ENOEXEC,
					"PVH entry note has a %u-byte descriptor (expected 4 or 8)",
					nh.n_descsz);
			}
			return 1;
		}
		off = (desc_off + nh.n_descsz + align - 1) & ~(align - 1);
		if (off > len)
			break;
	}
	return 0;
}

static int check_segment(const Elf64_Phdr *ph, unsigned int index, size_t file_size,
			 const struct guest_mem *mem, uint64_t min_gpa, struct vitro_error *err)
{
	if (!range_in(ph->p_offset, ph->p_filesz, file_size))
		return vitro_error_set(
			err, -ENOEXEC,
			"segment %u: data at offset 0x%llx+0x%llx lies outside the file (truncated image?)",
			index, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz);
	if (ph->p_paddr < min_gpa)
		return vitro_error_set(
			err, -ENOEXEC,
			"segment %u: physical address 0x%llx is below 0x%llx, which vitro reserves for boot data",
			index, (unsigned long long)ph->p_paddr, (unsigned long long)min_gpa);
	if (!guest_mem_contains(mem, ph->p_paddr, ph->p_memsz))
		return vitro_error_set(
			err, -E2BIG,
			"segment %u: 0x%llx+0x%llx does not fit in guest RAM (%llu MiB; raise --mem)",
			index, (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
			(unsigned long long)(mem->size_bytes >> 20));
	return 0;
}

static int segments_overlap(const Elf64_Phdr *a, const Elf64_Phdr *b)
{
	return a->p_paddr < b->p_paddr + b->p_memsz && b->p_paddr < a->p_paddr + a->p_memsz;
}

int elf_pvh_load(const uint8_t *file, size_t file_size, struct guest_mem *mem, uint64_t min_gpa,
		 struct pvh_image *image, struct vitro_error *err)
{
	Elf64_Phdr phdrs[ELF_PVH_MAX_PHDRS];
	Elf64_Ehdr eh;
	uint64_t entry = 0, virt_offset = 0;
	int has_entry = 0, has_load = 0, has_one_offset = 1, rc;
	unsigned int i, j;

	if (file_size >= sizeof(eh))
		memcpy(&eh, file, sizeof(eh));
	rc = check_header(file, file_size, &eh, err);
	if (rc)
		return rc;
	memcpy(phdrs, file + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));

	image->load_start = UINT64_MAX;
	image->load_end = 0;
	for (i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		if (ph->p_type == PT_NOTE && !has_entry) {
			if (!range_in(ph->p_offset, ph->p_filesz, file_size))
				return vitro_error_set(err, -ENOEXEC,
						       "note segment %u lies outside the file", i);
			rc = find_pvh_note(file + ph->p_offset, ph->p_filesz, ph->p_align, &entry,
					   err);
			if (rc < 0)
				return rc;
			has_entry = rc;
		}
		if (ph->p_type != PT_LOAD)
			continue;
		/* Checked even for empty segments, which are otherwise skipped,
		 * so no segment can claim file bytes it does not load. */
		if (ph->p_filesz > ph->p_memsz)
			return vitro_error_set(
				err, -ENOEXEC,
				"segment %u: file size 0x%llx exceeds memory size 0x%llx", i,
				(unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
		if (ph->p_memsz == 0)
			continue;
		rc = check_segment(ph, i, file_size, mem, min_gpa, err);
		if (rc)
			return rc;
		for (j = 0; j < i; j++)
			if (phdrs[j].p_type == PT_LOAD && phdrs[j].p_memsz &&
			    segments_overlap(ph, &phdrs[j]))
				return vitro_error_set(
					err, -ENOEXEC,
					"segments %u and %u overlap in physical memory", j, i);
		if (has_load && ph->p_vaddr - ph->p_paddr != virt_offset)
			has_one_offset = 0;
		virt_offset = ph->p_vaddr - ph->p_paddr;
		has_load = 1;
		if (ph->p_paddr < image->load_start)
			image->load_start = ph->p_paddr;
		if (ph->p_paddr + ph->p_memsz > image->load_end)
			image->load_end = ph->p_paddr + ph->p_memsz;
	}
	if (!has_load)
		return vitro_error_set(err, -ENOEXEC, "ELF image has no loadable segment");
	if (!has_entry)
		return vitro_error_set(
			err, -ENOEXEC,
			"no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); vitro boots kernels built with PVH support");
	if (entry >= 1ull << 32)
		return vitro_error_set(
			err, -ENOEXEC,
			"PVH entry 0x%llx is above 4 GiB (it is entered in 32-bit mode)",
			(unsigned long long)entry);

	for (i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		if (ph->p_type == PT_LOAD && entry >= ph->p_paddr &&
		    entry - ph->p_paddr < ph->p_filesz)
			break;
	}
	if (i == eh.e_phnum)
		return vitro_error_set(err, -ENOEXEC,
				       "PVH entry 0x%llx is not inside any loaded segment",
				       (unsigned long long)entry);

	for (i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];
		uint8_t *dst;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		dst = guest_mem_ptr(mem, ph->p_paddr, ph->p_memsz);
		memcpy(dst, file + ph->p_offset, ph->p_filesz);
		memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	}
	image->entry = entry;
	/* Offsets wrap modulo 2^64, as the kernel's -2 GiB link address does. */
	image->virt_start = image->load_start + virt_offset;
	image->virt_end = image->load_end + virt_offset;
	if (!has_one_offset || image->virt_end <= image->virt_start)
		image->virt_start = image->virt_end = 0;
	return 0;
}
