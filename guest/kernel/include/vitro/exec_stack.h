/* The initial process stack of execve(): argc, argv, envp and the auxiliary
 * vector laid out as the System V AMD64 psABI (3.4.1, "Initial Stack and
 * Register State") and Linux's ELF loader lay them out. Built into a kernel
 * buffer the caller copies to the top of the new user stack. Pure logic, so it
 * builds for the host too. */
#ifndef VITRO_EXEC_STACK_H
#define VITRO_EXEC_STACK_H

#include <stddef.h>
#include <stdint.h>

/* Linux's limits on execve arguments (include/uapi/linux/binfmts.h and
 * fs/exec.c): one string may be 32 pages long counting its NUL; all strings
 * and their pointers together may take a quarter of the stack rlimit, but
 * never more than 6 MiB (3/4 of the default 8 MiB stack rlimit) and never
 * less than 128 KiB (ARG_MAX), so a tiny rlimit still runs a small command. */
#define EXEC_ARG_STRLEN_MAX (32u * 4096u)
#define EXEC_ARGS_MIN_BYTES (128u * 1024u)
#define EXEC_ARGS_MAX_BYTES (6u * 1024u * 1024u)
#define EXEC_STACK_RLIMIT_DEFAULT (8ull * 1024 * 1024)
#define EXEC_RANDOM_BYTES 16

/* The auxiliary vector's values (AT_*, <linux/auxvec.h>); the addresses of
 * the AT_RANDOM bytes, the AT_EXECFN and AT_PLATFORM strings are filled in. */
struct exec_auxv {
	uint64_t sysinfo_ehdr; /* AT_SYSINFO_EHDR: the vDSO's ELF header; 0 omits it */
	uint64_t minsigstksz; /* AT_MINSIGSTKSZ: signal frame size with this CPU's FPU state */
	uint64_t hwcap; /* AT_HWCAP: CPUID.1:EDX on x86-64 */
	uint64_t pagesz; /* AT_PAGESZ */
	uint64_t clktck; /* AT_CLKTCK: USER_HZ, 100 */
	uint64_t phdr; /* AT_PHDR: program headers in memory, load bias added */
	uint64_t phent; /* AT_PHENT */
	uint64_t phnum; /* AT_PHNUM */
	uint64_t base; /* AT_BASE: interpreter load address, 0 without one */
	uint64_t flags; /* AT_FLAGS: 0 */
	uint64_t entry; /* AT_ENTRY: the program's entry, load bias added */
	uint64_t uid, euid, gid, egid; /* AT_UID, AT_EUID, AT_GID, AT_EGID */
	uint64_t secure; /* AT_SECURE: 1 for set-id programs */
	uint64_t hwcap2; /* AT_HWCAP2: Linux's x86 bits (bit 1: FSGSBASE usable) */
};

struct exec_stack_args {
	/* The user address the stack grows down from, 16-byte aligned. Linux
	 * randomises it (arch_align_stack); that is the caller's choice. */
	uint64_t stack_top;
	/* RLIMIT_STACK's soft limit in bytes (0: EXEC_STACK_RLIMIT_DEFAULT),
	 * which bounds the argument strings as described above. */
	uint64_t stack_rlimit;
	/* Kernel strings. argc 0 is run as Linux does since 5.18: with one
	 * empty argv[0], so argv[1] is never the start of envp. */
	const char *const *argv;
	size_t argc;
	const char *const *envp;
	size_t envc;
	const char *execfn; /* AT_EXECFN: the path execve was given */
	const uint8_t *random; /* AT_RANDOM: EXEC_RANDOM_BYTES bytes */
	const char *platform; /* AT_PLATFORM: "x86_64"; NULL omits it */
	struct exec_auxv auxv;
};

/*
 * The built stack, all user addresses. The bytes to copy are
 * [sp, sp + size), with sp + size == stack_top; sp is 16-byte aligned and
 * holds argc, as the psABI wants at process entry. From sp upwards: argc,
 * argv[0..argc-1], NULL, envp[0..envc-1], NULL, the auxv pairs ending with
 * AT_NULL, padding, the AT_RANDOM bytes, the platform string, padding to 16
 * bytes, then the argv strings, the envp strings, the AT_EXECFN string and an
 * 8-byte zero word just below stack_top.
 *
 * [arg_start, arg_end) holds the argv strings, [env_start, env_end) the envp
 * strings, each NUL-terminated, back to back (what /proc/PID/cmdline and
 * /proc/PID/environ show; arg_end == env_start).
 */
struct exec_stack {
	uint64_t sp;
	size_t size;
	uint64_t arg_start, arg_end;
	uint64_t env_start, env_end;
	uint64_t execfn; /* AT_EXECFN */
	uint64_t random; /* AT_RANDOM */
	uint64_t platform; /* AT_PLATFORM, 0 when omitted */
	size_t argc; /* after an empty argv[0] was added for argc 0 */
	unsigned int nr_auxv; /* auxv pairs, AT_NULL included */
};

/*
 * Computes the layout of args into st without writing any stack bytes, so a
 * caller can size its buffer. Returns st->size; -E2BIG when a string
 * (execfn included) is longer than EXEC_ARG_STRLEN_MAX bytes with its NUL, or
 * the strings (execfn included) and the argv and envp pointers exceed the
 * limit above; -EINVAL for an unaligned or too-low stack_top or a missing
 * execfn or random.
 */
long exec_stack_layout(struct exec_stack *st, const struct exec_stack_args *args);

/*
 * Lays out args as exec_stack_layout() does and writes the st->size bytes
 * that go at user address st->sp into buf[0..st->size). Returns st->size,
 * -ENOSPC if buf_size is smaller, or exec_stack_layout()'s errors.
 */
long exec_stack_build(struct exec_stack *st, const struct exec_stack_args *args, void *buf,
		      size_t buf_size);

#endif
