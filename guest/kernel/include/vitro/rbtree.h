/* Red-black trees with Linux's interface (<linux/rbtree.h>,
 * <linux/rbtree_augmented.h>): the node lives inside the object, the caller
 * walks down to find the link and calls rb_link_node() + rb_insert_color();
 * cached roots keep the leftmost node for O(1) minimum; augmented trees keep
 * a per-subtree value (e.g. the minimum vruntime under a node, which EEVDF
 * needs) up to date through callbacks on every rotation and erase.
 * Implemented in lib/rbtree.c; builds for the host. */
#ifndef VITRO_RBTREE_H
#define VITRO_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <vitro/list.h> /* container_of */

struct rb_node {
	unsigned long rb_parent_color; /* parent pointer | colour in bit 0 (1 = black) */
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_ROOT ((struct rb_root){ NULL })
#define RB_ROOT_CACHED ((struct rb_root_cached){ { NULL }, NULL })
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member)                                      \
	({                                                                    \
		__typeof__(ptr) rb_entry_ptr_ = (ptr);                        \
		rb_entry_ptr_ ? rb_entry(rb_entry_ptr_, type, member) : NULL; \
	})

static inline struct rb_node *rb_parent(const struct rb_node *node)
{
	return (struct rb_node *)(node->rb_parent_color & ~3ul);
}

static inline bool rb_empty_root(const struct rb_root *root)
{
	return root->rb_node == NULL;
}

/* A node not in any tree points to itself (after RB_CLEAR_NODE). */
#define RB_CLEAR_NODE(node) ((node)->rb_parent_color = (unsigned long)(node))
#define RB_EMPTY_NODE(node) ((node)->rb_parent_color == (unsigned long)(node))

/* Links node as a red leaf at *link (a child pointer of parent, or the
 * root pointer with parent NULL); rebalance with rb_insert_color(). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent, struct rb_node **link)
{
	node->rb_parent_color = (unsigned long)parent;
	node->rb_left = node->rb_right = NULL;
	*link = node;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);

/* In-order traversal; NULL past either end. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/* Cached roots: leftmost is true when the new node went left at every step. */
void rb_insert_color_cached(struct rb_node *node, struct rb_root_cached *root, bool leftmost);
void rb_erase_cached(struct rb_node *node, struct rb_root_cached *root);
#define rb_first_cached(root) ((root)->rb_leftmost)

/* Augmented trees. propagate recomputes the value from node up to (not
 * including) stop; copy sets new's value from old (new replaced old in the
 * tree); rotate is copy, then recomputes old (old moved below new). */
struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

/* After rb_link_node(), and after the caller set the new node's value and
 * propagated it up (Linux's contract: the caller updates the augmented
 * values along the insertion path before calling). */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment);
void rb_insert_augmented_cached(struct rb_node *node, struct rb_root_cached *root, bool leftmost,
				const struct rb_augment_callbacks *augment);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);
void rb_erase_augmented_cached(struct rb_node *node, struct rb_root_cached *root,
			       const struct rb_augment_callbacks *augment);

/* Generates RBNAME, the callbacks for an augmented tree of RBSTRUCT (linked
 * through its rb_node RBFIELD) whose member RBAUGMENTED is a function of the
 * node and its children's RBAUGMENTED. RBCOMPUTE(node, stop_if_unchanged)
 * recomputes node->RBAUGMENTED and, when stop_if_unchanged is true, returns
 * true if the value did not change, which ends propagation: nothing above
 * can change either. */
#define RB_DECLARE_CALLBACKS(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD, RBAUGMENTED, RBCOMPUTE) \
	static void RBNAME##_propagate(struct rb_node *rb, struct rb_node *stop)          \
	{                                                                                 \
		while (rb != stop) {                                                      \
			RBSTRUCT *node = rb_entry(rb, RBSTRUCT, RBFIELD);                 \
			if (RBCOMPUTE(node, true))                                        \
				break;                                                    \
			rb = rb_parent(&node->RBFIELD);                                   \
		}                                                                         \
	}                                                                                 \
	static void RBNAME##_copy(struct rb_node *rb_old, struct rb_node *rb_new)         \
	{                                                                                 \
		rb_entry(rb_new, RBSTRUCT, RBFIELD)->RBAUGMENTED =                        \
			rb_entry(rb_old, RBSTRUCT, RBFIELD)->RBAUGMENTED;                 \
	}                                                                                 \
	static void RBNAME##_rotate(struct rb_node *rb_old, struct rb_node *rb_new)       \
	{                                                                                 \
		RBSTRUCT *old = rb_entry(rb_old, RBSTRUCT, RBFIELD);                      \
		rb_entry(rb_new, RBSTRUCT, RBFIELD)->RBAUGMENTED = old->RBAUGMENTED;      \
		RBCOMPUTE(old, false);                                                    \
	}                                                                                 \
	RBSTATIC const struct rb_augment_callbacks RBNAME = {                             \
		.propagate = RBNAME##_propagate,                                          \
		.copy = RBNAME##_copy,                                                    \
		.rotate = RBNAME##_rotate,                                                \
	}

