/* See rbtree.h. The insert and erase rebalancing follow the case analysis of
 * Linux's lib/rbtree.c; left and right cases share one body through a
 * direction, and every rotation reports itself to the augment callbacks. */
#include <vitro/compiler.h>
#include <vitro/rbtree.h>

#define RB_RED 0ul
#define RB_BLACK 1ul

/* Direction of a child: the mirror case is the same code with !dir. */
enum { RB_LEFT = 0, RB_RIGHT = 1 };

/* The workers are inlined into each entry point, so the plain ones see the
 * no-op callbacks as constants and drop them (as Linux does). */

static inline bool rb_is_black(const struct rb_node *node)
{
	return !node || (node->rb_parent_color & RB_BLACK);
}

static inline bool rb_is_red(const struct rb_node *node)
{
	return !rb_is_black(node);
}

static inline void rb_set_parent_color(struct rb_node *node, struct rb_node *parent,
				       unsigned long color)
{
	node->rb_parent_color = (unsigned long)parent | color;
}

static inline void rb_set_parent(struct rb_node *node, struct rb_node *parent)
{
	node->rb_parent_color = (unsigned long)parent | (node->rb_parent_color & RB_BLACK);
}

static inline void rb_set_color(struct rb_node *node, unsigned long color)
{
	node->rb_parent_color = (node->rb_parent_color & ~RB_BLACK) | color;
}

static inline struct rb_node **rb_child_link(struct rb_node *node, int dir)
{
	return dir == RB_LEFT ? &node->rb_left : &node->rb_right;
}

static inline struct rb_node *rb_child(struct rb_node *node, int dir)
{
	return *rb_child_link(node, dir);
}

