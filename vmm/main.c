/* vitro: the command-line entry point. The only place that prints errors and
 * chooses exit statuses. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "trace/output.h"
#include "vm.h"

#ifndef VITRO_VERSION
#define VITRO_VERSION "unknown"
#endif

/* The kernel this tree builds sits next to the vitro binary in build/
 * (build/vitro, build/guest/kernel.elf), or one level up for the sanitizer
 * build in build/asan/. */
static const char *default_kernel_path(void)
{
	static const char *const candidates[] = { "guest/kernel.elf", "../guest/kernel.elf" };
	static char path[PATH_MAX + 32];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	unsigned int i;

	if (n <= 0)
		return "build/guest/kernel.elf";
	exe[n] = '\0';
	dirname(exe);
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", exe, candidates[i]);
		if (!access(path, F_OK))
			return path;
	}
	snprintf(path, sizeof(path), "%s/%s", exe, candidates[0]);
	return path;
}

int main(int argc, char **argv)
{
	struct vitro_error err = { "" };
	struct run_config cfg;
	enum cli_command cmd;
	const char *kvm_path = getenv("VITRO_KVM_DEVICE");
	struct timespec start;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (argc > 1 && !strcmp(argv[1], "trace")) {
		rc = trace_cli_main(argc - 1, argv + 1, &err);
		if (rc < 0) {
			fprintf(stderr, "vitro: %s\n", err.msg);
			return VITRO_EXIT_BAD_INPUT;
		}
		return rc;
	}
	if (cli_parse(argc, argv, default_kernel_path(), &cmd, &cfg, &err)) {
		fprintf(stderr, "vitro: %s\n", err.msg);
		return VITRO_EXIT_BAD_INPUT;
	}
	switch (cmd) {
	case CLI_CMD_HELP:
		fputs(cli_usage, stdout);
		return 0;
	case CLI_CMD_VERSION:
		printf("vitro %s\n", VITRO_VERSION);
		return 0;
	case CLI_CMD_RUN:
		break;
	}
	cfg.start_time = start;
	rc = vm_run(&cfg, kvm_path ? kvm_path : "/dev/kvm", &err);
	if (rc < 0) {
		fprintf(stderr, "vitro: %s\n", err.msg);
		return VITRO_EXIT_BAD_INPUT;
	}
	return rc;
}
