// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

/*
 * The demo.  Comments are printed as narration.  The addresses in the
 * comments hold for every RAM size: VMALLOC_START is 8 MiB aligned.
 */
const char demo_script[] =
	"# vmalloc(4096): one page, and a guard page after it that stays unmapped.\n"
	"# The first area also needs the first page table of the vmalloc range:\n"
	"# a new PGD entry (a PMD entry under PAE) appears.\n"
	"a = vmalloc 4096\n"
	"fill a 4096 seed=7\n"
	"check a 4096 seed=7\n"
	"# vmalloc(4 MiB): 1024 pages, more than the rest of that page table\n"
	"# holds, so the area crosses into a new page table: another PGD entry.\n"
	"b = vmalloc 4M\n"
	"# vmalloc_dma takes frames from ZONE_DMA (below 16 MiB); vmalloc_32\n"
	"# from DMA or Normal, never HighMem.\n"
	"c = vmalloc_dma 8192\n"
	"d = vmalloc_32 12288\n"
	"# vmap maps two pages the caller holds, with prot=0x3 (PRESENT|RW):\n"
	"# accessed and dirty start clear.  The CPU sets A on the first read\n"
	"# and D on the first write; the host sees both in the PTE.  (With\n"
	"# checks on, the checker walks every page first, as the CPU would, and\n"
	"# sets A itself: \"by the checks\" below.  --no-check shows the read do it.)\n"
	"v = vmap 2 normal prot=0x3\n"
	"probe read v+4096\n"
	"probe write v+4096 0x12345678\n"
	"probe read v+4096\n"
	"# The vmalloc fault.  A new address space copies the kernel's PGD\n"
	"# entries when it is made.  An area vmalloc'd afterwards that needs a\n"
	"# new page table fills a kernel PGD entry the new mm lacks: its first\n"
	"# access there faults, and the fault handler copies the entry (2-level).\n"
	"# Under PAE the kernel PMD page is shared, so there is nothing to copy.\n"
	"m = new_mm\n"
	"f = vmalloc 4M\n"
	"switch_mm m\n"
	"touch f+0x3ff000\n"
	"touch f+0x3ff000\n"
	"switch_mm 0\n"
	"# vfree each area: its PTEs are cleared, its pages go back, one flush\n"
	"# (vmalloc=modern: none yet; the range waits on the purge list).\n"
	"vfree a\n"
	"vfree b\n"
	"vfree c\n"
	"vfree d\n"
	"vfree f\n"
	"# vfree of a vmap area drops only the mapping; vmap_put frees the pages.\n"
	"vfree v\n"
	"vmap_put v\n"
	"# Errors.  vfree of an address that is not page aligned, and of one no\n"
	"# area starts at: the guest refuses and says so.  vmalloc(0) and\n"
	"# vmalloc of more than RAM return NULL; a failed page allocation\n"
	"# half way through gives everything back.\n"
	"e = vmalloc 4096\n"
	"vfree e+4\n"
	"vfree e+0x100000\n"
	"vmalloc 0\n"
	"vmalloc 4095M\n"
	"fault_inject page 3\n"
	"vmalloc 16K\n"
	"fault_inject page 0\n"
	"vfree e\n"
	"# vm_unmap_aliases: with vmalloc=modern, every range vfree left pending\n"
	"# goes back to the free space after one flush for all of them; 2.4 has\n"
	"# nothing pending and flushes once all the same.\n"
	"vm_unmap_aliases\n";

void demo_session_init(struct demo_session *s, struct vm *vm, const struct sym_table *syms,
		       struct check_ctx *checker, FILE *out, FILE *json)
{
	memset(s, 0, sizeof(*s));
	s->vm = vm;
	s->syms = syms;
	s->checker = checker;
	s->out = out;
	s->json = json;
}

int demo_resolve_names(const struct script *script, const struct sym_table *syms, char *err,
		       size_t errlen)
{
	size_t i;

	for (i = 0; i < script->nr; i++) {
		const struct script_op *op = &script->ops[i];

		if (op->addr.kind != OPND_NAME || op->addr.ref)
			continue;
		if (sym_lookup(syms, op->addr.name, NULL, NULL)) {
			snprintf(err, errlen,
				 "%s:%u: '%s' is neither a name given earlier in the script nor a "
				 "guest symbol",
				 script->file, op->line, op->addr.name);
			return -EINVAL;
		}
	}
	return 0;
}

