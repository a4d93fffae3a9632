// SPDX-License-Identifier: GPL-2.0
/*
 * Two and four vCPUs (--cpus N), both paging modes: every CPU comes up,
 * and vfree's flush_tlb_all reaches every other CPU by an IPI through
 * KVM's in-kernel LAPIC, each AP counting the flush and CPU 0 the IPIs it
 * sent (rule T4 judges the flushes).  CPU 1 touches every
 * page of an area, so its TLB holds the translations; CPU 0 frees it;
 * then CPU 1's probes must fault and the checker's T4 must stay silent.
 * The negative control boots with `noflushipi` (flush_tlb_all stays on
 * CPU 0): T4 must fire (CPU 1 carried out no flush request), and whether
 * CPU 1 still read through its stale translation is reported, not
 * asserted, since that depends on what KVM's MMU keeps.  A second one
 * boots with `noipiack` (the last AP never takes an IPI): the boot CPU's
 * wait for its answer must time out and panic naming that CPU, and no other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "shared/abi.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "tests/lib/vmcase.h"
#include "vmm/inspect/inspect.h"
#include "vmm/core/core.h"

#define AREA_PAGES 4

/* The booted case of the running test (vmfx_setup), and what this file keeps per test. */
static struct vmfx *vf;
static struct {
	struct check_report rep;
	char name[96];
	uint64_t vfree_ipis; /* IPIs the guest's CPUs sent during the vfree */
} fx;

/* The case's fixture; what names it in messages (the case and the guest's options). */
static void boot(void **state, const char *what)
{
	vf = *state;
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.name, sizeof(fx.name), "%s%s", vf->c->name, what);
}

/* The negative control's guest: vfree's flush_tlb_all stays on CPU 0. */
static int setup_noflushipi(void **state)
{
	return vmfx_setup_cmdline(state, "noflushipi");
}

static uint32_t read_sym32(const char *name, unsigned int index)
{
	uint64_t kva, size;
	uint32_t val;

	if (sym_lookup(&vf->t.syms, name, &kva, &size))
		fail_msg("%s: guest has no symbol %s", fx.name, name);
	assert_int_equal(inspect_read_kva32(&vf->gk, kva + 4ull * index, &val, NULL, 0), 0);
	return val;
}

static uint64_t ipis_sent(void)
{
	char err[256];
	uint64_t sum;

	if (inspect_ipis_sent(vf->t.vm, &vf->t.syms, &sum, err, sizeof(err)))
		fail_msg("%s: %s", fx.name, err);
	return sum;
}

static void check(const struct check_op *op)
{
	if (check_guest(vf->ck, op, CHECK_STATIC | CHECK_PROBES, &fx.rep)) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: check_guest failed", fx.name);
	}
}

static bool has_rule(const char *rule)
{
	unsigned int i;

	for (i = 0; i < fx.rep.nr_violations && i < CHECK_MAX_VIOLATIONS; i++)
		if (!strcmp(fx.rep.v[i].rule, rule))
			return true;
	return false;
}

static struct guest_probe probe_cpu(uint32_t cpu, uint32_t va)
{
	struct guest_probe p;
	struct vm_event ev;

	if (guest_probe_cpu(vf->t.vm, cpu, va, PROBE_READ, 0, &p, &ev))
		fail_msg("%s: probe of 0x%08x on CPU %u: %s: %s", fx.name, va, cpu,
			 vm_event_name(ev.kind), ev.msg);
	return p;
}

/*
 * vmalloc on CPU 0, every page read on CPU 1, vfree on CPU 0, checked.
 * Returns how many of the freed pages CPU 1 still read afterwards.
 */
