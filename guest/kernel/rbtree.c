// SPDX-License-Identifier: GPL-2.0
/*
 * Red-black trees with optional augmentation (include/rbtree.h), written
 * from the textbook algorithm: NULL leaves are black, the root is black,
 * a red node has black children, every path down has the same number of
 * black nodes; so the height stays below 2 log2(n + 1).
 *
 * Augmentation: a splice changes the subtrees of the nodes on one path
 * only, so those are recomputed bottom-up before the colour repair; a
 * rotation keeps the set of nodes under its top, so the new top copies
 * the old top's value and only the old top (now a child) is recomputed.
 */
#include <kernel.h>
#include <rbtree.h>

static int is_red(const struct rb_node *n)
{
	return n && n->color == RB_RED;
}

/* @new takes @old's place under @old's parent (or at the root). */
static void replace_child(struct rb_root *root, struct rb_node *old, struct rb_node *new)
{
	struct rb_node *p = old->parent;

	if (!p)
		root->node = new;
	else if (p->left == old)
		p->left = new;
	else
		p->right = new;
	if (new)
		new->parent = p;
}

static void rotate_left(struct rb_root *root, struct rb_node *x,
			const struct rb_augment_callbacks *cb)
{
	struct rb_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(root, x, y);
	y->left = x;
	x->parent = y;
	if (cb) {
		cb->copy(x, y);
		cb->recompute(x);
	}
}

static void rotate_right(struct rb_root *root, struct rb_node *x,
			 const struct rb_augment_callbacks *cb)
{
	struct rb_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(root, x, y);
	y->right = x;
	x->parent = y;
	if (cb) {
		cb->copy(x, y);
		cb->recompute(x);
	}
}

void rb_augment_propagate(struct rb_node *node, const struct rb_augment_callbacks *cb)
{
	for (; node; node = node->parent)
		cb->recompute(node);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *cb)
{
	struct rb_node *p, *g, *u;

	if (cb)
		rb_augment_propagate(node, cb);
	while ((p = node->parent) && p->color == RB_RED) {
		g = p->parent; /* a red node is never the root */
		if (p == g->left) {
			u = g->right;
			if (is_red(u)) {
				p->color = u->color = RB_BLACK;
				g->color = RB_RED;
				node = g;
				continue;
			}
			if (node == p->right) {
				rotate_left(root, p, cb);
				node = p;
				p = node->parent;
			}
			p->color = RB_BLACK;
			g->color = RB_RED;
			rotate_right(root, g, cb);
		} else {
			u = g->left;
			if (is_red(u)) {
				p->color = u->color = RB_BLACK;
				g->color = RB_RED;
				node = g;
				continue;
			}
			if (node == p->left) {
				rotate_right(root, p, cb);
				node = p;
				p = node->parent;
			}
			p->color = RB_BLACK;
			g->color = RB_RED;
			rotate_left(root, g, cb);
		}
	}
	root->node->color = RB_BLACK;
}

/* @x (possibly NULL) under @xp carries one black too few: push it up or absorb it. */
static void erase_fixup(struct rb_root *root, struct rb_node *x, struct rb_node *xp,
			const struct rb_augment_callbacks *cb)
{
	struct rb_node *w;

	while (x != root->node && !is_red(x)) {
		if (x == xp->left) {
			w = xp->right; /* non-NULL: its side has a black more than x's */
			if (is_red(w)) {
				w->color = RB_BLACK;
				xp->color = RB_RED;
				rotate_left(root, xp, cb);
				w = xp->right;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->color = RB_RED;
				x = xp;
				xp = x->parent;
				continue;
			}
			if (!is_red(w->right)) {
				w->left->color = RB_BLACK;
				w->color = RB_RED;
				rotate_right(root, w, cb);
				w = xp->right;
			}
			w->color = xp->color;
			xp->color = RB_BLACK;
			w->right->color = RB_BLACK;
			rotate_left(root, xp, cb);
		} else {
			w = xp->left;
			if (is_red(w)) {
				w->color = RB_BLACK;
				xp->color = RB_RED;
				rotate_right(root, xp, cb);
				w = xp->left;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->color = RB_RED;
				x = xp;
				xp = x->parent;
				continue;
			}
			if (!is_red(w->left)) {
				w->right->color = RB_BLACK;
				w->color = RB_RED;
				rotate_left(root, w, cb);
				w = xp->left;
			}
			w->color = xp->color;
			xp->color = RB_BLACK;
			w->left->color = RB_BLACK;
			rotate_right(root, xp, cb);
		}
		x = root->node;
		break;
	}
	if (x)
		x->color = RB_BLACK;
}

