// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of vmalloc=modern (vmalloc_modern.c), run in either mode:
 * in 2.4 mode they check that the modern structures stay untouched.
 *
 *  vmap_trees        a seeded random mix of get_vm_area / vfree / purge,
 *                    the whole of both trees and the purge list checked
 *                    after each (vmap_area_check: colours, black height,
 *                    subtree_max_size, order, coverage of the range)
 *  vmap_lazy         lazy vfree: no flush, the range kept off the free
 *                    tree until one purge flushes once for all
 *  vmap_lazy_max     the purge that lazy_max_pages triggers, exactly at
 *                    the vfree that passes it
 *  vmap_purge_no_room  a search that finds no room purges, then succeeds
 *
 * As the 2.4 tests, each leaves the allocator as it found it: free pages
 * and kmalloc objects, counted after a purge.
 */
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <slab.h>
#include <tlbflush.h>
#include <vmap_area.h>
#include <selftest.h>

struct modern_snapshot {
	unsigned long free_pages, kmalloc_in_use;
};

static void modern_begin(struct modern_snapshot *s)
{
	purge_vmap_area_lazy();
	s->free_pages = nr_free_pages();
	s->kmalloc_in_use = kmalloc_objects_in_use();
}

static int modern_end(const struct modern_snapshot *s)
{
	purge_vmap_area_lazy();
	CHECK(nr_free_pages() == s->free_pages, "free pages: %lu before, %lu after", s->free_pages,
	      nr_free_pages());
	CHECK(kmalloc_objects_in_use() == s->kmalloc_in_use,
	      "kmalloc objects: %lu before, %lu after", s->kmalloc_in_use,
	      kmalloc_objects_in_use());
	return 0;
}

static int is_modern(void)
{
	return vmalloc_mode == VMALLOC_MODE_MODERN;
}

/* 2.4 mode: the modern allocator must not have been used at all. */
static int modern_untouched(void)
{
	CHECK(!vmap_area_root.node && !free_vmap_area_root.node && !vmap_purge_list &&
		      !vmap_lazy_nr,
	      "vmalloc=2.4 but the vmap_area trees or the purge list are in use");
	return 0;
}

#define TREE_AREAS 48

static unsigned long tree_seed;

static unsigned long tree_rand(void)
{
	tree_seed = tree_seed * 1103515245u + 12345u;
	return (tree_seed >> 8) & 0xffffff;
}

static int selftest_vmap_trees(void)
{
	struct vm_struct *areas[TREE_AREAS] = { NULL };
	struct modern_snapshot s;
	unsigned long i, k;
	int ret;

	if (!is_modern())
		return modern_untouched();
	modern_begin(&s);
	tree_seed = 0x7ee5;
	for (i = 0; i < 1500; i++) {
		k = tree_rand() % TREE_AREAS;
		if (tree_rand() % 50 == 0) {
			purge_vmap_area_lazy();
		} else if (areas[k]) {
			vfree(areas[k]->addr);
			areas[k] = NULL;
		} else {
			/* 1..16 pages, the odd big one to make holes of many sizes */
			unsigned long pages = tree_rand() % 16 + 1;

			if (tree_rand() % 10 == 0)
				pages *= 64;
			areas[k] = get_vm_area(pages << PAGE_SHIFT, VM_IOREMAP);
			CHECK(areas[k], "get_vm_area(%lu pages) failed at step %lu", pages, i);
		}
		write_lock(&vmlist_lock);
		ret = vmap_area_check();
		write_unlock(&vmlist_lock);
		CHECK(!ret, "the trees are wrong after step %lu", i);
	}
	for (k = 0; k < TREE_AREAS; k++)
		if (areas[k])
			vfree(areas[k]->addr);
	purge_vmap_area_lazy();
	write_lock(&vmlist_lock);
	ret = vmap_area_check();
	write_unlock(&vmlist_lock);
	CHECK(!ret, "the trees are wrong after the last purge");
	return modern_end(&s);
}
DEFINE_SELFTEST(vmap_trees, selftest_vmap_trees);

