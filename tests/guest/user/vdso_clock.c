/* The vDSO from a process's side (run as /init by tests/boot/run-vdso-tests,
 * built static with musl): the image AT_SYSINFO_EHDR points at exports
 * Linux's names with version LINUX_2.6 (found here by our own walk of its
 * tables, and by musl's, through clock_gettime); the vDSO's clocks agree with
 * the system calls and never go backwards; what it cannot answer reaches the
 * kernel; a forked child's vDSO works too; and its clocks cost far less than
 * a system call. Prints "vdso: PASS name" or "vdso: FAIL name: why" per
 * check, the system calls it made on purpose (so the runner can compare a
 * trace), and exits with the number of failures. Needs only write, exit,
 * fork, wait4 and the clock system calls. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC 1000000000ll
#define NR_MONOTONIC_CALLS 100000
#define AGREE_NS 1000000 /* vDSO and system call within 1 ms */
#define TIMING_CALLS 500

typedef int (*clock_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, struct timezone *);
typedef long (*time_fn)(long *);
typedef long (*getcpu_fn)(unsigned int *, unsigned int *, void *);

static clock_fn vdso_clock_gettime, vdso_clock_getres;
static gettimeofday_fn vdso_gettimeofday;
static time_fn vdso_time;
static getcpu_fn vdso_getcpu;

static int nr_failed;
/* System calls made on purpose, by number: what a trace of this run must
 * show (no more), since the vDSO's own answers make none. */
static unsigned int nr_syscalls[512];

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0)
		nr_failed++;
}

/* One check's verdict; why is printed on failure. */
static bool verdict(const char *name, bool ok, const char *why)
{
	if (ok)
		say("vdso: PASS %s", name);
	else
		say("vdso: FAIL %s: %s", name, why);
	nr_failed += !ok;
	return ok;
}

static long sys2(long nr, long a, long b)
{
	nr_syscalls[nr]++;
	return syscall(nr, a, b) < 0 ? -errno : 0;
}

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* --- finding the functions ----------------------------------------------------- */

struct vdso_image {
	const uint8_t *base; /* where the image (its ELF header, vaddr 0) is */
	const Elf64_Sym *syms;
	const char *strings;
	const uint32_t *hash;
	const uint16_t *versym;
	const uint8_t *verdef;
};

static bool image_open(struct vdso_image *img, const uint8_t *ehdr_addr)
{
	const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *)ehdr_addr;
	const Elf64_Phdr *phdr = (const Elf64_Phdr *)(ehdr_addr + ehdr->e_phoff);
	const Elf64_Dyn *dyn = NULL;

	memset(img, 0, sizeof(*img));
	if (memcmp(ehdr->e_ident, ELFMAG, SELFMAG) || ehdr->e_type != ET_DYN)
		return false;
	img->base = ehdr_addr;
	for (int i = 0; i < ehdr->e_phnum; i++)
		if (phdr[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(ehdr_addr + phdr[i].p_vaddr);
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		const uint8_t *p = ehdr_addr + dyn->d_un.d_ptr;

		switch (dyn->d_tag) {
		case DT_SYMTAB:
			img->syms = (const Elf64_Sym *)p;
			break;
		case DT_STRTAB:
			img->strings = (const char *)p;
			break;
		case DT_HASH:
			img->hash = (const uint32_t *)p;
			break;
		case DT_VERSYM:
			img->versym = (const uint16_t *)p;
			break;
		case DT_VERDEF:
			img->verdef = p;
			break;
		}
	}
	return img->syms && img->strings && img->hash && img->versym && img->verdef;
}

static bool has_version(const struct vdso_image *img, uint32_t sym, const char *version)
{
	const uint8_t *p = img->verdef;

	for (;;) {
		const Elf64_Verdef *def = (const Elf64_Verdef *)p;
		const Elf64_Verdaux *aux = (const Elf64_Verdaux *)(p + def->vd_aux);

		if (def->vd_ndx == (img->versym[sym] & 0x7fff))
			return !(def->vd_flags & VER_FLG_BASE) &&
			       !strcmp(img->strings + aux->vda_name, version);
		if (!def->vd_next)
			return false;
		p += def->vd_next;
	}
}

