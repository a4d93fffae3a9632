/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: options, the script parser, the demo and its outcome
 * per operation, and the JSON trace.  Built on the core and inspection.
 */
#ifndef VMM_CLI_CLI_H
#define VMM_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/abi.h"
#include "shared/kstructs.h"
#include "shared/layout.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

/* ---- options ---- */

/* Command-line parsing for vmm, kept apart from main() so tests can call it. */

#define OPT_VTOP_MAX 16

/* --dump WHAT, repeatable or comma separated. */
#define OPT_DUMP_VMALLOCINFO 0x1u
#define OPT_DUMP_TLB	     0x2u
#define OPT_DUMP_MEM	     0x4u

struct vmm_options {
	struct vm_config vm;
	const char *guest_path;
	bool quiet;
	bool selftest; /* run the guest's self-tests instead of the demo */
	bool help;
	bool version;

	/* What to do with the guest (main.c decides: see vmm_options_mode()). */
	const char *script_path; /* --script FILE */
	bool demo;		 /* --demo: the built-in demo even with --dump/--vtop */
	bool check;		 /* run the checker after each operation (default on; --no-check) */
	unsigned int dumps;	 /* OPT_DUMP_* from --dump */
	unsigned int nr_vtop;
	const char *vtop[OPT_VTOP_MAX]; /* --vtop ADDR: a number or a guest symbol[+off] */
	const char *json_path;		/* --json FILE, "-" for stdout */
	const char *html_path;		/* --html FILE */

	/* --stress K: K operations per CPU (0: no stress run), in rounds of --stress-every. */
	unsigned int stress_ops;
	unsigned int stress_every; /* --stress-every M (default STRESS_EVERY_DEFAULT) */
	uint32_t stress_seed;	   /* --seed S (default 1) */
};

/* vCPUs of the demo when --cpus is not given. */
#define DEMO_CPUS 2u

/* What main() runs, from the options. */
enum vmm_mode {
	MODE_DEMO,     /* no --script/--dump/--vtop/--selftest, or --demo */
	MODE_SCRIPT,   /* --script FILE */
	MODE_SELFTEST, /* --selftest */
	MODE_INSPECT,  /* only --dump/--vtop: boot, dump, exit */
	MODE_STRESS,   /* --stress K */
};

/* What the options ask for: the demo, a script, the self-tests or dumps only. */
enum vmm_mode vmm_options_mode(const struct vmm_options *opts);

/* Parse "128M", "1G", "65536K", "16777216" into bytes.  0 on success,
 * else -EINVAL with a message in err naming the value and the defect. */
int parse_size(const char *str, uint64_t *bytes, char *err, size_t errlen);

/* Parse argv into opts (defaults first).  0 on success; -EINVAL with a
 * message in err on any bad option or value. */
int parse_options(int argc, char **argv, struct vmm_options *opts, char *err, size_t errlen);

/* The --help text. */
void print_usage(FILE *out, const char *prog);

/* ---- script ---- */

/*
 * Scripts of guest operations (--script FILE, and the built-in demo), one
 * operation a line, in the syntax the demo prints:
 *
 *   # a comment (kept: the demo prints it as narration)
 *   vmalloc 4096                   vmalloc_dma 8K      vmalloc_32 12288
 *   a = vmalloc 16K                name the result; `$N` is the result of the Nth operation
 *   vmap 2 normal prot=0x103       COUNT dma|normal|highmem [prot=P] (P 0: PAGE_KERNEL)
 *   vmap_put a                     drop CMD_VMAP's own page references
 *   vfree a                        vfree $1    vfree a+4    vfree 0xc8900000
 *   probe read a+4096              probe write a 0x1234
 *   fill a 4096 [seed=N]           check a 4096 [seed=N]
 *   m = new_mm                     switch_mm m      switch_mm 0 (init_mm)
 *   touch a                        fault_inject page N | fault_inject slab N (0 = off)
 *   purge                          vm_unmap_aliases   (vmalloc=modern's lazy areas)
 *
 * Numbers are decimal or 0x hex, sizes may end in K or M; every value is
 * 32 bits.  An address is a number, `$N`, or a name (a script name, else a
 * guest symbol, resolved before the guest boots), with an optional +/- offset.
 * The parser trusts nothing: each defect is an error naming FILE:LINE.
 */

