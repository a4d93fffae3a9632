// SPDX-License-Identifier: GPL-2.0
/*
 * The checker's driver (its API in inspect.h): one snapshot is read (check_snap.c),
 * then the rule families judge it (check_areas.c, check_map.c,
 * check_pages.c), then the probes run (check_tlb.c, check_hw.c).
 *
 * The context keeps what one check cannot see by itself: the previous
 * snapshot (areas with their frames and counts, free pages, kmalloc, TLB
 * counters) for P2 and T2/T3, the direct-map entries for M8, and which
 * areas were made by vmalloc_dma/vmalloc_32/vmap (and with which prot) for
 * M5 and M1.  P2, T1-T3 and H1 judge the operation passed in; they assume
 * that nothing else ran in the guest since the previous check_guest().
 */
#include "vmm/inspect/inspect.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/check_int.h"

static const char *const rule_names[R_NR] = {
	"A1", "A2", "A3", "M1", "M2", "M3", "M4", "M5", "M6", "M7",
	"M8", "P1", "P2", "T1", "T2", "T3", "T4", "V1", "H1",
};
_Static_assert(R_NR == CHECK_NR_RULES, "inspect.h's CHECK_NR_RULES counts the rules");

const char *check_rule_name(unsigned int r)
{
	return r < R_NR ? rule_names[r] : NULL;
}

/* ---- Reporting ---- */

void ran(struct check_ctx *ctx, enum rule r)
{
	ctx->rules |= 1u << r;
}

struct check_violation *viol(struct check_ctx *ctx, enum rule r, uint64_t va, int level,
			     uint64_t entry_addr, uint64_t entry_value)
{
	struct check_report *rep = ctx->rep;
	struct check_violation *v = &ctx->overflow;

	ran(ctx, r);
	if (rep->nr_violations < CHECK_MAX_VIOLATIONS)
		v = &rep->v[rep->nr_violations];
	rep->nr_violations++;
	memset(v, 0, sizeof(*v));
	snprintf(v->rule, sizeof(v->rule), "%s", rule_names[r]);
	v->va = va;
	v->level = level;
	v->entry_addr = entry_addr;
	v->entry_value = entry_value;
	return v;
}

/* A violation about the entry where a walk ended (or @level's entry). */
struct check_violation *viol_walk(struct check_ctx *ctx, enum rule r, const struct walk_result *res,
				  int level)
{
	const struct walk_entry *e = NULL;

	if (level >= 0)
		e = walk_entry_at(res, (enum walk_level)level);
	if (!e && res->nr_entries) {
		e = &res->entries[res->nr_entries - 1];
		level = (int)e->level;
	}
	if (!e)
		return viol(ctx, r, res->va, -1, 0, 0);
	return viol(ctx, r, res->va, level, e->addr, e->value);
}

void set_text(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void observe(struct check_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (rep->nr_observations >= CHECK_MAX_OBSERVATIONS)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->observations[rep->nr_observations++], sizeof(rep->observations[0]), fmt, ap);
	va_end(ap);
}

static const char *level_str(int level)
{
	return level < 0 ? "-" : walk_level_name((enum walk_level)level);
}

void check_report_print(FILE *out, const struct check_report *rep)
{
	unsigned int i, n = rep->nr_violations < CHECK_MAX_VIOLATIONS ? rep->nr_violations
								      : CHECK_MAX_VIOLATIONS;

	for (i = 0; i < n; i++) {
		const struct check_violation *v = &rep->v[i];

		fprintf(out,
			"%s va=0x%08" PRIx64 " level=%s entry 0x%" PRIx64 "=0x%" PRIx64
			": expected %s; actual %s\n",
			v->rule, v->va, level_str(v->level), v->entry_addr, v->entry_value,
			v->expected, v->actual);
	}
	if (rep->nr_violations > n)
		fprintf(out, "(%u more violations not shown)\n", rep->nr_violations - n);
	for (i = 0; i < rep->nr_observations && i < CHECK_MAX_OBSERVATIONS; i++)
		fprintf(out, "observation: %s\n", rep->observations[i]);
}

/* ---- Helpers shared by the rule files ---- */

int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

int check_stopped(struct check_ctx *ctx)
{
	if (!__atomic_load_n(&ctx->vm->timed_out, __ATOMIC_SEQ_CST))
		return 0;
	if (ctx->rep && !ctx->rep->err[0])
		snprintf(ctx->rep->err, sizeof(ctx->rep->err),
			 "check stopped: --timeout (%u s) ran out while the host was checking",
			 ctx->vm->cfg.timeout_sec);
	return -ETIMEDOUT;
}

bool table_entry_bad(uint64_t e)
{
	return (e & (_PAGE_FLAGS_MASK & ~_PAGE_USER)) != _KERNPG_TABLE;
}

