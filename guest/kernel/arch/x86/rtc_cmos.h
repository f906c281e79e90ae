/* The CMOS real-time clock (rtc_cmos.c). */
#ifndef ARCH_X86_RTC_CMOS_H
#define ARCH_X86_RTC_CMOS_H

#include <stdbool.h>
#include <stdint.h>

/* The RTC's time in nanoseconds since the epoch (whole seconds), or false
 * when there is no RTC or it reads nonsense. */
bool rtc_cmos_read_ns(uint64_t *ns);

#endif
