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

/* In assembly: a C division by a known zero is undefined, and the compiler
 * would be right to drop it. */
static __attribute__((noinline)) void crash_divide(void)
{
	uint32_t eax = 100, edx = 0, divisor = 0;

	__asm__ __volatile__("divl %2" : "+a"(eax), "+d"(edx) : "r"(divisor));
}

/* With an empty IDT no exception can be delivered: the CPU shuts down
 * (triple fault), which the VMM must report. */
static __attribute__((noinline)) void crash_triple_fault(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	__asm__ __volatile__("lidt %0\n\tud2" : : "m"(empty_idt));
}

/* Unbounded recursion runs into the guard page below the stack: the fault
 * cannot be delivered on that stack, so it becomes a double fault on its own
 * stack, which reports the overflow. */
static volatile int crash_recursion_limit = 1 << 30; /* never reached */

static __attribute__((noinline)) int crash_stack_overflow(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth > crash_recursion_limit)
		return 0;
	return crash_stack_overflow(depth + 1) + frame[0];
}

__noreturn void crash_on_purpose(const char *kind)
{
	pr_emerg("crash: %s on purpose\n", kind);
	if (!strcmp(kind, "ud2"))
		crash_invalid_opcode();
	else if (!strcmp(kind, "pagefault"))
		crash_page_fault();
	else if (!strcmp(kind, "stackoverflow"))
		crash_stack_overflow(0);
	else if (!strcmp(kind, "triple"))
		crash_triple_fault();
	else if (!strcmp(kind, "divide"))
		crash_divide();
	panic("crash=%s requested", kind);
}