/* The common case: RBAUGMENTED (of type RBTYPE) is the maximum, or the
 * minimum, of RBCOMPUTE(node) over the node's subtree; e.g. EEVDF's
 * RB_DECLARE_CALLBACKS_MIN(static, min_vruntime_cb, struct sched_entity,
 * run_node, u64, min_vruntime, entity_vruntime). Also defines
 * RBNAME##_compute_max / RBNAME##_compute_min (the RBCOMPUTE above). */
#define RB_DECLARE_CALLBACKS_EXTREME_(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD, RBTYPE, RBAUGMENTED, \
				      RBCOMPUTE, SUFFIX, BETTER)                                \
	static inline bool RBNAME##SUFFIX(RBSTRUCT *node, bool stop_if_unchanged)               \
	{                                                                                       \
		RBTYPE best = RBCOMPUTE(node);                                                  \
		RBSTRUCT *child;                                                                \
		if (node->RBFIELD.rb_left) {                                                    \
			child = rb_entry(node->RBFIELD.rb_left, RBSTRUCT, RBFIELD);             \
			if (child->RBAUGMENTED BETTER best)                                     \
				best = child->RBAUGMENTED;                                      \
		}                                                                               \
		if (node->RBFIELD.rb_right) {                                                   \
			child = rb_entry(node->RBFIELD.rb_right, RBSTRUCT, RBFIELD);            \
			if (child->RBAUGMENTED BETTER best)                                     \
				best = child->RBAUGMENTED;                                      \
		}                                                                               \
		if (stop_if_unchanged && node->RBAUGMENTED == best)                             \
			return true;                                                            \
		node->RBAUGMENTED = best;                                                       \
		return false;                                                                   \
	}                                                                                       \
	RB_DECLARE_CALLBACKS(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD, RBAUGMENTED, RBNAME##SUFFIX)
#define RB_DECLARE_CALLBACKS_MAX(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD, RBTYPE, RBAUGMENTED,      \
				 RBCOMPUTE)                                                     \
	RB_DECLARE_CALLBACKS_EXTREME_(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD, RBTYPE, RBAUGMENTED, \
				      RBCOMPUTE, _compute_max, >)
#define RB_DECLARE_CALLBACKS_MIN(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD, RBTYPE, RBAUGMENTED,      \
				 RBCOMPUTE)                                                     \
	RB_DECLARE_CALLBACKS_EXTREME_(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD, RBTYPE, RBAUGMENTED, \
				      RBCOMPUTE, _compute_min, <)

/* Walk-down-and-insert for callers with a "less" order, as Linux's rb_add*.
 * A node equal to existing ones goes after them, so equal keys keep their
 * insertion order. */
static inline struct rb_node **rb_find_add_link(struct rb_node *node, struct rb_root *tree,
						bool (*less)(struct rb_node *,
							     const struct rb_node *),
						struct rb_node **parent, bool *leftmost)
{
	struct rb_node **link = &tree->rb_node;

	*parent = NULL;
	*leftmost = true;
	while (*link) {
		*parent = *link;
		if (less(node, *parent)) {
			link = &(*parent)->rb_left;
		} else {
			link = &(*parent)->rb_right;
			*leftmost = false;
		}
	}
	return link;
}

static inline void rb_add(struct rb_node *node, struct rb_root *tree,
			  bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node *parent, **link;
	bool leftmost;

	link = rb_find_add_link(node, tree, less, &parent, &leftmost);
	rb_link_node(node, parent, link);
	rb_insert_color(node, tree);
}

/* Returns node if it is now the leftmost, else NULL. */
static inline struct rb_node *rb_add_cached(struct rb_node *node, struct rb_root_cached *tree,
					    bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node *parent, **link;
	bool leftmost;

	link = rb_find_add_link(node, &tree->rb_root, less, &parent, &leftmost);
	rb_link_node(node, parent, link);
	rb_insert_color_cached(node, tree, leftmost);
	return leftmost ? node : NULL;
}

/* The caller sets node's own augmented value first (e.g. its subtree
 * minimum to its own value); the ancestors are brought up to date here.
 * Returns node if it is now the leftmost, else NULL. */
static inline struct rb_node *
rb_add_augmented_cached(struct rb_node *node, struct rb_root_cached *tree,
			bool (*less)(struct rb_node *, const struct rb_node *),
			const struct rb_augment_callbacks *augment)
{
	struct rb_node *parent, **link;
	bool leftmost;

	link = rb_find_add_link(node, &tree->rb_root, less, &parent, &leftmost);
	rb_link_node(node, parent, link);
	augment->propagate(parent, NULL);
	rb_insert_augmented_cached(node, tree, leftmost, augment);
	return leftmost ? node : NULL;
}

#endif
