// SPDX-License-Identifier: GPL-2.0
/*
 * CMD_STRESS (shared/abi.h): every CPU of arg1 runs its own seeded stream
 * of vmalloc-family operations at the same time as the others.  CPU 0
 * gets the command, starts each other CPU with smp_start_on(), runs its
 * own share and waits for the rest: the command's return is a quiescent
 * point.
 *
 * Each page of an area holds two words: HOT_TAG(its frame) at offset 0
 * and the area's stamp (CPU number and a serial, never reused within a
 * run) at offset 4.  A CPU checks both on its own areas (probe_bad).
 *
 * Cross-CPU TLB evidence.  An area is published in its owner's block
 * while live; other CPUs' probes read its pages, so their TLBs may hold
 * the translations.  The owner unpublishes it, vfree()s it (the flush of
 * every CPU included), and only then publishes (address, stamp) in its
 * ring of freed pages.  A later read of that address on another CPU that
 * does not fault and returns the stamp used a translation the flush
 * should have removed: the stamp names one mapping only, and a freed
 * frame is poisoned (vmalloc'd) or still held by this command
 * (vmap'd, until the end of the round), so no later mapping can show it.
 * A non-faulting read that returns anything else proves nothing (the
 * address may have been given out again) and is not counted.
 *
 * Bookkeeping lives in one kmalloc'd block per CPU, made at the CPU's
 * first round and given back by its last (arg0 == 0), so that the free
 * page count at the end of a run equals the one at its start (less the
 * page tables vmalloc made, which stay, as in 2.4).
 */
#include <extable.h>
#include <kernel.h>
#include <lockdep.h>
#include <mailbox.h>
#include <mm.h>
#include <percpu.h>
#include <pgtable.h>
#include <selftest.h>
#include <sched.h>
#include <slab.h>
#include <smp.h>
#include <string.h>
#include <vmalloc.h>
#include <vmap_area.h>

#include "shared/abi.h"

#define STRESS_MAX_LIVE	  32 /* areas a CPU holds at most */
#define STRESS_MAX_LARGE  2  /* of which large ones */
#define STRESS_SMALL_MAX  16 /* pages of a small area: 1..16 */
#define STRESS_LARGE_MIN  96 /* a large area: 96..351 pages, across page-table blocks */
#define STRESS_LARGE_SPAN 256
#define STRESS_VMAP_MAX	  16 /* pages of a vmap area */
#define STRESS_FREED	  8  /* freed pages a CPU remembers for the others' probes */
#define STRESS_MAX_PUT	  32 /* vmap'd areas freed whose pages the command still holds */

struct stress_area {
	uint32_t addr;
	uint32_t pages;
	uint32_t stamp;
	uint32_t kind;	     /* enum stress_op of the allocation */
	struct page **pagev; /* vmap: the pages, holding the command's own reference */
};

/* What the other CPUs may read of an area: set once mapped and tagged, 0 before its vfree. */
struct stress_pub {
	volatile uint32_t addr;
	volatile uint32_t pages;
};

/* A page freed: valid while seq is even and not 0 (a seqlock: odd while written). */
struct stress_freed {
	volatile uint32_t seq;
	volatile uint32_t va;
	volatile uint32_t stamp;
	volatile uint32_t tag;
};

struct stress_block {
	struct stress_area area[STRESS_MAX_LIVE];
	struct stress_pub pub[STRESS_MAX_LIVE];
	struct stress_freed freed[STRESS_FREED];
	uint32_t nr;	     /* areas held: area[0..nr) */
	uint32_t large;	     /* large ones among them */
	uint32_t freed_next; /* next slot of freed[] to write */
	uint32_t serial;     /* areas made since STRESS_BEGIN */
	/* vmap'd pages whose vfree returned: the command's reference is dropped at the round's end. */
	struct page **put[STRESS_MAX_PUT];
	uint32_t put_count[STRESS_MAX_PUT];
	uint32_t nr_put;
};

struct stress_state stress_state;
static struct stress_block *volatile stress_blocks[NR_CPUS];
static uint64_t stress_rng[NR_CPUS];

