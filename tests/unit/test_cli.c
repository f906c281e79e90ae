/* Tests for vitro's command line (vmm/cli.c): defaults, both option
 * spellings, size suffixes and the messages bad input gets. */
#include <errno.h>
#include <string.h>

#include "../../vmm/cli.h"
#include "unit.h"

#define DEFAULT_KERNEL "/default/kernel.elf"

struct parse_result {
	int rc;
	enum cli_command cmd;
	struct run_config cfg;
	struct vitro_error err;
};

static struct parse_result parse_argv(int argc, char **argv, const char *default_kernel)
{
	struct parse_result r;

	memset(&r, 0, sizeof(r));
	r.cmd = (enum cli_command) - 1;
	r.rc = cli_parse(argc, argv, default_kernel, &r.cmd, &r.cfg, &r.err);
	return r;
}

/* PARSE("run", "--mem", "1G") parses `vitro run --mem 1G`. */
#define PARSE(...)                                                    \
	({                                                            \
		char *argv_[] = { "vitro", __VA_ARGS__ };             \
		parse_argv(ARRAY_SIZE(argv_), argv_, DEFAULT_KERNEL); \
	})

static void test_cli_defaults_without_arguments(void)
{
	char *argv[] = { "vitro" };
	struct parse_result r = parse_argv(1, argv, DEFAULT_KERNEL);

	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(r.cmd, CLI_CMD_RUN);
	EXPECT_STR(r.cfg.kernel_path, DEFAULT_KERNEL);
	EXPECT_STR(r.cfg.cmdline, "");
	EXPECT_STR(r.cfg.initrd_path, NULL);
	EXPECT_EQ(r.cfg.mem_bytes, 256ull << 20);
	EXPECT_EQ(r.cfg.nr_cpus, 1);
}

static void test_cli_run_command_is_optional(void)
{
	struct parse_result with_run = PARSE("run", "--mem", "1G", "--cpus", "3");
	struct parse_result without = PARSE("--mem", "1G", "--cpus", "3");

	EXPECT_EQ(with_run.rc, 0);
	EXPECT_EQ(without.rc, 0);
	EXPECT_EQ(with_run.cmd, CLI_CMD_RUN);
	EXPECT_EQ(without.cmd, CLI_CMD_RUN);
	EXPECT_EQ(with_run.cfg.mem_bytes, 1ull << 30);
	EXPECT_EQ(without.cfg.mem_bytes, 1ull << 30);
	EXPECT_EQ(with_run.cfg.nr_cpus, 3);
	EXPECT_EQ(without.cfg.nr_cpus, 3);
}

static void test_cli_run_alone_keeps_defaults(void)
{
	struct parse_result r = PARSE("run");

	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(r.cmd, CLI_CMD_RUN);
	EXPECT_STR(r.cfg.kernel_path, DEFAULT_KERNEL);
	EXPECT_EQ(r.cfg.mem_bytes, 256ull << 20);
	EXPECT_EQ(r.cfg.nr_cpus, 1);
}

static void test_cli_accepts_options_with_separate_values(void)
{
	struct parse_result r =
		PARSE("run", "--kernel", "k.elf", "--cmdline", "console=ttyS0 quiet", "--mem",
		      "512M", "--cpus", "4", "--initrd", "rd.img");

	EXPECT_EQ(r.rc, 0);
	EXPECT_STR(r.cfg.kernel_path, "k.elf");
	EXPECT_STR(r.cfg.cmdline, "console=ttyS0 quiet");
	EXPECT_EQ(r.cfg.mem_bytes, 512ull << 20);
	EXPECT_EQ(r.cfg.nr_cpus, 4);
	EXPECT_STR(r.cfg.initrd_path, "rd.img");
}

static void test_cli_accepts_options_with_equals_values(void)
{
	struct parse_result r = PARSE("run", "--kernel=k.elf", "--cmdline=a=b c", "--mem=2G",
				      "--cpus=8", "--initrd=rd.img");

	EXPECT_EQ(r.rc, 0);
	EXPECT_STR(r.cfg.kernel_path, "k.elf");
	EXPECT_STR(r.cfg.cmdline, "a=b c");
	EXPECT_EQ(r.cfg.mem_bytes, 2ull << 30);
	EXPECT_EQ(r.cfg.nr_cpus, 8);
	EXPECT_STR(r.cfg.initrd_path, "rd.img");
}

