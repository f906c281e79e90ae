/* See aml.h. Opcodes and encodings are ACPI 6.5's (20.2 for the grammar,
 * 6.4 for resource descriptors). */
#include "aml.h"

#include <errno.h>
#include <string.h>

#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX 0x5b
#define AML_DEVICE_OP 0x82 /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR '\\'
#define AML_PARENT_PREFIX_CHAR '^'
#define AML_ONES_OP 0xff

/* Resource descriptor tags (6.4.2, 6.4.3). */
#define RES_IRQ_NO_FLAGS 0x22 /* small item 0x4, length 2 */
#define RES_IO 0x47 /* small item 0x8, length 7 */
#define RES_END_TAG 0x79 /* small item 0xf, length 1 */
#define RES_MEMORY32_FIXED 0x86
#define RES_EXTENDED_INTERRUPT 0x89

#define EXT_IRQ_CONSUMER (1u << 0)
#define EXT_IRQ_EDGE (1u << 1)
#define EXT_IRQ_ACTIVE_LOW (1u << 2)
#define EXT_IRQ_SHARED (1u << 3)

void aml_init(struct aml *aml, uint8_t *buf, size_t capacity)
{
	memset(aml, 0, sizeof(*aml));
	aml->buf = buf;
	aml->capacity = capacity;
}

static void aml_fail(struct aml *aml, int error)
{
	if (!aml->error)
		aml->error = error;
}

static void aml_put(struct aml *aml, const void *data, size_t len)
{
	if (aml->error)
		return;
	if (len > aml->capacity - aml->len) {
		aml_fail(aml, -ENOSPC);
		return;
	}
	memcpy(aml->buf + aml->len, data, len);
	aml->len += len;
}

static void aml_byte(struct aml *aml, uint8_t b)
{
	aml_put(aml, &b, 1);
}

static void aml_le(struct aml *aml, uint64_t value, unsigned int size)
{
	uint8_t bytes[8];
	unsigned int i;

	for (i = 0; i < size; i++)
		bytes[i] = (uint8_t)(value >> (8 * i));
	aml_put(aml, bytes, size);
}

void aml_bytes(struct aml *aml, const void *data, size_t len)
{
	aml_put(aml, data, len);
}

int aml_finish(struct aml *aml)
{
	if (!aml->error && aml->depth)
		aml_fail(aml, -EINVAL);
	return aml->error ? aml->error : (int)aml->len;
}

/* --- names ---------------------------------------------------------------- */

static bool aml_is_lead_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool aml_is_name_char(char c)
{
	return aml_is_lead_char(c) || (c >= '0' && c <= '9');
}

/* One NameSeg from s up to '.' or the end; returns its length or 0. */
static size_t aml_parse_seg(const char *s, char seg[4])
{
	size_t n = 0;

	while (s[n] && s[n] != '.') {
		if (n == 4 || !(n ? aml_is_name_char(s[n]) : aml_is_lead_char(s[n])))
			return 0;
		seg[n] = s[n];
		n++;
	}
	if (n)
		memset(seg + n, '_', 4 - n);
	return n;
}

void aml_name_string(struct aml *aml, const char *path)
{
	char segs[255][4];
	unsigned int nr_segs = 0;
	const char *s = path;

	if (*s == AML_ROOT_CHAR) {
		aml_byte(aml, AML_ROOT_CHAR);
		s++;
	} else {
		while (*s == AML_PARENT_PREFIX_CHAR) {
			aml_byte(aml, AML_PARENT_PREFIX_CHAR);
			s++;
		}
	}
	while (*s) {
		size_t n;

		if (nr_segs == 255 || !(n = aml_parse_seg(s, segs[nr_segs]))) {
			aml_fail(aml, -EINVAL);
			return;
		}
		nr_segs++;
		s += n;
		if (*s == '.' && !*++s) {
			aml_fail(aml, -EINVAL); /* a trailing dot */
			return;
		}
	}
	if (nr_segs == 0) {
		aml_byte(aml, 0); /* NullName */
		return;
	}
	if (nr_segs == 2) {
		aml_byte(aml, AML_DUAL_NAME_PREFIX);
	} else if (nr_segs > 2) {
		aml_byte(aml, AML_MULTI_NAME_PREFIX);
		aml_byte(aml, (uint8_t)nr_segs);
	}
	aml_put(aml, segs, 4 * nr_segs);
}

