/* The vDSO image as the build made it (guest/vdso/ linked into vdso.so),
 * checked from outside: its ELF structure read with the host's <elf.h> (one
 * read+execute PT_LOAD from the first byte holding PT_DYNAMIC, nothing to
 * relocate, nothing writable), its exports found with version LINUX_2.6 by a
 * walk of the tables musl and glibc read, and by glibc's own dlvsym(); then
 * its code run on the host over a vvar page the test writes, and its system
 * call fallbacks answered by the host kernel. */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <vitro/vdso.h>
#include <vitro/vvar.h>

#include "unit.h"

#ifndef UNIT_VDSO_SO
#define UNIT_VDSO_SO "build/guest/vdso/vdso.so"
#endif

#define PAGE 4096u

static const char *const exports[] = { "clock_gettime", "gettimeofday", "time", "clock_getres",
				       "getcpu" };

struct image {
	uint8_t *data;
	size_t size;
	const Elf64_Ehdr *ehdr;
	const Elf64_Phdr *phdr;
	const Elf64_Dyn *dyn;
};

static bool image_load(struct image *img)
{
	FILE *f = fopen(UNIT_VDSO_SO, "rb");
	long size;

	memset(img, 0, sizeof(*img));
	if (!f) {
		UNIT_FAIL("%s: %s (make builds it: guest/vdso/vdso.mk)", UNIT_VDSO_SO,
			  strerror(errno));
		return false;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	img->data = malloc((size_t)size);
	if (!img->data || fread(img->data, 1, (size_t)size, f) != (size_t)size) {
		UNIT_FAIL("cannot read %s", UNIT_VDSO_SO);
		fclose(f);
		return false;
	}
	fclose(f);
	img->size = (size_t)size;
	img->ehdr = (const Elf64_Ehdr *)img->data;
	img->phdr = (const Elf64_Phdr *)(img->data + img->ehdr->e_phoff);
	for (unsigned int i = 0; i < img->ehdr->e_phnum; i++)
		if (img->phdr[i].p_type == PT_DYNAMIC)
			img->dyn = (const Elf64_Dyn *)(img->data + img->phdr[i].p_offset);
	return true;
}

static void image_free(struct image *img)
{
	free(img->data);
}

/* A dynamic entry's value (an address is an offset: the image is linked
 * at 0), or 0 if absent. */
static uint64_t dyn_value(const struct image *img, int64_t tag)
{
	for (const Elf64_Dyn *d = img->dyn; d && d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			return d->d_un.d_val;
	return 0;
}

static uint32_t sysv_hash(const char *name)
{
	uint32_t h = 0, g;

	for (; *name; name++) {
		h = (h << 4) + (uint8_t)*name;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* The version name of dynamic symbol index sym (versym, then the verdef
 * with that index), and whether the verdef's hash matches it, as glibc
 * checks. NULL if the symbol has no version definition. */
static const char *symbol_version(const struct image *img, uint32_t sym, bool *is_hash_right)
{
	const uint16_t *versym = (const uint16_t *)(img->data + dyn_value(img, DT_VERSYM));
	const char *strtab = (const char *)(img->data + dyn_value(img, DT_STRTAB));
	uint64_t off = dyn_value(img, DT_VERDEF);

	if (!dyn_value(img, DT_VERSYM) || !off)
		return NULL;
	for (;;) {
		const Elf64_Verdef *def = (const Elf64_Verdef *)(img->data + off);
		const Elf64_Verdaux *aux =
			(const Elf64_Verdaux *)((const uint8_t *)def + def->vd_aux);

		if (def->vd_ndx == (versym[sym] & 0x7fff) && !(def->vd_flags & VER_FLG_BASE)) {
			*is_hash_right = def->vd_hash == sysv_hash(strtab + aux->vda_name);
			return strtab + aux->vda_name;
		}
		if (!def->vd_next)
			return NULL;
		off += def->vd_next;
	}
}

/* Looks name up through DT_HASH's buckets and chains: the dynamic symbol
 * index, or 0. */
static uint32_t hash_lookup(const struct image *img, const char *name)
{
	const uint32_t *hash = (const uint32_t *)(img->data + dyn_value(img, DT_HASH));
	const Elf64_Sym *syms = (const Elf64_Sym *)(img->data + dyn_value(img, DT_SYMTAB));
	const char *strtab = (const char *)(img->data + dyn_value(img, DT_STRTAB));
	uint32_t nbucket, i;

	if (!dyn_value(img, DT_HASH))
		return 0;
	nbucket = hash[0];
	for (i = hash[2 + sysv_hash(name) % nbucket]; i; i = hash[2 + nbucket + i])
		if (!strcmp(strtab + syms[i].st_name, name))
			return i;
	return 0;
}

static void test_vdso_image_is_one_read_execute_segment_from_its_elf_header(void)
{
	struct image img;
	unsigned int i, nr_loads = 0, nr_dynamic = 0;
	const Elf64_Phdr *load = NULL, *dyn = NULL;

	if (!image_load(&img))
		return;
	EXPECT_EQ(memcmp(img.ehdr->e_ident, ELFMAG, SELFMAG), 0);
	EXPECT_EQ(img.ehdr->e_type, ET_DYN);
	EXPECT_EQ(img.ehdr->e_machine, EM_X86_64);
	for (i = 0; i < img.ehdr->e_phnum; i++) {
		const Elf64_Phdr *p = &img.phdr[i];

		if (p->p_type == PT_LOAD)
			nr_loads++, load = p;
		if (p->p_type == PT_DYNAMIC)
			nr_dynamic++, dyn = p;
		EXPECT_TRUE(p->p_type != PT_INTERP && p->p_type != PT_TLS);
	}
	EXPECT_EQ(nr_loads, 1);
	EXPECT_EQ(nr_dynamic, 1);
	if (!load || !dyn)
		goto out;
	EXPECT_EQ(load->p_offset, 0);
	EXPECT_EQ(load->p_vaddr, 0);
	EXPECT_EQ(load->p_flags, PF_R | PF_X);
	EXPECT_EQ(load->p_filesz, load->p_memsz);
	EXPECT_TRUE(load->p_filesz <= VDSO_MAX_PAGES * PAGE); /* what the kernel takes */
	EXPECT_TRUE(dyn->p_vaddr >= load->p_vaddr &&
		    dyn->p_vaddr + dyn->p_memsz <= load->p_vaddr + load->p_memsz);
	/* What musl (DT_HASH, versions) and glibc (either hash) look names up in. */
	EXPECT_TRUE(dyn_value(&img, DT_HASH) && dyn_value(&img, DT_GNU_HASH));
	EXPECT_TRUE(dyn_value(&img, DT_SYMTAB) && dyn_value(&img, DT_STRTAB));
	EXPECT_TRUE(dyn_value(&img, DT_VERSYM) && dyn_value(&img, DT_VERDEF));
	EXPECT_STR((const char *)img.data + dyn_value(&img, DT_STRTAB) + dyn_value(&img, DT_SONAME),
		   "linux-vdso.so.1");
out:
	image_free(&img);
}

static void test_vdso_image_needs_no_relocation_and_holds_no_data(void)
{
	const Elf64_Shdr *shdr;
	const char *names;
	struct image img;
	unsigned int i;

	if (!image_load(&img))
		return;
	EXPECT_EQ(dyn_value(&img, DT_REL) | dyn_value(&img, DT_RELA) | dyn_value(&img, DT_JMPREL),
		  0);
	EXPECT_EQ(dyn_value(&img, DT_TEXTREL), 0);
	EXPECT_EQ(dyn_value(&img, DT_NEEDED), 0);
	EXPECT_FALSE(dyn_value(&img, DT_FLAGS) & DF_TEXTREL);
	shdr = (const Elf64_Shdr *)(img.data + img.ehdr->e_shoff);
	names = (const char *)img.data + shdr[img.ehdr->e_shstrndx].sh_offset;
	for (i = 0; i < img.ehdr->e_shnum; i++) {
		const char *name = names + shdr[i].sh_name;

		if (shdr[i].sh_type == SHT_REL || shdr[i].sh_type == SHT_RELA)
			UNIT_FAIL("relocation section %s", name);
		/* Writable memory would be shared by every process. Only
		 * .dynamic carries the flag, by convention; nothing writes it. */
		if ((shdr[i].sh_flags & SHF_WRITE) && shdr[i].sh_size && strcmp(name, ".dynamic"))
			UNIT_FAIL("writable section %s (%llu bytes)", name,
				  (unsigned long long)shdr[i].sh_size);
	}
	image_free(&img);
}

static void test_vdso_image_exports_linux_names_with_version_linux_2_6(void)
{
	const Elf64_Sym *syms;
	struct image img;
	unsigned int i;

	if (!image_load(&img))
		return;
	syms = (const Elf64_Sym *)(img.data + dyn_value(&img, DT_SYMTAB));
	for (i = 0; i < ARRAY_SIZE(exports); i++) {
		char vdso_name[64];
		uint32_t strong, weak;
		bool is_hash_right = false;
		const char *version;

		snprintf(vdso_name, sizeof(vdso_name), "__vdso_%s", exports[i]);
		strong = hash_lookup(&img, vdso_name);
		weak = hash_lookup(&img, exports[i]);
		if (!EXPECT_TRUE(strong && weak)) {
			UNIT_FAIL("%s or %s not found through DT_HASH", vdso_name, exports[i]);
			continue;
		}
		EXPECT_EQ(ELF64_ST_TYPE(syms[strong].st_info), STT_FUNC);
		EXPECT_EQ(ELF64_ST_BIND(syms[strong].st_info), STB_GLOBAL);
		EXPECT_EQ(ELF64_ST_BIND(syms[weak].st_info), STB_WEAK);
		EXPECT_EQ(syms[weak].st_value, syms[strong].st_value);
		EXPECT_TRUE(syms[strong].st_shndx != SHN_UNDEF);
		/* musl scans all DT_HASH nchain symbols: they must all be there. */
		EXPECT_TRUE(strong < ((const uint32_t *)(img.data + dyn_value(&img, DT_HASH)))[1]);
		version = symbol_version(&img, strong, &is_hash_right);
		EXPECT_STR(version ? version : "(none)", "LINUX_2.6");
		EXPECT_TRUE(is_hash_right);
		version = symbol_version(&img, weak, &is_hash_right);
		EXPECT_STR(version ? version : "(none)", "LINUX_2.6");
	}
	EXPECT_EQ(hash_lookup(&img, "vdso_vvar"), 0); /* internal: not exported */
	image_free(&img);
}

static void test_glibc_loads_the_vdso_and_finds_its_versioned_symbols(void)
{
	void *handle = dlopen(UNIT_VDSO_SO, RTLD_NOW | RTLD_LOCAL);
	unsigned int i;

	if (!handle) {
		UNIT_FAIL("dlopen(%s): %s", UNIT_VDSO_SO, dlerror());
		return;
	}
	for (i = 0; i < ARRAY_SIZE(exports); i++) {
		char vdso_name[64];

		snprintf(vdso_name, sizeof(vdso_name), "__vdso_%s", exports[i]);
		if (!EXPECT_TRUE(dlvsym(handle, vdso_name, "LINUX_2.6") != NULL))
			UNIT_FAIL("dlvsym(%s, LINUX_2.6): %s", vdso_name, dlerror());
		EXPECT_TRUE(dlvsym(handle, vdso_name, "LINUX_2.6") ==
			    dlvsym(handle, exports[i], "LINUX_2.6"));
		EXPECT_TRUE(dlvsym(handle, vdso_name, "LINUX_2.5") == NULL);
	}
	dlclose(handle);
}

/* --- running the image on the host ------------------------------------------ */

/* The image as exec maps it: the vvar page, then the image, read+execute. */
struct mapped_vdso {
	struct image img;
	uint8_t *base;
	size_t len;
	struct vvar_page *vvar;
};

static bool vdso_map_on_host(struct mapped_vdso *m)
{
	size_t image_len;

	if (!image_load(&m->img))
		return false;
	image_len = (m->img.size + PAGE - 1) / PAGE * PAGE;
	m->len = PAGE + image_len;
	m->base = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->base == MAP_FAILED) {
		UNIT_FAIL("mmap: %s", strerror(errno));
		image_free(&m->img);
		return false;
	}
	memcpy(m->base + PAGE, m->img.data, m->img.size);
	mprotect(m->base + PAGE, image_len, PROT_READ | PROT_EXEC);
	m->vvar = (struct vvar_page *)m->base;
	return true;
}

static void vdso_unmap_on_host(struct mapped_vdso *m)
{
	munmap(m->base, m->len);
	image_free(&m->img);
}

static void *vdso_sym(struct mapped_vdso *m, const char *name)
{
	const Elf64_Sym *syms = (const Elf64_Sym *)(m->img.data + dyn_value(&m->img, DT_SYMTAB));
	uint32_t i = hash_lookup(&m->img, name);

	if (!i) {
		UNIT_FAIL("%s not in the image", name);
		abort();
	}
	return m->base + PAGE + syms[i].st_value;
}

static uint64_t host_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

#define SYSTEM_TIME_NS 1000000000000ull /* pvclock read 1000 s at tsc_timestamp */
#define BOOT_NS 100000000000ull /* and 100 s at boot */
#define REALTIME_OFFSET_NS 1700000000000000000ull

/* A clock of one nanosecond a cycle, whose pvclock record was written at
 * TSC *stamp. */
static void vvar_fill(struct vvar_page *vvar, uint64_t *stamp)
{
	memset(vvar, 0, sizeof(*vvar));
	vvar->pvclock.tsc_to_system_mul = 1u << 31;
	vvar->pvclock.tsc_shift = 1;
	vvar->pvclock.system_time = SYSTEM_TIME_NS;
	vvar->pvclock.tsc_timestamp = *stamp = host_rdtsc();
	vvar->clock_mode = VVAR_CLOCK_TSC;
	vvar->boot_ns = BOOT_NS;
	vvar->realtime_offset_ns = REALTIME_OFFSET_NS;
}

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

static void test_vdso_clocks_read_the_tsc_through_the_vvar_page(void)
{
	static const struct {
		clockid_t clock;
		uint64_t base_ns;
	} clocks[] = {
		{ CLOCK_MONOTONIC, 0 },
		{ CLOCK_MONOTONIC_RAW, 0 },
		{ CLOCK_MONOTONIC_COARSE, 0 },
		{ CLOCK_BOOTTIME, 0 },
		{ CLOCK_REALTIME, REALTIME_OFFSET_NS },
		{ CLOCK_REALTIME_COARSE, REALTIME_OFFSET_NS },
		{ CLOCK_TAI, REALTIME_OFFSET_NS },
	};
	struct mapped_vdso m;
	clock_gettime_fn cgt;
	uint64_t stamp;
	unsigned int i;

	if (!vdso_map_on_host(&m))
		return;
	cgt = (clock_gettime_fn)vdso_sym(&m, "__vdso_clock_gettime");
	vvar_fill(m.vvar, &stamp);
	for (i = 0; i < ARRAY_SIZE(clocks); i++) {
		struct timespec ts = { -1, -1 };
		uint64_t before, after, ns, expected_base;

		before = host_rdtsc();
		EXPECT_EQ(cgt(clocks[i].clock, &ts), 0);
		after = host_rdtsc();
		ns = ts_ns(&ts);
		expected_base = clocks[i].base_ns + SYSTEM_TIME_NS - BOOT_NS;
		EXPECT_TRUE(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
		if (!EXPECT_TRUE(ns >= expected_base + (before - stamp) &&
				 ns <= expected_base + (after - stamp)))
			UNIT_FAIL("clock %d read %llu ns, want [%llu, %llu]", clocks[i].clock,
				  (unsigned long long)ns,
				  (unsigned long long)(expected_base + (before - stamp)),
				  (unsigned long long)(expected_base + (after - stamp)));
	}
	vdso_unmap_on_host(&m);
}

static void test_vdso_gettimeofday_and_time_read_the_realtime_clock(void)
{
	int (*gtod)(struct timeval *, struct timezone *);
	long (*vtime)(long *);
	struct timezone tz = { 99, 99 };
	struct timeval tv = { -1, -1 };
	struct mapped_vdso m;
	uint64_t stamp, before, after;
	long t = 0;

	if (!vdso_map_on_host(&m))
		return;
	gtod = (int (*)(struct timeval *, struct timezone *))vdso_sym(&m, "__vdso_gettimeofday");
	vtime = (long (*)(long *))vdso_sym(&m, "__vdso_time");
	vvar_fill(m.vvar, &stamp);
	before = host_rdtsc();
	EXPECT_EQ(gtod(&tv, &tz), 0);
	after = host_rdtsc();
	EXPECT_TRUE((uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec >=
		    (REALTIME_OFFSET_NS + SYSTEM_TIME_NS - BOOT_NS + (before - stamp)) / 1000);
	EXPECT_TRUE((uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec <=
		    (REALTIME_OFFSET_NS + SYSTEM_TIME_NS - BOOT_NS + (after - stamp)) / 1000);
	EXPECT_EQ(tz.tz_minuteswest, 0);
	EXPECT_EQ(tz.tz_dsttime, 0);
	EXPECT_EQ(gtod(NULL, NULL), 0);
	/* Seconds: the test ran well under the 900 s to the next one. */
	EXPECT_EQ(vtime(&t), (long)((REALTIME_OFFSET_NS + SYSTEM_TIME_NS - BOOT_NS) / 1000000000));
	EXPECT_EQ(t, (long)((REALTIME_OFFSET_NS + SYSTEM_TIME_NS - BOOT_NS) / 1000000000));
	EXPECT_EQ(vtime(NULL), t);
	vdso_unmap_on_host(&m);
}

static void test_vdso_clock_getres_gives_the_system_calls_resolutions(void)
{
	clock_gettime_fn getres;
	struct mapped_vdso m;
	struct timespec res;
	uint64_t stamp;

	if (!vdso_map_on_host(&m))
		return;
	getres = (clock_gettime_fn)vdso_sym(&m, "__vdso_clock_getres");
	vvar_fill(m.vvar, &stamp);
	EXPECT_EQ(getres(CLOCK_MONOTONIC, &res), 0);
	EXPECT_EQ(ts_ns(&res), 1);
	EXPECT_EQ(getres(CLOCK_REALTIME, &res), 0);
	EXPECT_EQ(ts_ns(&res), 1);
	/* sys_time.c's coarse clocks: a 250 Hz tick. */
	EXPECT_EQ(getres(CLOCK_MONOTONIC_COARSE, &res), 0);
	EXPECT_EQ(ts_ns(&res), 4000000);
	EXPECT_EQ(getres(CLOCK_REALTIME_COARSE, &res), 0);
	EXPECT_EQ(ts_ns(&res), 4000000);
	EXPECT_EQ(getres(CLOCK_BOOTTIME, NULL), 0);
	vdso_unmap_on_host(&m);
}

/* What the vDSO cannot answer goes to the kernel under it: here, the host's. */
static void test_vdso_asks_the_kernel_what_the_vvar_page_cannot_answer(void)
{
	struct timespec before, got, after;
	clock_gettime_fn cgt, getres;
	long (*getcpu)(unsigned int *, unsigned int *, void *);
	unsigned int cpu = 12345, node = 12345;
	struct mapped_vdso m;
	uint64_t stamp;

	if (!vdso_map_on_host(&m))
		return;
	cgt = (clock_gettime_fn)vdso_sym(&m, "__vdso_clock_gettime");
	getres = (clock_gettime_fn)vdso_sym(&m, "__vdso_clock_getres");
	getcpu = (long (*)(unsigned int *, unsigned int *, void *))vdso_sym(&m, "__vdso_getcpu");
	vvar_fill(m.vvar, &stamp);
	/* CPU time and unknown clocks, whatever the page holds. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &before);
	EXPECT_EQ(cgt(CLOCK_PROCESS_CPUTIME_ID, &got), 0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &after);
	EXPECT_TRUE(ts_ns(&got) >= ts_ns(&before) && ts_ns(&got) <= ts_ns(&after));
	EXPECT_EQ(cgt(100, &got), -EINVAL);
	EXPECT_EQ(getres(100, &got), -EINVAL);
	/* A page without a clock: every clock is the kernel's. */
	m.vvar->clock_mode = VVAR_CLOCK_NONE;
	clock_gettime(CLOCK_MONOTONIC, &before);
	EXPECT_EQ(cgt(CLOCK_MONOTONIC, &got), 0);
	clock_gettime(CLOCK_MONOTONIC, &after);
	EXPECT_TRUE(ts_ns(&got) >= ts_ns(&before) && ts_ns(&got) <= ts_ns(&after));
	before.tv_sec = time(NULL);
	got.tv_sec = ((long (*)(long *))vdso_sym(&m, "__vdso_time"))(NULL);
	after.tv_sec = time(NULL);
	EXPECT_TRUE(got.tv_sec >= before.tv_sec && got.tv_sec <= after.tv_sec);
	EXPECT_EQ(getcpu(&cpu, &node, NULL), 0);
	EXPECT_TRUE(cpu < (unsigned int)sysconf(_SC_NPROCESSORS_CONF));
	vdso_unmap_on_host(&m);
}

/* A writer on the other CPU, as KVM and the kernel would be: it flips the
 * page between two records that tell the same time, so only a reading that
 * mixed the two (a broken version or seqcount check) can be off. */
struct flipper {
	struct vvar_page *vvar;
	uint64_t stamp;
	uint64_t flip_ns; /* how far the two records' starting points lie apart */
	bool is_kernel; /* flip the kernel's fields, else pvclock */
	int stop;
	uint64_t nr_flips;
};

static void *flip_records(void *arg)
{
	struct flipper *f = arg;
	struct vvar_page *v = f->vvar;
	uint32_t *counter = f->is_kernel ? &v->seq : &v->pvclock.version;

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		uint64_t d = f->nr_flips++ % 2 ? f->flip_ns : 0;
		unsigned int i;

		/* Readers must get through between two flips. */
		for (i = 0; i < 100; i++)
			__asm__ __volatile__("pause");

		__atomic_store_n(counter, *counter + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (f->is_kernel) {
			/* Realtime stays: the monotonic base moves by d. */
			__atomic_store_n(&v->boot_ns, BOOT_NS + d, __ATOMIC_RELAXED);
			__atomic_store_n(&v->realtime_offset_ns, REALTIME_OFFSET_NS + d,
					 __ATOMIC_RELAXED);
		} else {
			/* The same time function from an earlier starting
			 * point (pvclock's TSC never precedes its stamp). */
			__atomic_store_n(&v->pvclock.tsc_timestamp, f->stamp - d, __ATOMIC_RELAXED);
			__atomic_store_n(&v->pvclock.system_time, SYSTEM_TIME_NS - d,
					 __ATOMIC_RELAXED);
		}
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		__atomic_store_n(counter, *counter + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void check_torn_reads(bool is_kernel, clockid_t clock, uint64_t base_ns)
{
	struct flipper f = { .is_kernel = is_kernel };
	struct mapped_vdso m;
	clock_gettime_fn cgt;
	pthread_t writer;
	unsigned int i, nr_bad = 0;

	if (!vdso_map_on_host(&m))
		return;
	cgt = (clock_gettime_fn)vdso_sym(&m, "__vdso_clock_gettime");
	vvar_fill(m.vvar, &f.stamp);
	f.vvar = m.vvar;
	f.flip_ns = f.stamp / 2 < SYSTEM_TIME_NS / 2 ? f.stamp / 2 : SYSTEM_TIME_NS / 2;
	if (pthread_create(&writer, NULL, flip_records, &f)) {
		UNIT_FAIL("pthread_create failed");
		vdso_unmap_on_host(&m);
		return;
	}
	for (i = 0; i < 200000; i++) {
		struct timespec ts;
		uint64_t before = host_rdtsc(), ns, after;

		cgt(clock, &ts);
		after = host_rdtsc();
		ns = ts_ns(&ts);
		if (ns < base_ns + (before - f.stamp) || ns > base_ns + (after - f.stamp))
			nr_bad++;
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELAXED);
	pthread_join(writer, NULL);
	EXPECT_EQ(nr_bad, 0);
	EXPECT_TRUE(f.nr_flips > 100); /* the writer did run alongside */
	vdso_unmap_on_host(&m);
}

static void test_vdso_clock_never_mixes_two_pvclock_records(void)
{
	check_torn_reads(false, CLOCK_MONOTONIC, SYSTEM_TIME_NS - BOOT_NS);
}

static void test_vdso_clock_never_mixes_two_sets_of_kernel_fields(void)
{
	check_torn_reads(true, CLOCK_REALTIME, REALTIME_OFFSET_NS + SYSTEM_TIME_NS - BOOT_NS);
}

static CU_TestInfo vdso_image_tests[] = {
	UNIT_TEST(test_vdso_image_is_one_read_execute_segment_from_its_elf_header),
	UNIT_TEST(test_vdso_image_needs_no_relocation_and_holds_no_data),
	UNIT_TEST(test_vdso_image_exports_linux_names_with_version_linux_2_6),
	UNIT_TEST(test_glibc_loads_the_vdso_and_finds_its_versioned_symbols),
	UNIT_TEST(test_vdso_clocks_read_the_tsc_through_the_vvar_page),
	UNIT_TEST(test_vdso_gettimeofday_and_time_read_the_realtime_clock),
	UNIT_TEST(test_vdso_clock_getres_gives_the_system_calls_resolutions),
	UNIT_TEST(test_vdso_asks_the_kernel_what_the_vvar_page_cannot_answer),
	UNIT_TEST(test_vdso_clock_never_mixes_two_pvclock_records),
	UNIT_TEST(test_vdso_clock_never_mixes_two_sets_of_kernel_fields),
	CU_TEST_INFO_NULL,
};

static void unit_register_vdso_image(void)
{
	unit_add_suite("vdso_image", vdso_image_tests);
}

UNIT_REGISTER(unit_register_vdso_image)