/* Baselines at STRESS_BEGIN of the counters kept since boot elsewhere. */
static uint32_t base_acquires[NR_CPUS], base_spins[NR_CPUS], base_sent[NR_CPUS],
	base_taken[NR_CPUS];

struct stress_round {
	uint32_t ops; /* 0: the last round */
	uint32_t done[NR_CPUS];
};

/* splitmix64: a well-spread state from (seed, cpu), never 0. */
static uint64_t stress_seed(uint32_t seed, unsigned int cpu)
{
	uint64_t z = ((uint64_t)seed << 32 | cpu) + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 1;
}

/* xorshift64*: the CPU's stream, continued across rounds. */
static uint32_t stress_next(unsigned int cpu)
{
	uint64_t x = stress_rng[cpu];

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	stress_rng[cpu] = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

/* Write each page's tag and stamp; 1 if a page was unmapped or a write faulted. */
static int stress_tag(const struct stress_area *a)
{
	uint32_t i;
	int bad = 0;

	for (i = 0; i < a->pages; i++) {
		unsigned long va = a->addr + i * PAGE_SIZE, pfn = kernel_pfn(va);

		if (!pfn || probe_write_u32(va, HOT_TAG(pfn)) || probe_write_u32(va + 4, a->stamp))
			bad = 1;
	}
	return bad;
}

/* Read one page of one's own area back: 1 if it faulted or does not name its frame and area. */
static int stress_check(const struct stress_area *a, uint32_t page)
{
	unsigned long va = a->addr + page * PAGE_SIZE, pfn = kernel_pfn(va);
	uint32_t tag, stamp;

	if (probe_read_u32(va, &tag) || probe_read_u32(va + 4, &stamp))
		return 1;
	return !pfn || tag != HOT_TAG(pfn) || stamp != a->stamp;
}

static uint32_t area_pages(uint32_t r, int large)
{
	return large ? STRESS_LARGE_MIN + r % STRESS_LARGE_SPAN : 1 + r % STRESS_SMALL_MAX;
}

static void publish(struct stress_block *b, uint32_t i)
{
	b->pub[i].pages = b->area[i].pages;
	__atomic_store_n(&b->pub[i].addr, b->area[i].addr, __ATOMIC_RELEASE);
}

static void stress_alloc(unsigned int cpu, struct stress_block *b, uint32_t kind, uint32_t r_size)
{
	struct stress_cpu *c = &stress_state.cpu[cpu];
	struct stress_area *a = &b->area[b->nr];
	int large = kind != STRESS_VMAP && (r_size >> 24) < 16 && b->large < STRESS_MAX_LARGE;
	uint32_t pages =
		kind == STRESS_VMAP ? 1 + r_size % STRESS_VMAP_MAX : area_pages(r_size, large);
	unsigned long size = (unsigned long)pages * PAGE_SIZE;
	void *addr = NULL;
	uint32_t i;

	c->ops[kind]++;
	memset(a, 0, sizeof(*a));
	switch (kind) {
	case STRESS_VMALLOC:
		addr = vmalloc(size);
		break;
	case STRESS_VMALLOC_DMA:
		addr = vmalloc_dma(size);
		break;
	case STRESS_VMALLOC_32:
		addr = vmalloc_32(size);
		break;
	case STRESS_VMAP:
		large = 0;
		a->pagev = kmalloc(pages * sizeof(*a->pagev), GFP_KERNEL);
		if (!a->pagev)
			break;
		for (i = 0; i < pages; i++) {
			a->pagev[i] = alloc_page(GFP_KERNEL);
			if (!a->pagev[i])
				break;
		}
		if (i == pages)
			addr = vmap(a->pagev, (int)pages, VM_MAP, PAGE_KERNEL);
		if (!addr) {
			while (i-- > 0)
				__free_page(a->pagev[i]);
			kfree(a->pagev);
			a->pagev = NULL;
		}
		break;
	}
	if (!addr) {
		c->failed++;
		return;
	}
	a->addr = (uint32_t)(unsigned long)addr;
	a->pages = pages;
	a->kind = kind;
	a->stamp = (cpu + 1) << 24 | (++b->serial & 0x00ffffffu);
	if (stress_tag(a))
		c->probe_bad++;
	publish(b, b->nr);
	b->nr++;
	if (large)
		b->large++;
	c->live = b->nr;
}

/* Drop the command's own reference on the vmap'd pages freed this round. */
static void stress_put(struct stress_block *b)
{
	uint32_t i, j;

	for (i = 0; i < b->nr_put; i++) {
		for (j = 0; j < b->put_count[i]; j++)
			__free_page(b->put[i][j]);
		kfree(b->put[i]);
	}
	b->nr_put = 0;
}

/* Free area i of this CPU's; its last page goes to the ring for the others' probes. */
static void stress_free(unsigned int cpu, struct stress_block *b, uint32_t i)
{
	struct stress_cpu *c = &stress_state.cpu[cpu];
	struct stress_area a = b->area[i];
	struct stress_freed *f;
	unsigned long last = a.addr + (a.pages - 1) * PAGE_SIZE, pfn = kernel_pfn(last);
	uint32_t seq;

	__atomic_store_n(&b->pub[i].addr, 0, __ATOMIC_RELEASE);
	b->nr--;
	if (i != b->nr) {
		b->area[i] = b->area[b->nr];
		b->pub[i].pages = b->pub[b->nr].pages;
		__atomic_store_n(&b->pub[i].addr, b->pub[b->nr].addr, __ATOMIC_RELEASE);
		__atomic_store_n(&b->pub[b->nr].addr, 0, __ATOMIC_RELEASE);
	}
	if (a.pages > STRESS_SMALL_MAX)
		b->large--;
	c->live = b->nr;
	c->ops[STRESS_VFREE]++;
	c->vfrees++;
	vfree((void *)(unsigned long)a.addr);
	if (a.pagev) {
		/* CMD_VMAP_PUT's part, at the round's end (stress_put) or when the list is full. */
		if (b->nr_put == STRESS_MAX_PUT)
			stress_put(b);
		b->put[b->nr_put] = a.pagev;
		b->put_count[b->nr_put] = a.pages;
		b->nr_put++;
	}
	/* vmalloc=modern: vfree defers the flush (lazy), so nothing qualifies as freed yet. */
	if (vmalloc_mode == VMALLOC_MODE_MODERN)
		return;
	f = &b->freed[b->freed_next++ % STRESS_FREED];
	seq = f->seq;
	__atomic_store_n(&f->seq, seq + 1, __ATOMIC_SEQ_CST);
	f->va = (uint32_t)last;
	f->stamp = a.stamp;
	f->tag = pfn ? HOT_TAG(pfn) : 0;
	__atomic_store_n(&f->seq, seq + 2, __ATOMIC_SEQ_CST);
}

/* Read another CPU's live area, so that this CPU's TLB holds its last page (a fault is allowed). */
static void probe_other_live(unsigned int cpu, uint32_t r)
{
	unsigned int other = r % NR_CPUS;
	struct stress_block *ob = stress_blocks[other];
	uint32_t addr, pages, val;

	if (other == cpu || !ob)
		return;
	addr = __atomic_load_n(&ob->pub[(r >> 8) % STRESS_MAX_LIVE].addr, __ATOMIC_ACQUIRE);
	pages = ob->pub[(r >> 8) % STRESS_MAX_LIVE].pages;
	if (!addr || !pages || pages > STRESS_LARGE_MIN + STRESS_LARGE_SPAN)
		return;
	/* The last page: the one its owner publishes once freed (stress_free). */
	(void)probe_read_u32(addr + (pages - 1) * PAGE_SIZE + 4, &val);
}

/* Read a page another CPU has freed: returning its stamp is a stale translation. */
static void probe_other_freed(unsigned int cpu, uint32_t r)
{
	struct stress_cpu *c = &stress_state.cpu[cpu];
	unsigned int other = r % NR_CPUS;
	struct stress_block *ob = stress_blocks[other];
	struct stress_freed *f;
	uint32_t seq, va, stamp, tag, val, data;

	if (other == cpu || !ob)
		return;
	/* One of the two latest: the likeliest to be still cached here, and its frame still held. */
	f = &ob->freed[(ob->freed_next - 1 - (r >> 8) % 2) % STRESS_FREED];
	seq = __atomic_load_n(&f->seq, __ATOMIC_ACQUIRE);
	va = f->va;
	stamp = f->stamp;
	tag = f->tag;
	if (!seq || (seq & 1) || __atomic_load_n(&f->seq, __ATOMIC_ACQUIRE) != seq)
		return;
	if (probe_read_u32(va + 4, &val) || val != stamp)
		return;
	if (probe_read_u32(va, &data))
		data = tag;
	if (c->stale++ == 0) {
		c->stale_va = va;
		c->stale_data = data;
		printk(KERN_ERR "stress: CPU %u read %#x (freed by CPU %u, its flush returned) "
				"without a fault: %#x (stale translation)\n",
		       cpu, va, other, data);
	}
}

static void stress_probe(unsigned int cpu, struct stress_block *b, uint32_t r_which, uint32_t r)
{
	struct stress_cpu *c = &stress_state.cpu[cpu];

	c->ops[STRESS_PROBE]++;
	switch (r_which % 4) {
	case 0:
	case 1:
		if (b->nr) {
			const struct stress_area *a = &b->area[r % b->nr];

			if (stress_check(a, (r >> 8) % a->pages))
				c->probe_bad++;
		}
		break;
	case 2:
		probe_other_live(cpu, r);
		break;
	default:
		probe_other_freed(cpu, r);
		break;
	}
}

/*
 * One operation.  Three numbers are drawn every time whatever happens, so
 * that the stream of choices depends on the seed alone: which operation,
 * a size, and an index.  A vfree with nothing held becomes a probe, an
 * allocation with STRESS_MAX_LIVE held becomes a vfree.
 */
static void stress_op(unsigned int cpu, struct stress_block *b)
{
	uint32_t r_op = stress_next(cpu) % 100, r_size = stress_next(cpu), r_idx = stress_next(cpu);
	uint32_t kind;

	if (r_op < 20)
		kind = STRESS_VMALLOC;
	else if (r_op < 28)
		kind = STRESS_VMALLOC_DMA;
	else if (r_op < 38)
		kind = STRESS_VMALLOC_32;
	else if (r_op < 50)
		kind = STRESS_VMAP;
	else if (r_op < 72)
		kind = STRESS_VFREE;
	else
		kind = STRESS_PROBE;
	if (kind < STRESS_VFREE && b->nr == STRESS_MAX_LIVE)
		kind = STRESS_VFREE;
	if (kind == STRESS_VFREE && !b->nr)
		kind = STRESS_PROBE;
	if (kind == STRESS_VFREE)
		stress_free(cpu, b, r_idx % b->nr);
	else if (kind == STRESS_PROBE)
		stress_probe(cpu, b, r_size, r_idx);
	else
		stress_alloc(cpu, b, kind, r_size);
}

/* One CPU's share of a round: on CPU 0 in the command, on the others in their idle loop. */
static void stress_run(void *arg)
{
	struct stress_round *round = arg;
	unsigned int cpu = smp_processor_id();
	struct stress_cpu *c = &stress_state.cpu[cpu];
	struct stress_block *b = stress_blocks[cpu];
	uint64_t t0 = get_cycles(), cycles;
	uint32_t i, done = 0;

	if (!b && round->ops) {
		b = kmalloc(sizeof(*b), GFP_KERNEL);
		if (!b) {
			c->failed++;
			return;
		}
		memset(b, 0, sizeof(*b));
		stress_blocks[cpu] = b;
	}
	if (b) {
		if (round->ops) {
			for (i = 0; i < round->ops; i++)
				stress_op(cpu, b);
			done = round->ops;
		} else {
			while (b->nr) {
				stress_free(cpu, b, b->nr - 1);
				done++;
			}
		}
		stress_put(b);
		if (!round->ops) {
			stress_blocks[cpu] = NULL;
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			kfree(b);
		}
	}
	cycles = ((uint64_t)c->cycles_hi << 32 | c->cycles_lo) + (get_cycles() - t0);
	c->cycles_lo = (uint32_t)cycles;
	c->cycles_hi = (uint32_t)(cycles >> 32);
	round->done[cpu] = done;
}

/* The per-CPU counts kept elsewhere since boot, as deltas since STRESS_BEGIN. */
static void stress_counts(uint32_t cpus)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct stress_cpu *c = &stress_state.cpu[cpu];

		if (!(cpus >> cpu & 1))
			continue;
		c->lock_acquires = lock_stats[cpu].acquires - base_acquires[cpu];
		c->lock_spins = lock_stats[cpu].spins - base_spins[cpu];
		c->ipis_sent = smp_ipis_sent[cpu] - base_sent[cpu];
		c->ipis_taken = smp_ipi_flushes[cpu] - base_taken[cpu];
	}
	stress_state.inversion = lockdep_graph.inv;
}

