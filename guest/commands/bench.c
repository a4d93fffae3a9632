// SPDX-License-Identifier: GPL-2.0
/*
 * CMD_BENCH_SCENARIO (shared/abi.h): benchmark loops run inside the guest,
 * so that one mailbox round trip (two VM exits) covers thousands of
 * operations and the exits do not dominate what is measured.  Time is the
 * guest's own TSC (rdtsc); the host turns it into ratios between the two
 * allocators (bench/bench_modes.c).
 *
 * The first five scenarios follow the cases of Linux's lib/test_vmalloc.c
 * (Uladzislau Rezki's stress module for the 2019 vmalloc rework), written
 * here from their description with the same sizes and area counts; the
 * host chooses the loop counts.  The alignment cases need an alignment
 * argument that neither get_vm_area(size, flags) nor vmalloc(size) has:
 * only the alignments every area has anyway (up to PAGE_SIZE) can be asked
 * for, which is what BENCH_ALIGN_SHIFT runs.
 */
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <slab.h>
#include <tlbflush.h>
#include <vmalloc.h>
#include <vmap_area.h>

#include "shared/abi.h"

/* What one run of a scenario measured; the loops' share is bracketed by bench_begin/bench_end. */
struct bench_run {
	uint64_t loop_cycles;
	uint64_t t0;
	uint32_t nodes0, flushes0;
	uint32_t nodes, flushes;
};

static uint32_t flushes_now(void)
{
	return tlb_counters.flush_all + tlb_counters.flush_tlb + tlb_counters.flush_one;
}

static void bench_begin(struct bench_run *b)
{
	b->nodes0 = vmap_stats[VMAP_STAT_NODES];
	b->flushes0 = flushes_now();
	b->t0 = get_cycles();
}

static void bench_end(struct bench_run *b)
{
	uint64_t t1 = get_cycles();

	b->loop_cycles += t1 - b->t0;
	b->nodes += vmap_stats[VMAP_STAT_NODES] - b->nodes0;
	b->flushes += flushes_now() - b->flushes0;
}

/* xorshift32: the same sequence for both allocators given the same seed. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void touch(void *p, uint8_t val)
{
	*(volatile uint8_t *)p = val;
}

/* Areas kept busy by a scenario, beside the ones it measures. */
static void *bench_areas[BENCH_MAX_AREAS];

static void free_areas(void **areas, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		vfree(areas[i]);
}

/* vmalloc @n 1-page areas into @areas: 0, or -1 with every one taken given back. */
static int fill_areas(void **areas, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		areas[i] = vmalloc(PAGE_SIZE);
		if (!areas[i]) {
			printk(KERN_ERR "bench: vmalloc of busy area %u of %u failed\n", i, n);
			free_areas(areas, i);
			return -1;
		}
	}
	return 0;
}

/* loops one-page vmalloc+vfree pairs; fix_size_alloc_test writes a byte into
 * each page first (touch), the plain pair does not. */
static int one_page_pairs(uint32_t loops, int write, struct bench_run *b)
{
	uint32_t i;
	void *p;
	int rv = 0;

	bench_begin(b);
	for (i = 0; i < loops; i++) {
		p = vmalloc(PAGE_SIZE);
		if (!p) {
			rv = -1;
			break;
		}
		if (write)
			touch(p, 0);
		vfree(p);
	}
	bench_end(b);
	return rv;
}

static int full_fit(uint32_t loops, struct bench_run *b)
{
	uint32_t junk = lazy_max_pages(), i, made;
	void **ptr, **junk_ptr, *p;
	int rv = -1;

	ptr = vmalloc(sizeof(void *) * junk);
	junk_ptr = vmalloc(sizeof(void *) * junk);
	if (!ptr || !junk_ptr)
		goto out;
	for (made = 0; made < junk; made++) {
		ptr[made] = vmalloc(PAGE_SIZE);
		junk_ptr[made] = vmalloc(PAGE_SIZE);
		if (!ptr[made] || !junk_ptr[made]) {
			vfree(ptr[made]);
			vfree(junk_ptr[made]);
			goto out_areas;
		}
	}
	free_areas(junk_ptr, junk);
	bench_begin(b);
	for (i = 0; i < loops; i++) {
		p = vmalloc(PAGE_SIZE);
		if (!p)
			break;
		touch(p, 1);
		vfree(p);
	}
	bench_end(b);
	rv = i == loops ? 0 : -1;
	free_areas(ptr, made);
	goto out;
out_areas:
	free_areas(ptr, made);
	free_areas(junk_ptr, made);
out:
	vfree(junk_ptr);
	vfree(ptr);
	return rv;
}

static int long_busy_list(uint32_t loops, struct bench_run *b)
{
	uint32_t i;
	void *p1, *p2;
	int rv = 0;

	if (fill_areas(bench_areas, BENCH_BUSY_AREAS))
		return -1;
	bench_begin(b);
	for (i = 0; i < loops; i++) {
		p1 = vmalloc(100 * PAGE_SIZE);
		p2 = p1 ? vmalloc(PAGE_SIZE) : NULL;
		if (!p2) {
			vfree(p1);
			rv = -1;
			break;
		}
		touch(p1, 0);
		touch(p2, 1);
		vfree(p1);
		vfree(p2);
	}
	bench_end(b);
	free_areas(bench_areas, BENCH_BUSY_AREAS);
	return rv;
}

