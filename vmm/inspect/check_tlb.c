// SPDX-License-Identifier: GPL-2.0
/*
 * T1-T4 (spec/checks.md) and the stale-TLB observation, through the
 * guest's probes (shared/abi.h).  A probe acts in the guest, so each one is
 * judged as it comes back.  The pages probed in an area are chosen as M7's
 * sample (inspect.h): all of them up to CHECK_M7_ALL_PAGES.
 *
 * After CMD_VFREE_HOT, T2 and T4 are judged from the evidence the guest
 * recorded in one stretch in guest mode per CPU (touch, vfree, probe: up to
 * HOT_MAX_PAGES pages, first, last, guard and a stride between), so a
 * missing flush shows as a read that did not fault.  After a plain
 * CMD_VFREE they probe afterwards, which shows a PTE left mapped but not a
 * missing flush (an idle AP has nothing cached), plus T4's flush count.
 */
#include <errno.h>
#include <stdio.h>

#include "shared/mmu.h"
#include "vmm/inspect/check_int.h"

/* " on vCPU N" for the APs, "" for the boot CPU: where a probe ran, in messages. */
static const char *cpu_where(unsigned int cpu, char *buf, size_t len)
{
	if (!cpu)
		return "";
	snprintf(buf, len, " on vCPU %u", cpu);
	return buf;
}

int probe(struct check_ctx *ctx, unsigned int cpu, uint32_t va, enum probe_kind kind,
	  uint32_t value, struct guest_probe *p)
{
	struct vm_event ev;
	char where[24];

	if (guest_probe_cpu(ctx->vm, cpu, va, kind, value, p, &ev)) {
		observe(ctx->rep, "probe of 0x%08x%s: the VM stopped: %s: %s", va,
			cpu_where(cpu, where, sizeof(where)), vm_event_name(ev.kind), ev.msg);
		return -EIO;
	}
	return 0;
}

/* T1: every page of a fresh vmalloc area reads and writes (its own value back). */
static int check_t1(struct check_ctx *ctx, const struct vm_area *a)
{
	struct check_violation *v;
	struct guest_probe p;
	uint64_t off;
	int ret;

	struct m7_sampler sm;

	ran(ctx, R_T1);
	m7_sampler_init(&sm, a->size / PAGE_SIZE - 1);
	for (off = 0; off + PAGE_SIZE < a->size; off += PAGE_SIZE) {
		uint32_t va = (uint32_t)(a->addr + off);

		if (!m7_take(&sm, off == 0 || off + 2 * PAGE_SIZE == a->size))
			continue;
		if ((ret = check_stopped(ctx)))
			return ret;
		ret = probe(ctx, 0, va, PROBE_READ, 0, &p);
		if (!ret && !p.faulted)
			ret = probe(ctx, 0, va, PROBE_WRITE, p.value, &p);
		if (ret)
			return ret;
		if (p.faulted) {
			v = viol(ctx, R_T1, va, -1, 0, 0);
			EXPECT(v, "page of the new area reads and writes without a fault");
			ACTUAL(v, "vector %u error 0x%x CR2 0x%08x", p.vector, p.error_code, p.cr2);
		}
	}
	return 0;
}

/*
 * T2 (cpu 0) and T4 (the other vCPUs): a read of every page of the freed
 * area and of its guard faults with a not-present #PF whose CR2 is the page.
 * lazy: vmalloc=modern's area still pending purge (its PTEs clear, M3; not
 * flushed yet), where a read that does not fault is a permitted stale
 * translation: one observation per area, not a violation.
 */
