/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the checker (included only by vmm/inspect/check*.c).  A check has
 * two phases:
 *  - reading (check_snap.c): one snapshot of the guest -- vmlist (or
 *    vmalloc=modern's busy tree, free tree and purge list), the walks
 *    of every area page, the page tables of the vmalloc range, the entries
 *    outside it (M8), mem_map counts, counters, KVM's translations of the
 *    M7 sample -- taken through the kstate readers and the walker, judging nothing;
 *  - judging (check_areas.c, check_map.c, check_pages.c): the rules as pure
 *    functions of that snapshot (and of the previous one for P2, M8).
 * The probe rules (check_tlb.c, check_hw.c) act in the guest, so each of
 * their probes is its own evidence and is judged as it comes back.
 */
#ifndef VMM_CHECK_INT_H
#define VMM_CHECK_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/abi.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

enum rule {
	R_A1,
	R_A2,
	R_A3,
	R_M1,
	R_M2,
	R_M3,
	R_M4,
	R_M5,
	R_M6,
	R_M7,
	R_M8,
	R_P1,
	R_P2,
	R_T1,
	R_T2,
	R_T3,
	R_T4,
	R_V1,
	R_H1,
	R_NR
};

/* A mapped page of an area, as seen at one check. */
struct frame {
	uint32_t va;
	uint32_t area; /* index into snapshot.areas */
	uint64_t pfn;
	int32_t count;	   /* mem_map[pfn].count then (INT32_MIN: outside mem_map) */
	uint32_t pg_flags; /* mem_map[pfn].flags then */
};

/* One page of an area (guard included) as the walker saw it in swapper_pg_dir. */
struct page_rec {
	uint32_t area;
	bool guard;
	struct walk_result res;
};

/* M7 evidence for one sampled page: the walker on vCPU 0's CR3 and KVM_TRANSLATE. */
struct m7_rec {
	struct walk_result res;
	bool valid;
	uint64_t kpa;
};

/* A page-table page of the vmalloc range (or the PAE PMD page of the top GiB). */
struct table_rec {
	uint64_t va; /* first address the entry covers */
	int level;   /* level of the entry pointing at it */
	uint64_t eaddr, e;
	uint64_t pa;
	bool in_ram;
	int pg_ret; /* inspect_read_page(, NULL, 0) on it (pa < lowmem_end only) */
	struct guest_page pg;
};

/* A PMD-level entry of the vmalloc range that is not a table in RAM. */
enum odd_kind {
	ODD_PDPT_BAD,  /* PAE: PDPT entry 3 absent, reserved or outside RAM */
	ODD_NOT_NONE,  /* not present but not none */
	ODD_LARGE,     /* a large page */
	ODD_RESERVED,  /* reserved bits set (pa: which) */
	ODD_STRAY_PTE, /* a present PTE outside every area */
};

struct odd_rec {
	enum odd_kind kind;
	uint64_t va;
	int level;
	uint64_t eaddr, e, pa;
};

/* An M8 entry: where it is, what it holds, the address it maps and its level. */
struct entry_snap {
	uint64_t addr, value, va;
	int level;
};

/* An area by address, for lookups in O(log n) whatever order vmlist has. */
struct area_key {
	uint32_t addr;
	uint32_t idx;	  /* into snapshot.areas */
	uint64_t max_end; /* the highest end of keys[0..this] */
};

/* A range [start, end) of the modern allocator's free tree or purge list. */
struct vmap_range {
	uint32_t start, end;
};

/* vmalloc=modern's symbols (shared/kstructs.h), as kernel virtual addresses. */
struct vmap_syms {
	uint64_t mode, busy, free, purge, lazy, stats;
};

/* What vmap_trees_read() keeps beside the busy areas (arrays grown by it). */
struct vmap_read {
	struct vmap_range *free, *lazy; /* free blocks in address order; purge list order */
	size_t nr_free, cap_free, nr_lazy, cap_lazy;
	uint32_t purges; /* vmap_stats[VMAP_STAT_PURGES] */
	bool purges_ok;
};

struct snapshot {
	bool valid;
	/*
	 * The areas read and sound: vmlist (2.4), or the busy tree with the
	 * free tree and the purge list (modern; A3 judges them).
	 */
	bool vmlist_ok;
	bool modern;	      /* vmalloc_mode was VMALLOC_MODE_MODERN */
	uint32_t vmlist_head; /* modern: the guest's vmlist (must stay NULL) */
	struct vmap_tree_info tinfo;
	struct vmap_read vr;
	bool sorted; /* areas in address order, as vmlist should be */
	struct vmlist_info vinfo;
	struct vm_area *areas;
	unsigned int nr_areas, cap_areas;
	/*
	 * snap_index(): areas sorted by (addr, index), and by index whether an
	 * area starts inside one before it in address order, past that one's
	 * guard page.  Such an area (A1 reports it) is not walked: every other
	 * area's pages past its first lie beyond the ends of all areas before
	 * it, so a check walks at most the pages of the vmalloc range plus one
	 * per area, however the guest lays out vmlist.
	 */
	struct area_key *keys;
	bool *overlapped;
	unsigned int cap_keys;
	struct frame *frames;
	size_t nr_frames, cap_frames;
	struct guest_counters cnt;
	bool cnt_ok;
	unsigned int nr_pt_pages; /* page tables of the vmalloc range */
};

/* What an operation said about an area that the area itself does not. */
struct area_hist {
	uint32_t addr;
	uint32_t cmd;	/* CMD_VMALLOC_DMA, CMD_VMALLOC_32, CMD_VMAP */
	uint64_t limit; /* frames must lie below (0: anywhere) */
	bool prot_known;
	uint64_t prot; /* CMD_VMAP's prot (PAGE_KERNEL when 0/0) */
};

struct check_ctx {
	struct vm *vm;
	struct guest_kernel gk;
	struct vmap_syms vsyms;
	bool have_vsyms;	  /* the guest has vmalloc=modern's symbols */
	uint64_t ipi_flushes_kva; /* smp_ipi_flushes[] (0: the guest has none) */
	uint64_t ipi_flushes_size;

	struct snapshot snap[2];
	unsigned int cur; /* snap[cur] is the latest */

	struct entry_snap *m8;
	size_t m8_nr;
	bool m8_valid;

	struct area_hist *hist; /* sorted by addr */
	size_t nr_hist, cap_hist;

	bool stale_done;
	struct check_violation overflow;

	/* The guest's smp_ipi_flushes[] at the end of the last check (T4). */
	uint32_t ipi_prev[VM_MAX_VCPUS];
	bool ipi_prev_ok;

	/* Per check. */
	struct check_report *rep;
	unsigned int rules;
	struct walk_ctx kwc; /* from swapper_pg_dir */
	struct walk_ctx vwc; /* vCPU 0 as it is */
	bool same_cr3;
	uint64_t pte_kernel; /* PAGE_KERNEL here: flags and NX */
	/*
	 * VMALLOC_START the rules use: the guest's vmalloc_start, or when that
	 * lies outside [high_memory, VMALLOC_END) or is not page aligned
	 * (vstart_bad: A1 reports vstart_guest), VMALLOC_START_FOR(high_memory),
	 * so the scans stay in the kernel's part of the address space.
	 */
	uint32_t vstart;
	uint32_t vstart_guest;
	bool vstart_bad;
	uint64_t lowmem_end, max_mapnr;

	/* This check's reading, reused from check to check (judged, then dropped). */
	struct page_rec *pages;
	size_t nr_pages, cap_pages;
	struct m7_rec *m7;
	size_t nr_m7, cap_m7;
	struct table_rec *tables;
	size_t nr_tables, cap_tables;
	uint64_t *pt_pfns; /* sorted pfns of tables[] */
	struct odd_rec *odd;
	size_t nr_odd, cap_odd;
	struct entry_snap *m8_now;
	size_t m8_now_nr;

	/*
	 * V1: at the end of the last check, the PGD (2-level) or PMD (PAE)
	 * entries over the vmalloc range in vCPU 0's address space when that
	 * was not swapper_pg_dir: what a touch found there before it ran.
	 */
	struct {
		bool valid;
		uint64_t cr3;
		uint32_t base; /* va of v1.e[0] */
		uint64_t *e;
		size_t nr, cap;
	} v1;
};

/* check.c: reporting, helpers shared by the rule files. */
void ran(struct check_ctx *ctx, enum rule r);
struct check_violation *viol(struct check_ctx *ctx, enum rule r, uint64_t va, int level,
			     uint64_t entry_addr, uint64_t entry_value);
struct check_violation *viol_walk(struct check_ctx *ctx, enum rule r, const struct walk_result *res,
				  int level);
void __attribute__((format(printf, 3, 4))) set_text(char *buf, size_t len, const char *fmt, ...);
#define EXPECT(v, ...) set_text((v)->expected, sizeof((v)->expected), __VA_ARGS__)
#define ACTUAL(v, ...) set_text((v)->actual, sizeof((v)->actual), __VA_ARGS__)
void __attribute__((format(printf, 2, 3))) observe(struct check_report *rep, const char *fmt, ...);
int grow(void **arr, size_t *cap, size_t need, size_t elem);
/* qsort order of struct frame: by pfn, then by va (M4's duplicates, P2's frames). */
int frame_cmp(const void *a, const void *b);
/* -ETIMEDOUT (with rep->err set) once --timeout expired; polled in the long loops. */
int check_stopped(struct check_ctx *ctx);
const struct area_hist *hist_find(const struct check_ctx *ctx, uint32_t addr);
const struct vm_area *snap_area_at(const struct snapshot *s, uint32_t addr, unsigned int *idx);
bool in_some_area(const struct snapshot *s, uint64_t va);
bool area_sane(const struct check_ctx *ctx, const struct vm_area *a);
/* area_sane() and not overlapped: its pages are walked. */
bool area_walked(const struct check_ctx *ctx, const struct snapshot *s, unsigned int idx);
/* Build s->keys and s->overlapped from s->areas; 0 or -ENOMEM. */
int snap_index(struct snapshot *s);
/* The guest's pmd_bad(): not exactly _KERNPG_TABLE apart from _PAGE_USER. */
bool table_entry_bad(uint64_t e);

/*
 * The M7 sample (documented in inspect.h): every page when an area set has
 * at most CHECK_M7_ALL_PAGES pages; otherwise each area's first and last
 * page (for the first CHECK_M7_ALL_PAGES / 2 areas) and every stride-th
 * page counted over all of them.
 */
struct m7_sampler {
	uint64_t stride; /* 1: every page */
	uint64_t seen;	 /* pages counted so far */
	unsigned int areas;
};
void m7_sampler_init(struct m7_sampler *sm, uint64_t nr_pages);
bool m7_take(struct m7_sampler *sm, bool first_or_last);

/* check_snap.c: reading. */
int snap_setup(struct check_ctx *ctx);
int snap_areas(struct check_ctx *ctx, struct snapshot *s);
int snap_tables(struct check_ctx *ctx, struct snapshot *s, bool strays);
int snap_pages(struct check_ctx *ctx, struct snapshot *s, bool m7);
int snap_freed(struct check_ctx *ctx, const struct snapshot *prev, const struct snapshot *s);
int snap_m8(struct check_ctx *ctx);
int read_ipi_flushes(struct check_ctx *ctx, uint32_t *out);

/* check_areas.c: A1, A2, A3. */
void judge_areas(struct check_ctx *ctx, const struct snapshot *s);
/* The objects kmalloc holds for the modern allocator's areas, blocks and pending ranges. */
int64_t vmap_objects(const struct snapshot *s);
/* The index in s->vr.lazy of the pending range starting at addr, or -1. */
long lazy_at(const struct snapshot *s, uint32_t addr);

/* check_tree.c: vmalloc=modern's trees. */
/* Find the symbols: 0, or -ENOENT with msg naming the one missing. */
int vmap_syms_find(const struct sym_table *syms, struct vmap_syms *k, char *msg, size_t len);
/* inspect_read_vmap_trees() on found symbols, keeping free blocks, pending ranges in out (may be
 * NULL): 0, -EBADMSG (info->msg names the defect) or -ENOMEM. */
int vmap_trees_read(const struct guest_kernel *gk, const struct vmap_syms *k, struct vm_area *areas,
		    unsigned int max, struct vmap_read *out, struct vmap_tree_info *info);
/* check_map.c: M1-M8. */
void judge_tables(struct check_ctx *ctx, const struct snapshot *s);
void judge_pages(struct check_ctx *ctx, const struct snapshot *s);
int judge_frames(struct check_ctx *ctx, const struct snapshot *s);
void judge_m7(struct check_ctx *ctx);
void judge_m8(struct check_ctx *ctx);
/* check_pages.c: P1, P2. */
void judge_p1(struct check_ctx *ctx, const struct snapshot *s);
int judge_p2(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
	     const struct snapshot *s);
/* check_tlb.c: T1-T4 (and H1 through check_h1) with the guest's probes. */
int run_probes(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
	       const struct snapshot *s);
int probe(struct check_ctx *ctx, unsigned int cpu, uint32_t va, enum probe_kind kind,
	  uint32_t value, struct guest_probe *p);
/* check_fault.c: V1 after a CMD_TOUCH, and the entries it compares with next time. */
void judge_v1(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *s);
int v1_record(struct check_ctx *ctx);
/* check_hw.c: H1. */
int check_h1(struct check_ctx *ctx, uint32_t va, uint64_t prot);

#endif /* VMM_CHECK_INT_H */
