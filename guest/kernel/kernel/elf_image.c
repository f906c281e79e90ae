/* See elf_image.h. Field meanings are the System V gABI's ("Program Header",
 * "Program Loading") and the x86-64 psABI's; the limits are Linux's
 * (fs/binfmt_elf.c behaviour, not its code). Every offset and address is
 * compared with the room left before it is added, so nothing wraps. */
#include <asm-generic/mman-common.h> /* PROT_* */
#include <linux/elf.h>
#include <stdarg.h>
#include <vitro/elf_image.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/string.h>

#define ELF_PAGE_SIZE 4096ull
#define ELF_PATH_MAX 4096u /* PT_INTERP longer than PATH_MAX is refused, as Linux does */
/* Program headers are read this many at a time, to keep the stack small. */
#define PHDR_CHUNK 8

struct elf_parse {
	struct elf_image *img;
	elf_read_fn read_at;
	void *ctx;
	uint64_t file_size;
	Elf64_Ehdr ehdr;
	bool has_pt_phdr;
	uint64_t pt_phdr_vaddr;
};

static int __attribute__((format(printf, 2, 3))) refuse(struct elf_image *img, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(img->reason, sizeof(img->reason), fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

/* Callers have checked that [off, off + len) lies inside file_size. */
static int read_exact(struct elf_parse *p, void *buf, size_t len, uint64_t off)
{
	uint8_t *dst = buf;

	while (len) {
		long n = p->read_at(p->ctx, dst, len, off);

		if (n < 0) {
			format_snprintf(p->img->reason, sizeof(p->img->reason),
					"read error %ld at byte %llu", n, (unsigned long long)off);
			return (int)n;
		}
		if (n == 0 || (size_t)n > len) {
			format_snprintf(p->img->reason, sizeof(p->img->reason),
					"file ends at byte %llu, before its size says",
					(unsigned long long)off);
			return -EIO;
		}
		dst += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static bool is_inside_file(const struct elf_parse *p, uint64_t off, uint64_t len)
{
	return off <= p->file_size && len <= p->file_size - off;
}

static bool is_power_of_two(uint64_t x)
{
	return x && !(x & (x - 1));
}

static int check_ehdr(struct elf_parse *p)
{
	const Elf64_Ehdr *e = &p->ehdr;
	struct elf_image *img = p->img;

	if (p->file_size < SELFMAG)
		return refuse(img, "not an ELF file (%llu bytes)",
			      (unsigned long long)p->file_size);
	if (memcmp(e->e_ident, ELFMAG, SELFMAG))
		return refuse(img, "not an ELF file");
	if (p->file_size < sizeof(*e))
		return refuse(img, "truncated ELF header (%llu bytes)",
			      (unsigned long long)p->file_size);
	if (e->e_ident[EI_CLASS] != ELFCLASS64)
		return refuse(img, "not a 64-bit ELF file (class %u)", e->e_ident[EI_CLASS]);
	if (e->e_ident[EI_DATA] != ELFDATA2LSB)
		return refuse(img, "not a little-endian ELF file (data %u)", e->e_ident[EI_DATA]);
	if (e->e_ident[EI_VERSION] != EV_CURRENT || e->e_version != EV_CURRENT)
		return refuse(img, "unknown ELF version %u", (unsigned int)e->e_version);
	if (e->e_machine != EM_X86_64)
		return refuse(img, "not an x86-64 program (machine %u)", e->e_machine);
	if (e->e_type != ET_EXEC && e->e_type != ET_DYN)
		return refuse(img, "not an executable (ELF type %u)", e->e_type);
	if (e->e_phentsize != sizeof(Elf64_Phdr))
		return refuse(img, "program header size %u, not %zu", e->e_phentsize,
			      sizeof(Elf64_Phdr));
	if (e->e_phnum == 0)
		return refuse(img, "no program headers");
	if ((uint32_t)e->e_phnum * sizeof(Elf64_Phdr) > ELF_PHDRS_MAX_BYTES)
		return refuse(img, "%u program headers, more than 64 KiB", e->e_phnum);
	if (!is_inside_file(p, e->e_phoff, (uint64_t)e->e_phnum * sizeof(Elf64_Phdr)))
		return refuse(img, "program headers at byte %llu run past the end of the file",
			      (unsigned long long)e->e_phoff);
	img->type = e->e_type;
	img->entry = e->e_entry;
	img->phnum = e->e_phnum;
	img->phent = e->e_phentsize;
	return 0;
}

static uint32_t prot_of(uint32_t p_flags)
{
	return (p_flags & PF_R ? PROT_READ : 0) | (p_flags & PF_W ? PROT_WRITE : 0) |
	       (p_flags & PF_X ? PROT_EXEC : 0);
}

static int add_load(struct elf_parse *p, const Elf64_Phdr *ph, unsigned int index)
{
	struct elf_image *img = p->img;
	struct elf_segment *seg;
	uint64_t align = ph->p_align > ELF_PAGE_SIZE ? ph->p_align : ELF_PAGE_SIZE;

	if (ph->p_filesz > ph->p_memsz)
		return refuse(
			img, "PT_LOAD (program header %u): p_filesz %#llx above p_memsz %#llx",
			index, (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if (ph->p_align > 1 && !is_power_of_two(ph->p_align))
		return refuse(img, "PT_LOAD (program header %u): p_align %#llx not a power of two",
			      index, (unsigned long long)ph->p_align);
	if (ph->p_align > ELF_MAX_ALIGN)
		return refuse(img, "PT_LOAD (program header %u): p_align %#llx above 1 GiB", index,
			      (unsigned long long)ph->p_align);
	/* mmap needs page congruence; ld.so also insists on p_align's. */
	if ((ph->p_vaddr - ph->p_offset) & (align - 1))
		return refuse(
			img,
			"PT_LOAD (program header %u): p_vaddr %#llx and p_offset %#llx differ "
			"modulo the alignment %#llx",
			index, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_offset,
			(unsigned long long)align);
	if (!is_inside_file(p, ph->p_offset, ph->p_filesz))
		return refuse(
			img, "PT_LOAD (program header %u): file bytes run past the end of the file",
			index);
	if (ph->p_vaddr > ELF_USER_ADDR_END || ph->p_memsz > ELF_USER_ADDR_END - ph->p_vaddr)
		return refuse(img,
			      "PT_LOAD (program header %u): %#llx + %#llx is outside the user "
			      "address space",
			      index, (unsigned long long)ph->p_vaddr,
			      (unsigned long long)ph->p_memsz);
	if (ph->p_memsz == 0)
		return 0; /* maps nothing */
	if (img->type == ET_EXEC && (ph->p_vaddr & ~(ELF_PAGE_SIZE - 1)) < ELF_USER_ADDR_MIN)
		return refuse(img, "PT_LOAD (program header %u): address %#llx below %#llx", index,
			      (unsigned long long)ph->p_vaddr,
			      (unsigned long long)ELF_USER_ADDR_MIN);
	if (img->nr_segments) {
		const struct elf_segment *prev = &img->segments[img->nr_segments - 1];

		/* gABI: PT_LOAD entries are sorted on p_vaddr. */
		if (ph->p_vaddr < prev->vaddr + prev->memsz)
			return refuse(
				img,
				"PT_LOAD (program header %u) at %#llx overlaps or precedes the "
				"one before, which ends at %#llx",
				index, (unsigned long long)ph->p_vaddr,
				(unsigned long long)(prev->vaddr + prev->memsz));
	}
	if (img->nr_segments == ELF_IMAGE_MAX_SEGMENTS)
		return refuse(img, "more than %d loadable segments", ELF_IMAGE_MAX_SEGMENTS);
	seg = &img->segments[img->nr_segments++];
	seg->vaddr = ph->p_vaddr;
	seg->memsz = ph->p_memsz;
	seg->filesz = ph->p_filesz;
	seg->offset = ph->p_offset;
	seg->prot = prot_of(ph->p_flags);
	if (align > img->max_align)
		img->max_align = align;
	return 0;
}

static int add_phdr(struct elf_parse *p, const Elf64_Phdr *ph, unsigned int index)
{
	struct elf_image *img = p->img;

	switch (ph->p_type) {
	case PT_LOAD:
		return add_load(p, ph, index);
	case PT_INTERP:
		if (img->has_interp)
			return refuse(img, "more than one PT_INTERP");
		if (ph->p_filesz < 2 || ph->p_filesz > ELF_PATH_MAX ||
		    !is_inside_file(p, ph->p_offset, ph->p_filesz))
			return refuse(img, "PT_INTERP of %llu bytes at byte %llu is not a path",
				      (unsigned long long)ph->p_filesz,
				      (unsigned long long)ph->p_offset);
		img->has_interp = true;
		img->interp_offset = ph->p_offset;
		img->interp_size = ph->p_filesz;
		return 0;
	case PT_PHDR:
		if (p->has_pt_phdr)
			return refuse(img, "more than one PT_PHDR");
		p->has_pt_phdr = true;
		p->pt_phdr_vaddr = ph->p_vaddr;
		return 0;
	case PT_TLS:
		if (img->has_tls)
			return refuse(img, "more than one PT_TLS");
		img->has_tls = true;
		return 0;
	case PT_GNU_STACK:
		/* The last one counts, as in Linux. */
		img->has_executable_stack = ph->p_flags & PF_X;
		return 0;
	default:
		return 0;
	}
}

static int read_phdrs(struct elf_parse *p)
{
	Elf64_Phdr chunk[PHDR_CHUNK];
	unsigned int i = 0, j, n;
	int err;

	while (i < p->ehdr.e_phnum) {
		n = p->ehdr.e_phnum - i < PHDR_CHUNK ? p->ehdr.e_phnum - i : PHDR_CHUNK;
		err = read_exact(p, chunk, n * sizeof(chunk[0]),
				 p->ehdr.e_phoff + (uint64_t)i * sizeof(chunk[0]));
		if (err)
			return err;
		for (j = 0; j < n; j++) {
			err = add_phdr(p, &chunk[j], i + j);
			if (err)
				return err;
		}
		i += n;
	}
	return 0;
}

/* The segment whose file bytes hold [vaddr, vaddr + len), or NULL. */
static const struct elf_segment *file_backed_segment(const struct elf_image *img, uint64_t vaddr,
						     uint64_t len)
{
	unsigned int i;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *seg = &img->segments[i];

		if (vaddr >= seg->vaddr && vaddr - seg->vaddr <= seg->filesz &&
		    len <= seg->filesz - (vaddr - seg->vaddr))
			return seg;
	}
	return NULL;
}

/* AT_PHDR: PT_PHDR if there is one (it must name the headers as mapped),
 * else the headers' place inside the first PT_LOAD whose file bytes hold
 * them, as Linux computes it. */
static int find_phdr(struct elf_parse *p)
{
	struct elf_image *img = p->img;
	uint64_t size = (uint64_t)img->phnum * img->phent;
	const struct elf_segment *seg;
	unsigned int i;

	if (p->has_pt_phdr) {
		seg = file_backed_segment(img, p->pt_phdr_vaddr, size);
		if (!seg || seg->offset + (p->pt_phdr_vaddr - seg->vaddr) != p->ehdr.e_phoff)
			return refuse(img, "PT_PHDR at %#llx does not map the program headers",
				      (unsigned long long)p->pt_phdr_vaddr);
		img->phdr_vaddr = p->pt_phdr_vaddr;
		img->has_phdr = true;
		return 0;
	}
	for (i = 0; i < img->nr_segments; i++) {
		seg = &img->segments[i];
		if (p->ehdr.e_phoff >= seg->offset &&
		    p->ehdr.e_phoff - seg->offset <= seg->filesz &&
		    size <= seg->filesz - (p->ehdr.e_phoff - seg->offset)) {
			img->phdr_vaddr = seg->vaddr + (p->ehdr.e_phoff - seg->offset);
			img->has_phdr = true;
			return 0;
		}
	}
	return 0;
}

static int check_layout(struct elf_parse *p)
{
	struct elf_image *img = p->img;
	const struct elf_segment *seg;

	if (!img->nr_segments)
		return refuse(img, "no loadable segment");
	img->image_start = img->segments[0].vaddr & ~(ELF_PAGE_SIZE - 1);
	img->image_end = img->segments[img->nr_segments - 1].vaddr +
			 img->segments[img->nr_segments - 1].memsz;
	if (img->type == ET_DYN) {
		uint64_t base = ELF_ET_DYN_BASE & ~(img->max_align - 1);
		uint64_t span = img->image_end - (img->image_start & ~(img->max_align - 1));

		if (span > ELF_USER_ADDR_END - base)
			return refuse(img, "position-independent image of %#llx bytes is too large",
				      (unsigned long long)span);
	}
	seg = file_backed_segment(img, img->entry, 1);
	if (!seg || !(seg->prot & PROT_EXEC))
		return refuse(img, "entry point %#llx is not in an executable segment's file bytes",
			      (unsigned long long)img->entry);
	return find_phdr(p);
}

/* Copies the interpreter's path for the message; Linux requires the NUL. */
static int read_interp(struct elf_parse *p)
{
	struct elf_image *img = p->img;
	size_t len = img->interp_size < sizeof(img->interp) ? (size_t)img->interp_size :
							      sizeof(img->interp) - 1;
	char last;
	size_t i;
	int err;

	err = read_exact(p, &last, 1, img->interp_offset + img->interp_size - 1);
	if (err)
		return err;
	if (last != '\0')
		return refuse(img, "PT_INTERP path is not NUL-terminated");
	err = read_exact(p, img->interp, len, img->interp_offset);
	if (err)
		return err;
	img->interp[len] = '\0';
	for (i = 0; i < len && img->interp[i]; i++)
		if (img->interp[i] < 0x20 || img->interp[i] > 0x7e)
			img->interp[i] = '?';
	return refuse(img, "dynamically linked (PT_INTERP %s): only static executables run",
		      img->interp);
}

int elf_image_parse(struct elf_image *img, elf_read_fn read_at, void *ctx, uint64_t file_size)
{
	struct elf_parse p = { .img = img, .read_at = read_at, .ctx = ctx, .file_size = file_size };
	int err;

	memset(img, 0, sizeof(*img));
	img->max_align = ELF_PAGE_SIZE;
	err = read_exact(&p, &p.ehdr,
			 file_size < sizeof(p.ehdr) ? (size_t)file_size : sizeof(p.ehdr), 0);
	if (err)
		return err;
	err = check_ehdr(&p);
	if (err)
		return err;
	err = read_phdrs(&p);
	if (err)
		return err;
	err = check_layout(&p);
	if (err)
		return err;
	if (img->has_interp)
		return read_interp(&p);
	return 0;
}

uint64_t elf_load_bias(const struct elf_image *img, uint64_t random_page_offset)
{
	uint64_t mask = ~(img->max_align - 1);
	uint64_t start = img->image_start & mask;
	uint64_t span = img->image_end - start;
	uint64_t base = ELF_ET_DYN_BASE & mask;

	if (img->type != ET_DYN)
		return 0;
	random_page_offset &= ~(ELF_PAGE_SIZE - 1);
	if (random_page_offset < ELF_USER_ADDR_END - ELF_ET_DYN_BASE) {
		uint64_t randomised = (ELF_ET_DYN_BASE + random_page_offset) & mask;

		if (span <= ELF_USER_ADDR_END - randomised)
			base = randomised;
	}
	return base - start;
}