#define SCRIPT_NAME_MAX 32
#define SCRIPT_LINE_MAX 512   /* longer lines are an error */
#define SCRIPT_OPS_MAX	16384 /* operations (comments included) in one script */

enum script_kind {
	SOP_COMMENT, /* text: the comment without '#' */
	SOP_VMALLOC,
	SOP_VMALLOC_DMA,
	SOP_VMALLOC_32,
	SOP_VMAP,
	SOP_VMAP_PUT,
	SOP_VFREE,
	SOP_PROBE_READ,
	SOP_PROBE_WRITE,
	SOP_FILL,
	SOP_CHECK,
	SOP_NEW_MM,
	SOP_SWITCH_MM,
	SOP_TOUCH,
	SOP_FAULT_INJECT,
	SOP_PURGE,
	SOP_VM_UNMAP_ALIASES,
	SOP_NR_KINDS
};

enum operand_kind {
	OPND_NONE,
	OPND_NUM,  /* value */
	OPND_REF,  /* result of operation number ref ($N, 1-based) plus offset */
	OPND_NAME, /* name (script name or guest symbol) plus offset */
};

struct script_operand {
	enum operand_kind kind;
	uint32_t value;	  /* OPND_NUM */
	unsigned int ref; /* OPND_REF: operation number; OPND_NAME as a script name: its op */
	int64_t offset;
	char name[SCRIPT_NAME_MAX];
};

struct script_op {
	enum script_kind kind;
	unsigned int line;
	unsigned int number; /* 1-based among operations (comments not counted); 0 for comments */
	char def[SCRIPT_NAME_MAX];  /* "a" in "a = vmalloc 4096", else "" */
	struct script_operand addr; /* vfree, vmap_put, probe, fill, check, switch_mm, touch */
	uint32_t n[3];		    /* size; vmap count, zone, prot; probe value; fill bytes, seed;
			  fault_inject which, nth */
	char text[SCRIPT_LINE_MAX]; /* the comment, or the operation as written (normalised) */
};

struct script {
	char file[256]; /* for messages */
	struct script_op *ops;
	size_t nr, cap;
	unsigned int nr_operations; /* ops that are not comments */
};

/* Which operations give a value that `$N` and names may refer to. */
bool script_kind_has_result(enum script_kind kind);
/* "vmalloc", "probe read", ... */
const char *script_kind_name(enum script_kind kind);

/*
 * Parse one line (no newline) as line number lineno of s, appending what it
 * holds (nothing for a blank line).  0, or -EINVAL with "FILE:LINE: defect"
 * in err; -E2BIG past SCRIPT_OPS_MAX; -ENOMEM.
 */
int script_parse_line(struct script *s, const char *line, unsigned int lineno, char *err,
		      size_t errlen);

/* Parse text (lines separated by '\n') named name; stops at the first error. */
int script_parse_text(struct script *s, const char *name, const char *text, char *err,
		      size_t errlen);

/* Parse the file at path; -errno from open/read (message in err) besides the above. */
int script_parse_file(struct script *s, const char *path, char *err, size_t errlen);

/* An empty script named name (for FILE:LINE messages); script_free() releases it. */
void script_init(struct script *s, const char *name);
void script_free(struct script *s);

/* The op a script name refers to (defined before op number before_number), or NULL. */
const struct script_op *script_find_name(const struct script *s, const char *name,
					 unsigned int before_number);

/* The operand as written: "a+0x4", "$2", "0xc8800000". */
void script_operand_format(const struct script_operand *o, char *buf, size_t len);

/* ---- json ---- */

/*
 * The --json trace: JSON lines (one object per line) written with jansson.
 * jansson refuses strings that are not UTF-8, and the guest may print any
 * bytes, so every string from outside goes through json_text(), which
 * replaces each byte that does not belong to a valid UTF-8 sequence with
 * U+FFFD: the trace is valid UTF-8 JSON whatever the guest prints.
 */

/*
 * s as a JSON string, invalid UTF-8 replaced (NULL s: JSON null); NULL only
 * when out of memory.  The caller owns the reference.
 */
json_t *json_text(const char *s);

/* An address or entry as a "0x..." string (JSON numbers lose 64-bit precision). */
json_t *json_hex(uint64_t val);

/*
 * Write obj as one compact line to f and flush; takes the reference (obj may
 * be NULL: out of memory).  0, or -ENOMEM / -EIO.
 */
int json_write_line(FILE *f, json_t *obj);

