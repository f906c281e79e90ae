/* See cli.h. Options take `--name VALUE` or `--name=VALUE`, as GNU tools do. */
#include "cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"

const char cli_usage[] =
	"usage: vitro run [--kernel FILE] [--cmdline STR] [--mem SIZE] [--cpus N]\n"
	"                 [--initrd FILE] [--trace FILE [--trace-format FMT]\n"
	"                 [--trace-events LIST] [--trace-buffer SIZE]]\n"
	"                 [--gdb PORT [--gdb-wait]]\n"
	"                 [--disk PATH[,ro][,queues=N][,cache=none|writeback]]...\n"
	"       vitro trace report FILE | vitro trace timeline FILE -o OUT.svg\n"
	"       vitro --help | --version\n"
	"\n"
	"  run             boot a guest kernel (the default command)\n"
	"  --kernel FILE   ELF64 kernel with a PVH entry note, or a Linux bzImage\n"
	"                  (default: the kernel built in this tree)\n"
	"  --cmdline STR   kernel command line (default: empty)\n"
	"  --mem SIZE      guest RAM, e.g. 256M or 2G (default: 256M)\n"
	"  --cpus N        number of vCPUs (default: 1)\n"
	"  --initrd FILE   initial ramdisk, passed to the guest as a PVH module\n"
	"  --trace FILE    record the guest's trace events into FILE: FILE.json\n"
	"                  (Chrome/Perfetto), FILE.txt (text), else a CTF\n"
	"                  directory (babeltrace2)\n"
	"  --trace-format FMT    json, ctf or text, whatever FILE's name says\n"
	"  --trace-events LIST   categories to trace: all (default) or a list of\n"
	"                  sched, irq, timer, syscall, block, net, mm, printk\n"
	"  --trace-buffer SIZE   ring size per vCPU, a power of two (default 1M)\n"
	"  --gdb PORT      serve gdb's remote protocol on 127.0.0.1:PORT\n"
	"                  (gdb KERNEL.elf -ex 'target remote :PORT'); each vCPU\n"
	"                  is a thread, attaching stops the guest\n"
	"  --gdb-wait      hold the guest at its first instruction until gdb\n"
	"                  attaches\n"
	"  --disk PATH[,ro][,queues=N][,cache=none|writeback]\n"
	"                  a virtio-blk disk on the image file or block device\n"
	"                  PATH (repeatable, up to 8): ro read-only, N queues\n"
	"                  (default: one per vCPU), cache=none for O_DIRECT\n"
	"\n"
	"Console: the guest's serial port is this terminal; Ctrl-A x quits.\n"
	"Exit status: the value the guest wrote to port 0xf4, 2 for bad input,\n"
	"3 when the guest crashed the VM.\n";

int cli_parse_size(const char *text, uint64_t *bytes)
{
	unsigned long long value, shift = 0;
	char *end;

	if (!text || *text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		return -EINVAL;
	}
	/* Accept an optional "iB" or "B" suffix after the unit: 512MiB, 2GB. */
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end)
		return -EINVAL;
	if (shift && value > (~0ull >> shift))
		return -EINVAL;
	*bytes = value << shift;
	return 0;
}

