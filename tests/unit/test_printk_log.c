/* The kernel log's ring (guest/kernel/kernel/printk_log.c): records read
 * back in order with their text, the oldest overwritten first and never a
 * newer one, a reader left behind moves on to the oldest record left, and
 * the syslog(2) and /dev/kmsg formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vitro/printk_log.h>

#include "unit.h"

#define MAX_MESSAGES 4000

static char messages[MAX_MESSAGES][PRINTK_LOG_TEXT_MAX + 1];

/* A message for seq: its number, then filler of a length the seed picks. */
static size_t make_message(uint64_t seq, unsigned int seed, char *out)
{
	size_t len = (size_t)snprintf(out, 32, "msg %llu:", (unsigned long long)seq);
	size_t extra = (seed * 2654435761u >> 7) % (seed % 7 == 0 ? 900 : 90);

	memset(out + len, 'a' + (char)(seq % 26), extra);
	out[len + extra] = '\0';
	return len + extra;
}

/* Reads the whole log from its oldest record: consecutive numbers, each
 * with its own text, ending at the newest. Returns the bytes of text. */
static size_t check_log(const struct printk_log *log, uint64_t appended)
{
	struct printk_log_cursor c;
	struct printk_record rec;
	char text[PRINTK_LOG_TEXT_MAX];
	uint64_t expect;
	size_t bytes = 0, bad = 0;

	printk_log_cursor_first(log, &c);
	expect = log->first_seq;
	while (printk_log_read(log, &c, &rec, text, sizeof(text))) {
		if (rec.seq != expect || rec.len != strlen(messages[rec.seq]) ||
		    memcmp(text, messages[rec.seq], rec.len) || rec.ts_ns != rec.seq * 1000 ||
		    rec.level != rec.seq % 8)
			bad++;
		bytes += rec.len;
		expect++;
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(expect, appended);
	EXPECT_EQ(log->next_seq, appended);
	return bytes;
}

static void test_printk_log_keeps_the_newest_records_in_order(void)
{
	static uint8_t buf[16384];
	struct printk_log log;
	uint64_t seq;

	printk_log_init(&log, buf, sizeof(buf));
	for (seq = 0; seq < MAX_MESSAGES; seq++) {
		size_t len = make_message(seq, (unsigned int)seq + 1, messages[seq]);

		printk_log_append(&log, seq * 1000, seq % 8, messages[seq], len);
		/* Checked often at first, where the ring first wraps. */
		if (seq < 400 || seq % 97 == 0)
			check_log(&log, seq + 1);
	}
	/* What is left is the newest, and most of the ring holds it. */
	EXPECT_TRUE(log.first_seq > 0);
	EXPECT_TRUE(check_log(&log, MAX_MESSAGES) > sizeof(buf) / 4);
}

static void test_printk_log_reader_left_behind_resumes_at_the_oldest(void)
{
	static uint8_t buf[4096];
	struct printk_log log;
	struct printk_log_cursor c, end;
	struct printk_record rec;
	char text[PRINTK_LOG_TEXT_MAX];
	uint64_t seq;

	printk_log_init(&log, buf, sizeof(buf));
	for (seq = 0; seq < 10; seq++) {
		size_t len = make_message(seq, 3, messages[seq]);

		printk_log_append(&log, seq * 1000, seq % 8, messages[seq], len);
	}
	printk_log_cursor_first(&log, &c);
	EXPECT_TRUE(printk_log_read(&log, &c, &rec, text, sizeof(text)));
	EXPECT_EQ(rec.seq, 0);
	printk_log_cursor_end(&log, &end);
	EXPECT_TRUE(!printk_log_read(&log, &end, &rec, text, sizeof(text)));
	for (; seq < 500; seq++) {
		size_t len = make_message(seq, 3, messages[seq]);

		printk_log_append(&log, seq * 1000, seq % 8, messages[seq], len);
	}
	/* Record 1 is long gone: the reader gets the oldest one left. */
	EXPECT_TRUE(printk_log_read(&log, &c, &rec, text, sizeof(text)));
	EXPECT_EQ(rec.seq, log.first_seq);
	/* The end cursor taken before sees what came after it. */
	EXPECT_TRUE(printk_log_read(&log, &end, &rec, text, sizeof(text)));
	EXPECT_TRUE(rec.seq >= 10);
}

static void test_printk_log_cuts_long_messages_and_drops_a_newline(void)
{
	static uint8_t buf[4096];
	static char big[3000];
	struct printk_log log;
	struct printk_log_cursor c;
	struct printk_record rec;
	char text[PRINTK_LOG_TEXT_MAX];

	printk_log_init(&log, buf, sizeof(buf));
	memset(big, 'x', sizeof(big));
	printk_log_append(&log, 5, 6, big, sizeof(big));
	printk_log_append(&log, 6, 6, "line\n", 5);
	printk_log_cursor_first(&log, &c);
	EXPECT_TRUE(printk_log_read(&log, &c, &rec, text, sizeof(text)));
	EXPECT_EQ(rec.len, PRINTK_LOG_TEXT_MAX);
	EXPECT_TRUE(printk_log_read(&log, &c, &rec, text, sizeof(text)));
	EXPECT_EQ(rec.len, 4);
	EXPECT_TRUE(!memcmp(text, "line", 4));
}

static void test_printk_record_formats_for_syslog_and_kmsg(void)
{
	struct printk_record rec = { .seq = 42, .ts_ns = 1234567891, .level = 6, .len = 7 };
	char out[64];
	size_t n;

	n = printk_record_format_syslog(&rec, "hello\\\x01", out, sizeof(out));
	EXPECT_EQ(n, strlen("<6>[    1.234567] hello\\\x01\n"));
	EXPECT_TRUE(!memcmp(out, "<6>[    1.234567] hello\\\x01\n", n));
	n = printk_record_format_kmsg(&rec, "hello\\\x01", out, sizeof(out));
	EXPECT_EQ(n, strlen("6,42,1234567,-;hello\\x5c\\x01\n"));
	EXPECT_TRUE(!memcmp(out, "6,42,1234567,-;hello\\x5c\\x01\n", n));
	/* Too small: nothing written, the size needed returned. */
	memset(out, 0, sizeof(out));
	EXPECT_EQ(printk_record_format_kmsg(&rec, "hello\\\x01", out, 10), n);
	EXPECT_EQ(out[0], 0);
}

static CU_TestInfo printk_log_tests[] = {
	UNIT_TEST(test_printk_log_keeps_the_newest_records_in_order),
	UNIT_TEST(test_printk_log_reader_left_behind_resumes_at_the_oldest),
	UNIT_TEST(test_printk_log_cuts_long_messages_and_drops_a_newline),
	UNIT_TEST(test_printk_record_formats_for_syslog_and_kmsg),
	CU_TEST_INFO_NULL,
};

static void unit_register_printk_log(void)
{
	unit_add_suite("printk_log", printk_log_tests);
}

UNIT_REGISTER(unit_register_printk_log)
