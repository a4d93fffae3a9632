/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inspection library: reads and judges a guest's state, built only on
 * the core.  The page-table walker, the guest kernel's structures (vmlist,
 * mem_map, zones, counters), the checker's rules, page-table snapshots and
 * their diff, and the dump formats.
 */
#ifndef VMM_INSPECT_INSPECT_H
#define VMM_INSPECT_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/kstructs.h"
#include "vmm/core/core.h"

/* ---- walk ---- */

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
 * go on; anything else stops the walk and is returned (err untouched: fn
 * reports its own errors).  Returns 0 when the range was covered, -EINVAL
 * on bad arguments (err says which).
 */
#define WALK_RANGE_ALL_PAGES 0x1u

typedef int (*walk_range_fn)(void *arg, const struct walk_result *res);

int walk_range(const struct walk_ctx *ctx, uint64_t start, uint64_t end, unsigned flags,
	       walk_range_fn fn, void *arg, char *err, size_t errlen);

/* ---- kstate ---- */

/*
 * Reading the guest kernel's state the way a debugger does: symbols from
 * the guest ELF (core.h's symbols) locate vmlist, mem_map, zone_table and the
 * counters; their layout comes from shared/kstructs.h; every byte is read
 * through core.h's checked accessor.  Nothing the guest wrote
 * is trusted: a bad pointer or a looping list is a result that says what
 * and where, never a crash or an endless loop.
 *
 * A guest without symbols still runs; inspect_init() then fails with
 * -ENOENT and a message ("guest has no symbol X: inspection off").
 */

struct vm;

/* Longest vmlist followed before it is called corrupt. */
#define INSPECT_VMLIST_MAX 100000u

/* The guest-physical addresses of what the host reads, resolved once. */
struct guest_kernel {
	struct vm *vm;
	uint64_t vmlist;     /* struct vm_struct *vmlist */
	uint64_t mem_map;    /* struct page *mem_map */
	uint64_t max_mapnr;  /* unsigned long */
	uint64_t zone_table; /* zone_t[MAX_NR_ZONES] */
	uint64_t tlb_counters;
	uint64_t vmalloc_counters;
	uint64_t vmalloc_faults; /* unsigned long */
	uint64_t vmalloc_start;	 /* unsigned long */
	uint64_t high_memory;	 /* void * */
	uint64_t swapper_pg_dir; /* the kernel page directory (PAE: PDPT first) */
	uint64_t kmalloc_stats;	 /* struct kmalloc_class_stat[] */
	unsigned int kmalloc_nr_classes;
};

/*
 * Resolve the symbols in syms (not kept) for the VM.  0, or -ENOENT with
 * err = "guest has no symbol X: inspection off" (also for an empty table),
 * or -EINVAL when a symbol lies outside the direct map or RAM.
 */
int inspect_init(struct guest_kernel *gk, struct vm *vm, const struct sym_table *syms, char *err,
		 size_t errlen);

/* One area of vmlist, as read. */
struct vm_area {
	uint32_t node; /* guest virtual address of the vm_struct */
	uint32_t flags;
	uint32_t addr;
	uint32_t size;	 /* guard page included */
	uint32_t caller; /* the return address of the call that made it (guest code) */
};

enum vmlist_defect {
	VMLIST_OK = 0,
	VMLIST_CYCLE,	       /* a node visited twice */
	VMLIST_NOT_DIRECT_MAP, /* a pointer outside the lowmem direct map */
	VMLIST_MISALIGNED,     /* a pointer that is not 4-byte aligned */
	VMLIST_OUTSIDE_RAM,    /* a node (or the list head) not wholly inside guest RAM */
	VMLIST_TOO_LONG,       /* more than INSPECT_VMLIST_MAX nodes */
};

struct vmlist_info {
	unsigned int nr; /* nodes read (all of them, even beyond max) */
	enum vmlist_defect defect;
	uint32_t bad_node; /* the pointer at fault (VMLIST_OK: 0) */
	uint32_t bad_from; /* the node whose next held it (0: the vmlist head) */
	char msg[200];	   /* "corrupt vmlist: ..." when defect != VMLIST_OK */
};

