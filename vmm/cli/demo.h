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
 * and, with a JSON trace, one JSON object per operation (demo_json_op()).
 * The same functions give the dumps of --dump and --vtop.
 */
#ifndef VMM_DEMO_H
#define VMM_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/inspect/check.h"
#include "vmm/cli/json.h"
#include "vmm/cli/script.h"
#include "vmm/core/symbols.h"
#include "vmm/core/vm.h"
#include "vmm/inspect/walk.h"

/* The built-in demo, in script syntax. */
extern const char demo_script[];

struct demo_session {
	struct vm *vm;
	const struct sym_table *syms;
	struct check_ctx *checker; /* NULL: checks off */
	FILE *out;
	struct json *json; /* NULL: no trace */

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

/* Set up s for vm (guest symbols in syms; checker may be NULL). */
void demo_session_init(struct demo_session *s, struct vm *vm, const struct sym_table *syms,
		       struct check_ctx *checker, FILE *out, struct json *json);

/*
 * Every name in script that is not a script result must be a guest symbol:
 * 0, or -EINVAL with "FILE:LINE: ..." in err.  Run before booting.
 */
int demo_resolve_names(const struct script *script, const struct sym_table *syms, char *err,
		       size_t errlen);

/*
 * Run every line of script.  0 when all ran (see s->nr_violations); -1 when
 * the VM stopped (*ev says why); -EIO when the host could not read the guest
 * (message printed to stderr).
 */
int demo_run_script(struct demo_session *s, const struct script *script, struct vm_event *ev);

/* /proc/vmallocinfo from the guest's vmlist (bounded, cycle-safe); 0 or -errno. */
int demo_dump_vmallocinfo(FILE *f, struct vm *vm, const struct sym_table *syms);

/*
 * crash's vtop of addr: a number, a name the script gave a result (with s,
 * the session that ran it), or a guest symbol, with +/-offset ("0xc8800000",
 * "a+0x1000", "swapper_pg_dir+0x10"); 0 or -errno.
 */
int demo_dump_vtop(FILE *f, struct vm *vm, const struct sym_table *syms,
		   const struct script *script, const struct demo_session *s, const char *addr);

#endif /* VMM_DEMO_H */
