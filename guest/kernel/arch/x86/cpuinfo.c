/* /proc/cpuinfo: a block per online CPU from CPUID, in Linux's x86 layout
 * (arch/x86/kernel/cpu/proc.c) and with its names for the feature flags.
 * Features user space cannot use here are left out, as Linux leaves out
 * what it disabled: without CR4.OSXSAVE (CPUID.1:ECX.OSXSAVE clear) there
 * is no AVX or XSAVE for programs. */
#include <stdarg.h>
#include <vitro/boot_info.h>
#include <vitro/compiler.h>
#include <vitro/format.h>
#include <vitro/percpu.h>
#include <vitro/proc_fs.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "io.h"

struct text {
	char *buf;
	size_t len, used;
};

static void text_add(struct text *t, const char *fmt, ...) __printf(2, 3);

static void text_add(struct text *t, const char *fmt, ...)
{
	size_t room = t->used < t->len ? t->len - t->used : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(room ? t->buf + t->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n;
}

/* A CPUID register's flag names by bit ("" for bits Linux does not show). */
struct flag_word {
	uint32_t leaf, subleaf;
	enum { REG_EAX, REG_EBX, REG_ECX, REG_EDX } reg;
	const char *names[32];
	uint32_t needs_osxsave; /* bits usable only with XSAVE enabled */
};

#define AVX_FAMILY_1_ECX (1u << 12 | 1u << 26 | 1u << 28 | 1u << 29) /* fma xsave avx f16c */

/* In Linux's order of words: 1:EDX, 80000001:EDX, 1:ECX, 80000001:ECX,
 * 7:EBX, D.1:EAX, 7:ECX, 7:EDX. */
static const struct flag_word flag_words[] = {
	{ .leaf = 1,
	  .subleaf = 0,
	  .reg = REG_EDX,
	  .names = { "fpu",  "vme",   "de",   "pse",	 "tsc",	 "msr", "pae",	"mce",
		     "cx8",  "apic",  "",     "sep",	 "mtrr", "pge", "mca",	"cmov",
		     "pat",  "pse36", "pn",   "clflush", "",	 "dts", "acpi", "mmx",
		     "fxsr", "sse",   "sse2", "ss",	 "ht",	 "tm",	"ia64", "pbe" },
	  .needs_osxsave = 0 },
	{ .leaf = 0x80000001,
	  .subleaf = 0,
	  .reg = REG_EDX,
	  .names = { [11] = "syscall",
		     [19] = "mp",
		     [20] = "nx",
		     [22] = "mmxext",
		     [25] = "fxsr_opt",
		     [26] = "pdpe1gb",
		     [27] = "rdtscp",
		     [29] = "lm",
		     [30] = "3dnowext",
		     [31] = "3dnow" },
	  .needs_osxsave = 0 },
	{ .leaf = 1,
	  .subleaf = 0,
	  .reg = REG_ECX,
	  .names = { "pni",    "pclmulqdq", "dtes64", "monitor", "ds_cpl",
		     "vmx",    "smx",	    "est",    "tm2",	 "ssse3",
		     "cid",    "sdbg",	    "fma",    "cx16",	 "xtpr",
		     "pdcm",   "",	    "pcid",   "dca",	 "sse4_1",
		     "sse4_2", "x2apic",    "movbe",  "popcnt",	 "tsc_deadline_timer",
		     "aes",    "xsave",	    "",	      "avx",	 "f16c",
		     "rdrand", "hypervisor" },
	  .needs_osxsave = AVX_FAMILY_1_ECX },
	{ .leaf = 0x80000001,
	  .subleaf = 0,
	  .reg = REG_ECX,
	  .names = { "lahf_lm",
		     "cmp_legacy",
		     "svm",
		     "extapic",
		     "cr8_legacy",
		     "abm",
		     "sse4a",
		     "misalignsse",
		     "3dnowprefetch",
		     "osvw",
		     "ibs",
		     "xop",
		     "skinit",
		     "wdt",
		     "",
		     "lwp",
		     "fma4",
		     "tce",
		     "",
		     "nodeid_msr",
		     "",
		     "tbm",
		     "topoext",
		     "perfctr_core",
		     "perfctr_nb",
		     "",
		     "bpext",
		     "ptsc",
		     "perfctr_llc",
		     "mwaitx" },
	  .needs_osxsave = 1u << 11 | 1u << 16 }, /* xop fma4 */
	{ .leaf = 7,
	  .subleaf = 0,
	  .reg = REG_EBX,
	  .names = { "fsgsbase", "tsc_adjust", "sgx",	   "bmi1",	 "hle",	     "avx2",
		     "",	 "smep",       "bmi2",	   "erms",	 "invpcid",  "rtm",
		     "cqm",	 "",	       "mpx",	   "rdt_a",	 "avx512f",  "avx512dq",
		     "rdseed",	 "adx",	       "smap",	   "avx512ifma", "",	     "clflushopt",
		     "clwb",	 "intel_pt",   "avx512pf", "avx512er",	 "avx512cd", "sha_ni",
		     "avx512bw", "avx512vl" },
	  .needs_osxsave = 1u << 5 | 0xdc230000u }, /* avx2 and the avx512 bits */
	{ .leaf = 0xd,
	  .subleaf = 1,
	  .reg = REG_EAX,
	  .names = { "xsaveopt", "xsavec", "xgetbv1", "xsaves" },
	  .needs_osxsave = 0xf },
	{ .leaf = 7,
	  .subleaf = 0,
	  .reg = REG_ECX,
	  .names = { [1] = "avx512vbmi",
		     [2] = "umip",
		     [3] = "pku",
		     [4] = "ospke",
		     [5] = "waitpkg",
		     [6] = "avx512_vbmi2",
		     [8] = "gfni",
		     [9] = "vaes",
		     [10] = "vpclmulqdq",
		     [11] = "avx512_vnni",
		     [12] = "avx512_bitalg",
		     [13] = "tme",
		     [14] = "avx512_vpopcntdq",
		     [16] = "la57",
		     [22] = "rdpid",
		     [25] = "cldemote",
		     [27] = "movdiri",
		     [28] = "movdir64b",
		     [30] = "sgx_lc" },
	  .needs_osxsave =
		  1u << 1 | 1u << 6 | 1u << 9 | 1u << 10 | 1u << 11 | 1u << 12 | 1u << 14 },
	{ .leaf = 7,
	  .subleaf = 0,
	  .reg = REG_EDX,
	  .names = { [2] = "avx512_4vnniw",
		     [3] = "avx512_4fmaps",
		     [4] = "fsrm",
		     [8] = "avx512_vp2intersect",
		     [10] = "md_clear",
		     [14] = "serialize",
		     [16] = "tsxldtrk",
		     [18] = "pconfig",
		     [19] = "arch_lbr",
		     [22] = "amx_bf16",
		     [23] = "avx512_fp16",
		     [24] = "amx_tile",
		     [25] = "amx_int8",
		     [28] = "flush_l1d",
		     [29] = "arch_capabilities" },
	  .needs_osxsave =
		  1u << 2 | 1u << 3 | 1u << 8 | 1u << 22 | 1u << 23 | 1u << 24 | 1u << 25 },
};

static uint32_t cpuid_reg(uint32_t leaf, uint32_t subleaf, unsigned int reg)
{
	uint32_t r[4];

	cpuid(leaf, subleaf, &r[0], &r[1], &r[2], &r[3]);
	return r[reg];
}

static void print_flags(struct text *t, uint32_t max_leaf, uint32_t max_ext_leaf, bool has_osxsave)
{
	for (unsigned int w = 0; w < ARRAY_SIZE(flag_words); w++) {
		const struct flag_word *fw = &flag_words[w];
		uint32_t bits;

		if (fw->leaf < 0x80000000u ? fw->leaf > max_leaf : fw->leaf > max_ext_leaf)
			continue;
		bits = cpuid_reg(fw->leaf, fw->subleaf, fw->reg);
		if (!has_osxsave)
			bits &= ~fw->needs_osxsave;
		for (unsigned int bit = 0; bit < 32; bit++)
			if ((bits >> bit & 1) && fw->names[bit] && fw->names[bit][0])
				text_add(t, " %s", fw->names[bit]);
	}
}

size_t arch_format_cpuinfo(char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	uint32_t a, b, c, d, max_leaf, max_ext_leaf, signature, leaf1_ebx, leaf1_ecx;
	uint32_t family, model, cache_kb = 0, phys_bits = 36, virt_bits = 48;
	char vendor[13], model_name[49];
	unsigned int nr_cpus = cpumask_weight(&cpu_sched_online), khz = boot_info.tsc_khz;

	cpuid(0, 0, &max_leaf, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	cpuid(1, 0, &signature, &leaf1_ebx, &leaf1_ecx, &d);
	family = signature >> 8 & 0xf;
	model = signature >> 4 & 0xf;
	if (family == 0xf)
		family += signature >> 20 & 0xff;
	if (family >= 6)
		model |= (signature >> 16 & 0xf) << 4;
	cpuid(0x80000000u, 0, &max_ext_leaf, &b, &c, &d);
	memset(model_name, 0, sizeof(model_name));
	if (max_ext_leaf >= 0x80000004u)
		for (uint32_t i = 0; i < 3; i++)
			cpuid(0x80000002u + i, 0, (uint32_t *)(model_name + 16 * i),
			      (uint32_t *)(model_name + 16 * i + 4),
			      (uint32_t *)(model_name + 16 * i + 8),
			      (uint32_t *)(model_name + 16 * i + 12));
	if (max_ext_leaf >= 0x80000006u)
		cache_kb = cpuid_reg(0x80000006u, 0, 2) >> 16;
	if (max_ext_leaf >= 0x80000008u) {
		cpuid(0x80000008u, 0, &a, &b, &c, &d);
		phys_bits = a & 0xff;
		virt_bits = a >> 8 & 0xff;
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		const char *name = model_name;

		if (!cpumask_test_cpu(cpu, &cpu_sched_online))
			continue;
		while (*name == ' ')
			name++;
		text_add(&t, "processor\t: %u\nvendor_id\t: %s\n", cpu, vendor);
		text_add(&t, "cpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n",
			 family, model, *name ? name : "unknown", signature & 0xf);
		if (khz)
			text_add(&t, "cpu MHz\t\t: %u.%03u\n", khz / 1000, khz % 1000);
		if (cache_kb)
			text_add(&t, "cache size\t: %u KB\n", cache_kb);
		text_add(&t, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n",
			 nr_cpus, cpu, nr_cpus);
		text_add(&t, "apicid\t\t: %u\ninitial apicid\t: %u\n", cpu_local_of(cpu)->apic_id,
			 cpu_local_of(cpu)->apic_id);
		text_add(&t, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
			 max_leaf);
		text_add(&t, "flags\t\t:");
		print_flags(&t, max_leaf, max_ext_leaf, leaf1_ecx >> 27 & 1);
		/* Linux's calibrated delay loop is twice the clock on x86. */
		text_add(&t, "\nbugs\t\t:\nbogomips\t: %u.%02u\n", khz / 500, khz / 5 % 100);
		text_add(&t, "clflush size\t: %u\ncache_alignment\t: %u\n",
			 (leaf1_ebx >> 8 & 0xff) * 8, (leaf1_ebx >> 8 & 0xff) * 8);
		text_add(&t, "address sizes\t: %u bits physical, %u bits virtual\n", phys_bits,
			 virt_bits);
		text_add(&t, "power management:\n\n");
	}
	if (t.len)
		t.buf[t.used < t.len ? t.used : t.len - 1] = '\0';
	return t.used;
}
