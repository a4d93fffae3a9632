// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli/demo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/inspect/diff.h"
#include "vmm/inspect/dump.h"
#include "vmm/core/guest.h"
#include "vmm/inspect/kstate.h"

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
	"# vfree each area: its PTEs are cleared, its pages go back, one flush.\n"
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
	"vfree e\n";

void demo_session_init(struct demo_session *s, struct vm *vm, const struct sym_table *syms,
		       struct check_ctx *checker, FILE *out, struct json *json)
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

/* The mailbox command for op. */
static void op_command(const struct demo_session *s, const struct script_op *op, uint32_t *cmd,
		       uint32_t *args, unsigned int *nargs)
{
	uint32_t addr = operand_value(s, &op->addr);

	memset(args, 0, MBOX_ARGS * sizeof(*args));
	*nargs = 1;
	switch (op->kind) {
	case SOP_VMALLOC:
	case SOP_VMALLOC_DMA:
	case SOP_VMALLOC_32:
		*cmd = op->kind == SOP_VMALLOC	     ? CMD_VMALLOC
		       : op->kind == SOP_VMALLOC_DMA ? CMD_VMALLOC_DMA
						     : CMD_VMALLOC_32;
		args[0] = op->n[0];
		break;
	case SOP_VMAP:
		*cmd = CMD_VMAP;
		args[0] = op->n[0];
		args[1] = op->n[1];
		args[2] = op->n[2];
		*nargs = 4;
		break;
	case SOP_VMAP_PUT:
		*cmd = CMD_VMAP_PUT;
		args[0] = addr;
		break;
	case SOP_VFREE:
		*cmd = CMD_VFREE;
		args[0] = addr;
		break;
	case SOP_PROBE_READ:
	case SOP_PROBE_WRITE:
		*cmd = CMD_PROBE;
		args[0] = addr;
		args[1] = op->kind == SOP_PROBE_READ ? PROBE_READ : PROBE_WRITE;
		args[2] = op->n[0];
		*nargs = 3;
		break;
	case SOP_FILL:
	case SOP_CHECK:
		*cmd = op->kind == SOP_FILL ? CMD_FILL : CMD_CHECK;
		args[0] = addr;
		args[1] = op->n[0];
		args[2] = op->n[1];
		*nargs = 3;
		break;
	case SOP_NEW_MM:
		*cmd = CMD_NEW_MM;
		*nargs = 0;
		break;
	case SOP_SWITCH_MM:
		*cmd = CMD_SWITCH_MM;
		args[0] = addr;
		break;
	case SOP_TOUCH:
		*cmd = CMD_TOUCH;
		args[0] = addr;
		break;
	case SOP_FAULT_INJECT:
		*cmd = CMD_FAULT_INJECT;
		args[0] = op->n[0];
		args[1] = op->n[1];
		*nargs = 2;
		break;
	default:
		*cmd = CMD_NONE;
		break;
	}
}

static const char *status_name(uint32_t st)
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

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "Normal", "HighMem" };

static unsigned int zone_of(uint64_t pa)
{
	return pa < ZONE_DMA_LIMIT ? ZONE_DMA : pa < ZONE_NORMAL_LIMIT ? ZONE_NORMAL : ZONE_HIGHMEM;
}

/* "frames: pfn 0x3a (DMA), ..." for the mapped pages of [addr, addr + pages). */
static void print_frames(struct demo_session *s, const struct walk_ctx *ctx, uint32_t addr,
			 uint32_t pages)
{
	unsigned int zones[MAX_NR_ZONES] = { 0 }, unmapped = 0, i;
	struct walk_result r;

	fprintf(s->out, "; frames:");
	for (i = 0; i < pages; i++) {
		if (walk(ctx, addr + (uint64_t)i * PAGE_SIZE, &r) != WALK_OK) {
			unmapped++;
			continue;
		}
		zones[zone_of(r.pa)]++;
		if (pages <= 4)
			fprintf(s->out, "%s pfn 0x%" PRIx64 " (%s)", i ? "," : "",
				r.pa >> PAGE_SHIFT, zone_names[zone_of(r.pa)]);
	}
	if (pages > 4)
		fprintf(s->out, " %u pages: %u DMA, %u Normal, %u HighMem", pages, zones[ZONE_DMA],
			zones[ZONE_NORMAL], zones[ZONE_HIGHMEM]);
	if (unmapped)
		fprintf(s->out, " (%u NOT MAPPED)", unmapped);
}

