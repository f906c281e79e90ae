/* See vitro/random.h. Each request uses its own nonce (the generation
 * count) with a block counter: block 0 becomes the next key first, the
 * blocks after it are the output. */
#include <vitro/random.h>
#include <vitro/string.h>

/* Replaces the key with the first 32 bytes of block 0 of this generation. */
static void crng_erase_key(struct crng *c, uint8_t block[CHACHA20_BLOCK_BYTES])
{
	uint32_t nonce[CHACHA20_NONCE_WORDS] = { (uint32_t)c->generation,
						 (uint32_t)(c->generation >> 32), 0 };

	chacha20_block(c->key, 0, nonce, block);
	memcpy(c->key, block, sizeof(c->key));
}

void crng_mix(struct crng *c, const void *seed, size_t len)
{
	uint8_t block[CHACHA20_BLOCK_BYTES];
	const uint8_t *p = seed;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % sizeof(c->key) == 0) {
			crng_erase_key(c, block);
			c->generation++;
		}
		((uint8_t *)c->key)[i % sizeof(c->key)] ^= p[i];
	}
	if (len >= sizeof(c->key))
		c->is_seeded = true;
	memset(block, 0, sizeof(block));
	__asm__ __volatile__("" : : "r"(block) : "memory");
}

void crng_read(struct crng *c, void *buf, size_t len)
{
	uint32_t nonce[CHACHA20_NONCE_WORDS] = { (uint32_t)c->generation,
						 (uint32_t)(c->generation >> 32), 0 };
	uint8_t block[CHACHA20_BLOCK_BYTES], *out = buf;
	uint32_t key[CHACHA20_KEY_WORDS], counter = 1;

	/* Key first: the output below comes from a key that is gone once this returns. */
	memcpy(key, c->key, sizeof(key));
	crng_erase_key(c, block);
	c->generation++;
	while (len) {
		size_t n = len < sizeof(block) ? len : sizeof(block);

		chacha20_block(key, counter++, nonce, block);
		memcpy(out, block, n);
		out += n;
		len -= n;
		if (!counter) { /* 256 GiB in one request: move on to a new key */
			crng_erase_key(c, block);
			memcpy(key, c->key, sizeof(key));
			nonce[2]++;
		}
	}
	memset(block, 0, sizeof(block));
	memset(key, 0, sizeof(key));
	__asm__ __volatile__("" : : "r"(block), "r"(key) : "memory"); /* keep the wipes */
}
