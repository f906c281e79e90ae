/* One-shot timers (vitro/time.h): a per-CPU list sorted by expiry, with the
 * APIC timer always programmed for the earliest. A list is O(n) to insert;
 * the scheduler's tick and a few sleepers are all it holds for now. */
#include <vitro/cpu.h>
#include <vitro/time.h>

#include "../arch/x86/apic_timer.h"
#include "../arch/x86/clock.h"

static struct list_head timer_queue = LIST_HEAD_INIT(timer_queue);

static void timer_reprogram(void)
{
	struct timer *first;
	uint64_t now;

	if (list_empty(&timer_queue)) {
		apic_timer_stop();
		return;
	}
	first = list_first_entry(&timer_queue, struct timer, node);
	now = ktime_get_ns();
	apic_timer_program(first->expires_ns > now ? first->expires_ns - now : 1);
}

void timer_init(struct timer *timer, void (*fn)(struct timer *timer))
{
	list_init(&timer->node);
	timer->fn = fn;
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
	struct list_head *pos;

	if (timer->is_armed)
		timer_unlink(timer);
	timer->expires_ns = expires_ns;
	list_for_each(pos, &timer_queue)
		if (list_entry(pos, struct timer, node)->expires_ns > expires_ns)
			break;
	list_add_tail(&timer->node, pos); /* before the first later one */
	timer->is_armed = true;
	if (timer_queue.next == &timer->node)
		timer_reprogram();
	local_irq_restore(flags);
}

bool timer_cancel(struct timer *timer)
{
	unsigned long flags = local_irq_save();
	bool was_armed = timer->is_armed;
	bool was_first = timer_queue.next == &timer->node;

	if (was_armed) {
		timer_unlink(timer);
		if (was_first)
			timer_reprogram();
	}
	local_irq_restore(flags);
	return was_armed;
}

/* The APIC timer interrupt: run everything due, then program the next. */
static void timer_interrupt(void *opaque)
{
	uint64_t now = ktime_get_ns();

	(void)opaque;
	while (!list_empty(&timer_queue)) {
		struct timer *t = list_first_entry(&timer_queue, struct timer, node);

		if (t->expires_ns > now)
			break;
		timer_unlink(t);
		t->fn(t);
		now = ktime_get_ns();
	}
	timer_reprogram();
}

void time_init(void)
{
	clock_init();
	apic_timer_init(timer_interrupt);
}