static unsigned int free_behind_cpu1(void)
{
	struct guest_reply reply;
	struct check_op op = { 0 };
	struct guest_probe p;
	struct vm_event ev;
	unsigned int i, stale = 0;
	uint32_t addr;

	check(NULL); /* the baseline: areas and counters before */
	if (guest_vmalloc(vf->t.vm, CMD_VMALLOC, AREA_PAGES * PAGE_SIZE, &addr, &reply, &ev) ||
	    !addr)
		fail_msg("%s: vmalloc: %s", fx.name, ev.msg);
	op.cmd = CMD_VMALLOC;
	op.args[0] = AREA_PAGES * PAGE_SIZE;
	op.status = reply.status;
	memcpy(op.results, reply.results, sizeof(op.results));
	check(&op);
	if (fx.rep.nr_violations) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: vmalloc: %u violations", fx.name, fx.rep.nr_violations);
	}
	for (i = 0; i < AREA_PAGES; i++) {
		p = probe_cpu(1, addr + i * PAGE_SIZE);
		if (p.faulted)
			fail_msg("%s: CPU 1 read of page %u faulted: vector %u CR2 0x%08x", fx.name,
				 i, p.vector, p.cr2);
	}

	fx.vfree_ipis = ipis_sent();
	if (guest_vfree(vf->t.vm, addr, &reply, &ev))
		fail_msg("%s: vfree: %s", fx.name, ev.msg);
	fx.vfree_ipis = ipis_sent() - fx.vfree_ipis;
	assert_int_equal(reply.status, ST_OK);
	for (i = 0; i < AREA_PAGES; i++) {
		p = probe_cpu(1, addr + i * PAGE_SIZE);
		if (!p.faulted)
			stale++;
		else if (p.vector != X86_TRAP_PF || p.cr2 != addr + i * PAGE_SIZE)
			fail_msg("%s: CPU 1, page %u: vector %u CR2 0x%08x", fx.name, i, p.vector,
				 p.cr2);
	}
	memset(&op, 0, sizeof(op));
	op.cmd = CMD_VFREE;
	op.args[0] = addr;
	op.status = reply.status;
	memcpy(op.results, reply.results, sizeof(op.results));
	check(&op);
	return stale;
}

/* The guest's self-test smp_ipi (kernel/smp.c): every CPU sends IPIs and takes them. */
static void selftest_smp_ipi(void)
{
	uint32_t i, count = 1;
	struct guest_reply reply;
	struct vm_event ev;

	for (i = 0; i < count; i++) {
		if (guest_selftest(vf->t.vm, i, &count, &reply, &ev))
			fail_msg("%s: self-test %u stopped the VM: %s", fx.name, i, ev.msg);
		/* The text is the name, then a newline and why it failed. */
		if (strncmp(reply.text, "smp_ipi", 7) ||
		    (reply.text[7] != '\n' && reply.text[7] != '\0'))
			continue;
		if (reply.status != ST_OK)
			fail_msg("%s: self-test smp_ipi failed: %.*s", fx.name, (int)reply.text_len,
				 reply.text);
		return;
	}
	fail_msg("%s: the guest has no self-test smp_ipi (%u self-tests)", fx.name, count);
}

/* Every vCPU of the case came up (under PAE too: each AP loads the boot PDPT copy). */
static void online(void)
{
	unsigned int cpus = vf->c->cpus;
	char log[4096], want[64];

	assert_int_equal(read_sym32("smp_cpus_online", 0), cpus);
	vm_console_tail(vf->t.vm, log, sizeof(log));
	snprintf(want, sizeof(want), "SMP: %u of %u CPUs online", cpus, cpus);
	if (!strstr(log, want))
		fail_msg("%s: no \"%s\" in the boot log:\n%s", fx.name, want, log);
}

static void test_smp(void **state)
{
	const char *name = fx.name;
	uint32_t before[MAX_CPUS], after, sent0;
	unsigned int i, stale, cpu, cpus;

	boot(state, "");
	online();
	cpus = vf->c->cpus;
	for (cpu = 1; cpu < cpus; cpu++)
		before[cpu] = read_sym32("smp_ipi_flushes", cpu);
	sent0 = read_sym32("smp_ipis_sent", 0);
	stale = free_behind_cpu1();
	assert_int_equal(stale, 0);
	if (fx.rep.nr_violations) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: vfree: %u violations", name, fx.rep.nr_violations);
	}
	for (i = 0; i < fx.rep.nr_observations; i++)
		if (strstr(fx.rep.observations[i], "T4 not run"))
			fail_msg("%s: %s", name, fx.rep.observations[i]);
	/* Every AP took the vfree's IPI and flushed, and CPU 0 counted one IPI to each. */
	for (cpu = 1; cpu < cpus; cpu++) {
		after = read_sym32("smp_ipi_flushes", cpu);
		if (after <= before[cpu])
			fail_msg("%s: smp_ipi_flushes[%u]: expected > %u after the vfree, got %u",
				 name, cpu, before[cpu], after);
	}
	if (fx.vfree_ipis < cpus - 1)
		fail_msg("%s: vfree sent %llu IPIs, expected at least one to each of the %u "
			 "other CPUs",
			 name, (unsigned long long)fx.vfree_ipis, cpus - 1);
	if (read_sym32("smp_ipis_sent", 0) - sent0 < fx.vfree_ipis)
		fail_msg("%s: the vfree's IPIs were not counted by their sender, CPU 0", name);
	printf("%s (%s): CPUs 1..%u flushed on vfree (%llu IPIs), T4 silent\n", name,
	       testvm_where(), cpus - 1, (unsigned long long)fx.vfree_ipis);
	selftest_smp_ipi();
}