/*
 * Copy s into out (outlen bytes, NUL-terminated, truncated only at a
 * character boundary) with every invalid UTF-8 byte replaced by U+FFFD;
 * returns the length the whole result needs, without the NUL.
 */
size_t utf8_sanitize(const char *s, char *out, size_t outlen);

/* ---- demo ---- */

/*
 * Running scripts (the parser above) against a live guest, and the demo: a
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

/* The built-in demo, in script syntax. */
extern const char demo_script[];

struct html_view;

struct demo_session {
	struct vm *vm;
	struct guest_kernel gk; /* resolved by demo_run_script() */
	bool have_gk;
	struct html_view *html; /* NULL: no page (set after demo_session_init) */
	const struct sym_table *syms;
	struct check_ctx *checker; /* NULL: checks off */
	FILE *out;
	FILE *json; /* NULL: no trace */

	/* Totals over everything run so far. */
	unsigned int nr_ops;
	unsigned int nr_checks; /* rules evaluated */
	unsigned int nr_violations;
	unsigned int rule_runs[CHECK_NR_RULES]; /* checks in which each rule ran */

	uint32_t vmalloc_start;
#define DEMO_SEEN_MAX 16
	unsigned int nr_seen; /* observations printed so far: each is printed once */
	char seen[DEMO_SEEN_MAX][200];
	uint32_t results[SCRIPT_OPS_MAX + 1]; /* the value of operation N ($N) */
	/* The latest operation whose result was each address (open addressing; op NULL: empty). */
#define DEMO_NAME_SLOTS (2 * SCRIPT_OPS_MAX)
	struct {
		uint32_t value;
		const struct script_op *op;
	} by_value[DEMO_NAME_SLOTS];
	unsigned int nr_named; /* slots in use */
};

/* Pages of a vmalloc/vmap result whose frames are listed one by one. */
#define OUTCOME_FRAMES_LISTED 4

/* One area of vmlist after an operation, with the name the script gave its address. */
struct outcome_area {
	struct vm_area a;
	char name[SCRIPT_NAME_MAX + 8]; /* "a", "$3", or "" (not made by the script) */
};

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
	uint64_t ipis; /* IPIs the guest's CPUs sent during the command (smp_ipis_sent[]) */

	/* The state after the operation (the JSON trace and the HTML view). */
	struct outcome_area *areas; /* owned; vmlist in its order */
	unsigned int nr_areas;
	bool areas_read; /* vmlist was sound and read */
	struct guest_zone zone_use[MAX_NR_ZONES];
	bool zones_read;
	struct pt_snap_entry *tables; /* owned; the PGD/PMD entries over the vmalloc range */
	size_t nr_tables;
	struct pt_snap_entry *initial_ptes; /* owned; session's first operation only: */
	size_t nr_initial_ptes;		    /* the present PTEs of the range before it */
	bool has_initial;

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

/* Page-table changes as the trace lists them: {level, va, entry, old, new, flags}
 * each; NULL only when out of memory. */
json_t *demo_changes_json(const struct pt_change *chs, size_t nr);

/* o as one JSON object (demo_json.c); NULL only when out of memory. */
json_t *demo_outcome_json(const struct op_outcome *o);

/* The zone a guest-physical address lies in (ZONE_*), and a zone's name. */
unsigned int demo_zone_of(uint64_t pa);
const char *demo_zone_name(unsigned int zone);

/* ---- stress ---- */

/*
 * --stress K (stress.c): every vCPU runs its own seeded stream of K
 * vmalloc-family operations at the same time as the others, in rounds of
 * CMD_STRESS of at most --stress-every operations each, then one last round
 * (arg0 0) in which every CPU frees what it holds.  After each round (a
 * quiescent point) every rule runs on the whole state, a hot vfree per AP
 * (CPU 0 and that AP joining) gives T2/T4 their hardware evidence, and the guest's
 * struct stress_state is read, validated and judged: its stale reads are
 * T4, its lock-order inversion a "lock-order" violation.  At the end P2
 * holds globally: the free pages equal those before the first round, less
 * the page tables made meanwhile (2.4 never frees kernel page tables).
 */

#define STRESS_OPS_MAX	     1000000u /* --stress K: at most this many per CPU */
#define STRESS_EVERY_DEFAULT 1000u    /* --stress-every: operations per CPU between checks */
#define STRESS_HOT_PAGES     4u	      /* pages of the area each checkpoint frees hot */
#define STRESS_MAX_ROUNDS    (STRESS_OPS_MAX + 1)

