/* Tests for the AML encoder (vmm/acpi/aml.c): each term's exact bytes as
 * ACPI 6.5 chapter 20 and section 6.4 define them, the PkgLength size
 * boundaries, and the sticky errors. test_acpi.c has iasl and acpiexec
 * read whole tables. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/acpi/aml.h"
#include "unit.h"

static bool expect_bytes_at(const char *file, unsigned int line, const struct aml *aml,
			    const uint8_t *want, size_t want_len)
{
	size_t i;

	if (aml->error) {
		unit_fail_at(file, line, "encoder failed with %d", aml->error);
		return false;
	}
	if (aml->len != want_len) {
		unit_fail_at(file, line, "encoded %zu bytes, want %zu", aml->len, want_len);
		return false;
	}
	for (i = 0; i < want_len; i++)
		if (aml->buf[i] != want[i]) {
			unit_fail_at(file, line, "byte %zu is 0x%02x, want 0x%02x", i, aml->buf[i],
				     want[i]);
			return false;
		}
	return true;
}

#define EXPECT_BYTES(aml, ...)                                                    \
	do {                                                                      \
		static const uint8_t want_[] = { __VA_ARGS__ };                   \
		expect_bytes_at(__FILE__, __LINE__, (aml), want_, sizeof(want_)); \
	} while (0)

static uint8_t buf[4096];

static void test_aml_name_string_encodes_root_dual_and_multi_segment_paths(void)
{
	struct aml aml;

	aml_init(&aml, buf, sizeof(buf));
	aml_name_string(&aml, "\\_SB");
	EXPECT_BYTES(&aml, '\\', '_', 'S', 'B', '_');
	aml_init(&aml, buf, sizeof(buf));
	aml_name_string(&aml, "\\_SB.V000");
	EXPECT_BYTES(&aml, '\\', 0x2e, '_', 'S', 'B', '_', 'V', '0', '0', '0');
	aml_init(&aml, buf, sizeof(buf));
	aml_name_string(&aml, "A.B1.C_D");
	EXPECT_BYTES(&aml, 0x2f, 3, 'A', '_', '_', '_', 'B', '1', '_', '_', 'C', '_', 'D', '_');
	aml_init(&aml, buf, sizeof(buf));
	aml_name_string(&aml, "^^FOO");
	EXPECT_BYTES(&aml, '^', '^', 'F', 'O', 'O', '_');
	aml_init(&aml, buf, sizeof(buf));
	aml_name_string(&aml, "\\");
	EXPECT_BYTES(&aml, '\\', 0x00); /* the root: NullName */
}

static void test_aml_rejects_malformed_names(void)
{
	static const char *const bad[] = {
		"1ABC", "ABCDE", "abc", "A..B", "A.", ".A", "\\^A", "A-B"
	};
	struct aml aml;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		aml_init(&aml, buf, sizeof(buf));
		aml_name_string(&aml, bad[i]);
		if (aml_finish(&aml) != -EINVAL)
			UNIT_FAIL("name '%s' was accepted", bad[i]);
	}
}

static void test_aml_integer_uses_the_shortest_encoding(void)
{
	struct aml aml;

	aml_init(&aml, buf, sizeof(buf));
	aml_integer(&aml, 0);
	aml_integer(&aml, 1);
	aml_integer(&aml, 2);
	aml_integer(&aml, 0xff);
	aml_integer(&aml, 0x100);
	aml_integer(&aml, 0x12345678);
	aml_integer(&aml, 0x100000000ull);
	aml_integer(&aml, UINT64_MAX);
	EXPECT_BYTES(&aml, 0x00, 0x01, 0x0a, 0x02, 0x0a, 0xff, 0x0b, 0x00, 0x01, 0x0c, 0x78, 0x56,
		     0x34, 0x12, 0x0e, 0, 0, 0, 0, 1, 0, 0, 0, 0xff);
}

