// SPDX-License-Identifier: GPL-2.0
/*
 * Several CPUs, with KVM's in-kernel local APICs (Linux 2.4
 * arch/i386/kernel/smp.c and smpboot.c, much reduced).
 *
 * The VMM starts CPUs 1..N-1 (APs) at ap_startup_32 (arch/boot.S); they
 * wait with paging off, spinning, until smp_init() lets each in turn come
 * up on swapper_pg_dir with the same CR4 and EFER.NXE, enable its APIC
 * and sit in ap_idle() with interrupts on, halted between requests.
 *
 * Two kinds of cross-CPU work, as in 2.4:
 * - smp_call_function(): func(info) on every other CPU in interrupt
 *   context, by a CALL_FUNCTION_VECTOR IPI written to the xAPIC ICR, the
 *   caller counting the answers (flush_tlb_all's remote half);
 * - a request in an AP's work slot (smp_start_on, smp_probe_on, the hot
 *   sequence), run by its idle loop in process context; post() wakes the
 *   AP from its HLT with a RESCHEDULE_VECTOR IPI.  Only the boot CPU
 *   posts, so there is no queue.
 */
#include <apic.h>
#include <extable.h>
#include <gfp.h>
#include <io.h>
#include <mm.h>
#include <kernel.h>
#include <mailbox.h>
#include <page.h>
#include <percpu.h>
#include <pgtable.h>
#include <sched.h>
#include <processor.h>
#include <selftest.h>
#include <smp.h>
#include <spinlock.h>
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
int smp_no_ipi_ack;
int smp_no_ap_flush;
int smp_no_local_flush;
int smp_ap_no_wp;
struct hot_evidence hot_evidence;

/* Read by ap_startup_32 with paging off (at their physical addresses);
 * ap_boot_turn is the number of the one AP that may go on. */
volatile uint32_t ap_boot_turn, ap_boot_cr3, ap_boot_cr4, ap_boot_nxe;
/* Each AP's initial stack pointer, from the page allocator (a static array
 * would grow the kernel image and move every frame the host's exact-output
 * tests expect). */
uint32_t ap_boot_stack_top[NR_CPUS];
/*
 * PAE: the APs turn paging on with a private copy of swapper_pg_dir's
 * PDPT, whose reserved bits only they could have set (tlb.c: QEMU's
 * software MMU sets bit 5 in PDPT entries); ap_boot_cr3 points here.
 * Once high, each loads its own copy (struct cpu_info's pdpt, copy_pdpt())
 * through the retrying write_cr3.
 */
static uint64_t ap_boot_pdpt[PTRS_PER_PGD_PAE] __aligned(32);

enum {
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
/* Each CPU's APIC ID, read by the CPU itself as it comes up (2.4's x86_cpu_to_apicid). */
static uint32_t cpu_apicid[NR_CPUS];

#define barrier() __asm__ __volatile__("" : : : "memory")

/* A CPU in its idle loop, no longer running on the identity entry. */
static int cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && cpu_up[cpu];
}

/* An IPI target: an AP in its idle loop, or the boot CPU (up since smp_init). */
static int cpu_up_or_boot(unsigned int cpu)
{
	return cpu == 0 ? smp_cpus_online > 1 : cpu_online(cpu);
}

/* A flush on request (an IPI, or a hot CPU's memory request): counted even under noapflush,
 * which is the point of that control. */
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
	case SMP_OP_HOT:
		/* Interrupts off throughout: see flush_tlb_all(). */
		local_irq_disable();
		hot_ap(s, cpu);
		local_irq_enable();
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

/*
 * Requests run here, in process context with interrupts on: a long one
 * (smp_start_on) still takes flush IPIs.  The slot is tested with
 * interrupts off and `sti; hlt` follows: sti takes effect after the next
 * instruction, so a wake-up IPI that arrives after the test is taken by
 * the HLT (ending it) and never lost.
 */
