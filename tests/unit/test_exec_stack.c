/* Tests for execve's initial-stack builder (guest/kernel/kernel/exec_stack.c)
 * built for the host. A small reader below walks the built bytes as a C
 * library's start-up code does (argc, argv, envp, auxv) and accounts for every
 * byte; the auxiliary vector's order is compared with the one the host's
 * Linux gave this very process (/proc/self/auxv). */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/exec_stack.h>

#include "unit.h"

#define TOP 0x7ffffffde000ull
#define MAX_STRINGS 64
#define MAX_AUXV 32

static const uint8_t random_bytes[EXEC_RANDOM_BYTES] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
							 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
							 0xcc, 0xdd, 0xee, 0xff };

/* ---- An independent reader of the built stack. */

struct decoded {
	uint64_t argc;
	const char *argv[MAX_STRINGS];
	uint64_t argv_addr[MAX_STRINGS];
	unsigned int nr_env;
	const char *envp[MAX_STRINGS];
	uint64_t envp_addr[MAX_STRINGS];
	unsigned int nr_auxv; /* AT_NULL included */
	uint64_t auxv_type[MAX_AUXV], auxv_value[MAX_AUXV];
};

struct view {
	const uint8_t *buf;
	uint64_t sp, top;
	bool *is_used; /* bytes the reader accounted for */
};

static bool read_word(const struct view *v, uint64_t addr, uint64_t *value)
{
	if (addr < v->sp || addr > v->top - 8 || (addr & 7)) {
		UNIT_FAIL("word at %#lx outside the stack [%#lx, %#lx) or unaligned", addr, v->sp,
			  v->top);
		return false;
	}
	memcpy(value, v->buf + (addr - v->sp), 8);
	memset(v->is_used + (addr - v->sp), 1, 8);
	return true;
}

/* The NUL-terminated string at addr, which must end inside the stack. */
static const char *read_string(const struct view *v, uint64_t addr)
{
	const char *s;
	size_t len;

	if (addr < v->sp || addr >= v->top) {
		UNIT_FAIL("string at %#lx outside the stack", addr);
		return NULL;
	}
	s = (const char *)v->buf + (addr - v->sp);
	len = strnlen(s, v->top - addr);
	if (len == v->top - addr) {
		UNIT_FAIL("string at %#lx runs off the top of the stack", addr);
		return NULL;
	}
	memset(v->is_used + (addr - v->sp), 1, len + 1);
	return s;
}

static uint64_t auxv_value(const struct decoded *d, uint64_t type)
{
	unsigned int i;

	for (i = 0; i < d->nr_auxv; i++)
		if (d->auxv_type[i] == type)
			return d->auxv_value[i];
	return 0;
}

static bool has_auxv(const struct decoded *d, uint64_t type)
{
	unsigned int i;

	for (i = 0; i < d->nr_auxv; i++)
		if (d->auxv_type[i] == type)
			return true;
	return false;
}

/* Walks the stack from sp as the psABI describes it; every byte the walk
 * does not reach (padding) must be zero, so no stale kernel bytes leak. */
static bool decode(const struct exec_stack *st, const uint8_t *buf, struct decoded *d)
{
	struct view v = { buf, st->sp, st->sp + st->size, calloc(st->size, 1) };
	uint64_t at = st->sp, word, random_addr;
	size_t i;
	bool ok = false;

	memset(d, 0, sizeof(*d));
	if (!EXPECT_TRUE(v.is_used))
		return false;
	if (!EXPECT_EQ(st->sp % 16, 0) || !read_word(&v, at, &d->argc) ||
	    !EXPECT_TRUE(d->argc < MAX_STRINGS))
		goto out;
	for (i = 0, at += 8; i < d->argc; i++, at += 8) {
		if (!read_word(&v, at, &d->argv_addr[i]))
			goto out;
		d->argv[i] = read_string(&v, d->argv_addr[i]);
		if (!d->argv[i])
			goto out;
	}
	if (!read_word(&v, at, &word) || !EXPECT_EQ(word, 0))
		goto out;
	for (at += 8;; at += 8) {
		if (!read_word(&v, at, &word))
			goto out;
		if (!word)
			break;
		if (!EXPECT_TRUE(d->nr_env < MAX_STRINGS))
			goto out;
		d->envp_addr[d->nr_env] = word;
		d->envp[d->nr_env] = read_string(&v, word);
		if (!d->envp[d->nr_env++])
			goto out;
	}
	for (at += 8;; at += 16) {
		if (!EXPECT_TRUE(d->nr_auxv < MAX_AUXV) ||
		    !read_word(&v, at, &d->auxv_type[d->nr_auxv]) ||
		    !read_word(&v, at + 8, &d->auxv_value[d->nr_auxv]))
			goto out;
		if (d->auxv_type[d->nr_auxv++] == AT_NULL)
			break;
	}
	random_addr = auxv_value(d, AT_RANDOM);
	if (!EXPECT_TRUE(random_addr >= at + 16 && random_addr + 16 <= v.top))
		goto out;
	memset(v.is_used + (random_addr - v.sp), 1, EXEC_RANDOM_BYTES);
	if (!read_string(&v, auxv_value(d, AT_EXECFN)))
		goto out;
	if (has_auxv(d, AT_PLATFORM) && !read_string(&v, auxv_value(d, AT_PLATFORM)))
		goto out;
	for (i = 0; i < st->size; i++)
		if (!v.is_used[i] && buf[i]) {
			UNIT_FAIL(
				"byte at %#lx (sp + %zu) is 0x%02x, not accounted for and not zero",
				st->sp + i, i, buf[i]);
			goto out;
		}
	ok = true;
out:
	free(v.is_used);
	return ok;
}

