/* Kernel time: a monotonic clock in nanoseconds since boot (kvmclock when the
 * hypervisor offers it, else the TSC with the frequency found at boot), the
 * wall clock, and one-shot timers on the local APIC timer (TSC-deadline mode
 * where the CPU has it). */
#ifndef VITRO_TIME_H
#define VITRO_TIME_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/list.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC 1000000000ull

/* Nanoseconds since boot; never goes backwards. */
uint64_t ktime_get_ns(void);

/* Nanoseconds since the Unix epoch (the hypervisor's wall clock at boot plus
 * the monotonic clock), or since boot if no wall clock is known. */
uint64_t ktime_get_real_ns(void);

/* Which clock ktime_get_ns() reads: "kvm-clock" or "tsc". */
const char *clocksource_name(void);

struct page;
/* The page holding the clock's state (vitro/vvar.h), which exec maps
 * read-only into every process for the vDSO; NULL before time_init(). */
struct page *clock_vvar_page(void);

struct timer_base;

/* A one-shot timer: fn runs in interrupt context, on the CPU that armed it,
 * once ktime_get_ns() has passed expires_ns. */
struct timer {
	struct list_head node;
	uint64_t expires_ns;
	void (*fn)(struct timer *timer);
	struct timer_base *base; /* the CPU queue it is (or was last) on */
	bool is_armed;
};

void timer_init(struct timer *timer, void (*fn)(struct timer *timer));
/* Arms (or re-arms) timer for expires_ns on this CPU. */
void timer_arm(struct timer *timer, uint64_t expires_ns);
/* Disarms (from any CPU); returns true if it was armed. fn may still be
 * running on the timer's CPU. */
bool timer_cancel(struct timer *timer);
/* Disarms and waits until fn is not running: then the timer may be freed. */
bool timer_cancel_sync(struct timer *timer);

/* Which hardware fires timers: "tsc-deadline" or "lapic-oneshot". */
const char *clockevent_name(void);

/* Sets up the clock and the timer hardware of the boot CPU. */
void time_init(void);
/* The timer hardware of another CPU, on that CPU. */
void time_init_cpu(void);

#endif
