/* See vitro/loadavg.h: the load average's fixed-point math and its 5-second
 * bookkeeping. No hardware; builds for the host. */
#include <vitro/loadavg.h>

unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long next = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		next += FIXED_1 - 1;
	return next / FIXED_1;
}

unsigned long fixed_power_int(unsigned long x, unsigned int frac_bits, unsigned int n)
{
	unsigned long result = 1ul << frac_bits;
	unsigned long half = 1ul << (frac_bits - 1);

	/* Square and multiply, from the low bit of n up. */
	while (n) {
		if (n & 1)
			result = (result * x + half) >> frac_bits;
		n >>= 1;
		if (n)
			x = (x * x + half) >> frac_bits;
	}
	return result;
}

unsigned long calc_load_n(unsigned long load, unsigned long exp, unsigned long active,
			  unsigned int n)
{
	return calc_load(load, fixed_power_int(exp, FSHIFT, n), active);
}

void loadavg_init(struct loadavg *la, uint64_t now_ns)
{
	*la = (struct loadavg){ .next_update_ns = now_ns + LOAD_FREQ_NS, .last_ns = now_ns };
}

/* span * FIXED_1 would overflow after about 100 days of span; the two
 * parts keep it exact. */
static unsigned long average_active(uint64_t active_ns, uint64_t span_ns)
{
	if (!span_ns)
		return 0;
	return (unsigned long)((active_ns / span_ns) * FIXED_1 +
			       (active_ns % span_ns) * FIXED_1 / span_ns);
}

bool loadavg_update(struct loadavg *la, uint64_t now_ns, uint64_t active_ns)
{
	static const unsigned long exps[3] = { EXP_1, EXP_5, EXP_15 };
	unsigned long active;
	uint64_t missed;

	if (now_ns < la->next_update_ns)
		return false;
	missed = (now_ns - la->next_update_ns) / LOAD_FREQ_NS;
	active = average_active(active_ns - la->last_active_ns, now_ns - la->last_ns);
	for (unsigned int i = 0; i < 3; i++)
		la->avenrun[i] = calc_load_n(la->avenrun[i], exps[i], active,
					     (unsigned int)(missed > 100000 ? 100000 : missed + 1));
	la->next_update_ns += (missed + 1) * LOAD_FREQ_NS;
	la->last_ns = now_ns;
	la->last_active_ns = active_ns;
	return true;
}
