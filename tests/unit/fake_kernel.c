/* See fake_kernel.h. */
#include "fake_kernel.h"

#include <string.h>

#include "../../shared/boot/pvh.h"

uint8_t fake_kernel_text_byte(size_t i)
{
	return (uint8_t)(0x90 ^ (i * 7));
}

uint8_t fake_kernel_data_byte(size_t i)
{
	return (uint8_t)(0x5a + i * 3);
}

Elf64_Ehdr *fake_kernel_ehdr(struct fake_kernel *k)
{
	return (Elf64_Ehdr *)k->bytes;
}

Elf64_Phdr *fake_kernel_phdr(struct fake_kernel *k, unsigned int index)
{
	return (Elf64_Phdr *)(k->bytes + fake_kernel_ehdr(k)->e_phoff) + index;
}

static uint64_t align_up(uint64_t value, uint64_t align)
{
	return (value + align - 1) & ~(align - 1);
}

void fake_kernel_grow_phdrs(struct fake_kernel *k, unsigned int nr)
{
	Elf64_Ehdr *eh = fake_kernel_ehdr(k);
	size_t off = align_up(k->size, 8);

	memset(k->bytes + off, 0, nr * sizeof(Elf64_Phdr));
	memcpy(k->bytes + off, k->bytes + eh->e_phoff,
	       (nr < eh->e_phnum ? nr : eh->e_phnum) * sizeof(Elf64_Phdr));
	eh->e_phoff = off;
	eh->e_phnum = nr;
	k->size = off + nr * sizeof(Elf64_Phdr);
}

void fake_kernel_clear_notes(struct fake_kernel *k, uint64_t align)
{
	Elf64_Phdr *ph = fake_kernel_phdr(k, FAKE_KERNEL_PH_NOTE);

	memset(k->bytes + FAKE_KERNEL_NOTE_OFF, 0, FAKE_KERNEL_NOTE_MAX);
	ph->p_filesz = ph->p_memsz = 0;
	ph->p_align = align;
	k->note_end = FAKE_KERNEL_NOTE_OFF;
}

void fake_kernel_add_note(struct fake_kernel *k, const char *name, uint32_t namesz, uint32_t type,
			  const void *desc, uint32_t descsz)
{
	Elf64_Phdr *ph = fake_kernel_phdr(k, FAKE_KERNEL_PH_NOTE);
	Elf64_Nhdr nh = { .n_namesz = namesz, .n_descsz = descsz, .n_type = type };
	uint64_t align = ph->p_align == 8 ? 8 : 4;
	uint64_t off = k->note_end - FAKE_KERNEL_NOTE_OFF; /* within the segment */
	size_t name_copy = strlen(name) + 1;
	uint8_t *p;

	if (name_copy > namesz)
		name_copy = namesz;
	/* gABI layout: the descriptor and the next note start at the segment's
	 * alignment, counted from the segment start (not the name's padding). */
	p = k->bytes + FAKE_KERNEL_NOTE_OFF + off;
	memcpy(p, &nh, sizeof(nh));
	memcpy(p + sizeof(nh), name, name_copy);
	off = align_up(off + sizeof(nh) + namesz, align);
	memcpy(k->bytes + FAKE_KERNEL_NOTE_OFF + off, desc, descsz);
	off = align_up(off + descsz, align);
	p = k->bytes + FAKE_KERNEL_NOTE_OFF + off;
	k->note_end = p - k->bytes;
	ph->p_filesz = ph->p_memsz = k->note_end - FAKE_KERNEL_NOTE_OFF;
}

void fake_kernel_init(struct fake_kernel *k)
{
	Elf64_Ehdr *eh = fake_kernel_ehdr(k);
	uint32_t entry = FAKE_KERNEL_ENTRY;
	size_t i;

	memset(k, 0, sizeof(*k));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0xffffffff80000000ull + FAKE_KERNEL_ENTRY;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = FAKE_KERNEL_NR_PHDRS;

	*fake_kernel_phdr(k, FAKE_KERNEL_PH_TEXT) = (Elf64_Phdr){
		.p_type = PT_LOAD,
		.p_flags = PF_R | PF_X,
		.p_offset = FAKE_KERNEL_TEXT_OFF,
		.p_vaddr = 0xffffffff80000000ull + FAKE_KERNEL_TEXT_GPA,
		.p_paddr = FAKE_KERNEL_TEXT_GPA,
		.p_filesz = FAKE_KERNEL_TEXT_SIZE,
		.p_memsz = FAKE_KERNEL_TEXT_SIZE,
		.p_align = 0x1000,
	};
	*fake_kernel_phdr(k, FAKE_KERNEL_PH_DATA) = (Elf64_Phdr){
		.p_type = PT_LOAD,
		.p_flags = PF_R | PF_W,
		.p_offset = FAKE_KERNEL_DATA_OFF,
		.p_vaddr = 0xffffffff80000000ull + FAKE_KERNEL_DATA_GPA,
		.p_paddr = FAKE_KERNEL_DATA_GPA,
		.p_filesz = FAKE_KERNEL_DATA_FILESZ,
		.p_memsz = FAKE_KERNEL_DATA_MEMSZ,
		.p_align = 0x1000,
	};
	*fake_kernel_phdr(k, FAKE_KERNEL_PH_NOTE) = (Elf64_Phdr){
		.p_type = PT_NOTE,
		.p_flags = PF_R,
		.p_offset = FAKE_KERNEL_NOTE_OFF,
		.p_align = 4,
	};
	for (i = 0; i < FAKE_KERNEL_TEXT_SIZE; i++)
		k->bytes[FAKE_KERNEL_TEXT_OFF + i] = fake_kernel_text_byte(i);
	for (i = 0; i < FAKE_KERNEL_DATA_FILESZ; i++)
		k->bytes[FAKE_KERNEL_DATA_OFF + i] = fake_kernel_data_byte(i);
	k->size = FAKE_KERNEL_SIZE;
	fake_kernel_clear_notes(k, 4);
	fake_kernel_add_note(k, "Xen", 4, XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
}
