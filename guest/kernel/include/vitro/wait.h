/* Wait queues and completions: how a task sleeps until something happens (Linux's
 * wait_queue_head and struct completion). A waiter queues itself and sets its state before
 * testing the condition, and the waker changes the condition before waking, so a wake-up
 * between the test and the sleep is never lost. */
#ifndef VITRO_WAIT_H
#define VITRO_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/list.h>
#include <vitro/spinlock.h>

struct task;

#define WQ_FLAG_EXCLUSIVE 0x01u /* wake_up() wakes one exclusive waiter, not all of them */

struct wait_queue_entry {
	struct list_head entry;
	struct task *task;
	unsigned int flags;
	/* If set, a wake-up calls this instead of waking task (epoll hears of
	 * its files so); it runs under the queue's lock with interrupts off and
	 * returns whether it counts as waking an exclusive waiter. */
	bool (*wake)(struct wait_queue_entry *wait);
};

struct wait_queue_head {
	struct spinlock lock;
	struct list_head head;
};

#define WAIT_QUEUE_HEAD_INIT(name)                                         \
	{                                                                  \
		.lock = SPINLOCK_INIT, .head = LIST_HEAD_INIT((name).head) \
	}

void wait_queue_head_init(struct wait_queue_head *wq);
void wait_queue_entry_init(struct wait_queue_entry *wait);

/* Queues wait (if not already) and sets the current task's state (TASK_INTERRUPTIBLE or
 * TASK_UNINTERRUPTIBLE); the caller then tests its condition and calls schedule(). */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait, unsigned int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *wait,
			       unsigned int state);
/* Back to TASK_RUNNING and off the queue. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait);
/* On and off the queue without touching the task's state: for entries with a
 * wake function, which stay queued while nobody sleeps. */
void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wait);
void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wait);

/* Wakes every non-exclusive waiter and up to nr_exclusive exclusive ones (0: all). */
void __wake_up(struct wait_queue_head *wq, unsigned int nr_exclusive);
#define wake_up(wq) __wake_up((wq), 1)
#define wake_up_all(wq) __wake_up((wq), 0)
bool wait_queue_active(struct wait_queue_head *wq);

/* Sleeps until cond is true. */
#define wait_event(wq, cond)                                                  \
	do {                                                                  \
		struct wait_queue_entry wait_;                                \
		wait_queue_entry_init(&wait_);                                \
		for (;;) {                                                    \
			prepare_to_wait(&(wq), &wait_, TASK_UNINTERRUPTIBLE); \
			if (cond)                                             \
				break;                                        \
			schedule();                                           \
		}                                                             \
		finish_wait(&(wq), &wait_);                                   \
	} while (0)

/* Sleeps until cond is true or timeout_ns pass; evaluates to the time left (at least 1) if
 * cond became true, 0 on time-out. */
#define wait_event_timeout(wq, cond, timeout_ns)                              \
	({                                                                    \
		struct wait_queue_entry wait_;                                \
		uint64_t left_ = (timeout_ns);                                \
		wait_queue_entry_init(&wait_);                                \
		for (;;) {                                                    \
			prepare_to_wait(&(wq), &wait_, TASK_UNINTERRUPTIBLE); \
			if (cond) {                                           \
				left_ = left_ ? left_ : 1;                    \
				break;                                        \
			}                                                     \
			if (!left_)                                           \
				break;                                        \
			left_ = schedule_timeout(left_);                      \
		}                                                             \
		finish_wait(&(wq), &wait_);                                   \
		left_;                                                        \
	})

/* As wait_event, but a pending signal ends the wait too: evaluates to 0 when
 * cond became true, -ERESTARTSYS (512) for a signal. Users include
 * <vitro/signal.h> and <vitro/task.h>. */
#define wait_event_interruptible(wq, cond)                                  \
	({                                                                  \
		struct wait_queue_entry wait_;                              \
		int ret_ = 0;                                               \
		wait_queue_entry_init(&wait_);                              \
		for (;;) {                                                  \
			prepare_to_wait(&(wq), &wait_, TASK_INTERRUPTIBLE); \
			if (cond)                                           \
				break;                                      \
			if (signal_pending(current)) {                      \
				ret_ = -512;                                \
				break;                                      \
			}                                                   \
			schedule();                                         \
		}                                                           \
		finish_wait(&(wq), &wait_);                                 \
		ret_;                                                       \
	})

/* As wait_event_timeout, but a pending signal ends the wait with
 * -ERESTARTSYS (512). */
#define wait_event_interruptible_timeout(wq, cond, timeout_ns)              \
	({                                                                  \
		struct wait_queue_entry wait_;                              \
		int64_t left_ = (int64_t)(timeout_ns);                      \
		wait_queue_entry_init(&wait_);                              \
		for (;;) {                                                  \
			prepare_to_wait(&(wq), &wait_, TASK_INTERRUPTIBLE); \
			if (cond) {                                         \
				left_ = left_ ? left_ : 1;                  \
				break;                                      \
			}                                                   \
			if (!left_)                                         \
				break;                                      \
			if (signal_pending(current)) {                      \
				left_ = -512;                               \
				break;                                      \
			}                                                   \
			left_ = (int64_t)schedule_timeout((uint64_t)left_); \
		}                                                           \
		finish_wait(&(wq), &wait_);                                 \
		left_;                                                      \
	})

/* A completion: one side waits until the other says "done". */
struct completion {
	unsigned int done;
	struct wait_queue_head wait;
};

void completion_init(struct completion *c);
void wait_for_completion(struct completion *c);
/* Returns false if timeout_ns passed first. */
bool wait_for_completion_timeout(struct completion *c, uint64_t timeout_ns);
/* Lets one waiter (present or future) through. */
void complete(struct completion *c);
/* Lets every waiter through, now and from now on. */
void complete_all(struct completion *c);
bool completion_done(struct completion *c);

#endif