/* A decimal number from 0 to max, nothing else (no sign, no suffix). */
static int parse_uint(const char *text, unsigned long max, unsigned long *value)
{
	char *end;

	if (!text || *text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	*value = strtoul(text, &end, 10);
	return errno || *end || *value > max ? -EINVAL : 0;
}

static int parse_cpus(const char *text, unsigned int *nr_cpus)
{
	unsigned long value;

	if (parse_uint(text, 1u << 20, &value))
		return -EINVAL;
	*nr_cpus = value;
	return 0;
}

/* --gdb PORT: a TCP port, 1 to 65535. */
static int parse_gdb_port(const char *text, uint16_t *port)
{
	unsigned long value;

	if (parse_uint(text, 65535, &value) || value == 0)
		return -EINVAL;
	*port = (uint16_t)value;
	return 0;
}

#define DISK_USAGE "--disk PATH[,ro][,queues=N][,cache=none|writeback]"

/* One option of --disk, name the len bytes at name (not terminated). */
static int parse_disk_option(const char *spec, const char *name, size_t len,
			     struct disk_config *disk, struct vitro_error *err)
{
	unsigned long queues;
	char number[16];

	if (len == 2 && !strncmp(name, "ro", len)) {
		disk->is_read_only = true;
	} else if (len == 10 && !strncmp(name, "cache=none", len)) {
		disk->is_direct = true;
	} else if (len == 15 && !strncmp(name, "cache=writeback", len)) {
		disk->is_direct = false;
	} else if (len > 7 && !strncmp(name, "queues=", 7)) {
		snprintf(number, sizeof(number), "%.*s", (int)(len - 7), name + 7);
		if (len - 7 >= sizeof(number) ||
		    parse_uint(number, VITRO_DISK_MAX_QUEUES, &queues) || !queues)
			return vitro_error_set(err, -EINVAL,
					       "--disk %s: queues=%.*s is not 1 to %d", spec,
					       (int)(len - 7), name + 7, VITRO_DISK_MAX_QUEUES);
		disk->nr_queues = queues;
	} else {
		return vitro_error_set(err, -EINVAL,
				       "--disk %s: unknown option '%.*s' (use " DISK_USAGE ")",
				       spec, (int)len, name);
	}
	return 0;
}

/* --disk PATH[,OPTION]...: the path runs to the first comma. */
static int parse_disk(const char *spec, struct run_config *cfg, struct vitro_error *err)
{
	size_t path_len = strcspn(spec, ",");
	struct disk_config *disk;
	const char *option;
	int rc;

	if (cfg->nr_disks == VITRO_MAX_DISKS)
		return vitro_error_set(err, -EINVAL, "--disk %s: at most %d disks", spec,
				       VITRO_MAX_DISKS);
	if (!path_len)
		return vitro_error_set(err, -EINVAL,
				       "--disk '%s': no image file (use " DISK_USAGE ")", spec);
	if (path_len >= VITRO_DISK_PATH_MAX)
		return vitro_error_set(err, -EINVAL, "--disk: a path of %zu bytes is too long",
				       path_len);
	disk = &cfg->disks[cfg->nr_disks];
	memset(disk, 0, sizeof(*disk));
	memcpy(disk->path, spec, path_len);
	for (option = spec + path_len; *option; option += strcspn(option + 1, ",") + 1) {
		rc = parse_disk_option(spec, option + 1, strcspn(option + 1, ","), disk, err);
		if (rc)
			return rc;
	}
	cfg->nr_disks++;
	return 0;
}

/* Matches argv[*i] against --name; returns the value (from "=VALUE" or the
 * next argument) or NULL when this is not the option. *missing is set when
 * the option is present but has no value. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);

	if (strncmp(arg, name, len))
		return NULL;
	if (arg[len] == '=')
		return arg + len + 1;
	if (arg[len])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int parse_run_option(int argc, char **argv, int *i, struct run_config *cfg,
			    struct vitro_error *err)
{
	bool missing = false;
	const char *arg = argv[*i];
	const char *v;

	if ((v = option_value(argc, argv, i, "--kernel", &missing))) {
		cfg->kernel_path = v;
	} else if ((v = option_value(argc, argv, i, "--initrd", &missing))) {
		cfg->initrd_path = v;
	} else if ((v = option_value(argc, argv, i, "--cmdline", &missing))) {
		if (strlen(v) >= VITRO_CMDLINE_MAX)
			return vitro_error_set(err, -EINVAL,
					       "--cmdline: %zu bytes is too long (at most %d)",
					       strlen(v), VITRO_CMDLINE_MAX - 1);
		cfg->cmdline = v;
	} else if ((v = option_value(argc, argv, i, "--mem", &missing))) {
		if (cli_parse_size(v, &cfg->mem_bytes))
			return vitro_error_set(
				err, -EINVAL,
				"--mem %s: not a size (use a number with an optional K, M, G or T suffix, e.g. --mem 512M)",
				v);
	} else if ((v = option_value(argc, argv, i, "--cpus", &missing))) {
		if (parse_cpus(v, &cfg->nr_cpus))
			return vitro_error_set(err, -EINVAL,
					       "--cpus %s: not a number of vCPUs (e.g. --cpus 2)",
					       v);
		if (cfg->nr_cpus == 0)
			return vitro_error_set(err, -EINVAL,
					       "--cpus 0: a VM needs at least one vCPU");
	} else if ((v = option_value(argc, argv, i, "--trace", &missing))) {
		if (!*v)
			return vitro_error_set(err, -EINVAL, "--trace needs a file name");
		cfg->trace.path = v;
	} else if ((v = option_value(argc, argv, i, "--trace-format", &missing))) {
		cfg->trace.format = v;
	} else if ((v = option_value(argc, argv, i, "--trace-events", &missing))) {
		cfg->trace.tuned = true;
		return trace_parse_categories(v, &cfg->trace.categories, err);
	} else if ((v = option_value(argc, argv, i, "--trace-buffer", &missing))) {
		cfg->trace.tuned = true;
		if (cli_parse_size(v, &cfg->trace.buffer_bytes))
			return vitro_error_set(
				err, -EINVAL,
				"--trace-buffer %s: not a size (a power of two such as 1M or 4M)",
				v);
	} else if ((v = option_value(argc, argv, i, "--disk", &missing))) {
		return parse_disk(v, cfg, err);
	} else if (!strcmp(arg, "--gdb-wait")) {
		cfg->gdb_wait = true;
	} else if ((v = option_value(argc, argv, i, "--gdb", &missing))) {
		if (parse_gdb_port(v, &cfg->gdb_port))
			return vitro_error_set(
				err, -EINVAL,
				"--gdb %s: not a TCP port (a number from 1 to 65535, e.g. --gdb 1234)",
				v);
	} else if (missing) {
		return vitro_error_set(err, -EINVAL, "%s needs a value (see vitro --help)", arg);
	} else {
		return vitro_error_set(err, -EINVAL, "unknown option '%s' (see vitro --help)", arg);
	}
	return 0;
}

int cli_parse(int argc, char **argv, const char *default_kernel, enum cli_command *cmd,
	      struct run_config *cfg, struct vitro_error *err)
{
	int i = 1, rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->kernel_path = default_kernel;
	cfg->cmdline = "";
	cfg->mem_bytes = VITRO_DEFAULT_MEM_BYTES;
	cfg->nr_cpus = 1;
	cfg->trace.categories = TRACE_DEFAULT_CATEGORIES;
	cfg->trace.buffer_bytes = TRACE_DEFAULT_BUFFER_BYTES;
	*cmd = CLI_CMD_RUN;

	if (i < argc && !strcmp(argv[i], "run"))
		i++;
	else if (i < argc && argv[i][0] != '-')
		return vitro_error_set(
			err, -EINVAL,
			"unknown command '%s' (commands: run, trace; see vitro --help)", argv[i]);

	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			*cmd = CLI_CMD_HELP;
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			*cmd = CLI_CMD_VERSION;
			return 0;
		}
		if (strncmp(argv[i], "--", 2))
			return vitro_error_set(err, -EINVAL,
					       "unexpected argument '%s' (see vitro --help)",
					       argv[i]);
		rc = parse_run_option(argc, argv, &i, cfg, err);
		if (rc)
			return rc;
	}
	if (!cfg->kernel_path)
		return vitro_error_set(err, -EINVAL, "no kernel given (use --kernel FILE)");
	if (!cfg->trace.path && (cfg->trace.format || cfg->trace.tuned))
		return vitro_error_set(
			err, -EINVAL,
			"--trace-format, --trace-events and --trace-buffer need --trace FILE");
	if (cfg->gdb_wait && !cfg->gdb_port)
		return vitro_error_set(err, -EINVAL,
				       "--gdb-wait needs --gdb PORT (the port gdb attaches to)");
	return 0;
}