static int selftest_vmap_lazy(void)
{
	struct vm_struct *a, *b, *c, *d;
	struct modern_snapshot s;
	uint32_t flushes, purges;

	if (!is_modern())
		return modern_untouched();
	modern_begin(&s);
	a = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	b = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	CHECK(a && b, "get_vm_area failed");
	flushes = tlb_counters.flush_all;
	purges = vmap_stats[VMAP_STAT_PURGES];
	vfree(a->addr);
	vfree(b->addr);
	CHECK(tlb_counters.flush_all == flushes, "lazy vfree flushed %u times",
	      tlb_counters.flush_all - flushes);
	CHECK(vmap_lazy_nr == 4, "%u pages pending, expected 4 (2 areas and their guards)",
	      vmap_lazy_nr);
	/* The freed ranges are lowest, yet not reusable before the purge. */
	c = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	CHECK(c && c->addr != a->addr && c->addr != b->addr, "a pending range was reused: %p",
	      c ? c->addr : NULL);
	CHECK(purge_vmap_area_lazy() == 2, "the purge did not take the 2 pending areas");
	CHECK(tlb_counters.flush_all == flushes + 1 && vmap_stats[VMAP_STAT_PURGES] == purges + 1,
	      "the purge made %u flushes, expected 1", tlb_counters.flush_all - flushes);
	CHECK(!vmap_purge_list && !vmap_lazy_nr, "the purge list is not empty after a purge");
	CHECK(!purge_vmap_area_lazy() && tlb_counters.flush_all == flushes + 1,
	      "a purge with nothing pending flushed");
	d = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	CHECK(d && d->addr == a->addr, "after the purge first fit gave %p, not %p",
	      d ? d->addr : NULL, a->addr);
	vm_unmap_aliases();
	CHECK(tlb_counters.flush_all == flushes + 2, "vm_unmap_aliases did not flush");
	vfree(c->addr);
	vfree(d->addr);
	return modern_end(&s);
}
DEFINE_SELFTEST(vmap_lazy, selftest_vmap_lazy);

#define LAZY_AREAS_MAX (4 * 8192 / 2 + 1) /* fls(MAX_CPUS) = 4 */

/* kmalloc'd before the snapshot, freed after the comparison: not in .bss (see rbtree_selftest.c). */
static void **lazy_areas;

static int vmap_lazy_max(void)
{
	/* One-page areas span 2 pages with their guard: the purge comes at the n-th vfree. */
	const unsigned long n = lazy_max_pages() / 2 + 1;
	struct modern_snapshot s;
	uint32_t flushes;
	unsigned long i;

	if (!is_modern())
		return modern_untouched();
	CHECK(n <= LAZY_AREAS_MAX, "lazy_max_pages %lu", lazy_max_pages());
	modern_begin(&s);
	for (i = 0; i < n; i++) {
		struct vm_struct *v = get_vm_area(PAGE_SIZE, VM_IOREMAP);

		CHECK(v, "get_vm_area %lu failed", i);
		lazy_areas[i] = v->addr;
	}
	flushes = tlb_counters.flush_all;
	for (i = 0; i + 1 < n; i++)
		vfree(lazy_areas[i]);
	CHECK(tlb_counters.flush_all == flushes && vmap_lazy_nr == 2 * (n - 1),
	      "%u flushes, %u lazy pages before passing lazy_max_pages %lu",
	      tlb_counters.flush_all - flushes, vmap_lazy_nr, lazy_max_pages());
	vfree(lazy_areas[n - 1]);
	CHECK(tlb_counters.flush_all == flushes + 1 && !vmap_purge_list && !vmap_lazy_nr,
	      "passing lazy_max_pages: %u flushes, %u pages still pending",
	      tlb_counters.flush_all - flushes, vmap_lazy_nr);
	return modern_end(&s);
}

static int selftest_vmap_lazy_max(void)
{
	int ret;

	if (!is_modern())
		return modern_untouched();
	lazy_areas = kmalloc(LAZY_AREAS_MAX * sizeof(*lazy_areas), GFP_KERNEL);
	CHECK(lazy_areas, "kmalloc of the area table failed");
	ret = vmap_lazy_max();
	kfree(lazy_areas);
	return ret;
}
DEFINE_SELFTEST(vmap_lazy_max, selftest_vmap_lazy_max);

#define FILLERS 64

