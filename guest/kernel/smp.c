// SPDX-License-Identifier: GPL-2.0
/*
 * Several CPUs, without an interrupt controller.
 *
 * The VMM starts CPUs 1..N-1 (APs) at ap_startup_32 (arch/boot.S); they
 * wait with paging off until smp_init() publishes the boot CPU's paging
 * state, come up on swapper_pg_dir with the same CR4 and EFER.NXE, and
 * then sit in ap_idle() with interrupts off, halted between requests.
 *
 * The "IPI" is a request in the target's work slot plus a wake-up: the
 * boot CPU writes the request, bumps `req` and writes the CPU number to
 * PORT_IPI; the VMM, which parks a halted AP's thread (no interrupt
 * controller: HLT leaves KVM_RUN), lets that CPU run again; it carries the
 * request out and sets `ack` to the same value; the boot CPU waits for it.
 * Only the boot CPU posts, so there is no queue.  This is what 2.4's
 * smp_call_function() does with a real IPI and a counter.
 */
#include <extable.h>
#include <gfp.h>
#include <io.h>
#include <mm.h>
#include <kernel.h>
#include <page.h>
#include <percpu.h>
#include <pgtable.h>
#include <sched.h>
#include <processor.h>
#include <smp.h>
#include <string.h>
#include <tlbflush.h>

#include "shared/abi.h"
#include "shared/layout.h"
#include "shared/mmu.h"

unsigned int smp_cpus_expected = 1;
volatile uint32_t smp_cpus_online = 1;
volatile uint32_t smp_ipi_flushes[NR_CPUS];
volatile uint32_t smp_ipis_sent[NR_CPUS];
int smp_no_flush_ipi;
int smp_no_ap_flush;
int smp_no_local_flush;
struct hot_evidence hot_evidence;

/* Read by ap_startup_32 with paging off (at their physical addresses). */
volatile uint32_t ap_boot_go, ap_boot_cr3, ap_boot_cr4, ap_boot_nxe;
/* Each AP's initial stack pointer, from the page allocator (a static array
 * would grow the kernel image and move every frame the host's exact-output
 * tests expect). */
uint32_t ap_boot_stack_top[NR_CPUS];
/*
 * PAE: the APs turn paging on with a private copy of swapper_pg_dir's
 * PDPT, whose reserved bits only they could have set (tlb.c: QEMU's
 * software MMU sets bit 5 in PDPT entries); ap_boot_cr3 points here.
 * Once high, they load swapper_pg_dir through the retrying write_cr3.
 */
static uint64_t ap_boot_pdpt[PTRS_PER_PGD_PAE] __aligned(32);

enum {
	SMP_OP_FLUSH = 1,
	SMP_OP_PROBE = 2,
	SMP_OP_HOT = 3, /* join CMD_VFREE_HOT's sequence (smp_hot_sequence) */
	SMP_OP_CALL = 4 /* smp_start_on(): args[0](args[1]) in the idle loop */
};

struct smp_slot {
	volatile uint32_t req; /* written by the boot CPU */
	volatile uint32_t ack; /* written by the owner: the last req carried out */
	volatile uint32_t op;
	volatile uint32_t args[3];
	volatile uint32_t results[4];
	/* smp_hot_sequence: while `hot` (set by the boot CPU) the owner spins
	 * in SMP_OP_HOT; `joined` once it has touched the pages; a flush
	 * request is flush_req != flush_ack; `probe_go` lets it probe. */
	volatile uint32_t hot, joined, flush_req, flush_ack, probe_go;
} __aligned(64);

static struct smp_slot slots[NR_CPUS];
static volatile uint8_t cpu_up[NR_CPUS];

#define barrier() __asm__ __volatile__("" : : : "memory")

/* A CPU in its idle loop, no longer running on the identity entry. */
static int cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && cpu_up[cpu];
}