/* ---- Building. */

static const char *const default_argv[] = { "/bin/prog", "-x", "hello world" };
static const char *const default_envp[] = { "HOME=/", "PATH=/bin:/usr/bin" };

static struct exec_stack_args default_args(void)
{
	struct exec_stack_args a = {
		.stack_top = TOP,
		.argv = default_argv,
		.argc = ARRAY_SIZE(default_argv),
		.envp = default_envp,
		.envc = ARRAY_SIZE(default_envp),
		.execfn = "/bin/prog",
		.random = random_bytes,
		.platform = "x86_64",
		.auxv = { .sysinfo_ehdr = 0x7ffff7fc1000,
			  .minsigstksz = 3632,
			  .hwcap = 0x178bfbff,
			  .pagesz = 4096,
			  .clktck = 100,
			  .phdr = 0x400040,
			  .phent = 56,
			  .phnum = 7,
			  .base = 0,
			  .flags = 0,
			  .entry = 0x401057,
			  .uid = 1000,
			  .euid = 1001,
			  .gid = 1002,
			  .egid = 1003,
			  .secure = 0,
			  .hwcap2 = 2 },
	};
	return a;
}

static uint8_t *stack_buf;
static struct exec_stack st;
static struct decoded dec;

/* Builds into a buffer filled with junk (as kernel memory may be), then
 * decodes; returns exec_stack_build's result. */
static long build(const struct exec_stack_args *args)
{
	struct exec_stack layout;
	long size = exec_stack_layout(&layout, args), built;

	free(stack_buf);
	stack_buf = NULL;
	if (size < 0)
		return size;
	stack_buf = malloc((size_t)size);
	if (!stack_buf)
		return -ENOMEM;
	memset(stack_buf, 0xa5, (size_t)size);
	memset(&st, 0x5a, sizeof(st));
	built = exec_stack_build(&st, args, stack_buf, (size_t)size);
	if (built < 0)
		return built;
	EXPECT_EQ(built, size);
	EXPECT_EQ(st.sp, layout.sp);
	EXPECT_EQ(st.size, layout.size);
	EXPECT_EQ(st.arg_start, layout.arg_start);
	EXPECT_EQ(st.env_end, layout.env_end);
	EXPECT_EQ(st.random, layout.random);
	EXPECT_EQ(st.nr_auxv, layout.nr_auxv);
	EXPECT_EQ(st.sp + st.size, args->stack_top);
	if (!decode(&st, stack_buf, &dec))
		return -1000;
	return built;
}