static int check_freed_reads(struct check_ctx *ctx, enum rule r, unsigned int cpu,
			     const struct vm_area *a, bool lazy)
{
	unsigned int stale = 0, probed = 0;
	struct check_violation *v;
	struct guest_probe p;
	char where[24];
	uint64_t off;
	int ret;

	struct m7_sampler sm;

	cpu_where(cpu, where, sizeof(where));
	m7_sampler_init(&sm, a->size / PAGE_SIZE);
	for (off = 0; off < a->size; off += PAGE_SIZE) {
		uint32_t va = (uint32_t)(a->addr + off);

		if (!m7_take(&sm, off == 0 || off + PAGE_SIZE == a->size))
			continue;
		if ((ret = check_stopped(ctx)))
			return ret;
		ret = probe(ctx, cpu, va, PROBE_READ, 0, &p);
		if (ret)
			return ret;
		probed++;
		if (p.faulted && p.vector == X86_TRAP_PF && !(p.error_code & PF_PROT) &&
		    p.cr2 == va)
			continue;
		if (lazy && !p.faulted) {
			stale++;
			continue;
		}
		v = viol(ctx, r, va, -1, 0, 0);
		EXPECT(v, "read%s after vfree: not-present #PF with CR2 0x%08x", where, va);
		if (p.faulted)
			ACTUAL(v, "vector %u error 0x%x CR2 0x%08x", p.vector, p.error_code, p.cr2);
		else if (cpu)
			ACTUAL(v, "no fault: read 0x%08x (a stale translation on vCPU %u)", p.value,
			       cpu);
		else
			ACTUAL(v, "no fault: read 0x%08x (still mapped, or a stale translation)",
			       p.value);
	}
	if (stale)
		observe(ctx->rep,
			"%s lazy window%s: %u of %u pages probed in [0x%08x, +0x%x) read without "
			"a fault: stale translations of a range pending purge (permitted)",
			r == R_T2 ? "T2" : "T4", where, stale, probed, a->addr, a->size);
	return 0;
}

/* vmalloc=modern's purges (one flush_tlb_all each) between two snapshots; 0 in 2.4 mode. */
static uint32_t purges_between(const struct snapshot *prev, const struct snapshot *s)
{
	if (!prev->modern || !s->modern || !prev->vr.purges_ok || !s->vr.purges_ok)
		return 0;
	return s->vr.purges - prev->vr.purges;
}

/* T2 and T4 strictly on [start, end), a purged range or part of one. */
static int check_purged_run(struct check_ctx *ctx, uint64_t start, uint64_t end)
{
	const struct vm_area a = { .addr = (uint32_t)start, .size = (uint32_t)(end - start) };
	unsigned int cpu;
	int ret;

	ran(ctx, R_T2);
	ret = check_freed_reads(ctx, R_T2, 0, &a, false);
	for (cpu = 1; !ret && cpu < ctx->vm->nr_vcpus; cpu++) {
		ran(ctx, R_T4);
		ret = check_freed_reads(ctx, R_T4, cpu, &a, false);
	}
	return ret;
}

/*
 * T2/T4 after a purge: every range pending at the previous check is purged
 * (a purge takes the whole list), so its translations are gone everywhere.
 * The pages a busy area holds now are skipped: an allocation that purged
 * for room may have taken them at once.
 */
static int check_purged(struct check_ctx *ctx, const struct snapshot *prev,
			const struct snapshot *s)
{
	uint64_t va, run;
	size_t i;
	int ret;

	if (!purges_between(prev, s))
		return 0;
	for (i = 0; i < prev->vr.nr_lazy; i++) {
		const struct vmap_range *r = &prev->vr.lazy[i];

		for (run = va = r->start; va <= r->end; va += PAGE_SIZE) {
			if (va < r->end && !in_some_area(s, va))
				continue;
			if (run < va && (ret = check_purged_run(ctx, run, va)))
				return ret;
			run = va + PAGE_SIZE;
		}
	}
	return 0;
}

/*
 * T4: after vfree, every page of the area (guard included) faults not
 * present with CR2 = the address on every other vCPU too (vCPU 0 is T2's),
 * and each of them carried out a flush request since the last check.
 */
