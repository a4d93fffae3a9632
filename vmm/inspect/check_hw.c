// SPDX-License-Identifier: GPL-2.0
/* H1 (spec/checks.md): the hardware's own evidence, the accessed and dirty bits. */
#include "shared/mmu.h"
#include "vmm/inspect/check_int.h"

/* H1: a vmap made without A (or D): the CPU sets A on a read, D on a write. */
int check_h1(struct check_ctx *ctx, uint32_t va, uint64_t prot)
{
	struct walk_result res;
	struct check_violation *v;
	struct guest_probe p;
	int ret;

	ran(ctx, R_H1);
	ret = probe(ctx, 0, va, PROBE_READ, 0, &p);
	if (ret)
		return ret;
	walk(&ctx->kwc, va, &res);
	if (p.faulted || res.status != WALK_OK || !res.accessed ||
	    (!(prot & _PAGE_DIRTY) && res.dirty)) {
		v = viol_walk(ctx, R_H1, &res, WALK_PTE);
		EXPECT(v, "after a read: A set%s", prot & _PAGE_DIRTY ? "" : ", D still clear");
		ACTUAL(v, "%s%s%s", p.faulted ? "the read faulted; " : "",
		       res.accessed ? "A" : "no A", res.dirty ? ", D" : ", no D");
		return 0;
	}
	if (!(prot & _PAGE_RW))
		return 0;
	ret = probe(ctx, 0, va, PROBE_WRITE, p.value, &p);
	if (ret)
		return ret;
	walk(&ctx->kwc, va, &res);
	if (p.faulted || res.status != WALK_OK || !res.dirty) {
		v = viol_walk(ctx, R_H1, &res, WALK_PTE);
		EXPECT(v, "after a write: D set");
		ACTUAL(v, "%s%s", p.faulted ? "the write faulted; " : "", res.dirty ? "D" : "no D");
	}
	return 0;
}
