/* Sleeping mutexes: a task that finds the mutex taken sleeps until the owner releases it
 * (waiters are woken in arrival order). For sections that may sleep themselves or run long;
 * spinlocks are for short ones and for data interrupt handlers touch. */
#ifndef VITRO_MUTEX_H
#define VITRO_MUTEX_H

#include <stdbool.h>
#include <vitro/list.h>
#include <vitro/spinlock.h>

struct task;

struct mutex {
	struct task *owner; /* NULL when free; taken with one compare-and-exchange */
	struct spinlock wait_lock;
	struct list_head wait_list;
};

#define MUTEX_INIT(name)                                      \
	{                                                     \
		.owner = NULL, .wait_lock = SPINLOCK_INIT,    \
		.wait_list = LIST_HEAD_INIT((name).wait_list) \
	}

void mutex_init(struct mutex *lock);
void mutex_lock(struct mutex *lock);
bool mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);

#endif
