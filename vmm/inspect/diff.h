/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one operation changed in the page tables.  A snapshot holds every
 * PGD and PMD entry of the tables at ctx->cr3 and the PTEs of every present
 * PTE page in a virtual range (the vmalloc range), all read through the
 * walker (vmm/inspect/walk.h), so it works on the live guest and on synthetic tables
 * alike.  Two snapshots compare entry by entry, keyed by level and virtual
 * address: a changed value is one change "old -> new".
 */
#ifndef VMM_DIFF_H
#define VMM_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/inspect/walk.h"

struct pt_snap_entry {
	uint64_t va;   /* first virtual address the entry covers */
	uint64_t addr; /* guest-physical address of the entry */
	uint64_t value;
	enum walk_level level;
};

struct pt_snapshot {
	enum walk_mode mode;
	uint64_t cr3;
	struct pt_snap_entry *e; /* sorted by (level, va) */
	size_t nr, cap;
};

struct pt_change {
	enum walk_level level;
	uint64_t va;
	uint64_t addr; /* of the entry after the operation (before, if it is gone) */
	uint64_t old_value, new_value;
};

/* At most this many entries in one snapshot: a bound on hostile tables. */
#define PT_SNAPSHOT_MAX (1u << 22)

/*
 * Fill *s (freeing what it held) with the entries of the tables at
 * ctx->cr3: every PGD entry, every PMD entry (PAE; folded in 2-level), and
 * every PTE of each present PTE page that maps part of [pte_start, pte_end).
 * 0, -EINVAL (bad range or mode), -ENOMEM, or -E2BIG past PT_SNAPSHOT_MAX.
 */
int pt_snapshot_take(struct pt_snapshot *s, const struct walk_ctx *ctx, uint64_t pte_start,
		     uint64_t pte_end);
void pt_snapshot_free(struct pt_snapshot *s);

/*
 * The entries whose value differs between before and after (an entry that
 * exists on one side only compares against 0), in (level, va) order, into a
 * new array *out (free() it) of *nr; 0 or -ENOMEM.
 */
int pt_diff(const struct pt_snapshot *before, const struct pt_snapshot *after,
	    struct pt_change **out, size_t *nr);

/* "P RW A D G" for an entry at level (PS at PGD/PMD, PAT at PTE); "none" for 0. */
void pt_flags_str(uint64_t value, enum walk_level level, char *buf, size_t len);

/*
 * One change as a line without newline:
 *   PTE c8801000 @0x0012c004: 00000000 -> 0003a163 [P RW A D G]
 * with 16 hex digits per value in PAE, and the flags that flipped in a
 * present entry appended: "(+A +D)".
 */
void pt_change_format(const struct pt_change *c, enum walk_mode mode, char *buf, size_t len);

#endif /* VMM_DIFF_H */