/* The "-> ..." line: what the guest answered, in the operation's terms. */
static void print_outcome(struct demo_session *s, const struct script_op *op,
			  const struct guest_reply *r, const struct walk_ctx *ctx)
{
	const uint32_t *res = r->results;
	FILE *o = s->out;

	fprintf(o, "    -> ");
	switch (op->kind) {
	case SOP_VMALLOC:
	case SOP_VMALLOC_DMA:
	case SOP_VMALLOC_32:
		if (r->status != ST_OK || !res[0]) {
			fprintf(o, "NULL (%s)", status_name(r->status));
			break;
		}
		fprintf(o, "0x%08x", res[0]);
		print_frames(s, ctx, res[0], (op->n[0] + PAGE_SIZE - 1) / PAGE_SIZE);
		break;
	case SOP_VMAP:
		if (r->status != ST_OK) {
			fprintf(o, "NULL (%s)", status_name(r->status));
			break;
		}
		fprintf(o, "0x%08x", res[0]);
		print_frames(s, ctx, res[0], op->n[0]);
		break;
	case SOP_VFREE:
		if (r->status != ST_OK)
			fprintf(o, "%s", status_name(r->status));
		else if (!res[0])
			fprintf(o, "no area freed");
		else
			fprintf(o,
				"freed 1 area: %u page reference%s dropped, %u page%s back on "
				"the free lists",
				res[1], res[1] == 1 ? "" : "s", res[2], res[2] == 1 ? "" : "s");
		break;
	case SOP_VMAP_PUT:
		if (r->status != ST_OK)
			fprintf(o, "%s", status_name(r->status));
		else
			fprintf(o, "%u page%s back on the free lists", res[0],
				res[0] == 1 ? "" : "s");
		break;
	case SOP_PROBE_READ:
	case SOP_PROBE_WRITE:
	case SOP_TOUCH:
		if (r->status != ST_OK)
			fprintf(o, "%s", status_name(r->status));
		else if (res[0])
			fprintf(o, "fault: vector %u, error code 0x%x (%s %s), CR2 0x%08x", res[1],
				res[2], res[2] & PF_PROT ? "protection" : "not-present",
				res[2] & PF_WRITE ? "write" : "read", res[3]);
		else if (op->kind == SOP_PROBE_WRITE)
			fprintf(o, "wrote 0x%08x", op->n[0]);
		else
			fprintf(o, "read 0x%08x", res[1]);
		if (op->kind == SOP_TOUCH && r->status == ST_OK)
			fprintf(o, "; vmalloc faults taken: %u", res[4]);
		break;
	case SOP_FILL:
		if (r->status == ST_OK)
			fprintf(o, "wrote %u bytes", res[0]);
		else if (r->status == ST_FAIL)
			fprintf(o, "faulted at CR2 0x%08x after %u bytes", res[1], res[0]);
		else
			fprintf(o, "%s", status_name(r->status));
		break;
	case SOP_CHECK:
		if (r->status == ST_OK && !res[0])
			fprintf(o, "pattern intact");
		else if (r->status == ST_OK)
			fprintf(o, "MISMATCH at byte %u: 0x%08x, expected 0x%08x", res[0] - 1,
				res[1], res[2]);
		else if (r->status == ST_FAIL)
			fprintf(o, "faulted at byte %u, CR2 0x%08x", res[0] - 1, res[1]);
		else
			fprintf(o, "%s", status_name(r->status));
		break;
	case SOP_NEW_MM:
		if (r->status == ST_OK)
			fprintf(o, "mm %u", res[0]);
		else
			fprintf(o, "%s", status_name(r->status));
		break;
	default:
		fprintf(o, "%s", status_name(r->status));
		break;
	}
	fputc('\n', o);
}

