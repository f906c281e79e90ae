/* The clock behind ktime_get_ns() (clock.c). */
#ifndef ARCH_X86_CLOCK_H
#define ARCH_X86_CLOCK_H

void clock_init(void);

#endif
