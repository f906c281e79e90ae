/* See vitro/vdso.h. The image check follows the System V gABI's ELF header,
 * program header and dynamic section rules; every offset is compared with
 * the room left before it is used, so nothing wraps. */
#include <linux/elf.h>
#include <vitro/errno.h>
#include <vitro/mm_user.h>
#include <vitro/printk.h>
#include <vitro/string.h>
#include <vitro/time.h>
#include <vitro/vdso.h>
#include <vitro/vvar.h>

/* gABI dynamic-section values Linux's UAPI header lacks. */
#ifndef DT_FLAGS
#define DT_FLAGS 30
#endif
#ifndef DF_TEXTREL
#define DF_TEXTREL 0x4
#endif

_Static_assert(VVAR_PAGE_SIZE == PAGE_SIZE, "the vvar page is one page");

static struct page *vvar_pages[1];
static struct page *image_pages[VDSO_MAX_PAGES];
static const struct vm_special_mapping vvar_mapping = { .name = "[vvar]",
							.pages = vvar_pages,
							.nr_pages = 1 };
static struct vm_special_mapping image_mapping = { .name = "[vdso]", .pages = image_pages };

static int refuse(const char **reason, const char *why)
{
	*reason = why;
	return -ENOEXEC;
}

/* The dynamic section: what the C libraries need is there, and nothing asks
 * for relocation (the image is mapped as it is, shared, at any address). */
static int check_dynamic(const uint8_t *image, const Elf64_Phdr *dyn, const char **reason)
{
	const Elf64_Dyn *entry = (const Elf64_Dyn *)(image + dyn->p_offset);
	uint64_t i, n = dyn->p_filesz / sizeof(*entry);
	bool has_hash = false, has_symtab = false, has_strtab = false;

	if (dyn->p_offset % 8)
		return refuse(reason, "PT_DYNAMIC is misaligned");
	for (i = 0; i < n && entry[i].d_tag != DT_NULL; i++) {
		switch (entry[i].d_tag) {
		case DT_HASH:
			has_hash = true;
			break;
		case DT_SYMTAB:
			has_symtab = true;
			break;
		case DT_STRTAB:
			has_strtab = true;
			break;
		case DT_REL:
		case DT_RELA:
		case DT_JMPREL:
		case DT_TEXTREL:
			return refuse(reason, "the image has relocations");
		case DT_FLAGS:
			if (entry[i].d_un.d_val & DF_TEXTREL)
				return refuse(reason, "the image has text relocations");
			break;
		}
	}
	if (i == n)
		return refuse(reason, "the dynamic section has no DT_NULL");
	/* musl finds symbols through DT_HASH alone (glibc takes either). */
	if (!has_hash || !has_symtab || !has_strtab)
		return refuse(reason, "no DT_HASH, DT_SYMTAB or DT_STRTAB");
	return 0;
}

int vdso_image_check(const void *image, size_t size, const char **reason)
{
	const Elf64_Ehdr *ehdr = image;
	const Elf64_Phdr *phdr, *load = NULL, *dyn = NULL;
	unsigned int i;

	if (size < sizeof(*ehdr) || memcmp(ehdr->e_ident, ELFMAG, SELFMAG))
		return refuse(reason, "not an ELF file");
	if (ehdr->e_ident[EI_CLASS] != ELFCLASS64 || ehdr->e_ident[EI_DATA] != ELFDATA2LSB ||
	    ehdr->e_machine != EM_X86_64)
		return refuse(reason, "not 64-bit little-endian x86-64");
	if (ehdr->e_type != ET_DYN)
		return refuse(reason, "not a shared object");
	if (ehdr->e_phentsize != sizeof(*phdr) || !ehdr->e_phnum || ehdr->e_phoff % 8 ||
	    ehdr->e_phoff > size || (size - ehdr->e_phoff) / sizeof(*phdr) < ehdr->e_phnum)
		return refuse(reason, "bad program header table");
	phdr = (const Elf64_Phdr *)((const uint8_t *)image + ehdr->e_phoff);
	for (i = 0; i < ehdr->e_phnum; i++) {
		switch (phdr[i].p_type) {
		case PT_LOAD:
			if (load)
				return refuse(reason, "more than one PT_LOAD");
			load = &phdr[i];
			break;
		case PT_DYNAMIC:
			dyn = &phdr[i];
			break;
		case PT_INTERP:
		case PT_TLS:
			return refuse(reason, "PT_INTERP or PT_TLS");
		}
	}
	if (!load || !dyn)
		return refuse(reason, "no PT_LOAD or no PT_DYNAMIC");
	/* The ELF header at address 0: AT_SYSINFO_EHDR is the load address. */
	if (load->p_offset || load->p_vaddr || load->p_filesz != load->p_memsz ||
	    load->p_filesz > size || load->p_filesz < ehdr->e_phoff + ehdr->e_phnum * sizeof(*phdr))
		return refuse(reason, "PT_LOAD does not map the file from its first byte");
	if ((load->p_flags & (PF_R | PF_W | PF_X)) != (PF_R | PF_X))
		return refuse(reason, "PT_LOAD is not read+execute only");
	if (load->p_filesz > VDSO_MAX_PAGES * PAGE_SIZE)
		return refuse(reason, "the image is too large");
	if (dyn->p_offset != dyn->p_vaddr || dyn->p_offset > load->p_filesz ||
	    dyn->p_filesz > load->p_filesz - dyn->p_offset)
		return refuse(reason, "PT_DYNAMIC lies outside PT_LOAD");
	return check_dynamic(image, dyn, reason);
}

