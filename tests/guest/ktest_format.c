/* In-guest checks of the kernel's printf engine (the host unit tests compare
 * it with the C library in depth; here we prove the freestanding build). */
#include <vitro/format.h>
#include <vitro/ktest.h>
#include <vitro/string.h>

KTEST(format_integers_and_padding)
{
	char buf[64];

	format_snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08llx|%#x", -42, 7u, 0xabu, 0x1234ull,
			255u);
	KTEST_EXPECT_STREQ(buf, "-42|    7|ab  |00001234|0xff");
}

KTEST(format_truncates_and_reports_full_length)
{
	char buf[8];
	int n = format_snprintf(buf, sizeof(buf), "%s", "0123456789");

	KTEST_EXPECT_EQ(n, 10);
	KTEST_EXPECT_STREQ(buf, "0123456");
}
