// SPDX-License-Identifier: GPL-2.0
/*
 * Counts per guest operation, on the real guest under KVM: for vmalloc of
 * 1 and 64 pages, vfree of each, and vmap of 2 pages, the vmlist nodes
 * visited, PTEs written and cleared, TLB flushes and CR3/CR4 writes
 * (guest vmalloc_counters and tlb_counters deltas) and the VM exits the
 * host saw (vm->nr_exits delta) -- first on an empty vmalloc range, then
 * with 10,000 areas in vmlist -- and one full static check of the guest
 * holding those 10,000 areas; then the same operations on a guest with two
 * vCPUs, where vfree's flush_tlb_all also interrupts vCPU 1 (IPIs the guest counts);
 * then the cost of one static check per mapped page at 1k, 10k and 100k
 * mapped pages (host CPU time and peak RSS growth), with the ratio to the
 * 1k figure, which must stay near 1 (linear cost).  Under the nested
 * emulation the times mean nothing absolute; their ratios do.
 * Counts and ratios; the times printed are information, never asserted.
 * Run it through tools/kvm-run (bench/run.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vmm/inspect/inspect.h"
#include "vmm/core/core.h"

#define GUEST	 "guest.elf"
#define NR_AREAS 10000u

static struct vm *vm;

static void die(const char *what, const struct vm_event *ev)
{
	fprintf(stderr, "bench_guest: %s: %s\n", what, ev ? ev->msg : "");
	exit(1);
}

static void call(uint32_t cmd, const uint32_t *args, unsigned int nargs, struct guest_reply *r)
{
	struct vm_event ev;

	if (guest_call(vm, cmd, args, nargs, r, &ev))
		die("the guest stopped", &ev);
}

struct counts {
	uint32_t vm[MBOX_RESULTS], tlb[MBOX_RESULTS];
};

static void counters(struct counts *c)
{
	struct guest_reply r;
	uint32_t which;

	for (which = 0; which < 2; which++) {
		call(CMD_COUNTERS, &which, 1, &r);
		memcpy(which ? c->tlb : c->vm, r.results, sizeof(r.results));
	}
}

static struct sym_table syms; /* the guest's, read once at boot */

/* The IPIs the guest's CPUs have sent so far (they make no exit to count). */
static uint64_t ipis_sent(void)
{
	char err[256];
	uint64_t sum;

	if (inspect_ipis_sent(vm, &syms, &sum, err, sizeof(err))) {
		fprintf(stderr, "bench_guest: %s\n", err);
		exit(1);
	}
	return sum;
}

/* One operation, one table row; returns results[0]. */
static uint32_t row(const char *name, uint32_t cmd, const uint32_t *args, unsigned int nargs)
{
	struct counts a, b;
	struct guest_reply r;
	uint64_t exits, ipis;

	counters(&a);
	exits = vm->nr_exits;
	ipis = ipis_sent();
	call(cmd, args, nargs, &r);
	exits = vm->nr_exits - exits;
	ipis = ipis_sent() - ipis;
	counters(&b);
	printf("%-22s %8u %8u %8u %8u %8u %8u %8llu %8llu\n", name, b.vm[0] - a.vm[0],
	       b.vm[1] - a.vm[1], b.vm[2] - a.vm[2], b.tlb[0] - a.tlb[0],
	       b.tlb[1] + b.tlb[2] - a.tlb[1] - a.tlb[2], b.tlb[3] + b.tlb[4] - a.tlb[3] - a.tlb[4],
	       (unsigned long long)exits, (unsigned long long)ipis);
	if (r.status != ST_OK)
		die(name, NULL);
	return r.results[0];
}

