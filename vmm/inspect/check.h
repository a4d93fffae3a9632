/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checker: the rules of spec/checks.md (A1-A2, M1-M8, P1-P2, T1-T4,
 * H1), evaluated against the live guest after each operation.  It reads
 * guest state only through vmm/inspect/kstate.h (symbols + the checked accessor)
 * and the one page-table walker (vmm/inspect/walk.h); with CHECK_PROBES it also
 * asks the guest to probe addresses through the mailbox, so the guest must
 * be waiting at DB_READY.
 *
 * A violation names the rule, the virtual address, the level and entry it
 * concerns, what was expected and what was found.  Things hardware permits
 * but does not promise (a stale TLB entry used, a global entry surviving a
 * CR3 reload) are observations: reported, never violations.
 */
#ifndef VMM_CHECK_H
#define VMM_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct vm;
struct sym_table;

/*
 * M7 (KVM_TRANSLATE agrees with the walker) is asked of KVM for a bounded,
 * deterministic sample, once over the pages of all areas (guard pages
 * included) and once over the pages of the areas freed since the previous
 * check: every page when the set has at most CHECK_M7_ALL_PAGES pages;
 * otherwise every k-th page of the set in address order, k =
 * ceil(pages / CHECK_M7_ALL_PAGES), plus the first and the last page of
 * each of the first CHECK_M7_ALL_PAGES / 2 areas.  At most
 * 2 * CHECK_M7_ALL_PAGES translations per set and check.  The other static
 * rules see every page.  The probe rules (T1, T2, T4) probe pages chosen
 * the same way.
 */
#define CHECK_M7_ALL_PAGES 4096u

#define CHECK_MAX_VIOLATIONS   32
#define CHECK_MAX_OBSERVATIONS 4

struct check_violation {
	char rule[8];	     /* "A1", "M3", ... */
	uint64_t va;	     /* virtual address concerned (0 if none) */
	int level;	     /* enum walk_level of the entry, or -1 */
	uint64_t entry_addr; /* guest-physical address of the entry (0 if none) */
	uint64_t entry_value;
	char expected[160];
	char actual[160];
};

struct check_report {
	unsigned int rules_run;				/* how many rules were evaluated */
	unsigned int nr_violations;			/* total, even beyond the array */
	struct check_violation v[CHECK_MAX_VIOLATIONS]; /* the first 32 */
	unsigned int nr_observations;
	char observations[CHECK_MAX_OBSERVATIONS][200]; /* reported, not asserted */
	char err[200]; /* check_guest() < 0: what could not be read, or that time ran out */
};

enum check_flags {
	CHECK_STATIC = 1, /* A*, M*, P*: reads guest memory only */
	CHECK_PROBES = 2, /* T1-T3 (and H1) via guest probes; costs exits */
};

/* What just happened, so that P2, M5, T1-T3 and H1 can be judged: the
 * command as sent and the guest's answer (shared/abi.h). */
struct check_op {
	uint32_t cmd;
	uint32_t args[6];
	uint32_t status;
	uint32_t results[8];
};

struct check_ctx; /* symbols, the areas seen so far, the previous snapshot */

/*
 * Resolve the guest's symbols from syms (the guest ELF's, loaded once by
 * the caller; not kept) and take the first snapshot.  0; -ENOENT when syms
 * is empty or lacks a symbol the checker needs (err says which: "inspection
 * off"); other -errno on bad guest state (err says what).  Call once the
 * guest has reached DB_READY.
 */
int check_ctx_init(struct check_ctx **ctx, struct vm *vm, const struct sym_table *syms, char *err,
		   size_t errlen);
void check_ctx_free(struct check_ctx *ctx);

/*
 * Run every applicable rule against the current guest state; op tells the
 * checker what just happened (NULL = nothing).  Fills *rep (cleared first).
 * Returns 0 when the rules ran (violations or not: see rep->nr_violations),
 * or -errno with rep->err saying why: the guest state could not be read, a
 * probe could not be run (the VM stopped), or -ETIMEDOUT when --timeout ran
 * out during the check (the host's work stops too).  A check reads a
 * number of entries linear in the pages of the areas and the page tables of
 * the vmalloc range; KVM_TRANSLATE and the probes are bounded (above).
 */
int check_guest(struct check_ctx *ctx, const struct check_op *op, unsigned flags,
		struct check_report *rep);

/* One line per violation: rule, va, level, entry addr=value, expected,
 * actual; then the observations. */
void check_report_print(FILE *out, const struct check_report *rep);

#endif /* VMM_CHECK_H */
