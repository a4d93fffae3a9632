// SPDX-License-Identifier: GPL-2.0
/*
 * --stress (its contract in cli.h): the rounds of CMD_STRESS, the checks at
 * each quiescent point, the guest's struct stress_state read and judged,
 * and the global P2 at the end.
 *
 * Everything in stress_state is the guest's word: it is read through the
 * checked accessor, and each field is compared with what the host asked for
 * (stress_state_check) before any of it is believed or printed.
 */
#include "vmm/cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"

static const char *const lock_class_names[LOCK_CLASS_NR] = LOCK_CLASS_NAMES;
static const char *const op_names[STRESS_OP_NR] = { "vmalloc", "vmalloc_dma", "vmalloc_32",
						    "vmap",    "vfree",	      "probe" };

static uint64_t cpu_ops(const struct stress_cpu *c)
{
	uint64_t n = 0;
	unsigned int k;

	for (k = 0; k < STRESS_OP_NR; k++)
		n += c->ops[k];
	return n;
}

int stress_state_check(const struct stress_state *st, const struct stress_expect *x, char *err,
		       size_t errlen)
{
	const struct lock_inversion *inv = &st->inversion;
	unsigned int i;

	if (st->magic != STRESS_MAGIC)
		return vmm_errf(err, errlen, -EBADMSG,
				"stress_state.magic 0x%08x is not STRESS_MAGIC 0x%08x", st->magic,
				STRESS_MAGIC);
	if (st->rounds != x->rounds)
		return vmm_errf(err, errlen, -EBADMSG,
				"stress_state.rounds %u: the host ran %u rounds since STRESS_BEGIN",
				st->rounds, x->rounds);
	if (st->cpus != x->cpus)
		return vmm_errf(err, errlen, -EBADMSG,
				"stress_state.cpus 0x%x: the host asked for CPUs 0x%x", st->cpus,
				x->cpus);
	if (st->seed != x->seed)
		return vmm_errf(err, errlen, -EBADMSG,
				"stress_state.seed %u: the host gave seed %u", st->seed, x->seed);
	if (inv->found != x->inversions_seen)
		return vmm_errf(
			err, errlen, -EBADMSG,
			"stress_state.inversion.found %u differs from the reply's result4 %u",
			inv->found, x->inversions_seen);
	if (inv->found && (inv->held == LOCK_CLASS_NONE || inv->held >= LOCK_CLASS_NR ||
			   inv->taken == LOCK_CLASS_NONE || inv->taken >= LOCK_CLASS_NR))
		return vmm_errf(err, errlen, -EBADMSG,
				"stress_state.inversion: lock classes %u and %u are not both in "
				"1..%u",
				inv->held, inv->taken, LOCK_CLASS_NR - 1);
	if (inv->found && (inv->cpu >= MAX_CPUS || inv->first_cpu >= MAX_CPUS))
		return vmm_errf(err, errlen, -EBADMSG,
				"stress_state.inversion: CPUs %u and %u are not both below %u",
				inv->cpu, inv->first_cpu, MAX_CPUS);
	for (i = 0; i < MAX_CPUS; i++) {
		const struct stress_cpu *c = &st->cpu[i];
		bool in = x->cpus >> i & 1;
		uint64_t ops = cpu_ops(c), allocs;
		uint64_t most = x->issued + (x->final ? x->held[i] : 0);

		allocs = (uint64_t)c->ops[STRESS_VMALLOC] + c->ops[STRESS_VMALLOC_DMA] +
			 c->ops[STRESS_VMALLOC_32] + c->ops[STRESS_VMAP];
		if (!in && ops)
			return vmm_errf(err, errlen, -EBADMSG,
					"stress_state.cpu[%u].ops: %" PRIu64
					" operations on a CPU that takes no part",
					i, ops);
		if (in && (ops < x->issued || ops > most))
			return vmm_errf(err, errlen, -EBADMSG,
					"stress_state.cpu[%u].ops: %" PRIu64
					" operations, the host asked for %" PRIu64 "%s",
					i, ops, x->issued,
					x->final ? " plus the frees of what it held" : "");
		if (c->failed > allocs)
			return vmm_errf(err, errlen, -EBADMSG,
					"stress_state.cpu[%u].failed %u: more than its %" PRIu64
					" allocations",
					i, c->failed, allocs);
		if (c->live > allocs - c->failed || (x->final && c->live))
			return vmm_errf(err, errlen, -EBADMSG, "stress_state.cpu[%u].live %u: %s",
					i, c->live,
					x->final ? "the last round leaves nothing held"
						 : "more than its successful allocations");
		if (c->probe_bad > c->ops[STRESS_PROBE] || c->stale > c->ops[STRESS_PROBE])
			return vmm_errf(
				err, errlen, -EBADMSG,
				"stress_state.cpu[%u]: probe_bad %u or stale %u exceeds its "
				"%u probes",
				i, c->probe_bad, c->stale, c->ops[STRESS_PROBE]);
		if (c->stale && (c->stale_va < PAGE_OFFSET || c->stale_va >= VMALLOC_END))
			return vmm_errf(err, errlen, -EBADMSG,
					"stress_state.cpu[%u].stale_va 0x%08x: not in the vmalloc "
					"range",
					i, c->stale_va);
		if (c->lock_spins && !c->lock_acquires)
			return vmm_errf(err, errlen, -EBADMSG,
					"stress_state.cpu[%u].lock_spins %u with no acquisition", i,
					c->lock_spins);
	}
	return 0;
}