static int random_size(uint32_t loops, uint32_t *seed, struct bench_run *b)
{
	uint32_t i, n;
	void *p;
	int rv = 0;

	bench_begin(b);
	for (i = 0; i < loops; i++) {
		n = next_random(seed) % 100 + 1;
		p = vmalloc(n * PAGE_SIZE);
		if (!p) {
			rv = -1;
			break;
		}
		touch(p, 1);
		vfree(p);
	}
	bench_end(b);
	return rv;
}

/* Every area is page aligned: alignments 1 .. PAGE_SIZE are the ones 2.4 can be asked for. */
static int align_shift(struct bench_run *b)
{
	unsigned long align;
	uint32_t i;
	void *p;
	int rv = 0;

	bench_begin(b);
	for (i = 0; i <= PAGE_SHIFT; i++) {
		align = 1ul << i;
		p = vmalloc(PAGE_SIZE);
		if (!p) {
			rv = -1;
			break;
		}
		if ((unsigned long)p & (align - 1)) {
			printk(KERN_ERR "bench: %p is not aligned to %#lx\n", p, align);
			rv = -1;
		}
		vfree(p);
	}
	bench_end(b);
	return rv;
}

static int kmalloc_pair(uint32_t loops, struct bench_run *b)
{
	void *keep = kmalloc(32, GFP_KERNEL), *p;
	uint32_t i;
	int rv = 0;

	if (!keep)
		return -1;
	bench_begin(b);
	for (i = 0; i < loops; i++) {
		p = kmalloc(32, GFP_KERNEL);
		if (!p) {
			rv = -1;
			break;
		}
		kfree(p);
	}
	bench_end(b);
	kfree(keep);
	return rv;
}

/* N busy areas and no hole among them: one more get_vm_area, its nodes and cycles alone. */
static int lookup_at_n(uint32_t n, struct bench_run *b)
{
	struct vm_struct *area;
	uint32_t lookups;

	if (fill_areas(bench_areas, n))
		return -1;
	lookups = vmap_stats[VMAP_STAT_LOOKUPS];
	bench_begin(b);
	area = get_vm_area(PAGE_SIZE, VM_ALLOC);
	bench_end(b);
	if (area)
		vfree(area->addr);
	free_areas(bench_areas, n);
	if (!area || vmap_stats[VMAP_STAT_LOOKUPS] - lookups < 1) {
		printk(KERN_ERR "bench: get_vm_area at N=%u: %s\n", n,
		       area ? "not counted in vmap_stats" : "NULL");
		return -1;
	}
	return 0;
}

/* N 1-page areas, then their N vfrees alone: the flushes they make. */
static int vfree_flushes(uint32_t n, struct bench_run *b)
{
	if (fill_areas(bench_areas, n))
		return -1;
	bench_begin(b);
	free_areas(bench_areas, n);
	bench_end(b);
	return 0;
}

static int run_scenario(uint32_t id, uint32_t loops, uint32_t *seed, struct bench_run *b)
{
	switch (id) {
	case BENCH_FIX_SIZE:
		return one_page_pairs(loops, 1, b);
	case BENCH_FULL_FIT:
		return full_fit(loops, b);
	case BENCH_LONG_BUSY_LIST:
		return long_busy_list(loops, b);
	case BENCH_RANDOM_SIZE:
		return random_size(loops, seed, b);
	case BENCH_ALIGN_SHIFT:
		return align_shift(b);
	case BENCH_VMALLOC_PAIR:
		return one_page_pairs(loops, 0, b);
	case BENCH_KMALLOC_PAIR:
		return kmalloc_pair(loops, b);
	case BENCH_LOOKUP_AT_N:
		return lookup_at_n(loops, b);
	default: /* BENCH_VFREE_FLUSHES */
		return vfree_flushes(loops, b);
	}
}

/*
 * arg0: scenario, arg1: loops (N for the last two: 1..BENCH_MAX_AREAS),
 * arg2: repeat (0: 1; at most 1000), arg3: seed (0: 1) -> see shared/abi.h.
 * What modern mode left pending is purged first, untimed, so that each
 * scenario starts from the same free space whatever ran before it.
 */
static int cmd_bench_scenario(const uint32_t *args, uint32_t *results)
{
	uint32_t repeat = args[2] ? args[2] : 1, seed = args[3] ? args[3] : 1, r;
	struct bench_run b = { 0 };
	uint64_t t0, total;

	if (args[0] >= BENCH_NR || repeat > 1000 || !args[1])
		return ST_EINVAL;
	if ((args[0] == BENCH_LOOKUP_AT_N || args[0] == BENCH_VFREE_FLUSHES) &&
	    args[1] > BENCH_MAX_AREAS)
		return ST_EINVAL;
	purge_vmap_area_lazy();
	t0 = get_cycles();
	for (r = 0; r < repeat; r++) {
		if (run_scenario(args[0], args[1], &seed, &b))
			results[1]++;
		else
			results[0]++;
	}
	total = get_cycles() - t0;
	results[2] = (uint32_t)total;
	results[3] = (uint32_t)(total >> 32);
	results[4] = (uint32_t)b.loop_cycles;
	results[5] = (uint32_t)(b.loop_cycles >> 32);
	results[6] = b.nodes;
	results[7] = b.flushes;
	return ST_OK;
}
DEFINE_CMD(CMD_BENCH_SCENARIO, cmd_bench_scenario);
