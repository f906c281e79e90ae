/* The programs the exec cases start: this binary run as `vitro-selftest --helper=NAME ...`
 * reports what it was given (arguments, environment, auxiliary vector, open descriptors,
 * signal dispositions) on standard output, one "key=value" line each, for the case to check. */
#include "selftest.h"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char _start[]; /* the entry point, from the C runtime's crt1 */
extern const char __ehdr_start[]; /* the ELF header, placed by the linker */

/* The loader's auxiliary vector must describe this very image. */
static void report_image(void)
{
	const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *)__ehdr_start;
	unsigned long phdr = getauxval(AT_PHDR);

	printf("entry=%s\n", getauxval(AT_ENTRY) == (unsigned long)_start ? "ok" : "wrong");
	if (phdr == (unsigned long)__ehdr_start + ehdr->e_phoff &&
	    getauxval(AT_PHNUM) == ehdr->e_phnum && getauxval(AT_PHENT) == sizeof(Elf64_Phdr))
		printf("phdr=ok\n");
	else
		printf("phdr=wrong: AT_PHDR %#lx AT_PHNUM %lu AT_PHENT %lu; image %#lx+%#lx, %u of "
		       "%zu\n",
		       phdr, getauxval(AT_PHNUM), getauxval(AT_PHENT), (unsigned long)__ehdr_start,
		       (unsigned long)ehdr->e_phoff, ehdr->e_phnum, sizeof(Elf64_Phdr));
}

static void report(int argc, char **argv, char **envp)
{
	const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int envc = 0;

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("argv[argc]=%s\n", argv[argc] ? "not-null" : "null");
	for (; envp[envc]; envc++)
		printf("env[%d]=%s\n", envc, envp[envc]);
	printf("envc=%d\n", envc);
	printf("pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
	printf("pagesz=%lu\n", getauxval(AT_PAGESZ));
	printf("random=");
	for (int i = 0; random && i < 16; i++)
		printf("%02x", random[i]);
	printf("\nexecfn=%s\n", execfn ? execfn : "(none)");
	printf("ids=%s\n", getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
					   getauxval(AT_GID) == getgid() &&
					   getauxval(AT_EGID) == getegid() ?
				   "ok" :
				   "wrong");
	printf("secure=%lu\n", getauxval(AT_SECURE));
	report_image();
}

static void report_fds(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		int fd = atoi(argv[i]);

		printf("fd %d=%s\n", fd, fcntl(fd, F_GETFD) == -1 ? "closed" : "open");
	}
}

static void report_signals(void)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGHUP };
	sigset_t blocked;

	sigprocmask(SIG_SETMASK, NULL, &blocked);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		const char *what;

		sigaction(sigs[i], NULL, &sa);
		if (sa.sa_handler == SIG_DFL)
			what = "default";
		else if (sa.sa_handler == SIG_IGN)
			what = "ignored";
		else
			what = "handled";
		printf("%s=%s%s\n", selftest_signal_name(sigs[i]), what,
		       sigismember(&blocked, sigs[i]) ? ",blocked" : "");
	}
}

int selftest_helper_main(const char *name, int argc, char **argv, char **envp)
{
	if (strcmp(name, "report") == 0)
		report(argc, argv, envp);
	else if (strcmp(name, "exit") == 0 && argc == 3)
		return atoi(argv[2]);
	else if (strcmp(name, "fds") == 0)
		report_fds(argc, argv);
	else if (strcmp(name, "signals") == 0)
		report_signals();
	else {
		fprintf(stderr, "vitro-selftest: no helper '%s'\n", name);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 3;
}