/* What the checkpoints keep between rounds. */
struct stress_run_ctx {
	struct vm *vm;
	const struct stress_params *p;
	struct stress_totals *t;
	struct check_ctx *ck;
	struct check_report *rep;
	FILE *out;
	uint32_t vmalloc_start;
	struct stress_state prev; /* the previous checkpoint's state (zero before the first) */
	uint32_t prev_inversions;
	const char *where; /* "round N" or "the last round", for messages */
	char where_buf[48];
};

/* Print rep's violations with the walk of each address, as the tests' reports do. */
static void print_report(struct stress_run_ctx *r, const struct check_report *rep)
{
	unsigned int i, n = rep->nr_violations < CHECK_MAX_VIOLATIONS ? rep->nr_violations
								      : CHECK_MAX_VIOLATIONS;
	struct walk_result res;
	struct walk_ctx wc;
	char err[200];

	if (!rep->nr_violations)
		return;
	fprintf(r->out, "stress: after %s:\n", r->where);
	check_report_print(r->out, rep);
	if (inspect_walk_ctx(r->vm, &wc, err, sizeof(err))) {
		fprintf(r->out, "(no walks: %s)\n", err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!rep->v[i].va)
			continue;
		walk(&wc, rep->v[i].va, &res);
		walk_fprint(r->out, &res);
	}
}

/* One check_guest() after op, counted in the totals; 0 or -EIO with err. */
static int run_check(struct stress_run_ctx *r, const struct check_op *op, const char *what,
		     char *err, size_t errlen)
{
	unsigned int i;

	if (check_guest(r->ck, op, CHECK_STATIC | CHECK_PROBES, r->rep))
		return vmm_errf(err, errlen, -EIO, "the checker could not run after %s (%s): %s",
				r->where, what, r->rep->err);
	r->t->nr_checks += r->rep->rules_run;
	r->t->nr_violations += r->rep->nr_violations;
	for (i = 0; i < CHECK_NR_RULES; i++)
		r->t->rule_runs[i] += r->rep->rule_run[i];
	print_report(r, r->rep);
	return 0;
}

static void op_from(struct check_op *op, uint32_t cmd, const uint32_t *args, unsigned int nargs,
		    const struct guest_reply *reply)
{
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	memcpy(op->args, args, nargs * sizeof(*args));
	op->status = reply->status;
	memcpy(op->results, reply->results, sizeof(op->results));
}

/*
 * T2/T4 by hardware evidence: a small area vmalloc'd and freed hot with
 * CPU 0 and AP ap joining (with one vCPU, CPU 0 alone); each command is
 * checked.  0, -ECANCELED or -EIO.
 */