static void __noreturn ap_idle(unsigned int cpu)
{
	struct smp_slot *s = &slots[cpu];

	for (;;) {
		uint32_t req;

		local_irq_disable();
		req = s->req;
		if (req == s->ack) {
			__asm__ __volatile__("sti; hlt" : : : "memory");
			continue;
		}
		local_irq_enable();
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
	/* Under PAE its own PDPT (smp_init), else swapper_pg_dir itself. */
	__write_cr3_uncounted(pae_enabled ? __pa(current_cpu_info()->pdpt) : __pa(swapper_pg_dir));
	/* PGE last, as on the boot CPU: this write also flushes everything. */
	__write_cr4_uncounted(mmu_cr4_features);
	if (cpu >= NR_CPUS)
		panic("AP with CPU number %u (at most %u CPUs)", cpu, NR_CPUS);
	if (smp_ap_no_wp) /* see smp.h */
		write_cr0(read_cr0() & ~X86_CR0_WP);
	setup_local_APIC();
	cpu_apicid[cpu] = hard_smp_processor_id();
	barrier();
	cpu_up[cpu] = 1;
	__atomic_add_fetch(&smp_cpus_online, 1, __ATOMIC_SEQ_CST);
	if (smp_no_ipi_ack && cpu == smp_cpus_expected - 1)
		for (;;) /* noipiack: online, but deaf to every IPI */
			cpu_relax();
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
	send_IPI_single(cpu_apicid[cpu], RESCHEDULE_VECTOR);
	smp_ipis_sent[smp_processor_id()]++;
}

static void wait_ack(unsigned int cpu)
{
	struct smp_slot *s = &slots[cpu];

	while (s->ack != s->req)
		cpu_relax();
	barrier();
}

/* ---- smp_call_function ---- */

/*
 * How long a caller waits for the answers: generous, since under nested
 * emulation a vCPU's host thread may not run for a while (about 2 to 5 s
 * at the TSC rates seen).  Only a CPU that cannot take the IPI (interrupts
 * off for good, as noipiack's) exhausts it.
 */
#define SMP_CALL_TIMEOUT_CYCLES (10ull * 1000 * 1000 * 1000)

struct call_data_struct {
	void (*func)(void *info);
	void *info;
	int wait;
	volatile uint32_t started;  /* CPUs that have read func and info */
	volatile uint32_t finished; /* CPUs whose func(info) returned (wait only) */
	volatile uint32_t answered; /* bit n: CPU n counted itself started (for the timeout's message) */
	volatile uint32_t returned; /* bit n: CPU n counted itself finished (the same) */
};

static spinlock_t call_lock = SPIN_LOCK_UNLOCKED_CLASS(LOCK_CLASS_CALL);
static struct call_data_struct *volatile call_data;

void smp_call_function_interrupt(struct pt_regs *regs);
void smp_reschedule_interrupt(struct pt_regs *regs);
void smp_spurious_interrupt(struct pt_regs *regs);

void smp_call_function_interrupt(struct pt_regs *regs)
{
	struct call_data_struct *data = call_data;
	void (*func)(void *) = data->func;
	void *info = data->info;
	int wait = data->wait;
	unsigned int cpu = smp_processor_id();

	(void)regs;
	ack_APIC_irq();
	barrier();
	/* Once started is counted the caller may reuse data (wait == 0): read it before. */
	__atomic_or_fetch(&data->answered, 1u << cpu, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&data->started, 1, __ATOMIC_SEQ_CST);
	func(info);
	if (wait) {
		__atomic_or_fetch(&data->returned, 1u << cpu, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&data->finished, 1, __ATOMIC_SEQ_CST);
	}
}

/* A wake-up for the idle loop (post()): the interrupt ending its HLT is all it does. */
void smp_reschedule_interrupt(struct pt_regs *regs)
{
	(void)regs;
	ack_APIC_irq();
}

/* The APIC withdrew an interrupt it had signalled: no EOI is due. */
void smp_spurious_interrupt(struct pt_regs *regs)
{
	(void)regs;
}

/* Wait until *count reaches want; on timeout, panic naming the CPUs in mask whose bit in
 * *counted (answered or returned) is not set. */
static void call_wait(volatile uint32_t *count, uint32_t want, uint32_t mask,
		      const volatile uint32_t *counted, const char *what)
{
	uint64_t start = get_cycles();
	char names[3 * NR_CPUS + 1];
	unsigned int cpu, n = 0;

	while (*count != want) {
		if (get_cycles() - start <= SMP_CALL_TIMEOUT_CYCLES) {
			cpu_relax();
			continue;
		}
		for (cpu = 0; cpu < NR_CPUS; cpu++)
			if ((mask & ~*counted) >> cpu & 1)
				n += snprintf(names + n, sizeof(names) - n, " %u", cpu);
		panic("smp_call_function: no answer (%s) from CPU%s%s after %llu cycles: "
		      "%u of %u",
		      what, n > 2 ? "s" : "", names, (unsigned long long)SMP_CALL_TIMEOUT_CYCLES,
		      (unsigned int)*count, (unsigned int)want);
	}
	barrier();
}

/*
 * func(info) on the online CPUs in mask but this one, by a
 * CALL_FUNCTION_VECTOR IPI each; returns once all have started it, or
 * with wait once all have finished.  Interrupts must be on: two CPUs
 * calling at once each wait for the other's answer, and the one spinning
 * on call_lock must still take the IPI of the one holding it.
 */
static int smp_call_function_mask(uint32_t mask, void (*func)(void *info), void *info, int wait)
{
	struct call_data_struct data;
	unsigned int cpu, self = smp_processor_id(), cpus = 0;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu == self || !cpu_up_or_boot(cpu))
			mask &= ~(1u << cpu);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		cpus += mask >> cpu & 1;
	if (!cpus)
		return 0;
	if (irqs_disabled())
		panic("smp_call_function on CPU %u with interrupts disabled: a CPU calling it "
		      "at the same time would wait for this one forever",
		      self);
	data.func = func;
	data.info = info;
	data.wait = wait;
	data.started = 0;
	data.finished = 0;
	data.answered = 0;
	data.returned = 0;

	spin_lock(&call_lock);
	call_data = &data;
	barrier();
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!(mask >> cpu & 1))
			continue;
		send_IPI_single(cpu_apicid[cpu], CALL_FUNCTION_VECTOR);
		smp_ipis_sent[self]++;
	}
	call_wait(&data.started, cpus, mask, &data.answered, "started");
	if (wait)
		call_wait(&data.finished, cpus, mask, &data.returned, "finished");
	spin_unlock(&call_lock);
	return 0;
}