static void test_exec_stack_lays_out_argv_envp_and_auxv(void)
{
	struct exec_stack_args a = default_args();
	static const uint64_t want_types[] = {
		AT_SYSINFO_EHDR, AT_MINSIGSTKSZ, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR,
		AT_PHENT,	 AT_PHNUM,	 AT_BASE,  AT_FLAGS,  AT_ENTRY,	 AT_UID,
		AT_EUID,	 AT_GID,	 AT_EGID,  AT_SECURE, AT_RANDOM, AT_HWCAP2,
		AT_EXECFN,	 AT_PLATFORM,	 AT_NULL,
	};
	/* The AT_RANDOM, AT_EXECFN and AT_PLATFORM addresses are checked below. */
	static const uint64_t want_values[] = {
		0x7ffff7fc1000, 3632, 0x178bfbff, 4096, 100, 0x400040, 56, 7, 0, 0, 0x401057,
		1000,		1001, 1002,	  1003, 0,   0,	       2,  0, 0, 0,
	};
	unsigned int i;

	if (build(&a) < 0)
		return;
	EXPECT_EQ(dec.argc, 3);
	EXPECT_EQ(st.argc, 3);
	EXPECT_STR(dec.argv[0], "/bin/prog");
	EXPECT_STR(dec.argv[1], "-x");
	EXPECT_STR(dec.argv[2], "hello world");
	EXPECT_EQ(dec.nr_env, 2);
	EXPECT_STR(dec.envp[0], "HOME=/");
	EXPECT_STR(dec.envp[1], "PATH=/bin:/usr/bin");
	EXPECT_EQ(dec.nr_auxv, ARRAY_SIZE(want_types));
	EXPECT_EQ(st.nr_auxv, ARRAY_SIZE(want_types));
	for (i = 0; i < dec.nr_auxv && i < ARRAY_SIZE(want_types); i++) {
		EXPECT_EQ(dec.auxv_type[i], want_types[i]);
		if (want_types[i] == AT_RANDOM)
			EXPECT_EQ(dec.auxv_value[i], st.random);
		else if (want_types[i] == AT_EXECFN)
			EXPECT_EQ(dec.auxv_value[i], st.execfn);
		else if (want_types[i] == AT_PLATFORM)
			EXPECT_EQ(dec.auxv_value[i], st.platform);
		else
			EXPECT_EQ(dec.auxv_value[i], want_values[i]);
	}
	EXPECT_TRUE(!memcmp(stack_buf + (st.random - st.sp), random_bytes, EXEC_RANDOM_BYTES));
	EXPECT_STR((const char *)stack_buf + (st.execfn - st.sp), "/bin/prog");
	EXPECT_STR((const char *)stack_buf + (st.platform - st.sp), "x86_64");
}

/* What /proc/PID/cmdline and environ will show: the strings back to back. */
static void test_exec_stack_keeps_strings_back_to_back_for_proc(void)
{
	static const char cmdline[] = "/bin/prog\0-x\0hello world";
	static const char environ_text[] = "HOME=/\0PATH=/bin:/usr/bin";
	struct exec_stack_args a = default_args();

	if (build(&a) < 0)
		return;
	EXPECT_EQ(st.arg_end - st.arg_start, sizeof(cmdline));
	EXPECT_TRUE(!memcmp(stack_buf + (st.arg_start - st.sp), cmdline, sizeof(cmdline)));
	EXPECT_EQ(dec.argv_addr[0], st.arg_start);
	EXPECT_EQ(st.env_start, st.arg_end);
	EXPECT_EQ(st.env_end - st.env_start, sizeof(environ_text));
	EXPECT_TRUE(
		!memcmp(stack_buf + (st.env_start - st.sp), environ_text, sizeof(environ_text)));
	EXPECT_EQ(dec.envp_addr[0], st.env_start);
	/* As Linux: the AT_EXECFN string last, then a zero word at the top. */
	EXPECT_EQ(st.execfn, st.env_end);
	EXPECT_EQ(st.execfn + sizeof("/bin/prog") + 8, TOP);
}

static void test_exec_stack_omits_vdso_and_platform_when_absent(void)
{
	struct exec_stack_args a = default_args();

	a.auxv.sysinfo_ehdr = 0;
	a.platform = NULL;
	if (build(&a) < 0)
		return;
	EXPECT_FALSE(has_auxv(&dec, AT_SYSINFO_EHDR));
	EXPECT_FALSE(has_auxv(&dec, AT_PLATFORM));
	EXPECT_EQ(dec.nr_auxv, 19);
	EXPECT_EQ(dec.auxv_type[0], AT_MINSIGSTKSZ);
	EXPECT_EQ(st.platform, 0);
}

/* Every parity of strings, pointers and auxv entries still leaves argc at a
 * 16-byte boundary (decode() checks it, and that padding is zero). */
static void test_exec_stack_aligns_sp_whatever_the_sizes(void)
{
	static const char *const envp[] = { "A=1", "B=22", "C=333" };
	const char *argv[2];
	char arg0[48];
	unsigned int len, envc, argc;
	struct exec_stack_args a = default_args();

	for (len = 0; len < 40; len++) {
		memset(arg0, 'a', len);
		arg0[len] = '\0';
		argv[0] = arg0;
		argv[1] = "b";
		for (envc = 0; envc <= 3; envc++) {
			for (argc = 1; argc <= 2; argc++) {
				a.argv = argv;
				a.argc = argc;
				a.envp = envp;
				a.envc = envc;
				a.auxv.sysinfo_ehdr = len & 1 ? 0x7ffff7fc1000 : 0;
				a.platform = len & 2 ? "x86_64" : NULL;
				if (build(&a) < 0) {
					UNIT_FAIL("argv[0] of %u bytes, argc %u, envc %u", len,
						  argc, envc);
					return;
				}
				EXPECT_EQ(dec.argc, argc);
				EXPECT_EQ(dec.nr_env, envc);
			}
		}
	}
}

