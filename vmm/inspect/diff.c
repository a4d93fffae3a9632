// SPDX-License-Identifier: GPL-2.0
#include "vmm/inspect/inspect.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/mmu.h"
#include "vmm/core/core.h"

static int snap_add(struct pt_snapshot *s, enum walk_level level, uint64_t va,
		    const struct walk_entry *we)
{
	if (s->nr == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct pt_snap_entry *e;

		if (s->nr >= PT_SNAPSHOT_MAX)
			return -E2BIG;
		e = realloc(s->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		s->e = e;
		s->cap = cap;
	}
	s->e[s->nr++] = (struct pt_snap_entry){
		.va = va, .addr = we->addr, .value = we->value, .level = level
	};
	return 0;
}

/* The PTEs of the PTE page the walk of va reached, for the pages in [start, end). */
static int snap_ptes(struct pt_snapshot *s, const struct walk_ctx *ctx, uint64_t start,
		     uint64_t end)
{
	struct walk_result r;
	uint64_t va;
	int ret;

	for (va = start; va < end; va += PAGE_SIZE) {
		const struct walk_entry *we;

		walk(ctx, va, &r);
		we = walk_entry_at(&r, WALK_PTE);
		if (!we)
			continue;
		ret = snap_add(s, WALK_PTE, va, we);
		if (ret)
			return ret;
	}
	return 0;
}

static int snap_cmp(const void *a, const void *b)
{
	const struct pt_snap_entry *x = a, *y = b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}

int pt_snapshot_take(struct pt_snapshot *s, const struct walk_ctx *ctx, uint64_t pte_start,
		     uint64_t pte_end, char *err, size_t errlen)
{
	uint64_t pgd_span, pmd_span, va, top = 1ull << 32;
	unsigned int i, j, nr_pgd, nr_pmd;
	struct walk_result r;
	int ret = 0;

	pt_snapshot_free(s);
	if ((ctx->mode != WALK_2LEVEL && ctx->mode != WALK_PAE) || pte_start > pte_end ||
	    pte_end > top)
		return vmm_errf(err, errlen, -EINVAL,
				"page-table snapshot: bad paging mode %d or PTE range [0x%" PRIx64
				", 0x%" PRIx64 ")",
				(int)ctx->mode, pte_start, pte_end);
	s->mode = ctx->mode;
	s->cr3 = ctx->cr3;
	pgd_span = walk_level_span(ctx->mode, WALK_PGD);
	pmd_span = walk_level_span(ctx->mode, WALK_PMD);
	nr_pgd = (unsigned int)(top / pgd_span);
	nr_pmd = ctx->mode == WALK_PAE ? (unsigned int)(pgd_span / pmd_span) : 0;

	for (i = 0; i < nr_pgd && !ret; i++) {
		const struct walk_entry *we;

		va = (uint64_t)i * pgd_span;
		walk(ctx, va, &r);
		we = walk_entry_at(&r, WALK_PGD);
		if (!we)
			continue;
		ret = snap_add(s, WALK_PGD, va, we);
		if (ret || !walk_entry_at(&r, WALK_PMD))
			continue;
		for (j = 0; j < nr_pmd && !ret; j++) {
			uint64_t pva = va + (uint64_t)j * pmd_span;

			walk(ctx, pva, &r);
			we = walk_entry_at(&r, WALK_PMD);
			if (we && !we->folded)
				ret = snap_add(s, WALK_PMD, pva, we);
		}
	}
	/* One walk per PMD-sized slice tells whether a PTE page is there at all. */
	for (va = pte_start & ~(pmd_span - 1); va < pte_end && !ret; va += pmd_span) {
		uint64_t lo = va < pte_start ? pte_start : va;
		uint64_t hi = va + pmd_span < pte_end ? va + pmd_span : pte_end;

		walk(ctx, lo, &r);
		if (walk_entry_at(&r, WALK_PTE))
			ret = snap_ptes(s, ctx, lo & ~(uint64_t)(PAGE_SIZE - 1), hi);
	}
	if (ret) {
		size_t nr = s->nr;

		pt_snapshot_free(s);
		if (ret == -E2BIG)
			return vmm_errf(err, errlen, ret,
					"page-table snapshot at CR3 0x%" PRIx64
					": more than %u entries (hostile tables)",
					ctx->cr3, PT_SNAPSHOT_MAX);
		return vmm_errf(err, errlen, ret,
				"page-table snapshot at CR3 0x%" PRIx64
				": out of memory after %zu entries",
				ctx->cr3, nr);
	}
	if (s->nr) /* s->e is NULL when nothing was read (CR3 outside RAM) */
		qsort(s->e, s->nr, sizeof(*s->e), snap_cmp);
	return 0;
}

void pt_snapshot_free(struct pt_snapshot *s)
{
	free(s->e);
	s->e = NULL;
	s->nr = s->cap = 0;
}

static int change_add(struct pt_change **out, size_t *nr, size_t *cap, const struct pt_change *c)
{
	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct pt_change *n = realloc(*out, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		*out = n;
		*cap = ncap;
	}
	(*out)[(*nr)++] = *c;
	return 0;
}

int pt_diff(const struct pt_snapshot *before, const struct pt_snapshot *after,
	    struct pt_change **out, size_t *nr, char *err, size_t errlen)
{
	size_t i = 0, j = 0, cap = 0;
	int ret = 0;

	*out = NULL;
	*nr = 0;
	while ((i < before->nr || j < after->nr) && !ret) {
		const struct pt_snap_entry *a = i < before->nr ? &before->e[i] : NULL;
		const struct pt_snap_entry *b = j < after->nr ? &after->e[j] : NULL;
		int cmp = !a ? 1 : !b ? -1 : snap_cmp(a, b);
		struct pt_change c;

		if (cmp < 0) { /* gone: compare with 0 */
			c = (struct pt_change){ a->level, a->va, a->addr, a->value, 0 };
			i++;
		} else if (cmp > 0) { /* new */
			c = (struct pt_change){ b->level, b->va, b->addr, 0, b->value };
			j++;
		} else {
			c = (struct pt_change){ b->level, b->va, b->addr, a->value, b->value };
			i++;
			j++;
		}
		if (c.old_value != c.new_value)
			ret = change_add(out, nr, &cap, &c);
	}
	if (ret) {
		vmm_errf(err, errlen, ret, "page-table diff: out of memory after %zu changes", *nr);
		free(*out);
		*out = NULL;
		*nr = 0;
	}
	return ret;
}

struct flag_name {
	uint64_t bit;
	const char *name;
};

static const struct flag_name flag_names[] = {
	{ _PAGE_PRESENT, "P" }, { _PAGE_RW, "RW" },	 { _PAGE_USER, "US" }, { _PAGE_PWT, "PWT" },
	{ _PAGE_PCD, "PCD" },	{ _PAGE_ACCESSED, "A" }, { _PAGE_DIRTY, "D" }, { _PAGE_PSE, "PS" },
	{ _PAGE_GLOBAL, "G" },	{ _PAGE_NX, "NX" },
};

static const char *flag_name(const struct flag_name *f, enum walk_level level)
{
	return f->bit == _PAGE_PSE && level == WALK_PTE ? "PAT" : f->name;
}

static void append(char *buf, size_t len, size_t *pos, const char *s)
{
	int n = snprintf(buf + *pos, len - *pos, "%s", s);

	if (n > 0)
		*pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

void pt_flags_str(uint64_t value, enum walk_level level, char *buf, size_t len)
{
	size_t i, pos = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (!value) {
		append(buf, len, &pos, "none");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (!(value & flag_names[i].bit))
			continue;
		if (pos)
			append(buf, len, &pos, " ");
		append(buf, len, &pos, flag_name(&flag_names[i], level));
	}
	if (!pos)
		append(buf, len, &pos, "not present");
}

void pt_change_format(const struct pt_change *c, enum walk_mode mode, char *buf, size_t len)
{
	int width = mode == WALK_PAE ? 16 : 8;
	char flags[80], flips[80];
	size_t i, pos = 0;

	pt_flags_str(c->new_value, c->level, flags, sizeof(flags));
	flips[0] = '\0';
	if ((c->old_value & _PAGE_PRESENT) && (c->new_value & _PAGE_PRESENT)) {
		uint64_t diff = c->old_value ^ c->new_value;

		for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
			char one[16];

			if (!(diff & flag_names[i].bit))
				continue;
			snprintf(one, sizeof(one), "%s%c%s", pos ? " " : "(",
				 c->new_value & flag_names[i].bit ? '+' : '-',
				 flag_name(&flag_names[i], c->level));
			append(flips, sizeof(flips), &pos, one);
		}
		if (pos)
			append(flips, sizeof(flips), &pos, ")");
	}
	snprintf(buf, len, "%s %08llx @0x%08llx: %0*llx -> %0*llx [%s]%s%s",
		 walk_level_name(c->level), (unsigned long long)c->va, (unsigned long long)c->addr,
		 width, (unsigned long long)c->old_value, width, (unsigned long long)c->new_value,
		 flags, pos ? " " : "", flips);
}
