/* See packet.h. Framing as in the GDB manual, "Remote Protocol > Overview". */
#include "packet.h"

#include <errno.h>
#include <string.h>

#include "../hex.h"

enum reader_state {
	READER_IDLE,
	READER_BODY,
	READER_ESCAPE, /* after '}' */
	READER_RUN_LENGTH, /* after '*' */
	READER_CHECKSUM_HIGH,
	READER_CHECKSUM_LOW,
};

/* Run lengths are a printable count character minus 29. */
#define RUN_LENGTH_BIAS 29

void gdb_packet_reader_init(struct gdb_packet_reader *reader)
{
	reader->state = READER_IDLE;
	reader->len = 0;
	reader->sum = 0;
	reader->is_too_long = false;
	reader->payload[0] = '\0';
}

static void reader_start(struct gdb_packet_reader *reader)
{
	reader->state = READER_BODY;
	reader->len = 0;
	reader->sum = 0;
	reader->is_too_long = false;
}

/* Oversized packets are still read to their checksum so the stream stays in
 * step; their bytes are dropped. */
static void reader_append(struct gdb_packet_reader *reader, char c)
{
	if (reader->len >= GDB_PACKET_MAX) {
		reader->is_too_long = true;
		return;
	}
	reader->payload[reader->len++] = c;
}

static enum gdb_input reader_idle(struct gdb_packet_reader *reader, uint8_t byte)
{
	switch (byte) {
	case '$':
		reader_start(reader);
		return GDB_INPUT_NONE;
	case '+':
		return GDB_INPUT_ACK;
	case '-':
		return GDB_INPUT_NACK;
	case 0x03:
		return GDB_INPUT_INTERRUPT;
	default:
		return GDB_INPUT_NONE; /* line noise between packets */
	}
}

static enum gdb_input reader_checksum(struct gdb_packet_reader *reader, uint8_t byte)
{
	int low = gdb_hex_value((char)byte), high = gdb_hex_value((char)reader->checksum_high);

	reader->state = READER_IDLE;
	reader->payload[reader->len < GDB_PACKET_MAX ? reader->len : GDB_PACKET_MAX] = '\0';
	if (low < 0 || high < 0 || (uint8_t)(high << 4 | low) != reader->sum)
		return GDB_INPUT_BAD_CHECKSUM;
	return reader->is_too_long ? GDB_INPUT_TOO_LONG : GDB_INPUT_PACKET;
}

enum gdb_input gdb_packet_feed(struct gdb_packet_reader *reader, uint8_t byte)
{
	unsigned int i, count;

	if (reader->state == READER_IDLE)
		return reader_idle(reader, byte);
	if (reader->state == READER_CHECKSUM_HIGH) {
		reader->checksum_high = byte;
		reader->state = READER_CHECKSUM_LOW;
		return GDB_INPUT_NONE;
	}
	if (reader->state == READER_CHECKSUM_LOW)
		return reader_checksum(reader, byte);
	/* '$' never occurs inside a packet: a new one starts, the old is lost. */
	if (byte == '$') {
		reader_start(reader);
		return GDB_INPUT_NONE;
	}
	if (byte == '#') {
		/* A packet ending in a bare escape or run marker cannot be decoded. */
		if (reader->state != READER_BODY)
			reader->sum ^= 0xff;
		reader->state = READER_CHECKSUM_HIGH;
		return GDB_INPUT_NONE;
	}
	reader->sum += byte;
	switch (reader->state) {
	case READER_BODY:
		if (byte == '}')
			reader->state = READER_ESCAPE;
		else if (byte == '*')
			reader->state = READER_RUN_LENGTH;
		else
			reader_append(reader, (char)byte);
		break;
	case READER_ESCAPE:
		reader_append(reader, (char)(byte ^ 0x20));
		reader->state = READER_BODY;
		break;
	case READER_RUN_LENGTH:
		reader->state = READER_BODY;
		/* A run repeats the previous character; with none, the packet is
		 * corrupt: spoil the checksum so gdb resends it. */
		if (byte < RUN_LENGTH_BIAS || (!reader->len && !reader->is_too_long)) {
			reader->sum ^= 0xff;
			break;
		}
		count = byte - RUN_LENGTH_BIAS;
		for (i = 0; i < count; i++)
			reader_append(reader, reader->len ? reader->payload[reader->len - 1] : 0);
		break;
	}
	return GDB_INPUT_NONE;
}

uint8_t gdb_checksum(const char *data, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (uint8_t)data[i];
	return sum;
}

int gdb_packet_frame(const char *payload, size_t len, char *out, size_t out_size)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t sum;
	size_t i;

	for (i = 0; i < len; i++)
		if (payload[i] == '$' || payload[i] == '#' || payload[i] == '*')
			return -EINVAL;
	if (len > GDB_PACKET_MAX || out_size < len + 4)
		return -ENOSPC;
	sum = gdb_checksum(payload, len);
	out[0] = '$';
	memcpy(out + 1, payload, len);
	out[len + 1] = '#';
	out[len + 2] = digits[sum >> 4];
	out[len + 3] = digits[sum & 0xf];
	return (int)(len + 4);
}

static bool needs_escape(uint8_t byte)
{
	return byte == '$' || byte == '#' || byte == '}' || byte == '*';
}

size_t gdb_binary_escape(const uint8_t *data, size_t len, char *out, size_t out_size,
			 size_t *consumed)
{
	size_t in = 0, n = 0;

	for (; in < len; in++) {
		if (needs_escape(data[in])) {
			if (n + 2 > out_size)
				break;
			out[n++] = '}';
			out[n++] = (char)(data[in] ^ 0x20);
		} else {
			if (n + 1 > out_size)
				break;
			out[n++] = (char)data[in];
		}
	}
	*consumed = in;
	return n;
}

int gdb_hex_value(char c)
{
	return hex_digit_value(c);
}

void gdb_hex_encode(const uint8_t *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0xf];
	}
}

int gdb_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_size)
{
	size_t i;
	int high, low;

	if (hex_len % 2 || hex_len / 2 > out_size)
		return -EINVAL;
	for (i = 0; i < hex_len / 2; i++) {
		high = gdb_hex_value(hex[2 * i]);
		low = gdb_hex_value(hex[2 * i + 1]);
		if (high < 0 || low < 0)
			return -EINVAL;
		out[i] = (uint8_t)(high << 4 | low);
	}
	return (int)(hex_len / 2);
}

int gdb_parse_hex(const char **text, const char *end, uint64_t *value)
{
	const char *p = *text;
	uint64_t v = 0;
	int digit;

	if (p >= end || gdb_hex_value(*p) < 0)
		return -EINVAL;
	for (; p < end && (digit = gdb_hex_value(*p)) >= 0; p++) {
		if (v >> 60)
			return -EINVAL;
		v = v << 4 | (uint64_t)digit;
	}
	*value = v;
	*text = p;
	return 0;
}