static int selftest_vmap_purge_no_room(void)
{
	struct vm_struct *fill[FILLERS], *small, *v;
	struct modern_snapshot s;
	unsigned long n = 0, i;
	uint32_t flushes;
	void *first;

	if (!is_modern())
		return modern_untouched();
	modern_begin(&s);
	/* Small, so that its vfree stays below lazy_max_pages and leaves it pending. */
	small = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	CHECK(small, "get_vm_area failed");
	/* Fill every free block exactly, largest first (each request fits only the largest). */
	while (free_vmap_area_root.node) {
		unsigned long max = rb_entry(free_vmap_area_root.node, struct vmap_area, rb_node)
					    ->subtree_max_size;

		CHECK(n < FILLERS, "more than %d free blocks", FILLERS);
		fill[n] = get_vm_area(max - PAGE_SIZE, VM_IOREMAP);
		CHECK(fill[n], "filling a block of %#lx bytes failed", max);
		n++;
	}
	first = small->addr;
	flushes = tlb_counters.flush_all;
	vfree(first);
	CHECK(vmap_purge_list && tlb_counters.flush_all == flushes, "the vfree purged");
	v = get_vm_area(0, VM_IOREMAP); /* the guard page alone: the smallest request */
	CHECK(v && v->addr == first && tlb_counters.flush_all == flushes + 1,
	      "with no room, get_vm_area gave %p after %u flushes; expected %p after a purge",
	      v ? v->addr : NULL, tlb_counters.flush_all - flushes, first);
	vfree(v->addr);
	for (i = 0; i < n; i++)
		vfree(fill[i]->addr);
	return modern_end(&s);
}
DEFINE_SELFTEST(vmap_purge_no_room, selftest_vmap_purge_no_room);

#define LOOKUP_AREAS 1000

static struct vm_struct **lookup_areas; /* kmalloc'd around the test, as lazy_areas */

static unsigned long ceil_log2(unsigned long n)
{
	unsigned long l = 0;

	while ((1ul << l) < n)
		l++;
	return l;
}

/*
 * vmap_stats' nodes visited per get_vm_area, exactly in 2.4 mode (the
 * links followed: one more than the areas before the new one on vmlist)
 * and within the red-black bound in modern mode (2 ceil(log2(N + 1)) + 4
 * with N busy areas; here the free tree is one block, so the bound is the
 * busy tree's height).
 */
static int vmap_lookup_nodes(void)
{
	struct modern_snapshot s;
	struct vm_struct *tmp;
	unsigned long i, before, busy;
	const struct rb_node *n;
	uint32_t lookups;

	modern_begin(&s);
	for (i = 0; i < LOOKUP_AREAS; i++) {
		lookups = vmap_stats[VMAP_STAT_LOOKUPS];
		busy = 0;
		for (n = rb_first(&vmap_area_root); n; n = rb_next(n))
			busy++;
		lookup_areas[i] = get_vm_area(PAGE_SIZE, VM_IOREMAP);
		CHECK(lookup_areas[i], "get_vm_area %lu failed", i);
		CHECK(vmap_stats[VMAP_STAT_LOOKUPS] == lookups + 1, "lookup %lu not counted", i);
		if (!is_modern()) {
			before = 0;
			for (tmp = vmlist; tmp && tmp != lookup_areas[i]; tmp = tmp->next)
				before++;
			CHECK(vmap_stats[VMAP_STAT_LAST_NODES] == before + 1,
			      "2.4: %u nodes visited with %lu areas before the new one",
			      vmap_stats[VMAP_STAT_LAST_NODES], before);
		} else {
			CHECK(vmap_stats[VMAP_STAT_LAST_NODES] <= 2 * ceil_log2(busy + 1) + 4,
			      "modern: %u nodes visited with %lu busy areas",
			      vmap_stats[VMAP_STAT_LAST_NODES], busy);
		}
	}
	if (is_modern())
		printk(KERN_INFO "vmap_lookup_nodes: %u nodes at N=%u (bound %lu)\n",
		       vmap_stats[VMAP_STAT_LAST_NODES], LOOKUP_AREAS - 1,
		       2 * ceil_log2(LOOKUP_AREAS) + 4);
	else
		printk(KERN_INFO "vmap_lookup_nodes: %u nodes at N=%u\n",
		       vmap_stats[VMAP_STAT_LAST_NODES], LOOKUP_AREAS - 1);
	for (i = 0; i < LOOKUP_AREAS; i++)
		vfree(lookup_areas[i]->addr);
	return modern_end(&s);
}

static int selftest_vmap_lookup_nodes(void)
{
	int ret;

	lookup_areas = kmalloc(LOOKUP_AREAS * sizeof(*lookup_areas), GFP_KERNEL);
	CHECK(lookup_areas, "kmalloc of the area table failed");
	ret = vmap_lookup_nodes();
	kfree(lookup_areas);
	return ret;
}
DEFINE_SELFTEST(vmap_lookup_nodes, selftest_vmap_lookup_nodes);