/* --- data objects --------------------------------------------------------- */

void aml_integer(struct aml *aml, uint64_t value)
{
	if (value == 0) {
		aml_byte(aml, AML_ZERO_OP);
	} else if (value == 1) {
		aml_byte(aml, AML_ONE_OP);
	} else if (value == UINT64_MAX) {
		aml_byte(aml, AML_ONES_OP);
	} else if (value <= UINT8_MAX) {
		aml_byte(aml, AML_BYTE_PREFIX);
		aml_le(aml, value, 1);
	} else if (value <= UINT16_MAX) {
		aml_byte(aml, AML_WORD_PREFIX);
		aml_le(aml, value, 2);
	} else if (value <= UINT32_MAX) {
		aml_byte(aml, AML_DWORD_PREFIX);
		aml_le(aml, value, 4);
	} else {
		aml_byte(aml, AML_QWORD_PREFIX);
		aml_le(aml, value, 8);
	}
}

void aml_string(struct aml *aml, const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] < 0x20 || s[i] > 0x7e) {
			aml_fail(aml, -EINVAL);
			return;
		}
	aml_byte(aml, AML_STRING_PREFIX);
	aml_put(aml, s, i + 1);
}

static int aml_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The three letters, 5 bits each, then the four hex digits, stored big-end
 * first: EisaId("PNP0501") is the DWord 0x0105d041. */
void aml_eisa_id(struct aml *aml, const char *id)
{
	uint16_t letters = 0;
	uint8_t bytes[4];
	int i, d[4];

	if (strlen(id) != 7) {
		aml_fail(aml, -EINVAL);
		return;
	}
	for (i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			aml_fail(aml, -EINVAL);
			return;
		}
		letters = (uint16_t)(letters << 5 | (id[i] - 'A' + 1));
	}
	for (i = 0; i < 4; i++)
		if ((d[i] = aml_hex_digit(id[3 + i])) < 0) {
			aml_fail(aml, -EINVAL);
			return;
		}
	bytes[0] = (uint8_t)(letters >> 8);
	bytes[1] = (uint8_t)letters;
	bytes[2] = (uint8_t)(d[0] << 4 | d[1]);
	bytes[3] = (uint8_t)(d[2] << 4 | d[3]);
	aml_byte(aml, AML_DWORD_PREFIX);
	aml_put(aml, bytes, 4);
}

void aml_name(struct aml *aml, const char *name)
{
	aml_byte(aml, AML_NAME_OP);
	aml_name_string(aml, name);
}

/* --- packages ------------------------------------------------------------- */

static void aml_open(struct aml *aml, enum aml_package_kind kind)
{
	if (aml->error)
		return;
	if (aml->depth == AML_MAX_DEPTH) {
		aml_fail(aml, -EINVAL);
		return;
	}
	aml->open[aml->depth].kind = kind;
	aml->open[aml->depth].start = aml->len;
	aml->depth++;
}

void aml_scope_begin(struct aml *aml, const char *path)
{
	aml_byte(aml, AML_SCOPE_OP);
	aml_open(aml, AML_PKG_SCOPE);
	aml_name_string(aml, path);
}

void aml_device_begin(struct aml *aml, const char *name)
{
	aml_byte(aml, AML_EXT_OP_PREFIX);
	aml_byte(aml, AML_DEVICE_OP);
	aml_open(aml, AML_PKG_DEVICE);
	aml_name_string(aml, name);
}

void aml_buffer_begin(struct aml *aml)
{
	aml_byte(aml, AML_BUFFER_OP);
	aml_open(aml, AML_PKG_BUFFER);
}

void aml_resources_begin(struct aml *aml)
{
	aml_byte(aml, AML_BUFFER_OP);
	aml_open(aml, AML_PKG_RESOURCES);
}

/* 20.2.4: one byte holds up to 63; otherwise the lead byte's top two bits
 * count the bytes that follow, its low nibble holds the lowest four bits,
 * and each following byte the next eight. The length counts itself. */
