/* See exec_stack.h. The order of the auxiliary vector is Linux's (what
 * LD_SHOW_AUXV=1 prints on x86-64), so programs that walk it see what they
 * see on Linux. Sizes are bounded by the argument limit before any address
 * is computed, so nothing wraps. */
#include <linux/auxvec.h>
#include <stdbool.h>
#include <vitro/errno.h>
#include <vitro/exec_stack.h>
#include <vitro/string.h>

#define WORD 8u
#define PLATFORM_MAX 64u /* a kernel constant such as "x86_64" */

/* Bytes of a string with its NUL, or 0 if it is longer than the limit. */
static size_t arg_string_size(const char *s)
{
	size_t len = strnlen(s, EXEC_ARG_STRLEN_MAX);

	return len < EXEC_ARG_STRLEN_MAX ? len + 1 : 0;
}

/* Sums the sizes of n strings into *total, taking each from *room. */
static int add_strings(const char *const *strings, size_t n, size_t *room, size_t *total)
{
	size_t i, size;

	for (i = 0; i < n; i++) {
		size = arg_string_size(strings[i]);
		if (!size || size > *room)
			return -E2BIG;
		*room -= size;
		*total += size;
	}
	return 0;
}

static unsigned int count_auxv(const struct exec_stack_args *args)
{
	/* 18 entries always, AT_NULL, and the two optional ones. */
	return 19 + (args->auxv.sysinfo_ehdr != 0) + (args->platform != NULL);
}

long exec_stack_layout(struct exec_stack *st, const struct exec_stack_args *args)
{
	static const char *const empty_argv[] = { "" };
	const char *const *argv = args->argc ? args->argv : empty_argv;
	uint64_t rlimit = args->stack_rlimit ? args->stack_rlimit : EXEC_STACK_RLIMIT_DEFAULT;
	size_t argc = args->argc ? args->argc : 1;
	size_t limit, room, arg_bytes = 0, env_bytes = 0, execfn_bytes = 0, platform_bytes = 0;
	size_t nr_words, worst;
	uint64_t p;
	int err;

	if (!args->execfn || !args->random || (args->argc && !args->argv) ||
	    (args->envc && !args->envp) || (args->stack_top & 15))
		return -EINVAL;
	if (args->platform) {
		platform_bytes = strnlen(args->platform, PLATFORM_MAX) + 1;
		if (platform_bytes > PLATFORM_MAX)
			return -EINVAL;
	}

	/* Linux's bprm_stack_limits(): pointers first, then the strings. */
	limit = rlimit / 4 < EXEC_ARGS_MAX_BYTES ? (size_t)(rlimit / 4) : EXEC_ARGS_MAX_BYTES;
	if (limit < EXEC_ARGS_MIN_BYTES)
		limit = EXEC_ARGS_MIN_BYTES;
	if (argc >= limit / WORD || args->envc >= limit / WORD ||
	    (argc + args->envc) * WORD >= limit)
		return -E2BIG;
	room = limit - (argc + args->envc) * WORD;
	err = add_strings(&args->execfn, 1, &room, &execfn_bytes);
	if (!err)
		err = add_strings(args->envp, args->envc, &room, &env_bytes);
	if (!err)
		err = add_strings(argv, argc, &room, &arg_bytes);
	if (err)
		return err;

	st->argc = argc;
	st->nr_auxv = count_auxv(args);
	nr_words = 1 + (argc + 1) + (args->envc + 1) + 2 * st->nr_auxv;
	/* Everything below is bounded by the 6 MiB limit plus a few hundred
	 * bytes; the stack must have room for it above address 0. */
	worst = WORD + execfn_bytes + env_bytes + arg_bytes + 15 + platform_bytes +
		EXEC_RANDOM_BYTES + nr_words * WORD + 15;
	if (args->stack_top < worst)
		return -EINVAL;

	p = args->stack_top - WORD; /* a zero word at the very top, as Linux leaves */
	st->execfn = p - execfn_bytes;
	st->env_end = st->execfn;
	st->env_start = st->env_end - env_bytes;
	st->arg_end = st->env_start;
	st->arg_start = st->arg_end - arg_bytes;
	p = st->arg_start & ~15ull;
	st->platform = args->platform ? p - platform_bytes : 0;
	p -= platform_bytes;
	st->random = p - EXEC_RANDOM_BYTES;
	p = st->random;
	/* psABI 3.4.1: argc sits at a 16-byte aligned %rsp on entry. */
	st->sp = (p - nr_words * WORD) & ~15ull;
	st->size = (size_t)(args->stack_top - st->sp);
	return (long)st->size;
}