static void print_guest_text(FILE *o, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");

		if (len)
			fprintf(o, "    guest: %.*s\n", (int)len, p);
		p += len;
		if (*p)
			p++;
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

	for (which = 0; which < 2; which++) {
		if (guest_call(vm, CMD_COUNTERS, &which, 1, &r, ev))
			return -1;
		memcpy(which ? c->tlb : c->vm, r.results, sizeof(r.results));
	}
	return 0;
}

static const char *const tlb_names[] = { "flush_tlb_all", "flush_tlb",	"flush_tlb_one",
					 "cr3_writes",	  "cr4_writes", "vmalloc_faults" };
static const char *const vm_names[] = { "vmlist_visited",  "pte_writes",	"pte_clears",
					"pages_allocated", "pages_freed",	"areas_allocated",
					"areas_freed",	   "get_vm_area_failed" };

static void print_flushes(FILE *o, const struct counters *a, const struct counters *b)
{
	unsigned int i, n = 0;

	fprintf(o, "    flushes:");
	for (i = 0; i < 3; i++) {
		uint32_t d = b->tlb[i] - a->tlb[i];

		if (d)
			fprintf(o, "%s %u %s", n++ ? "," : "", d, tlb_names[i]);
	}
	if (!n)
		fprintf(o, " none");
	for (i = 3; i < 6; i++) {
		uint32_t d = b->tlb[i] - a->tlb[i];

		if (d)
			fprintf(o, "; %s +%u", tlb_names[i], d);
	}
	fputc('\n', o);
}

/* Changed entries printed per operation before "... and N more". */
#define MAX_CHANGES 8

/*
 * The changed entries, at most MAX_CHANGES lines.  After a CR3 change the
 * PGD/PMD lines compare two address spaces, and PTEs are left out: a PTE
 * page reachable from one and not the other did not change.
 */
static void print_changes(struct demo_session *s, const struct pt_change *ch, size_t nr,
			  enum walk_mode mode, bool cr3_changed)
{
	size_t i, n = 0, shown;
	char line[256];

	if (cr3_changed) {
		while (n < nr && ch[n].level != WALK_PTE)
			n++;
		nr = n;
	}
	shown = nr <= MAX_CHANGES + 1 ? nr : MAX_CHANGES;
	for (i = 0; i < shown; i++) {
		pt_change_format(&ch[i], mode, line, sizeof(line));
		fprintf(s->out, "    %s\n", line);
	}
	if (shown < nr)
		fprintf(s->out, "    ... and %zu more entries changed, up to %s %08" PRIx64 "\n",
			nr - shown, walk_level_name(ch[nr - 1].level), ch[nr - 1].va);
}

static void json_counters(struct json *j, const char *key, const char *const *names, unsigned int n,
			  const uint32_t *a, const uint32_t *b)
{
	unsigned int i;

	json_object_begin(j, key);
	for (i = 0; i < n; i++)
		json_u64(j, names[i], b[i] - a[i]);
	json_object_end(j);
}