static int hot_vfree(struct stress_run_ctx *r, unsigned int ap, struct vm_event *ev, char *err,
		     size_t errlen)
{
	uint32_t args[2] = { STRESS_HOT_PAGES * PAGE_SIZE, 0 };
	struct guest_reply reply;
	struct check_op op;
	uint32_t addr;
	int ret;

	if (guest_vmalloc(r->vm, CMD_VMALLOC, args[0], &addr, &reply, ev))
		return -ECANCELED;
	op_from(&op, CMD_VMALLOC, args, 1, &reply);
	ret = run_check(r, &op, "the hot vfree's vmalloc", err, errlen);
	if (ret)
		return ret;
	if (reply.status != ST_OK || !addr)
		return vmm_errf(
			err, errlen, -EIO,
			"after %s: vmalloc of %u pages for the hot vfree failed (status %u)",
			r->where, STRESS_HOT_PAGES, reply.status);
	args[0] = addr;
	args[1] = 1u | (ap ? 1u << ap : 0);
	if (guest_vfree_hot(r->vm, addr, args[1], &reply, ev))
		return -ECANCELED;
	op_from(&op, CMD_VFREE_HOT, args, 2, &reply);
	r->t->hot_vfrees++;
	return run_check(r, &op, "the hot vfree", err, errlen);
}

/*
 * The quiescent point's hot vfrees: one for each AP, CPU 0 and that AP
 * joining, so that T4 has evidence from every CPU at every point.  Not all
 * at once: the evidence needs each joined vCPU to stay in guest mode from
 * its touch to its probe (a VM exit may empty its TLB, checks.md), and four
 * spinning vCPUs on fewer nested CPUs are time-sliced, each slice ending in
 * an exit.  The APs that do not join halt, and take the flush as an IPI.
 */
static int hot_vfrees(struct stress_run_ctx *r, struct vm_event *ev, char *err, size_t errlen)
{
	unsigned int ap = r->t->nr_cpus > 1 ? 1 : 0;
	int ret;

	do
		ret = hot_vfree(r, ap, ev, err, errlen);
	while (!ret && ++ap < r->t->nr_cpus);
	return ret;
}

/* One more run of the checker's rule named name, judged here. */
static void count_rule(struct stress_totals *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < CHECK_NR_RULES; i++)
		if (!strcmp(check_rule_name(i), name))
			t->rule_runs[i]++;
}

/* A violation of the stress_state rules, printed like the checker's. */
static void state_violation(struct stress_run_ctx *r, const char *rule, uint32_t va,
			    const char *expected, const char *actual)
{
	r->t->nr_violations++;
	fprintf(r->out, "stress: after %s:\n", r->where);
	if (va)
		fprintf(r->out, "%s va=0x%08x: expected %s; actual %s\n", rule, va, expected,
			actual);
	else
		fprintf(r->out, "%s: expected %s; actual %s\n", rule, expected, actual);
}

/* The guest's own findings since the previous checkpoint: stale reads (T4), bad probes (T1),
 * a lock-order inversion. */
static void judge_state(struct stress_run_ctx *r, const struct stress_state *st)
{
	const struct lock_inversion *inv = &st->inversion;
	char actual[240];
	unsigned int i;

	/* T1 from the probes of a CPU's own areas, the lock order, and with another CPU to
	 * read stale, T4. */
	r->t->nr_checks += 2;
	count_rule(r->t, "T1");
	r->t->lock_order_runs++;
	if (r->t->nr_cpus > 1) {
		r->t->nr_checks++;
		count_rule(r->t, "T4");
	}
	for (i = 0; i < MAX_CPUS; i++) {
		const struct stress_cpu *c = &st->cpu[i], *o = &r->prev.cpu[i];

		if (c->stale > o->stale) {
			snprintf(actual, sizeof(actual),
				 "%u read(s) on CPU %u did not fault; the first read 0x%08x at "
				 "0x%08x%s",
				 c->stale - o->stale, i, c->stale_data, c->stale_va,
				 (c->stale_data & 0xff000000u) == HOT_TAG_MAGIC
					 ? " (the tag of the freed frame)"
					 : "");
			state_violation(r, "T4", c->stale_va,
					"a read on another CPU of a page whose vfree had returned "
					"faults",
					actual);
		}
		if (c->probe_bad > o->probe_bad) {
			snprintf(actual, sizeof(actual),
				 "%u probe(s) of CPU %u's own areas faulted or read another value",
				 c->probe_bad - o->probe_bad, i);
			state_violation(r, "T1", 0,
					"every probe of a live area reads back what its CPU wrote",
					actual);
		}
	}
	if (inv->found > r->prev_inversions) {
		snprintf(actual, sizeof(actual),
			 "CPU %u took %s while holding %s, after CPU %u had taken %s while holding "
			 "%s (%u inversion(s) since boot)",
			 inv->cpu, lock_class_names[inv->taken], lock_class_names[inv->held],
			 inv->first_cpu, lock_class_names[inv->held], lock_class_names[inv->taken],
			 inv->found);
		state_violation(r, "lock-order", 0, "one order for every pair of lock classes",
				actual);
	}
	r->prev_inversions = inv->found;
}

