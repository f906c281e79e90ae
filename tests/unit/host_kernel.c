/* What kernel code built for the host expects the kernel to provide: the
 * simulated current CPU and its interrupt flag, the base of simulated
 * physical memory, random bytes, the scheduler's stall accounting. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/random.h>
#include <vitro/sched_stats.h>

unsigned int host_current_cpu;
bool host_irqs_off;
uint8_t *host_phys_base;

/* The kernel's random bytes, from a generator with a fixed seed: tests of code
 * that reads /dev/urandom see the real generator, reproducibly. */
void get_random_bytes(void *buf, size_t len)
{
	static struct crng crng;

	if (!crng.is_seeded)
		crng_mix(&crng, "vitro host tests, fixed seed....", 32);
	crng_read(&crng, buf, len);
}

/* Direct reclaim reports a memory stall; there is no scheduler to count it
 * here, only the nesting to keep. */
void psi_memstall_enter(unsigned long *flags)
{
	*flags = 0;
}

void psi_memstall_leave(unsigned long *flags)
{
	(void)flags;
}
