/* Tests for the kernel's command-line parser (guest/kernel/kernel/cmdline.c)
 * built for the host. */
#include <string.h>
#include <vitro/cmdline.h>

#include "unit.h"

/* cmdline_get into a roomy buffer; NULL when the key is absent. */
static const char *get(const char *cmdline, const char *key)
{
	static char buf[128];

	memset(buf, '#', sizeof(buf));
	if (!cmdline_get(cmdline, key, buf, sizeof(buf)))
		return NULL;
	return buf;
}

static void test_cmdline_get_returns_value_of_key(void)
{
	EXPECT_STR(get("console=ttyS0 root=/dev/vda", "root"), "/dev/vda");
	EXPECT_STR(get("console=ttyS0 root=/dev/vda", "console"), "ttyS0");
	EXPECT_STR(get("a=1", "a"), "1");
	EXPECT_STR(get("  a=1  ", "a"), "1");
	/* Only the first '=' separates key from value. */
	EXPECT_STR(get("opt=x=y", "opt"), "x=y");
	EXPECT_STR(get("empty= next=1", "empty"), "");
}

static void test_cmdline_get_last_occurrence_wins(void)
{
	EXPECT_STR(get("loglevel=3 quiet loglevel=7", "loglevel"), "7");
	EXPECT_STR(get("x=1 x=2 x=3", "x"), "3");
}

static void test_cmdline_get_matches_whole_keys_only(void)
{
	EXPECT_STR(get("debugger=1", "debug"), NULL);
	EXPECT_STR(get("debug=1", "debugger"), NULL);
	EXPECT_STR(get("xdebug=1", "debug"), NULL);
	EXPECT_STR(get("", "debug"), NULL);
	/* Words are split on tabs and newlines as well. */
	EXPECT_STR(get("a=1\tb=2\nc=3", "b"), "2");
	EXPECT_STR(get("a=1\tb=2\nc=3", "c"), "3");
}

static void test_cmdline_get_strips_quotes_around_values_with_spaces(void)
{
	EXPECT_STR(get("msg=\"hello world\" n=1", "msg"), "hello world");
	EXPECT_STR(get("msg=\"hello world\" n=1", "n"), "1");
	/* A key inside the quoted value is not a key. */
	EXPECT_STR(get("msg=\"a n=2\" n=1", "n"), "1");
	EXPECT_STR(get("msg=\"a=b\"", "msg"), "a=b");
}

static void test_cmdline_get_ignores_flags_with_that_name(void)
{
	EXPECT_STR(get("quiet debug=1", "quiet"), NULL);
	EXPECT_STR(get("debug=1 debug", "debug"), "1");
}

static void test_cmdline_get_truncates_to_buffer(void)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	EXPECT_TRUE(cmdline_get("k=abcdefgh", "k", buf, 4));
	EXPECT_STR(buf, "abc");
	EXPECT_EQ(buf[4], '#');
	EXPECT_TRUE(cmdline_get("k=abcdefgh", "k", buf, 1));
	EXPECT_STR(buf, "");
	memset(buf, '#', sizeof(buf));
	EXPECT_TRUE(cmdline_get("k=abcdefgh", "k", buf, 0));
	EXPECT_EQ(buf[0], '#');
	/* Quotes do not count against the room. */
	EXPECT_TRUE(cmdline_get("k=\"a b\"", "k", buf, 4));
	EXPECT_STR(buf, "a b");
}

static void test_cmdline_has_finds_flags_and_keys(void)
{
	EXPECT_TRUE(cmdline_has("quiet debug=1", "quiet"));
	EXPECT_TRUE(cmdline_has("quiet debug=1", "debug"));
	EXPECT_TRUE(cmdline_has("\tnoapic\n", "noapic"));
	EXPECT_FALSE(cmdline_has("quiet debug=1", "qui"));
	EXPECT_FALSE(cmdline_has("quietly", "quiet"));
	EXPECT_FALSE(cmdline_has("x=quiet", "quiet"));
	EXPECT_FALSE(cmdline_has("msg=\"a quiet b\"", "quiet"));
	EXPECT_FALSE(cmdline_has("", "quiet"));
}

/* Repeated keys (one virtio_mmio.device= per device) come out in order. */
static void test_cmdline_next_value_visits_every_occurrence(void)
{
	const char *line = "a=1 virtio_mmio.device=512@0xfeb00e00:12 x virtio_mmio.devicex=9 "
			   "virtio_mmio.device=\"4K@0x1000:5\"";
	const char *cursor = line;
	char buf[32];

	cursor = cmdline_next_value(cursor, "virtio_mmio.device", buf, sizeof(buf));
	EXPECT_TRUE(cursor != NULL);
	EXPECT_STR(buf, "512@0xfeb00e00:12");
	cursor = cmdline_next_value(cursor, "virtio_mmio.device", buf, sizeof(buf));
	EXPECT_TRUE(cursor != NULL);
	EXPECT_STR(buf, "4K@0x1000:5");
	EXPECT_TRUE(cmdline_next_value(cursor, "virtio_mmio.device", buf, sizeof(buf)) == NULL);
	EXPECT_TRUE(cmdline_next_value("", "a", buf, sizeof(buf)) == NULL);
}

static CU_TestInfo cmdline_tests[] = {
	UNIT_TEST(test_cmdline_get_returns_value_of_key),
	UNIT_TEST(test_cmdline_get_last_occurrence_wins),
	UNIT_TEST(test_cmdline_get_matches_whole_keys_only),
	UNIT_TEST(test_cmdline_get_strips_quotes_around_values_with_spaces),
	UNIT_TEST(test_cmdline_get_ignores_flags_with_that_name),
	UNIT_TEST(test_cmdline_get_truncates_to_buffer),
	UNIT_TEST(test_cmdline_has_finds_flags_and_keys),
	UNIT_TEST(test_cmdline_next_value_visits_every_occurrence),
	CU_TEST_INFO_NULL,
};

static void unit_register_cmdline(void)
{
	unit_add_suite("cmdline", cmdline_tests);
}

UNIT_REGISTER(unit_register_cmdline)