/* Read the struct stress_state at kva (a kernel address the guest gave): 0 or -EIO. */
static int read_state(struct vm *vm, uint32_t kva, struct stress_state *st, char *err,
		      size_t errlen)
{
	uint64_t pa;

	if (sym_virt_to_phys(kva, &pa) || gmem_read(&vm->mem, pa, st, sizeof(*st)))
		return vmm_errf(err, errlen, -EIO,
				"CMD_STRESS result3 0x%08x: struct stress_state (%zu bytes) is not "
				"in the direct map of guest RAM",
				kva, sizeof(*st));
	return 0;
}

/* Free pages of every zone plus those kmalloc holds, and kmalloc's objects in use
 * (CMD_FREE_PAGES): 0 or -ECANCELED. */
static int free_pages(struct vm *vm, uint64_t *pages, uint32_t *objects, struct vm_event *ev)
{
	struct guest_reply reply;

	if (guest_call(vm, CMD_FREE_PAGES, NULL, 0, &reply, ev))
		return -ECANCELED;
	*pages =
		(uint64_t)reply.results[0] + reply.results[1] + reply.results[2] + reply.results[7];
	*objects = reply.results[3];
	return 0;
}

/* Present PTE pages over [vmalloc_start, VMALLOC_END): the page tables 2.4 never frees. */
static int pte_pages(struct stress_run_ctx *r, uint32_t *nr, char *err, size_t errlen)
{
	struct pt_snapshot snap = { 0 };
	struct walk_ctx wc;
	enum walk_level lvl;
	size_t i;
	int ret;

	ret = inspect_walk_ctx(r->vm, &wc, err, errlen);
	if (!ret)
		ret = pt_snapshot_take(&snap, &wc, r->vmalloc_start, VMALLOC_END, err, errlen);
	if (ret)
		return vmm_errf(err, errlen, -EIO, "cannot read the page tables: %s", err);
	lvl = wc.mode == WALK_PAE ? WALK_PMD : WALK_PGD;
	*nr = 0;
	for (i = 0; i < snap.nr; i++) {
		const struct pt_snap_entry *e = &snap.e[i];

		if (e->level == lvl && e->va >= r->vmalloc_start && e->va < VMALLOC_END &&
		    (e->value & _PAGE_PRESENT) && !(e->value & _PAGE_PSE))
			(*nr)++;
	}
	pt_snapshot_free(&snap);
	return 0;
}

/* One round of n operations per CPU (0: the freeing round), then its checkpoint. */
static int stress_round(struct stress_run_ctx *r, uint32_t n, bool begin, uint64_t issued,
			struct vm_event *ev, char *err, size_t errlen)
{
	struct stress_totals *t = r->t;
	uint32_t args[4] = { n, t->cpu_mask, r->p->seed, begin ? STRESS_BEGIN : 0 };
	struct stress_expect x = { 0 };
	struct guest_reply reply;
	struct stress_state st;
	struct check_op op;
	unsigned int i;
	int ret;

