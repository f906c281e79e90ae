/* The kernel's random bytes: one generator (lib/crng.c) seeded at boot from
 * the CPU's RDSEED or RDRAND where CPUID offers them, and always from TSC
 * readings (only a last resort on its own: a VM's TSC is guessable). */
#include <vitro/printk.h>
#include <vitro/random.h>
#include <vitro/spinlock.h>

#include "io.h"

#define CPUID1_ECX_RDRAND (1u << 30)
#define CPUID7_EBX_RDSEED (1u << 18)
#define HW_RANDOM_TRIES 10 /* as Linux: either instruction may say "not now" */

static struct crng crng;
static struct spinlock crng_lock;
static const char *random_source = "tsc only";

static bool rdseed64(uint64_t *v)
{
	unsigned char ok;

	__asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}

static bool rdrand64(uint64_t *v)
{
	unsigned char ok;

	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}

static bool hw_random64(bool (*insn)(uint64_t *), uint64_t *v)
{
	unsigned int i;

	for (i = 0; i < HW_RANDOM_TRIES; i++)
		if (insn(v))
			return true;
	return false;
}

/* Seeds the generator; the first request does it, not boot: a ChaCha block
 * is thousands of instructions, milliseconds where ring 0 is emulated. */
static void random_seed(void)
{
	uint32_t a, b, c, d, max;
	bool has_rdrand, has_rdseed = false;
	uint64_t seed[8];
	unsigned int i, from_hw = 0;

	cpuid(0, 0, &max, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	has_rdrand = c & CPUID1_ECX_RDRAND;
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		has_rdseed = b & CPUID7_EBX_RDSEED;
	}
	for (i = 0; i < 4; i++) {
		if ((has_rdseed && hw_random64(rdseed64, &seed[i])) ||
		    (has_rdrand && hw_random64(rdrand64, &seed[i])))
			from_hw++;
		else
			seed[i] = 0;
		seed[4 + i] = rdtsc();
	}
	crng_mix(&crng, seed, sizeof(seed));
	if (from_hw == 4)
		random_source = has_rdseed ? "rdseed" : "rdrand";
	if (from_hw < 4)
		pr_warn("random: no RDSEED/RDRAND, seeded from the TSC only (predictable)\n");
}

const char *random_source_name(void)
{
	return random_source;
}

void random_init(void)
{
	spin_lock_init(&crng_lock);
}

void get_random_bytes(void *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&crng_lock);

	if (!crng.is_seeded)
		random_seed();
	crng_read(&crng, buf, len);
	spin_unlock_irqrestore(&crng_lock, flags);
}
