/* A program the unit tests build three ways (musl static, musl static-pie, and
 * the host compiler's default, dynamically linked), read with elf_image_parse()
 * and run from a stack exec_stack_build() made (tests/unit/test_exec_run.c).
 * It prints what its C library's start-up code made of that stack: argv,
 * environ, the raw auxiliary vector after environ's NULL, the AT_RANDOM bytes,
 * the AT_EXECFN and AT_PLATFORM strings, and TLS, data and bss as set up from
 * the program headers. */
#include <elf.h>
#include <stdio.h>
#include <sys/auxv.h>

extern char **environ;

static __thread int tls_counter = 41;
static __thread char tls_zeros[64];
static int data_word = 7;
static char bss_bytes[8192];

int main(int argc, char **argv)
{
	const unsigned char *random_bytes = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const char *platform = (const char *)getauxval(AT_PLATFORM);
	const Elf64_auxv_t *aux;
	char **env;
	int i;

	printf("argc %d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv %d %s\n", i, argv[i]);
	for (env = environ; *env; env++)
		printf("env %s\n", *env);
	for (aux = (const Elf64_auxv_t *)(env + 1); aux->a_type != AT_NULL; aux++)
		printf("auxv %lu %#lx\n", (unsigned long)aux->a_type,
		       (unsigned long)aux->a_un.a_val);
	if (random_bytes) {
		printf("random ");
		for (i = 0; i < 16; i++)
			printf("%02x", random_bytes[i]);
		printf("\n");
	}
	printf("execfn %s\n", execfn ? execfn : "(none)");
	printf("platform %s\n", platform ? platform : "(none)");
	tls_counter++;
	printf("tls %d %d\n", tls_counter, tls_zeros[63]);
	printf("data %d bss %d\n", data_word, bss_bytes[sizeof(bss_bytes) - 1]);
	return 0;
}