static uint32_t operand_value(const struct demo_session *s, const struct script_operand *o)
{
	uint64_t base = 0;

	switch (o->kind) {
	case OPND_NUM:
		base = o->value;
		break;
	case OPND_REF:
		base = s->results[o->ref];
		break;
	case OPND_NAME:
		if (o->ref)
			base = s->results[o->ref];
		else
			sym_lookup(s->syms, o->name, &base, NULL); /* checked before boot */
		break;
	default:
		break;
	}
	return (uint32_t)(base + (uint64_t)o->offset); /* 32-bit guest: wraps */
}

/* How an operation's words become a mailbox command's arguments. */
enum op_args {
	ARGS_NONE,	 /* no argument */
	ARGS_N0,	 /* the size or count */
	ARGS_ADDR,	 /* the address */
	ARGS_ADDR_N0_N1, /* the address, then the two numbers (fill, check) */
	ARGS_N0_N1,	 /* the two numbers (fault_inject) */
	ARGS_N0_N1_N2,	 /* count, zone, prot (vmap) */
	ARGS_PROBE,	 /* the address, read or write, the value */
	ARGS_VFREE,	 /* the address, then every vCPU (the hot vfree) */
};

static const struct {
	uint32_t cmd;
	enum op_args args;
} op_commands[SOP_NR_KINDS] = {
	[SOP_VMALLOC] = { CMD_VMALLOC, ARGS_N0 },
	[SOP_VMALLOC_DMA] = { CMD_VMALLOC_DMA, ARGS_N0 },
	[SOP_VMALLOC_32] = { CMD_VMALLOC_32, ARGS_N0 },
	[SOP_VMAP] = { CMD_VMAP, ARGS_N0_N1_N2 },
	[SOP_VMAP_PUT] = { CMD_VMAP_PUT, ARGS_ADDR },
	[SOP_VFREE] = { CMD_VFREE, ARGS_VFREE },
	[SOP_PROBE_READ] = { CMD_PROBE, ARGS_PROBE },
	[SOP_PROBE_WRITE] = { CMD_PROBE, ARGS_PROBE },
	[SOP_FILL] = { CMD_FILL, ARGS_ADDR_N0_N1 },
	[SOP_CHECK] = { CMD_CHECK, ARGS_ADDR_N0_N1 },
	[SOP_NEW_MM] = { CMD_NEW_MM, ARGS_NONE },
	[SOP_SWITCH_MM] = { CMD_SWITCH_MM, ARGS_ADDR },
	[SOP_TOUCH] = { CMD_TOUCH, ARGS_ADDR },
	[SOP_FAULT_INJECT] = { CMD_FAULT_INJECT, ARGS_N0_N1 },
	[SOP_PURGE] = { CMD_PURGE, ARGS_NONE },
	[SOP_VM_UNMAP_ALIASES] = { CMD_VM_UNMAP_ALIASES, ARGS_NONE },
};

/* The mailbox command for op (CMD_NONE for a comment). */
static void op_command(const struct demo_session *s, const struct script_op *op, uint32_t *cmd,
		       uint32_t *args, unsigned int *nargs)
{
	uint32_t addr = operand_value(s, &op->addr);

	memset(args, 0, MBOX_ARGS * sizeof(*args));
	*cmd = (unsigned int)op->kind < SOP_NR_KINDS ? op_commands[op->kind].cmd : CMD_NONE;
	switch (*cmd == CMD_NONE ? ARGS_NONE : op_commands[op->kind].args) { /* a comment: none */
	case ARGS_NONE:
		*nargs = 0;
		break;
	case ARGS_N0:
		args[0] = op->n[0];
		*nargs = 1;
		break;
	case ARGS_ADDR:
		args[0] = addr;
		*nargs = 1;
		break;
	case ARGS_ADDR_N0_N1:
		args[0] = addr;
		args[1] = op->n[0];
		args[2] = op->n[1];
		*nargs = 3;
		break;
	case ARGS_N0_N1:
		args[0] = op->n[0];
		args[1] = op->n[1];
		*nargs = 2;
		break;
	case ARGS_N0_N1_N2:
		args[0] = op->n[0];
		args[1] = op->n[1];
		args[2] = op->n[2];
		*nargs = 4; /* the fourth, prot's high half, stays 0 */
		break;
	case ARGS_PROBE:
		args[0] = addr;
		args[1] = op->kind == SOP_PROBE_READ ? PROBE_READ : PROBE_WRITE;
		args[2] = op->n[0];
		*nargs = 3;
		break;
	case ARGS_VFREE:
		/* Checked, a vfree runs hot on every vCPU: T2/T4 judge what their TLBs did. */
		if (s->checker)
			*cmd = CMD_VFREE_HOT;
		args[0] = addr;
		args[1] = (1u << s->vm->nr_vcpus) - 1;
		*nargs = 2;
		break;
	}
}

