/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Red-black trees (guest/kernel/rbtree.c), intrusive as Linux's: the user
 * embeds a struct rb_node, does its own descent to find where a new node
 * goes (rb_link_node), then asks for the colours to be repaired.
 *
 * Augmented trees: a user that keeps a value per node computed from the
 * node and its two subtrees (vmalloc's subtree_max_size) passes callbacks;
 * every rotation and every splice then keeps the value right, so after
 * rb_insert_augmented / rb_erase_augmented each node's value holds.
 *
 * i386 layout of struct rb_node (read by the host, shared/kstructs.h):
 *   0 parent, 4 left, 8 right, 12 colour (RB_RED 0 / RB_BLACK 1); sizeof 16.
 */
#ifndef GUEST_RBTREE_H
#define GUEST_RBTREE_H

#include <stddef.h>

#include "shared/kstructs.h"

#define RB_RED	 RB_NODE_RED
#define RB_BLACK RB_NODE_BLACK

struct rb_node {
	struct rb_node *parent;
	struct rb_node *left;
	struct rb_node *right;
	unsigned long color;
};

struct rb_root {
	struct rb_node *node;
};

#define RB_ROOT ((struct rb_root){ NULL })

#define rb_entry(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#if defined(__i386__)
_Static_assert(sizeof(struct rb_node) == RB_NODE_SIZE &&
		       offsetof(struct rb_node, parent) == RB_NODE_OFF_PARENT &&
		       offsetof(struct rb_node, left) == RB_NODE_OFF_LEFT &&
		       offsetof(struct rb_node, right) == RB_NODE_OFF_RIGHT &&
		       offsetof(struct rb_node, color) == RB_NODE_OFF_COLOR,
	       "struct rb_node is read by the host (shared/kstructs.h)");
#endif

/*
 * The augmented value.  recompute: set @node's value from its own data and
 * its children's values (children already right).  copy: @to now roots
 * the subtree @from rooted, so it takes @from's value.
 */
struct rb_augment_callbacks {
	void (*recompute)(struct rb_node *node);
	void (*copy)(struct rb_node *from, struct rb_node *to);
};

/* Put @node, red and childless, at *@link under @parent (found by the caller's descent). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent, struct rb_node **link)
{
	node->parent = parent;
	node->left = node->right = NULL;
	node->color = RB_RED;
	*link = node;
}

/* After rb_link_node: restore the red-black rules (and the augmented values, @cb non-NULL). */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *cb);
/* Remove @node from the tree, restoring the rules (and the augmented values). */
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *cb);

static inline void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	rb_insert_augmented(node, root, NULL);
}

static inline void rb_erase(struct rb_node *node, struct rb_root *root)
{
	rb_erase_augmented(node, root, NULL);
}

/* Recompute the augmented value of @node and of every ancestor (after @node's own data changed). */
void rb_augment_propagate(struct rb_node *node, const struct rb_augment_callbacks *cb);

/* @new takes @old's place, links and colour (same key: the order must not change). */
void rb_replace_node(struct rb_node *old, struct rb_node *new, struct rb_root *root);

/* In-order neighbours; NULL past either end. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * Check the red-black rules under @root: parent links, a black root, no
 * red node with a red child, the same black height on every path.
 * Returns the black height (>= 1 counting the NULL leaves), or -1 with a
 * message in printk.  Bounded by @max_nodes, so a cycle is reported.
 */
int rb_check(const struct rb_root *root, unsigned long max_nodes);

#endif /* GUEST_RBTREE_H */