/* Linux since 5.18: execve with an empty argv gets one empty argv[0]. */
static void test_exec_stack_adds_empty_argv0_when_argc_is_zero(void)
{
	struct exec_stack_args a = default_args();

	a.argv = NULL;
	a.argc = 0;
	if (build(&a) < 0)
		return;
	EXPECT_EQ(dec.argc, 1);
	EXPECT_EQ(st.argc, 1);
	EXPECT_STR(dec.argv[0], "");
	EXPECT_EQ(dec.nr_env, 2);
	EXPECT_EQ(st.arg_end - st.arg_start, 1);
}

static void test_exec_stack_refuses_string_longer_than_max_arg_strlen(void)
{
	struct exec_stack_args a = default_args();
	char *big = malloc(EXEC_ARG_STRLEN_MAX + 1);
	const char *argv[2] = { "prog", big };

	if (!EXPECT_TRUE(big))
		return;
	/* 131071 bytes and the NUL fill the 32 pages exactly. */
	memset(big, 'x', EXEC_ARG_STRLEN_MAX - 1);
	big[EXEC_ARG_STRLEN_MAX - 1] = '\0';
	a.argv = argv;
	a.argc = 2;
	if (EXPECT_TRUE(build(&a) > 0))
		EXPECT_EQ(strlen(dec.argv[1]), EXEC_ARG_STRLEN_MAX - 1);
	big[EXEC_ARG_STRLEN_MAX - 1] = 'x';
	big[EXEC_ARG_STRLEN_MAX] = '\0';
	EXPECT_EQ(build(&a), -E2BIG);
	/* The same for an environment string and for the file name. */
	a.argc = 1;
	a.envp = argv + 1;
	a.envc = 1;
	EXPECT_EQ(build(&a), -E2BIG);
	a.envc = 0;
	a.execfn = big;
	EXPECT_EQ(build(&a), -E2BIG);
	free(big);
}

/* Builds with strings that, with their pointers and the execfn string, fill
 * limit bytes exactly (plus extra_bytes), each string well below 32 pages. */
static long build_at_limit(uint64_t rlimit, size_t limit, long extra_bytes)
{
	static const char *argv[64];
	static char strings[64][EXEC_ARG_STRLEN_MAX];
	struct exec_stack_args a = default_args();
	size_t argc = limit / EXEC_ARG_STRLEN_MAX + 2, total, i, size;

	if (!EXPECT_TRUE(argc <= ARRAY_SIZE(argv)))
		return -1000;
	a.stack_rlimit = rlimit;
	a.envc = 0;
	a.execfn = "/p";
	total = (size_t)((long)limit + extra_bytes) - (strlen(a.execfn) + 1) - argc * 8;
	for (i = 0; i < argc; i++) {
		size = total / argc + (i < total % argc);
		memset(strings[i], 'y', size - 1);
		strings[i][size - 1] = '\0';
		argv[i] = strings[i];
	}
	a.argv = argv;
	a.argc = argc;
	return build(&a);
}

/* A quarter of the stack rlimit: 2 MiB of the default 8 MiB, strings and
 * pointers together. */
static void test_exec_stack_refuses_arguments_above_a_quarter_of_the_rlimit(void)
{
	EXPECT_TRUE(build_at_limit(0, 2u << 20, 0) > 0);
	EXPECT_EQ(build_at_limit(0, 2u << 20, 8), -E2BIG);
	EXPECT_TRUE(build_at_limit(4u << 20, 1u << 20, 0) > 0);
	EXPECT_EQ(build_at_limit(4u << 20, 1u << 20, 8), -E2BIG);
}

/* Linux bounds the quarter between ARG_MAX (128 KiB) and 6 MiB. */
static void test_exec_stack_bounds_the_argument_limit(void)
{
	EXPECT_TRUE(build_at_limit(64u << 10, EXEC_ARGS_MIN_BYTES, 0) > 0);
	EXPECT_EQ(build_at_limit(64u << 10, EXEC_ARGS_MIN_BYTES, 8), -E2BIG);
	EXPECT_TRUE(build_at_limit(UINT64_MAX, EXEC_ARGS_MAX_BYTES, 0) > 0);
	EXPECT_EQ(build_at_limit(UINT64_MAX, EXEC_ARGS_MAX_BYTES, 8), -E2BIG);
}