const char *demo_status_name(uint32_t st)
{
	switch (st) {
	case ST_OK:
		return "ok";
	case ST_FAIL:
		return "failed";
	case ST_EINVAL:
		return "refused (bad argument, nothing done)";
	case ST_UNKNOWN_CMD:
		return "unknown command";
	default:
		return "bad status";
	}
}

const char *const outcome_tlb_names[OUTCOME_NR_TLB] = { "flush_tlb_all", "flush_tlb",
							"flush_tlb_one", "cr3_writes",
							"cr4_writes",	 "vmalloc_faults" };
const char *const outcome_vmalloc_names[OUTCOME_NR_VMALLOC] = {
	"vmlist_visited", "pte_writes",	     "pte_clears",  "pages_allocated",
	"pages_freed",	  "areas_allocated", "areas_freed", "get_vm_area_failed"
};

void op_outcome_free(struct op_outcome *o)
{
	free(o->changes);
	free(o->by_checks);
	free(o->areas);
	free(o->tables);
	free(o->initial_ptes);
	o->areas = NULL;
	o->tables = o->initial_ptes = NULL;
	o->nr_areas = 0;
	o->nr_tables = o->nr_initial_ptes = 0;
	o->changes = o->by_checks = NULL;
	o->nr_changes = o->nr_by_checks = 0;
}

unsigned int demo_zone_of(uint64_t pa)
{
	return pa < ZONE_DMA_LIMIT ? ZONE_DMA : pa < ZONE_NORMAL_LIMIT ? ZONE_NORMAL : ZONE_HIGHMEM;
}

const char *demo_zone_name(unsigned int zone)
{
	static const char *const names[MAX_NR_ZONES] = { "DMA", "Normal", "HighMem" };

	return zone < MAX_NR_ZONES ? names[zone] : "?";
}

/* The frames behind [addr, addr + pages pages) into o. */
static void read_frames(struct op_outcome *o, const struct walk_ctx *ctx, uint32_t addr,
			uint32_t pages)
{
	struct walk_result r;
	uint32_t i;

	o->frame_pages = pages;
	for (i = 0; i < pages; i++) {
		if (walk(ctx, addr + (uint64_t)i * PAGE_SIZE, &r) != WALK_OK) {
			o->unmapped++;
			continue;
		}
		o->zones[demo_zone_of(r.pa)]++;
		if (i < OUTCOME_FRAMES_LISTED) {
			o->frame_mapped[i] = true;
			o->frame_pa[i] = r.pa;
		}
	}
}

/* The pages whose frames the outcome of a vmalloc or vmap lists (0: none). */
static uint32_t result_pages(const struct script_op *op, const struct guest_reply *r)
{
	switch (op->kind) {
	case SOP_VMALLOC:
	case SOP_VMALLOC_DMA:
	case SOP_VMALLOC_32:
		if (r->status != ST_OK || !r->results[0])
			return 0;
		return (op->n[0] + PAGE_SIZE - 1) / PAGE_SIZE;
	case SOP_VMAP:
		return r->status == ST_OK ? op->n[0] : 0;
	default:
		return 0;
	}
}

/* Counters from the guest: tlb (CMD_COUNTERS 1) and vmalloc (CMD_COUNTERS 0). */
struct counters {
	uint32_t tlb[MBOX_RESULTS];
	uint32_t vm[MBOX_RESULTS];
};

static int read_counters(struct vm *vm, struct counters *c, struct vm_event *ev)
{
	struct guest_reply r;
	uint32_t which;
	int ret;

	for (which = 0; which < 2; which++) {
		ret = guest_call(vm, CMD_COUNTERS, &which, 1, &r, ev);
		if (ret)
			return ret;
		memcpy(which ? c->tlb : c->vm, r.results, sizeof(r.results));
	}
	return 0;
}