static void json_op(struct demo_session *s, const struct script_op *op, uint32_t cmd,
		    const uint32_t *args, unsigned int nargs, const struct guest_reply *r,
		    const char *guest_text, const struct pt_change *ch, size_t nr,
		    enum walk_mode mode, uint64_t cr3_before, uint64_t cr3_after,
		    const struct counters *ca, const struct counters *cb, uint64_t exits,
		    const struct check_report *rep)
{
	struct json *j = s->json;
	char flags[80];
	unsigned int i;
	size_t k;

	json_object_begin(j, NULL);
	json_str(j, "type", "op");
	json_u64(j, "n", op->number);
	json_u64(j, "line", op->line);
	json_str(j, "op", op->text);
	json_str(j, "kind", script_kind_name(op->kind));
	json_u64(j, "cmd", cmd);
	json_array_begin(j, "args");
	for (i = 0; i < nargs; i++)
		json_u64(j, NULL, args[i]);
	json_array_end(j);
	json_str(j, "status", status_name(r->status));
	json_array_begin(j, "results");
	for (i = 0; i < MBOX_RESULTS; i++)
		json_u64(j, NULL, r->results[i]);
	json_array_end(j);
	if (script_kind_has_result(op->kind))
		json_hex(j, "value", s->results[op->number]);
	json_str(j, "guest", guest_text);
	json_str(j, "paging", walk_mode_name(mode));
	json_hex(j, "cr3_before", cr3_before);
	json_hex(j, "cr3_after", cr3_after);
	json_array_begin(j, "changes");
	for (k = 0; k < nr; k++) {
		json_object_begin(j, NULL);
		json_str(j, "level", walk_level_name(ch[k].level));
		json_hex(j, "va", ch[k].va);
		json_hex(j, "entry", ch[k].addr);
		json_hex(j, "old", ch[k].old_value);
		json_hex(j, "new", ch[k].new_value);
		pt_flags_str(ch[k].new_value, ch[k].level, flags, sizeof(flags));
		json_str(j, "flags", flags);
		json_object_end(j);
	}
	json_array_end(j);
	json_counters(j, "tlb", tlb_names, 6, ca->tlb, cb->tlb);
	json_counters(j, "vmalloc", vm_names, 8, ca->vm, cb->vm);
	json_u64(j, "vm_exits", exits);
	if (rep) {
		json_object_begin(j, "checks");
		json_u64(j, "rules", rep->rules_run);
		json_u64(j, "violations", rep->nr_violations);
		json_array_begin(j, "details");
		for (i = 0; i < rep->nr_violations && i < CHECK_MAX_VIOLATIONS; i++) {
			const struct check_violation *v = &rep->v[i];

			json_object_begin(j, NULL);
			json_str(j, "rule", v->rule);
			json_hex(j, "va", v->va);
			json_str(j, "level",
				 v->level >= 0 && v->level < WALK_NR_LEVELS
					 ? walk_level_name((enum walk_level)v->level)
					 : NULL);
			json_hex(j, "entry", v->entry_addr);
			json_hex(j, "value", v->entry_value);
			json_str(j, "expected", v->expected);
			json_str(j, "actual", v->actual);
			json_object_end(j);
		}
		json_array_end(j);
		json_array_begin(j, "observations");
		for (i = 0; i < rep->nr_observations && i < CHECK_MAX_OBSERVATIONS; i++)
			json_str(j, NULL, rep->observations[i]);
		json_array_end(j);
		json_object_end(j);
	}
	json_object_end(j);
}

/*
 * What the checks themselves changed: their probes and KVM_TRANSLATE walk
 * the pages as the CPU does, so they may set accessed and dirty bits.
 */
static void print_check_side_effects(struct demo_session *s, const struct pt_snapshot *after,
				     const struct script_op *op)
{
	struct pt_snapshot now = { 0 };
	struct pt_change *ch = NULL;
	struct walk_ctx ctx;
	char line[256];
	size_t nr = 0, i;

	if (inspect_walk_ctx(s->vm, &ctx) || ctx.cr3 != after->cr3 ||
	    pt_snapshot_take(&now, &ctx, s->vmalloc_start, VMALLOC_END) ||
	    pt_diff(after, &now, &ch, &nr)) {
		fprintf(s->out,
			"    (could not re-read the page tables after the checks of '%s')\n",
			op->text);
		pt_snapshot_free(&now);
		return;
	}
	for (i = 0; i < nr && i < MAX_CHANGES; i++) {
		pt_change_format(&ch[i], ctx.mode, line, sizeof(line));
		fprintf(s->out, "    by the checks: %s\n", line);
	}
	if (nr > i)
		fprintf(s->out, "    by the checks: ... and %zu more\n", nr - i);
	free(ch);
	pt_snapshot_free(&now);
}

/* Violations, and each observation the first time it is made. */
static void print_report(struct demo_session *s, const struct check_report *rep)
{
	struct check_report *r = malloc(sizeof(*r));
	unsigned int i, j;

	if (!r)
		return;
	*r = *rep;
	r->nr_observations = 0;
	for (i = 0; i < rep->nr_observations && i < CHECK_MAX_OBSERVATIONS; i++) {
		const char *o = rep->observations[i];

		for (j = 0; j < s->nr_seen && strcmp(s->seen[j], o); j++)
			;
		if (j < s->nr_seen)
			continue;
		if (s->nr_seen < DEMO_SEEN_MAX)
			snprintf(s->seen[s->nr_seen++], sizeof(s->seen[0]), "%s", o);
		memcpy(r->observations[r->nr_observations++], o, sizeof(r->observations[0]));
	}
	if (r->nr_violations || r->nr_observations)
		check_report_print(s->out, r);
	free(r);
}

