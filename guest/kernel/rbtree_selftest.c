// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the red-black tree (rbtree.c): a few thousand nodes
 * inserted and then erased in seeded random orders, the tree checked
 * after every single insert and erase -- colours, parent links, black
 * height, in-order keys, node count, and an augmented value (the largest
 * "size" in each subtree, as vmalloc's free tree keeps) recomputed from
 * scratch and compared with what the callbacks maintained.
 */
#include <kernel.h>
#include <mailbox.h>
#include <rbtree.h>
#include <selftest.h>
#include <vmalloc.h>

#define RBT_NODES 3000

struct rbt_node {
	struct rb_node rb;
	unsigned long key, size, max;
};

/* vmalloc'd by the test: in .bss they would move swapper_pg_dir, whose address tests pin. */
static struct rbt_node *rbt_nodes;
static unsigned short *rbt_order;

#define rbt_of(n) rb_entry(n, struct rbt_node, rb)

static unsigned long rbt_max(const struct rb_node *n)
{
	return n ? rbt_of(n)->max : 0;
}

static void rbt_recompute(struct rb_node *n)
{
	unsigned long m = rbt_of(n)->size;

	if (rbt_max(n->left) > m)
		m = rbt_max(n->left);
	if (rbt_max(n->right) > m)
		m = rbt_max(n->right);
	rbt_of(n)->max = m;
}

static void rbt_copy(struct rb_node *from, struct rb_node *to)
{
	rbt_of(to)->max = rbt_of(from)->max;
}

static const struct rb_augment_callbacks rbt_augment = {
	.recompute = rbt_recompute,
	.copy = rbt_copy,
};

static unsigned long rbt_seed;

static unsigned long rbt_rand(void)
{
	rbt_seed = rbt_seed * 1103515245u + 12345u;
	return (rbt_seed >> 8) & 0xffffff;
}

static void shuffle(void)
{
	unsigned int i, j;
	unsigned short t;

	for (i = RBT_NODES - 1; i > 0; i--) {
		j = rbt_rand() % (i + 1);
		t = rbt_order[i];
		rbt_order[i] = rbt_order[j];
		rbt_order[j] = t;
	}
}

/* The true subtree maximum under @n, compared with each node's kept value; -1 on a mismatch. */
static long check_max(const struct rb_node *n)
{
	long l, r, m;

	if (!n)
		return 0;
	l = check_max(n->left);
	r = check_max(n->right);
	if (l < 0 || r < 0)
		return -1;
	m = (long)rbt_of(n)->size;
	if (l > m)
		m = l;
	if (r > m)
		m = r;
	if ((unsigned long)m != rbt_of(n)->max) {
		printk(KERN_ERR "rbtree: key %lu keeps max %lu, its subtree's is %ld\n",
		       rbt_of(n)->key, rbt_of(n)->max, m);
		return -1;
	}
	return m;
}

static int check_tree(const struct rb_root *root, unsigned long expected)
{
	const struct rb_node *n;
	unsigned long count = 0, last = 0;

	CHECK(rb_check(root, expected) > 0, "red-black rules broken with %lu nodes", expected);
	for (n = rb_first(root); n; n = rb_next(n)) {
		CHECK(!count || rbt_of(n)->key > last, "keys out of order: %lu after %lu",
		      rbt_of(n)->key, last);
		last = rbt_of(n)->key;
		count++;
	}
	CHECK(count == expected, "%lu nodes in order, expected %lu", count, expected);
	CHECK(check_max(root->node) >= 0, "augmented maximum wrong with %lu nodes", expected);
	return 0;
}

static void insert(struct rb_root *root, struct rbt_node *x)
{
	struct rb_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = x->key < rbt_of(parent)->key ? &parent->left : &parent->right;
	}
	rb_link_node(&x->rb, parent, link);
	rb_insert_augmented(&x->rb, root, &rbt_augment);
}

static int rbtree_passes(void)
{
	struct rb_root root = RB_ROOT;
	unsigned long i;
	int pass;

	/* Two seeds: each sees different rotation sequences on insert and on erase. */
	for (pass = 0; pass < 2; pass++) {
		rbt_seed = 0x5eed + (unsigned long)pass;
		for (i = 0; i < RBT_NODES; i++) {
			rbt_nodes[i].key = i * 3 + 1;
			rbt_nodes[i].size = rbt_rand() % 100000;
			rbt_order[i] = (unsigned short)i;
		}
		shuffle();
		for (i = 0; i < RBT_NODES; i++) {
			insert(&root, &rbt_nodes[rbt_order[i]]);
			if (check_tree(&root, i + 1))
				return -1;
		}
		CHECK(rb_check(&root, RBT_NODES) <= 12, "black height %d for %u nodes",
		      rb_check(&root, RBT_NODES), RBT_NODES);
		/* A node whose own value changes, then propagate (vmalloc's shrinking block). */
		rbt_nodes[7].size = 200000;
		rb_augment_propagate(&rbt_nodes[7].rb, &rbt_augment);
		if (check_tree(&root, RBT_NODES))
			return -1;
		CHECK(rbt_max(root.node) == 200000, "root max %lu after growing a node",
		      rbt_max(root.node));
		shuffle();
		for (i = 0; i < RBT_NODES; i++) {
			rb_erase_augmented(&rbt_nodes[rbt_order[i]].rb, &root, &rbt_augment);
			if (check_tree(&root, RBT_NODES - i - 1))
				return -1;
		}
		CHECK(!root.node, "tree not empty after erasing every node");
	}
	return 0;
}

static int selftest_rbtree(void)
{
	int ret;

	rbt_nodes = vmalloc(RBT_NODES * sizeof(*rbt_nodes));
	rbt_order = vmalloc(RBT_NODES * sizeof(*rbt_order));
	ret = rbt_nodes && rbt_order ? rbtree_passes() : -1;
	if (!rbt_nodes || !rbt_order)
		printk(KERN_ERR "rbtree: vmalloc of the test's nodes failed\n");
	vfree(rbt_nodes);
	vfree(rbt_order);
	return ret;
}
DEFINE_SELFTEST(rbtree, selftest_rbtree);