static void stress_begin(uint32_t seed)
{
	struct lock_inversion inv = stress_state.inversion;
	unsigned int cpu;

	memset(&stress_state, 0, sizeof(stress_state));
	stress_state.inversion = inv;
	stress_state.magic = STRESS_MAGIC;
	stress_state.seed = seed;
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		stress_rng[cpu] = stress_seed(seed, cpu);
		base_acquires[cpu] = lock_stats[cpu].acquires;
		base_spins[cpu] = lock_stats[cpu].spins;
		base_sent[cpu] = smp_ipis_sent[cpu];
		base_taken[cpu] = smp_ipi_flushes[cpu];
	}
}

/* Areas a previous run left (no last round): freed here, by CPU 0, before a new run. */
static void stress_reclaim(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct stress_block *b = stress_blocks[cpu];

		if (!b)
			continue;
		while (b->nr)
			stress_free(0, b, b->nr - 1);
		stress_put(b);
		stress_blocks[cpu] = NULL;
		kfree(b);
	}
}

/*
 * arg0: operations per CPU (0: the last round), arg1: CPUs (bit n: CPU n;
 * CPU 0 always), arg2: seed, arg3: STRESS_* flags -> results as
 * shared/abi.h says.  ST_EINVAL, nothing done, if a CPU of arg1 is not
 * online or busy, if a flag is unknown, or if no run has begun.
 */
