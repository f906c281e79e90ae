/* Spinlocks: a test-and-test-and-set lock on an atomic exchange (8-byte
 * atomics only: cmpxchg16b stops the guest on nested hosts). The _irqsave
 * forms also disable local interrupts, for data an interrupt handler uses. */
#ifndef VITRO_SPINLOCK_H
#define VITRO_SPINLOCK_H

#include <vitro/cpu.h>

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

static inline void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			cpu_relax();
}

static inline bool spin_trylock(struct spinlock *lock)
{
	return !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	unsigned long flags = local_irq_save();

	spin_lock(lock);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	spin_unlock(lock);
	local_irq_restore(flags);
}

#endif