/* EisaId() as iasl compiles it: PNP0501 is 0x0105d041, PNP0A03 0x030ad041. */
static void test_aml_eisa_id_matches_the_compressed_form(void)
{
	struct aml aml;

	aml_init(&aml, buf, sizeof(buf));
	aml_eisa_id(&aml, "PNP0501");
	aml_eisa_id(&aml, "PNP0A03");
	EXPECT_BYTES(&aml, 0x0c, 0x41, 0xd0, 0x05, 0x01, 0x0c, 0x41, 0xd0, 0x0a, 0x03);
	aml_init(&aml, buf, sizeof(buf));
	aml_eisa_id(&aml, "pnp0501");
	EXPECT_EQ(aml_finish(&aml), -EINVAL);
	aml_init(&aml, buf, sizeof(buf));
	aml_eisa_id(&aml, "PNP05G1");
	EXPECT_EQ(aml_finish(&aml), -EINVAL);
	aml_init(&aml, buf, sizeof(buf));
	aml_eisa_id(&aml, "PNP050");
	EXPECT_EQ(aml_finish(&aml), -EINVAL);
}

static void test_aml_string_and_name_objects(void)
{
	struct aml aml;

	aml_init(&aml, buf, sizeof(buf));
	aml_name(&aml, "_HID");
	aml_string(&aml, "LNRO0005");
	EXPECT_BYTES(&aml, 0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0', '0', '5',
		     0);
	aml_init(&aml, buf, sizeof(buf));
	aml_string(&aml, "tab\there");
	EXPECT_EQ(aml_finish(&aml), -EINVAL);
}

/* A virtio-mmio device's _CRS: the bytes acpiexec returns for vitro's DSDT. */
static void test_aml_resource_template_has_descriptors_and_end_tag(void)
{
	struct aml aml;

	aml_init(&aml, buf, sizeof(buf));
	aml_resources_begin(&aml);
	aml_memory32_fixed(&aml, true, 0xfeb00200, 0x200);
	aml_extended_interrupt(&aml, true, false, false, 6);
	aml_end(&aml);
	EXPECT_EQ(aml_finish(&aml), 27);
	/* Buffer, PkgLength (itself, BufferSize and the bytes), BufferSize. */
	EXPECT_BYTES(&aml, 0x11, 26, 0x0a, 23, 0x86, 0x09, 0x00, 0x01, 0x00, 0x02, 0xb0, 0xfe, 0x00,
		     0x02, 0x00, 0x00, 0x89, 0x06, 0x00, 0x03, 0x01, 0x06, 0x00, 0x00, 0x00, 0x79,
		     0x00);

	/* Level, active-low, shared; and COM1's IO and IRQNoFlags. */
	aml_init(&aml, buf, sizeof(buf));
	aml_extended_interrupt(&aml, false, true, true, 0x12345);
	aml_io(&aml, 0x3f8, 0x3f8, 0, 8);
	aml_irq_no_flags(&aml, 4);
	EXPECT_BYTES(&aml, 0x89, 0x06, 0x00, 0x0d, 0x01, 0x45, 0x23, 0x01, 0x00, 0x47, 0x01, 0xf8,
		     0x03, 0xf8, 0x03, 0x00, 0x08, 0x22, 0x10, 0x00);
	aml_init(&aml, buf, sizeof(buf));
	aml_irq_no_flags(&aml, 16);
	EXPECT_EQ(aml_finish(&aml), -EINVAL);
}

/* Device(ABCD) holding n raw bytes: 5B 82 PkgLength "ABCD" bytes. */
static void device_with_body(struct aml *aml, uint8_t *out, size_t capacity, size_t n)
{
	static uint8_t filler[1 << 20];

	aml_init(aml, out, capacity);
	aml_device_begin(aml, "ABCD");
	aml_bytes(aml, filler, n);
	aml_end(aml);
}

/* 20.2.4: the encoding grows from 1 to 2 bytes past 63, to 3 past 4095, to 4
 * past 2^20 - 1, each length counting itself. */
