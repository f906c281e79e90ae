/* The kernel's ChaCha20 (RFC 8439's test vector, checked against OpenSSL)
 * and the random generator built on it (guest/kernel/lib/crng.c). */
#include <string.h>
#include <vitro/chacha20.h>
#include <vitro/random.h>

#include "unit.h"

/* RFC 8439 section 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1. */
static void test_chacha20_rfc8439_block(void)
{
	static const uint8_t expected[CHACHA20_BLOCK_BYTES] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
		0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
		0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
		0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
		0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
	};
	uint32_t key[CHACHA20_KEY_WORDS],
		nonce[CHACHA20_NONCE_WORDS] = { 0x09000000, 0x4a000000, 0 };
	uint8_t out[CHACHA20_BLOCK_BYTES];
	unsigned int i;

	for (i = 0; i < CHACHA20_KEY_WORDS; i++)
		key[i] = (4 * i) | (4 * i + 1) << 8 | (4 * i + 2) << 16 |
			 (uint32_t)(4 * i + 3) << 24;
	chacha20_block(key, 1, nonce, out);
	EXPECT_TRUE(!memcmp(out, expected, sizeof(out)));
}

static void seeded(struct crng *c, uint8_t fill)
{
	uint8_t seed[32];

	memset(c, 0, sizeof(*c));
	memset(seed, fill, sizeof(seed));
	crng_mix(c, seed, sizeof(seed));
}

static void test_crng_same_seed_same_stream_and_requests_differ(void)
{
	struct crng a, b;
	uint8_t x[100], y[100], z[100];

	seeded(&a, 1);
	seeded(&b, 1);
	EXPECT_TRUE(a.is_seeded);
	crng_read(&a, x, sizeof(x));
	crng_read(&b, y, sizeof(y));
	EXPECT_TRUE(!memcmp(x, y, sizeof(x)));
	crng_read(&a, z, sizeof(z));
	EXPECT_TRUE(memcmp(x, z, sizeof(x)) != 0);
	seeded(&b, 2);
	crng_read(&b, y, sizeof(y));
	EXPECT_TRUE(memcmp(x, y, sizeof(x)) != 0);
}

/* Fast key erasure: after a request the key is new, and reading with the
 * new key does not give the bytes handed out before. */
static void test_crng_key_erased_by_each_request(void)
{
	struct crng c;
	uint32_t before[CHACHA20_KEY_WORDS];
	uint8_t out[64], again[64];

	seeded(&c, 3);
	memcpy(before, c.key, sizeof(before));
	crng_read(&c, out, sizeof(out));
	EXPECT_TRUE(memcmp(before, c.key, sizeof(before)) != 0);
	crng_read(&c, again, sizeof(again));
	EXPECT_TRUE(memcmp(out, again, sizeof(out)) != 0);
}

/* Large and odd-sized requests: roughly half the bits set, every byte value seen. */
static void test_crng_output_looks_uniform(void)
{
	static uint8_t buf[1 << 20];
	unsigned int counts[256] = { 0 }, i, missing = 0;
	uint64_t ones = 0;
	struct crng c;

	seeded(&c, 4);
	crng_read(&c, buf, 12345);
	crng_read(&c, buf + 12345, sizeof(buf) - 12345);
	for (i = 0; i < sizeof(buf); i++) {
		counts[buf[i]]++;
		ones += __builtin_popcount(buf[i]);
	}
	for (i = 0; i < 256; i++)
		missing += counts[i] < sizeof(buf) / 256 / 2;
	EXPECT_EQ(missing, 0);
	/* 8 Mi bits: the standard deviation is about 1448 bits. */
	EXPECT_TRUE(ones > 4 * sizeof(buf) - 10000 && ones < 4 * sizeof(buf) + 10000);
}

static CU_TestInfo crng_tests[] = {
	UNIT_TEST(test_chacha20_rfc8439_block),
	UNIT_TEST(test_crng_same_seed_same_stream_and_requests_differ),
	UNIT_TEST(test_crng_key_erased_by_each_request),
	UNIT_TEST(test_crng_output_looks_uniform),
	CU_TEST_INFO_NULL,
};

static void register_crng_tests(void)
{
	unit_add_suite("crng", crng_tests);
}
UNIT_REGISTER(register_crng_tests)