	if (n)
		snprintf(r->where_buf, sizeof(r->where_buf), "round %u", t->rounds + 1);
	else
		snprintf(r->where_buf, sizeof(r->where_buf), "the last round (frees)");
	r->where = r->where_buf;
	if (guest_call(r->vm, CMD_STRESS, args, 4, &reply, ev))
		return -ECANCELED;
	if (reply.status != ST_OK)
		return vmm_errf(err, errlen, -EBADMSG, "CMD_STRESS (%s) refused: status %u (%s)",
				r->where, reply.status, demo_status_name(reply.status));
	t->rounds++;
	if (n && reply.results[0] != (uint64_t)n * t->nr_cpus)
		return vmm_errf(err, errlen, -EBADMSG,
				"CMD_STRESS result0 %u: the host asked %u CPUs for %u operations "
				"each",
				reply.results[0], t->nr_cpus, n);
	if (n)
		t->operations += reply.results[0];
	t->round_cycles += (uint64_t)reply.results[2] << 32 | reply.results[1];
	ret = read_state(r->vm, reply.results[3], &st, err, errlen);
	if (ret)
		return ret;
	x.rounds = t->rounds;
	x.cpus = t->cpu_mask;
	x.seed = r->p->seed;
	x.issued = issued;
	x.final = n == 0;
	x.inversions_seen = reply.results[4];
	for (i = 0; i < MAX_CPUS; i++)
		x.held[i] = r->prev.cpu[i].live;
	ret = stress_state_check(&st, &x, err, errlen);
	if (ret)
		return ret;
	if (!n && reply.results[5])
		return vmm_errf(err, errlen, -EBADMSG,
				"CMD_STRESS result5 %u: the last round leaves areas held",
				reply.results[5]);
	judge_state(r, &st);
	r->prev = st;
	t->state = st;
	t->have_state = true;

	op_from(&op, CMD_STRESS, args, 4, &reply);
	ret = run_check(r, &op, "the round", err, errlen);
	if (!ret)
		ret = hot_vfrees(r, ev, err, errlen);
	return ret;
}

/* P2 over the whole run: every page back, less the page tables made meanwhile. */
static void judge_global_p2(struct stress_run_ctx *r)
{
	struct stress_totals *t = r->t;
	int64_t want = (int64_t)t->free_before - ((int64_t)t->pt_after - t->pt_before);
	char expected[200], actual[200];

	t->nr_checks++;
	count_rule(t, "P2");
	r->where = "the whole run";
	if ((int64_t)t->free_after != want) {
		snprintf(expected, sizeof(expected),
			 "free pages (with kmalloc's) %" PRIu64
			 " at the start, less %d new page tables: %" PRId64,
			 t->free_before, (int)(t->pt_after - t->pt_before), want);
		snprintf(actual, sizeof(actual), "%" PRIu64 " after the last round", t->free_after);
		state_violation(r, "P2", 0, expected, actual);
	}
	if (t->objects_after != t->objects_before) {
		snprintf(expected, sizeof(expected),
			 "every vm_struct back to kmalloc: %u objects in use, as at the start",
			 t->objects_before);
		snprintf(actual, sizeof(actual), "%u after the last round", t->objects_after);
		state_violation(r, "P2", 0, expected, actual);
	}
}

int stress_run(struct vm *vm, const struct sym_table *syms, const struct stress_params *p,
	       FILE *out, struct stress_totals *t, struct vm_event *ev, char *err, size_t errlen)
{
	struct stress_run_ctx r = { .vm = vm, .p = p, .t = t, .out = out };
	struct guest_kernel gk;
	uint64_t issued = 0;
	uint32_t left;
	int ret;

	memset(t, 0, sizeof(*t));
	t->nr_cpus = vm->nr_vcpus;
	t->cpu_mask = (1u << vm->nr_vcpus) - 1;
	if (!p->ops || p->ops > STRESS_OPS_MAX || !p->every)
		return vmm_errf(err, errlen, -EINVAL,
				"stress: %u operations every %u: out of range", p->ops, p->every);
	r.rep = malloc(sizeof(*r.rep));
	if (!r.rep)
		return vmm_errf(err, errlen, -ENOMEM, "out of memory for the checker's report");
	ret = inspect_init(&gk, vm, syms, err, errlen);
	if (!ret)
		ret = inspect_vmalloc_start(&gk, &r.vmalloc_start, err, errlen);
	if (!ret)
		ret = check_ctx_init(&r.ck, vm, syms, err, errlen);
	if (ret)
		goto out;
	ret = free_pages(vm, &t->free_before, &t->objects_before, ev);
	if (!ret)
		ret = pte_pages(&r, &t->pt_before, err, errlen);
	for (left = p->ops; !ret && left;) {
		uint32_t n = left < p->every ? left : p->every;

		issued += n;
		ret = stress_round(&r, n, left == p->ops, issued, ev, err, errlen);
		left -= n;
	}
	if (!ret)
		ret = stress_round(&r, 0, false, issued, ev, err, errlen);
	if (!ret)
		ret = free_pages(vm, &t->free_after, &t->objects_after, ev);
	if (!ret)
		ret = pte_pages(&r, &t->pt_after, err, errlen);
	if (!ret)
		judge_global_p2(&r);
out:
	check_ctx_free(r.ck);
	free(r.rep);
	return ret;
}

