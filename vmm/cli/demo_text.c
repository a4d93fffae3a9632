// SPDX-License-Identifier: GPL-2.0
/* The demo's text: what cli.h's demo section shows, printed from an op_outcome. */
#include "vmm/cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/inspect/inspect.h"

/* "frames: pfn 0x3a (DMA), ..." for the pages of a vmalloc or vmap result. */
static void print_frames(FILE *out, const struct op_outcome *o)
{
	uint32_t i;

	fprintf(out, "; frames:");
	if (o->frame_pages <= OUTCOME_FRAMES_LISTED) {
		for (i = 0; i < o->frame_pages; i++)
			if (o->frame_mapped[i])
				fprintf(out, "%s pfn 0x%" PRIx64 " (%s)", i ? "," : "",
					o->frame_pa[i] >> PAGE_SHIFT,
					demo_zone_name(demo_zone_of(o->frame_pa[i])));
	} else {
		fprintf(out, " %u pages: %u DMA, %u Normal, %u HighMem", o->frame_pages,
			o->zones[ZONE_DMA], o->zones[ZONE_NORMAL], o->zones[ZONE_HIGHMEM]);
	}
	if (o->unmapped)
		fprintf(out, " (%u NOT MAPPED)", o->unmapped);
}

/* The "-> ..." line: what the guest answered, in the operation's terms. */
static void print_answer(FILE *out, const struct op_outcome *o)
{
	const struct script_op *op = o->op;
	const struct guest_reply *r = &o->reply;
	const uint32_t *res = r->results;

	fprintf(out, "    -> ");
	switch (op->kind) {
	case SOP_VMALLOC:
	case SOP_VMALLOC_DMA:
	case SOP_VMALLOC_32:
		if (r->status != ST_OK || !res[0]) {
			fprintf(out, "NULL (%s)", demo_status_name(r->status));
			break;
		}
		fprintf(out, "0x%08x", res[0]);
		print_frames(out, o);
		break;
	case SOP_VMAP:
		if (r->status != ST_OK) {
			fprintf(out, "NULL (%s)", demo_status_name(r->status));
			break;
		}
		fprintf(out, "0x%08x", res[0]);
		print_frames(out, o);
		break;
	case SOP_VFREE:
		if (r->status != ST_OK)
			fprintf(out, "%s", demo_status_name(r->status));
		else if (!res[0])
			fprintf(out, "no area freed");
		else
			fprintf(out,
				"freed 1 area: %u page reference%s dropped, %u page%s back on "
				"the free lists",
				res[1], res[1] == 1 ? "" : "s", res[2], res[2] == 1 ? "" : "s");
		break;
	case SOP_VMAP_PUT:
		if (r->status != ST_OK)
			fprintf(out, "%s", demo_status_name(r->status));
		else
			fprintf(out, "%u page%s back on the free lists", res[0],
				res[0] == 1 ? "" : "s");
		break;
	case SOP_PROBE_READ:
	case SOP_PROBE_WRITE:
	case SOP_TOUCH:
		if (r->status != ST_OK)
			fprintf(out, "%s", demo_status_name(r->status));
		else if (res[0])
			fprintf(out, "fault: vector %u, error code 0x%x (%s %s), CR2 0x%08x",
				res[1], res[2], res[2] & PF_PROT ? "protection" : "not-present",
				res[2] & PF_WRITE ? "write" : "read", res[3]);
		else if (op->kind == SOP_PROBE_WRITE)
			fprintf(out, "wrote 0x%08x", op->n[0]);
		else
			fprintf(out, "read 0x%08x", res[1]);
		if (op->kind == SOP_TOUCH && r->status == ST_OK)
			fprintf(out, "; vmalloc faults taken: %u", res[4]);
		break;
	case SOP_FILL:
		if (r->status == ST_OK)
			fprintf(out, "wrote %u bytes", res[0]);
		else if (r->status == ST_FAIL)
			fprintf(out, "faulted at CR2 0x%08x after %u bytes", res[1], res[0]);
		else
			fprintf(out, "%s", demo_status_name(r->status));
		break;
	case SOP_CHECK:
		if (r->status == ST_OK && !res[0])
			fprintf(out, "pattern intact");
		else if (r->status == ST_OK)
			fprintf(out, "MISMATCH at byte %u: 0x%08x, expected 0x%08x", res[0] - 1,
				res[1], res[2]);
		else if (r->status == ST_FAIL)
			fprintf(out, "faulted at byte %u, CR2 0x%08x", res[0] - 1, res[1]);
		else
			fprintf(out, "%s", demo_status_name(r->status));
		break;
	case SOP_PURGE:
	case SOP_VM_UNMAP_ALIASES:
		if (r->status == ST_OK)
			fprintf(out, "%u lazily freed area%s purged", res[0],
				res[0] == 1 ? "" : "s");
		else
			fprintf(out, "%s", demo_status_name(r->status));
		break;
	case SOP_NEW_MM:
		if (r->status == ST_OK)
			fprintf(out, "mm %u", res[0]);
		else
			fprintf(out, "%s", demo_status_name(r->status));
		break;
	default:
		fprintf(out, "%s", demo_status_name(r->status));
		break;
	}
	fputc('\n', out);
}