/*
 * Follow vmlist, storing the first max areas in areas[] (may be NULL with
 * max 0).  Returns 0 when the list is sound (info->defect VMLIST_OK),
 * -EBADMSG when it is corrupt (info->msg names the node, the node it came
 * from and the defect; areas[] holds the nodes before it), or -ENOMEM.
 */
int inspect_read_vmlist(const struct guest_kernel *gk, struct vm_area *areas, unsigned int max,
			struct vmlist_info *info);

/* mem_map[pfn], the fields the checker uses. */
struct guest_page {
	uint32_t flags; /* PG_* bits */
	int32_t count;
	uint32_t zone;
	uint32_t order;
};

/* 0, or -ERANGE for pfn >= max_mapnr, -EFAULT when mem_map is unreadable; err names which. */
int inspect_read_page(const struct guest_kernel *gk, uint64_t pfn, struct guest_page *page,
		      char *err, size_t errlen);
/* *nr = max_mapnr, the frames mem_map covers: 0, or -EFAULT (and *nr 0) when unreadable. */
int inspect_max_mapnr(const struct guest_kernel *gk, uint64_t *nr, char *err, size_t errlen);

struct guest_zone {
	uint32_t start_pfn, size, present, managed, free;
	uint32_t nr_free[MAX_ORDER];
};

/* Every zone of the guest's zone_table: 0, or -EFAULT naming the zone not in RAM. */
int inspect_read_zones(const struct guest_kernel *gk, struct guest_zone zones[MAX_NR_ZONES],
		       char *err, size_t errlen);

/* Every counter the checker compares between operations. */
struct guest_counters {
	uint32_t tlb[TLB_CNT_NR];	  /* TLB_CNT_* */
	uint32_t vmalloc[VMALLOC_CNT_NR]; /* VMALLOC_CNT_* */
	uint32_t vmalloc_faults;
	uint32_t kmalloc_in_use; /* objects, all classes */
	uint32_t kmalloc_pages;	 /* pages kmalloc holds, all classes */
	uint32_t free_pages;	 /* all zones */
};

/* Every counter above, read now: 0, or -EFAULT naming the variable not in RAM. */
int inspect_read_counters(const struct guest_kernel *gk, struct guest_counters *c, char *err,
			  size_t errlen);

/* VMALLOC_START (the guest's vmalloc_start): 0, or -EFAULT with err naming the variable. */
int inspect_vmalloc_start(const struct guest_kernel *gk, uint32_t *start, char *err, size_t errlen);
/* The end of lowmem (__pa(high_memory)): 0, -EFAULT (unreadable) or -EINVAL (not in the
 * direct map), with err naming the value. */
int inspect_lowmem_end(const struct guest_kernel *gk, uint64_t *end, char *err, size_t errlen);
/* The IPIs the guest's CPUs have sent so far (the sum of its smp_ipis_sent[] over vm's vCPUs;
 * they make no exit the host could count): 0, or -ENOENT (no such array) / -EFAULT, with err. */
int inspect_ipis_sent(struct vm *vm, const struct sym_table *syms, uint64_t *sum, char *err,
		      size_t errlen);

/* Read a 32-bit word at a kernel (direct-map) virtual address: 0, -EINVAL (not in the
 * direct map) or -EFAULT (outside RAM), with err naming the address. */
/*
 * Post-mortem (vmm/inspect/stack.c): print to out the kernel stack of guest
 * CPU cpu, found through the guest's symbols: its bottom word and every word
 * on it that is a kernel text address, with its symbol.  For a vCPU whose
 * registers are gone (a triple fault).  0, or -errno with err.
 */
int inspect_stack_scan(struct vm *vm, const struct sym_table *syms, unsigned int cpu, FILE *out,
		       char *err, size_t errlen);

int inspect_read_kva32(const struct guest_kernel *gk, uint64_t kva, uint32_t *val, char *err,
		       size_t errlen);

/*
 * A walker context for vCPU 0 as it is now (KVM_GET_SREGS: CR3, CR4.PAE,
 * CR4.PSE, EFER.NXE; RAM size).  0, or -errno with err naming the ioctl.  Needs
 * no symbols.
 */
