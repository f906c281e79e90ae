/* libFuzzer target: `vitro` command-line parsing (vmm/cli.c). The input is
 * split at NUL bytes into argv[1..]; each argument gets its own exactly-sized
 * allocation so that a read past its terminator trips ASan. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/cli.h"

#define FUZZ_MAX_ARGS 64

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_cli: invariant failed: %s\n", what);
	abort();
}

/* True if s is NULL, default_kernel or points into one of the arguments. */
static int is_from_argv(const char *s, int argc, char **argv, const char *default_kernel)
{
	int i;

	if (!s || s == default_kernel)
		return 1;
	for (i = 1; i < argc; i++)
		if (s >= argv[i] && s <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

static void parse(int argc, char **argv, const char *default_kernel)
{
	struct vitro_error err = { .msg = "" };
	struct run_config cfg;
	enum cli_command cmd;
	int rc;

	rc = cli_parse(argc, argv, default_kernel, &cmd, &cfg, &err);
	if (rc) {
		if (rc != -EINVAL)
			fail("cli_parse failed with an error other than -EINVAL");
		if (!err.msg[0] || !memchr(err.msg, '\0', sizeof(err.msg)))
			fail("cli_parse failed without a message");
		return;
	}
	if (cmd != CLI_CMD_RUN && cmd != CLI_CMD_HELP && cmd != CLI_CMD_VERSION)
		fail("unknown command");
	if (cmd != CLI_CMD_RUN)
		return;
	if (!cfg.kernel_path)
		fail("run without a kernel");
	if (!cfg.cmdline || strlen(cfg.cmdline) >= VITRO_CMDLINE_MAX)
		fail("command line missing or too long");
	if (cfg.nr_cpus == 0)
		fail("run with no vCPU");
	if (!is_from_argv(cfg.kernel_path, argc, argv, default_kernel) ||
	    !is_from_argv(cfg.initrd_path, argc, argv, default_kernel) ||
	    (cfg.cmdline[0] && !is_from_argv(cfg.cmdline, argc, argv, NULL)))
		fail("a path or command line that is not one of the arguments");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char program[] = "vitro";
	char *argv[FUZZ_MAX_ARGS + 2] = { program };
	int argc = 1, i;
	size_t start = 0;
	uint64_t bytes;

	while (start < size && argc <= FUZZ_MAX_ARGS) {
		const uint8_t *nul = memchr(data + start, 0, size - start);
		size_t len = nul ? (size_t)(nul - data) - start : size - start;

		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], data + start, len);
		argv[argc][len] = '\0';
		argc++;
		start += len + 1;
	}
	argv[argc] = NULL;

	parse(argc, argv, NULL);
	parse(argc, argv, "build/guest/kernel.elf");
	for (i = 1; i < argc; i++)
		(void)cli_parse_size(argv[i], &bytes);
	for (i = 1; i < argc; i++)
		free(argv[i]);
	return 0;
}
