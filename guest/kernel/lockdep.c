// SPDX-License-Identifier: GPL-2.0
/*
 * The lock-order validator (include/lockdep.h) and the out-of-line waits
 * of the spinlocks (include/spinlock.h).
 *
 * The pair table needs no lock: each entry goes from 0 to a CPU number
 * once, by compare-and-exchange, and is never cleared.  A CPU's stack of
 * held classes is touched only by that CPU, with interrupts off, so that
 * an interrupt handler taking locks of its own sees it whole.
 */
#include <kernel.h>
#include <lockdep.h>
#include <percpu.h>
#include <mailbox.h>
#include <processor.h>
#include <selftest.h>
#include <spinlock.h>
#include <string.h>

struct lockdep_graph lockdep_graph;
struct lock_cpu_stats lock_stats[NR_CPUS];
const char *const lock_class_names[LOCK_CLASS_NR] = LOCK_CLASS_NAMES;

struct held_locks {
	uint32_t depth;
	uint32_t overflow; /* acquisitions not tracked: the stack was full */
	uint8_t cls[LOCKDEP_DEPTH];
	int reporting; /* printing a report: its own logbuf_lock is not reported again */
};

static struct held_locks held_locks[NR_CPUS];

/* This CPU's number, or a panic if the stack's bottom word was overwritten (a stack overflow). */
static unsigned int this_cpu(void)
{
	unsigned int cpu = smp_processor_id();

	if (cpu >= NR_CPUS)
		panic("lockdep: CPU number %u at the bottom of the stack (%p): stack overflow?",
		      cpu, (void *)current_cpu_info());
	return cpu;
}