int smp_call_function(void (*func)(void *info), void *info, int wait)
{
	return smp_call_function_mask(~0u, func, info, wait);
}

/* The handler of flush_tlb_all's IPI: counted even under noapflush, which is the point of
 * that control (an IPI handler that skips its flush). */
static void flush_tlb_all_ipi(void *info)
{
	(void)info;
	ap_flush(smp_processor_id());
}

/*
 * Locally first, then the others (they may still be using what was
 * cleared), and wait until all have flushed, as 2.4 does.  A CPU spinning
 * hot (smp_hot_sequence) keeps interrupts off and gets the request through
 * memory instead: taking an interrupt makes a vCPU leave guest mode, and
 * that exit empties a nested TLB, which would hide the very missing flush
 * the sequence is there to catch.
 */
void flush_tlb_all(void)
{
	uint32_t hot = 0;
	unsigned int cpu;

	if (smp_no_local_flush)
		tlb_counters.flush_all++; /* novfreeflush: counted, not done */
	else
		__flush_tlb_all();
	if (smp_no_flush_ipi)
		return;
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu) || !slots[cpu].hot)
			continue;
		hot |= 1u << cpu;
		slots[cpu].flush_req = slots[cpu].flush_req + 1;
	}
	smp_call_function_mask(~hot, flush_tlb_all_ipi, NULL, 1);
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		if (hot >> cpu & 1)
			while (slots[cpu].flush_ack != slots[cpu].flush_req)
				barrier();
	barrier();
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

/* ---- Self-test ---- */

static volatile uint32_t selftest_ran[NR_CPUS];

static void selftest_count_me(void *info)
{
	(void)info;
	selftest_ran[smp_processor_id()]++;
}

static void selftest_flush_tlb_all(void *info)
{
	(void)info;
	flush_tlb_all();
}

/*
 * With two CPUs or more: smp_call_function() runs its function once on
 * every other CPU and not on the caller; and each AP's flush_tlb_all(),
 * run by its idle loop with interrupts on, sends one IPI to every other
 * CPU, the boot CPU included (waiting meanwhile in smp_wait_for()), and
 * each of them flushes.
 */