void stress_print_summary(FILE *out, const struct stress_totals *t)
{
	const struct stress_state *st = &t->state;
	unsigned int i, k;

	fprintf(out, "%-4s", "cpu");
	for (k = 0; k < STRESS_OP_NR; k++)
		fprintf(out, " %11s", op_names[k]);
	fprintf(out, " %7s %10s %10s %9s %10s\n", "failed", "locks", "spins", "ipis_sent",
		"ipis_taken");
	for (i = 0; t->have_state && i < t->nr_cpus; i++) {
		const struct stress_cpu *c = &st->cpu[i];

		fprintf(out, "%-4u", i);
		for (k = 0; k < STRESS_OP_NR; k++)
			fprintf(out, " %11u", c->ops[k]);
		fprintf(out, " %7u %10u %10u %9u %10u\n", c->failed, c->lock_acquires,
			c->lock_spins, c->ipis_sent, c->ipis_taken);
	}
	fprintf(out, "rules run:");
	for (k = 0; k < CHECK_NR_RULES; k++)
		fprintf(out, "%s %s %u", k ? "," : "", check_rule_name(k), t->rule_runs[k]);
	fprintf(out, ", lock-order %u\n", t->lock_order_runs);
	fprintf(out, "stress: %u CPUs, %" PRIu64 " operations, %u checks, %u violations\n",
		t->nr_cpus, t->operations, t->nr_checks, t->nr_violations);
}

json_t *stress_json(const struct stress_totals *t)
{
	json_t *j =
		json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "type", "stress", "cpus",
			  (json_int_t)t->nr_cpus, "rounds", (json_int_t)t->rounds, "operations",
			  (json_int_t)t->operations, "round_cycles", (json_int_t)t->round_cycles,
			  "hot_vfrees", (json_int_t)t->hot_vfrees, "checks",
			  (json_int_t)t->nr_checks, "violations", (json_int_t)t->nr_violations);
	json_t *cpus = json_array();
	unsigned int i, k;

	if (!j || !cpus)
		goto fail;
	for (i = 0; t->have_state && i < t->nr_cpus; i++) {
		const struct stress_cpu *c = &t->state.cpu[i];
		json_t *o = json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "failed", (json_int_t)c->failed,
			"lock_acquires", (json_int_t)c->lock_acquires, "lock_spins",
			(json_int_t)c->lock_spins, "ipis_sent", (json_int_t)c->ipis_sent,
			"ipis_taken", (json_int_t)c->ipis_taken, "vfrees", (json_int_t)c->vfrees,
			"stale", (json_int_t)c->stale, "cycles",
			(json_int_t)((uint64_t)c->cycles_hi << 32 | c->cycles_lo));

		for (k = 0; o && k < STRESS_OP_NR; k++)
			if (json_object_set_new(o, op_names[k], json_integer(c->ops[k]))) {
				json_decref(o);
				o = NULL;
			}
		if (!o || json_array_append_new(cpus, o))
			goto fail;
	}
	if (json_object_set_new(j, "per_cpu", cpus))
		goto fail_j;
	return j;
fail:
	json_decref(cpus);
fail_j:
	json_decref(j);
	return NULL;
}
