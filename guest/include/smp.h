/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Several CPUs (kernel/smp.c), interrupting each other through their local
 * APICs (arch/apic.c): smp_call_function() as 2.4's, and requests posted
 * to an AP's idle loop, which a RESCHEDULE_VECTOR IPI wakes.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdint.h>

#include "boot_defs.h"
#include "shared/abi.h"

/* CPUs the command line says exist (cpus=N, from the VMM), and those that came up. */
extern unsigned int smp_cpus_expected;
extern volatile uint32_t smp_cpus_online;
/* Per CPU: flush requests it has carried out (read by the host's rule T4). */
extern volatile uint32_t smp_ipi_flushes[NR_CPUS];
/* Per CPU: IPIs it has sent (counted by the sender; read by the host, which sees no exit). */
extern volatile uint32_t smp_ipis_sent[NR_CPUS];
/* noipiack: the last AP comes online with interrupts off and never answers an IPI
 * (a negative control: the caller's wait times out and names it). */
extern int smp_no_ipi_ack;
/* noflushipi: flush_tlb_all() does not ask the other CPUs (a negative control). */
extern int smp_no_flush_ipi;

/* noapflush: an AP acknowledges and counts a flush request without flushing;
 * novfreeflush: flush_tlb_all() counts this CPU's flush without doing it
 * (negative controls for T4 and T2). */
extern int smp_no_ap_flush;
extern int smp_no_local_flush;
/*
 * apnowp (tests only): the APs run with CR0.WP clear.  KVM's shadow MMU
 * keys its shadow page tables by CR0.WP among other things, so the APs
 * then get shadow tables of their own instead of sharing the boot CPU's:
 * one CPU's flush no longer re-syncs another's entries, and a missing
 * flush on a CPU shows under shadow paging as it would with per-CPU TLBs.
 * Nothing of vmalloc depends on WP (its pages are writable).
 */
extern int smp_ap_no_wp;

void smp_init(void);
/*
 * func(info) on every other online CPU, in its CALL_FUNCTION_VECTOR
 * handler (interrupts off, so func must be short and must not sleep or
 * take a lock its caller may hold); returns once each has started it, with
 * wait once each has returned.  Panics if called with interrupts disabled
 * (it could deadlock) and if a CPU does not answer within a few seconds,
 * naming the CPUs that did not.  Returns 0.
 */
int smp_call_function(void (*func)(void *info), void *info, int wait);
/*
 * CMD_VFREE_HOT's sequence (shared/abi.h) over hot_evidence's va[]/tag[]
 * (filled by the caller): the CPUs in cpus (bit n: CPU n; this one always)
 * touch the pages, op(arg) runs here while the others spin in guest mode,
 * then each probes every page into hot_evidence.  -1 if a CPU in cpus is
 * not online (nothing done).
 */
int smp_hot_sequence(uint32_t cpus, void (*op)(void *), void *arg);
extern struct hot_evidence hot_evidence;
/*
 * Work for an AP, as a kernel thread of 2.4 would do it: fn(arg) runs in
 * CPU cpu's idle loop (not in an interrupt handler), and smp_start_on()
 * returns at once.  -1 if cpu is 0, not online, or still busy (nothing
 * done).  smp_wait_for() returns once that CPU has finished.
 */
int smp_start_on(unsigned int cpu, void (*fn)(void *), void *arg);
void smp_wait_for(unsigned int cpu);
/* Run a 32-bit probe (PROBE_READ/PROBE_WRITE) on CPU cpu; results as CMD_PROBE's.
 * Returns -1 if cpu is not online. */
int smp_probe_on(unsigned int cpu, uint32_t addr, uint32_t kind, uint32_t value, uint32_t *results);

#endif /* GUEST_SMP_H */
