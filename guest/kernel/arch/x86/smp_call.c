/* Running a function on another CPU (Linux's smp_call_function_single, and its _async form for
 * callers that cannot wait): the request goes on the target's queue and a CALL_FUNCTION_VECTOR
 * interrupt makes it run the queue. */
#include <vitro/errno.h>
#include <vitro/list.h>
#include <vitro/percpu.h>
#include <vitro/spinlock.h>
#include <vitro/task.h>

#include "apic.h"
#include "ipi.h"
#include "traps.h"

struct call_queue {
	struct spinlock lock;
	struct list_head pending; /* initialised on first use: zeroed memory is "not yet" */
};

static struct call_queue call_queues[NR_CPUS];

static void queue_lazy_init(struct call_queue *q)
{
	if (!q->pending.next)
		list_init(&q->pending);
}

static void call_function_interrupt(void *opaque)
{
	struct call_queue *q = &call_queues[smp_processor_id()];

	(void)opaque;
	for (;;) {
		struct call_single_data *req;

		raw_spin_lock(&q->lock);
		queue_lazy_init(q);
		if (list_empty(&q->pending)) {
			raw_spin_unlock(&q->lock);
			return;
		}
		req = list_first_entry(&q->pending, struct call_single_data, link);
		list_del(&req->link);
		raw_spin_unlock(&q->lock);
		if (req->is_async) {
			/* Free to be queued again: whatever it asks for after this, fn sees. */
			__atomic_store_n(&req->is_queued, 0, __ATOMIC_RELEASE);
			req->fn(req->arg);
		} else {
			req->fn(req->arg);
			__atomic_store_n(&req->is_done, 1, __ATOMIC_RELEASE);
		}
	}
}

int smp_call_function_single(unsigned int cpu, void (*fn)(void *arg), void *arg)
{
	struct call_single_data req = { .fn = fn, .arg = arg };
	struct call_queue *q;
	unsigned long flags;

	if (cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_sched_online))
		return -ENXIO;
	flags = local_irq_save();
	preempt_disable();
	if (cpu == smp_processor_id()) {
		fn(arg);
		local_irq_restore(flags);
		preempt_enable();
		return 0;
	}
	q = &call_queues[cpu];
	raw_spin_lock(&q->lock);
	queue_lazy_init(q);
	list_add_tail(&req.link, &q->pending);
	raw_spin_unlock(&q->lock);
	lapic_send_ipi(cpu_local_of(cpu)->apic_id, CALL_FUNCTION_VECTOR);
	local_irq_restore(flags);
	/* With interrupts on, so a CPU calling this one meanwhile is answered. */
	while (!__atomic_load_n(&req.is_done, __ATOMIC_ACQUIRE))
		cpu_relax();
	preempt_enable();
	return 0;
}

int smp_call_function_async(unsigned int cpu, struct call_single_data *csd)
{
	struct call_queue *q;
	unsigned long flags;

	if (cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_sched_online))
		return -ENXIO;
	if (__atomic_exchange_n(&csd->is_queued, 1, __ATOMIC_ACQUIRE))
		return -EBUSY;
	csd->is_async = true;
	q = &call_queues[cpu];
	flags = local_irq_save();
	raw_spin_lock(&q->lock);
	queue_lazy_init(q);
	list_add_tail(&csd->link, &q->pending);
	raw_spin_unlock(&q->lock);
	/* Also to this CPU itself: the caller may hold locks fn takes. */
	lapic_send_ipi(cpu_local_of(cpu)->apic_id, CALL_FUNCTION_VECTOR);
	local_irq_restore(flags);
	return 0;
}

void smp_call_init(void)
{
	irq_set_handler(CALL_FUNCTION_VECTOR, call_function_interrupt, NULL);
}
