// SPDX-License-Identifier: GPL-2.0
/*
 * The two allocators side by side (issue 15, "Bench"): the guest booted
 * twice under KVM, once with vmalloc=2.4 and once with vmalloc=modern,
 * both VMs up at once, the same measurements in each (alternating), then
 * one line or row per measurement with both values and their ratio.
 *
 *  - get_vm_area nodes visited with N = 10, 100, 1,000, 10,000 areas busy
 *    (guest vmap_stats): 2.4 must visit N + 1, modern at most
 *    2 ceil(log2(N + 1)) + 4 and at N = 1,000 at least 40 times fewer;
 *  - TLB flushes made by 10,000 one-page vfrees: 2.4 10,000, modern <= 2;
 *  - VM exits (host vm->nr_exits) per mailbox operation and per loop of
 *    an in-guest scenario;
 *  - guest cycles (rdtsc in the guest) per 1-page vmalloc+vfree pair and
 *    per kmalloc+kfree pair (the control: kmalloc is the same in both);
 *  - the cases of Linux's lib/test_vmalloc.c (guest/commands/bench.c),
 *    each printed in that module's "Summary:" format with the guest
 *    cycles beside it, then one table row each with the modern/2.4 ratio.
 *
 * Counts are exact and checked (exit status 1 when a bound above fails);
 * times and cycles come from a nested emulation, where only their ratios
 * mean something.  Run it through tools/kvm-run (bench/run.sh).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/core/core.h"

#define GUEST "guest.elf"

/*
 * lib/test_vmalloc.c runs test_loop_count = 1,000,000 loops of every case.
 * Under the nested emulation (QEMU's software CPU) that would take hours
 * for 2.4's long_busy_list, so the loops are scaled down by the factor
 * printed beside each.
 */
#define LINUX_LOOPS 1000000u

static const struct scenario {
	const char *name;
	uint32_t id, loops;
} scenarios[] = {
	{ "fix_size_alloc_test", BENCH_FIX_SIZE, 5000 },
	{ "full_fit_alloc_test", BENCH_FULL_FIT, 5000 },
	{ "long_busy_list_alloc_test", BENCH_LONG_BUSY_LIST, 200 },
	{ "random_size_alloc_test", BENCH_RANDOM_SIZE, 500 },
	{ "align_shift_alloc_test", BENCH_ALIGN_SHIFT, 13 /* the guest's PAGE_SHIFT + 1 */ },
};
#define NR_SCEN (sizeof(scenarios) / sizeof(scenarios[0]))

static const uint32_t lookup_n[] = { 10, 100, 1000, 10000 };
#define NR_N	    (sizeof(lookup_n) / sizeof(lookup_n[0]))
#define NR_VFREES   10000u
#define PAIR_LOOPS  5000u
#define RANDOM_SEED 0x2019u
#define REPEAT	    3u

/* What one boot measured. */
struct mode_result {
	const char *mode;
	uint32_t nodes[NR_N];
	uint64_t lookup_cycles[NR_N];
	uint32_t vfree_flushes;
	uint64_t vfree_cycles;
	double vmalloc_pair, kmalloc_pair; /* cycles per pair */
	uint64_t exits_vmalloc, exits_vfree, exits_scenario;
	struct {
		uint32_t passed, failed, loops, flushes, nodes;
		uint64_t cycles, loop_cycles, exits;
		double host_usec;
	} scen[NR_SCEN];
};

/* Both guests run side by side; call() talks to the selected one. */
static struct guest {
	struct vm *vm;
	struct sym_table syms;
	struct elf_image img;
} guests[2];
static struct vm *vm;

static void die(const char *what, const struct vm_event *ev)
{
	fprintf(stderr, "bench_modes: %s%s%s\n", what, ev ? ": " : "", ev ? ev->msg : "");
	exit(1);
}

