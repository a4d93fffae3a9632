// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc=modern: the area bookkeeping arranged as Linux 5.2 and later
 * arrange it (our own code; the page-table layer is vmalloc.c's).
 *
 *  - A busy area is a struct vmap_area in vmap_area_root, a red-black
 *    tree by address: vfree and find_vm_area are O(log n).
 *  - Free space is a second tree, free_vmap_area_root, of maximal free
 *    blocks; each node keeps subtree_max_size, the largest block under it,
 *    so the lowest block that fits is found in one descent (first fit, the
 *    same address 2.4's list walk gives when nothing is pending).
 *  - vfree unmaps at once (the pages go back at once, as Linux's do) but
 *    does not flush: the range goes on vmap_purge_list.  A purge flushes
 *    all TLBs once, then gives every pending range back to the free tree,
 *    so no range is reused while a stale translation may still point into
 *    it.  A purge runs when the pending pages pass lazy_max_pages(), when
 *    a search finds no room, or when asked (CMD_PURGE, vm_unmap_aliases).
 *
 * kmalloc: one object per area, as in 2.4 (so failslab= fails the same
 * calls in both modes): a vmap_area and its vm_struct together.  When the
 * area is purged the same object becomes a free block, or is freed if the
 * range merges into a neighbouring free block.  One free block is static
 * (the whole range at boot, so boot takes no kmalloc), and it stays in
 * the free tree whenever the tree is not empty: the objects held for free
 * space are then always (free blocks - 1), whatever the history, so a
 * sequence that gives back all it took, purged, gives back its objects.
 *
 * vmlist: modern mode leaves it NULL.  Linux kept vmlist only until
 * vmalloc_init; a list kept sorted beside the tree would cost 2.4's O(n)
 * walk on every get_vm_area and defeat the tree.  Readers (the host)
 * use the trees through the symbols in shared/kstructs.h.
 */
#include <kernel.h>
#include <percpu.h>
#include <mm.h>
#include <pgtable.h>
#include <slab.h>
#include <smp.h>
#include <spinlock.h>
#include <string.h>
#include <tlbflush.h>
#include <vmap_area.h>

uint32_t vmalloc_mode = VMALLOC_MODE_24;
struct rb_root vmap_area_root;
struct rb_root free_vmap_area_root;
struct vmap_area *vmap_purge_list;
uint32_t vmap_lazy_nr;
uint32_t vmap_stats[VMAP_STAT_NR];

static struct vmap_area initial_free_block;
static int free_space_ready;

struct vmap_area_vm {
	struct vmap_area va; /* first: the object's address is the vmap_area's */
	struct vm_struct vm;
};

#define va_of(node) rb_entry(node, struct vmap_area, rb_node)

static unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static unsigned long subtree_max(const struct rb_node *node)
{
	return node ? va_of(node)->subtree_max_size : 0;
}

static void free_recompute(struct rb_node *node)
{
	unsigned long max = va_size(va_of(node));

	if (subtree_max(node->left) > max)
		max = subtree_max(node->left);
	if (subtree_max(node->right) > max)
		max = subtree_max(node->right);
	va_of(node)->subtree_max_size = max;
}

static void free_copy(struct rb_node *from, struct rb_node *to)
{
	va_of(to)->subtree_max_size = va_of(from)->subtree_max_size;
}

static const struct rb_augment_callbacks free_augment = {
	.recompute = free_recompute,
	.copy = free_copy,
};

void vmap_count_lookup(uint32_t nodes)
{
	uint32_t max = vmap_stats[VMAP_STAT_MAX_NODES];

	stat_inc(vmap_stats[VMAP_STAT_LOOKUPS]);
	stat_add(vmap_stats[VMAP_STAT_NODES], nodes);
	vmap_stats[VMAP_STAT_LAST_NODES] = nodes;
	/* Several CPUs: the larger value wins (a failed exchange reloads max). */
	while (nodes > max &&
	       !__atomic_compare_exchange_n(&vmap_stats[VMAP_STAT_MAX_NODES], &max, nodes, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

unsigned long lazy_max_pages(void)
{
	unsigned long cpus = smp_cpus_online ? smp_cpus_online : 1;
	unsigned long fls = 0;

	while (cpus) {
		fls++;
		cpus >>= 1;
	}
	return fls * ((32ul << 20) >> PAGE_SHIFT);
}

static void release_va(struct vmap_area *va)
{
	if (!(va->flags & VA_STATIC))
		kfree(va);
}

/*
 * Take @va out of the free tree for good.  If it is the static block and
 * another block remains, the static block takes that one's place in the
 * tree (same range, same links) and the other's object is freed instead.
 */
static void remove_free_block(struct vmap_area *va)
{
	struct rb_node *other;
	struct vmap_area *o;

	rb_erase_augmented(&va->rb_node, &free_vmap_area_root, &free_augment);
	if (!(va->flags & VA_STATIC) || !free_vmap_area_root.node) {
		release_va(va);
		return;
	}
	other = free_vmap_area_root.node;
	o = va_of(other);
	va->va_start = o->va_start;
	va->va_end = o->va_end;
	va->subtree_max_size = o->subtree_max_size;
	rb_replace_node(other, &va->rb_node, &free_vmap_area_root);
	kfree(o);
}

/* VMALLOC_START is known only in paging_init, which calls vmalloc_init. */
static void init_free_space(void)
{
	if (free_space_ready)
		return;
	initial_free_block.va_start = VMALLOC_START;
	initial_free_block.va_end = VMALLOC_END;
	initial_free_block.flags = VA_FREE | VA_STATIC;
	rb_link_node(&initial_free_block.rb_node, NULL, &free_vmap_area_root.node);
	rb_insert_augmented(&initial_free_block.rb_node, &free_vmap_area_root, &free_augment);
	free_space_ready = 1;
}

void vmalloc_init(void)
{
	if (vmalloc_mode == VMALLOC_MODE_MODERN)
		init_free_space();
}

/*
 * The lowest free block of at least @size bytes, in one descent: go left
 * while the left subtree has room, else take this node if it has, else the
 * right subtree must (its max says so).
 */
static struct vmap_area *find_lowest_fit(unsigned long size, uint32_t *visited)
{
	struct rb_node *n = free_vmap_area_root.node;

	if (subtree_max(n) < size)
		return NULL;
	while (n) {
		(*visited)++;
		if (subtree_max(n->left) >= size)
			n = n->left;
		else if (va_size(va_of(n)) >= size)
			return va_of(n);
		else
			n = n->right;
	}
	return NULL; /* unreachable while the augmented values are right */
}

static void insert_busy(struct vmap_area *va, uint32_t *visited)
{
	struct rb_node **link = &vmap_area_root.node, *parent = NULL;

	while (*link) {
		(*visited)++;
		parent = *link;
		link = va->va_start < va_of(parent)->va_start ? &parent->left : &parent->right;
	}
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_color(&va->rb_node, &vmap_area_root);
}

/* Give [va_start, va_end) back to the free tree, merged with the free blocks it touches. */
static void insert_free_merged(struct vmap_area *va)
{
	struct rb_node **link = &free_vmap_area_root.node, *parent = NULL;
	struct vmap_area *prev = NULL, *next = NULL, *merged = NULL;
	const unsigned long start = va->va_start, end = va->va_end; /* va may be freed below */

	while (*link) {
		parent = *link;
		link = start < va_of(parent)->va_start ? &parent->left : &parent->right;
	}
	if (parent && link == &parent->left) {
		next = va_of(parent);
		prev = rb_prev(parent) ? va_of(rb_prev(parent)) : NULL;
	} else if (parent) {
		prev = va_of(parent);
		next = rb_next(parent) ? va_of(rb_next(parent)) : NULL;
	}
	va->flags = VA_FREE;
	va->vm = NULL;
	va->purge_next = NULL;
	if (next && next->va_start == end) {
		next->va_start = start;
		release_va(va);
		merged = next;
	}
	if (prev && prev->va_end == start) {
		if (merged && (next->flags & VA_STATIC)) {
			/* Keep the static block: next grows down over prev. */
			next->va_start = prev->va_start;
			rb_erase_augmented(&prev->rb_node, &free_vmap_area_root, &free_augment);
			release_va(prev);
			rb_augment_propagate(&next->rb_node, &free_augment);
			return;
		}
		if (merged) {
			prev->va_end = next->va_end;
			rb_erase_augmented(&next->rb_node, &free_vmap_area_root, &free_augment);
			release_va(next);
		} else {
			prev->va_end = end;
			release_va(va);
		}
		merged = prev;
	}
	if (merged) {
		rb_augment_propagate(&merged->rb_node, &free_augment);
		return;
	}
	if (!parent) {
		/* The tree was empty, so the static block is free to take this range. */
		initial_free_block.va_start = start;
		initial_free_block.va_end = end;
		release_va(va);
		va = &initial_free_block;
		va->flags = VA_FREE | VA_STATIC;
	}
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_augmented(&va->rb_node, &free_vmap_area_root, &free_augment);
}

unsigned long purge_vmap_area_lazy(void)
{
	struct vmap_area *va, *next;
	unsigned long n = 0;

	if (!vmap_purge_list)
		return 0;
	/* Before any range is reusable: the translations vfree left are gone on every CPU. */
	flush_tlb_all();
	write_lock(&vmlist_lock);
	for (va = vmap_purge_list; va; va = next) {
		next = va->purge_next;
		insert_free_merged(va);
		n++;
	}
	vmap_purge_list = NULL;
	vmap_lazy_nr = 0;
	write_unlock(&vmlist_lock);
	stat_inc(vmap_stats[VMAP_STAT_PURGES]);
	stat_add(vmap_stats[VMAP_STAT_PURGED_AREAS], n);
	return n;
}

unsigned long vm_unmap_aliases(void)
{
	unsigned long n = purge_vmap_area_lazy();

	if (!n)
		flush_tlb_all();
	return n;
}

struct vm_struct *modern_get_vm_area(unsigned long size, unsigned long flags)
{
	struct vmap_area_vm *obj;
	struct vmap_area *free;
	unsigned long addr;
	uint32_t visited = 0;
	int purged = 0;

	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		goto out_fail;
	/* The guard page, as in 2.4. */
	if (size + PAGE_SIZE < size)
		goto out_free;
	size += PAGE_SIZE;

	write_lock(&vmlist_lock);
	init_free_space();
	for (;;) {
		free = find_lowest_fit(size, &visited);
		if (free || purged || !vmap_purge_list)
			break;
		/* No room: what vfree left pending may make some. */
		write_unlock(&vmlist_lock);
		purge_vmap_area_lazy();
		write_lock(&vmlist_lock);
		purged = 1;
	}
	if (!free) {
		write_unlock(&vmlist_lock);
		vmap_count_lookup(visited);
		goto out_free;
	}
	addr = free->va_start;
	if (va_size(free) == size) {
		remove_free_block(free);
	} else {
		/* Taken from the block's start: its place in the tree by address stays. */
		free->va_start += size;
		rb_augment_propagate(&free->rb_node, &free_augment);
	}

	memset(obj, 0, sizeof(*obj));
	obj->vm.flags = flags;
	obj->vm.addr = (void *)addr;
	obj->vm.size = size;
	obj->va.va_start = addr;
	obj->va.va_end = addr + size;
	obj->va.flags = VA_BUSY;
	obj->va.vm = &obj->vm;
	insert_busy(&obj->va, &visited);
	write_unlock(&vmlist_lock);
	vmap_count_lookup(visited);
	stat_add(vmalloc_counters.vmlist_visited, visited);
	stat_inc(vmalloc_counters.areas_allocated);
	return &obj->vm;

out_free:
	kfree(obj);
out_fail:
	stat_inc(vmalloc_counters.get_vm_area_failed);
	return NULL;
}

/* The busy area holding @addr (guard page included); the caller holds vmlist_lock. */
static struct vmap_area *find_busy(unsigned long addr)
{
	struct rb_node *n = vmap_area_root.node;

	while (n) {
		struct vmap_area *va = va_of(n);

		stat_inc(vmalloc_counters.vmlist_visited);
		if (addr < va->va_start)
			n = n->left;
		else if (addr >= va->va_end)
			n = n->right;
		else
			return va;
	}
	return NULL;
}

struct vm_struct *modern_find_vm_area(unsigned long addr)
{
	struct vmap_area *va = find_busy(addr);

	return va ? va->vm : NULL;
}

void modern_vfree(void *addr)
{
	struct vmap_area *va;
	int purge;

	write_lock(&vmlist_lock);
	va = find_busy((unsigned long)addr);
	if (!va || va->va_start != (unsigned long)addr) {
		write_unlock(&vmlist_lock);
		printk(KERN_ERR "Trying to vfree() nonexistent vm area (%p)\n", addr);
		return;
	}
	rb_erase(&va->rb_node, &vmap_area_root);
	vunmap_area_pages_noflush(va->va_start, va_size(va));
	va->flags = VA_LAZY;
	va->vm = NULL;
	va->purge_next = vmap_purge_list;
	vmap_purge_list = va;
	vmap_lazy_nr += va_size(va) >> PAGE_SHIFT;
	purge = vmap_lazy_nr > lazy_max_pages();
	write_unlock(&vmlist_lock);
	stat_inc(vmalloc_counters.areas_freed);
	if (purge)
		purge_vmap_area_lazy();
}

/* The largest block under @n, recomputed from scratch; ~0 when a kept value is wrong. */
static unsigned long check_subtree_max(const struct rb_node *n)
{
	unsigned long l, r, m;

	if (!n)
		return 0;
	l = check_subtree_max(n->left);
	r = check_subtree_max(n->right);
	if (l == ~0ul || r == ~0ul)
		return ~0ul;
	m = va_size(va_of(n));
	if (l > m)
		m = l;
	if (r > m)
		m = r;
	if (m != va_of(n)->subtree_max_size) {
		printk(KERN_ERR "vmap: free block [%#lx, %#lx) keeps subtree_max_size %#lx, "
				"its subtree's is %#lx\n",
		       va_of(n)->va_start, va_of(n)->va_end, va_of(n)->subtree_max_size, m);
		return ~0ul;
	}
	return m;
}

int vmap_area_check(void)
{
	const unsigned long limit = (VMALLOC_END - VMALLOC_START) >> PAGE_SHIFT;
	const struct rb_node *b, *f;
	const struct vmap_area *va, *l;
	unsigned long last_end = VMALLOC_START, covered = 0, lazy = 0, pending = 0;
	int saw_static = 0;

	if (!free_space_ready)
		return vmap_area_root.node || free_vmap_area_root.node || vmap_purge_list ? -1 : 0;

	if (rb_check(&vmap_area_root, limit) < 0 || rb_check(&free_vmap_area_root, limit) < 0)
		return -1;
	if (check_subtree_max(free_vmap_area_root.node) == ~0ul)
		return -1;
	/* Both trees in address order at once: no overlap, free blocks maximal. */
	b = rb_first(&vmap_area_root);
	f = rb_first(&free_vmap_area_root);
	while (b || f) {
		int busy = b && (!f || va_of(b)->va_start < va_of(f)->va_start);
		const struct rb_node *n = busy ? b : f;

		va = va_of(n);
		if (va->va_start < last_end || va->va_end <= va->va_start ||
		    va->va_end > VMALLOC_END || ((va->va_start | va->va_end) & ~PAGE_MASK)) {
			printk(KERN_ERR
			       "vmap: %s [%#lx, %#lx) overlaps, is empty or out of range\n",
			       busy ? "busy" : "free", va->va_start, va->va_end);
			return -1;
		}
		if (va->flags != (busy ? VA_BUSY : VA_FREE) &&
		    !(!busy && va->flags == (VA_FREE | VA_STATIC))) {
			printk(KERN_ERR "vmap: [%#lx, %#lx) in the %s tree has flags %#lx\n",
			       va->va_start, va->va_end, busy ? "busy" : "free", va->flags);
			return -1;
		}
		if (busy && (!va->vm || (unsigned long)va->vm->addr != va->va_start ||
			     va->vm->size != va_size(va))) {
			printk(KERN_ERR "vmap: busy [%#lx, %#lx) and its vm_struct disagree\n",
			       va->va_start, va->va_end);
			return -1;
		}
		if (!busy && f != rb_first(&free_vmap_area_root) &&
		    va_of(rb_prev(f))->va_end == va->va_start) {
			printk(KERN_ERR "vmap: free blocks meet at %#lx unmerged\n", va->va_start);
			return -1;
		}
		if (va == &initial_free_block)
			saw_static = 1;
		last_end = va->va_end;
		covered += va_size(va);
		if (busy)
			b = rb_next(b);
		else
			f = rb_next(f);
	}
	/* Pending ranges: in neither tree, so between them they cover the range exactly. */
	for (l = vmap_purge_list; l; l = l->purge_next) {
		if (++pending > limit || l->flags != VA_LAZY) {
			printk(KERN_ERR "vmap: purge list entry %p: flags %#lx (or a cycle)\n",
			       (const void *)l, l->flags);
			return -1;
		}
		covered += va_size(l);
		lazy += va_size(l) >> PAGE_SHIFT;
	}
	if (covered != VMALLOC_END - VMALLOC_START || lazy != vmap_lazy_nr) {
		printk(KERN_ERR "vmap: busy + free + pending cover %#lx bytes of %#lx; "
				"%lu lazy pages, vmap_lazy_nr %u\n",
		       covered, (unsigned long)(VMALLOC_END - VMALLOC_START), lazy, vmap_lazy_nr);
		return -1;
	}
	if (saw_static != (free_vmap_area_root.node != NULL)) {
		printk(KERN_ERR "vmap: the static free block is %sin the free tree\n",
		       saw_static ? "" : "not ");
		return -1;
	}
	return 0;
}