/* Points whatever pointed at old (parent's child link, or the root) at new. */
static inline void rb_replace_child(struct rb_node *old, struct rb_node *new,
				    struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/* Moves node down on side dir; its child on the other side takes its place
 * (dir == RB_LEFT is the textbook left rotation). Colours are left to the
 * caller. */
static __always_inline void rb_rotate(struct rb_node *node, int dir, struct rb_root *root,
				      const struct rb_augment_callbacks *augment)
{
	struct rb_node *up = rb_child(node, !dir);
	struct rb_node *inner = rb_child(up, dir);
	struct rb_node *parent = rb_parent(node);

	*rb_child_link(node, !dir) = inner;
	if (inner)
		rb_set_parent(inner, node);
	*rb_child_link(up, dir) = node;
	rb_set_parent(node, up);
	rb_set_parent(up, parent);
	rb_replace_child(node, up, parent, root);
	/* up now spans node's old subtree; node spans less. */
	augment->rotate(node, up);
}

/* node is a freshly linked red leaf; restores "no red node has a red child"
 * and a black root. */
static __always_inline void rb_insert_fixup(struct rb_node *node, struct rb_root *root,
					    const struct rb_augment_callbacks *augment)
{
	for (;;) {
		struct rb_node *parent = rb_parent(node), *gparent, *uncle;
		int dir;

		if (!parent) {
			rb_set_color(node, RB_BLACK);
			return;
		}
		if (rb_is_black(parent))
			return;
		/* A red parent is never the root, so gparent exists. */
		gparent = rb_parent(parent);
		dir = parent == gparent->rb_right ? RB_RIGHT : RB_LEFT;
		uncle = rb_child(gparent, !dir);
		if (rb_is_red(uncle)) {
			/* Case 1: push gparent's blackness down to both
			 * children; gparent may now violate with its parent. */
			rb_set_color(uncle, RB_BLACK);
			rb_set_color(parent, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			node = gparent;
			continue;
		}
		if (node == rb_child(parent, !dir)) {
			/* Case 2: node is the inner grandchild; rotate it
			 * outward so case 3 applies with the roles swapped. */
			rb_rotate(parent, dir, root, augment);
			parent = node;
		}
		/* Case 3: node is the outer grandchild; rotate gparent down
		 * on the uncle's side. Black heights are unchanged. */
		rb_rotate(gparent, !dir, root, augment);
		rb_set_color(parent, RB_BLACK);
		rb_set_color(gparent, RB_RED);
		return;
	}
}

/* The subtree on one side of parent (node there, possibly NULL, and black)
 * has one black node fewer on every path than the other side. */
static __always_inline void rb_erase_fixup(struct rb_node *parent, struct rb_root *root,
					   const struct rb_augment_callbacks *augment)
{
	struct rb_node *node = NULL;

	for (;;) {
		/* The sibling side is a black deeper, so it is never empty;
		 * that makes the test below right even when node is NULL. */
		int dir = parent->rb_right == node ? RB_RIGHT : RB_LEFT;
		struct rb_node *sibling = rb_child(parent, !dir), *far, *near;

		if (rb_is_red(sibling)) {
			/* Case 1: rotate the red sibling above parent; the
			 * new sibling is its black child. */
			rb_rotate(parent, dir, root, augment);
			rb_set_color(sibling, RB_BLACK);
			rb_set_color(parent, RB_RED);
			sibling = rb_child(parent, !dir);
		}
		far = rb_child(sibling, !dir);
		near = rb_child(sibling, dir);
		if (rb_is_black(far) && rb_is_black(near)) {
			/* Case 2: take a black from the sibling side too; a
			 * red parent absorbs the deficit, else move it up. */
			rb_set_color(sibling, RB_RED);
			if (rb_is_red(parent)) {
				rb_set_color(parent, RB_BLACK);
				return;
			}
			node = parent;
			parent = rb_parent(node);
			if (!parent)
				return;
			continue;
		}
		if (rb_is_black(far)) {
			/* Case 3: the near nephew is red; rotate it up to be
			 * the sibling, the old sibling becoming its far child.
			 * Case 4 recolours both, so no colour is set here. */
			rb_rotate(sibling, !dir, root, augment);
			far = sibling;
			sibling = near;
		}
		/* Case 4: rotate the sibling above parent; it takes parent's
		 * colour, and parent and the far nephew turn black, adding a
		 * black on node's side only. */
		rb_rotate(parent, dir, root, augment);
		rb_set_color(sibling, parent->rb_parent_color & RB_BLACK);
		rb_set_color(parent, RB_BLACK);
		rb_set_color(far, RB_BLACK);
		return;
	}
}

/* Unlinks node and propagates the augmented values; returns the parent of
 * the place that lost a black node, or NULL if no rebalancing is needed. */
static __always_inline struct rb_node *rb_erase_unlink(struct rb_node *node, struct rb_root *root,
						       const struct rb_augment_callbacks *augment)
{
	struct rb_node *parent = rb_parent(node);
	struct rb_node *successor, *successor_parent, *orphan, *rebalance;

	if (!node->rb_left || !node->rb_right) {
		struct rb_node *child = node->rb_left ? node->rb_left : node->rb_right;

		/* A lone child is a red leaf under a black node: it takes
		 * node's place and colour, and the black heights hold. */
		rb_replace_child(node, child, parent, root);
		if (child) {
			child->rb_parent_color = node->rb_parent_color;
			rebalance = NULL;
		} else {
			rebalance = rb_is_black(node) ? parent : NULL;
		}
		augment->propagate(parent, NULL);
		return rebalance;
	}

	/* Two children: the in-order successor (leftmost under the right
	 * child, so it has no left child) takes node's place and colour. */
	successor = node->rb_right;
	if (!successor->rb_left) {
		successor_parent = successor;
		orphan = successor->rb_right;
		augment->copy(node, successor);
	} else {
		do
			successor = successor->rb_left;
		while (successor->rb_left);
		successor_parent = rb_parent(successor);
		orphan = successor->rb_right;
		successor_parent->rb_left = orphan;
		successor->rb_right = node->rb_right;
		rb_set_parent(node->rb_right, successor);
		augment->copy(node, successor);
		/* The path from the successor's old place up to its new one
		 * lost the successor. */
		augment->propagate(successor_parent, successor);
	}
	successor->rb_left = node->rb_left;
	rb_set_parent(node->rb_left, successor);
	rb_replace_child(node, successor, parent, root);
	if (orphan) {
		/* As above: a red leaf replaces a black node. */
		rb_set_parent_color(orphan, successor_parent, RB_BLACK);
		rebalance = NULL;
	} else {
		rebalance = rb_is_black(successor) ? successor_parent : NULL;
	}
	successor->rb_parent_color = node->rb_parent_color;
	augment->propagate(successor, NULL);
	return rebalance;
}

static __always_inline void rb_erase_with(struct rb_node *node, struct rb_root *root,
					  const struct rb_augment_callbacks *augment)
{
	struct rb_node *rebalance = rb_erase_unlink(node, root, augment);

	if (rebalance)
		rb_erase_fixup(rebalance, root, augment);
}

static void rb_plain_propagate(struct rb_node *node, struct rb_node *stop)
{
	(void)node;
	(void)stop;
}

static void rb_plain_copy(struct rb_node *old, struct rb_node *new)
{
	(void)old;
	(void)new;
}

static const struct rb_augment_callbacks rb_plain_callbacks = {
	.propagate = rb_plain_propagate,
	.copy = rb_plain_copy,
	.rotate = rb_plain_copy,
};

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	rb_insert_fixup(node, root, &rb_plain_callbacks);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	rb_erase_with(node, root, &rb_plain_callbacks);
}

void rb_insert_color_cached(struct rb_node *node, struct rb_root_cached *root, bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}

void rb_erase_cached(struct rb_node *node, struct rb_root_cached *root)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment)
{
	rb_insert_fixup(node, root, augment);
}

void rb_insert_augmented_cached(struct rb_node *node, struct rb_root_cached *root, bool leftmost,
				const struct rb_augment_callbacks *augment)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_augmented(node, &root->rb_root, augment);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment)
{
	rb_erase_with(node, root, augment);
}

void rb_erase_augmented_cached(struct rb_node *node, struct rb_root_cached *root,
			       const struct rb_augment_callbacks *augment)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase_augmented(node, &root->rb_root, augment);
}

static struct rb_node *rb_extreme(struct rb_node *node, int dir)
{
	if (!node)
		return NULL;
	while (rb_child(node, dir))
		node = rb_child(node, dir);
	return node;
}

/* The in-order neighbour on side dir: the extreme of the subtree on that
 * side, else the first ancestor reached from its other side. */
static struct rb_node *rb_neighbour(const struct rb_node *node, int dir)
{
	struct rb_node *child = (struct rb_node *)node, *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (rb_child(child, dir))
		return rb_extreme(rb_child(child, dir), !dir);
	while ((parent = rb_parent(child)) && child == rb_child(parent, dir))
		child = parent;
	return parent;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_LEFT);
}

struct rb_node *rb_last(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_RIGHT);
}

struct rb_node *rb_next(const struct rb_node *node)
{
	return rb_neighbour(node, RB_RIGHT);
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	return rb_neighbour(node, RB_LEFT);
}