static void print_guest_text(FILE *out, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");

		if (len) {
			fputs("    guest: ", out);
			vmm_fput_text(out, p, len); /* escaped: the guest's own bytes */
			fputc('\n', out);
		}
		p += len;
		if (*p)
			p++;
	}
}

static void print_flushes(FILE *out, const struct op_outcome *o)
{
	unsigned int i, n = 0;

	fprintf(out, "    flushes:");
	for (i = 0; i < 3; i++)
		if (o->tlb[i])
			fprintf(out, "%s %u %s", n++ ? "," : "", o->tlb[i], outcome_tlb_names[i]);
	if (!n)
		fprintf(out, " none");
	for (i = 3; i < OUTCOME_NR_TLB; i++)
		if (o->tlb[i])
			fprintf(out, "; %s +%u", outcome_tlb_names[i], o->tlb[i]);
	fputc('\n', out);
}

/* Changed entries printed per operation before "... and N more". */
#define MAX_CHANGES 8

/*
 * The changed entries, at most MAX_CHANGES lines.  After a CR3 change the
 * PGD/PMD lines compare two address spaces, and PTEs are left out: a PTE
 * page reachable from one and not the other did not change.
 */
static void print_changes(FILE *out, const struct op_outcome *o)
{
	const struct pt_change *ch = o->changes;
	size_t i, n = 0, shown, nr = o->nr_changes;
	char line[256];

	if (o->cr3_before != o->cr3_after) {
		while (n < nr && ch[n].level != WALK_PTE)
			n++;
		nr = n;
	}
	shown = nr <= MAX_CHANGES + 1 ? nr : MAX_CHANGES;
	for (i = 0; i < shown; i++) {
		pt_change_format(&ch[i], o->mode, line, sizeof(line));
		fprintf(out, "    %s\n", line);
	}
	if (shown < nr)
		fprintf(out, "    ... and %zu more entries changed, up to %s %08" PRIx64 "\n",
			nr - shown, walk_level_name(ch[nr - 1].level), ch[nr - 1].va);
}

static void print_check_side_effects(FILE *out, const struct op_outcome *o)
{
	char line[256];
	size_t i;

	if (o->side_effects_unread) {
		fprintf(out, "    (could not re-read the page tables after the checks of '%s')\n",
			o->op->text);
		return;
	}
	for (i = 0; i < o->nr_by_checks && i < MAX_CHANGES; i++) {
		pt_change_format(&o->by_checks[i], o->mode, line, sizeof(line));
		fprintf(out, "    by the checks: %s\n", line);
	}
	if (o->nr_by_checks > i)
		fprintf(out, "    by the checks: ... and %zu more\n", o->nr_by_checks - i);
}

/* Violations, and each observation the first time the session sees it. */
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

void demo_print_op_start(struct demo_session *s, const struct script_op *op)
{
	fprintf(s->out, "[%u] %s\n", op->number, op->text);
	fflush(s->out);
}

void demo_print_outcome(struct demo_session *s, const struct op_outcome *o)
{
	FILE *out = s->out;

	if (o->stopped) {
		print_guest_text(out, o->guest_text);
		return;
	}
	print_answer(out, o);
	if (o->cr3_before != o->cr3_after)
		fprintf(out, "    CR3 0x%08" PRIx64 " -> 0x%08" PRIx64 "%s\n", o->cr3_before,
			o->cr3_after,
			o->nr_changes ? "; the new tables differ from the old in:" : "");
	print_changes(out, o);
	print_guest_text(out, o->guest_text);
	print_flushes(out, o);
	if (!o->checked)
		return;
	print_check_side_effects(out, o);
	if (o->report.nr_violations)
		fprintf(out, "    checks: %u rules, %u VIOLATIONS\n", o->report.rules_run,
			o->report.nr_violations);
	else
		fprintf(out, "    checks: %u rules, all passed\n", o->report.rules_run);
	print_report(s, &o->report);
}