/* The slot of value in s->by_value: its own, or the empty one where it goes. */
static size_t name_slot(const struct demo_session *s, uint32_t value)
{
	size_t i = (value >> 12) * 2654435761u % DEMO_NAME_SLOTS;

	while (s->by_value[i].op && s->by_value[i].value != value)
		i = (i + 1) % DEMO_NAME_SLOTS;
	return i;
}

/* op (with a result) gave value: the latest name of that address. */
static void name_result(struct demo_session *s, const struct script_op *op, uint32_t value)
{
	size_t i;

	if (!value)
		return;
	i = name_slot(s, value);
	if (!s->by_value[i].op) {
		if (s->nr_named == DEMO_NAME_SLOTS - 1)
			return; /* one slot stays empty: name_slot() always ends */
		s->nr_named++;
	}
	s->by_value[i].value = value;
	s->by_value[i].op = op;
}

/* The name the script gave the area at addr: "a", "$N" (its latest result there), or "". */
static void area_name(const struct demo_session *s, uint32_t addr, char *buf, size_t len)
{
	const struct script_op *op = s->by_value[name_slot(s, addr)].op;

	buf[0] = '\0';
	if (!op)
		return;
	if (op->def[0])
		snprintf(buf, len, "%s", op->def);
	else
		snprintf(buf, len, "$%u", op->number);
}

/* Copy the non-zero PGD/PMD entries of snap over [lo, hi), or (ptes) its present PTEs there. */
static int snap_select(const struct pt_snapshot *snap, bool ptes, uint64_t lo, uint64_t hi,
		       struct pt_snap_entry **out, size_t *nr)
{
	size_t i, k = 0;

	*out = NULL;
	*nr = 0;
	for (i = 0; i < snap->nr; i++) {
		const struct pt_snap_entry *e = &snap->e[i];
		uint64_t span = walk_level_span(snap->mode, e->level);

		if (ptes ? e->level != WALK_PTE || !(e->value & 1)
			 : e->level == WALK_PTE || !e->value || e->va + span <= lo || e->va >= hi)
			continue;
		if (ptes && (e->va < lo || e->va >= hi))
			continue;
		k++;
	}
	if (!k)
		return 0;
	*out = malloc(k * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < snap->nr; i++) {
		const struct pt_snap_entry *e = &snap->e[i];
		uint64_t span = walk_level_span(snap->mode, e->level);

		if (ptes ? e->level != WALK_PTE || !(e->value & 1)
			 : e->level == WALK_PTE || !e->value || e->va + span <= lo || e->va >= hi)
			continue;
		if (ptes && (e->va < lo || e->va >= hi))
			continue;
		(*out)[(*nr)++] = *e;
	}
	return 0;
}

/*
 * The state after an operation: vmlist with the script's names, the zones,
 * the page-table entries over the vmalloc range (and, for the session's
 * first operation, the PTEs before it).  What cannot be read is left
 * unmarked (areas_read, zones_read false); -ENOMEM only.
 */
/*
 * The areas as the guest keeps them: vmalloc=modern's busy tree (vmlist
 * stays NULL there), or vmlist.  The first max into va; 0 with *nr all of
 * them, or -1 when they cannot be read whole.
 */
static int read_areas(struct demo_session *s, struct vm_area *va, unsigned int max,
		      unsigned int *nr)
{
	struct vmap_tree_info t;
	struct vmlist_info info;
	int ret = inspect_read_vmap_trees(&s->gk, s->syms, va, max, &t);

	if (ret != -ENOENT && t.mode == VMALLOC_MODE_MODERN) {
		*nr = t.nr_busy;
		return ret ? -1 : 0;
	}
	if (inspect_read_vmlist(&s->gk, va, max, &info) || info.defect != VMLIST_OK)
		return -1;
	*nr = info.nr;
	return 0;
}

