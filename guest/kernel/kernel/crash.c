/* See crash.h. The helpers are noinline so the backtrace has frames to show. */
#include "crash.h"

#include <stdint.h>
#include <vitro/printk.h>
#include <vitro/string.h>

static __attribute__((noinline)) void crash_invalid_opcode(void)
{
	__asm__ __volatile__("ud2");
}

static __attribute__((noinline)) void crash_page_fault(void)
{
	/* An address no mapping covers (just below the direct map). */
	*(volatile uint64_t *)0xffff800000001000ull = 0xdead;
}

static __attribute__((noinline)) int crash_divide(volatile int divisor)
{
	return 100 / divisor;
}

__noreturn void crash_on_purpose(const char *kind)
{
	pr_emerg("crash: %s on purpose\n", kind);
	if (!strcmp(kind, "ud2"))
		crash_invalid_opcode();
	else if (!strcmp(kind, "pagefault"))
		crash_page_fault();
	else if (!strcmp(kind, "divide"))
		crash_divide(0);
	panic("crash=%s requested", kind);
}
