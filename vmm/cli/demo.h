/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running scripts (vmm/cli/script.h) against a live guest, and the demo: a
 * built-in script that walks a newcomer through the vmalloc subsystem.
 *
 * After each operation a few lines go to out:
 *
 *   [2] a = vmalloc 4096
 *       -> 0xc8800000; frames: pfn 0x7fff (Normal)
 *       PGD c8800000 @0x00123c88: 00000000 -> 00456067 [P RW A D]
 *       PTE c8800000 @0x00456000: 00000000 -> 07fff163 [P RW A D G]
 *       guest: <what the guest printed meanwhile>
 *       flushes: none
 *       checks: 19 rules, all passed
 *
 * and, with a JSON trace, one JSON object per operation.  The runner
 * (demo.c) fills one struct op_outcome per operation; the text
 * (demo_text.c) and the JSON (demo_json.c) are printed from it.  The dumps
 * of --dump and --vtop are in demo_dump.c.
 *
 * Errors follow the vmm convention: -errno and a message in err; nothing
 * here prints to stderr.
 */
#ifndef VMM_DEMO_H
#define VMM_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/kstructs.h"
#include "shared/layout.h"

#include "vmm/cli/json.h"
#include "vmm/cli/script.h"
#include "vmm/core/guest.h"
#include "vmm/core/symbols.h"
#include "vmm/core/vm.h"
#include "vmm/inspect/check.h"
#include "vmm/inspect/diff.h"
#include "vmm/inspect/walk.h"

/* The built-in demo, in script syntax. */
extern const char demo_script[];

struct demo_session {
	struct vm *vm;
	const struct sym_table *syms;
	struct check_ctx *checker; /* NULL: checks off */
	FILE *out;
	FILE *json; /* NULL: no trace */

	/* Totals over everything run so far. */
	unsigned int nr_ops;
	unsigned int nr_checks; /* rules evaluated */
	unsigned int nr_violations;

	uint32_t vmalloc_start;
#define DEMO_SEEN_MAX 16
	unsigned int nr_seen; /* observations printed so far: each is printed once */
	char seen[DEMO_SEEN_MAX][200];
	uint32_t results[SCRIPT_OPS_MAX + 1]; /* the value of operation N ($N) */
};

/* Pages of a vmalloc/vmap result whose frames are listed one by one. */
#define OUTCOME_FRAMES_LISTED 4

/* Everything one operation did, as the runner measured it, once. */
struct op_outcome {
	const struct script_op *op;
	uint32_t cmd; /* the mailbox command sent, and its arguments */
	uint32_t args[MBOX_ARGS];
	unsigned int nargs;
	bool stopped; /* the VM stopped during the command: only guest_text is valid */
	struct guest_reply reply;
	char guest_text[MBOX_TEXT]; /* what the guest printed meanwhile */
	bool has_value;		    /* the operation gives $N (script_kind_has_result) */
	uint32_t value;

	/* The frames behind a vmalloc/vmap result (frame_pages 0: none). */
	uint32_t frame_pages;
	unsigned int zones[MAX_NR_ZONES]; /* mapped pages per zone */
	unsigned int unmapped;
	bool frame_mapped[OUTCOME_FRAMES_LISTED];
	uint64_t frame_pa[OUTCOME_FRAMES_LISTED];

	enum walk_mode mode;
	uint64_t cr3_before, cr3_after;
	struct pt_change *changes; /* owned; the page-table entries the operation changed */
	size_t nr_changes;
	uint32_t tlb[MBOX_RESULTS]; /* counter deltas (CMD_COUNTERS 1, 0) */
	uint32_t vmalloc[MBOX_RESULTS];
	uint64_t vm_exits;

	bool measured; /* everything up to the checks is valid */
	bool checked;  /* the checker ran: report, side effects */
	struct check_report report;
	bool side_effects_unread;    /* the page tables could not be re-read after the checks */
	struct pt_change *by_checks; /* owned; what the checks' own walks changed */
	size_t nr_by_checks;
};

/* The names of the counter deltas, in their order in tlb[] and vmalloc[]. */
#define OUTCOME_NR_TLB	   6
#define OUTCOME_NR_VMALLOC 8
extern const char *const outcome_tlb_names[OUTCOME_NR_TLB];
extern const char *const outcome_vmalloc_names[OUTCOME_NR_VMALLOC];

/* Free what o owns. */
void op_outcome_free(struct op_outcome *o);

/* "ok", "failed", ... for a guest status. */
const char *demo_status_name(uint32_t status);

/* Set up s for vm (guest symbols in syms; checker may be NULL; json: NULL or the trace). */
void demo_session_init(struct demo_session *s, struct vm *vm, const struct sym_table *syms,
		       struct check_ctx *checker, FILE *out, FILE *json);

/*
 * Every name in script that is not a script result must be a guest symbol:
 * 0, or -EINVAL with "FILE:LINE: ..." in err.  Run before booting.
 */
int demo_resolve_names(const struct script *script, const struct sym_table *syms, char *err,
		       size_t errlen);

/*
 * Run every line of script.  0 when all ran (see s->nr_violations);
 * -ECANCELED when the VM stopped (*ev says why); another -errno (-EIO,
 * -ENOMEM) when the host could not read or judge the guest, with a message
 * naming the operation in err.
 */
int demo_run_script(struct demo_session *s, const struct script *script, struct vm_event *ev,
		    char *err, size_t errlen);

/* The text of an operation (demo_text.c): its "[N] ..." line before it runs, then the rest. */
void demo_print_op_start(struct demo_session *s, const struct script_op *op);
void demo_print_outcome(struct demo_session *s, const struct op_outcome *o);

/* o as one JSON object (demo_json.c); NULL only when out of memory. */
json_t *demo_outcome_json(const struct op_outcome *o);

/* /proc/vmallocinfo from the guest's vmlist (bounded, cycle-safe); 0 or -errno with err. */
int demo_dump_vmallocinfo(FILE *f, struct vm *vm, const struct sym_table *syms, char *err,
			  size_t errlen);

/*
 * crash's vtop of addr: a number, a name the script gave a result (with s,
 * the session that ran it), or a guest symbol, with +/-offset ("0xc8800000",
 * "a+0x1000", "swapper_pg_dir+0x10"); 0 or -errno with err.
 */
int demo_dump_vtop(FILE *f, struct vm *vm, const struct sym_table *syms,
		   const struct script *script, const struct demo_session *s, const char *addr,
		   char *err, size_t errlen);

#endif /* VMM_DEMO_H */
