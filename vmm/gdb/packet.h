/* GDB remote serial protocol framing: $payload#checksum packets, acks,
 * the 0x03 interrupt byte, escapes, run-length encoding and hex. Pure byte
 * handling with no I/O or KVM, so unit tests and the fuzzer drive it directly. */
#ifndef VMM_GDB_PACKET_H
#define VMM_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest payload we accept and send; announced as PacketSize. A 'g'
 * reply of the full x86-64 register set is 1,232 hex digits. */
#define GDB_PACKET_MAX 4096

enum gdb_input {
	GDB_INPUT_NONE, /* byte consumed, nothing complete yet */
	GDB_INPUT_PACKET, /* a packet with a good checksum: reply '+' */
	GDB_INPUT_BAD_CHECKSUM, /* reply '-' so gdb sends it again */
	GDB_INPUT_TOO_LONG, /* good checksum, but longer than GDB_PACKET_MAX */
	GDB_INPUT_INTERRUPT, /* 0x03 outside a packet: gdb's Ctrl-C */
	GDB_INPUT_ACK, /* '+' */
	GDB_INPUT_NACK, /* '-': send the last packet again */
};

struct gdb_packet_reader {
	int state;
	uint8_t sum; /* running checksum of the raw bytes between $ and # */
	uint8_t checksum_high; /* first checksum digit */
	bool is_too_long;
	size_t len;
	/* The decoded payload (escapes and run lengths undone), NUL-terminated
	 * for convenience; binary payloads may hold NULs, so use len. */
	char payload[GDB_PACKET_MAX + 1];
};

void gdb_packet_reader_init(struct gdb_packet_reader *reader);

/* Feeds one received byte. On GDB_INPUT_PACKET, reader->payload and len hold
 * the packet until the next call. */
enum gdb_input gdb_packet_feed(struct gdb_packet_reader *reader, uint8_t byte);

/* Modulo-256 sum of the bytes, as the protocol's checksum. */
uint8_t gdb_checksum(const char *data, size_t len);

/* Writes "$payload#cs" to out. The payload goes out as it is (no run-length
 * encoding); it must not contain '$', '#' or '*', which gdb would misread, so
 * binary data is escaped first with gdb_binary_escape(). Returns the framed
 * length, or -EINVAL / -ENOSPC. */
int gdb_packet_frame(const char *payload, size_t len, char *out, size_t out_size);

/* Escapes '$', '#', '}' and '*' as '}' followed by the byte XOR 0x20, as
 * binary replies (qXfer) require. Copies as much of data as fits in out and
 * returns the escaped length; *consumed says how many input bytes that took. */
size_t gdb_binary_escape(const uint8_t *data, size_t len, char *out, size_t out_size,
			 size_t *consumed);

/* Value of a hex digit, or -1. */
int gdb_hex_value(char c);

/* Writes 2 * len lowercase hex digits (no NUL). */
void gdb_hex_encode(const uint8_t *bytes, size_t len, char *out);

/* Decodes exactly hex_len hex digits (an even number) into out. Returns the
 * number of bytes, or -EINVAL for odd lengths, bad digits or too little room. */
int gdb_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_size);

/* Parses 1 to 16 hex digits at *text (up to end), advancing *text past them.
 * Returns 0, or -EINVAL if there is no digit or the value overflows 64 bits. */
int gdb_parse_hex(const char **text, const char *end, uint64_t *value);

#endif