void vdso_release(void)
{
	unsigned int i;

	for (i = 0; i < image_mapping.nr_pages; i++)
		put_page(image_pages[i]);
	image_mapping.nr_pages = 0;
	vvar_pages[0] = NULL;
}

int vdso_setup(const void *image, size_t size, struct page *vvar, const char **reason)
{
	const Elf64_Ehdr *ehdr = image;
	const Elf64_Phdr *phdr;
	uint64_t image_bytes = 0;
	unsigned int i, nr_pages;
	int err;

	vdso_release();
	err = vdso_image_check(image, size, reason);
	if (err)
		return err;
	phdr = (const Elf64_Phdr *)((const uint8_t *)image + ehdr->e_phoff);
	for (i = 0; i < ehdr->e_phnum; i++)
		if (phdr[i].p_type == PT_LOAD)
			image_bytes = phdr[i].p_filesz;
	nr_pages = (unsigned int)((image_bytes + PAGE_SIZE - 1) / PAGE_SIZE);
	for (i = 0; i < nr_pages; i++) {
		uint64_t offset = (uint64_t)i * PAGE_SIZE;
		uint64_t len = image_bytes - offset < PAGE_SIZE ? image_bytes - offset : PAGE_SIZE;

		image_pages[i] = alloc_page(__GFP_ZERO);
		if (!image_pages[i]) {
			*reason = "out of memory";
			vdso_release();
			return -ENOMEM;
		}
		image_mapping.nr_pages = i + 1;
		memcpy(page_address(image_pages[i]), (const uint8_t *)image + offset, len);
	}
	vvar_pages[0] = vvar;
	return 0;
}

long vdso_map(struct mm_struct *mm, uint64_t ceiling, uint64_t random)
{
	uint64_t nr_pages = image_mapping.nr_pages, top, vvar_addr, image_addr;
	int err;

	if (!nr_pages || !vvar_pages[0])
		return 0;
	top = (ceiling & PAGE_MASK) - random % VDSO_RANDOM_PAGES * PAGE_SIZE;
	if (top < (nr_pages + 1) * PAGE_SIZE + MMAP_MIN_ADDR)
		return -ENOMEM;
	image_addr = top - nr_pages * PAGE_SIZE;
	vvar_addr = image_addr - PAGE_SIZE;
	/* Nothing may ever write these pages: no VM_MAYWRITE for the vvar
	 * page; a debugger writing the image gets a private copy. */
	err = install_special_mapping(mm, vvar_addr, VM_READ | VM_MAYREAD | VM_DONTDUMP,
				      &vvar_mapping);
	if (err)
		return err;
	err = install_special_mapping(mm, image_addr,
				      VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC,
				      &image_mapping);
	if (err) {
		vm_munmap(mm, vvar_addr, PAGE_SIZE);
		return err;
	}
	return (long)image_addr;
}

#ifndef VITRO_HOST_BUILD
extern const uint8_t vdso_image_start[], vdso_image_end[];

void vdso_init(void)
{
	const char *reason = NULL;

	if (vdso_setup(vdso_image_start, (size_t)(vdso_image_end - vdso_image_start),
		       clock_vvar_page(), &reason))
		pr_err("vdso: the embedded image is unusable (%s): processes run without a vDSO\n",
		       reason);
}
#endif
