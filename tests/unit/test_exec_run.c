/* End-to-end tests of execve's two pure halves: a forked child of this test
 * maps a real static executable where elf_image_parse() and elf_load_bias()
 * say, copies a stack exec_stack_build() made, and jumps to the entry point.
 * The program's own C library start-up code (musl's, and glibc's in Debian's
 * busybox) then reads that stack on the host's Linux, so a wrong AT_PHDR,
 * argv, envp, auxv or alignment shows up as wrong output or a crash. */
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vitro/elf_image.h>
#include <vitro/exec_stack.h>

#if __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#endif

#include "exec_samples.h"
#include "unit.h"

#define PAGE 4096ul
#define CHILD_STACK_BYTES (1ul << 20)
#define CHILD_SECONDS 10
#define OUTPUT_MAX 16384

static const uint8_t run_random[EXEC_RANDOM_BYTES] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
						       0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
						       0xcc, 0xdd, 0xee, 0xff };

struct run {
	const char *path;
	const char *const *argv;
	size_t argc;
	const char *const *envp;
	size_t envc;
	/* Filled in: */
	struct elf_image img;
	int status;
	char out[OUTPUT_MAX];
};

static uint64_t page_down(uint64_t x)
{
	return x & ~(PAGE - 1);
}

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

/* Child side: reports on the pipe (stdout) and exits with 90 + step. */
static void __attribute__((noreturn)) child_fail(int step, const char *what)
{
	dprintf(STDOUT_FILENO, "child: %s: %s\n", what, strerror(errno));
	_exit(90 + step);
}

/* Maps the image as an execve would: file bytes, zero bss, then each
 * segment's protection (a page two segments share gets both). */
static uint64_t child_map_image(const struct elf_image *img, int fd)
{
	uint64_t bias = 0, lo = 0, hi = 0;
	unsigned int i, attempt;
	void *at = MAP_FAILED;

	/* Randomised static-pie offsets until one misses this process's own
	 * mappings (the test binary itself lives near ELF_ET_DYN_BASE). */
	for (attempt = 0; attempt < 64 && at == MAP_FAILED; attempt++) {
		bias = elf_load_bias(img, (uint64_t)attempt << 33);
		lo = page_down(img->image_start + bias);
		hi = page_up(img->image_end + bias);
		at = mmap((void *)lo, hi - lo, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (at != MAP_FAILED && at != (void *)lo)
			child_fail(1, "mmap ignored the address");
	}
	if (at == MAP_FAILED)
		child_fail(1, "mmap of the image");
	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (pread(fd, (void *)(s->vaddr + bias), s->filesz, (off_t)s->offset) !=
		    (ssize_t)s->filesz)
			child_fail(2, "reading a segment");
	}
	if (mprotect((void *)lo, hi - lo, PROT_NONE))
		child_fail(3, "mprotect");
	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];
		uint64_t start = page_down(s->vaddr + bias),
			 end = page_up(s->vaddr + bias + s->memsz);
		uint32_t prot = s->prot;

		if (i > 0 && page_down(img->segments[i - 1].vaddr + img->segments[i - 1].memsz -
				       1) == page_down(s->vaddr))
			prot |= img->segments[i - 1].prot;
		if (mprotect((void *)start, end - start, (int)prot))
			child_fail(3, "mprotect");
	}
	return bias;
}

/* The calling thread's rseq area, registered by this process's glibc, would
 * keep being written by the kernel after the jump and make the program's own
 * registration fail: drop it, as execve does. */
static void child_unregister_rseq(void)
{
#if defined(RSEQ_SIG) && defined(SYS_rseq)
	uintptr_t thread_pointer;

	if (!__rseq_size)
		return;
	__asm__("mov %%fs:0, %0" : "=r"(thread_pointer));
	syscall(SYS_rseq, (void *)(thread_pointer + __rseq_offset), __rseq_size, 1, RSEQ_SIG);
#endif
}