static void table(const char *title)
{
	uint32_t one, big, v, args[4];

	printf("\n%s\n%-22s %8s %8s %8s %8s %8s %8s %8s %8s\n", title, "operation", "vmlist",
	       "pte_wr", "pte_clr", "flush_all", "flush_oth", "cr3/cr4", "exits", "ipis");
	args[0] = 4096;
	one = row("vmalloc 1 page", CMD_VMALLOC, args, 1);
	args[0] = 64 * 4096;
	big = row("vmalloc 64 pages", CMD_VMALLOC, args, 1);
	args[0] = 2, args[1] = 1, args[2] = 0, args[3] = 0;
	v = row("vmap 2 pages", CMD_VMAP, args, 4);
	row("vfree 1 page", CMD_VFREE, &one, 1);
	row("vfree 64 pages", CMD_VFREE, &big, 1);
	row("vfree vmap", CMD_VFREE, &v, 1);
	call(CMD_VMAP_PUT, &v, 1, &(struct guest_reply){ 0 });
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Boot GUEST into the global vm and wait for its first DB_READY. */
static void boot(const struct vm_config *cfg, struct elf_image *img)
{
	char err[VM_ERR_LEN];
	struct vm_event ev;

	if (elf_image_open(GUEST, cfg->ram_size, img, err, sizeof(err)) ||
	    sym_load_image(&syms, img, err, sizeof(err)) || vm_create(&vm, cfg, err, sizeof(err)) ||
	    vm_boot(vm, img, &syms, err, sizeof(err))) {
		fprintf(stderr, "bench_guest: %s\n", err);
		exit(1);
	}
	if (guest_wait_ready(vm, &ev))
		die("boot", &ev);
}

static void shutdown(struct elf_image *img)
{
	struct vm_event ev;

	guest_exit(vm, 0, &ev);
	vm_destroy(vm);
	vm = NULL;
	sym_free(&syms);
	elf_image_close(img);
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

#define SCALE_AREA_PAGES 1000u /* pages per area: 1, 10 and 100 areas */
#define SCALE_REPEAT	 3u    /* checks per size; the fastest is printed */

/*
 * One static check per size, on a 512M guest (its vmalloc range holds
 * 126,974 pages): host CPU per mapped page (the fastest of SCALE_REPEAT
 * checks), its ratio to the 1k figure, and how much the peak RSS grew
 * during the first check at that size, per mapped page.
 */
static void check_scaling(struct elf_image *img, struct check_report *rep)
{
	static const unsigned int sizes[] = { 1000, 10000, 100000 };
	struct vm_config cfg = { .ram_size = 512ull << 20, .nr_vcpus = 1, .timeout_sec = 1200 };
	struct check_ctx *checker;
	char err[VM_ERR_LEN];
	unsigned int mapped = 0, i, k;
	double base = 0;

	boot(&cfg, img);
	if (check_ctx_init(&checker, vm, &syms, err, sizeof(err))) {
		fprintf(stderr, "bench_guest: checker: %s\n", err);
		exit(1);
	}
	printf("\none static check per mapped page (guest 512M, 2-level, areas of %u pages):\n"
	       "%8s %6s %10s %12s %8s %14s %12s\n",
	       SCALE_AREA_PAGES, "pages", "areas", "check s", "us/page", "ratio", "peak RSS KiB",
	       "bytes/page");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		double best = 1e9;
		long rss = 0;

		while (mapped < sizes[i]) {
			struct guest_reply r;
			uint32_t size = SCALE_AREA_PAGES * 4096;

			call(CMD_VMALLOC, &size, 1, &r);
			if (r.status != ST_OK)
				die("vmalloc for the scaling table", NULL);
			mapped += SCALE_AREA_PAGES;
		}
		for (k = 0; k < SCALE_REPEAT; k++) {
			long rss0 = peak_rss_kib();
			double t = cpu_now();

			if (check_guest(checker, NULL, CHECK_STATIC, rep) || rep->nr_violations)
				die("check in the scaling table", NULL);
			t = cpu_now() - t;
			if (!k)
				rss = peak_rss_kib() - rss0;
			if (t < best)
				best = t;
		}
		if (!i)
			base = best / mapped;
		printf("%8u %6u %10.3f %12.2f %8.2f %14ld %12.1f\n", mapped,
		       mapped / SCALE_AREA_PAGES, best, best * 1e6 / mapped, best / mapped / base,
		       rss, rss * 1024.0 / mapped);
	}
	printf("(M7 asks KVM_TRANSLATE for every page up to %u pages, then for a sample of at most "
	       "%u: that share of the cost stops growing; a quadratic check would show ratios of "
	       "10 and 100)\n",
	       CHECK_M7_ALL_PAGES, 2 * CHECK_M7_ALL_PAGES);
	check_ctx_free(checker);
	shutdown(img);
}

/* No argument: every table.  "check-scaling": the check's cost per page only. */
int main(int argc, char **argv)
{
	struct vm_config cfg = { .ram_size = 512ull << 20, .nr_vcpus = 1, .timeout_sec = 600 };
	struct check_report *rep = calloc(1, sizeof(*rep));
	struct check_ctx *checker;
	struct elf_image img;
	char err[VM_ERR_LEN];
	uint64_t exits;
	unsigned int i;
	double t;

	if (!rep)
		return 1;
	if (argc > 1 && !strcmp(argv[1], "check-scaling")) {
		check_scaling(&img, rep);
		free(rep);
		return 0;
	}
	boot(&cfg, &img);
	printf("guest: 512M, 2-level paging; counts from the guest's vmalloc_counters and "
	       "tlb_counters, exits from the host\n");
	table("per operation, empty vmalloc range:");

	exits = vm->nr_exits;
	for (i = 0; i < NR_AREAS; i++) {
		struct guest_reply r;
		uint32_t size = 4096;

		call(CMD_VMALLOC, &size, 1, &r);
		if (r.status != ST_OK)
			die("filling vmlist", NULL);
	}
	printf("\n%u x vmalloc 1 page: %.2f VM exits per call\n", NR_AREAS,
	       (double)(vm->nr_exits - exits) / NR_AREAS);
	table("per operation, with 10,000 areas in vmlist (new areas go after them):");

	if (check_ctx_init(&checker, vm, &syms, err, sizeof(err))) {
		fprintf(stderr, "bench_guest: checker: %s\n", err);
		return 1;
	}
	exits = vm->nr_exits;
	t = now();
	if (check_guest(checker, NULL, CHECK_STATIC, rep))
		die("check", NULL);
	t = now() - t;
	printf("\nfull static check of %u areas: %u rules, %u violations, %.3f s "
	       "(%.1f us per area), %llu VM exits\n",
	       NR_AREAS, rep->rules_run, rep->nr_violations, t, t * 1e6 / NR_AREAS,
	       (unsigned long long)(vm->nr_exits - exits));
	check_ctx_free(checker);
	shutdown(&img);

	cfg.ram_size = 64ull << 20;
	cfg.nr_vcpus = 2;
	boot(&cfg, &img);
	printf("\nguest: 64M, 2-level paging, 2 vCPUs\n");
	table("per operation on two vCPUs (flush_tlb_all also interrupts vCPU 1):");
	shutdown(&img);

	check_scaling(&img, rep);
	free(rep);
	return 0;
}
