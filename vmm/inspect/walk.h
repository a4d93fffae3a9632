/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one software page-table walker of the host (LibVMI / kvm-unit-tests
 * style).  It reads guest-physical memory only through a read callback, so
 * the same code walks the live guest (walk_read_gmem over struct
 * guest_mem) and synthetic tables built by the tests.  A walk returns
 * every level it visited (entry address, raw value), the outcome, and the
 * effective permissions: KVM_TRANSLATE reports no permissions, so the host
 * computes them here.  Nothing in a page-table entry is trusted: a bad
 * entry is an error result, never a crash.
 *
 * Modes (Intel SDM vol. 3A 4.3 and 4.4):
 *  - WALK_2LEVEL: 32-bit paging, 10/10/12, PMD folded into the PGD, 4 MiB
 *    pages when CR4.PSE and PDE.PS (PSE-36 address bits honoured).
 *  - WALK_PAE: 2/9/9/12, 8-byte entries, PDPT of 4 entries at CR3 & ~0x1f,
 *    2 MiB pages when PDE.PS, XD (bit 63) when EFER.NXE.
 */
#ifndef VMM_WALK_H
#define VMM_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Copy len bytes of guest-physical memory at gpa into buf; 0 or -errno. */
typedef int (*walk_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

/* walk_read_fn over struct guest_mem: pass the guest_mem as read_ctx. */
int walk_read_gmem(void *gm, uint64_t gpa, void *buf, size_t len);

enum walk_mode {
	WALK_2LEVEL = 0,
	WALK_PAE = 1,
};

/* Levels by their Linux names; under PAE the PGD is the 4-entry PDPT. */
enum walk_level {
	WALK_PGD = 0,
	WALK_PMD = 1,
	WALK_PTE = 2,
	WALK_NR_LEVELS = 3,
};

enum walk_status {
	WALK_OK = 0,	  /* mapped: pa, page_size and permissions are valid */
	WALK_NOT_PRESENT, /* the entry at fail_level has P = 0 */
	WALK_RESERVED,	  /* the entry at fail_level has reserved bits (bad_bits) set */
	WALK_OUTSIDE_RAM, /* the entry at fail_level (or CR3) points at or past ram_size */
	WALK_READ_ERROR,  /* the read callback failed for the entry at fail_level */
	WALK_BAD_INPUT,	  /* bad mode or a virtual address above 4 GiB */
};

#define WALK_MAXPHYADDR_DEFAULT 52u

/* What a walk needs besides the virtual address. */
struct walk_ctx {
	walk_read_fn read;
	void *read_ctx;
	enum walk_mode mode;
	uint64_t cr3;
	bool pse;	     /* CR4.PSE (2-level only; PAE always allows 2 MiB pages) */
	bool nxe;	     /* EFER.NXE (PAE only: bit 63 is XD, else reserved) */
	unsigned maxphyaddr; /* CPUID 0x80000008 EAX[7:0]; 0 means 52 */
	uint64_t ram_size;   /* bytes of guest RAM; 0 means "unknown": no RAM check */
};

/* One visited entry. */
struct walk_entry {
	enum walk_level level;
	const char *name; /* "PGD", "PMD", "PTE" */
	uint64_t addr;	  /* guest-physical address of the entry */
	uint64_t value;	  /* its raw contents (4-byte entries zero-extended) */
	bool folded;	  /* 2-level PMD: the PGD entry seen again, not a new read */
};

struct walk_result {
	/* Input, echoed so a result can be printed on its own. */
	uint64_t va;
	enum walk_mode mode;
	uint64_t cr3;

	/* Every level visited, in order; the last one is where the walk ended. */
	unsigned nr_entries;
	struct walk_entry entries[WALK_NR_LEVELS];

	enum walk_status status;
	enum walk_level fail_level; /* meaningful when status != WALK_OK */
	uint64_t bad_bits;	    /* WALK_RESERVED: the reserved bits that were set */
	uint64_t bad_addr;	    /* WALK_OUTSIDE_RAM / WALK_READ_ERROR: the address */

	/* Valid when status == WALK_OK. */
	uint64_t pa;		    /* physical address of va */
	uint64_t page_base;	    /* physical base of the (possibly large) page */
	uint64_t va_base;	    /* virtual base of that page */
	uint32_t page_size;	    /* 4 KiB, 2 MiB or 4 MiB */
	enum walk_level leaf_level; /* level of the entry that maps the page */
	uint64_t leaf;		    /* raw value of that entry */
	bool writable;		    /* AND of RW over the levels that have one */
	bool user;		    /* AND of US over the levels that have one */
	bool nx;		    /* OR of XD over the levels, when NXE */
	bool global;		    /* leaf G */
	bool accessed;		    /* leaf A */
	bool dirty;		    /* leaf D */
};

/* Translate va through the tables at ctx->cr3; fills *res, returns res->status. */
enum walk_status walk(const struct walk_ctx *ctx, uint64_t va, struct walk_result *res);

/* The entry visited at level, or NULL if the walk did not reach it. */
const struct walk_entry *walk_entry_at(const struct walk_result *res, enum walk_level level);

/* Bytes of virtual address space one entry at level covers in mode. */
uint64_t walk_level_span(enum walk_mode mode, enum walk_level level);

/* Short fixed names for messages. */
const char *walk_status_str(enum walk_status status);
const char *walk_level_name(enum walk_level level);
const char *walk_mode_name(enum walk_mode mode);

/* Print the whole walk (input, every level, outcome, permissions) to f. */
void walk_fprint(FILE *f, const struct walk_result *res);

/*
 * walk_range() calls fn for what lies in [start, end) (end <= 4 GiB,
 * exclusive).  By default: once per present leaf (a large page once, with
 * va = max(start, its base)) and once per error (reserved bits, outside RAM,
 * read error), skipping whole non-present PGD/PMD entries.  With
 * WALK_RANGE_ALL_PAGES: once per 4 KiB page, present or not.  fn returns 0 to
 * go on; anything else stops the walk and is returned.  Returns 0 when the
 * range was covered, -EINVAL on bad arguments.
 */
#define WALK_RANGE_ALL_PAGES 0x1u

typedef int (*walk_range_fn)(void *arg, const struct walk_result *res);

int walk_range(const struct walk_ctx *ctx, uint64_t start, uint64_t end, unsigned flags,
	       walk_range_fn fn, void *arg);

#endif /* VMM_WALK_H */