static int check_t4(struct check_ctx *ctx, const struct vm_area *a, bool lazy)
{
	uint32_t now[VM_MAX_VCPUS];
	struct check_violation *v;
	unsigned int cpu;
	int ret;

	ran(ctx, R_T4);
	for (cpu = 1; cpu < ctx->vm->nr_vcpus; cpu++) {
		ret = check_freed_reads(ctx, R_T4, cpu, a, lazy);
		if (ret)
			return ret;
	}
	/* A lazy vfree sends no flush request: the purge will. */
	if (lazy || !ctx->ipi_prev_ok || read_ipi_flushes(ctx, now))
		return 0;
	for (cpu = 1; cpu < ctx->vm->nr_vcpus; cpu++) {
		if (now[cpu] != ctx->ipi_prev[cpu])
			continue;
		v = viol(ctx, R_T4, a->addr, -1, 0, 0);
		EXPECT(v, "vfree: vCPU %u flushed its TLB (smp_ipi_flushes[%u] grows)", cpu, cpu);
		ACTUAL(v, "smp_ipi_flushes[%u] still %u: no flush request reached it", cpu,
		       now[cpu]);
	}
	return 0;
}

/* ---- CMD_VFREE_HOT: T2 and T4 from what each CPU's hardware did ---- */

/* What the guest's page allocator fills a freed lowmem page with (guest/include/mm.h). */
#define PAGE_POISON_WORD 0xaaaaaaaau

/* The guest's evidence, read word by word from guest memory; -EIO if unreadable. */
static int read_evidence(struct check_ctx *ctx, uint32_t kva, struct hot_evidence *e)
{
	uint32_t *w = (uint32_t *)e;
	size_t i;

	for (i = 0; i < sizeof(*e) / 4; i++)
		if (inspect_read_kva32(&ctx->gk, (uint64_t)kva + 4 * i, &w[i], NULL, 0))
			return -EIO;
	return 0;
}

/*
 * What the guest lists must be what T2/T4 ask for: the area's first page,
 * its last page, its guard, in increasing page-aligned addresses inside it,
 * probed by every CPU asked for.  NULL if so, else what is wrong.
 */
static const char *evidence_defect(const struct check_ctx *ctx, const struct check_op *op,
				   const struct vm_area *a, const struct hot_evidence *e)
{
	uint32_t asked = (op->args[1] | 1u) & ((1u << ctx->vm->nr_vcpus) - 1);
	uint32_t guard = a->addr + a->size - PAGE_SIZE, i;

	if (e->nr_pages < 2 || e->nr_pages > HOT_MAX_PAGES || e->nr_pages != op->results[4])
		return "its page count is out of range or differs from the reply's";
	if (e->cpus != op->results[5] || (e->cpus & asked) != asked || e->cpus >> ctx->vm->nr_vcpus)
		return "the CPUs that probed are not the CPUs asked for";
	if (e->va[0] != a->addr || e->va[e->nr_pages - 1] != guard ||
	    e->va[e->nr_pages - 2] != guard - PAGE_SIZE)
		return "it does not list the first page, the last page and the guard";
	for (i = 0; i < e->nr_pages; i++)
		if ((e->va[i] & (PAGE_SIZE - 1)) || (i && e->va[i] <= e->va[i - 1]))
			return "its addresses are not page aligned and increasing";
	return NULL;
}

/* The frame the host's own walk saw behind va before the operation (0: none). */
static uint64_t frame_before(const struct snapshot *prev, uint32_t va)
{
	size_t i;

	for (i = 0; i < prev->nr_frames; i++)
		if (prev->frames[i].va == va)
			return prev->frames[i].pfn;
	return 0;
}

/*
 * A read that did not fault went through a stale translation to the page's
 * old frame, which vfree has since poisoned (PAGE_POISON, lowmem) or left
 * holding its tag (highmem): the message names the frame, from the host's
 * walk before vfree, and what was read there.
 */
static void judge_hot_probe(struct check_ctx *ctx, const struct snapshot *prev, unsigned int cpu,
			    const struct hot_evidence *e, uint32_t i)
{
	const struct hot_probe *p = &e->probe[cpu][i];
	uint32_t va = e->va[i];
	struct check_violation *v;
	uint64_t pfn;

	if ((p->outcome & HOT_FAULTED) && HOT_VECTOR(p->outcome) == X86_TRAP_PF &&
	    !(HOT_ERROR(p->outcome) & PF_PROT) && p->data == va)
		return;
	v = viol(ctx, cpu ? R_T4 : R_T2, va, -1, 0, 0);
	EXPECT(v,
	       "read on vCPU %u after vfree (the translation cached before it, no HLT or port "
	       "write since): "
	       "not-present #PF with CR2 0x%08x",
	       cpu, va);
	if (p->outcome & HOT_FAULTED)
		ACTUAL(v, "vector %u error 0x%x CR2 0x%08x", HOT_VECTOR(p->outcome),
		       HOT_ERROR(p->outcome), p->data);
	else if ((pfn = frame_before(prev, va)))
		ACTUAL(v,
		       "no fault on vCPU %u: read 0x%08x%s through a stale translation to frame "
		       "0x%llx",
		       cpu, p->data,
		       p->data == PAGE_POISON_WORD ? " (the freed page's poison)"
		       : p->data == e->tag[i]	   ? " (the page's tag)"
						   : "",
		       (unsigned long long)pfn);
	else
		ACTUAL(v, "no fault on vCPU %u: read 0x%08x", cpu, p->data);
}