static void call(uint32_t cmd, const uint32_t *args, unsigned int nargs, struct guest_reply *r)
{
	struct vm_event ev;

	if (guest_call(vm, cmd, args, nargs, r, &ev))
		die("the guest stopped", &ev);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t u64_of(const struct guest_reply *r, unsigned int lo)
{
	return r->results[lo] | (uint64_t)r->results[lo + 1] << 32;
}

/* One CMD_BENCH_SCENARIO; a scenario that failed in the guest stops the bench. */
static void scenario(uint32_t id, uint32_t loops, struct guest_reply *r, const char *what)
{
	uint32_t args[4] = { id, loops, 1, RANDOM_SEED };

	call(CMD_BENCH_SCENARIO, args, 4, r);
	if (r->status != ST_OK || r->results[1] || r->results[0] != 1) {
		fprintf(stderr, "bench_modes: %s: status %u, passed %u, failed %u: %.*s\n", what,
			r->status, r->results[0], r->results[1], (int)r->text_len, r->text);
		exit(1);
	}
}

static void boot(struct guest *g, const char *mode)
{
	struct vm_config cfg = {
		.ram_size = 512ull << 20, .nr_vcpus = 1, .cmdline = mode, .timeout_sec = 900
	};
	char err[VM_ERR_LEN];
	struct vm_event ev;

	if (elf_image_open(GUEST, cfg.ram_size, &g->img, err, sizeof(err)) ||
	    sym_load_image(&g->syms, &g->img, err, sizeof(err)) ||
	    vm_create(&g->vm, &cfg, err, sizeof(err)) ||
	    vm_boot(g->vm, &g->img, &g->syms, err, sizeof(err))) {
		fprintf(stderr, "bench_modes: %s: %s\n", mode, err);
		exit(1);
	}
	if (guest_wait_ready(g->vm, &ev))
		die("boot", &ev);
}

static void shutdown(struct guest *g)
{
	struct vm_event ev;

	guest_exit(g->vm, 0, &ev);
	vm_destroy(g->vm);
	g->vm = NULL;
	sym_free(&g->syms);
	elf_image_close(&g->img);
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static double min_double(double a, double b)
{
	return a < b ? a : b;
}

/*
 * Both guests are up at once and every timed measurement alternates
 * between them, REPEAT times, each its own command: a slow spell of a
 * shared host then falls on both modes alike, and the table keeps the
 * fastest run, the least disturbed (the TSC counts wall time).  Counts
 * must come out the same each time.
 */
static void measure(struct mode_result *res)
{
	struct guest_reply r;
	uint32_t size = 4096, addr;
	uint64_t exits;
	unsigned int i, k, g;
	double t;

	for (g = 0; g < 2; g++) {
		struct mode_result *m = &res[g];

		boot(&guests[g], m->mode);
		vm = guests[g].vm;
		/* Untimed: the emulator translates the code paths once, not inside a sample. */
		scenario(BENCH_LOOKUP_AT_N, 100, &r, "warm-up");
		scenario(BENCH_VFREE_FLUSHES, 100, &r, "warm-up");
		scenario(BENCH_KMALLOC_PAIR, 100, &r, "warm-up");
		for (i = 0; i < NR_N; i++)
			m->lookup_cycles[i] = UINT64_MAX;
		m->vmalloc_pair = m->kmalloc_pair = INFINITY;
		for (i = 0; i < NR_SCEN; i++) {
			m->scen[i].loop_cycles = UINT64_MAX;
			m->scen[i].loops = scenarios[i].loops;
		}
		/* One operation per mailbox round trip, as the host's scripts drive the guest. */
		exits = vm->nr_exits;
		call(CMD_VMALLOC, &size, 1, &r);
		m->exits_vmalloc = vm->nr_exits - exits;
		if (r.status != ST_OK)
			die("CMD_VMALLOC", NULL);
		addr = r.results[0]; /* copied: r is also the next call's reply buffer */
		exits = vm->nr_exits;
		call(CMD_VFREE, &addr, 1, &r);
		m->exits_vfree = vm->nr_exits - exits;
		m->vfree_cycles = UINT64_MAX;
	}

	for (k = 0; k < REPEAT; k++)
		for (i = 0; i < NR_N; i++)
			for (g = 0; g < 2; g++) {
				struct mode_result *m = &res[g];

				vm = guests[g].vm;
				scenario(BENCH_LOOKUP_AT_N, lookup_n[i], &r, "get_vm_area at N");
				if (k && r.results[6] != m->nodes[i])
					die("get_vm_area at N: the node count changed between runs",
					    NULL);
				m->nodes[i] = r.results[6];
				m->lookup_cycles[i] = min64(m->lookup_cycles[i], u64_of(&r, 4));
			}

	for (k = 0; k < REPEAT; k++)
		for (g = 0; g < 2; g++) {
			struct mode_result *m = &res[g];

			vm = guests[g].vm;
			scenario(BENCH_VFREE_FLUSHES, NR_VFREES, &r, "vfree flushes");
			if (k && r.results[7] != m->vfree_flushes)
				die("vfree flushes: the count changed between runs", NULL);
			m->vfree_flushes = r.results[7];
			m->vfree_cycles = min64(m->vfree_cycles, u64_of(&r, 4));
			scenario(BENCH_VMALLOC_PAIR, PAIR_LOOPS, &r, "vmalloc pair");
			m->vmalloc_pair =
				min_double(m->vmalloc_pair, (double)u64_of(&r, 4) / PAIR_LOOPS);
			exits = vm->nr_exits;
			scenario(BENCH_KMALLOC_PAIR, PAIR_LOOPS, &r, "kmalloc pair");
			m->exits_scenario = vm->nr_exits - exits;
			m->kmalloc_pair =
				min_double(m->kmalloc_pair, (double)u64_of(&r, 4) / PAIR_LOOPS);
		}

	for (i = 0; i < NR_SCEN; i++)
		for (k = 0; k < REPEAT; k++)
			for (g = 0; g < 2; g++) {
				struct mode_result *m = &res[g];

				vm = guests[g].vm;
				exits = vm->nr_exits;
				t = now();
				scenario(scenarios[i].id, scenarios[i].loops, &r,
					 scenarios[i].name);
				m->scen[i].host_usec += (now() - t) * 1e6 / REPEAT;
				m->scen[i].exits = vm->nr_exits - exits;
				m->scen[i].passed += r.results[0];
				m->scen[i].failed += r.results[1];
				m->scen[i].cycles += u64_of(&r, 2) / REPEAT;
				m->scen[i].loop_cycles =
					min64(m->scen[i].loop_cycles, u64_of(&r, 4));
				m->scen[i].nodes = r.results[6];
				m->scen[i].flushes = r.results[7];
			}
	for (g = 0; g < 2; g++)
		shutdown(&guests[g]);
}

static unsigned int ceil_log2(uint32_t x)
{
	unsigned int l = 0;

	while ((1ull << l) < x)
		l++;
	return l;
}

static double ratio(double a, double b)
{
	return b ? a / b : INFINITY;
}

/*
 * The guest's TSC runs at the rate of the TSC of the machine that runs
 * QEMU (TCG reads the host's; KVM keeps the rate), while the nested
 * kernel's own clock is only as good as its TSC calibration under a busy
 * emulator: it was seen running 3.5 times fast.  So times are the guest's
 * cycles over a rate measured outside the nested machine (--tsc-hz, from
 * "bench_modes --measure-tsc" run there); without it, the host's clock.
 */
static double tsc_hz;

static double usec_of(uint64_t cycles, double host_usec)
{
	return tsc_hz > 0 ? cycles / tsc_hz * 1e6 : host_usec;
}

static int measure_tsc(void)
{
	uint64_t c0, c1;
	double t0, t1;

	t0 = now();
	c0 = __builtin_ia32_rdtsc();
	do
		t1 = now();
	while (t1 - t0 < 0.2);
	c1 = __builtin_ia32_rdtsc();
	printf("%.0f\n", (c1 - c0) / (t1 - t0));
	return 0;
}

int main(int argc, char **argv)
{
	static struct mode_result res[2] = { { .mode = "vmalloc=2.4" },
					     { .mode = "vmalloc=modern" } };
	const struct mode_result *o = &res[0], *n = &res[1];
	unsigned int i, bad = 0;

	if (argc == 2 && !strcmp(argv[1], "--measure-tsc"))
		return measure_tsc();
	if (argc == 3 && !strcmp(argv[1], "--tsc-hz")) {
		char *end;

		tsc_hz = strtod(argv[2], &end);
		if (*end || !(tsc_hz >= 1e6 && tsc_hz <= 1e11)) {
			fprintf(stderr, "bench_modes: --tsc-hz %s: not a rate in Hz (1e6..1e11)\n",
				argv[2]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: bench_modes [--tsc-hz HZ | --measure-tsc]\n");
		return 2;
	}
	measure(res);

	printf("guests: 512M, 2-level paging, 1 vCPU, one per mode, both up at once, measurements "
	       "alternating between them; counts from the guest (vmap_stats, tlb_counters), exits "
	       "from the host\n\n");
	for (i = 0; i < NR_N; i++) {
		uint32_t N = lookup_n[i], bound = 2 * ceil_log2(N + 1) + 4;

		printf("get_vm_area nodes at N=%u: 2.4 %u, modern %u, ratio %.1fx\n", N,
		       o->nodes[i], n->nodes[i], ratio(o->nodes[i], n->nodes[i]));
		if (o->nodes[i] != N + 1) {
			printf("  BOUND FAILED: 2.4 must visit N+1 = %u\n", N + 1);
			bad++;
		}
		if (n->nodes[i] > bound) {
			printf("  BOUND FAILED: modern must visit at most 2*ceil(log2(N+1))+4 = "
			       "%u\n",
			       bound);
			bad++;
		}
		if (N == 1000 && (uint64_t)n->nodes[i] * 40 > o->nodes[i]) {
			printf("  BOUND FAILED: modern must visit at least 40x fewer at N=1000\n");
			bad++;
		}
	}
	printf("flushes per %u vfree: 2.4 %u, modern %u\n", NR_VFREES, o->vfree_flushes,
	       n->vfree_flushes);
	if (o->vfree_flushes != NR_VFREES || n->vfree_flushes > 2) {
		printf("  BOUND FAILED: 2.4 must flush once per vfree (%u), modern at most twice\n",
		       NR_VFREES);
		bad++;
	}

	printf("\nguest cycles (rdtsc in the guest; the fastest of %u runs), modern/2.4:\n",
	       REPEAT);
	printf("%-34s %12s %12s %8s\n", "", "2.4", "modern", "ratio");
	for (i = 0; i < NR_N; i++) {
		char name[48];

		snprintf(name, sizeof(name), "one get_vm_area at N=%u", lookup_n[i]);
		printf("%-34s %12llu %12llu %8.2f\n", name, (unsigned long long)o->lookup_cycles[i],
		       (unsigned long long)n->lookup_cycles[i],
		       ratio(n->lookup_cycles[i], o->lookup_cycles[i]));
	}
	printf("%-34s %12.0f %12.0f %8.2f\n", "per 1-page vmalloc+vfree pair", o->vmalloc_pair,
	       n->vmalloc_pair, ratio(n->vmalloc_pair, o->vmalloc_pair));
	printf("%-34s %12.0f %12.0f %8.2f\n", "per kmalloc+kfree pair (control)", o->kmalloc_pair,
	       n->kmalloc_pair, ratio(n->kmalloc_pair, o->kmalloc_pair));
	printf("%-34s %12.0f %12.0f %8.2f\n", "per vfree, 10000 vfrees",
	       (double)o->vfree_cycles / NR_VFREES, (double)n->vfree_cycles / NR_VFREES,
	       ratio(n->vfree_cycles, o->vfree_cycles));

	printf("\nVM exits (host vm->nr_exits):\n");
	printf("%-34s %12s %12s\n", "", "2.4", "modern");
	printf("%-34s %12llu %12llu\n", "CMD_VMALLOC 1 page (one operation)",
	       (unsigned long long)o->exits_vmalloc, (unsigned long long)n->exits_vmalloc);
	printf("%-34s %12llu %12llu\n", "CMD_VFREE 1 page (one operation)",
	       (unsigned long long)o->exits_vfree, (unsigned long long)n->exits_vfree);
	printf("%-34s %12.4f %12.4f\n", "per kmalloc pair, in-guest loop",
	       (double)o->exits_scenario / PAIR_LOOPS, (double)n->exits_scenario / PAIR_LOOPS);
	for (i = 0; i < NR_SCEN; i++) {
		char name[48];

		snprintf(name, sizeof(name), "per loop, %s", scenarios[i].name);
		printf("%-34s %12.4f %12.4f\n", name, (double)o->scen[i].exits / scenarios[i].loops,
		       (double)n->scen[i].exits / scenarios[i].loops);
	}

	printf("\nlib/test_vmalloc.c's cases (our code; loops scaled down from its %u)\n",
	       LINUX_LOOPS);
	if (tsc_hz > 0)
		printf("usec: guest cycles at the TSC rate measured outside the nested machine, "
		       "%.1f MHz\n",
		       tsc_hz / 1e6);
	else
		printf("usec: the host's clock (no --tsc-hz given)\n");
	for (i = 0; i < 2; i++) {
		const struct mode_result *m = &res[i];
		unsigned int s;

		printf("%s:\n", m->mode);
		for (s = 0; s < NR_SCEN; s++)
			printf("Summary: %s passed: %u failed: %u repeat: %u loops: %u avg: %.0f "
			       "usec "
			       "(guest cycles: %llu)\n",
			       scenarios[s].name, m->scen[s].passed, m->scen[s].failed, REPEAT,
			       m->scen[s].loops, usec_of(m->scen[s].cycles, m->scen[s].host_usec),
			       (unsigned long long)m->scen[s].cycles);
	}
	printf("\n%-26s %6s %7s %12s %12s %8s %14s %14s %8s\n", "test", "loops", "scale",
	       "2.4 usec", "modern usec", "ratio", "2.4 cyc/loop", "modern cyc/loop", "ratio");
	for (i = 0; i < NR_SCEN; i++) {
		double lo = (double)o->scen[i].loop_cycles / scenarios[i].loops;
		double ln = (double)n->scen[i].loop_cycles / scenarios[i].loops;
		double uo = usec_of(o->scen[i].cycles, o->scen[i].host_usec);
		double un = usec_of(n->scen[i].cycles, n->scen[i].host_usec);
		char scale[16] = "-";

		if (scenarios[i].id != BENCH_ALIGN_SHIFT)
			snprintf(scale, sizeof(scale), "1/%u", LINUX_LOOPS / scenarios[i].loops);
		printf("%-26s %6u %7s %12.0f %12.0f %8.3f %14.0f %14.0f %8.3f\n", scenarios[i].name,
		       scenarios[i].loops, scale, uo, un, ratio(un, uo), lo, ln, ratio(ln, lo));
	}
	printf("(ratio: modern/2.4, below 1 where modern is faster; usec: the whole test, setup "
	       "included, as the module times it, mean of %u; cyc/loop: the "
	       "loops alone, the fastest of %u)\n",
	       REPEAT, REPEAT);
	printf("get_vm_area nodes and TLB flushes during the loops, 2.4 / modern:\n");
	for (i = 0; i < NR_SCEN; i++)
		printf("  %-26s nodes %10u / %-8u flushes %8u / %u\n", scenarios[i].name,
		       o->scen[i].nodes, n->scen[i].nodes, o->scen[i].flushes, n->scen[i].flushes);
	if (bad)
		printf("\n%u bound(s) failed\n", bad);
	return bad ? 1 : 0;
}