static int cmd_stress(const uint32_t *args, uint32_t *results)
{
	static struct stress_round round;
	uint32_t cpus = args[1] | 1u, total = 0, held = 0;
	unsigned int cpu;
	uint64_t t0, cycles;

	if ((args[3] & ~STRESS_BEGIN) || (cpus >> NR_CPUS))
		return ST_EINVAL;
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		if ((cpus >> cpu & 1) && cpu >= smp_cpus_online)
			return ST_EINVAL;
	if (!(args[3] & STRESS_BEGIN) && stress_state.magic != STRESS_MAGIC)
		return ST_EINVAL;
	if (args[3] & STRESS_BEGIN) {
		stress_reclaim();
		stress_begin(args[2]);
	}
	memset(&round, 0, sizeof(round));
	round.ops = args[0];
	t0 = get_cycles();
	for (cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!(cpus >> cpu & 1))
			continue;
		if (smp_start_on(cpu, stress_run, &round)) {
			printk(KERN_ERR "stress: CPU %u could not be started\n", cpu);
			cpus &= ~(1u << cpu);
		}
	}
	stress_run(&round);
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		if (cpus >> cpu & 1)
			smp_wait_for(cpu);
	cycles = get_cycles() - t0;
	stress_state.rounds++;
	stress_state.cpus = cpus;
	stress_counts(cpus);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		total += round.done[cpu];
		held += stress_state.cpu[cpu].live;
	}
	results[0] = total;
	results[1] = (uint32_t)cycles;
	results[2] = (uint32_t)(cycles >> 32);
	results[3] = (uint32_t)(unsigned long)&stress_state;
	results[4] = lockdep_graph.inv.found;
	results[5] = held;
	return ST_OK;
}
DEFINE_CMD(CMD_STRESS, cmd_stress);

