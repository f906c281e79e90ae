/* vitro's tracing options (vmm/cli.c): --trace, --trace-format,
 * --trace-events, --trace-buffer, their defaults and their errors. */
#include <errno.h>
#include <string.h>

#include "../../vmm/cli.h"
#include "../../vmm/trace/trace.h"
#include "unit.h"

struct trace_parse {
	int rc;
	struct run_config cfg;
	struct vitro_error err;
};

#define PARSE_TRACE(...)                                                                       \
	({                                                                                     \
		char *argv_[] = { "vitro", "run", __VA_ARGS__ };                               \
		struct trace_parse r_ = { 0 };                                                 \
		enum cli_command cmd_;                                                         \
		r_.rc = cli_parse(ARRAY_SIZE(argv_), argv_, "k.elf", &cmd_, &r_.cfg, &r_.err); \
		r_;                                                                            \
	})

static void test_cli_trace_off_by_default(void)
{
	struct trace_parse r = PARSE_TRACE("--cpus", "2");

	EXPECT_EQ(r.rc, 0);
	EXPECT_TRUE(r.cfg.trace.path == NULL);
}

static void test_cli_trace_defaults(void)
{
	struct trace_parse r = PARSE_TRACE("--trace", "out.json");

	EXPECT_EQ(r.rc, 0);
	EXPECT_STR(r.cfg.trace.path, "out.json");
	EXPECT_TRUE(r.cfg.trace.format == NULL);
	EXPECT_EQ(r.cfg.trace.categories, TRACE_ALL_CATEGORIES);
	EXPECT_EQ(r.cfg.trace.buffer_bytes, 1u << 20);
}

static void test_cli_trace_events_list(void)
{
	struct trace_parse r = PARSE_TRACE("--trace=t", "--trace-events", "sched,irq",
					   "--trace-buffer=4M", "--trace-format", "ctf");

	EXPECT_EQ(r.rc, 0);
	EXPECT_EQ(r.cfg.trace.categories, (1u << TRACE_CAT_SCHED) | (1u << TRACE_CAT_IRQ));
	EXPECT_EQ(r.cfg.trace.buffer_bytes, 4u << 20);
	EXPECT_STR(r.cfg.trace.format, "ctf");
	r = PARSE_TRACE("--trace", "t", "--trace-events", "printk,all");
	EXPECT_EQ(r.cfg.trace.categories, TRACE_ALL_CATEGORIES);
}

static void test_cli_trace_rejects_unknown_category_naming_it(void)
{
	struct trace_parse r = PARSE_TRACE("--trace", "t", "--trace-events", "sched,disk");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "'disk'");
	r = PARSE_TRACE("--trace", "t", "--trace-events", "sched,,irq");
	EXPECT_EQ(r.rc, -EINVAL);
	r = PARSE_TRACE("--trace", "t", "--trace-events", "");
	EXPECT_EQ(r.rc, -EINVAL);
}

static void test_cli_trace_tuning_needs_trace(void)
{
	struct trace_parse r = PARSE_TRACE("--trace-events", "sched");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "need --trace FILE");
	r = PARSE_TRACE("--trace-format", "json");
	EXPECT_EQ(r.rc, -EINVAL);
	r = PARSE_TRACE("--trace-buffer", "1M");
	EXPECT_EQ(r.rc, -EINVAL);
}

static void test_cli_trace_rejects_bad_buffer_and_empty_name(void)
{
	struct trace_parse r = PARSE_TRACE("--trace", "t", "--trace-buffer", "lots");

	EXPECT_EQ(r.rc, -EINVAL);
	EXPECT_CONTAINS(r.err.msg, "--trace-buffer lots");
	r = PARSE_TRACE("--trace=");
	EXPECT_EQ(r.rc, -EINVAL);
}

static CU_TestInfo cli_trace_tests[] = {
	UNIT_TEST(test_cli_trace_off_by_default),
	UNIT_TEST(test_cli_trace_defaults),
	UNIT_TEST(test_cli_trace_events_list),
	UNIT_TEST(test_cli_trace_rejects_unknown_category_naming_it),
	UNIT_TEST(test_cli_trace_tuning_needs_trace),
	UNIT_TEST(test_cli_trace_rejects_bad_buffer_and_empty_name),
	CU_TEST_INFO_NULL,
};

static void register_cli_trace_tests(void)
{
	unit_add_suite("cli_trace", cli_trace_tests);
}
UNIT_REGISTER(register_cli_trace_tests)