/* A defined function named name with version LINUX_2.6, scanning every
 * symbol DT_HASH counts: NULL if there is none. */
static void *image_find(const struct vdso_image *img, const char *name)
{
	for (uint32_t i = 1; i < img->hash[1]; i++) {
		const Elf64_Sym *s = &img->syms[i];

		if (s->st_shndx != SHN_UNDEF && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
		    !strcmp(img->strings + s->st_name, name) && has_version(img, i, "LINUX_2.6"))
			return (void *)(img->base + s->st_value);
	}
	return NULL;
}

static bool find_functions(void)
{
	uint64_t at = getauxval(AT_SYSINFO_EHDR);
	struct vdso_image img;
	char why[128];

	if (!verdict("auxv_has_sysinfo_ehdr", at != 0, "AT_SYSINFO_EHDR is 0 or absent"))
		return false;
	if (!verdict("image_has_dynamic_symbols_hash_and_versions",
		     image_open(&img, (const uint8_t *)at), "no ELF image, or tables missing"))
		return false;
	vdso_clock_gettime = (clock_fn)image_find(&img, "__vdso_clock_gettime");
	vdso_clock_getres = (clock_fn)image_find(&img, "__vdso_clock_getres");
	vdso_gettimeofday = (gettimeofday_fn)image_find(&img, "__vdso_gettimeofday");
	vdso_time = (time_fn)image_find(&img, "__vdso_time");
	vdso_getcpu = (getcpu_fn)image_find(&img, "__vdso_getcpu");
	snprintf(why, sizeof(why), "missing: %s%s%s%s%s",
		 vdso_clock_gettime ? "" : "clock_gettime ",
		 vdso_clock_getres ? "" : "clock_getres ", vdso_gettimeofday ? "" : "gettimeofday ",
		 vdso_time ? "" : "time ", vdso_getcpu ? "" : "getcpu");
	return verdict("image_exports_linux_2_6_functions",
		       vdso_clock_gettime && vdso_clock_getres && vdso_gettimeofday && vdso_time &&
			       vdso_getcpu,
		       why);
}

/* --- the checks ----------------------------------------------------------------- */

/* Through the C library (musl's own lookup) and through ours, alternately. */
static void check_never_goes_backwards(const char *name, clockid_t clock)
{
	struct timespec ts;
	long long last = -1, now;
	char why[128] = "";
	int i;

	for (i = 0; i < NR_MONOTONIC_CALLS; i++) {
		int rc = i % 2 ? vdso_clock_gettime(clock, &ts) : clock_gettime(clock, &ts);

		now = ns_of(&ts);
		if (rc || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC || now < last) {
			snprintf(why, sizeof(why), "call %d: rc %d, %lld ns after %lld ns", i, rc,
				 now, last);
			break;
		}
		last = now;
	}
	verdict(name, !why[0], why);
}

/* syscall, vDSO, syscall: the vDSO's reading lies between the two, and the
 * best of several tries spans under AGREE_NS (a tick may land in one). */
static void check_agrees_with_syscall(const char *name, clockid_t clock)
{
	long long best = -1;
	char why[160] = "";

	for (int i = 0; i < 20; i++) {
		struct timespec a, v, b;
		long rc = sys2(SYS_clock_gettime, clock, (long)&a);

		rc |= vdso_clock_gettime(clock, &v);
		rc |= sys2(SYS_clock_gettime, clock, (long)&b);
		if (rc || ns_of(&v) < ns_of(&a) || ns_of(&v) > ns_of(&b)) {
			snprintf(why, sizeof(why), "rc %ld; syscall %lld, vDSO %lld, syscall %lld",
				 rc, ns_of(&a), ns_of(&v), ns_of(&b));
			break;
		}
		if (best < 0 || ns_of(&b) - ns_of(&a) < best)
			best = ns_of(&b) - ns_of(&a);
	}
	if (!why[0] && best >= AGREE_NS)
		snprintf(why, sizeof(why), "syscalls around the vDSO are %lld ns apart at best",
			 best);
	verdict(name, !why[0], why);
}