static int selftest_smp_ipi(void)
{
	uint32_t ran[NR_CPUS], flushes[NR_CPUS], sent;
	unsigned int cpu, other, n = smp_cpus_online;

	if (n < 2)
		return 0;
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		ran[cpu] = selftest_ran[cpu];
	CHECK(smp_call_function(selftest_count_me, NULL, 1) == 0, "");
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		CHECK(selftest_ran[cpu] - ran[cpu] == (cpu != 0 && cpu_online(cpu)),
		      "CPU %u ran the function %u times", cpu,
		      (unsigned int)(selftest_ran[cpu] - ran[cpu]));
	if (smp_no_flush_ipi)
		return 0;
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu))
			continue;
		for (other = 0; other < NR_CPUS; other++)
			flushes[other] = smp_ipi_flushes[other];
		sent = smp_ipis_sent[cpu];
		CHECK(smp_start_on(cpu, selftest_flush_tlb_all, NULL) == 0, "CPU %u is busy", cpu);
		smp_wait_for(cpu);
		CHECK(smp_ipis_sent[cpu] - sent == n - 1,
		      "CPU %u sent %u IPIs for one flush_tlb_all, expected %u", cpu,
		      (unsigned int)(smp_ipis_sent[cpu] - sent), n - 1);
		for (other = 0; other < NR_CPUS; other++)
			CHECK(other == cpu || !cpu_up_or_boot(other) ||
				      smp_ipi_flushes[other] - flushes[other] == 1,
			      "CPU %u's flush_tlb_all: CPU %u carried out %u flushes, expected 1",
			      cpu, other, (unsigned int)(smp_ipi_flushes[other] - flushes[other]));
	}
	return 0;
}
DEFINE_SELFTEST(smp_ipi, selftest_smp_ipi);

/*
 * swapper_pg_dir's four PDPT entries into pdpt, without the reserved bits
 * QEMU's software MMU sets (mm/tlb.c).  Under PAE each AP runs on a copy of
 * its own, the same PMD pages behind it, as CPUs running different tasks
 * do in 2.4: a CR3 or CR4 write reloads the four entries and KVM refuses
 * one with a reserved bit set, and on a shared PDPT every other CPU's
 * walks set that bit again between a CPU's clearing and its write.  With
 * four busy CPUs a flush IPI's CR4 write was seen to retry for seconds.
 * The PDPT entries never change after paging_init(), so the copies stay
 * true.
 */
static void copy_pdpt(uint64_t *pdpt)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PGD_PAE; i++)
		pdpt[i] = ((volatile uint64_t *)swapper_pg_dir)[i] & ~(uint64_t)PDPTE_RESERVED_PAE;
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
			if (pae_enabled)
				copy_pdpt(((struct cpu_info *)stack)->pdpt);
		}
		ap_boot_cr3 = pae_enabled ? __pa(ap_boot_pdpt) : __pa(swapper_pg_dir);
		ap_boot_cr4 = mmu_cr4_features & ~X86_CR4_PGE;
		ap_boot_nxe = nx_enabled;
		/* This CPU's APIC, and interrupts on from now on, as 2.4 runs. */
		setup_local_APIC();
		cpu_apicid[0] = hard_smp_processor_id();
		local_irq_enable();
		barrier();
		/*
		 * They spin until their turn (ap_startup_32): let each go, one at a
		 * time.  Under PAE an AP's walks may set bit 5 of ap_boot_pdpt's
		 * entries (see above), which the next AP's PDPT load would refuse
		 * with a #GP before it has an IDT: so the copy is made afresh for each.
		 */
		for (cpu = 1; cpu < smp_cpus_expected; cpu++) {
			if (pae_enabled) {
				copy_pdpt(ap_boot_pdpt);
				barrier();
			}
			ap_boot_turn = cpu;
			for (spins = 0; smp_cpus_online < cpu + 1 && spins < (1ul << 28); spins++)
				cpu_relax();
		}
		ap_boot_turn = 0;
		pmd_clear(ident);
		__flush_tlb();
		flush_tlb_all();
	}
	printk(KERN_INFO "SMP: %u of %u CPU%s online%s\n", (unsigned int)smp_cpus_online,
	       smp_cpus_expected, smp_cpus_expected == 1 ? "" : "s",
	       smp_no_flush_ipi ? " (noflushipi: flush_tlb_all stays on this CPU)" : "");
}
