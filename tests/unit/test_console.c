/* Tests for the console's Ctrl-A escape handling (vmm/console.c). */
#include "../../vmm/console.h"
#include "unit.h"

#define CTRL_A 0x01

static void test_console_passes_plain_bytes_through(void)
{
	struct console_escape esc = { 0 };
	unsigned int byte;
	uint8_t out;

	for (byte = 0; byte < 256; byte++) {
		if (byte == CTRL_A)
			continue;
		out = (uint8_t)~byte;
		if (console_escape_feed(&esc, byte, &out) != CONSOLE_SEND || out != byte) {
			UNIT_FAIL("byte 0x%02x was not sent as itself", byte);
			break;
		}
	}
}

static void test_console_ctrl_a_x_quits(void)
{
	struct console_escape esc = { 0 };
	uint8_t out = 0;

	EXPECT_EQ(console_escape_feed(&esc, CTRL_A, &out), CONSOLE_NONE);
	EXPECT_EQ(console_escape_feed(&esc, 'x', &out), CONSOLE_QUIT);
	EXPECT_EQ(console_escape_feed(&esc, CTRL_A, &out), CONSOLE_NONE);
	EXPECT_EQ(console_escape_feed(&esc, 'X', &out), CONSOLE_QUIT);
}

static void test_console_ctrl_a_twice_sends_one_ctrl_a(void)
{
	struct console_escape esc = { 0 };
	uint8_t out = 0;

	EXPECT_EQ(console_escape_feed(&esc, CTRL_A, &out), CONSOLE_NONE);
	EXPECT_EQ(console_escape_feed(&esc, CTRL_A, &out), CONSOLE_SEND);
	EXPECT_EQ(out, CTRL_A);
	/* The escape is over: 'x' is now just an 'x'. */
	EXPECT_EQ(console_escape_feed(&esc, 'x', &out), CONSOLE_SEND);
	EXPECT_EQ(out, 'x');
}

static void test_console_ctrl_a_h_shows_help(void)
{
	struct console_escape esc = { 0 };
	uint8_t out = 0;

	EXPECT_EQ(console_escape_feed(&esc, CTRL_A, &out), CONSOLE_NONE);
	EXPECT_EQ(console_escape_feed(&esc, 'h', &out), CONSOLE_HELP);
	EXPECT_EQ(console_escape_feed(&esc, 'h', &out), CONSOLE_SEND);
	EXPECT_EQ(out, 'h');
}

static void test_console_ctrl_a_other_key_is_swallowed(void)
{
	struct console_escape esc = { 0 };
	uint8_t out = 0x77;

	EXPECT_EQ(console_escape_feed(&esc, CTRL_A, &out), CONSOLE_NONE);
	EXPECT_EQ(console_escape_feed(&esc, 'z', &out), CONSOLE_NONE);
	EXPECT_EQ(out, 0x77);
	EXPECT_EQ(console_escape_feed(&esc, 'x', &out), CONSOLE_SEND);
	EXPECT_EQ(out, 'x');
}

static CU_TestInfo console_tests[] = {
	UNIT_TEST(test_console_passes_plain_bytes_through),
	UNIT_TEST(test_console_ctrl_a_x_quits),
	UNIT_TEST(test_console_ctrl_a_twice_sends_one_ctrl_a),
	UNIT_TEST(test_console_ctrl_a_h_shows_help),
	UNIT_TEST(test_console_ctrl_a_other_key_is_swallowed),
	CU_TEST_INFO_NULL,
};

static void unit_register_console(void)
{
	unit_add_suite("console", console_tests);
}

UNIT_REGISTER(unit_register_console)
