/* The scheduler as host tests of sleeping kernel code see it (host_sched.c). */
#ifndef TESTS_UNIT_HOST_SCHED_H
#define TESTS_UNIT_HOST_SCHED_H

#include <stdbool.h>
#include <stdint.h>

/* The monotonic clock; only timed sleeps move it. */
extern uint64_t host_clock_ns;
/* A signal pending for the host task (interrupts sleeps), and the last one sent. */
extern bool host_signal_pending;
extern int host_last_signal;

/* The next time the task would sleep, fn(arg) runs first (once); if it wakes
 * the task, the sleep ends at once without the clock moving. */
void host_sched_on_next_sleep(void (*fn)(void *arg), void *arg);

#endif
