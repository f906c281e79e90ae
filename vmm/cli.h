/* Command-line parsing for `vitro`: turns argv into a struct run_config.
 * Pure: it prints nothing and never exits, so unit tests can drive it. */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "error.h"
#include "trace/recorder.h"

#define VITRO_DEFAULT_MEM_BYTES (256ull << 20)
#define VITRO_MIN_MEM_BYTES (8ull << 20)
#define VITRO_CMDLINE_MAX 4096
#define VITRO_MAX_DISKS 8 /* the machine's virtio-mmio slots */
#define VITRO_DISK_MAX_QUEUES 64
#define VITRO_DISK_PATH_MAX 4096

/* --disk PATH[,ro][,queues=N][,cache=none|writeback] */
struct disk_config {
	char path[VITRO_DISK_PATH_MAX];
	bool is_read_only;
	bool is_direct; /* cache=none: O_DIRECT, around the host page cache */
	unsigned int nr_queues; /* 0: one per vCPU */
};

enum cli_command {
	CLI_CMD_RUN,
	CLI_CMD_HELP,
	CLI_CMD_VERSION,
};

struct run_config {
	const char *kernel_path;
	const char *cmdline;
	const char *initrd_path;
	uint64_t mem_bytes;
	unsigned int nr_cpus;
	struct trace_options trace; /* trace.path NULL: not traced */
	uint16_t gdb_port; /* --gdb PORT on 127.0.0.1; 0: no gdb stub */
	bool gdb_wait; /* --gdb-wait: hold the guest until gdb attaches */
	struct disk_config disks[VITRO_MAX_DISKS]; /* in command-line order */
	unsigned int nr_disks;
	struct timespec start_time; /* CLOCK_MONOTONIC when vitro started */
};

/* Parses `vitro [run] [options]`. default_kernel is used when --kernel is
 * absent. Returns 0 and fills *cmd and *cfg, or -EINVAL with err set. */
int cli_parse(int argc, char **argv, const char *default_kernel, enum cli_command *cmd,
	      struct run_config *cfg, struct vitro_error *err);

/* Parses a size such as 512M, 2G, 65536, 64k. Returns 0 or -EINVAL. */
int cli_parse_size(const char *text, uint64_t *bytes);

extern const char cli_usage[];

#endif