static void test_cli_last_repeated_option_wins(void)
{
	struct parse_result r = PARSE("--mem", "1G", "--mem=64M", "--cpus", "2", "--cpus", "5");

	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(r.cfg.mem_bytes, 64ull << 20);
	EXPECT_EQ(r.cfg.nr_cpus, 5);
}

static void test_cli_help_and_version_select_their_commands(void)
{
	EXPECT_EQ(PARSE("--help").cmd, CLI_CMD_HELP);
	EXPECT_EQ(PARSE("-h").cmd, CLI_CMD_HELP);
	EXPECT_EQ(PARSE("run", "--help").cmd, CLI_CMD_HELP);
	EXPECT_EQ(PARSE("--version").cmd, CLI_CMD_VERSION);
	EXPECT_EQ(PARSE("--version").rc, 0);
	/* Help wins over options that come after it, even bad ones. */
	EXPECT_EQ(PARSE("--help", "--bogus").rc, 0);
	EXPECT_EQ(PARSE("--help", "--bogus").cmd, CLI_CMD_HELP);
}

static void test_cli_rejects_unknown_option_naming_it(void)
{
	struct parse_result r = PARSE("run", "--frobnicate", "1");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "--frobnicate");
}

static void test_cli_rejects_option_that_only_starts_with_a_known_name(void)
{
	struct parse_result r = PARSE("--memory", "1G");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "unknown option '--memory'");
}

static void test_cli_rejects_unknown_command_naming_it(void)
{
	struct parse_result r = PARSE("start", "--mem", "1G");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "unknown command 'start'");
}

static void test_cli_rejects_stray_argument_naming_it(void)
{
	struct parse_result r = PARSE("run", "kernel.elf");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "kernel.elf");
}

static void test_cli_rejects_option_missing_its_value_naming_it(void)
{
	static const char *const options[] = { "--kernel", "--cmdline", "--mem", "--cpus",
					       "--initrd" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(options); i++) {
		char *argv[] = { "vitro", "run", (char *)options[i] };
		struct parse_result r = parse_argv(3, argv, DEFAULT_KERNEL);

		EXPECT_EQ(r.rc, -EINVAL);
		EXPECT_CONTAINS(r.err.msg, options[i]);
		EXPECT_CONTAINS(r.err.msg, "needs a value");
	}
}

static void test_cli_rejects_zero_cpus(void)
{
	struct parse_result r = PARSE("--cpus", "0");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "--cpus");
}

static void test_cli_rejects_cpus_that_are_not_a_number(void)
{
	static const char *const values[] = {
		"abc", "-1", "2x", "", " 2", "+2", "99999999999999999999999"
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		char *argv[] = { "vitro", "--cpus", (char *)values[i] };
		struct parse_result r = parse_argv(3, argv, DEFAULT_KERNEL);

		if (!EXPECT_EQ(r.rc, -EINVAL))
			UNIT_FAIL("--cpus '%s' was accepted", values[i]);
		EXPECT_CONTAINS(r.err.msg, "--cpus");
	}
}

static void test_cli_rejects_memory_sizes_that_are_not_sizes(void)
{
	static const char *const values[] = {
		"0x10",
		"12Q",
		"",
		"-1",
		"M",
		" 1G",
		"1.5G",
		"1GiBB",
		"1iB",
		"1Mi",
		"1 G",
		"99999999999T",
		"18446744073709551616",
		"16777216T",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		char *argv[] = { "vitro", "--mem", (char *)values[i] };
		struct parse_result r = parse_argv(3, argv, DEFAULT_KERNEL);

		if (!EXPECT_EQ(r.rc, -EINVAL))
			UNIT_FAIL("--mem '%s' was accepted as %llu bytes", values[i],
				  (unsigned long long)r.cfg.mem_bytes);
		EXPECT_CONTAINS(r.err.msg, "--mem");
		EXPECT_CONTAINS(r.err.msg, values[i]);
	}
}