static int read_state(struct demo_session *s, const struct pt_snapshot *before,
		      const struct pt_snapshot *after, struct op_outcome *o)
{
	struct vm_area *va;
	unsigned int i, nr, nr2;

	if (snap_select(after, false, s->vmalloc_start, VMALLOC_END, &o->tables, &o->nr_tables))
		return -ENOMEM;
	if (!s->nr_ops) {
		o->has_initial = true;
		if (snap_select(before, true, s->vmalloc_start, VMALLOC_END, &o->initial_ptes,
				&o->nr_initial_ptes))
			return -ENOMEM;
	}
	if (!s->have_gk)
		return 0;
	o->zones_read = !inspect_read_zones(&s->gk, o->zone_use, NULL, 0);
	if (read_areas(s, NULL, 0, &nr))
		return 0;
	if (!nr) {
		o->areas_read = true;
		return 0;
	}
	va = calloc(nr, sizeof(*va));
	o->areas = calloc(nr, sizeof(*o->areas));
	if (!va || !o->areas) {
		free(va);
		return -ENOMEM;
	}
	if (!read_areas(s, va, nr, &nr2) && nr2 == nr) {
		o->areas_read = true;
		o->nr_areas = nr;
		for (i = 0; i < nr; i++) {
			o->areas[i].a = va[i];
			area_name(s, va[i].addr, o->areas[i].name, sizeof(o->areas[i].name));
		}
	}
	free(va);
	return 0;
}

/*
 * What the checks themselves changed: their probes and KVM_TRANSLATE walk
 * the pages as the CPU does, so they may set accessed and dirty bits.
 */
static void read_check_side_effects(struct demo_session *s, const struct pt_snapshot *after,
				    struct op_outcome *o)
{
	struct pt_snapshot now = { 0 };
	struct walk_ctx ctx;

	if (inspect_walk_ctx(s->vm, &ctx, NULL, 0) || ctx.cr3 != after->cr3 ||
	    pt_snapshot_take(&now, &ctx, s->vmalloc_start, VMALLOC_END, NULL, 0) ||
	    pt_diff(after, &now, &o->by_checks, &o->nr_by_checks, NULL, 0))
		o->side_effects_unread = true;
	pt_snapshot_free(&now);
}

/* The IPIs the guest has sent so far; 0 for a guest that keeps no count
 * (one that sends none: a delta of 0 is then the truth). */
static uint64_t guest_ipis_sent(const struct demo_session *s)
{
	uint64_t sum;

	return inspect_ipis_sent(s->vm, s->syms, &sum, NULL, 0) ? 0 : sum;
}

/*
 * Run op and fill *o once: 0, -ECANCELED (the VM stopped: ev; o->stopped
 * when it stopped during the command itself), or -EIO with err.  On -EIO
 * o holds what was measured before the failure.
 */
static int run_op(struct demo_session *s, const struct script_op *op, struct op_outcome *o,
		  struct vm_event *ev, char *err, size_t errlen)
{
	struct pt_snapshot before = { 0 }, after = { 0 };
	char why[VM_ERR_LEN] = "";
	struct counters ca, cb;
	struct walk_ctx wb, wa;
	FILE *console;
	size_t mark;
	unsigned int i;
	int ret;

	memset(o, 0, sizeof(*o));
	o->op = op;
	op_command(s, op, &o->cmd, o->args, &o->nargs);
	ret = read_counters(s->vm, &ca, ev);
	if (ret)
		return ret;
	if (inspect_walk_ctx(s->vm, &wb, why, sizeof(why)) ||
	    pt_snapshot_take(&before, &wb, s->vmalloc_start, VMALLOC_END, why, sizeof(why))) {
		ret = vmm_errf(err, errlen, -EIO,
			       "cannot read the guest's page tables before '%s'%s%s", op->text,
			       why[0] ? ": " : "", why);
		goto out;
	}
	mark = vm_console_mute(s->vm, &console); /* what the guest says now is in the report */
	o->vm_exits = s->vm->nr_exits;
	o->ipis = guest_ipis_sent(s);
	ret = guest_call(s->vm, o->cmd, o->args, o->nargs, &o->reply, ev);
	o->vm_exits = s->vm->nr_exits - o->vm_exits;
	o->ipis = guest_ipis_sent(s) - o->ipis;
	vm_console_echo(s->vm, console);
	vm_console_since(s->vm, mark, o->guest_text, sizeof(o->guest_text));
	if (ret) {
		o->stopped = true;
		goto out;
	}
	o->has_value = script_kind_has_result(op->kind);
	if (o->has_value)
		o->value = s->results[op->number] =
			o->reply.status == ST_OK ? o->reply.results[0] : 0;
	if (o->has_value)
		name_result(s, op, o->value);
	ret = read_counters(s->vm, &cb, ev);
	if (ret)
		goto out;
	for (i = 0; i < MBOX_RESULTS; i++) {
		o->tlb[i] = cb.tlb[i] - ca.tlb[i];
		o->vmalloc[i] = cb.vm[i] - ca.vm[i];
	}
	if (inspect_walk_ctx(s->vm, &wa, why, sizeof(why)) ||
	    pt_snapshot_take(&after, &wa, s->vmalloc_start, VMALLOC_END, why, sizeof(why)) ||
	    pt_diff(&before, &after, &o->changes, &o->nr_changes, why, sizeof(why))) {
		ret = vmm_errf(err, errlen, -EIO,
			       "cannot read the guest's page tables after '%s'%s%s", op->text,
			       why[0] ? ": " : "", why);
		goto out;
	}
	o->mode = wa.mode;
	o->cr3_before = wb.cr3;
	o->cr3_after = wa.cr3;
	read_frames(o, &wa, o->reply.results[0], result_pages(op, &o->reply));
	if (read_state(s, &before, &after, o)) {
		ret = vmm_errf(err, errlen, -ENOMEM, "out of memory after '%s'", op->text);
		goto out;
	}
	o->measured = true;
	if (s->checker) {
		struct check_op cop = { .cmd = o->cmd, .status = o->reply.status };

		memcpy(cop.args, o->args, sizeof(cop.args));
		memcpy(cop.results, o->reply.results, sizeof(cop.results));
		mark = vm_console_mute(s->vm, &console);
		ret = check_guest(s->checker, &cop, CHECK_STATIC | CHECK_PROBES, &o->report);
		vm_console_echo(s->vm, console);
		if (ret) {
			ret = vmm_errf(err, errlen, -EIO, "the checker could not run after '%s'",
				       op->text);
			goto out;
		}
		o->checked = true;
		read_check_side_effects(s, &after, o);
	}
out:
	pt_snapshot_free(&before);
	pt_snapshot_free(&after);
	return ret;
}