void rb_erase_augmented(struct rb_node *z, struct rb_root *root,
			const struct rb_augment_callbacks *cb)
{
	struct rb_node *x, *xp, *y;
	unsigned long removed_color = z->color;

	if (!z->left || !z->right) {
		x = z->left ? z->left : z->right;
		xp = z->parent;
		replace_child(root, z, x);
	} else {
		/* Two children: z's successor y (leftmost on the right) takes z's place and colour. */
		y = z->right;
		while (y->left)
			y = y->left;
		removed_color = y->color;
		x = y->right;
		if (y->parent == z) {
			xp = y;
		} else {
			xp = y->parent;
			replace_child(root, y, x);
			y->right = z->right;
			y->right->parent = y;
		}
		replace_child(root, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->color = z->color;
	}
	/* Every node whose subtree lost z is on the path from xp up. */
	if (cb && xp)
		rb_augment_propagate(xp, cb);
	if (removed_color == RB_BLACK)
		erase_fixup(root, x, xp, cb);
	z->parent = z->left = z->right = NULL;
}

void rb_replace_node(struct rb_node *old, struct rb_node *new, struct rb_root *root)
{
	*new = *old;
	replace_child(root, old, new);
	if (new->left)
		new->left->parent = new;
	if (new->right)
		new->right->parent = new;
	old->parent = old->left = old->right = NULL;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	while (n && n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	const struct rb_node *p;

	if (node->right) {
		node = node->right;
		while (node->left)
			node = node->left;
		return (struct rb_node *)node;
	}
	while ((p = node->parent) && node == p->right)
		node = p;
	return (struct rb_node *)p;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	const struct rb_node *p;

	if (node->left) {
		node = node->left;
		while (node->right)
			node = node->right;
		return (struct rb_node *)node;
	}
	while ((p = node->parent) && node == p->left)
		node = p;
	return (struct rb_node *)p;
}

static int check_subtree(const struct rb_node *n, const struct rb_node *parent,
			 unsigned long *budget)
{
	int lh, rh;

	if (!n)
		return 1;
	if (!(*budget)--) {
		printk(KERN_ERR "rbtree: more nodes than expected (a cycle?)\n");
		return -1;
	}
	if (n->parent != parent) {
		printk(KERN_ERR "rbtree: node %p has parent %p, expected %p\n", (void *)n,
		       (void *)n->parent, (void *)parent);
		return -1;
	}
	if (n->color != RB_RED && n->color != RB_BLACK) {
		printk(KERN_ERR "rbtree: node %p has colour %lu\n", (void *)n, n->color);
		return -1;
	}
	if (is_red(n) && (is_red(n->left) || is_red(n->right))) {
		printk(KERN_ERR "rbtree: red node %p has a red child\n", (void *)n);
		return -1;
	}
	lh = check_subtree(n->left, n, budget);
	if (lh < 0)
		return -1;
	rh = check_subtree(n->right, n, budget);
	if (rh < 0)
		return -1;
	if (lh != rh) {
		printk(KERN_ERR "rbtree: node %p: black height %d on the left, %d on the right\n",
		       (void *)n, lh, rh);
		return -1;
	}
	return lh + (n->color == RB_BLACK);
}

int rb_check(const struct rb_root *root, unsigned long max_nodes)
{
	if (is_red(root->node)) {
		printk(KERN_ERR "rbtree: the root %p is red\n", (void *)root->node);
		return -1;
	}
	return check_subtree(root->node, NULL, &max_nodes);
}