int inspect_walk_ctx(struct vm *vm, struct walk_ctx *ctx, char *err, size_t errlen);
/* CR4 of vCPU 0 (for CR4.PGE): 0, or -errno with err naming the ioctl. */
int inspect_cr4(struct vm *vm, uint64_t *cr4, char *err, size_t errlen);

/*
 * KVM's own translation of va on vCPU 0 (KVM_TRANSLATE): 0 with *valid and
 * *pa filled, or -errno when the ioctl failed (err names va and the error).
 */
int inspect_translate(struct vm *vm, uint64_t va, bool *valid, uint64_t *pa, char *err,
		      size_t errlen);

/* ---- vmalloc=modern's trees (check_tree.c) ---- */

/* Nodes followed in one tree (or on the purge list) before it is called corrupt. */
#define VMAP_TREE_MAX 1000000u

struct vmap_tree_info {
	uint32_t mode; /* the guest's vmalloc_mode: VMALLOC_MODE_24 or VMALLOC_MODE_MODERN */
	unsigned int nr_busy, nr_free, nr_lazy;	  /* nodes read (all, even beyond max) */
	uint32_t lazy_pages;			  /* pages on the purge list */
	uint32_t vmap_lazy_nr;			  /* the guest's own count of them */
	int black_height_busy, black_height_free; /* NULL leaves count 1 */
	char msg[240]; /* the first defect, or why there are no trees; "" otherwise */
};

/*
 * Read vmalloc=modern's busy tree into areas[] in address order (first
 * max; node = the vm_struct) and judge both trees and the purge list
 * (shared/kstructs.h).  0: all sound; -EBADMSG: info->msg names the first
 * defect; -ENOENT: the guest lacks the symbols (info->msg says which).
 */
int inspect_read_vmap_trees(const struct guest_kernel *gk, const struct sym_table *syms,
			    struct vm_area *areas, unsigned int max, struct vmap_tree_info *info);

/* A defect of the list in words ("a node visited twice"), for messages. */
const char *vmlist_defect_str(enum vmlist_defect d);

/* ---- diff ---- */

/*
 * What one operation changed in the page tables.  A snapshot holds every
 * PGD and PMD entry of the tables at ctx->cr3 and the PTEs of every present
 * PTE page in a virtual range (the vmalloc range), all read through the
 * walker (above), so it works on the live guest and on synthetic tables
 * alike.  Two snapshots compare entry by entry, keyed by level and virtual
 * address: a changed value is one change "old -> new".
 */

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
 * 0, -EINVAL (bad range or mode), -ENOMEM, or -E2BIG past PT_SNAPSHOT_MAX,
 * with err saying which (CR3, range, count).
 */
int pt_snapshot_take(struct pt_snapshot *s, const struct walk_ctx *ctx, uint64_t pte_start,
		     uint64_t pte_end, char *err, size_t errlen);
/* Release s's entries; safe on a zeroed or freed snapshot. */
void pt_snapshot_free(struct pt_snapshot *s);

/*
 * The entries whose value differs between before and after (an entry that
 * exists on one side only compares against 0), in (level, va) order, into a
 * new array *out (free() it) of *nr; 0 or -ENOMEM (err: how many changes).
 */
int pt_diff(const struct pt_snapshot *before, const struct pt_snapshot *after,
	    struct pt_change **out, size_t *nr, char *err, size_t errlen);

/* "P RW A D G" for an entry at level (PS at PGD/PMD, PAT at PTE); "none" for 0. */
void pt_flags_str(uint64_t value, enum walk_level level, char *buf, size_t len);

/*
 * One change as a line without newline:
 *   PTE c8801000 @0x0012c004: 00000000 -> 0003a163 [P RW A D G]
 * with 16 hex digits per value in PAE, and the flags that flipped in a
 * present entry appended: "(+A +D)".
 */
void pt_change_format(const struct pt_change *c, enum walk_mode mode, char *buf, size_t len);

/* ---- dump ---- */