/* Run one operation and report it; 0, -1 (VM stopped: ev), -EIO. */
static int run_op(struct demo_session *s, const struct script_op *op, struct vm_event *ev)
{
	struct pt_snapshot before = { 0 }, after = { 0 };
	struct check_report rep, *prep = NULL;
	struct pt_change *ch = NULL;
	struct counters ca, cb;
	struct guest_reply r;
	struct walk_ctx wb, wa;
	uint32_t cmd, args[MBOX_ARGS];
	unsigned int nargs;
	char guest_text[MBOX_TEXT];
	FILE *console;
	uint64_t exits;
	size_t mark, nr = 0;
	int ret = -EIO;

	op_command(s, op, &cmd, args, &nargs);
	fprintf(s->out, "[%u] %s\n", op->number, op->text);
	fflush(s->out);

	if (read_counters(s->vm, &ca, ev))
		return -1;
	if (inspect_walk_ctx(s->vm, &wb) ||
	    pt_snapshot_take(&before, &wb, s->vmalloc_start, VMALLOC_END)) {
		fprintf(stderr, "vmm: cannot read the guest's page tables before '%s'\n", op->text);
		goto out;
	}
	mark = vm_console_mute(s->vm, &console); /* what the guest says now is in the report */
	exits = s->vm->nr_exits;
	if (guest_call(s->vm, cmd, args, nargs, &r, ev)) {
		vm_console_echo(s->vm, console);
		vm_console_since(s->vm, mark, guest_text, sizeof(guest_text));
		print_guest_text(s->out, guest_text);
		ret = -1;
		goto out;
	}
	exits = s->vm->nr_exits - exits;
	vm_console_echo(s->vm, console);
	vm_console_since(s->vm, mark, guest_text, sizeof(guest_text));
	if (script_kind_has_result(op->kind))
		s->results[op->number] = r.status == ST_OK ? r.results[0] : 0;
	if (read_counters(s->vm, &cb, ev)) {
		ret = -1;
		goto out;
	}
	if (inspect_walk_ctx(s->vm, &wa) ||
	    pt_snapshot_take(&after, &wa, s->vmalloc_start, VMALLOC_END) ||
	    pt_diff(&before, &after, &ch, &nr)) {
		fprintf(stderr, "vmm: cannot read the guest's page tables after '%s'\n", op->text);
		goto out;
	}

	print_outcome(s, op, &r, &wa);
	if (wb.cr3 != wa.cr3)
		fprintf(s->out, "    CR3 0x%08" PRIx64 " -> 0x%08" PRIx64 "%s\n", wb.cr3, wa.cr3,
			nr ? "; the new tables differ from the old in:" : "");
	print_changes(s, ch, nr, wa.mode, wb.cr3 != wa.cr3);
	print_guest_text(s->out, guest_text);
	print_flushes(s->out, &ca, &cb);
	if (s->checker) {
		struct check_op cop = { .cmd = cmd, .status = r.status };

		memcpy(cop.args, args, sizeof(cop.args));
		memcpy(cop.results, r.results, sizeof(cop.results));
		mark = vm_console_mute(s->vm, &console);
		if (check_guest(s->checker, &cop, CHECK_STATIC | CHECK_PROBES, &rep)) {
			vm_console_echo(s->vm, console);
			fflush(s->out);
			fprintf(stderr, "vmm: the checker could not run after '%s'\n", op->text);
			goto out;
		}
		vm_console_echo(s->vm, console);
		prep = &rep;
		print_check_side_effects(s, &after, op);
		s->nr_checks += rep.rules_run;
		s->nr_violations += rep.nr_violations;
		if (rep.nr_violations)
			fprintf(s->out, "    checks: %u rules, %u VIOLATIONS\n", rep.rules_run,
				rep.nr_violations);
		else
			fprintf(s->out, "    checks: %u rules, all passed\n", rep.rules_run);
		print_report(s, &rep);
	}
	s->nr_ops++;
	if (s->json)
		json_op(s, op, cmd, args, nargs, &r, guest_text, ch, nr, wa.mode, wb.cr3, wa.cr3,
			&ca, &cb, exits, prep);
	ret = 0;
out:
	fflush(s->out);
	free(ch);
	pt_snapshot_free(&before);
	pt_snapshot_free(&after);
	return ret;
}

