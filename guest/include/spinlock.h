/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks and reader/writer locks (Linux 2.4 include/asm-i386/spinlock.h
 * and rwlock.h), on lock-prefixed atomics so that they hold with several
 * CPUs.  The guest keeps interrupts off, so there are no _irq variants to
 * get wrong: spin_lock_irqsave() only saves and restores EFLAGS.
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include <processor.h>

/* 0 = unlocked (unlike 2.4's 1), so that a zeroed lock in .bss is a valid, free lock. */
typedef struct {
	volatile unsigned int lock;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED ((spinlock_t){ 0 })

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->lock = 0;
}

static inline int spin_is_locked(const spinlock_t *lock)
{
	return lock->lock != 0;
}

/* xchg with a memory operand is locked by the CPU, no prefix needed. */
static inline int spin_trylock(spinlock_t *lock)
{
	unsigned int old = 1;

	__asm__ __volatile__("xchgl %0, %1" : "+r"(old), "+m"(lock->lock) : : "memory");
	return old == 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	while (!spin_trylock(lock))
		while (spin_is_locked(lock))
			cpu_relax();
}

/* x86 stores are not reordered with older loads or stores: a plain store releases. */
static inline void spin_unlock(spinlock_t *lock)
{
	__asm__ __volatile__("" : : : "memory");
	lock->lock = 0;
}

#define spin_lock_irqsave(lock, flags)                                                             \
	do {                                                                                       \
		local_irq_save(flags);                                                             \
		spin_lock(lock);                                                                   \
	} while (0)
#define spin_unlock_irqrestore(lock, flags)                                                        \
	do {                                                                                       \
		spin_unlock(lock);                                                                 \
		local_irq_restore(flags);                                                          \
	} while (0)

/*
 * rwlock_t: the counter starts at RW_LOCK_BIAS; each reader takes 1, a
 * writer takes the whole bias.  A reader that drove it negative, or a
 * writer that did not reach exactly 0, gives its share back and waits.
 */
typedef struct {
	volatile int lock;
} rwlock_t;

#define RW_LOCK_BIAS	 0x01000000
#define RW_LOCK_UNLOCKED ((rwlock_t){ RW_LOCK_BIAS })

static inline void rwlock_init(rwlock_t *rw)
{
	rw->lock = RW_LOCK_BIAS;
}

static inline void read_lock(rwlock_t *rw)
{
	while (__atomic_sub_fetch(&rw->lock, 1, __ATOMIC_ACQUIRE) < 0) {
		__atomic_add_fetch(&rw->lock, 1, __ATOMIC_RELAXED);
		while (rw->lock <= 0)
			cpu_relax();
	}
}

static inline void read_unlock(rwlock_t *rw)
{
	__atomic_add_fetch(&rw->lock, 1, __ATOMIC_RELEASE);
}

static inline void write_lock(rwlock_t *rw)
{
	while (__atomic_sub_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_ACQUIRE) != 0) {
		__atomic_add_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_RELAXED);
		while (rw->lock != RW_LOCK_BIAS)
			cpu_relax();
	}
}

static inline void write_unlock(rwlock_t *rw)
{
	__atomic_add_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_RELEASE);
}

#endif /* GUEST_SPINLOCK_H */