/*
 * Page-table dumps in formats people already read, built from the walker's
 * results (above), never from walks of their own:
 *
 *  --dump tlb   QEMU monitor "info tlb" (target/i386/monitor.c tlb_info_32 /
 *               tlb_info_pae32, print_pte)
 *  --dump mem   QEMU monitor "info mem" (mem_info_32 / mem_info_pae32,
 *               mem_print)
 *  --vtop ADDR  the crash utility's "vtop" for x86 (memory.c do_vtop,
 *               x86.c x86_kvtop / x86_kvtop_PAE, x86_translate_pte)
 *  /proc/vmallocinfo lines (Linux mm/vmalloc.c s_show)
 *
 * The exact format strings and the source they come from are in dump.c.
 */

/* Every present leaf of [0, 4 GiB) as QEMU's "info tlb"; 0 or -errno with err. */
int dump_tlb(FILE *f, const struct walk_ctx *ctx, char *err, size_t errlen);

/* Merged ranges of equal protection over [0, 4 GiB) as QEMU's "info mem"; 0 or -errno
 * with err. */
int dump_mem(FILE *f, const struct walk_ctx *ctx, char *err, size_t errlen);

/* One walk (from walk()) as crash's "vtop" of a kernel address. */
void dump_vtop(FILE *f, const struct walk_result *res);

/* vm_struct flags as Linux numbers them (include/linux/vmalloc.h). */
#define DUMP_VM_IOREMAP 0x1u
#define DUMP_VM_ALLOC	0x2u
#define DUMP_VM_MAP	0x4u
#define DUMP_VM_USERMAP 0x8u
#define DUMP_VM_VPAGES	0x10u

/*
 * One /proc/vmallocinfo line for an area [start, end), end including the
 * guard page (start + vm_struct.size).  caller: the %pS text ("name+0x1c/0x80",
 * see sym_format_addr()) or NULL; nr_pages 0 prints no "pages=".
 */
void dump_vmallocinfo_line(FILE *f, uint32_t start, uint32_t end, const char *caller,
			   unsigned nr_pages, unsigned flags);

/* ---- check ---- */

/*
 * The checker: the rules of spec/checks.md (A1-A2, M1-M8, P1-P2, T1-T4,
 * V1, H1), and A3 on vmalloc=modern's trees (README "vmalloc=modern"),
 * evaluated against the live guest after each operation.  The areas are
 * vmlist's, or in vmalloc=modern the busy tree's (vmalloc_mode says which).  It reads
 * guest state only through vmm/inspect/inspect.h (symbols + the checked accessor)
 * and the one page-table walker (vmm/inspect/inspect.h); with CHECK_PROBES it also
 * asks the guest to probe addresses through the mailbox, so the guest must
 * be waiting at DB_READY.
 *
 * A violation names the rule, the virtual address, the level and entry it
 * concerns, what was expected and what was found.  Things hardware permits
 * but does not promise (a stale TLB entry used, a global entry surviving a
 * CR3 reload) are observations: reported, never violations.
 */

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

/* The rules, in the order of rule_run[] (check_rule_name() gives their names). */
#define CHECK_NR_RULES 19

struct check_report {
	unsigned int rules_run;				/* how many rules were evaluated */
	unsigned char rule_run[CHECK_NR_RULES];		/* 1: that rule was evaluated */
	unsigned int nr_violations;			/* total, even beyond the array */
	struct check_violation v[CHECK_MAX_VIOLATIONS]; /* the first 32 */
	unsigned int nr_observations;
	char observations[CHECK_MAX_OBSERVATIONS][200]; /* reported, not asserted */
	char err[200]; /* check_guest() < 0: what could not be read, or that time ran out */
	/* The check's cost, in counts that hold on any machine: guest-memory
	 * reads of its page-table walks, and KVM_TRANSLATE calls (M7). */
	uint64_t guest_reads;
	uint64_t translations;
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
/* Free ctx and its history; NULL is fine. */
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

/* "A1", ..., "H1" for 0 <= r < CHECK_NR_RULES (rule_run[] order); NULL otherwise. */
const char *check_rule_name(unsigned int r);

/* One line per violation: rule, va, level, entry addr=value, expected,
 * actual; then the observations. */
void check_report_print(FILE *out, const struct check_report *rep);

#endif /* VMM_INSPECT_INSPECT_H */
