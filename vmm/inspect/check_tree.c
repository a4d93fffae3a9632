// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc=modern's areas read from guest memory (shared/kstructs.h): the
 * busy tree vmap_area_root, the free tree free_vmap_area_root and the
 * purge list, found through the guest's symbols, and judged while read:
 * the red-black rules (parent links, colours, no red node under a red
 * one, one black height), address order with no overlap, free blocks
 * merged, every free node's subtree_max_size recomputed from the nodes
 * below it, each busy area agreeing with its vm_struct, and the purge
 * list agreeing with vmap_lazy_nr.  Nothing read is trusted: depth and
 * node counts are bounded, so a cycle is a defect, not a hang.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/check_int.h"
#include "vmm/inspect/inspect.h"

/* A red-black tree of 2^32 nodes is at most 64 deep: anything deeper is corrupt. */
#define TREE_DEPTH_MAX 64

struct tree_walk {
	const struct guest_kernel *gk;
	struct vmap_tree_info *info;
	bool free_tree;
	unsigned int count;
	uint32_t vstart;
	uint32_t last_end; /* end of the last node in address order (0: none yet) */
	struct vm_area *areas;
	unsigned int max;
	struct vmap_read *out; /* NULL: keep no free blocks or pending ranges */
};

static int __attribute__((format(printf, 2, 3)))
defect(struct vmap_tree_info *info, const char *fmt, ...)
{
	va_list ap;

	if (!info->msg[0]) {
		va_start(ap, fmt);
		vsnprintf(info->msg, sizeof(info->msg), fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static int rd(struct tree_walk *w, uint32_t kva, uint32_t *val)
{
	if (kva & 3)
		return defect(w->info, "%s tree: pointer 0x%08" PRIx32 " not aligned",
			      w->free_tree ? "free" : "busy", kva);
	if (inspect_read_kva32(w->gk, kva, val, NULL, 0))
		return defect(w->info, "%s tree: 0x%08" PRIx32 " outside the direct map or RAM",
			      w->free_tree ? "free" : "busy", kva);
	return 0;
}

struct node_val {
	uint32_t parent, left, right, color;
	uint32_t start, end, subtree_max, flags, vm;
};

static int read_node(struct tree_walk *w, uint32_t node, struct node_val *n)
{
	uint32_t va = node - VMAP_AREA_OFF_RB_NODE;

	return rd(w, node + RB_NODE_OFF_PARENT, &n->parent) ||
	       rd(w, node + RB_NODE_OFF_LEFT, &n->left) ||
	       rd(w, node + RB_NODE_OFF_RIGHT, &n->right) ||
	       rd(w, node + RB_NODE_OFF_COLOR, &n->color) ||
	       rd(w, va + VMAP_AREA_OFF_START, &n->start) ||
	       rd(w, va + VMAP_AREA_OFF_END, &n->end) ||
	       rd(w, va + VMAP_AREA_OFF_SUBTREE_MAX, &n->subtree_max) ||
	       rd(w, va + VMAP_AREA_OFF_FLAGS, &n->flags) || rd(w, va + VMAP_AREA_OFF_VM, &n->vm);
}

static int range_add(struct vmap_range **arr, size_t *nr, size_t *cap, uint32_t start, uint32_t end)
{
	if (grow((void **)arr, cap, *nr + 1, sizeof(**arr)))
		return -ENOMEM;
	(*arr)[(*nr)++] = (struct vmap_range){ start, end };
	return 0;
}

/* The node in address order: placement, flags, merging, its vm_struct. */
static int judge_in_order(struct tree_walk *w, uint32_t node, const struct node_val *n)
{
	const char *t = w->free_tree ? "free" : "busy";
	uint32_t want = w->free_tree ? VA_FREE : VA_BUSY, vaddr, vsize;

	if (n->end <= n->start || ((n->start | n->end) & (PAGE_SIZE - 1)) || n->start < w->vstart ||
	    n->end > VMALLOC_END)
		return defect(w->info,
			      "%s area 0x%08" PRIx32 ": [0x%08" PRIx32 ", 0x%08" PRIx32
			      ") empty, unaligned or outside [0x%08" PRIx32 ", 0x%08x)",
			      t, node, n->start, n->end, w->vstart, VMALLOC_END);
	if (w->last_end && n->start < w->last_end)
		return defect(w->info,
			      "%s area [0x%08" PRIx32 ", 0x%08" PRIx32
			      ") out of order or overlapping the one before (ending 0x%08" PRIx32
			      ")",
			      t, n->start, n->end, w->last_end);
	if (w->free_tree && w->last_end == n->start)
		return defect(w->info, "free blocks meet at 0x%08" PRIx32 " unmerged", n->start);
	if (n->flags != want && !(w->free_tree && n->flags == (VA_FREE | VA_STATIC)))
		return defect(w->info,
			      "%s area [0x%08" PRIx32 ", 0x%08" PRIx32 ") has flags 0x%" PRIx32, t,
			      n->start, n->end, n->flags);
	if (!w->free_tree) {
		if (rd(w, n->vm + VM_STRUCT_OFF_ADDR, &vaddr) ||
		    rd(w, n->vm + VM_STRUCT_OFF_SIZE, &vsize))
			return -EBADMSG;
		if (vaddr != n->start || vsize != n->end - n->start)
			return defect(w->info,
				      "busy area [0x%08" PRIx32 ", 0x%08" PRIx32
				      "): its vm_struct 0x%08" PRIx32 " says [0x%08" PRIx32
				      ", +0x%" PRIx32 ")",
				      n->start, n->end, n->vm, vaddr, vsize);
		if (w->info->nr_busy < w->max) {
			struct vm_area *a = &w->areas[w->info->nr_busy];

			a->node = n->vm;
			a->addr = n->start;
			a->size = n->end - n->start;
			if (rd(w, n->vm + VM_STRUCT_OFF_FLAGS, &a->flags) ||
			    rd(w, n->vm + VM_STRUCT_OFF_CALLER, &a->caller))
				return -EBADMSG;
		}
		w->info->nr_busy++;
	} else {
		w->info->nr_free++;
		if (w->out &&
		    range_add(&w->out->free, &w->out->nr_free, &w->out->cap_free, n->start, n->end))
			return -ENOMEM;
	}
	w->last_end = n->end;
	return 0;
}

/*
 * The subtree at @node (its parent @parent): its black height (NULL
 * leaves count 1) in *bh and, in the free tree, its largest block in *max.
 */
static int walk_tree(struct tree_walk *w, uint32_t node, uint32_t parent, bool parent_red,
		     int depth, int *bh, uint32_t *max)
{
	struct node_val n;
	int lbh, rbh;
	uint32_t lmax = 0, rmax = 0, m;
	int ret;

	*bh = 1;
	*max = 0;
	if (!node)
		return 0;
	if (depth > TREE_DEPTH_MAX || ++w->count > VMAP_TREE_MAX)
		return defect(w->info, "%s tree: deeper than %d or more than %u nodes (a cycle?)",
			      w->free_tree ? "free" : "busy", TREE_DEPTH_MAX, VMAP_TREE_MAX);
	ret = read_node(w, node, &n);
	if (ret)
		return ret;
	if (n.parent != parent)
		return defect(w->info,
			      "%s tree: node 0x%08" PRIx32 " has parent 0x%08" PRIx32
			      ", is under 0x%08" PRIx32,
			      w->free_tree ? "free" : "busy", node, n.parent, parent);
	if (n.color != RB_NODE_RED && n.color != RB_NODE_BLACK)
		return defect(w->info, "%s tree: node 0x%08" PRIx32 " has colour %" PRIu32,
			      w->free_tree ? "free" : "busy", node, n.color);
	if (parent_red && n.color == RB_NODE_RED)
		return defect(w->info, "%s tree: red node 0x%08" PRIx32 " under a red parent",
			      w->free_tree ? "free" : "busy", node);
	ret = walk_tree(w, n.left, node, n.color == RB_NODE_RED, depth + 1, &lbh, &lmax);
	if (ret)
		return ret;
	ret = judge_in_order(w, node, &n);
	if (ret)
		return ret;
	ret = walk_tree(w, n.right, node, n.color == RB_NODE_RED, depth + 1, &rbh, &rmax);
	if (ret)
		return ret;
	if (lbh != rbh)
		return defect(w->info,
			      "%s tree: node 0x%08" PRIx32
			      " has black height %d on the left, %d on "
			      "the right",
			      w->free_tree ? "free" : "busy", node, lbh, rbh);
	*bh = lbh + (n.color == RB_NODE_BLACK);
	if (w->free_tree) {
		m = n.end - n.start;
		if (lmax > m)
			m = lmax;
		if (rmax > m)
			m = rmax;
		if (n.subtree_max != m)
			return defect(w->info,
				      "free tree: node 0x%08" PRIx32 " (block [0x%08" PRIx32
				      ", 0x%08" PRIx32 ")) keeps subtree_max_size 0x%" PRIx32
				      ", its subtree's is 0x%" PRIx32,
				      node, n.start, n.end, n.subtree_max, m);
		*max = m;
	}
	return 0;
}

static int read_tree(const struct guest_kernel *gk, struct vmap_tree_info *info, uint64_t root_kva,
		     bool free_tree, struct vm_area *areas, unsigned int max, struct vmap_read *out,
		     int *bh)
{
	struct tree_walk w = { .gk = gk,
			       .info = info,
			       .free_tree = free_tree,
			       .areas = areas,
			       .max = max,
			       .out = out };
	uint32_t root, color, top;
	int ret;

	ret = inspect_vmalloc_start(gk, &w.vstart, NULL, 0);
	if (ret)
		return defect(info, "vmalloc_start unreadable");
	if (rd(&w, (uint32_t)root_kva, &root))
		return -EBADMSG;
	if (root) {
		if (rd(&w, root + RB_NODE_OFF_COLOR, &color))
			return -EBADMSG;
		if (color != RB_NODE_BLACK)
			return defect(info, "%s tree: the root 0x%08" PRIx32 " is not black",
				      free_tree ? "free" : "busy", root);
	}
	return walk_tree(&w, root, 0, false, 0, bh, &top);
}

int vmap_syms_find(const struct sym_table *syms, struct vmap_syms *k, char *msg, size_t len)
{
	static const char *const names[] = { "vmalloc_mode",	    "vmap_area_root",
					     "free_vmap_area_root", "vmap_purge_list",
					     "vmap_lazy_nr",	    "vmap_stats" };
	uint64_t *const kva[] = { &k->mode, &k->busy, &k->free, &k->purge, &k->lazy, &k->stats };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!syms || sym_lookup(syms, names[i], kva[i], NULL) != 0) {
			snprintf(msg, len, "guest has no symbol %s: no vmap_area trees", names[i]);
			return -ENOENT;
		}
	}
	return 0;
}

int vmap_trees_read(const struct guest_kernel *gk, const struct vmap_syms *k, struct vm_area *areas,
		    unsigned int max, struct vmap_read *out, struct vmap_tree_info *info)
{
	struct tree_walk w = { .gk = gk, .info = info };
	uint32_t va, next, flags, start, end;
	unsigned int n = 0;
	int ret;

	memset(info, 0, sizeof(*info));
	if (out) {
		out->nr_free = out->nr_lazy = 0;
		out->purges_ok = !inspect_read_kva32(gk, k->stats + 4ull * VMAP_STAT_PURGES,
						     &out->purges, NULL, 0);
	}
	if (rd(&w, (uint32_t)k->mode, &info->mode) ||
	    rd(&w, (uint32_t)k->lazy, &info->vmap_lazy_nr))
		return -EBADMSG;
	ret = read_tree(gk, info, k->busy, false, areas, max, NULL, &info->black_height_busy);
	if (ret)
		return ret;
	ret = read_tree(gk, info, k->free, true, NULL, 0, out, &info->black_height_free);
	if (ret)
		return ret;
	if (rd(&w, (uint32_t)k->purge, &va))
		return -EBADMSG;
	for (; va; va = next) {
		if (++n > VMAP_TREE_MAX)
			return defect(info, "purge list longer than %u (a cycle?)", VMAP_TREE_MAX);
		if (rd(&w, va + VMAP_AREA_OFF_PURGE_NEXT, &next) ||
		    rd(&w, va + VMAP_AREA_OFF_FLAGS, &flags) ||
		    rd(&w, va + VMAP_AREA_OFF_START, &start) ||
		    rd(&w, va + VMAP_AREA_OFF_END, &end))
			return -EBADMSG;
		if (flags != VA_LAZY || end <= start)
			return defect(info,
				      "purge list: 0x%08" PRIx32 " [0x%08" PRIx32 ", 0x%08" PRIx32
				      ") has flags 0x%" PRIx32,
				      va, start, end, flags);
		info->nr_lazy++;
		info->lazy_pages += (end - start) >> PAGE_SHIFT;
		if (out && range_add(&out->lazy, &out->nr_lazy, &out->cap_lazy, start, end))
			return -ENOMEM;
	}
	if (info->lazy_pages != info->vmap_lazy_nr)
		return defect(info,
			      "purge list holds %" PRIu32 " pages, vmap_lazy_nr says %" PRIu32,
			      info->lazy_pages, info->vmap_lazy_nr);
	return 0;
}

int inspect_read_vmap_trees(const struct guest_kernel *gk, const struct sym_table *syms,
			    struct vm_area *areas, unsigned int max, struct vmap_tree_info *info)
{
	struct vmap_syms k;

	memset(info, 0, sizeof(*info));
	if (vmap_syms_find(syms, &k, info->msg, sizeof(info->msg)))
		return -ENOENT;
	return vmap_trees_read(gk, &k, areas, max, NULL, info);
}