/*
 * T2 (vCPU 0) and T4 (every other vCPU that joined) judged from
 * CMD_VFREE_HOT's evidence: each probe must have faulted not-present with
 * CR2 = the page.
 * A touch that failed before vfree is T1's (the area was not usable).
 */
static int check_hot(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
		     const struct vm_area *a)
{
	struct hot_evidence e;
	struct check_violation *v;
	const char *defect;
	unsigned int cpu;
	uint32_t i;

	ran(ctx, R_T2);
	if (ctx->vm->nr_vcpus > 1)
		ran(ctx, R_T4);
	if (read_evidence(ctx, op->results[3], &e)) {
		observe(ctx->rep, "hot vfree of 0x%08x: its evidence at 0x%08x is unreadable",
			a->addr, op->results[3]);
		return -EIO;
	}
	defect = evidence_defect(ctx, op, a, &e);
	if (defect) {
		v = viol(ctx, R_T2, a->addr, -1, 0, 0);
		EXPECT(v, "hot vfree: evidence of every asked vCPU for the area at 0x%08x",
		       a->addr);
		ACTUAL(v, "%s", defect);
		return 0;
	}
	for (cpu = 0; cpu < ctx->vm->nr_vcpus; cpu++) {
		/* A vCPU that did not join has no evidence (its rows are zero). */
		if (!(e.cpus >> cpu & 1))
			continue;
		if (e.touch_bad >> cpu & 1) {
			ran(ctx, R_T1);
			v = viol(ctx, R_T1, a->addr, -1, 0, 0);
			EXPECT(v,
			       "every page of the area reads back its tag on vCPU %u before vfree",
			       cpu);
			ACTUAL(v, "a touch faulted or read another value");
		}
		for (i = 0; i < e.nr_pages; i++)
			judge_hot_probe(ctx, prev, cpu, &e, i);
	}
	return 0;
}

static void check_t3(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
		     const struct snapshot *s)
{
	const uint32_t *b = prev->cnt.tlb, *n = s->cnt.tlb;
	uint32_t all = n[TLB_CNT_FLUSH_ALL] - b[TLB_CNT_FLUSH_ALL];
	uint32_t tlb = n[TLB_CNT_FLUSH_TLB] - b[TLB_CNT_FLUSH_TLB];
	uint32_t one = n[TLB_CNT_FLUSH_ONE] - b[TLB_CNT_FLUSH_ONE];
	const bool vfree = op->cmd == CMD_VFREE || op->cmd == CMD_VFREE_HOT;
	struct check_violation *v;

	if (!prev->cnt_ok || !s->cnt_ok)
		return;
	ran(ctx, R_T3);
	if (s->modern && prev->modern) {
		/* vmalloc=modern flushes only in a purge, once for all pending ranges. */
		uint32_t want = op->cmd == CMD_VM_UNMAP_ALIASES ? 1 : purges_between(prev, s);

		if (all != want || tlb || one) {
			v = viol(ctx, R_T3, vfree ? op->args[0] : op->results[0], -1, 0, 0);
			EXPECT(v, "command %u: %u full flush(es), one per purge (%u), no other",
			       op->cmd, want, purges_between(prev, s));
			ACTUAL(v, "flush_all +%u, flush_tlb +%u, flush_one +%u", all, tlb, one);
		}
		return;
	}
	if (vfree && (all != 1 || tlb || one)) {
		v = viol(ctx, R_T3, op->args[0], -1, 0, 0);
		EXPECT(v, "vfree: exactly one full flush (flush_tlb_all), no other flush");
		ACTUAL(v, "flush_all +%u, flush_tlb +%u, flush_one +%u", all, tlb, one);
	} else if (!vfree && (all || tlb || one)) {
		v = viol(ctx, R_T3, op->results[0], -1, 0, 0);
		EXPECT(v, "vmalloc: no TLB flush");
		ACTUAL(v, "flush_all +%u, flush_tlb +%u, flush_one +%u", all, tlb, one);
	}
}

