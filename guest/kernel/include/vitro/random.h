/* The kernel's random numbers (/dev/random, /dev/urandom, getrandom, AT_RANDOM):
 * a ChaCha20 generator with fast key erasure, as Linux's crng: every request
 * first replaces the key with keystream, so a key read from memory later does
 * not reveal what was handed out before. Seeded from the CPU (RDSEED, RDRAND)
 * through a source the architecture provides; the generator builds for the
 * host too, with any source. */
#ifndef VITRO_RANDOM_H
#define VITRO_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vitro/chacha20.h>

struct crng {
	uint32_t key[CHACHA20_KEY_WORDS];
	uint64_t generation; /* requests served, the nonce of each */
	bool is_seeded;
};

/* Mixes len bytes of seed material into the key (any length; XORed into a
 * fresh key from the current one). Counts as seeded once len >= 32. */
void crng_mix(struct crng *c, const void *seed, size_t len);

/* Fills buf with len random bytes. */
void crng_read(struct crng *c, void *buf, size_t len);

/* The kernel's generator (arch/x86/random.c): random_init() at boot, seeded
 * by the first request. */
void random_init(void);
void get_random_bytes(void *buf, size_t len);
/* "rdseed", "rdrand" or "tsc only". */
const char *random_source_name(void);

#endif
