/* Sleeping mutexes (vitro/mutex.h): the owner is taken with one compare-and-exchange; a task
 * that loses queues itself in arrival order and sleeps, and unlock wakes the first waiter,
 * which then competes for the owner field again (no hand-off, no optimistic spinning). */
#include <vitro/mutex.h>
#include <vitro/task.h>

struct mutex_waiter {
	struct list_head link;
	struct task *task;
};

void mutex_init(struct mutex *lock)
{
	lock->owner = NULL;
	spin_lock_init(&lock->wait_lock);
	list_init(&lock->wait_list);
}

static bool mutex_try_acquire(struct mutex *lock)
{
	struct task *expected = NULL;

	return __atomic_compare_exchange_n(&lock->owner, &expected, current, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

bool mutex_trylock(struct mutex *lock)
{
	return mutex_try_acquire(lock);
}

void mutex_lock(struct mutex *lock)
{
	struct mutex_waiter waiter = { .task = current };
	unsigned long flags;

	might_sleep_check("mutex_lock");
	if (mutex_try_acquire(lock))
		return;
	flags = spin_lock_irqsave(&lock->wait_lock);
	list_add_tail(&waiter.link, &lock->wait_list);
	for (;;) {
		/* The state before the attempt: an unlock after a failed attempt wakes us. */
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (mutex_try_acquire(lock))
			break;
		spin_unlock_irqrestore(&lock->wait_lock, flags);
		schedule();
		flags = spin_lock_irqsave(&lock->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	list_del(&waiter.link);
	spin_unlock_irqrestore(&lock->wait_lock, flags);
}

void mutex_unlock(struct mutex *lock)
{
	unsigned long flags;

	__atomic_store_n(&lock->owner, NULL, __ATOMIC_RELEASE);
	flags = spin_lock_irqsave(&lock->wait_lock);
	if (!list_empty(&lock->wait_list))
		wake_up_process(
			list_first_entry(&lock->wait_list, struct mutex_waiter, link)->task);
	spin_unlock_irqrestore(&lock->wait_lock, flags);
}

bool mutex_is_locked(struct mutex *lock)
{
	return __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != NULL;
}