static void test_cli_parse_size_applies_binary_suffixes(void)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} cases[] = {
		{ "0", 0 },
		{ "65536", 65536 },
		{ "64k", 64ull << 10 },
		{ "64K", 64ull << 10 },
		{ "3m", 3ull << 20 },
		{ "512M", 512ull << 20 },
		{ "2g", 2ull << 30 },
		{ "2G", 2ull << 30 },
		{ "1t", 1ull << 40 },
		{ "1T", 1ull << 40 },
		{ "512MiB", 512ull << 20 },
		{ "2GB", 2ull << 30 },
		{ "4KiB", 4ull << 10 },
		{ "1TB", 1ull << 40 },
		{ "18446744073709551615", UINT64_MAX },
		{ "16777215T", 16777215ull << 40 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t bytes = 0xdeadbeef;
		int rc = cli_parse_size(cases[i].text, &bytes);

		if (rc || bytes != cases[i].bytes)
			UNIT_FAIL("cli_parse_size(\"%s\") = %d, %llu bytes; want 0, %llu",
				  cases[i].text, rc, (unsigned long long)bytes,
				  (unsigned long long)cases[i].bytes);
	}
}

static void test_cli_parse_size_leaves_result_alone_on_error(void)
{
	uint64_t bytes = 1234;

	EXPECT_EQ(cli_parse_size("99999999999T", &bytes), -EINVAL);
	EXPECT_EQ(cli_parse_size("12Q", &bytes), -EINVAL);
	EXPECT_EQ(cli_parse_size(NULL, &bytes), -EINVAL);
	EXPECT_EQ(bytes, 1234);
}

static void test_cli_rejects_cmdline_longer_than_4095_bytes(void)
{
	static char longest[VITRO_CMDLINE_MAX], too_long[VITRO_CMDLINE_MAX + 1];
	struct parse_result r;

	memset(longest, 'a', sizeof(longest) - 1);
	memset(too_long, 'b', sizeof(too_long) - 1);
	r = PARSE("--cmdline", longest);
	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(strlen(r.cfg.cmdline), VITRO_CMDLINE_MAX - 1);
	r = PARSE("--cmdline", too_long);
	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "--cmdline");
	EXPECT_CONTAINS(r.err.msg, "4096 bytes is too long");
}

static void test_cli_requires_a_kernel_when_there_is_no_default(void)
{
	char *argv[] = { "vitro", "run" };
	char *with_kernel[] = { "vitro", "run", "--kernel", "k.elf" };
	struct parse_result r = parse_argv(2, argv, NULL);

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "--kernel");
	r = parse_argv(4, with_kernel, NULL);
	EXPECT_EQ(r.rc, 0);
	EXPECT_STR(r.cfg.kernel_path, "k.elf");
}

static void test_cli_gdb_takes_a_port_and_gdb_wait_needs_it(void)
{
	struct parse_result r = PARSE("run", "--gdb", "1234", "--gdb-wait");

	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(r.cfg.gdb_port, 1234);
	EXPECT_TRUE(r.cfg.gdb_wait);
	r = PARSE("--gdb=65535");
	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(r.cfg.gdb_port, 65535);
	EXPECT_FALSE(r.cfg.gdb_wait);
	r = PARSE("run");
	EXPECT_EQ(r.cfg.gdb_port, 0);
	r = PARSE("run", "--gdb-wait");
	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "--gdb-wait needs --gdb PORT");
}

static void test_cli_rejects_gdb_ports_outside_1_to_65535(void)
{
	static const char *const bad[] = { "0", "65536", "-1", "12ab", "", "99999999999999999999" };
	struct parse_result r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = PARSE("--gdb", (char *)bad[i]);
		EXPECT_EQ(r.rc, -EINVAL);
		EXPECT_CONTAINS(r.err.msg, "not a TCP port");
	}
	r = PARSE("--gdb");
	EXPECT_CONTAINS(r.err.msg, "--gdb needs a value");
}

static void test_cli_disk_takes_path_and_options(void)
{
	struct parse_result r = PARSE("--disk", "a.img", "--disk=/x/b.img,ro,queues=4,cache=none",
				      "--disk", "c.img,cache=none,cache=writeback");

	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(r.cfg.nr_disks, 3);
	EXPECT_STR(r.cfg.disks[0].path, "a.img");
	EXPECT_FALSE(r.cfg.disks[0].is_read_only);
	EXPECT_FALSE(r.cfg.disks[0].is_direct);
	EXPECT_EQ(r.cfg.disks[0].nr_queues, 0); /* one per vCPU, decided later */
	EXPECT_STR(r.cfg.disks[1].path, "/x/b.img");
	EXPECT_TRUE(r.cfg.disks[1].is_read_only);
	EXPECT_TRUE(r.cfg.disks[1].is_direct);
	EXPECT_EQ(r.cfg.disks[1].nr_queues, 4);
	EXPECT_STR(r.cfg.disks[2].path, "c.img");
	EXPECT_FALSE(r.cfg.disks[2].is_direct); /* the last cache= wins */
	EXPECT_EQ(PARSE("--disk", "d.img,queues=64").cfg.disks[0].nr_queues, 64);
}

