/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks and reader/writer locks (Linux 2.4 include/asm-i386/spinlock.h
 * and rwlock.h), on lock-prefixed atomics so that they hold with several
 * CPUs.  Every lock belongs to an enum lock_class (shared/abi.h), named
 * where it is initialised; each acquisition goes through the lock-order
 * validator (kernel/lockdep.c) before it spins, and is counted per CPU
 * with the pause-loop iterations it waited.
 *
 * Process context runs with interrupts on: a flush IPI may arrive while a
 * CPU spins here, and must, or the CPU that holds the lock and waits for
 * the flush would wait for ever.  spin_lock_irqsave() turns them off where
 * 2.4 does (the zone and slab locks) and spin_unlock_irqrestore() restores
 * what was.
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include <stdint.h>

#include <lockdep.h>
#include <processor.h>

/*
 * 0 = unlocked (unlike 2.4's 1), so that a zeroed lock in .bss is a valid,
 * free lock (of class LOCK_CLASS_NONE).  Four bytes: the host reads
 * zone_t, whose lock it knows by offset and size (shared/kstructs.h).
 */
typedef struct {
	volatile uint8_t lock;
	uint8_t cls; /* enum lock_class */
	uint16_t pad;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED_CLASS(c) ((spinlock_t){ .lock = 0, .cls = (c), .pad = 0 })

static inline void spin_lock_init(spinlock_t *lock, enum lock_class cls)
{
	lock->lock = 0;
	lock->cls = (uint8_t)cls;
	lock->pad = 0;
}

static inline int spin_is_locked(const spinlock_t *lock)
{
	return lock->lock != 0;
}

/* xchg with a memory operand is locked by the CPU, no prefix needed. */
static inline int __spin_trylock(spinlock_t *lock)
{
	uint8_t old = 1;

	__asm__ __volatile__("xchgb %0, %1" : "+q"(old), "+m"(lock->lock) : : "memory");
	return old == 0;
}

/* A trylock cannot deadlock: the lock is held afterwards, but no order is checked. */
static inline int spin_trylock(spinlock_t *lock)
{
	if (!__spin_trylock(lock))
		return 0;
	lock_acquired_try(lock->cls);
	return 1;
}

/* The wait, out of line (kernel/lockdep.c): pause until free, counting the iterations. */
void __spin_lock_wait(spinlock_t *lock);

static inline void spin_lock(spinlock_t *lock)
{
	lock_acquire(lock->cls);
	if (!__spin_trylock(lock))
		__spin_lock_wait(lock);
}

/* x86 stores are not reordered with older loads or stores: a plain store releases. */
static inline void spin_unlock(spinlock_t *lock)
{
	lock_release(lock->cls);
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
 * Readers run in parallel; for the validator a read and a write
 * acquisition are both an acquisition of the class.
 */
typedef struct {
	volatile int lock;
	uint32_t cls; /* enum lock_class */
} rwlock_t;

#define RW_LOCK_BIAS		  0x01000000
#define RW_LOCK_UNLOCKED_CLASS(c) ((rwlock_t){ .lock = RW_LOCK_BIAS, .cls = (c) })

static inline void rwlock_init(rwlock_t *rw, enum lock_class cls)
{
	rw->lock = RW_LOCK_BIAS;
	rw->cls = cls;
}

void __read_lock_wait(rwlock_t *rw);
void __write_lock_wait(rwlock_t *rw);

static inline void read_lock(rwlock_t *rw)
{
	lock_acquire(rw->cls);
	if (__atomic_sub_fetch(&rw->lock, 1, __ATOMIC_ACQUIRE) < 0)
		__read_lock_wait(rw);
}

static inline void read_unlock(rwlock_t *rw)
{
	lock_release(rw->cls);
	__atomic_add_fetch(&rw->lock, 1, __ATOMIC_RELEASE);
}

static inline void write_lock(rwlock_t *rw)
{
	lock_acquire(rw->cls);
	if (__atomic_sub_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_ACQUIRE) != 0)
		__write_lock_wait(rw);
}

static inline void write_unlock(rwlock_t *rw)
{
	lock_release(rw->cls);
	__atomic_add_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_RELEASE);
}

#endif /* GUEST_SPINLOCK_H */