/* Pointers count against the limit even for empty strings. */
static void test_exec_stack_refuses_too_many_pointers(void)
{
	struct exec_stack_args a = default_args();
	size_t n = (2u << 20) / 8, i;
	const char **envp = malloc(n * sizeof(*envp));

	if (!EXPECT_TRUE(envp))
		return;
	for (i = 0; i < n; i++)
		envp[i] = "";
	a.envp = envp;
	a.envc = n;
	EXPECT_EQ(build(&a), -E2BIG);
	a.envc = SIZE_MAX / 4;
	EXPECT_EQ(build(&a), -E2BIG);
	a.envc = MAX_STRINGS - 1;
	EXPECT_TRUE(build(&a) > 0);
	free(envp);
}

static void test_exec_stack_refuses_bad_arguments(void)
{
	struct exec_stack_args a = default_args();
	struct exec_stack s;
	uint8_t small[64];

	a.stack_top = TOP + 8;
	EXPECT_EQ(exec_stack_layout(&s, &a), -EINVAL);
	a.stack_top = 512;
	EXPECT_EQ(exec_stack_layout(&s, &a), -EINVAL);
	a = default_args();
	a.execfn = NULL;
	EXPECT_EQ(exec_stack_layout(&s, &a), -EINVAL);
	a = default_args();
	a.random = NULL;
	EXPECT_EQ(exec_stack_layout(&s, &a), -EINVAL);
	a = default_args();
	EXPECT_EQ(exec_stack_build(&s, &a, small, sizeof(small)), -ENOSPC);
}

/* The stack may sit right above page zero, as long as it fits. */
static void test_exec_stack_fits_just_above_address_zero(void)
{
	struct exec_stack_args a = default_args();
	struct exec_stack s;
	long size = exec_stack_layout(&s, &a);

	if (!EXPECT_TRUE(size > 0))
		return;
	a.stack_top = ((uint64_t)size + 15 + 64) & ~15ull;
	EXPECT_TRUE(build(&a) > 0);
}

/* The host kernel built this process's auxv; ours must list the entries both
 * have in the same order. */
static void test_exec_stack_orders_auxv_as_the_host_linux_does(void)
{
	struct exec_stack_args a = default_args();
	Elf64_auxv_t host[64];
	unsigned int nr_host = 0, i, j = 0;
	FILE *f = fopen("/proc/self/auxv", "rb");

	if (!EXPECT_TRUE(f))
		return;
	nr_host = fread(host, sizeof(host[0]), ARRAY_SIZE(host), f);
	fclose(f);
	if (build(&a) < 0 || !EXPECT_TRUE(nr_host > 10))
		return;
	for (i = 0; i < nr_host; i++) {
		if (!has_auxv(&dec, host[i].a_type))
			continue;
		if (!EXPECT_EQ(host[i].a_type, dec.auxv_type[j]))
			return;
		j++;
		if (host[i].a_type == AT_NULL)
			break;
	}
	/* Every entry we write, Linux writes too (it has a few more). */
	EXPECT_EQ(j, dec.nr_auxv);
}

static CU_TestInfo exec_stack_tests[] = {
	UNIT_TEST(test_exec_stack_lays_out_argv_envp_and_auxv),
	UNIT_TEST(test_exec_stack_keeps_strings_back_to_back_for_proc),
	UNIT_TEST(test_exec_stack_omits_vdso_and_platform_when_absent),
	UNIT_TEST(test_exec_stack_aligns_sp_whatever_the_sizes),
	UNIT_TEST(test_exec_stack_adds_empty_argv0_when_argc_is_zero),
	UNIT_TEST(test_exec_stack_refuses_string_longer_than_max_arg_strlen),
	UNIT_TEST(test_exec_stack_refuses_arguments_above_a_quarter_of_the_rlimit),
	UNIT_TEST(test_exec_stack_bounds_the_argument_limit),
	UNIT_TEST(test_exec_stack_refuses_too_many_pointers),
	UNIT_TEST(test_exec_stack_refuses_bad_arguments),
	UNIT_TEST(test_exec_stack_fits_just_above_address_zero),
	UNIT_TEST(test_exec_stack_orders_auxv_as_the_host_linux_does),
	CU_TEST_INFO_NULL,
};

static void unit_register_exec_stack(void)
{
	unit_add_suite("exec_stack", exec_stack_tests);
}

UNIT_REGISTER(unit_register_exec_stack)