/* Page tables under the vmalloc range: made by vmalloc, never freed (2.4). */
static unsigned long vmalloc_page_tables(void)
{
	unsigned long addr, n = 0;

	for (addr = VMALLOC_START & PMD_MASK; addr && addr < VMALLOC_END; addr += PMD_SIZE) {
		pgd_t *pgd = pgd_offset_k(addr);

		if (pgd_present(pgdp_get(pgd)) && pmd_present(pmdp_get(pmd_offset(pgd, addr))))
			n++;
	}
	return n;
}

/*
 * A short run on every online CPU: two rounds of 200 operations, then the
 * last round.  No probe may go wrong, no stale translation may be read, no
 * lock inversion may appear, and every page comes back but the page
 * tables vmalloc made.
 */
static int selftest_stress(void)
{
	uint32_t cpus = (uint32_t)((1ull << smp_cpus_online) - 1);
	uint32_t args[MBOX_ARGS] = { 0 };
	uint32_t results[MBOX_RESULTS], inversions = lockdep_graph.inv.found, total = 0;
	unsigned long free0, tables0, tables, objs0;
	unsigned int round, cpu;

	/* vmalloc=modern: what is lazily freed holds pages until a purge (none in 2.4 mode). */
	purge_vmap_area_lazy();
	free0 = nr_free_pages();
	tables0 = vmalloc_page_tables();
	objs0 = kmalloc_objects_in_use();

	for (round = 0; round < 3; round++) {
		memset(results, 0, sizeof(results));
		args[0] = round < 2 ? 200 : 0;
		args[1] = cpus;
		args[2] = 12;
		args[3] = round == 0 ? STRESS_BEGIN : 0;
		CHECK(cmd_stress(args, results) == ST_OK, "round %u refused", round);
		total += results[0];
		CHECK(results[3] == (uint32_t)(unsigned long)&stress_state, "result3 %#x",
		      results[3]);
	}
	CHECK(results[5] == 0, "%u areas held after the last round", results[5]);
	CHECK(stress_state.magic == STRESS_MAGIC && stress_state.rounds == 3 &&
		      stress_state.cpus == cpus && stress_state.seed == 12,
	      "magic %#x rounds %u cpus %#x seed %u", stress_state.magic, stress_state.rounds,
	      stress_state.cpus, stress_state.seed);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		const struct stress_cpu *c = &stress_state.cpu[cpu];
		uint32_t ops = 0, k;

		if (!(cpus >> cpu & 1))
			continue;

		for (k = 0; k < STRESS_OP_NR; k++)
			ops += c->ops[k];
		CHECK(c->probe_bad == 0 && c->stale == 0,
		      "CPU %u: %u bad probes, %u stale reads (first %#x: %#x)", cpu, c->probe_bad,
		      c->stale, c->stale_va, c->stale_data);
		CHECK(c->live == 0 && c->vfrees == c->ops[STRESS_VFREE], "CPU %u: live %u", cpu,
		      c->live);
		CHECK(ops >= 400 && c->ops[STRESS_VFREE] > 0 && c->ops[STRESS_PROBE] > 0 &&
			      c->lock_acquires > 0,
		      "CPU %u: %u operations, %u vfrees, %u probes, %u locks", cpu, ops,
		      c->ops[STRESS_VFREE], c->ops[STRESS_PROBE], c->lock_acquires);
		CHECK(c->cycles_lo || c->cycles_hi, "CPU %u: no cycles", cpu);
	}
	CHECK(lockdep_graph.inv.found == inversions, "%u lock inversions",
	      lockdep_graph.inv.found - inversions);
	purge_vmap_area_lazy();
	tables = vmalloc_page_tables() - tables0;
	CHECK(nr_free_pages() + tables == free0, "free pages %lu + %lu page tables, %lu before",
	      nr_free_pages(), tables, free0);
	CHECK(kmalloc_objects_in_use() == objs0, "kmalloc objects %lu, %lu before",
	      kmalloc_objects_in_use(), objs0);
	CHECK(total >= 400 * (uint32_t)__builtin_popcount(cpus), "%u operations in all", total);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		const struct stress_cpu *c = &stress_state.cpu[cpu];

		if (!(cpus >> cpu & 1))
			continue;

		printk(KERN_INFO "stress: CPU %u: %u vfrees, %u failed, %u locks, %u spins, "
				 "%u IPIs sent, %u taken\n",
		       cpu, c->vfrees, c->failed, c->lock_acquires, c->lock_spins, c->ipis_sent,
		       c->ipis_taken);
	}
	return 0;
}
DEFINE_SELFTEST(stress, selftest_stress);
