/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for the guest's spinlock.h: a held lock taken again is a deadlock, so abort. */
#ifndef GUEST_SHIM_SPINLOCK_H
#define GUEST_SHIM_SPINLOCK_H

#include <stdint.h>

#include <kernel.h>

#include "shared/abi.h"

/* Four bytes, as the guest's (zone_t's layout is checked against shared/kstructs.h). */
typedef struct {
	volatile uint8_t locked;
	uint8_t cls;
	uint16_t pad;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED_CLASS(c) ((spinlock_t){ .locked = 0, .cls = (c), .pad = 0 })

static inline void spin_lock_init(spinlock_t *lock, enum lock_class cls)
{
	lock->locked = 0;
	lock->cls = (uint8_t)cls;
	lock->pad = 0;
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

/* No interrupts on the host side: the flags are only carried. */
#define spin_lock_irqsave(lock, flags)                                                             \
	do {                                                                                       \
		(flags) = 0;                                                                       \
		spin_lock(lock);                                                                   \
	} while (0)
#define spin_unlock_irqrestore(lock, flags)                                                        \
	do {                                                                                       \
		(void)(flags);                                                                     \
		spin_unlock(lock);                                                                 \
	} while (0)

#endif