/* One operation: its text, then its outcome in the text and the trace; 0 or -errno. */
static int do_op(struct demo_session *s, const struct script_op *op, struct vm_event *ev, char *err,
		 size_t errlen)
{
	struct op_outcome *o = malloc(sizeof(*o));
	int ret;

	if (!o)
		return vmm_errf(err, errlen, -ENOMEM, "out of memory for '%s'", op->text);
	demo_print_op_start(s, op);
	ret = run_op(s, op, o, ev, err, errlen);
	/* A checker that failed leaves the rest of the outcome to print. */
	if (!ret || o->stopped || o->measured)
		demo_print_outcome(s, o);
	if (!ret) {
		s->nr_ops++;
		if (o->checked) {
			unsigned int r;

			s->nr_checks += o->report.rules_run;
			s->nr_violations += o->report.nr_violations;
			for (r = 0; r < CHECK_NR_RULES; r++)
				s->rule_runs[r] += o->report.rule_run[r];
		}
		if (s->json && json_write_line(s->json, demo_outcome_json(o)))
			ret = vmm_errf(err, errlen, -EIO, "cannot write the JSON trace after '%s'",
				       op->text);
		if (!ret && s->html && html_view_add(s->html, o))
			ret = vmm_errf(err, errlen, -EIO, "cannot write the HTML page after '%s'",
				       op->text);
	}
	fflush(s->out);
	op_outcome_free(o);
	free(o);
	return ret;
}

int demo_run_script(struct demo_session *s, const struct script *script, struct vm_event *ev,
		    char *err, size_t errlen)
{
	char ierr[256];
	size_t i;
	int ret;

	ev->kind = VM_EV_READY;
	ev->msg[0] = '\0';
	if (!s->have_gk) {
		if (inspect_init(&s->gk, s->vm, s->syms, ierr, sizeof(ierr)))
			return vmm_errf(err, errlen, -EIO, "cannot inspect the guest: %s", ierr);
		s->have_gk = true;
	}
	if (!s->vmalloc_start &&
	    inspect_vmalloc_start(&s->gk, &s->vmalloc_start, ierr, sizeof(ierr)))
		return vmm_errf(err, errlen, -EIO, "cannot read the guest's %s", ierr);
	for (i = 0; i < script->nr; i++) {
		const struct script_op *op = &script->ops[i];

		if (op->kind == SOP_COMMENT) {
			fprintf(s->out, "# %s\n", op->text);
			if (s->html && html_view_comment(s->html, op->text))
				return vmm_errf(err, errlen, -ENOMEM, "out of memory at %s:%u",
						script->file, op->line);
			continue;
		}
		ret = do_op(s, op, ev, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}