static unsigned int aml_pkg_length_encode(size_t body_len, uint8_t out[4])
{
	unsigned int n, i;
	size_t total;

	for (n = 1; n <= 4; n++) {
		total = body_len + n;
		if (n == 1 && total <= 0x3f) {
			out[0] = (uint8_t)total;
			return 1;
		}
		if (n > 1 && total < (1ull << (4 + 8 * (n - 1)))) {
			out[0] = (uint8_t)((n - 1) << 6 | (total & 0xf));
			for (i = 1; i < n; i++)
				out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
			return n;
		}
	}
	return 0;
}

void aml_end(struct aml *aml)
{
	uint8_t head[4 + 9]; /* PkgLength, then a QWord BufferSize at most */
	unsigned int pkg_len, prefix_len = 0;
	size_t start, body_len;
	enum aml_package_kind kind;

	if (aml->error)
		return;
	if (!aml->depth) {
		aml_fail(aml, -EINVAL);
		return;
	}
	kind = aml->open[aml->depth - 1].kind;
	if (kind == AML_PKG_RESOURCES) {
		aml_byte(aml, RES_END_TAG);
		aml_byte(aml, 0); /* checksum 0: "treated as if it were correct" */
		if (aml->error)
			return;
	}
	aml->depth--;
	start = aml->open[aml->depth].start;
	body_len = aml->len - start;

	if (kind == AML_PKG_BUFFER || kind == AML_PKG_RESOURCES) {
		struct aml size = { .buf = head + 4, .capacity = 9 };

		aml_integer(&size, body_len);
		prefix_len = (unsigned int)size.len;
	}
	if (body_len + prefix_len + 4 > AML_PKG_LENGTH_MAX) {
		aml_fail(aml, -ENOSPC);
		return;
	}
	pkg_len = aml_pkg_length_encode(body_len + prefix_len, head);
	memmove(head + pkg_len, head + 4, prefix_len);
	if (pkg_len + prefix_len > aml->capacity - aml->len) {
		aml_fail(aml, -ENOSPC);
		return;
	}
	memmove(aml->buf + start + pkg_len + prefix_len, aml->buf + start, body_len);
	memcpy(aml->buf + start, head, pkg_len + prefix_len);
	aml->len += pkg_len + prefix_len;
}

/* --- resource descriptors ------------------------------------------------- */

void aml_memory32_fixed(struct aml *aml, bool is_writable, uint32_t base, uint32_t length)
{
	aml_byte(aml, RES_MEMORY32_FIXED);
	aml_le(aml, 9, 2);
	aml_byte(aml, is_writable ? 1 : 0);
	aml_le(aml, base, 4);
	aml_le(aml, length, 4);
}

void aml_extended_interrupt(struct aml *aml, bool is_edge, bool is_active_low, bool is_shared,
			    uint32_t gsi)
{
	uint8_t flags = EXT_IRQ_CONSUMER;

	if (is_edge)
		flags |= EXT_IRQ_EDGE;
	if (is_active_low)
		flags |= EXT_IRQ_ACTIVE_LOW;
	if (is_shared)
		flags |= EXT_IRQ_SHARED;
	aml_byte(aml, RES_EXTENDED_INTERRUPT);
	aml_le(aml, 6, 2); /* flags, count, one interrupt; no resource source */
	aml_byte(aml, flags);
	aml_byte(aml, 1);
	aml_le(aml, gsi, 4);
}

void aml_io(struct aml *aml, uint16_t min, uint16_t max, uint8_t alignment, uint8_t length)
{
	aml_byte(aml, RES_IO);
	aml_byte(aml, 1); /* decodes 16 address bits */
	aml_le(aml, min, 2);
	aml_le(aml, max, 2);
	aml_byte(aml, alignment);
	aml_byte(aml, length);
}

void aml_irq_no_flags(struct aml *aml, unsigned int irq)
{
	if (irq >= 16) {
		aml_fail(aml, -EINVAL);
		return;
	}
	aml_byte(aml, RES_IRQ_NO_FLAGS);
	aml_le(aml, 1u << irq, 2);
}
