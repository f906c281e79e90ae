/* Tests for symbol lookup (guest/kernel/lib/kallsyms.c) over tables built
 * here the way scripts/gen-kallsyms lays them out. */
#include <string.h>
#include <vitro/kallsyms.h>

#include "unit.h"

/* a at 0x1000, b and its alias b_alias at 0x1010, c at 0x1040; text ends
 * at 0x1100. */
static const uint64_t addresses[] = { 0x1000, 0x1010, 0x1010, 0x1040 };
static const char names[] = "a\0b\0b_alias\0c";
static const uint32_t name_offsets[] = { 0, 2, 4, 12 };
static const struct kallsyms_table table = {
	.nr_symbols = 4,
	.addresses = addresses,
	.name_offsets = name_offsets,
	.names = names,
	.text_end = 0x1100,
};

struct lookup {
	const char *name;
	uint64_t offset, size;
};

static struct lookup lookup(const struct kallsyms_table *t, uint64_t addr)
{
	struct lookup r = { NULL, 0xdead, 0xbeef };

	r.name = kallsyms_lookup_in(t, addr, &r.offset, &r.size);
	return r;
}

static void test_kallsyms_exact_address_has_offset_zero(void)
{
	struct lookup r = lookup(&table, 0x1000);

	EXPECT_STR(r.name, "a");
	EXPECT_EQ(r.offset, 0);
	EXPECT_EQ(r.size, 0x10);
	r = lookup(&table, 0x1040);
	EXPECT_STR(r.name, "c");
	EXPECT_EQ(r.offset, 0);
}

static void test_kallsyms_address_inside_function_reports_offset(void)
{
	struct lookup r = lookup(&table, 0x100f);

	EXPECT_STR(r.name, "a");
	EXPECT_EQ(r.offset, 0xf);
	EXPECT_EQ(r.size, 0x10);
}

static void test_kallsyms_aliases_report_first_name(void)
{
	struct lookup r = lookup(&table, 0x1010);

	EXPECT_STR(r.name, "b");
	EXPECT_EQ(r.offset, 0);
	EXPECT_EQ(r.size, 0x30);
	r = lookup(&table, 0x103f);
	EXPECT_STR(r.name, "b");
	EXPECT_EQ(r.offset, 0x2f);
	EXPECT_EQ(r.size, 0x30);
}

static void test_kallsyms_last_symbol_size_ends_at_text_end(void)
{
	struct lookup r = lookup(&table, 0x10ff);

	EXPECT_STR(r.name, "c");
	EXPECT_EQ(r.offset, 0xbf);
	EXPECT_EQ(r.size, 0xc0);
}

static void test_kallsyms_last_aliases_size_ends_at_text_end(void)
{
	static const uint64_t addrs[] = { 0x2000, 0x2100, 0x2100 };
	static const uint32_t offs[] = { 0, 2, 4 };
	const struct kallsyms_table t = {
		.nr_symbols = 3,
		.addresses = addrs,
		.name_offsets = offs,
		.names = "x\0y\0z",
		.text_end = 0x2180,
	};
	struct lookup r = lookup(&t, 0x2150);

	EXPECT_STR(r.name, "y");
	EXPECT_EQ(r.offset, 0x50);
	EXPECT_EQ(r.size, 0x80);
}

static void test_kallsyms_outside_text_returns_null(void)
{
	static const struct kallsyms_table empty = { .text_end = 0x2000 };

	EXPECT_STR(lookup(&table, 0xfff).name, NULL);
	EXPECT_STR(lookup(&table, 0).name, NULL);
	EXPECT_STR(lookup(&table, 0x1100).name, NULL);
	EXPECT_STR(lookup(&table, UINT64_MAX).name, NULL);
	EXPECT_STR(lookup(&empty, 0x1000).name, NULL);
}

static void test_kallsyms_accepts_null_offset_and_size(void)
{
	EXPECT_STR(kallsyms_lookup_in(&table, 0x1020, NULL, NULL), "b");
}

static void test_kallsyms_agrees_with_linear_scan_over_large_table(void)
{
	enum { NR = 1000 };
	static uint64_t addrs[NR];
	static uint32_t offs[NR];
	static char strs[NR * 8];
	struct kallsyms_table t = {
		.nr_symbols = NR,
		.addresses = addrs,
		.name_offsets = offs,
		.names = strs,
		.text_end = 0,
	};
	uint64_t addr, next = 0x100000;
	unsigned int i, failures = 0;
	size_t pos = 0;

	/* Irregular gaps, some zero (aliases). */
	for (i = 0; i < NR; i++) {
		addrs[i] = next;
		next += (i * 7919) % 5 == 0 ? 0 : 1 + (i * 104729) % 64;
		offs[i] = pos;
		pos += sprintf(strs + pos, "f%u", i) + 1;
	}
	t.text_end = next + 16;
	for (addr = addrs[0]; addr < t.text_end && failures < 5; addr++) {
		unsigned int j = 0, first;
		uint64_t end;
		struct lookup r = lookup(&t, addr);

		while (j + 1 < NR && addrs[j + 1] <= addr)
			j++;
		first = j;
		while (first > 0 && addrs[first - 1] == addrs[j])
			first--;
		while (j < NR && addrs[j] == addrs[first])
			j++;
		end = j < NR ? addrs[j] : t.text_end;
		if (!r.name || strcmp(r.name, strs + offs[first]) ||
		    r.offset != addr - addrs[first] || r.size != end - addrs[first]) {
			UNIT_FAIL("0x%llx: got %s+0x%llx/0x%llx, want %s+0x%llx/0x%llx",
				  (unsigned long long)addr, r.name ? r.name : "NULL",
				  (unsigned long long)r.offset, (unsigned long long)r.size,
				  strs + offs[first], (unsigned long long)(addr - addrs[first]),
				  (unsigned long long)(end - addrs[first]));
			failures++;
		}
	}
}

static CU_TestInfo kallsyms_tests[] = {
	UNIT_TEST(test_kallsyms_exact_address_has_offset_zero),
	UNIT_TEST(test_kallsyms_address_inside_function_reports_offset),
	UNIT_TEST(test_kallsyms_aliases_report_first_name),
	UNIT_TEST(test_kallsyms_last_symbol_size_ends_at_text_end),
	UNIT_TEST(test_kallsyms_last_aliases_size_ends_at_text_end),
	UNIT_TEST(test_kallsyms_outside_text_returns_null),
	UNIT_TEST(test_kallsyms_accepts_null_offset_and_size),
	UNIT_TEST(test_kallsyms_agrees_with_linear_scan_over_large_table),
	CU_TEST_INFO_NULL,
};

static void unit_register_kallsyms(void)
{
	unit_add_suite("kallsyms", kallsyms_tests);
}

UNIT_REGISTER(unit_register_kallsyms)