static void check_realtime_family(void)
{
	struct timespec a, b;
	struct timeval tv;
	struct timezone tz = { 7, 7 };
	long t, t1, t2, stored = -1;
	char why[160] = "";

	sys2(SYS_clock_gettime, CLOCK_REALTIME, (long)&a);
	if (vdso_gettimeofday(&tv, &tz))
		snprintf(why, sizeof(why), "gettimeofday failed");
	sys2(SYS_clock_gettime, CLOCK_REALTIME, (long)&b);
	if (!why[0] && (tv.tv_sec * 1000000ll + tv.tv_usec < ns_of(&a) / 1000 ||
			tv.tv_sec * 1000000ll + tv.tv_usec > ns_of(&b) / 1000 ||
			tz.tz_minuteswest || tz.tz_dsttime))
		snprintf(why, sizeof(why),
			 "gettimeofday %lld us, tz %d/%d, not within [%lld, %lld]",
			 tv.tv_sec * 1000000ll + tv.tv_usec, tz.tz_minuteswest, tz.tz_dsttime,
			 ns_of(&a) / 1000, ns_of(&b) / 1000);
	verdict("gettimeofday_agrees_with_clock_realtime", !why[0], why);

	why[0] = 0;
	nr_syscalls[SYS_time] += 2;
	t1 = syscall(SYS_time, 0);
	t = vdso_time(&stored);
	t2 = syscall(SYS_time, 0);
	if (t < t1 || t > t2 || stored != t)
		snprintf(why, sizeof(why), "time %ld (stored %ld), system call %ld then %ld", t,
			 stored, t1, t2);
	verdict("time_agrees_with_the_system_call", !why[0], why);
}

/* Every clock id, valid or not: same answer, same resolution. */
static void check_getres_matches_syscall(void)
{
	char why[160] = "";

	for (clockid_t clock = -3; clock <= 16 && !why[0]; clock++) {
		struct timespec v = { -1, -1 }, s = { -2, -2 };
		int rv = vdso_clock_getres(clock, &v);
		long rs = sys2(SYS_clock_getres, clock, (long)&s);

		/* The vDSO asks the kernel for clocks it does not serve. */
		if (clock < 0 || clock == CLOCK_PROCESS_CPUTIME_ID ||
		    clock == CLOCK_THREAD_CPUTIME_ID ||
		    (clock > CLOCK_BOOTTIME && clock != CLOCK_TAI))
			nr_syscalls[SYS_clock_getres]++;
		if (rv != rs || (!rv && ns_of(&v) != ns_of(&s)))
			snprintf(why, sizeof(why),
				 "clock %d: vDSO %d (%lld ns), system call %ld (%lld ns)", clock,
				 rv, ns_of(&v), rs, ns_of(&s));
	}
	verdict("clock_getres_matches_the_system_call", !why[0], why);
}

static void check_fallbacks(void)
{
	struct timespec a, v;
	unsigned int cpu = 99, node = 99, sys_cpu = 98, sys_node = 98;
	char why[160] = "";
	int rc;

	/* CPU time is the kernel's: the vDSO asks it. */
	sys2(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, (long)&a);
	nr_syscalls[SYS_clock_gettime]++;
	rc = vdso_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &v);
	if (rc || ns_of(&v) < ns_of(&a))
		snprintf(why, sizeof(why), "rc %d, %lld ns after %lld ns", rc, ns_of(&v),
			 ns_of(&a));
	verdict("cpu_time_clock_goes_to_the_kernel", !why[0], why);

	nr_syscalls[SYS_clock_gettime]++;
	rc = vdso_clock_gettime(100, &v);
	snprintf(why, sizeof(why), "clock 100 gave %d", rc);
	verdict("unknown_clock_is_einval", rc == -EINVAL, why);

	/* getcpu is the system call itself. */
	nr_syscalls[SYS_getcpu]++;
	rc = (int)vdso_getcpu(&cpu, &node, NULL);
	nr_syscalls[SYS_getcpu]++;
	syscall(SYS_getcpu, &sys_cpu, &sys_node, NULL);
	snprintf(why, sizeof(why), "vDSO %d: cpu %u node %u; system call: cpu %u node %u", rc, cpu,
		 node, sys_cpu, sys_node);
	verdict("getcpu_matches_the_system_call", !rc && cpu == sys_cpu && node == sys_node, why);
}