static void test_aml_pkg_length_grows_at_its_boundaries(void)
{
	static const struct {
		size_t body; /* bytes after the PkgLength: name + filler */
		uint8_t encoded[4];
		unsigned int encoded_len;
	} cases[] = {
		{ 62, { 0x3f }, 1 },
		{ 63, { 0x41, 0x04 }, 2 }, /* 65 */
		{ 4093, { 0x4f, 0xff }, 2 }, /* 4095 */
		{ 4094, { 0x81, 0x00, 0x01 }, 3 }, /* 4097 */
		{ (1 << 20) - 4, { 0x8f, 0xff, 0xff }, 3 }, /* 2^20 - 1 */
		{ (1 << 20) - 3, { 0xc1, 0x00, 0x00, 0x01 }, 4 }, /* 2^20 + 1 */
	};
	size_t capacity = (1 << 20) + 64;
	uint8_t *out = malloc(capacity);
	struct aml aml;
	unsigned int i;

	if (!out) {
		UNIT_FAIL("out of memory");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		device_with_body(&aml, out, capacity, cases[i].body - 4);
		if (!EXPECT_EQ(aml_finish(&aml), 2 + cases[i].encoded_len + cases[i].body))
			continue;
		if (memcmp(out + 2, cases[i].encoded, cases[i].encoded_len) ||
		    memcmp(out + 2 + cases[i].encoded_len, "ABCD", 4))
			UNIT_FAIL("case %u: PkgLength %02x %02x %02x %02x", i, out[2], out[3],
				  out[4], out[5]);
	}
	free(out);
}

static void test_aml_errors_are_sticky_and_reported_at_finish(void)
{
	uint8_t small[8];
	struct aml aml;
	unsigned int i;
	size_t len;

	aml_init(&aml, small, sizeof(small));
	aml_string(&aml, "too long for 8");
	len = aml.len;
	aml_integer(&aml, 0); /* would fit, but the encoder has failed */
	EXPECT_EQ(aml.len, len);
	EXPECT_EQ(aml_finish(&aml), -ENOSPC);

	/* Room for the body but not for the PkgLength that closing adds. */
	aml_init(&aml, small, 6);
	aml_device_begin(&aml, "ABCD");
	aml_end(&aml);
	EXPECT_EQ(aml_finish(&aml), -ENOSPC);

	aml_init(&aml, buf, sizeof(buf));
	aml_scope_begin(&aml, "\\_SB");
	EXPECT_EQ(aml_finish(&aml), -EINVAL); /* left open */

	aml_init(&aml, buf, sizeof(buf));
	aml_end(&aml);
	EXPECT_EQ(aml_finish(&aml), -EINVAL); /* nothing to close */

	aml_init(&aml, buf, sizeof(buf));
	for (i = 0; i <= AML_MAX_DEPTH; i++)
		aml_scope_begin(&aml, "A");
	EXPECT_EQ(aml_finish(&aml), -EINVAL);
}

static void test_aml_nested_scope_and_device_lengths_add_up(void)
{
	struct aml aml;

	aml_init(&aml, buf, sizeof(buf));
	aml_scope_begin(&aml, "\\_SB");
	aml_device_begin(&aml, "COM1");
	aml_name(&aml, "_UID");
	aml_integer(&aml, 0);
	aml_end(&aml);
	aml_end(&aml);
	EXPECT_BYTES(&aml, 0x10, 19, '\\', '_', 'S', 'B', '_', /* Scope: 19 bytes from PkgLength */
		     0x5b, 0x82, 11, 'C', 'O', 'M', '1', /* Device: 11 */
		     0x08, '_', 'U', 'I', 'D', 0x00);
}

static void unit_register_aml(void)
{
	static CU_TestInfo tests[] = {
		UNIT_TEST(test_aml_name_string_encodes_root_dual_and_multi_segment_paths),
		UNIT_TEST(test_aml_rejects_malformed_names),
		UNIT_TEST(test_aml_integer_uses_the_shortest_encoding),
		UNIT_TEST(test_aml_eisa_id_matches_the_compressed_form),
		UNIT_TEST(test_aml_string_and_name_objects),
		UNIT_TEST(test_aml_resource_template_has_descriptors_and_end_tag),
		UNIT_TEST(test_aml_pkg_length_grows_at_its_boundaries),
		UNIT_TEST(test_aml_errors_are_sticky_and_reported_at_finish),
		UNIT_TEST(test_aml_nested_scope_and_device_lengths_add_up),
		CU_TEST_INFO_NULL,
	};

	unit_add_suite("aml", tests);
}

UNIT_REGISTER(unit_register_aml)