/* hist[] is kept sorted by addr: lookups are O(log n) with 100,000 areas too. */
static size_t hist_pos(const struct check_ctx *ctx, uint32_t addr)
{
	size_t lo = 0, hi = ctx->nr_hist;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->hist[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct area_hist *hist_find(const struct check_ctx *ctx, uint32_t addr)
{
	size_t i = hist_pos(ctx, addr);

	return i < ctx->nr_hist && ctx->hist[i].addr == addr ? &ctx->hist[i] : NULL;
}

static void hist_remove(struct check_ctx *ctx, uint32_t addr)
{
	size_t i = hist_pos(ctx, addr);

	if (i >= ctx->nr_hist || ctx->hist[i].addr != addr)
		return;
	memmove(&ctx->hist[i], &ctx->hist[i + 1], (ctx->nr_hist - i - 1) * sizeof(ctx->hist[0]));
	ctx->nr_hist--;
}

static int hist_add(struct check_ctx *ctx, const struct area_hist *h)
{
	size_t i;

	hist_remove(ctx, h->addr);
	if (grow((void **)&ctx->hist, &ctx->cap_hist, ctx->nr_hist + 1, sizeof(*h)))
		return -ENOMEM;
	i = hist_pos(ctx, h->addr);
	memmove(&ctx->hist[i + 1], &ctx->hist[i], (ctx->nr_hist - i) * sizeof(ctx->hist[0]));
	ctx->hist[i] = *h;
	ctx->nr_hist++;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct area_key *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int snap_index(struct snapshot *s)
{
	uint64_t max_end = 0;
	unsigned int i;

	if (s->nr_areas > s->cap_keys) {
		struct area_key *k = realloc(s->keys, s->nr_areas * sizeof(*k));
		bool *o;

		if (!k)
			return -ENOMEM;
		s->keys = k;
		o = realloc(s->overlapped, s->nr_areas * sizeof(*o));
		if (!o)
			return -ENOMEM;
		s->overlapped = o;
		s->cap_keys = s->nr_areas;
	}
	for (i = 0; i < s->nr_areas; i++)
		s->keys[i] = (struct area_key){ s->areas[i].addr, i, 0 };
	if (s->nr_areas)
		qsort(s->keys, s->nr_areas, sizeof(*s->keys), key_cmp);
	for (i = 0; i < s->nr_areas; i++) {
		const struct vm_area *a = &s->areas[s->keys[i].idx];
		uint64_t end = (uint64_t)a->addr + a->size;

		/* Starting on the previous area's guard page is A2's defect, still walked. */
		s->overlapped[s->keys[i].idx] = i && a->addr + (uint64_t)PAGE_SIZE < max_end;
		if (end > max_end)
			max_end = end;
		s->keys[i].max_end = max_end;
	}
	return 0;
}

/* Keys [0, result) have addr <= va (or < va when strict). */
static unsigned int keys_upto(const struct snapshot *s, uint64_t va, bool strict)
{
	unsigned int lo = 0, hi = s->nr_areas;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (strict ? s->keys[mid].addr < va : s->keys[mid].addr <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first area in vmlist order that starts at addr. */
const struct vm_area *snap_area_at(const struct snapshot *s, uint32_t addr, unsigned int *idx)
{
	unsigned int i = keys_upto(s, addr, true);

	if (i >= s->nr_areas || s->keys[i].addr != addr)
		return NULL;
	if (idx)
		*idx = s->keys[i].idx;
	return &s->areas[s->keys[i].idx];
}

bool in_some_area(const struct snapshot *s, uint64_t va)
{
	unsigned int i;

	if (!s->vmlist_ok)
		return false;
	i = keys_upto(s, va, false);
	return i && s->keys[i - 1].max_end > va;
}

/* An area whose pages can be enumerated (A1's geometry holds). */
bool area_sane(const struct check_ctx *ctx, const struct vm_area *a)
{
	return a->addr >= ctx->vstart && (uint64_t)a->addr + a->size <= VMALLOC_END &&
	       a->size >= PAGE_SIZE && !((a->addr | a->size) & (PAGE_SIZE - 1));
}

bool area_walked(const struct check_ctx *ctx, const struct snapshot *s, unsigned int idx)
{
	return area_sane(ctx, &s->areas[idx]) && !s->overlapped[idx];
}

void m7_sampler_init(struct m7_sampler *sm, uint64_t nr_pages)
{
	sm->stride = nr_pages <= CHECK_M7_ALL_PAGES
			     ? 1
			     : (nr_pages + CHECK_M7_ALL_PAGES - 1) / CHECK_M7_ALL_PAGES;
	sm->seen = 0;
	sm->areas = 0;
}

bool m7_take(struct m7_sampler *sm, bool first_or_last)
{
	bool take = sm->seen++ % sm->stride == 0;

	return take || (first_or_last && sm->areas < CHECK_M7_ALL_PAGES / 2);
}

/* ---- History from the operation (M5, VM_MAP prot) ---- */

static void record_op(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *s)
{
	struct area_hist h = { 0 };
	size_t i;

	if (op && op->status == ST_OK) {
		h.addr = op->results[0];
		h.cmd = op->cmd;
		switch (op->cmd) {
		case CMD_VMALLOC_DMA:
			h.limit = ZONE_DMA_LIMIT;
			hist_add(ctx, &h);
			break;
		case CMD_VMALLOC_32:
			h.limit = ZONE_NORMAL_LIMIT;
			hist_add(ctx, &h);
			break;
		case CMD_VMAP:
			h.limit = op->args[1] == ZONE_DMA      ? ZONE_DMA_LIMIT
				  : op->args[1] == ZONE_NORMAL ? ZONE_NORMAL_LIMIT
							       : 0;
			h.prot_known = true;
			h.prot = (op->args[2] || op->args[3])
					 ? ((uint64_t)op->args[3] << 32 | op->args[2])
					 : ctx->pte_kernel;
			hist_add(ctx, &h);
			break;
		case CMD_VMALLOC:
		case CMD_GET_VM_AREA:
			hist_remove(ctx, h.addr);
			break;
		case CMD_VFREE:
			if (op->results[0] == 1)
				hist_remove(ctx, op->args[0]);
			break;
		default:
			break;
		}
	}
	/* Forget areas that are gone, whoever freed them (order kept: hist stays sorted). */
	if (!s->vmlist_ok)
		return;
	size_t n = 0;

	for (i = 0; i < ctx->nr_hist; i++)
		if (snap_area_at(s, ctx->hist[i].addr, NULL))
			ctx->hist[n++] = ctx->hist[i];
	ctx->nr_hist = n;
}

/* ---- The check ---- */

static void snap_reset(struct snapshot *s)
{
	s->valid = false;
	s->vmlist_ok = false;
	s->modern = false;
	s->vmlist_head = 0;
	s->vr.nr_free = s->vr.nr_lazy = 0;
	s->vr.purges_ok = false;
	s->sorted = false;
	s->nr_areas = 0;
	s->nr_frames = 0;
	s->cnt_ok = false;
	s->nr_pt_pages = 0;
}

/* Reading: one snapshot of everything the static rules judge. */
static int take_snapshot(struct check_ctx *ctx, const struct check_op *op,
			 const struct snapshot *prev, struct snapshot *s, bool judging)
{
	int ret;

	ret = snap_setup(ctx);
	if (ret)
		return ret;
	snap_reset(s);
	ret = snap_areas(ctx, s);
	if (ret)
		return ret;
	s->cnt_ok = inspect_read_counters(&ctx->gk, &s->cnt, NULL, 0) == 0;
	record_op(ctx, op, s);
	ret = snap_tables(ctx, s, judging);
	if (!ret)
		ret = snap_pages(ctx, s, judging);
	if (!ret && judging)
		ret = snap_freed(ctx, prev, s);
	if (!ret)
		ret = snap_m8(ctx);
	return ret;
}

/* Judging: the static rules, on the snapshot alone (and the previous one). */
static int judge_static(struct check_ctx *ctx, const struct check_op *op,
			const struct snapshot *prev, const struct snapshot *s)
{
	static const enum rule static_rules[] = { R_A1, R_M6 };
	static const enum rule area_rules[] = { R_A2, R_M1, R_M2, R_M3, R_M4, R_M5, R_M7, R_P1 };
	unsigned int i;
	int ret;

	/* The static rules count as run here, once, whether or not there is an area to check. */
	for (i = 0; i < ARRAY_SIZE(static_rules); i++)
		ran(ctx, static_rules[i]);
	for (i = 0; s->vmlist_ok && i < ARRAY_SIZE(area_rules); i++)
		ran(ctx, area_rules[i]);
	judge_areas(ctx, s);
	judge_tables(ctx, s);
	if (s->vmlist_ok) {
		judge_pages(ctx, s);
		ret = judge_frames(ctx, s);
		if (ret)
			return ret;
		judge_p1(ctx, s);
		judge_m7(ctx);
	}
	judge_m8(ctx);
	if (op)
		return judge_p2(ctx, op, prev, s);
	return 0;
}

static int check_run(struct check_ctx *ctx, const struct check_op *op, unsigned flags)
{
	struct snapshot *prev = &ctx->snap[ctx->cur], *s = &ctx->snap[ctx->cur ^ 1];
	bool judging = flags & CHECK_STATIC;
	const struct check_op *sop = op;
	struct check_op vf;
	int ret;

	/* A hot vfree is a vfree to every rule but T2/T4, which read its evidence. */
	if (op && op->cmd == CMD_VFREE_HOT) {
		vf = *op;
		vf.cmd = CMD_VFREE;
		sop = &vf;
	}
	ret = take_snapshot(ctx, sop, prev, s, judging);
	if (!ret && judging)
		ret = judge_static(ctx, sop, prev, s);
	if (!ret && judging && op)
		judge_v1(ctx, sop, s);
	/* M8 compares with the entries read now from here on. */
	free(ctx->m8);
	ctx->m8 = ctx->m8_now;
	ctx->m8_nr = ctx->m8_now_nr;
	ctx->m8_now = NULL;
	ctx->m8_valid = ctx->m8 != NULL;
	if (ret)
		return ret;

	if ((flags & CHECK_PROBES) && op) {
		ret = run_probes(ctx, op, prev, s);
		if (ret)
			return ret;
		/* The probes ran in the guest: take its counters (and any new page table) again. */
		s->cnt_ok = inspect_read_counters(&ctx->gk, &s->cnt, NULL, 0) == 0;
		/*
		 * vmalloc=modern: a probe sequence's vfree leaves a range pending
		 * (busy areas stay as read): P2 and T2 compare with the trees now.
		 */
		if (s->modern && s->vmlist_ok)
			s->vmlist_ok = vmap_trees_read(&ctx->gk, &ctx->vsyms, NULL, 0, &s->vr,
						       &s->tinfo) == 0;
		ret = snap_tables(ctx, s, false);
		if (ret)
			return ret;
	}
	if (ctx->vm->nr_vcpus > 1)
		ctx->ipi_prev_ok = read_ipi_flushes(ctx, ctx->ipi_prev) == 0;
	ret = v1_record(ctx);
	if (ret)
		return ret;
	s->valid = true;
	ctx->cur ^= 1;
	return 0;
}

int check_guest(struct check_ctx *ctx, const struct check_op *op, unsigned flags,
		struct check_report *rep)
{
	unsigned int r;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ctx->rep = rep;
	ctx->rules = 0;
	ret = check_run(ctx, op, flags);
	if (ret)
		ctx->v1.valid = false; /* what V1 recorded may be older than this check */
	for (r = 0; r < R_NR; r++) {
		rep->rule_run[r] = (ctx->rules >> r) & 1;
		rep->rules_run += rep->rule_run[r];
	}
	if (ret && !rep->err[0])
		snprintf(rep->err, sizeof(rep->err), "reading the guest's kernel state failed: %s",
			 strerror(-ret));
	ctx->rep = NULL;
	return ret;
}

int check_ctx_init(struct check_ctx **out, struct vm *vm, const struct sym_table *syms, char *err,
		   size_t errlen)
{
	struct check_report *quiet;
	struct check_ctx *ctx;
	int ret;

	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	quiet = malloc(sizeof(*quiet));
	if (!ctx || !quiet) {
		snprintf(err, errlen, "out of memory for the checker");
		ret = -ENOMEM;
		goto fail;
	}
	ctx->vm = vm;
	if (!syms || !syms->nr) {
		snprintf(err, errlen, "the guest has no symbol table: inspection off");
		ret = -ENOENT;
		goto fail;
	}
	ret = inspect_init(&ctx->gk, vm, syms, err, errlen);
	if (ret)
		goto fail;
	if (sym_lookup(syms, "smp_ipi_flushes", &ctx->ipi_flushes_kva, &ctx->ipi_flushes_size))
		ctx->ipi_flushes_kva = 0;
	ctx->have_vsyms = vmap_syms_find(syms, &ctx->vsyms, quiet->err, sizeof(quiet->err)) == 0;
	/* The first snapshot: what P2 and M8 compare the next check with. */
	ret = check_guest(ctx, NULL, 0, quiet);
	if (ret) {
		snprintf(err, errlen, "%s", quiet->err);
		goto fail;
	}
	free(quiet);
	*out = ctx;
	return 0;
fail:
	free(quiet);
	check_ctx_free(ctx);
	return ret;
}

void check_ctx_free(struct check_ctx *ctx)
{
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < 2; i++) {
		free(ctx->snap[i].areas);
		free(ctx->snap[i].frames);
		free(ctx->snap[i].keys);
		free(ctx->snap[i].overlapped);
		free(ctx->snap[i].vr.free);
		free(ctx->snap[i].vr.lazy);
	}
	free(ctx->m8);
	free(ctx->m8_now);
	free(ctx->hist);
	free(ctx->pages);
	free(ctx->m7);
	free(ctx->tables);
	free(ctx->pt_pfns);
	free(ctx->odd);
	free(ctx->v1.e);
	free(ctx);
}

int frame_cmp(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}