struct stress_params {
	unsigned int ops;   /* per CPU, 1..STRESS_OPS_MAX */
	unsigned int every; /* per CPU and round, >= 1 */
	uint32_t seed;
};

/* What the run measured, for the summary and the bench. */
struct stress_totals {
	unsigned int nr_cpus;
	uint32_t cpu_mask;
	unsigned int rounds;	 /* CMD_STRESS calls, the last (freeing) one included */
	uint64_t operations;	 /* result0 of every round but the last */
	uint64_t round_cycles;	 /* result1/2 of every round, summed (CPU 0's rdtsc) */
	unsigned int hot_vfrees; /* checkpoints' CMD_VFREE_HOT */
	unsigned int nr_checks;	 /* rule runs (the checker's, plus the stress_state rules) */
	unsigned int nr_violations;
	unsigned int rule_runs[CHECK_NR_RULES];
	unsigned int lock_order_runs;		/* the guest's lock-order report judged */
	uint64_t free_before, free_after;	/* CMD_FREE_PAGES: free + kmalloc-held pages */
	uint32_t objects_before, objects_after; /* CMD_FREE_PAGES: kmalloc objects in use */
	uint32_t pt_before, pt_after;		/* PTE pages over the vmalloc range */
	bool have_state;
	struct stress_state state; /* the last one read (validated) */
};

/* What a round's stress_state must agree with (stress_state_check). */
struct stress_expect {
	uint32_t rounds, cpus, seed;
	uint64_t issued;	  /* operations each CPU of cpus was asked for since STRESS_BEGIN */
	bool final;		  /* the freeing round: ops may exceed issued by what was held */
	uint32_t held[MAX_CPUS];  /* final: live of each CPU before it */
	uint32_t inversions_seen; /* the round's result4 */
};

/*
 * Judge a stress_state the guest wrote (untrusted: any bytes) against what
 * the host asked for: 0, or -EBADMSG with err naming the field and the defect.
 */
int stress_state_check(const struct stress_state *st, const struct stress_expect *x, char *err,
		       size_t errlen);

/*
 * The whole run on a booted guest at DB_READY, printing each violation (with
 * its walk) to out as it is found; *t is filled.  0 when it ran (see
 * t->nr_violations); -ECANCELED when the VM stopped (*ev says why); another
 * -errno (-EBADMSG: the guest refused CMD_STRESS or broke its contract, e.g. a
 * bad stress_state; -EIO: the state could not be read or judged) with err naming what.
 */
int stress_run(struct vm *vm, const struct sym_table *syms, const struct stress_params *p,
	       FILE *out, struct stress_totals *t, struct vm_event *ev, char *err, size_t errlen);

/* The per-CPU table, the rules run and the final "stress: ..." line. */
void stress_print_summary(FILE *out, const struct stress_totals *t);

/* The summary as one JSON object (counts, cycles); NULL only when out of memory. */
json_t *stress_json(const struct stress_totals *t);

/* ---- html ---- */

/*
 * --html FILE: one self-contained page of a run (html.c), from the template
 * in vmm/cli/html/ (view.html, view.css, view.js, compiled in at build
 * time), with every operation's outcome embedded as JSON: what
 * demo_outcome_json() gives plus the page-table entries over the vmalloc
 * range, so the page draws the range and walks any page (vtop) itself.
 * The page fetches nothing.
 */

/* Create the page at path and write its head; 0 or -errno with err naming the file. */
int html_view_open(struct html_view **hv, const char *path, const char *title, char *err,
		   size_t errlen);
/* A comment of the script: narration shown with the next step; 0 or -ENOMEM. */
int html_view_comment(struct html_view *hv, const char *text);
/* Append o as one step; 0, -ENOMEM or -EIO. */
int html_view_add(struct html_view *hv, const struct op_outcome *o);
/*
 * Write the totals of s and the rest of the page, close the file and free hv
 * (NULL: nothing to do); 0 or -EIO with err naming the file.
 */
int html_view_close(struct html_view *hv, const struct demo_session *s, char *err, size_t errlen);
/* Close and free hv without finishing the page (after an error). */
void html_view_abort(struct html_view *hv);

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

#endif /* VMM_CLI_CLI_H */