/* An AP's flush on request: counted even under noapflush, which is the point of that control. */
static void ap_flush(unsigned int cpu)
{
	if (!smp_no_ap_flush)
		__flush_tlb_all_uncounted();
	smp_ipi_flushes[cpu]++;
}

/* Write each page's tag and read it back, so this CPU's TLB holds the
 * translations; 1 if one of them faulted or read back something else. */
static int hot_touch(void)
{
	struct hot_evidence *e = &hot_evidence;
	uint32_t i, val;
	int bad = 0;

	for (i = 0; i < e->nr_pages; i++) {
		if (!e->tag[i])
			continue;
		if (probe_write_u32(e->va[i], e->tag[i]) || probe_read_u32(e->va[i], &val) ||
		    val != e->tag[i])
			bad = 1;
	}
	return bad;
}

/* Read every page and record what the hardware did.  One CPU at a time:
 * the fixup records a fault in the one global last_fault. */
static void hot_probe_all(unsigned int cpu)
{
	struct hot_evidence *e = &hot_evidence;
	uint32_t i, val;

	for (i = 0; i < e->nr_pages; i++) {
		struct hot_probe *p = &e->probe[cpu][i];

		if (probe_read_u32(e->va[i], &val)) {
			p->outcome = HOT_OUTCOME(last_fault.vector, last_fault.error_code);
			p->data = last_fault.cr2;
		} else {
			p->outcome = 0;
			p->data = val;
		}
	}
	e->cpus |= 1u << cpu;
}

/*
 * An AP's part of smp_hot_sequence: touch, then spin in guest mode until
 * told to probe, carrying out flush requests as they come.  The spin reads
 * memory only: no HLT, no port write, and no PAUSE either, which KVM may
 * turn into an exit (pause-loop exiting) that empties a nested TLB.
 */
static void hot_ap(struct smp_slot *s, unsigned int cpu)
{
	if (hot_touch())
		__atomic_or_fetch(&hot_evidence.touch_bad, 1u << cpu, __ATOMIC_SEQ_CST);
	barrier();
	s->joined = 1;
	for (;;) {
		uint32_t req = s->flush_req;

		if (req != s->flush_ack) {
			barrier();
			ap_flush(cpu);
			barrier();
			s->flush_ack = req;
		}
		if (s->probe_go)
			break;
		barrier();
	}
	barrier();
	hot_probe_all(cpu);
}

static void run_request(struct smp_slot *s, unsigned int cpu)
{
	uint32_t val = 0;
	int err;

	switch (s->op) {
	case SMP_OP_FLUSH:
		ap_flush(cpu);
		break;
	case SMP_OP_HOT:
		hot_ap(s, cpu);
		break;
	case SMP_OP_CALL:
		((void (*)(void *))(uintptr_t)s->args[0])((void *)(uintptr_t)s->args[1]);
		break;
	case SMP_OP_PROBE:
		if (s->args[1] == PROBE_WRITE)
			err = probe_write_u32(s->args[0], s->args[2]);
		else
			err = probe_read_u32(s->args[0], &val);
		s->results[0] = err != 0;
		s->results[1] = err ? last_fault.vector : val;
		s->results[2] = err ? last_fault.error_code : 0;
		s->results[3] = err ? last_fault.cr2 : 0;
		break;
	}
}

static void __noreturn ap_idle(unsigned int cpu)
{
	struct smp_slot *s = &slots[cpu];

	for (;;) {
		uint32_t req = s->req;

		if (req == s->ack) {
			/* A wake-up posted since the test is not lost: the VMM
			 * remembers it and does not park this HLT. */
			__asm__ __volatile__("hlt" : : : "memory");
			continue;
		}
		barrier();
		run_request(s, cpu);
		barrier();
		s->ack = req;
	}
}

