/* Spinlocks: a test-and-test-and-set lock on an atomic exchange (8-byte
 * atomics only: cmpxchg16b stops the guest on nested hosts). spin_lock()
 * disables preemption while held, as on Linux; the raw_ forms do not (the
 * scheduler's own locks, taken with preemption already off). The _irqsave
 * forms also disable local interrupts, for data an interrupt handler uses. */
#ifndef VITRO_SPINLOCK_H
#define VITRO_SPINLOCK_H

#include <vitro/cpu.h>
#include <vitro/preempt.h>

struct spinlock {
	volatile int locked;
};

#define SPINLOCK_INIT \
	{             \
		0     \
	}

static inline void spin_lock_init(struct spinlock *lock)
{
	lock->locked = 0;
}

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" : : : "memory");
}

static inline void raw_spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			cpu_relax();
}

static inline bool raw_spin_trylock(struct spinlock *lock)
{
	return !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void raw_spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED);
}

static inline void spin_lock(struct spinlock *lock)
{
	preempt_disable();
	raw_spin_lock(lock);
}

static inline bool spin_trylock(struct spinlock *lock)
{
	preempt_disable();
	if (raw_spin_trylock(lock))
		return true;
	preempt_enable();
	return false;
}

static inline void spin_unlock(struct spinlock *lock)
{
	raw_spin_unlock(lock);
	preempt_enable();
}

static inline unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	unsigned long flags = local_irq_save();

	spin_lock(lock);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	raw_spin_unlock(lock);
	local_irq_restore(flags);
	preempt_enable();
}

#endif