/* Once per context: what the TLB did with a PTE cleared without a flush (reported, not a rule). */
static int observe_stale_tlb(struct check_ctx *ctx)
{
	const uint32_t args[2] = { SEQ_STALE_TLB, 0 };
	struct guest_reply reply;
	struct vm_event ev;

	ctx->stale_done = true;
	if (guest_call(ctx->vm, CMD_PROBE_SEQ, args, 2, &reply, &ev)) {
		observe(ctx->rep, "stale-TLB probe: the VM stopped: %s: %s", vm_event_name(ev.kind),
			ev.msg);
		return -EIO;
	}
	if (reply.status != ST_OK)
		return 0;
	observe(ctx->rep, "TLB: a PTE cleared without a flush was %s; a %s entry %s a CR3 reload",
		reply.results[1] ? "still used (stale translation)" : "not used (fault at once)",
		reply.results[5] ? "global" : "non-global",
		reply.results[2] ? "survived" : "did not survive");
	return 0;
}

int run_probes(struct check_ctx *ctx, const struct check_op *op, const struct snapshot *prev,
	       const struct snapshot *s)
{
	const struct vm_area *a;
	int ret = 0;

	if (op && op->status == ST_OK) {
		switch (op->cmd) {
		case CMD_VMALLOC:
		case CMD_VMALLOC_DMA:
		case CMD_VMALLOC_32:
			a = snap_area_at(s, op->results[0], NULL);
			if (a)
				ret = check_t1(ctx, a);
			check_t3(ctx, op, prev, s);
			if (!ret)
				ret = check_purged(ctx, prev, s); /* no room: the search purged */
			break;
		case CMD_VFREE:
		case CMD_VFREE_HOT:
			a = op->results[0] == 1 && prev->valid
				    ? snap_area_at(prev, op->args[0], NULL)
				    : NULL;
			if (a && op->cmd == CMD_VFREE_HOT && op->results[3] &&
			    !(s->modern && lazy_at(s, a->addr) >= 0)) {
				ret = check_hot(ctx, op, prev, a);
				check_t3(ctx, op, prev, s);
			} else if (a) {
				/* In vmalloc=modern's lazy window a stale read is permitted:
				 * reported as an observation (and the hot evidence unused). */
				bool lazy = s->modern && lazy_at(s, a->addr) >= 0;

				ran(ctx, R_T2);
				ret = check_freed_reads(ctx, R_T2, 0, a, lazy);
				check_t3(ctx, op, prev, s);
				if (!ret && ctx->vm->nr_vcpus > 1)
					ret = check_t4(ctx, a, lazy);
			}
			if (!ret)
				ret = check_purged(ctx, prev, s);
			break;
		case CMD_PURGE:
		case CMD_VM_UNMAP_ALIASES:
			if (s->modern && prev->modern)
				check_t3(ctx, op, prev, s);
			ret = check_purged(ctx, prev, s);
			break;
		case CMD_VMAP: {
			uint64_t prot = (uint64_t)op->args[3] << 32 | op->args[2];

			if (prot && (~prot & (_PAGE_ACCESSED | _PAGE_DIRTY)))
				ret = check_h1(ctx, op->results[0], prot);
			break;
		}
		default:
			break;
		}
	}
	if (ret)
		return ret;
	if (!ctx->stale_done)
		ret = observe_stale_tlb(ctx);
	if (ctx->vm->nr_vcpus == 1)
		observe(ctx->rep, "T4 not run: one vCPU configured (--cpus 2 or more runs it)");
	return ret;
}
