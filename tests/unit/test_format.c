/* Tests for the kernel's printf engine (guest/kernel/lib/format.c) built for
 * the host: every case is formatted by the C library too, and the two must
 * agree on the text and the returned length. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <vitro/format.h>

#include "unit.h"

static void expect_same_at(const char *file, unsigned int line, const char *call, const char *want,
			   int want_len, const char *got, int got_len)
{
	if (strcmp(want, got) || want_len != got_len)
		unit_fail_at(file, line, "%s: got \"%s\" (%d), C library \"%s\" (%d)", call, got,
			     got_len, want, want_len);
}

/* EXPECT_SAME("%5d", 42) formats with both and compares. */
#define EXPECT_SAME(...)                                                                 \
	do {                                                                             \
		char want_[256], got_[256];                                              \
		int want_len_ = snprintf(want_, sizeof(want_), __VA_ARGS__);             \
		int got_len_ = format_snprintf(got_, sizeof(got_), __VA_ARGS__);         \
		expect_same_at(__FILE__, __LINE__, #__VA_ARGS__, want_, want_len_, got_, \
			       got_len_);                                                \
	} while (0)

static void test_format_signed_decimal_matches_libc(void)
{
	EXPECT_SAME("%d", 0);
	EXPECT_SAME("%d", 42);
	EXPECT_SAME("%d", -42);
	EXPECT_SAME("%i", 123456789);
	EXPECT_SAME("%d", INT_MAX);
	EXPECT_SAME("%d", INT_MIN);
	EXPECT_SAME("%i|%d", -1, 1);
	EXPECT_SAME("x%dy%dz", 7, -8);
}

static void test_format_unsigned_hex_octal_match_libc(void)
{
	EXPECT_SAME("%u", 0u);
	EXPECT_SAME("%u", 4000000000u);
	EXPECT_SAME("%u", UINT_MAX);
	EXPECT_SAME("%x", 0xdeadbeefu);
	EXPECT_SAME("%X", 0xdeadbeefu);
	EXPECT_SAME("%x", 0u);
	EXPECT_SAME("%o", 0u);
	EXPECT_SAME("%o", 8u);
	EXPECT_SAME("%o", 0777u);
	EXPECT_SAME("%o", UINT_MAX);
}

static void test_format_flags_match_libc(void)
{
	EXPECT_SAME("%-5d|", 42);
	EXPECT_SAME("%05d", 42);
	EXPECT_SAME("%05d", -42);
	EXPECT_SAME("%+d", 42);
	EXPECT_SAME("%+d", -42);
	EXPECT_SAME("%+d", 0);
	EXPECT_SAME("% d", 42);
	EXPECT_SAME("% d", -42);
	EXPECT_SAME("%#x", 0xffu);
	EXPECT_SAME("%#X", 0xffu);
	EXPECT_SAME("%#x", 0u);
	EXPECT_SAME("%#o", 8u);
	EXPECT_SAME("%#o", 0u);
	EXPECT_SAME("%#08x", 0x1fu);
	EXPECT_SAME("%#-8x|", 0x1fu);
	EXPECT_SAME("%0+6d", 7);
	EXPECT_SAME("% 05d", 7);
}

/*
 * Flags that a conversion ignores: compilers warn about them (and -Werror
 * keeps them out of the kernel), but C11 7.21.6.1 says what they mean and
 * the engine must agree with the C library anyway.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
static void test_format_overridden_flags_are_ignored_as_in_libc(void)
{
	EXPECT_SAME("%+ d", 42);
	EXPECT_SAME("%-05d|", 42);
	EXPECT_SAME("%08.5d|", 42);
	EXPECT_SAME("");
}

static void test_format_plus_and_space_do_not_apply_to_unsigned(void)
{
	/* '+' and ' ' concern signed conversions only. */
	EXPECT_SAME("%+u", 5u);
	EXPECT_SAME("% u", 5u);
	EXPECT_SAME("%+x", 0xabu);
	EXPECT_SAME("% o", 8u);
}

static void test_format_hh_and_h_narrow_wider_arguments_as_libc(void)
{
	/* The int argument is converted to (unsigned) char or short first. */
	EXPECT_SAME("%hhd", 200);
	EXPECT_SAME("%hhu", 300);
	EXPECT_SAME("%hhx", 0x1ffu);
	EXPECT_SAME("%hd", 70000);
	EXPECT_SAME("%hu", 70000);
	EXPECT_SAME("%hx", 0x12345u);
}
#pragma GCC diagnostic pop

