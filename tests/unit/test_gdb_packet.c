/* Tests for the GDB remote protocol framing and hex helpers
 * (vmm/gdb/packet.c): what gdb sends arrives decoded, damage is refused with
 * '-', and nothing reads or writes past the buffers it is given. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../vmm/gdb/packet.h"
#include "unit.h"

/* Feeds text and returns the last non-NONE event (NONE if there was none). */
static enum gdb_input feed(struct gdb_packet_reader *reader, const char *text, size_t len)
{
	enum gdb_input last = GDB_INPUT_NONE, event;
	size_t i;

	for (i = 0; i < len; i++) {
		event = gdb_packet_feed(reader, (uint8_t)text[i]);
		if (event != GDB_INPUT_NONE)
			last = event;
	}
	return last;
}

static enum gdb_input feed_str(struct gdb_packet_reader *reader, const char *text)
{
	return feed(reader, text, strlen(text));
}

static void test_gdb_packet_reads_framed_packet_with_good_checksum(void)
{
	struct gdb_packet_reader reader;

	gdb_packet_reader_init(&reader);
	/* 'g' is 0x67: the checksum of a one-byte packet is the byte. */
	EXPECT_EQ(feed_str(&reader, "$g#67"), GDB_INPUT_PACKET);
	EXPECT_EQ(reader.len, 1);
	EXPECT_STR(reader.payload, "g");
	EXPECT_EQ(feed_str(&reader, "$qSupported:swbreak+#8b"), GDB_INPUT_PACKET);
	EXPECT_STR(reader.payload, "qSupported:swbreak+");
}

static void test_gdb_packet_checksum_digits_may_be_upper_case(void)
{
	struct gdb_packet_reader reader;

	gdb_packet_reader_init(&reader);
	/* The sum is taken modulo 256. */
	EXPECT_EQ(gdb_checksum("vCont?", 6), 0x49);
	EXPECT_EQ(feed_str(&reader, "$m0,4#FD"), GDB_INPUT_PACKET);
	EXPECT_STR(reader.payload, "m0,4");
}

static void test_gdb_packet_bad_checksum_is_refused(void)
{
	struct gdb_packet_reader reader;

	gdb_packet_reader_init(&reader);
	EXPECT_EQ(feed_str(&reader, "$g#68"), GDB_INPUT_BAD_CHECKSUM);
	EXPECT_EQ(feed_str(&reader, "$g#6x"), GDB_INPUT_BAD_CHECKSUM);
	/* The reader is back in step for the resent packet. */
	EXPECT_EQ(feed_str(&reader, "$g#67"), GDB_INPUT_PACKET);
}

static void test_gdb_packet_acks_and_interrupt_between_packets(void)
{
	struct gdb_packet_reader reader;

	gdb_packet_reader_init(&reader);
	EXPECT_EQ(gdb_packet_feed(&reader, '+'), GDB_INPUT_ACK);
	EXPECT_EQ(gdb_packet_feed(&reader, '-'), GDB_INPUT_NACK);
	EXPECT_EQ(gdb_packet_feed(&reader, 0x03), GDB_INPUT_INTERRUPT);
	EXPECT_EQ(gdb_packet_feed(&reader, 'x'), GDB_INPUT_NONE);
	/* Inside a packet the same bytes are data. */
	EXPECT_EQ(feed(&reader, "$+-\x03#5b", 8), GDB_INPUT_PACKET);
	EXPECT_EQ(reader.len, 3);
	EXPECT_EQ(reader.payload[2], 0x03);
}

static void test_gdb_packet_unescapes_binary_data(void)
{
	struct gdb_packet_reader reader;
	/* X data "#$}*" escaped: each is '}' then the byte XOR 0x20. */
	const char raw[] = "X0,4:}\x03}\x04}]}\x0a";
	char framed[64];
	int n = gdb_packet_frame(raw, strlen(raw), framed, sizeof(framed));

	gdb_packet_reader_init(&reader);
	EXPECT_TRUE(n > 0);
	EXPECT_EQ(feed(&reader, framed, (size_t)n), GDB_INPUT_PACKET);
	EXPECT_EQ(reader.len, 9);
	EXPECT_TRUE(!memcmp(reader.payload, "X0,4:#$}*", 9));
}

