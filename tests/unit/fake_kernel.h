/* ELF64 PVH kernel images built in memory for the loader and boot tests: a
 * known-good image that each test bends in one way. */
#ifndef TESTS_UNIT_FAKE_KERNEL_H
#define TESTS_UNIT_FAKE_KERNEL_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

/* Layout of the good image: text and data segments plus one PT_NOTE. */
#define FAKE_KERNEL_PH_TEXT 0
#define FAKE_KERNEL_PH_DATA 1
#define FAKE_KERNEL_PH_NOTE 2
#define FAKE_KERNEL_NR_PHDRS 3

#define FAKE_KERNEL_NOTE_OFF 0x100
#define FAKE_KERNEL_NOTE_MAX 0x100
#define FAKE_KERNEL_TEXT_OFF 0x200
#define FAKE_KERNEL_TEXT_GPA 0x100000ull
#define FAKE_KERNEL_TEXT_SIZE 0x100
#define FAKE_KERNEL_DATA_OFF 0x300
#define FAKE_KERNEL_DATA_GPA 0x200000ull
#define FAKE_KERNEL_DATA_FILESZ 0x80
#define FAKE_KERNEL_DATA_MEMSZ 0x1000
#define FAKE_KERNEL_SIZE 0x380
#define FAKE_KERNEL_ENTRY 0x100010ull
#define FAKE_KERNEL_MAX_SIZE 0x4000

struct fake_kernel {
	_Alignas(8) uint8_t bytes[FAKE_KERNEL_MAX_SIZE];
	size_t size; /* bytes handed to the loader */
	size_t note_end; /* where the next note goes */
};

/* The good image, with a 4-byte PVH entry note for FAKE_KERNEL_ENTRY. */
void fake_kernel_init(struct fake_kernel *k);

Elf64_Ehdr *fake_kernel_ehdr(struct fake_kernel *k);
Elf64_Phdr *fake_kernel_phdr(struct fake_kernel *k, unsigned int index);

/* Moves the program header table to the end of the file with room for nr
 * entries (the new ones PT_NULL) and sets e_phnum to nr. */
void fake_kernel_grow_phdrs(struct fake_kernel *k, unsigned int nr);

/* Empties the note segment and sets its alignment (4 or 8). */
void fake_kernel_clear_notes(struct fake_kernel *k, uint64_t align);

/* Appends one note (name copied up to namesz bytes, zero padded). */
void fake_kernel_add_note(struct fake_kernel *k, const char *name, uint32_t namesz, uint32_t type,
			  const void *desc, uint32_t descsz);

/* The bytes the good image's text and data segments hold. */
uint8_t fake_kernel_text_byte(size_t i);
uint8_t fake_kernel_data_byte(size_t i);

#endif