void ap_start_kernel(unsigned int cpu) __noreturn;
void ap_start_kernel(unsigned int cpu)
{
	load_idt();
	__write_cr3_uncounted(__pa(swapper_pg_dir));
	/* PGE last, as on the boot CPU: this write also flushes everything. */
	__write_cr4_uncounted(mmu_cr4_features);
	if (cpu >= NR_CPUS)
		panic("AP with CPU number %u (at most %u CPUs)", cpu, NR_CPUS);
	cpu_up[cpu] = 1;
	__atomic_add_fetch(&smp_cpus_online, 1, __ATOMIC_SEQ_CST);
	ap_idle(cpu);
}

static void post(unsigned int cpu, uint32_t op, const uint32_t *args)
{
	struct smp_slot *s = &slots[cpu];
	unsigned int i;

	s->op = op;
	for (i = 0; i < 3; i++)
		s->args[i] = args ? args[i] : 0;
	barrier();
	s->req = s->req + 1;
	barrier();
	outl(cpu, PORT_IPI);
}

static void wait_ack(unsigned int cpu)
{
	struct smp_slot *s = &slots[cpu];

	while (s->ack != s->req)
		cpu_relax();
	barrier();
}

/*
 * flush_tlb_all()'s remote half: every other online CPU flushes, and we
 * wait.  A CPU spinning hot (smp_hot_sequence) gets the request through
 * memory only: a PORT_IPI wake-up would make it leave guest mode.
 */
static void flush_tlb_others(void)
{
	unsigned int cpu;

	if (smp_no_flush_ipi)
		return;
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu))
			continue;
		stat_inc(smp_ipis_sent[smp_processor_id()]);
		if (slots[cpu].hot)
			slots[cpu].flush_req = slots[cpu].flush_req + 1;
		else
			post(cpu, SMP_OP_FLUSH, NULL);
	}
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu))
			continue;
		if (slots[cpu].hot)
			while (slots[cpu].flush_ack != slots[cpu].flush_req)
				barrier();
		else
			wait_ack(cpu);
	}
	barrier();
}

/*
 * Locally first, then the others (they may still be using what was
 * cleared): 2.4 sends each an IPI whose handler runs __flush_tlb_all()
 * and waits until all have; here the "IPI" is a request in each CPU's
 * work slot and a PORT_IPI write that wakes it.
 */
void flush_tlb_all(void)
{
	if (smp_no_local_flush)
		tlb_counters.flush_all++; /* novfreeflush: counted, not done */
	else
		__flush_tlb_all();
	flush_tlb_others();
}

int smp_hot_sequence(uint32_t cpus, void (*op)(void *), void *arg)
{
	struct hot_evidence *e = &hot_evidence;
	unsigned int cpu;

	cpus &= ~1u;
	if (cpus >> NR_CPUS)
		return -1;
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		if ((cpus >> cpu & 1) && !cpu_online(cpu))
			return -1;
	e->seq++;
	e->cpus = 0;
	e->touch_bad = 0;
	memset(e->probe, 0, sizeof(e->probe));
	barrier();
	/* The wake-ups (exits) come before anyone touches a page. */
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!(cpus >> cpu & 1))
			continue;
		slots[cpu].joined = 0;
		slots[cpu].probe_go = 0;
		slots[cpu].hot = 1;
		post(cpu, SMP_OP_HOT, NULL);
	}
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		if (cpus >> cpu & 1)
			while (!slots[cpu].joined)
				barrier();
	if (hot_touch())
		e->touch_bad |= 1;
	op(arg);
	/* APs first, one at a time (hot_probe_all), then this CPU, which spun meanwhile. */
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!(cpus >> cpu & 1))
			continue;
		slots[cpu].probe_go = 1;
		while (slots[cpu].ack != slots[cpu].req)
			barrier();
	}
	barrier();
	hot_probe_all(0);
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		slots[cpu].hot = 0;
	return 0;
}

