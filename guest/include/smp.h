/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Several CPUs (kernel/smp.c).  There is no interrupt controller: an
 * "IPI" is a request the boot CPU posts in the target CPU's work slot in
 * shared memory, then a write of that CPU's number to PORT_IPI, on which
 * the VMM resumes it from the HLT it idles in, interrupts off.
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
/* Per CPU: flush requests it sent to the others (one per CPU asked). */
extern volatile uint32_t smp_ipis_sent[NR_CPUS];
/* noflushipi: flush_tlb_all() does not ask the other CPUs (a negative control). */
extern int smp_no_flush_ipi;

/* noapflush: an AP acknowledges and counts a flush request without flushing;
 * novfreeflush: flush_tlb_all() counts this CPU's flush without doing it
 * (negative controls for T4 and T2). */
extern int smp_no_ap_flush;
extern int smp_no_local_flush;

void smp_init(void);
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
