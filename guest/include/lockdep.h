/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lock-order validation (kernel/lockdep.c), a small cousin of Linux's
 * lockdep: per CPU a stack of the lock classes held; every acquisition of
 * class B while A is held records the pair (A, B) in a global table, with
 * the first CPU that did it.  Taking B while holding A after (B, A) was
 * recorded is an inversion: two CPUs doing the two orders at once would
 * deadlock.  It is counted, the first one described in lockdep_graph.inv,
 * and printk'd once per ordered pair with both lock names and both CPUs;
 * never a panic.  Two locks of the same class nested (two zones) are not
 * an inversion; read and write acquisitions of an rwlock are the class's.
 */
#ifndef GUEST_LOCKDEP_H
#define GUEST_LOCKDEP_H

#include <stdint.h>

#include "boot_defs.h"
#include "shared/abi.h"

#define LOCKDEP_DEPTH 8 /* classes held at once on a CPU, at most (deeper ones are not tracked) */

struct lockdep_graph {
	volatile uint8_t first[LOCK_CLASS_NR][LOCK_CLASS_NR];	 /* [held][taken]: first CPU + 1 */
	volatile uint8_t reported[LOCK_CLASS_NR][LOCK_CLASS_NR]; /* [held][taken] printk'd */
	struct lock_inversion inv;
};

/* The kernel's own graph: its inv is what CMD_STRESS reports. */
extern struct lockdep_graph lockdep_graph;

/* Per CPU: acquisitions of every class, and pause-loop iterations spent waiting. */
struct lock_cpu_stats {
	uint32_t acquires;
	uint32_t spins;
} __attribute__((aligned(64)));
extern struct lock_cpu_stats lock_stats[NR_CPUS];

extern const char *const lock_class_names[LOCK_CLASS_NR];

/*
 * Check and record CPU @cpu taking class @taken while @held[0..n) are
 * held, in @g (any graph: the self-test uses a local one).  Returns 1 if
 * this is an inversion that @g had not reported yet (the caller prints
 * it), else 0; every inversion is counted in g->inv.
 */
int lockdep_record(struct lockdep_graph *g, const uint8_t *held, unsigned int n, unsigned int taken,
		   unsigned int cpu);

/* Before spinning for a lock of class @cls: validate, count, push it on this CPU's stack. */
void lock_acquire(unsigned int cls);
/* A trylock that succeeded: count and push, no order checked (it could not deadlock). */
void lock_acquired_try(unsigned int cls);
/* Before releasing: pop the innermost held lock of class @cls. */
void lock_release(unsigned int cls);

#endif /* GUEST_LOCKDEP_H */