/* fork copies the mappings: the child's vDSO reads the same clock. */
static void check_forked_child(void)
{
	struct timespec before;
	char why[96];
	int status = -1;
	pid_t pid;

	sys2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&before);
	pid = fork();
	if (pid == 0) {
		long long last = ns_of(&before);

		for (int i = 0; i < 1000; i++) {
			struct timespec ts;

			if (vdso_clock_gettime(CLOCK_MONOTONIC, &ts) || ns_of(&ts) < last)
				_exit(1);
			last = ns_of(&ts);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	snprintf(why, sizeof(why), "fork gave %d, the child's wait status is 0x%x", (int)pid,
		 status);
	verdict("vdso_works_in_a_forked_child",
		pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status), why);
}

/* A vDSO call that made a system call would cost at least as much as one. */
static void check_costs_less_than_a_syscall(void)
{
	struct timespec ts;
	uint64_t t0, t1, t2;
	char why[160];
	int i;

	t0 = rdtsc();
	for (i = 0; i < TIMING_CALLS; i++)
		sys2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts);
	t1 = rdtsc();
	for (i = 0; i < TIMING_CALLS; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	t2 = rdtsc();
	snprintf(why, sizeof(why), "%llu TSC cycles a call through the vDSO, %llu a system call",
		 (unsigned long long)((t2 - t1) / TIMING_CALLS),
		 (unsigned long long)((t1 - t0) / TIMING_CALLS));
	say("vdso: cost: %s", why);
	verdict("clock_gettime_costs_under_half_a_system_call", (t2 - t1) * 2 < t1 - t0, why);
}

int main(void)
{
	if (find_functions()) {
		check_never_goes_backwards("monotonic_never_goes_backwards", CLOCK_MONOTONIC);
		check_never_goes_backwards("realtime_never_goes_backwards", CLOCK_REALTIME);
		check_agrees_with_syscall("monotonic_agrees_with_the_system_call", CLOCK_MONOTONIC);
		check_agrees_with_syscall("realtime_agrees_with_the_system_call", CLOCK_REALTIME);
		check_agrees_with_syscall("boottime_agrees_with_the_system_call", CLOCK_BOOTTIME);
		check_agrees_with_syscall("monotonic_raw_agrees_with_the_system_call",
					  CLOCK_MONOTONIC_RAW);
		check_agrees_with_syscall("monotonic_coarse_agrees_with_the_system_call",
					  CLOCK_MONOTONIC_COARSE);
		check_agrees_with_syscall("realtime_coarse_agrees_with_the_system_call",
					  CLOCK_REALTIME_COARSE);
		check_agrees_with_syscall("tai_agrees_with_the_system_call", CLOCK_TAI);
		check_realtime_family();
		check_getres_matches_syscall();
		check_fallbacks();
		check_forked_child();
		check_costs_less_than_a_syscall();
	}
	say("vdso: syscalls clock_gettime=%u clock_getres=%u gettimeofday=%u time=%u getcpu=%u",
	    nr_syscalls[SYS_clock_gettime], nr_syscalls[SYS_clock_getres],
	    nr_syscalls[SYS_gettimeofday], nr_syscalls[SYS_time], nr_syscalls[SYS_getcpu]);
	say("vdso: done, %d failed", nr_failed);
	return nr_failed > 100 ? 100 : nr_failed;
}
