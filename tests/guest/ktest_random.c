/* The kernel's random bytes in the running kernel: the CPU's generator works
 * here (RDSEED/RDRAND in ring 0), and requests never repeat. */
#include <vitro/ktest.h>
#include <vitro/random.h>
#include <vitro/string.h>

KTEST(random_bytes_differ_between_requests)
{
	uint8_t a[32], b[32], zero[32] = { 0 };

	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KTEST_EXPECT(memcmp(a, b, sizeof(a)) != 0);
	KTEST_EXPECT(memcmp(a, zero, sizeof(a)) != 0);
}

KTEST(random_seeded_from_the_cpu)
{
	uint8_t byte;

	get_random_bytes(&byte, 1); /* the first request seeds */
	KTEST_EXPECT(strcmp(random_source_name(), "tsc only") != 0);
}