struct stack_writer {
	uint8_t *buf;
	uint64_t sp; /* the user address of buf[0] */
	uint64_t at; /* the next word's user address */
};

static void put_word(struct stack_writer *w, uint64_t value)
{
	memcpy(w->buf + (w->at - w->sp), &value, WORD);
	w->at += WORD;
}

static void put_auxv(struct stack_writer *w, uint64_t type, uint64_t value)
{
	put_word(w, type);
	put_word(w, value);
}

/* Copies n strings back to back from user address at; puts each one's
 * address in the pointer array at w->at when w is not NULL. */
static uint64_t put_strings(struct stack_writer *strings, uint64_t at, const char *const *s,
			    size_t n, struct stack_writer *pointers)
{
	size_t i, size;

	for (i = 0; i < n; i++) {
		size = strlen(s[i]) + 1; /* bounded by exec_stack_layout() */
		memcpy(strings->buf + (at - strings->sp), s[i], size);
		if (pointers)
			put_word(pointers, at);
		at += size;
	}
	return at;
}

static void zero_range(struct stack_writer *w, uint64_t start, uint64_t end)
{
	memset(w->buf + (start - w->sp), 0, (size_t)(end - start));
}

long exec_stack_build(struct exec_stack *st, const struct exec_stack_args *args, void *buf,
		      size_t buf_size)
{
	static const char *const empty_argv[] = { "" };
	const struct exec_auxv *aux = &args->auxv;
	struct stack_writer w;
	long size = exec_stack_layout(st, args);
	uint64_t blob_end; /* of the random bytes and the platform string */

	if (size < 0)
		return size;
	if ((size_t)size > buf_size)
		return -ENOSPC;
	w.buf = buf;
	w.sp = st->sp;
	w.at = st->sp;

	put_word(&w, st->argc);
	put_strings(&w, st->arg_start, args->argc ? args->argv : empty_argv, st->argc, &w);
	put_word(&w, 0);
	put_strings(&w, st->env_start, args->envp, args->envc, &w);
	put_word(&w, 0);
	if (aux->sysinfo_ehdr)
		put_auxv(&w, AT_SYSINFO_EHDR, aux->sysinfo_ehdr);
	put_auxv(&w, AT_MINSIGSTKSZ, aux->minsigstksz);
	put_auxv(&w, AT_HWCAP, aux->hwcap);
	put_auxv(&w, AT_PAGESZ, aux->pagesz);
	put_auxv(&w, AT_CLKTCK, aux->clktck);
	put_auxv(&w, AT_PHDR, aux->phdr);
	put_auxv(&w, AT_PHENT, aux->phent);
	put_auxv(&w, AT_PHNUM, aux->phnum);
	put_auxv(&w, AT_BASE, aux->base);
	put_auxv(&w, AT_FLAGS, aux->flags);
	put_auxv(&w, AT_ENTRY, aux->entry);
	put_auxv(&w, AT_UID, aux->uid);
	put_auxv(&w, AT_EUID, aux->euid);
	put_auxv(&w, AT_GID, aux->gid);
	put_auxv(&w, AT_EGID, aux->egid);
	put_auxv(&w, AT_SECURE, aux->secure);
	put_auxv(&w, AT_RANDOM, st->random);
	put_auxv(&w, AT_HWCAP2, aux->hwcap2);
	put_auxv(&w, AT_EXECFN, st->execfn);
	if (args->platform)
		put_auxv(&w, AT_PLATFORM, st->platform);
	put_auxv(&w, AT_NULL, 0);

	zero_range(&w, w.at, st->random);
	memcpy(w.buf + (st->random - w.sp), args->random, EXEC_RANDOM_BYTES);
	blob_end = st->random + EXEC_RANDOM_BYTES;
	if (args->platform) {
		put_strings(&w, st->platform, &args->platform, 1, NULL);
		blob_end = st->platform + strlen(args->platform) + 1;
	}
	zero_range(&w, blob_end, st->arg_start);
	put_strings(&w, st->execfn, &args->execfn, 1, NULL);
	zero_range(&w, st->execfn + strlen(args->execfn) + 1, st->sp + st->size);
	return size;
}
