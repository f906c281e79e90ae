/* What kernel code built for the host expects the kernel to provide: the
 * simulated current CPU and its interrupt flag, the base of simulated
 * physical memory, random bytes, printk (the last message is kept for tests
 * that expect a warning), a clock the test sets, tracepoints that record
 * the last event, and the scheduler's stall accounting. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/format.h>
#include <vitro/printk.h>
#include <vitro/random.h>
#include <vitro/sched_stats.h>
#include <vitro/trace.h>

#include "host_kernel.h"

unsigned int host_current_cpu;
bool host_irqs_off;
uint8_t *host_phys_base;
int console_loglevel = LOGLEVEL_DEBUG;
char host_printk_last[256];
unsigned long host_printk_count;
uint64_t host_now_ns;
uint8_t trace_event_on[TRACE_NR_EVENTS];
unsigned int host_trace_last_type;
_Alignas(8) uint8_t host_trace_last[256];
unsigned long host_trace_count[TRACE_NR_EVENTS];

/* The kernel's random bytes, from a generator with a fixed seed: tests of code
 * that reads /dev/urandom see the real generator, reproducibly. */
void get_random_bytes(void *buf, size_t len)
{
	static struct crng crng;

	if (!crng.is_seeded)
		crng_mix(&crng, "vitro host tests, fixed seed....", 32);
	crng_read(&crng, buf, len);
}

void vprintk_level(enum log_level level, const char *fmt, va_list ap)
{
	(void)level;
	format_vsnprintf(host_printk_last, sizeof(host_printk_last), fmt, ap);
	host_printk_count++;
}

void printk_level(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_level(level, fmt, ap);
	va_end(ap);
}

uint64_t ktime_get_ns(void)
{
	return host_now_ns;
}

void *trace_reserve(unsigned int type, unsigned int len, unsigned long *flags)
{
	*flags = 0;
	if (type >= TRACE_NR_EVENTS || len > sizeof(host_trace_last))
		return NULL;
	host_trace_last_type = type;
	host_trace_count[type]++;
	return host_trace_last;
}

void trace_commit(void *reserved, unsigned long flags)
{
	(void)reserved;
	(void)flags;
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