int demo_run_script(struct demo_session *s, const struct script *script, struct vm_event *ev)
{
	struct guest_kernel gk;
	char err[256];
	size_t i;
	int ret;

	ev->kind = VM_EV_READY;
	ev->msg[0] = '\0';
	if (!s->vmalloc_start && (inspect_init(&gk, s->vm, s->syms, err, sizeof(err)) ||
				  inspect_vmalloc_start(&gk, &s->vmalloc_start))) {
		fprintf(stderr, "vmm: cannot read the guest's vmalloc_start (symbol missing?)\n");
		return -EIO;
	}
	for (i = 0; i < script->nr; i++) {
		const struct script_op *op = &script->ops[i];

		if (op->kind == SOP_COMMENT) {
			fprintf(s->out, "# %s\n", op->text);
			continue;
		}
		ret = run_op(s, op, ev);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- Dumps ---- */

int demo_dump_vmallocinfo(FILE *f, struct vm *vm, const struct sym_table *syms)
{
	struct vmlist_info info;
	struct guest_kernel gk;
	struct vm_area *areas;
	char err[256];
	unsigned int i;
	int ret;

	if (inspect_init(&gk, vm, syms, err, sizeof(err))) {
		fprintf(stderr, "vmm: vmallocinfo: %s\n", err);
		return -ENOENT;
	}
	areas = calloc(INSPECT_VMLIST_MAX, sizeof(*areas));
	if (!areas)
		return -ENOMEM;
	ret = inspect_read_vmlist(&gk, areas, INSPECT_VMLIST_MAX, &info);
	for (i = 0; (ret == 0 || ret == -EBADMSG) && i < info.nr && i < INSPECT_VMLIST_MAX; i++) {
		const struct vm_area *a = &areas[i];

		/* 2.4 keeps no page count: a vmalloc area maps all but its guard page. */
		dump_vmallocinfo_line(f, a->addr, a->addr + a->size, NULL,
				      (a->flags & DUMP_VM_ALLOC) && a->size > PAGE_SIZE
					      ? (a->size - PAGE_SIZE) / PAGE_SIZE
					      : 0,
				      a->flags);
	}
	free(areas);
	if (ret == -EBADMSG)
		fprintf(stderr, "vmm: vmallocinfo: %s\n", info.msg);
	return ret ? -EFAULT : 0;
}

int demo_dump_vtop(FILE *f, struct vm *vm, const struct sym_table *syms,
		   const struct script *script, const struct demo_session *s, const char *addr)
{
	const struct script_op *def;
	const char *sign = strpbrk(addr + 1, "+-");
	char name[SCRIPT_NAME_MAX];
	struct walk_result res;
	struct walk_ctx ctx;
	uint64_t va, off = 0;
	int ret;

	if (sign)
		off = strtoull(sign + 1, NULL, 0);
	if (addr[0] >= '0' && addr[0] <= '9') {
		va = strtoull(addr, NULL, 0);
	} else {
		size_t len = sign ? (size_t)(sign - addr) : strlen(addr);

		if (len >= sizeof(name)) {
			fprintf(stderr, "vmm: --vtop %s: name too long\n", addr);
			return -ENOENT;
		}
		memcpy(name, addr, len);
		name[len] = '\0';
		def = script && s ? script_find_name(script, name, SCRIPT_OPS_MAX + 1) : NULL;
		if (def) {
			va = s->results[def->number];
		} else if (sym_lookup(syms, name, &va, NULL)) {
			fprintf(stderr,
				"vmm: --vtop %s: neither a script name nor a guest symbol\n", addr);
			return -ENOENT;
		}
	}
	va = (uint32_t)(sign && *sign == '-' ? va - off : va + off);
	ret = inspect_walk_ctx(vm, &ctx);
	if (ret)
		return ret;
	walk(&ctx, va, &res);
	dump_vtop(f, &res);
	return 0;
}
