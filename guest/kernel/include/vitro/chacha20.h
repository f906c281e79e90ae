/* The ChaCha20 block function (RFC 8439), the core of the kernel's random
 * number generator. Builds for the host too. */
#ifndef VITRO_CHACHA20_H
#define VITRO_CHACHA20_H

#include <stdint.h>

#define CHACHA20_KEY_WORDS 8
#define CHACHA20_NONCE_WORDS 3
#define CHACHA20_BLOCK_BYTES 64

/* One 64-byte keystream block for key, 32-bit block counter and 96-bit nonce
 * (RFC 8439 section 2.3), serialised little-endian into out. */
void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[CHACHA20_NONCE_WORDS], uint8_t out[CHACHA20_BLOCK_BYTES]);

#endif
