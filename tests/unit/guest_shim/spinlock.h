/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for the guest's spinlock.h: a held lock taken again is a deadlock, so abort. */
#ifndef GUEST_SHIM_SPINLOCK_H
#define GUEST_SHIM_SPINLOCK_H

#include <kernel.h>

typedef struct {
	volatile unsigned int locked;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED ((spinlock_t){ 0 })

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	if (lock->locked)
		panic("spin_lock: %p already held (deadlock)", (void *)lock);
	lock->locked = 1;
}

static inline void spin_unlock(spinlock_t *lock)
{
	if (!lock->locked)
		panic("spin_unlock: %p not held", (void *)lock);
	lock->locked = 0;
}

#endif