static void test_cli_disk_refuses_bad_specs(void)
{
	static const struct {
		const char *spec, *message;
	} bad[] = {
		{ "a.img,rw", "--disk a.img,rw: unknown option 'rw'" },
		{ "a.img,", "unknown option ''" },
		{ "a.img,queues=0", "queues=0 is not 1 to 64" },
		{ "a.img,queues=65", "queues=65 is not 1 to 64" },
		{ "a.img,queues=x", "queues=x is not 1 to 64" },
		{ "a.img,queues=99999999999999999999", "is not 1 to 64" },
		{ "a.img,cache=directsync", "unknown option 'cache=directsync'" },
		{ ",ro", "no image file" },
		{ "", "no image file" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct parse_result r = PARSE("--disk", (char *)bad[i].spec);

		EXPECT_EQ(r.rc, -EINVAL);
		EXPECT_CONTAINS(r.err.msg, bad[i].message);
	}
	EXPECT_CONTAINS(PARSE("--disk").err.msg, "--disk needs a value");
}

static void test_cli_disk_allows_eight_disks(void)
{
	struct parse_result eight =
		PARSE("--disk", "1", "--disk", "2", "--disk", "3", "--disk", "4", "--disk", "5",
		      "--disk", "6", "--disk", "7", "--disk", "8");
	struct parse_result nine =
		PARSE("--disk", "1", "--disk", "2", "--disk", "3", "--disk", "4", "--disk", "5",
		      "--disk", "6", "--disk", "7", "--disk", "8", "--disk", "9");

	EXPECT_EQ(eight.rc, 0);
	EXPECT_EQ(eight.cfg.nr_disks, 8);
	EXPECT_STR(eight.cfg.disks[7].path, "8");
	EXPECT_EQ(nine.rc, -EINVAL);
	EXPECT_CONTAINS(nine.err.msg, "--disk 9: at most 8 disks");
}

static CU_TestInfo cli_tests[] = {
	UNIT_TEST(test_cli_defaults_without_arguments),
	UNIT_TEST(test_cli_run_command_is_optional),
	UNIT_TEST(test_cli_run_alone_keeps_defaults),
	UNIT_TEST(test_cli_accepts_options_with_separate_values),
	UNIT_TEST(test_cli_accepts_options_with_equals_values),
	UNIT_TEST(test_cli_last_repeated_option_wins),
	UNIT_TEST(test_cli_help_and_version_select_their_commands),
	UNIT_TEST(test_cli_rejects_unknown_option_naming_it),
	UNIT_TEST(test_cli_rejects_option_that_only_starts_with_a_known_name),
	UNIT_TEST(test_cli_rejects_unknown_command_naming_it),
	UNIT_TEST(test_cli_rejects_stray_argument_naming_it),
	UNIT_TEST(test_cli_rejects_option_missing_its_value_naming_it),
	UNIT_TEST(test_cli_rejects_zero_cpus),
	UNIT_TEST(test_cli_rejects_cpus_that_are_not_a_number),
	UNIT_TEST(test_cli_rejects_memory_sizes_that_are_not_sizes),
	UNIT_TEST(test_cli_parse_size_applies_binary_suffixes),
	UNIT_TEST(test_cli_parse_size_leaves_result_alone_on_error),
	UNIT_TEST(test_cli_rejects_cmdline_longer_than_4095_bytes),
	UNIT_TEST(test_cli_requires_a_kernel_when_there_is_no_default),
	UNIT_TEST(test_cli_gdb_takes_a_port_and_gdb_wait_needs_it),
	UNIT_TEST(test_cli_rejects_gdb_ports_outside_1_to_65535),
	UNIT_TEST(test_cli_disk_takes_path_and_options),
	UNIT_TEST(test_cli_disk_refuses_bad_specs),
	UNIT_TEST(test_cli_disk_allows_eight_disks),
	CU_TEST_INFO_NULL,
};

static void unit_register_cli(void)
{
	unit_add_suite("cli", cli_tests);
}

UNIT_REGISTER(unit_register_cli)
