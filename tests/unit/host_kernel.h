/* The host stand-ins for kernel services (host_kernel.c) that tests look at. */
#ifndef TESTS_UNIT_HOST_KERNEL_H
#define TESTS_UNIT_HOST_KERNEL_H

#include <stdint.h>

/* The last message kernel code printed with printk, and how many it printed. */
extern char host_printk_last[256];
extern unsigned long host_printk_count;

/* What ktime_get_ns() returns. */
extern uint64_t host_now_ns;

/* Tracepoints: set trace_event_on[TRACE_EVENT_x] (vitro/trace.h) to record;
 * the last event's payload, its type, and counts by type. */
extern unsigned int host_trace_last_type;
extern uint8_t host_trace_last[256];
extern unsigned long host_trace_count[];

#endif