int smp_start_on(unsigned int cpu, void (*fn)(void *), void *arg)
{
	const uint32_t args[3] = { (uint32_t)(uintptr_t)fn, (uint32_t)(uintptr_t)arg, 0 };

	if (cpu == 0 || !cpu_online(cpu) || slots[cpu].ack != slots[cpu].req)
		return -1;
	post(cpu, SMP_OP_CALL, args);
	return 0;
}

void smp_wait_for(unsigned int cpu)
{
	if (cpu_online(cpu))
		wait_ack(cpu);
}

int smp_probe_on(unsigned int cpu, uint32_t addr, uint32_t kind, uint32_t value, uint32_t *results)
{
	const uint32_t args[3] = { addr, kind, value };
	unsigned int i;

	if (cpu == 0 || !cpu_online(cpu))
		return -1;
	post(cpu, SMP_OP_PROBE, args);
	wait_ack(cpu);
	for (i = 0; i < 4; i++)
		results[i] = slots[cpu].results[i];
	return 0;
}

/*
 * Bring the APs up.  They turn paging on at ap_startup_32, which runs at
 * its physical address, so swapper_pg_dir maps the first PMD at 0 while
 * they do (without G: it must not survive a flush); the entry goes once
 * every AP is online, and flush_tlb_all() makes each forget it.
 */
void smp_init(void)
{
	pmd_t *ident = pmd_offset(pgd_offset_k(0), 0);
	pmd_t *direct = pmd_offset(pgd_offset_k(PAGE_OFFSET), PAGE_OFFSET);
	unsigned long spins;
	unsigned int cpu;

	if (smp_cpus_expected > NR_CPUS)
		smp_cpus_expected = NR_CPUS;
	if (smp_cpus_expected > 1) {
		set_pmd(ident, __pmd(pmd_val(pmdp_get(direct)) & ~(uint64_t)_PAGE_GLOBAL));
		for (cpu = 1; cpu < smp_cpus_expected; cpu++) {
			unsigned long stack =
				__get_free_pages(GFP_KERNEL, AP_STACK_SHIFT - PAGE_SHIFT);

			if (!stack)
				panic("smp_init: no memory for CPU %u's stack", cpu);
			ap_boot_stack_top[cpu] = stack + (1ul << AP_STACK_SHIFT);
			((struct cpu_info *)stack)->cpu = cpu; /* smp_processor_id() */
		}
		ap_boot_cr3 = pae_enabled ? __pa(ap_boot_pdpt) : __pa(swapper_pg_dir);
		ap_boot_cr4 = mmu_cr4_features & ~X86_CR4_PGE;
		ap_boot_nxe = nx_enabled;
		barrier();
		ap_boot_go = 1;
		/*
		 * They halt until then (ap_startup_32): wake each, one at a time.
		 * Under PAE an AP's walks may set bit 5 of ap_boot_pdpt's entries
		 * (see above), which the next AP's PDPT load would refuse with a
		 * #GP before it has an IDT: so the copy is made afresh for each.
		 */
		for (cpu = 1; cpu < smp_cpus_expected; cpu++) {
			if (pae_enabled) {
				unsigned int i;

				for (i = 0; i < PTRS_PER_PGD_PAE; i++)
					ap_boot_pdpt[i] = ((volatile uint64_t *)swapper_pg_dir)[i] &
							  ~(uint64_t)PDPTE_RESERVED_PAE;
				barrier();
			}
			outl(cpu, PORT_IPI);
			for (spins = 0; smp_cpus_online < cpu + 1 && spins < (1ul << 28); spins++)
				cpu_relax();
		}
		pmd_clear(ident);
		__flush_tlb();
		flush_tlb_all();
	}
	printk(KERN_INFO "SMP: %u of %u CPU%s online%s\n", (unsigned int)smp_cpus_online,
	       smp_cpus_expected, smp_cpus_expected == 1 ? "" : "s",
	       smp_no_flush_ipi ? " (noflushipi: flush_tlb_all stays on this CPU)" : "");
}
