// SPDX-License-Identifier: GPL-2.0
/*
 * Counts per guest operation, on the real guest under KVM: for vmalloc of
 * 1 and 64 pages, vfree of each, and vmap of 2 pages, the vmlist nodes
 * visited, PTEs written and cleared, TLB flushes and CR3/CR4 writes
 * (guest vmalloc_counters and tlb_counters deltas) and the VM exits the
 * host saw (vm->nr_exits delta) -- first on an empty vmalloc range, then
 * with 10,000 areas in vmlist -- and one full static check of the guest
 * holding those 10,000 areas; then the same operations on a guest with two
 * vCPUs, where vfree's flush_tlb_all also wakes vCPU 1 (PORT_IPI writes).
 * Counts and ratios; the one time printed is information, never asserted.
 * Run it through tools/kvm-run (bench/run.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* One operation, one table row; returns results[0]. */
static uint32_t row(const char *name, uint32_t cmd, const uint32_t *args, unsigned int nargs)
{
	struct counts a, b;
	struct guest_reply r;
	uint64_t exits, ipis;

	counters(&a);
	exits = vm->nr_exits;
	ipis = vm->nr_ipis;
	call(cmd, args, nargs, &r);
	exits = vm->nr_exits - exits;
	ipis = vm->nr_ipis - ipis;
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
static struct sym_table syms; /* the guest's, read once at boot */

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

int main(void)
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
	table("per operation on two vCPUs (a flush_tlb_all also wakes vCPU 1, which flushes):");
	shutdown(&img);
	free(rep);
	return 0;
}