static void test_format_width_matches_libc(void)
{
	EXPECT_SAME("%5d|", 42);
	EXPECT_SAME("%1d|", 12345);
	EXPECT_SAME("%12u|", 3000000000u);
	EXPECT_SAME("%8x|", 0xabcu);
	EXPECT_SAME("%10s|", "abc");
	EXPECT_SAME("%-10s|", "abc");
	EXPECT_SAME("%2s|", "abcdef");
	EXPECT_SAME("%5c|", 'q');
	EXPECT_SAME("%-5c|", 'q');
	EXPECT_SAME("%20p|", (void *)0x1234);
	EXPECT_SAME("%-20p|", (void *)0x1234);
}

static void test_format_precision_matches_libc(void)
{
	EXPECT_SAME("%.5d", 42);
	EXPECT_SAME("%.5d", -42);
	EXPECT_SAME("%8.5d|", -42);
	EXPECT_SAME("%-8.5d|", 42);
	EXPECT_SAME("%.0d|", 0);
	EXPECT_SAME("%5.0d|", 0);
	EXPECT_SAME("%.d|", 0);
	EXPECT_SAME("%+.0d|", 0);
	EXPECT_SAME("%.0d|", 7);
	EXPECT_SAME("%.3x", 0xau);
	EXPECT_SAME("%#.4x", 0x1fu);
	EXPECT_SAME("%.3s|", "abcdef");
	EXPECT_SAME("%.10s|", "abc");
	EXPECT_SAME("%.0s|", "abc");
	EXPECT_SAME("%6.2s|", "abc");
	EXPECT_SAME("%-6.2s|", "abc");
}

static void test_format_alternate_octal_with_precision_matches_libc(void)
{
	/* C11 7.21.6.1: '#' raises an o conversion's precision only as far as
	 * a leading zero needs; if value and precision are 0, "0" is printed. */
	EXPECT_SAME("%#.3o", 8u);
	EXPECT_SAME("%#.5o", 8u);
	EXPECT_SAME("%#.0o", 0u);
	EXPECT_SAME("%#6.4o|", 8u);
}

static void test_format_alternate_hex_of_zero_has_no_prefix(void)
{
	/* '#' adds 0x to a nonzero result only; 0 with precision 0 is empty. */
	EXPECT_SAME("%#x", 0u);
	EXPECT_SAME("%#.0x", 0u);
	EXPECT_SAME("%#5.0X|", 0u);
}

static void test_format_star_width_and_precision_match_libc(void)
{
	EXPECT_SAME("%*d|", 6, 42);
	EXPECT_SAME("%*d|", -6, 42);
	EXPECT_SAME("%-*d|", 6, 42);
	EXPECT_SAME("%.*d|", 4, 42);
	EXPECT_SAME("%.*d|", -1, 42);
	EXPECT_SAME("%*.*d|", 8, 4, -42);
	EXPECT_SAME("%*s|", 5, "ab");
	EXPECT_SAME("%.*s|", 2, "abcdef");
	EXPECT_SAME("%*.*s|", -6, 3, "abcdef");
	EXPECT_SAME("%0*d|", 5, -3);
}

static void test_format_length_modifiers_match_libc(void)
{
	EXPECT_SAME("%hhd", (signed char)-56);
	EXPECT_SAME("%hd", (short)-1234);
	EXPECT_SAME("%ld", LONG_MIN);
	EXPECT_SAME("%ld", LONG_MAX);
	EXPECT_SAME("%lu", ULONG_MAX);
	EXPECT_SAME("%lx", 0x123456789abcdefUL);
	EXPECT_SAME("%lld", LLONG_MIN);
	EXPECT_SAME("%lli", LLONG_MAX);
	EXPECT_SAME("%llu", ULLONG_MAX);
	EXPECT_SAME("%llX", 0xfedcba9876543210ULL);
	EXPECT_SAME("%llo", ULLONG_MAX);
	EXPECT_SAME("%zu", (size_t)SIZE_MAX);
	EXPECT_SAME("%zx", (size_t)0xabcdef);
	EXPECT_SAME("%zd", (ssize_t)-1);
	EXPECT_SAME("%td", (ptrdiff_t)-12345);
	EXPECT_SAME("%jd", (intmax_t)INT64_MIN);
	EXPECT_SAME("%ju", (uintmax_t)UINT64_MAX);
	EXPECT_SAME("%020llx|", 0xabcULL);
	EXPECT_SAME("%-+22lld|", LLONG_MIN);
}