static void test_gdb_packet_expands_run_length_encoding(void)
{
	struct gdb_packet_reader reader;

	/* "0* " is '0' and 3 more ('*' then ' ', 32 - 29 = 3). */
	gdb_packet_reader_init(&reader);
	EXPECT_EQ(feed_str(&reader, "$0* #"), GDB_INPUT_NONE);
	EXPECT_EQ(feed_str(&reader, "7a"), GDB_INPUT_PACKET);
	EXPECT_STR(reader.payload, "0000");
}

static void test_gdb_packet_rejects_run_length_without_previous_byte(void)
{
	struct gdb_packet_reader reader;
	uint8_t sum = (uint8_t)('*' + ' ');
	char text[16];

	gdb_packet_reader_init(&reader);
	snprintf(text, sizeof(text), "$* #%02x", sum);
	EXPECT_EQ(feed_str(&reader, text), GDB_INPUT_BAD_CHECKSUM);
	/* A packet ending in a bare escape cannot be decoded either. */
	snprintf(text, sizeof(text), "$a}#%02x", (uint8_t)('a' + '}'));
	EXPECT_EQ(feed_str(&reader, text), GDB_INPUT_BAD_CHECKSUM);
}

static void test_gdb_packet_new_dollar_restarts_packet(void)
{
	struct gdb_packet_reader reader;

	gdb_packet_reader_init(&reader);
	EXPECT_EQ(feed_str(&reader, "$m12$g#67"), GDB_INPUT_PACKET);
	EXPECT_STR(reader.payload, "g");
}

static void test_gdb_packet_oversized_packet_is_read_to_its_end(void)
{
	static char big[GDB_PACKET_MAX + 100];
	struct gdb_packet_reader reader;
	uint8_t sum;
	char tail[8];

	memset(big, 'a', sizeof(big));
	sum = gdb_checksum(big, sizeof(big));
	gdb_packet_reader_init(&reader);
	EXPECT_EQ(gdb_packet_feed(&reader, '$'), GDB_INPUT_NONE);
	EXPECT_EQ(feed(&reader, big, sizeof(big)), GDB_INPUT_NONE);
	snprintf(tail, sizeof(tail), "#%02x", sum);
	EXPECT_EQ(feed_str(&reader, tail), GDB_INPUT_TOO_LONG);
	EXPECT_EQ(reader.len, GDB_PACKET_MAX);
	/* Long run lengths cannot overflow the buffer either. */
	gdb_packet_reader_init(&reader);
	EXPECT_EQ(gdb_packet_feed(&reader, '$'), GDB_INPUT_NONE);
	EXPECT_EQ(feed(&reader, big, GDB_PACKET_MAX - 1), GDB_INPUT_NONE);
	EXPECT_EQ(feed_str(&reader, "*~#00"), GDB_INPUT_BAD_CHECKSUM);
	EXPECT_TRUE(reader.len <= GDB_PACKET_MAX);
	EXPECT_EQ(feed_str(&reader, "$g#67"), GDB_INPUT_PACKET);
}

static void test_gdb_packet_truncated_packet_is_not_delivered(void)
{
	struct gdb_packet_reader reader;

	gdb_packet_reader_init(&reader);
	EXPECT_EQ(feed_str(&reader, "$g"), GDB_INPUT_NONE);
	EXPECT_EQ(feed_str(&reader, "#6"), GDB_INPUT_NONE);
	EXPECT_EQ(feed_str(&reader, "7"), GDB_INPUT_PACKET);
}

static void test_gdb_packet_frame_adds_checksum(void)
{
	char out[16];
	int n = gdb_packet_frame("OK", 2, out, sizeof(out));

	EXPECT_EQ(n, 6);
	EXPECT_TRUE(!memcmp(out, "$OK#9a", 6));
	EXPECT_EQ(gdb_packet_frame("", 0, out, sizeof(out)), 4);
	EXPECT_TRUE(!memcmp(out, "$#00", 4));
}

static void test_gdb_packet_frame_refuses_special_bytes_and_small_buffers(void)
{
	char out[16];

	EXPECT_EQ(gdb_packet_frame("a#b", 3, out, sizeof(out)), -EINVAL);
	EXPECT_EQ(gdb_packet_frame("$", 1, out, sizeof(out)), -EINVAL);
	EXPECT_EQ(gdb_packet_frame("a*", 2, out, sizeof(out)), -EINVAL);
	EXPECT_EQ(gdb_packet_frame("OK", 2, out, 5), -ENOSPC);
	EXPECT_EQ(gdb_packet_frame("OK", 2, out, 6), 6);
}