static void test_noflushipi(void **state)
{
	const char *name = fx.name;
	unsigned int stale;

	boot(state, " noflushipi");
	online();
	stale = free_behind_cpu1();
	if (fx.vfree_ipis != 0)
		fail_msg("%s: noflushipi: expected no IPI during vfree, the guest counted %llu",
			 name, (unsigned long long)fx.vfree_ipis);
	if (!has_rule("T4")) {
		check_report_print(stderr, &fx.rep);
		fail_msg("%s: noflushipi: T4 did not fire", name);
	}
	/* An observation, not an assertion: whether the TLB kept the entries. */
	printf("%s (%s): noflushipi: T4 fired (%u violations); CPU 1 %s\n", name, testvm_where(),
	       fx.rep.nr_violations,
	       stale ? "still read the freed pages (stale translations)"
		     : "faulted anyway (this MMU kept no stale entry)");
	if (stale)
		printf("%s: CPU 1 read %u of %u freed pages\n", name, stale, AREA_PAGES);
}

/*
 * noipiack on a 4-vCPU guest: CPU 3 comes online with interrupts off for
 * good, so smp_init()'s last flush_tlb_all() waits for it in vain.  The
 * boot must end in a panic that names CPU 3 and neither CPU 1 nor 2.
 */
static void noipiack(void **state)
{
	struct vm_config cfg = testvm_config();
	char err[VM_ERR_LEN + 256], log[4096];
	struct timespec t0, t1;
	struct vm_event ev;
	struct testvm t;

	(void)state;
	cfg.nr_vcpus = 4;
	cfg.cmdline = "noipiack";
	cfg.timeout_sec = 120;
	if (testvm_try_boot(&t, GUEST_ELF, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!guest_wait_ready(t.vm, &ev))
		fail_msg("noipiack: the guest booted, though CPU 3 answers no IPI");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vm_console_tail(t.vm, log, sizeof(log));
	if (ev.kind != VM_EV_PANIC || !strstr(ev.msg, "no answer (started) from CPU 3 after"))
		fail_msg("noipiack: expected a panic naming CPU 3 alone, got %s: %s\nconsole:\n%s",
			 vm_event_name(ev.kind), ev.msg, log);
	if (!strstr(log, "APIC: registers at ffffe000"))
		fail_msg("noipiack: the boot log lacks the APIC mapping:\n%s", log);
	printf("noipiack (%s): boot to panic in %.1f s: %s\n", testvm_where(),
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, ev.msg);
	testvm_destroy(&t);
}

/* A guest without ap_startup_32 cannot have a second vCPU: vm_boot says so. */
static void no_ap_entry(void **state)
{
	struct vm_config cfg = testvm_config();
	struct sym_table syms;
	struct elf_image img;
	struct vm *vm;
	char err[512];

	(void)state;
	cfg.nr_vcpus = 2;
	if (elf_image_open(TEST_GUEST("exit_status"), cfg.ram_size, &img, err, sizeof(err)))
		fail_msg("%s", err);
	if (sym_load_image(&syms, &img, err, sizeof(err)))
		fail_msg("%s", err);
	if (vm_create(&vm, &cfg, err, sizeof(err)))
		fail_msg("vm_create: %s", err);
	assert_int_not_equal(vm_boot(vm, &img, &syms, err, sizeof(err)), 0);
	if (!strstr(err, "ap_startup_32"))
		fail_msg("message does not name ap_startup_32: %s", err);
	vm_destroy(vm);
	sym_free(&syms);
	elf_image_close(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_smp, 2level_64M_2cpus),
		VM_TEST(test_smp, pae_64M_2cpus),
		VM_TEST(test_smp, pae_64M_4cpus),
		VM_TEST_SETUP(test_noflushipi, 2level_64M_2cpus, setup_noflushipi),
		VM_TEST_SETUP(test_noflushipi, pae_64M_2cpus, setup_noflushipi),
		cmocka_unit_test(noipiack),
		cmocka_unit_test(no_ap_entry),
	};

	testvm_start("smp");
	return cmocka_run_group_tests_name("smp", tests, NULL, NULL);
}
