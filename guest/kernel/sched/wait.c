/* Wait queues and completions (vitro/wait.h). */
#include <vitro/task.h>
#include <vitro/wait.h>

void wait_queue_head_init(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->head);
}

void wait_queue_entry_init(struct wait_queue_entry *wait)
{
	list_init(&wait->entry);
	wait->task = current;
	wait->flags = 0;
	wait->wake = NULL;
}

static void prepare(struct wait_queue_head *wq, struct wait_queue_entry *wait, unsigned int state,
		    bool exclusive)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (list_empty(&wait->entry)) {
		if (exclusive) {
			wait->flags |= WQ_FLAG_EXCLUSIVE;
			list_add_tail(&wait->entry, &wq->head);
		} else {
			list_add(&wait->entry, &wq->head);
		}
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait, unsigned int state)
{
	prepare(wq, wait, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *wait,
			       unsigned int state)
{
	prepare(wq, wait, state, true);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	unsigned long flags;

	__set_current_state(TASK_RUNNING);
	flags = spin_lock_irqsave(&wq->lock);
	if (!list_empty(&wait->entry)) {
		list_del(&wait->entry);
		list_init(&wait->entry);
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	list_add_tail(&wait->entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	list_del(&wait->entry);
	list_init(&wait->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void __wake_up(struct wait_queue_head *wq, unsigned int nr_exclusive)
{
	struct wait_queue_entry *wait, *tmp;
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	list_for_each_entry_safe(wait, tmp, &wq->head, entry) {
		bool woke = wait->wake ? wait->wake(wait) : try_to_wake_up(wait->task, TASK_NORMAL);

		if (woke && (wait->flags & WQ_FLAG_EXCLUSIVE) && nr_exclusive && !--nr_exclusive)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

bool wait_queue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

/* --- completions --------------------------------------------------------------------------- */

#define COMPLETION_ALL (~0u / 2)

void completion_init(struct completion *c)
{
	c->done = 0;
	wait_queue_head_init(&c->wait);
}

/* Waits until done is non-zero and takes one, or until the time runs out (timeout 0: never). */
static bool completion_wait(struct completion *c, uint64_t timeout_ns, bool has_timeout)
{
	struct wait_queue_entry wait;
	unsigned long flags;
	uint64_t left = timeout_ns;

	wait_queue_entry_init(&wait);
	wait.flags = WQ_FLAG_EXCLUSIVE;
	flags = spin_lock_irqsave(&c->wait.lock);
	while (!c->done) {
		if (has_timeout && !left)
			break;
		if (list_empty(&wait.entry))
			list_add_tail(&wait.entry, &c->wait.head);
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&c->wait.lock, flags);
		if (has_timeout)
			left = schedule_timeout(left);
		else
			schedule();
		flags = spin_lock_irqsave(&c->wait.lock);
	}
	__set_current_state(TASK_RUNNING);
	if (!list_empty(&wait.entry))
		list_del(&wait.entry);
	if (!c->done) {
		spin_unlock_irqrestore(&c->wait.lock, flags);
		return false;
	}
	if (c->done != COMPLETION_ALL)
		c->done--;
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return true;
}

void wait_for_completion(struct completion *c)
{
	completion_wait(c, 0, false);
}

bool wait_for_completion_timeout(struct completion *c, uint64_t timeout_ns)
{
	return completion_wait(c, timeout_ns, true);
}

static void completion_signal(struct completion *c, bool all)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);
	struct wait_queue_entry *wait, *tmp;

	if (all)
		c->done = COMPLETION_ALL;
	else if (c->done != COMPLETION_ALL)
		c->done++;
	/* Woken waiters leave the queue, so the next complete() wakes the next one. */
	list_for_each_entry_safe(wait, tmp, &c->wait.head, entry) {
		list_del(&wait->entry);
		list_init(&wait->entry);
		try_to_wake_up(wait->task, TASK_NORMAL);
		if (!all)
			break;
	}
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

void complete(struct completion *c)
{
	completion_signal(c, false);
}

void complete_all(struct completion *c)
{
	completion_signal(c, true);
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}
