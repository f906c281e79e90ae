/* One-shot timers (vitro/time.h): one queue per CPU sorted by expiry, with
 * that CPU's APIC timer always programmed for the earliest. A list is O(n) to
 * insert; the scheduler's tick and a few sleepers per CPU are what it holds. */
#include <vitro/cpu.h>
#include <vitro/spinlock.h>
#include <vitro/time.h>
#include <vitro/trace.h>

#include "../arch/x86/apic_timer.h"
#include "../arch/x86/clock.h"

struct timer_base {
	struct spinlock lock;
	struct list_head queue; /* initialised on first use: zeroed memory is "not yet" */
	struct timer *running; /* whose fn runs now, for timer_cancel_sync() */
};

static struct timer_base timer_bases[NR_CPUS];

static struct timer_base *this_base(void)
{
	struct timer_base *base = &timer_bases[smp_processor_id()];

	if (!base->queue.next)
		list_init(&base->queue);
	return base;
}

/* Only for this CPU's base: the APIC timer is per CPU. */
static void timer_reprogram(struct timer_base *base)
{
	struct timer *first;
	uint64_t now;

	if (list_empty(&base->queue)) {
		apic_timer_stop();
		return;
	}
	first = list_first_entry(&base->queue, struct timer, node);
	now = ktime_get_ns();
	apic_timer_program(first->expires_ns > now ? first->expires_ns - now : 1);
}

void timer_init(struct timer *timer, void (*fn)(struct timer *timer))
{
	list_init(&timer->node);
	timer->fn = fn;
	timer->base = NULL;
	timer->is_armed = false;
	timer->expires_ns = 0;
}

static void timer_unlink(struct timer *timer)
{
	list_del(&timer->node);
	list_init(&timer->node);
	timer->is_armed = false;
}

void timer_arm(struct timer *timer, uint64_t expires_ns)
{
	unsigned long flags = local_irq_save();
	struct timer_base *base = this_base();
	struct list_head *pos;

	if (timer->base && timer->base != base)
		timer_cancel(timer); /* armed on another CPU before */
	raw_spin_lock(&base->lock);
	if (timer->is_armed)
		timer_unlink(timer);
	timer->expires_ns = expires_ns;
	timer->base = base;
	list_for_each(pos, &base->queue)
		if (list_entry(pos, struct timer, node)->expires_ns > expires_ns)
			break;
	list_add_tail(&timer->node, pos); /* before the first later one */
	timer->is_armed = true;
	if (base->queue.next == &timer->node)
		timer_reprogram(base);
	raw_spin_unlock(&base->lock);
	local_irq_restore(flags);
}

bool timer_cancel(struct timer *timer)
{
	unsigned long flags = local_irq_save();
	struct timer_base *base;
	bool was_armed = false;

	for (;;) {
		base = READ_ONCE(timer->base);
		if (!base)
			break;
		raw_spin_lock(&base->lock);
		if (READ_ONCE(timer->base) != base) {
			raw_spin_unlock(&base->lock);
			continue; /* re-armed elsewhere meanwhile */
		}
		was_armed = timer->is_armed;
		if (was_armed) {
			bool was_first = base->queue.next == &timer->node;

			timer_unlink(timer);
			/* Another CPU's hardware stays as it is: it fires early and finds nothing. */
			if (was_first && base == &timer_bases[smp_processor_id()])
				timer_reprogram(base);
		}
		raw_spin_unlock(&base->lock);
		break;
	}
	local_irq_restore(flags);
	return was_armed;
}

bool timer_cancel_sync(struct timer *timer)
{
	bool was_armed = timer_cancel(timer);
	struct timer_base *base = READ_ONCE(timer->base);

	while (base && __atomic_load_n(&base->running, __ATOMIC_ACQUIRE) == timer)
		cpu_relax();
	return was_armed;
}

/* The APIC timer interrupt: run everything due, then program the next. */
static void timer_interrupt(void *opaque)
{
	struct timer_base *base = this_base();
	uint64_t now = ktime_get_ns();

	(void)opaque;
	raw_spin_lock(&base->lock);
	while (!list_empty(&base->queue)) {
		struct timer *t = list_first_entry(&base->queue, struct timer, node);

		if (t->expires_ns > now)
			break;
		timer_unlink(t);
		__atomic_store_n(&base->running, t, __ATOMIC_RELAXED);
		raw_spin_unlock(&base->lock);
		trace_event(timer_expire_entry, .timer = (uint64_t)t, .function = (uint64_t)t->fn,
			    .now_ns = now);
		t->fn(t);
		trace_event(timer_expire_exit, .timer = (uint64_t)t);
		raw_spin_lock(&base->lock);
		__atomic_store_n(&base->running, NULL, __ATOMIC_RELEASE);
		now = ktime_get_ns();
	}
	timer_reprogram(base);
	raw_spin_unlock(&base->lock);
}

void time_init(void)
{
	clock_init();
	apic_timer_init(timer_interrupt);
}

void time_init_cpu(void)
{
	apic_timer_init_cpu();
}