/* Child side: never returns; the program's exit status is the child's. */
static void __attribute__((noreturn)) child_exec(struct run *r, int out_fd)
{
	static const int signals_to_reset[] = { SIGSEGV, SIGBUS,  SIGFPE,  SIGILL,
						SIGABRT, SIGPIPE, SIGCHLD, SIGALRM };
	stack_t no_altstack = { .ss_flags = SS_DISABLE };
	struct exec_stack_args args = { 0 };
	struct exec_stack st;
	unsigned int eax, ebx, ecx, edx = 0, i;
	sigset_t none;
	uint8_t *stack, *built;
	uint64_t bias;
	long size;
	int fd, null_fd;

	for (i = 0; i < ARRAY_SIZE(signals_to_reset); i++)
		signal(signals_to_reset[i], SIG_DFL);
	sigaltstack(&no_altstack, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		_exit(90);
	alarm(CHILD_SECONDS);

	fd = open(r->path, O_RDONLY);
	if (fd < 0)
		child_fail(0, r->path);
	bias = child_map_image(&r->img, fd);
	close(fd);

	stack = mmap(NULL, CHILD_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (stack == MAP_FAILED)
		child_fail(4, "mmap of the stack");
	__get_cpuid(1, &eax, &ebx, &ecx, &edx);
	args.stack_top = (uint64_t)(stack + CHILD_STACK_BYTES);
	args.argv = r->argv;
	args.argc = r->argc;
	args.envp = r->envp;
	args.envc = r->envc;
	args.execfn = r->path;
	args.random = run_random;
	args.platform = "x86_64";
	args.auxv = (struct exec_auxv){
		.sysinfo_ehdr = getauxval(AT_SYSINFO_EHDR), /* this process's vDSO */
		.minsigstksz = getauxval(AT_MINSIGSTKSZ),
		.hwcap = edx,
		.pagesz = PAGE,
		.clktck = 100,
		.phdr = r->img.phdr_vaddr + bias,
		.phent = r->img.phent,
		.phnum = r->img.phnum,
		.entry = r->img.entry + bias,
		.uid = getuid(),
		.euid = geteuid(),
		.gid = getgid(),
		.egid = getegid(),
		.hwcap2 = getauxval(AT_HWCAP2),
	};
	size = exec_stack_layout(&st, &args);
	built = malloc(size > 0 ? (size_t)size : 1);
	if (size < 0 || !built || exec_stack_build(&st, &args, built, (size_t)size) != size)
		child_fail(5, "exec_stack_build");
	memcpy((void *)st.sp, built, st.size);
	dprintf(STDOUT_FILENO, "bias %#lx\n", bias);
	child_unregister_rseq();

	/* psABI 3.4.1: %rsp at argc, %rdx 0 (no function for atexit), and the
	 * frame pointer cleared for the deepest frame. */
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%edx, %%edx\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "jmp *%1"
			 :
			 : "a"(st.sp), "c"(r->img.entry + bias)
			 : "memory");
	__builtin_unreachable();
}

/* Parses r->path, runs it from a built stack in a child and collects its
 * output and status. */
static bool run_program(struct run *r)
{
	struct exec_file f;
	size_t used = 0;
	int pipe_fds[2], err, status;
	pid_t pid;

	if (!exec_file_open(&f, r->path))
		return false;
	err = elf_image_parse(&r->img, exec_file_read_at, &f, f.size);
	exec_file_close(&f);
	if (!EXPECT_EQ(err, 0)) {
		UNIT_FAIL("%s: %s", r->path, r->img.reason);
		return false;
	}
	if (!EXPECT_TRUE(r->img.has_phdr) || pipe2(pipe_fds, O_CLOEXEC))
		return false;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		UNIT_FAIL("fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		child_exec(r, pipe_fds[1]);
	close(pipe_fds[1]);
	for (;;) {
		struct pollfd p = { .fd = pipe_fds[0], .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, (CHILD_SECONDS + 5) * 1000) <= 0)
			break;
		n = read(pipe_fds[0], r->out + used, sizeof(r->out) - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	r->out[used] = '\0';
	close(pipe_fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		kill(pid, SIGKILL);
		UNIT_FAIL("waitpid: %s", strerror(errno));
		return false;
	}
	if (WIFSIGNALED(status)) {
		UNIT_FAIL("%s died of signal %d (%s); output: %s", r->path, WTERMSIG(status),
			  strsignal(WTERMSIG(status)), r->out);
		return false;
	}
	r->status = WEXITSTATUS(status);
	return true;
}

/* The output without the harness's first "bias ..." line. */
static const char *program_output(const struct run *r, uint64_t *bias)
{
	const char *nl = strchr(r->out, '\n');

	if (!nl || sscanf(r->out, "bias %lx", bias) != 1) {
		UNIT_FAIL("no bias line in: %s", r->out);
		return "";
	}
	return nl + 1;
}

static const char *const probe_argv[] = { "probe", "one", "two words", "" };
static const char *const probe_envp[] = { "A=1", "VITRO=yes", "EMPTY=" };

/* What the probe prints for probe_argv and probe_envp, with the auxv types
 * in the order exec_stack writes them. */
static void expect_probe_output(const struct run *r)
{
	static const unsigned long want_types[] = {
		AT_SYSINFO_EHDR, AT_MINSIGSTKSZ, AT_HWCAP,  AT_PAGESZ, AT_CLKTCK,
		AT_PHDR,	 AT_PHENT,	 AT_PHNUM,  AT_BASE,   AT_FLAGS,
		AT_ENTRY,	 AT_UID,	 AT_EUID,   AT_GID,    AT_EGID,
		AT_SECURE,	 AT_RANDOM,	 AT_HWCAP2, AT_EXECFN, AT_PLATFORM,
	};
	char want[512], line[256];
	unsigned long type, value;
	const char *out, *p;
	unsigned int n = 0;
	uint64_t bias = 0;

	EXPECT_EQ(r->status, 0);
	out = program_output(r, &bias);
	snprintf(want, sizeof(want),
		 "argc 4\nargv 0 probe\nargv 1 one\nargv 2 two words\nargv 3 \n"
		 "env A=1\nenv VITRO=yes\nenv EMPTY=\nauxv ");
	EXPECT_TRUE(!strncmp(out, want, strlen(want)));
	for (p = strstr(out, "auxv "); p && sscanf(p, "auxv %lu %lx", &type, &value) == 2;
	     p = strchr(p, '\n') + 1) {
		if (!EXPECT_TRUE(n < ARRAY_SIZE(want_types)) || !EXPECT_EQ(type, want_types[n]))
			break;
		if (type == AT_ENTRY)
			EXPECT_EQ(value, r->img.entry + bias);
		if (type == AT_PHDR)
			EXPECT_EQ(value, r->img.phdr_vaddr + bias);
		n++;
	}
	EXPECT_EQ(n, ARRAY_SIZE(want_types));
	snprintf(line, sizeof(line), "\nrandom 00112233445566778899aabbccddeeff\nexecfn %s\n",
		 r->path);
	EXPECT_CONTAINS(out, line);
	/* TLS, data and bss from the program headers AT_PHDR pointed at. */
	EXPECT_CONTAINS(out, "\nplatform x86_64\ntls 42 0\ndata 7 bss 0\n");
}

static struct run run;

static void test_exec_runs_musl_static_program_from_built_stack(void)
{
	uint64_t bias;

	memset(&run, 0, sizeof(run));
	run.path = exec_sample_path("probe-static");
	run.argv = probe_argv;
	run.argc = ARRAY_SIZE(probe_argv);
	run.envp = probe_envp;
	run.envc = ARRAY_SIZE(probe_envp);
	if (!run.path || !run_program(&run))
		return;
	expect_probe_output(&run);
	program_output(&run, &bias);
	EXPECT_EQ(bias, 0);
}

static void test_exec_runs_musl_static_pie_at_its_load_bias(void)
{
	uint64_t bias = 0;

	memset(&run, 0, sizeof(run));
	run.path = exec_sample_path("probe-static-pie");
	run.argv = probe_argv;
	run.argc = ARRAY_SIZE(probe_argv);
	run.envp = probe_envp;
	run.envc = ARRAY_SIZE(probe_envp);
	if (!run.path || !run_program(&run))
		return;
	expect_probe_output(&run);
	program_output(&run, &bias);
	EXPECT_TRUE(bias >= ELF_ET_DYN_BASE);
	EXPECT_EQ(bias % PAGE, 0);
}

static void run_busybox(const char *const *argv, size_t argc, const char *const *envp, size_t envc)
{
	memset(&run, 0, sizeof(run));
	run.path = exec_busybox_path();
	run.argv = argv;
	run.argc = argc;
	run.envp = envp;
	run.envc = envc;
	if (run.path)
		run_program(&run);
}

static void test_exec_runs_debian_busybox_echo(void)
{
	static const char *const argv[] = { "busybox", "echo", "hello", "from vitro" };
	uint64_t bias;

	run_busybox(argv, ARRAY_SIZE(argv), NULL, 0);
	if (!run.path || !run.out[0])
		return;
	EXPECT_STR(program_output(&run, &bias), "hello from vitro\n");
	EXPECT_EQ(run.status, 0);
}

/* The applet comes from argv[0]; env prints envp as the stack holds it. */
static void test_exec_runs_debian_busybox_env_with_our_environment(void)
{
	static const char *const argv[] = { "env" };
	uint64_t bias;

	run_busybox(argv, ARRAY_SIZE(argv), probe_envp, ARRAY_SIZE(probe_envp));
	if (!run.path || !run.out[0])
		return;
	EXPECT_STR(program_output(&run, &bias), "A=1\nVITRO=yes\nEMPTY=\n");
	EXPECT_EQ(run.status, 0);
}

/* The shell: malloc, fork-free arithmetic, positional parameters, exit status. */
static void test_exec_runs_debian_busybox_shell(void)
{
	static const char *const argv[] = { "sh", "-c", "echo $((6 * 7)) $0 $1 \"$HOME\"; exit 3",
					    "zero", "one" };
	static const char *const envp[] = { "HOME=/root", "PATH=/bin" };
	uint64_t bias;

	run_busybox(argv, ARRAY_SIZE(argv), envp, ARRAY_SIZE(envp));
	if (!run.path || !run.out[0])
		return;
	EXPECT_STR(program_output(&run, &bias), "42 zero one /root\n");
	EXPECT_EQ(run.status, 3);
}

static CU_TestInfo exec_run_tests[] = {
	UNIT_TEST(test_exec_runs_musl_static_program_from_built_stack),
	UNIT_TEST(test_exec_runs_musl_static_pie_at_its_load_bias),
	UNIT_TEST(test_exec_runs_debian_busybox_echo),
	UNIT_TEST(test_exec_runs_debian_busybox_env_with_our_environment),
	UNIT_TEST(test_exec_runs_debian_busybox_shell),
	CU_TEST_INFO_NULL,
};

static void unit_register_exec_run(void)
{
	unit_add_suite("exec_run", exec_run_tests);
}

UNIT_REGISTER(unit_register_exec_run)