static void test_gdb_binary_escape_escapes_specials_and_stops_when_full(void)
{
	const uint8_t data[] = { 'a', '#', '$', '}', '*', 'b' };
	size_t consumed;
	char out[16];
	size_t n = gdb_binary_escape(data, sizeof(data), out, sizeof(out), &consumed);

	EXPECT_EQ(n, 10);
	EXPECT_EQ(consumed, 6);
	EXPECT_TRUE(!memcmp(out,
			    "a}\x03}\x04}]}\x0a"
			    "b",
			    10));
	/* An escape pair is never split. */
	n = gdb_binary_escape(data, sizeof(data), out, 2, &consumed);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(consumed, 1);
}

static void test_gdb_hex_round_trips_and_rejects_bad_digits(void)
{
	const uint8_t bytes[] = { 0x00, 0x7f, 0xa5, 0xff };
	uint8_t back[4];
	char hex[8];

	gdb_hex_encode(bytes, sizeof(bytes), hex);
	EXPECT_TRUE(!memcmp(hex, "007fa5ff", 8));
	EXPECT_EQ(gdb_hex_decode("007FA5ff", 8, back, sizeof(back)), 4);
	EXPECT_TRUE(!memcmp(back, bytes, 4));
	EXPECT_EQ(gdb_hex_decode("007", 3, back, sizeof(back)), -EINVAL);
	EXPECT_EQ(gdb_hex_decode("0g", 2, back, sizeof(back)), -EINVAL);
	EXPECT_EQ(gdb_hex_decode("0011223344", 10, back, sizeof(back)), -EINVAL);
	EXPECT_EQ(gdb_hex_value('F'), 15);
	EXPECT_EQ(gdb_hex_value('/'), -1);
}

static void test_gdb_parse_hex_stops_at_non_digit_and_rejects_overflow(void)
{
	const char *text = "ffffffff80100000,4", *p = text;
	uint64_t value;

	EXPECT_EQ(gdb_parse_hex(&p, text + strlen(text), &value), 0);
	EXPECT_EQ(value, 0xffffffff80100000ull);
	EXPECT_EQ(*p, ',');
	p = ",4";
	EXPECT_EQ(gdb_parse_hex(&p, p + 2, &value), -EINVAL);
	p = "10000000000000000";
	EXPECT_EQ(gdb_parse_hex(&p, p + 17, &value), -EINVAL);
	/* Leading zeros do not count against the 64 bits. */
	p = "000000000000000000001";
	EXPECT_EQ(gdb_parse_hex(&p, p + 21, &value), 0);
	EXPECT_EQ(value, 1);
	/* The end bound is respected even if digits follow. */
	p = "1234";
	EXPECT_EQ(gdb_parse_hex(&p, p + 2, &value), 0);
	EXPECT_EQ(value, 0x12);
}

static CU_TestInfo gdb_packet_tests[] = {
	UNIT_TEST(test_gdb_packet_reads_framed_packet_with_good_checksum),
	UNIT_TEST(test_gdb_packet_checksum_digits_may_be_upper_case),
	UNIT_TEST(test_gdb_packet_bad_checksum_is_refused),
	UNIT_TEST(test_gdb_packet_acks_and_interrupt_between_packets),
	UNIT_TEST(test_gdb_packet_unescapes_binary_data),
	UNIT_TEST(test_gdb_packet_expands_run_length_encoding),
	UNIT_TEST(test_gdb_packet_rejects_run_length_without_previous_byte),
	UNIT_TEST(test_gdb_packet_new_dollar_restarts_packet),
	UNIT_TEST(test_gdb_packet_oversized_packet_is_read_to_its_end),
	UNIT_TEST(test_gdb_packet_truncated_packet_is_not_delivered),
	UNIT_TEST(test_gdb_packet_frame_adds_checksum),
	UNIT_TEST(test_gdb_packet_frame_refuses_special_bytes_and_small_buffers),
	UNIT_TEST(test_gdb_binary_escape_escapes_specials_and_stops_when_full),
	UNIT_TEST(test_gdb_hex_round_trips_and_rejects_bad_digits),
	UNIT_TEST(test_gdb_parse_hex_stops_at_non_digit_and_rejects_overflow),
	CU_TEST_INFO_NULL,
};

static void unit_register_gdb_packet(void)
{
	unit_add_suite("gdb_packet", gdb_packet_tests);
}

UNIT_REGISTER(unit_register_gdb_packet)