static void test_format_chars_strings_and_percent_match_libc(void)
{
	EXPECT_SAME("%c", 'A');
	EXPECT_SAME("%c%c%c", 'a', 'b', 'c');
	EXPECT_SAME("%c", 0x80 | 'A');
	EXPECT_SAME("%s", "");
	EXPECT_SAME("%s", "hello, world");
	EXPECT_SAME("%s/%s", "a", "b");
	EXPECT_SAME("%%");
	EXPECT_SAME("100%% of %d", 5);
	EXPECT_SAME("plain text");
}

static void test_format_pointer_matches_libc(void)
{
	int local;

	EXPECT_SAME("%p", (void *)0x1);
	EXPECT_SAME("%p", (void *)0xffffffff80001000ull);
	EXPECT_SAME("%p", (void *)&local);
	EXPECT_SAME("%p", (void *)UINTPTR_MAX);
}

static void test_format_null_string_prints_null_marker(void)
{
	char buf[32];
	/* Hidden from the compiler, which would warn about a literal NULL. */
	const char *volatile null_string = NULL;

	EXPECT_EQ(format_snprintf(buf, sizeof(buf), "[%s]", null_string), 8);
	EXPECT_STR(buf, "[(null)]");
}

static void test_format_truncates_and_returns_full_length(void)
{
	const char *full = "abc-12345-zz";
	char buf[32];
	size_t size;

	for (size = 1; size <= strlen(full) + 2; size++) {
		size_t kept = size - 1 < strlen(full) ? size - 1 : strlen(full);
		int n;

		memset(buf, '#', sizeof(buf));
		n = format_snprintf(buf, size, "%s-%d-%c%c", "abc", 12345, 'z', 'z');
		if (n != (int)strlen(full))
			UNIT_FAIL("size %zu: returned %d, want %zu", size, n, strlen(full));
		if (strncmp(buf, full, kept) || buf[kept] != '\0')
			UNIT_FAIL("size %zu: buffer holds \"%.*s\"", size, (int)size, buf);
		if (buf[size] != '#')
			UNIT_FAIL("size %zu: wrote past the buffer", size);
	}
}

static void test_format_size_zero_writes_nothing(void)
{
	char buf[4] = "###";

	EXPECT_EQ(format_snprintf(buf, 0, "%d", 12345), 5);
	EXPECT_STR(buf, "###");
	EXPECT_EQ(format_snprintf(NULL, 0, "%s%s", "ab", "cd"), 4);
}

static CU_TestInfo format_tests[] = {
	UNIT_TEST(test_format_signed_decimal_matches_libc),
	UNIT_TEST(test_format_unsigned_hex_octal_match_libc),
	UNIT_TEST(test_format_flags_match_libc),
	UNIT_TEST(test_format_overridden_flags_are_ignored_as_in_libc),
	UNIT_TEST(test_format_plus_and_space_do_not_apply_to_unsigned),
	UNIT_TEST(test_format_width_matches_libc),
	UNIT_TEST(test_format_precision_matches_libc),
	UNIT_TEST(test_format_alternate_octal_with_precision_matches_libc),
	UNIT_TEST(test_format_alternate_hex_of_zero_has_no_prefix),
	UNIT_TEST(test_format_star_width_and_precision_match_libc),
	UNIT_TEST(test_format_length_modifiers_match_libc),
	UNIT_TEST(test_format_hh_and_h_narrow_wider_arguments_as_libc),
	UNIT_TEST(test_format_chars_strings_and_percent_match_libc),
	UNIT_TEST(test_format_pointer_matches_libc),
	UNIT_TEST(test_format_null_string_prints_null_marker),
	UNIT_TEST(test_format_truncates_and_returns_full_length),
	UNIT_TEST(test_format_size_zero_writes_nothing),
	CU_TEST_INFO_NULL,
};

static void unit_register_format(void)
{
	unit_add_suite("format", format_tests);
}

UNIT_REGISTER(unit_register_format)