int lockdep_record(struct lockdep_graph *g, const uint8_t *held, unsigned int n, unsigned int taken,
		   unsigned int cpu)
{
	unsigned int i;
	int report = 0;

	for (i = 0; i < n; i++) {
		unsigned int a = held[i];
		uint8_t zero = 0, first;

		if (a == taken || a >= LOCK_CLASS_NR)
			continue;
		first = g->first[taken][a];
		if (first) {
			if (__atomic_add_fetch(&g->inv.found, 1, __ATOMIC_SEQ_CST) == 1) {
				g->inv.held = a;
				g->inv.taken = taken;
				g->inv.cpu = cpu;
				g->inv.first_cpu = first - 1u;
			}
			if (!report &&
			    !__atomic_exchange_n(&g->reported[a][taken], 1, __ATOMIC_SEQ_CST))
				report = 1;
		}
		if (!g->first[a][taken])
			__atomic_compare_exchange_n(&g->first[a][taken], &zero, (uint8_t)(cpu + 1),
						    0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	return report;
}

static void report_inversion(unsigned int cpu, const uint8_t *held, unsigned int n,
			     unsigned int taken)
{
	const struct lockdep_graph *g = &lockdep_graph;
	unsigned int i;

	/* The pair printed is the first held class that inverts with @taken. */
	for (i = 0; i < n; i++) {
		unsigned int a = held[i];

		if (a == taken || a >= LOCK_CLASS_NR || !g->first[taken][a])
			continue;
		printk(KERN_ERR "lockdep: lock inversion: CPU %u takes %s while holding %s; "
				"CPU %u took %s while holding %s\n",
		       cpu, lock_class_names[taken], lock_class_names[a], g->first[taken][a] - 1u,
		       lock_class_names[a], lock_class_names[taken]);
		return;
	}
}

static void push(struct held_locks *h, unsigned int cls)
{
	if (h->depth < LOCKDEP_DEPTH) {
		h->cls[h->depth] = (uint8_t)cls;
		h->depth++;
	} else {
		h->overflow++;
	}
}

void lock_acquire(unsigned int cls)
{
	unsigned int cpu = this_cpu();
	struct held_locks *h = &held_locks[cpu];
	uint8_t snapshot[LOCKDEP_DEPTH];
	unsigned int n = 0, i;
	unsigned long flags;
	int report;

	stat_inc(lock_stats[cpu].acquires);
	if (cls == LOCK_CLASS_NONE || cls >= LOCK_CLASS_NR)
		return;
	local_irq_save(flags);
	report = lockdep_record(&lockdep_graph, h->cls, h->depth, cls, cpu);
	if (report && !h->reporting) {
		n = h->depth;
		for (i = 0; i < n; i++)
			snapshot[i] = h->cls[i];
		h->reporting = 1;
	} else {
		report = 0;
	}
	push(h, cls);
	local_irq_restore(flags);
	if (report) {
		report_inversion(cpu, snapshot, n, cls);
		h->reporting = 0;
	}
}

void lock_acquired_try(unsigned int cls)
{
	unsigned int cpu = this_cpu();
	unsigned long flags;

	stat_inc(lock_stats[cpu].acquires);
	if (cls == LOCK_CLASS_NONE || cls >= LOCK_CLASS_NR)
		return;
	local_irq_save(flags);
	push(&held_locks[cpu], cls);
	local_irq_restore(flags);
}

/* Releases need not be in the reverse order of acquisition (vfree drops vmlist_lock first). */
void lock_release(unsigned int cls)
{
	struct held_locks *h;
	unsigned long flags;
	unsigned int i;

	if (cls == LOCK_CLASS_NONE || cls >= LOCK_CLASS_NR)
		return;
	h = &held_locks[this_cpu()];
	local_irq_save(flags);
	if (h->overflow) {
		h->overflow--; /* the innermost untracked acquisition goes first */
	} else {
		for (i = h->depth; i-- > 0;) {
			if (h->cls[i] != cls)
				continue;
			for (; i + 1 < h->depth; i++)
				h->cls[i] = h->cls[i + 1];
			h->depth--;
			break;
		}
	}
	local_irq_restore(flags);
}

void __spin_lock_wait(spinlock_t *lock)
{
	uint32_t spins = 0;

	do {
		while (spin_is_locked(lock)) {
			cpu_relax();
			spins++;
		}
	} while (!__spin_trylock(lock));
	stat_add(lock_stats[this_cpu()].spins, spins);
}

/* Called with our 1 taken: give it back, wait for the writer to go, try again. */
void __read_lock_wait(rwlock_t *rw)
{
	uint32_t spins = 0;

	do {
		__atomic_add_fetch(&rw->lock, 1, __ATOMIC_RELAXED);
		while (rw->lock <= 0) {
			cpu_relax();
			spins++;
		}
	} while (__atomic_sub_fetch(&rw->lock, 1, __ATOMIC_ACQUIRE) < 0);
	stat_add(lock_stats[this_cpu()].spins, spins);
}

/* Called with the bias taken: give it back, wait until no one holds it, try again. */
void __write_lock_wait(rwlock_t *rw)
{
	uint32_t spins = 0;

	do {
		__atomic_add_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_RELAXED);
		while (rw->lock != RW_LOCK_BIAS) {
			cpu_relax();
			spins++;
		}
	} while (__atomic_sub_fetch(&rw->lock, RW_LOCK_BIAS, __ATOMIC_ACQUIRE) != 0);
	stat_add(lock_stats[this_cpu()].spins, spins);
}

/*
 * The validator on a graph of its own (the kernel's keeps what it saw):
 * CPU 1 takes vmlist_lock while holding zone->lock, CPU 2 takes them the
 * other way round; the second must be the inversion, described with both
 * classes and both CPUs, reported once however often it recurs; nesting
 * one class is none.
 */
static int selftest_lockdep(void)
{
	static struct lockdep_graph g;
	const uint8_t zone[1] = { LOCK_CLASS_ZONE }, vmlist[1] = { LOCK_CLASS_VMLIST };
	const uint8_t both[2] = { LOCK_CLASS_KMALLOC, LOCK_CLASS_ZONE };

	memset(&g, 0, sizeof(g));
	CHECK(!lockdep_record(&g, zone, 1, LOCK_CLASS_ZONE, 3), "same class nested");
	CHECK(!lockdep_record(&g, zone, 1, LOCK_CLASS_VMLIST, 1), "first order");
	CHECK(g.inv.found == 0, "%u inversions before the reverse order", g.inv.found);
	CHECK(lockdep_record(&g, vmlist, 1, LOCK_CLASS_ZONE, 2) == 1, "reverse order not reported");
	CHECK(g.inv.found == 1 && g.inv.held == LOCK_CLASS_VMLIST &&
		      g.inv.taken == LOCK_CLASS_ZONE && g.inv.cpu == 2 && g.inv.first_cpu == 1,
	      "found %u held %u taken %u cpu %u first_cpu %u", g.inv.found, g.inv.held, g.inv.taken,
	      g.inv.cpu, g.inv.first_cpu);
	CHECK(!lockdep_record(&g, vmlist, 1, LOCK_CLASS_ZONE, 0), "reported twice");
	CHECK(g.inv.found == 2 && g.inv.cpu == 2, "found %u, first described on CPU %u",
	      g.inv.found, g.inv.cpu);
	/* Only the held class that inverts counts ((kmalloc, vmlist) is new, not an inversion);
	 * (zone, vmlist) is the other direction of the pair, printed once too. */
	CHECK(lockdep_record(&g, both, 2, LOCK_CLASS_VMLIST, 0) == 1 && g.inv.found == 3,
	      "vmlist under kmalloc and zone: found %u", g.inv.found);
	CHECK(g.first[LOCK_CLASS_KMALLOC][LOCK_CLASS_VMLIST] == 1,
	      "(kmalloc, vmlist) not recorded");
	return 0;
}
DEFINE_SELFTEST(lockdep, selftest_lockdep);

/*
 * This CPU's held stack follows real locks, in and out of order, and
 * counts acquisitions.  The pair recorded is vfree()'s own order
 * (vmlist_lock, then a zone's), so the kernel's graph learns nothing new.
 */
static int selftest_lockdep_held(void)
{
	static rwlock_t a = RW_LOCK_UNLOCKED_CLASS(LOCK_CLASS_VMLIST);
	static spinlock_t b = SPIN_LOCK_UNLOCKED_CLASS(LOCK_CLASS_ZONE);
	unsigned int cpu = this_cpu();
	struct held_locks *h = &held_locks[cpu];
	uint32_t depth = h->depth, acquires = lock_stats[cpu].acquires;
	unsigned long flags;

	CHECK(cpu == 0, "self-tests run on CPU 0, smp_processor_id() says %u", cpu);
	read_lock(&a);
	spin_lock_irqsave(&b, flags);
	CHECK(h->depth == depth + 2 && h->cls[depth] == LOCK_CLASS_VMLIST &&
		      h->cls[depth + 1] == LOCK_CLASS_ZONE,
	      "depth %u", h->depth - depth);
	read_unlock(&a); /* not the innermost */
	CHECK(h->depth == depth + 1 && h->cls[depth] == LOCK_CLASS_ZONE, "after unlock: %u",
	      h->depth - depth);
	spin_unlock_irqrestore(&b, flags);
	CHECK(h->depth == depth, "left %u", h->depth - depth);
	CHECK(lock_stats[cpu].acquires - acquires == 2, "%u acquisitions counted",
	      lock_stats[cpu].acquires - acquires);
	CHECK(lockdep_graph.first[LOCK_CLASS_VMLIST][LOCK_CLASS_ZONE] != 0,
	      "the pair (vmlist_lock, zone->lock) was not recorded");
	return 0;
}
DEFINE_SELFTEST(lockdep_held, selftest_lockdep_held);
