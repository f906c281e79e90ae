/* The red-black tree (guest/kernel/lib/rbtree.c): every invariant, the
 * traversal order and the augmented values checked against a sorted
 * reference and brute force after randomised inserts and erases, through
 * every insert/erase entry point at once; then each erase case by shape. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitro/rbtree.h>

#include "unit.h"

/* One object is linked into one tree per flavour, so the same operation
 * sequence drives every insert/erase entry point. */
struct item {
	uint32_t key; /* the tree order */
	uint32_t value; /* what the augmented trees aggregate */
	uint64_t seq; /* insertion order, which equal keys must keep */
	struct rb_node plain;
	struct rb_node cached;
	struct rb_node max;
	struct rb_node min;
	struct rb_node add_min;
	uint32_t subtree_max; /* of value, in the max tree */
	uint32_t subtree_min; /* of value, in the min tree */
	uint32_t add_subtree_min; /* of value, in the add_min tree */
};

static uint32_t item_value(struct item *it)
{
	return it->value;
}

RB_DECLARE_CALLBACKS_MAX(static, item_max_callbacks, struct item, max, uint32_t, subtree_max,
			 item_value);
RB_DECLARE_CALLBACKS_MIN(static, item_min_callbacks, struct item, min, uint32_t, subtree_min,
			 item_value);
RB_DECLARE_CALLBACKS_MIN(static, item_add_min_callbacks, struct item, add_min, uint32_t,
			 add_subtree_min, item_value);

enum augment_kind { AUGMENT_NONE, AUGMENT_MIN, AUGMENT_MAX };

struct flavour {
	const char *name;
	size_t node_offset;
	size_t augmented_offset;
	enum augment_kind augment;
	bool is_cached;
	void (*insert)(const struct flavour *f, struct rb_root_cached *root, struct item *it);
	void (*erase)(const struct flavour *f, struct rb_root_cached *root, struct item *it);
};

static struct rb_node *item_node(struct item *it, const struct flavour *f)
{
	return (struct rb_node *)((char *)it + f->node_offset);
}

static struct item *node_item(const struct rb_node *node, const struct flavour *f)
{
	return (struct item *)((char *)node - f->node_offset);
}

static uint32_t *item_augmented(struct item *it, const struct flavour *f)
{
	return (uint32_t *)((char *)it + f->augmented_offset);
}

static uint32_t fold(enum augment_kind kind, uint32_t a, uint32_t b)
{
	if (kind == AUGMENT_MIN)
		return a < b ? a : b;
	return a > b ? a : b;
}

/* Walks down as a caller of rb_link_node() does, right on equal keys; in an
 * augmented tree folds the new value into each node passed (the contract of
 * rb_insert_augmented). */
static struct rb_node **descend(const struct flavour *f, struct rb_root *root, struct item *it,
				struct rb_node **parent, bool *leftmost)
{
	struct rb_node **link = &root->rb_node;

	*parent = NULL;
	*leftmost = true;
	if (f->augment != AUGMENT_NONE)
		*item_augmented(it, f) = it->value;
	while (*link) {
		struct item *other = node_item(*link, f);

		*parent = *link;
		if (f->augment != AUGMENT_NONE)
			*item_augmented(other, f) =
				fold(f->augment, *item_augmented(other, f), it->value);
		if (it->key < other->key) {
			link = &(*link)->rb_left;
		} else {
			link = &(*link)->rb_right;
			*leftmost = false;
		}
	}
	return link;
}

static void insert_plain(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	struct rb_node *parent, **link;
	bool leftmost;

	link = descend(f, &root->rb_root, it, &parent, &leftmost);
	rb_link_node(item_node(it, f), parent, link);
	rb_insert_color(item_node(it, f), &root->rb_root);
}

static void erase_plain(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	rb_erase(item_node(it, f), &root->rb_root);
}

static void insert_cached(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	struct rb_node *parent, **link;
	bool leftmost;

	link = descend(f, &root->rb_root, it, &parent, &leftmost);
	rb_link_node(item_node(it, f), parent, link);
	rb_insert_color_cached(item_node(it, f), root, leftmost);
}

static void erase_cached(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	rb_erase_cached(item_node(it, f), root);
}

static void insert_max(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	struct rb_node *parent, **link;
	bool leftmost;

	link = descend(f, &root->rb_root, it, &parent, &leftmost);
	rb_link_node(item_node(it, f), parent, link);
	rb_insert_augmented(item_node(it, f), &root->rb_root, &item_max_callbacks);
}

static void erase_max(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	rb_erase_augmented(item_node(it, f), &root->rb_root, &item_max_callbacks);
}

static void insert_min(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	struct rb_node *parent, **link;
	bool leftmost;

	link = descend(f, &root->rb_root, it, &parent, &leftmost);
	rb_link_node(item_node(it, f), parent, link);
	rb_insert_augmented_cached(item_node(it, f), root, leftmost, &item_min_callbacks);
}

static void erase_min(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	rb_erase_augmented_cached(item_node(it, f), root, &item_min_callbacks);
}

static bool add_min_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct item, add_min)->key < rb_entry(b, struct item, add_min)->key;
}

static void insert_add_min(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	(void)f;
	it->add_subtree_min = it->value;
	rb_add_augmented_cached(&it->add_min, root, add_min_less, &item_add_min_callbacks);
}

static void erase_add_min(const struct flavour *f, struct rb_root_cached *root, struct item *it)
{
	(void)f;
	rb_erase_augmented_cached(&it->add_min, root, &item_add_min_callbacks);
}

enum { FLAVOUR_PLAIN, FLAVOUR_CACHED, FLAVOUR_MAX, FLAVOUR_MIN, FLAVOUR_ADD_MIN, NR_FLAVOURS };

static const struct flavour flavours[NR_FLAVOURS] = {
	[FLAVOUR_PLAIN] = { "rb_insert_color", offsetof(struct item, plain), 0, AUGMENT_NONE, false,
			    insert_plain, erase_plain },
	[FLAVOUR_CACHED] = { "rb_insert_color_cached", offsetof(struct item, cached), 0,
			     AUGMENT_NONE, true, insert_cached, erase_cached },
	[FLAVOUR_MAX] = { "rb_insert_augmented (max)", offsetof(struct item, max),
			  offsetof(struct item, subtree_max), AUGMENT_MAX, false, insert_max,
			  erase_max },
	[FLAVOUR_MIN] = { "rb_insert_augmented_cached (min)", offsetof(struct item, min),
			  offsetof(struct item, subtree_min), AUGMENT_MIN, true, insert_min,
			  erase_min },
	[FLAVOUR_ADD_MIN] = { "rb_add_augmented_cached (min)", offsetof(struct item, add_min),
			      offsetof(struct item, add_subtree_min), AUGMENT_MIN, true,
			      insert_add_min, erase_add_min },
};

/* The items, one tree per flavour over all of them, and the reference: the
 * linked items sorted by (key, insertion order). */
struct forest {
	struct item *items;
	struct item **sorted;
	struct item **unused;
	struct item **scratch;
	size_t nr, nr_unused, max;
	uint64_t next_seq;
	struct rb_root_cached roots[NR_FLAVOURS];
};

static bool forest_init(struct forest *w, size_t max)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->items = calloc(max, sizeof(*w->items));
	w->sorted = calloc(max, sizeof(*w->sorted));
	w->unused = calloc(max, sizeof(*w->unused));
	w->scratch = calloc(max, sizeof(*w->scratch));
	if (!w->items || !w->sorted || !w->unused || !w->scratch) {
		UNIT_FAIL("out of memory for %zu items", max);
		return false;
	}
	w->max = max;
	for (i = 0; i < max; i++)
		w->unused[w->nr_unused++] = &w->items[max - 1 - i];
	for (i = 0; i < NR_FLAVOURS; i++)
		w->roots[i] = RB_ROOT_CACHED;
	return true;
}

static void forest_destroy(struct forest *w)
{
	free(w->items);
	free(w->sorted);
	free(w->unused);
	free(w->scratch);
}

/* NULL when every item is in use. */
static struct item *forest_insert(struct forest *w, uint32_t key, uint32_t value)
{
	struct item *it;
	size_t lo = 0, hi = w->nr, i;

	if (!w->nr_unused)
		return NULL;
	it = w->unused[--w->nr_unused];
	it->key = key;
	it->value = value;
	it->seq = w->next_seq++;
	/* After every equal key: the newest is the last of its key. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->sorted[mid]->key <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&w->sorted[lo + 1], &w->sorted[lo], (w->nr - lo) * sizeof(*w->sorted));
	w->sorted[lo] = it;
	w->nr++;
	for (i = 0; i < NR_FLAVOURS; i++)
		flavours[i].insert(&flavours[i], &w->roots[i], it);
	return it;
}

static void forest_erase_at(struct forest *w, size_t index)
{
	struct item *it = w->sorted[index];
	size_t i;

	for (i = 0; i < NR_FLAVOURS; i++)
		flavours[i].erase(&flavours[i], &w->roots[i], it);
	memmove(&w->sorted[index], &w->sorted[index + 1], (w->nr - index - 1) * sizeof(*w->sorted));
	w->nr--;
	w->unused[w->nr_unused++] = it;
}

static void forest_erase(struct forest *w, struct item *it)
{
	size_t i;

	for (i = 0; i < w->nr; i++) {
		if (w->sorted[i] == it) {
			forest_erase_at(w, i);
			return;
		}
	}
	UNIT_FAIL("key %u is not in the forest", it->key);
}

static bool node_is_black(const struct rb_node *node)
{
	return node->rb_parent_color & 1;
}

struct walk {
	const struct flavour *f;
	struct item **inorder;
	size_t nr_seen, max;
	unsigned int height;
	char *why;
	size_t why_size;
};

/* Checks the subtree at node (whose parent should be parent) and appends its
 * items in order. Returns its black height counting the NULL leaves, or -1
 * with the reason in why. *truth is the subtree's aggregate recomputed from
 * scratch, whatever the nodes store. */
static int walk_subtree(struct walk *w, struct rb_node *node, struct rb_node *parent,
			unsigned int depth, uint32_t *truth)
{
	uint32_t left_truth, right_truth;
	struct item *it;
	int left, right;

	if (!node) {
		if (depth > w->height)
			w->height = depth;
		return 1;
	}
	it = node_item(node, w->f);
	if (w->nr_seen >= w->max || depth > w->max) {
		snprintf(w->why, w->why_size, "more than %zu nodes reachable (a cycle?)", w->max);
		return -1;
	}
	if (rb_parent(node) != parent) {
		snprintf(w->why, w->why_size, "key %u: parent pointer %p, want %p", it->key,
			 (void *)rb_parent(node), (void *)parent);
		return -1;
	}
	if (node->rb_parent_color & 2) {
		snprintf(w->why, w->why_size, "key %u: bit 1 of the parent word is set", it->key);
		return -1;
	}
	if (parent && !node_is_black(node) && !node_is_black(parent)) {
		snprintf(w->why, w->why_size, "red key %u has a red parent (key %u)", it->key,
			 node_item(parent, w->f)->key);
		return -1;
	}
	left = walk_subtree(w, node->rb_left, node, depth + 1, &left_truth);
	if (left < 0)
		return -1;
	w->inorder[w->nr_seen++] = it;
	right = walk_subtree(w, node->rb_right, node, depth + 1, &right_truth);
	if (right < 0)
		return -1;
	if (left != right) {
		snprintf(w->why, w->why_size,
			 "key %u: black height %d on the left, %d on the right", it->key, left,
			 right);
		return -1;
	}
	if (w->f->augment != AUGMENT_NONE) {
		*truth = it->value;
		if (node->rb_left)
			*truth = fold(w->f->augment, *truth, left_truth);
		if (node->rb_right)
			*truth = fold(w->f->augment, *truth, right_truth);
		if (*item_augmented(it, w->f) != *truth) {
			snprintf(w->why, w->why_size, "key %u: augmented value %u, want %u",
				 it->key, *item_augmented(it, w->f), *truth);
			return -1;
		}
	}
	return left + node_is_black(node);
}

static bool same_item(struct walk *w, const char *how, size_t index, struct rb_node *node,
		      struct item *want)
{
	if (node && node_item(node, w->f) == want)
		return true;
	if (!node)
		snprintf(w->why, w->why_size, "%s: NULL at position %zu, want key %u", how, index,
			 want->key);
	else
		snprintf(w->why, w->why_size,
			 "%s: key %u seq %" PRIu64 " at position %zu, want key %u seq %" PRIu64,
			 how, node_item(node, w->f)->key, node_item(node, w->f)->seq, index,
			 want->key, want->seq);
	return false;
}

/* Every red-black and augmentation invariant of one flavour's tree, and its
 * three traversals against the reference. */
static bool tree_check(struct forest *forest, unsigned int flavour, char *why, size_t why_size,
		       unsigned int *height)
{
	const struct flavour *f = &flavours[flavour];
	struct rb_root_cached *root = &forest->roots[flavour];
	struct walk w = {
		.f = f,
		.inorder = forest->scratch,
		.max = forest->max,
		.why = why,
		.why_size = why_size,
	};
	struct rb_node *node;
	uint32_t truth;
	size_t i;

	if (root->rb_root.rb_node && !node_is_black(root->rb_root.rb_node)) {
		snprintf(why, why_size, "the root is red");
		return false;
	}
	if (walk_subtree(&w, root->rb_root.rb_node, NULL, 0, &truth) < 0)
		return false;
	if (w.nr_seen != forest->nr) {
		snprintf(why, why_size, "%zu nodes reachable, want %zu", w.nr_seen, forest->nr);
		return false;
	}
	for (i = 0; i < forest->nr; i++)
		if (!same_item(&w, "child-pointer walk", i, item_node(w.inorder[i], f),
			       forest->sorted[i]))
			return false;
	node = rb_first(&root->rb_root);
	for (i = 0; i < forest->nr; i++, node = rb_next(node))
		if (!same_item(&w, "rb_first/rb_next", i, node, forest->sorted[i]))
			return false;
	if (node) {
		snprintf(why, why_size, "rb_next past the last node is not NULL");
		return false;
	}
	node = rb_last(&root->rb_root);
	for (i = forest->nr; i-- > 0; node = rb_prev(node))
		if (!same_item(&w, "rb_last/rb_prev", i, node, forest->sorted[i]))
			return false;
	if (node) {
		snprintf(why, why_size, "rb_prev before the first node is not NULL");
		return false;
	}
	if (f->is_cached && root->rb_leftmost != rb_first(&root->rb_root)) {
		snprintf(why, why_size, "cached leftmost %p is not rb_first %p",
			 (void *)root->rb_leftmost, (void *)rb_first(&root->rb_root));
		return false;
	}
	if (height)
		*height = w.height;
	return true;
}

/* Checks every flavour; records a failure naming what and returns false. */
static bool forest_check_at(const char *file, unsigned int line, struct forest *forest,
			    const char *what)
{
	char why[256];
	unsigned int i;

	for (i = 0; i < NR_FLAVOURS; i++) {
		if (!tree_check(forest, i, why, sizeof(why), NULL)) {
			unit_fail_at(file, line, "%s, %zu nodes, %s tree: %s", what, forest->nr,
				     flavours[i].name, why);
			return false;
		}
	}
	return true;
}
#define FOREST_CHECK(forest, what) forest_check_at(__FILE__, __LINE__, (forest), (what))

static uint64_t next_random(uint64_t *state)
{
	/* splitmix64 */
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct random_run {
	uint64_t seed;
	unsigned int nr_ops;
	size_t max_items;
	uint32_t key_range;
};

/* nr_ops random inserts and erases (growing for the first half, shrinking
 * after), then erases in random order down to empty. Small trees are checked
 * after every operation, larger ones every 16th: a broken invariant stays
 * broken, so it is still caught, a few operations late. */
static void run_random(const struct random_run *run)
{
	uint64_t state = run->seed;
	struct forest forest;
	char what[96];
	unsigned int op, i;

	if (!forest_init(&forest, run->max_items))
		goto out;
	for (op = 0; op < run->nr_ops || forest.nr; op++) {
		unsigned int grow_percent = op < run->nr_ops / 2 ? 60 : op < run->nr_ops ? 40 : 0;
		uint64_t r = next_random(&state);

		if (forest.nr < run->max_items && (!forest.nr || r % 100 < grow_percent))
			forest_insert(&forest, (uint32_t)(next_random(&state) % run->key_range),
				      (uint32_t)next_random(&state));
		else
			forest_erase_at(&forest, next_random(&state) % forest.nr);
		if (forest.nr < 32 || op % 16 == 0) {
			snprintf(what, sizeof(what), "seed %" PRIu64 " after operation %u",
				 run->seed, op);
			if (!FOREST_CHECK(&forest, what))
				goto out;
		}
	}
	for (i = 0; i < NR_FLAVOURS; i++) {
		EXPECT_TRUE(rb_empty_root(&forest.roots[i].rb_root));
		EXPECT_TRUE(forest.roots[i].rb_leftmost == NULL);
	}
out:
	forest_destroy(&forest);
}

static void test_rbtree_random_inserts_and_erases_keep_every_invariant(void)
{
	static const uint64_t seeds[] = { 1, 2, 0x5eed, 0xdeadbeef };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		struct random_run run = {
			.seed = seeds[i],
			.nr_ops = 20000,
			.max_items = 1000,
			.key_range = 1u << 30,
		};

		run_random(&run);
	}
}

static void test_rbtree_random_operations_on_many_equal_keys_keep_every_invariant(void)
{
	static const uint64_t seeds[] = { 3, 4, 0xfeed };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		struct random_run run = {
			.seed = seeds[i],
			.nr_ops = 10000,
			.max_items = 300,
			.key_range = 8,
		};

		run_random(&run);
	}
}

/* The plain tree in preorder: KEY then R or B, children in parentheses with
 * "-" for none, e.g. "2B(1R,3R)". */
static void shape_of(const struct rb_node *node, char *buf, size_t size)
{
	size_t len;

	if (!node) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%u%c", rb_entry(node, struct item, plain)->key,
		 node_is_black(node) ? 'B' : 'R');
	if (!node->rb_left && !node->rb_right)
		return;
	len = strlen(buf);
	snprintf(buf + len, size - len, "(");
	len = strlen(buf);
	shape_of(node->rb_left, buf + len, size - len);
	len = strlen(buf);
	snprintf(buf + len, size - len, ",");
	len = strlen(buf);
	shape_of(node->rb_right, buf + len, size - len);
	len = strlen(buf);
	snprintf(buf + len, size - len, ")");
}

static const char *forest_shape(struct forest *forest)
{
	static char buf[512];

	shape_of(forest->roots[FLAVOUR_PLAIN].rb_root.rb_node, buf, sizeof(buf));
	return buf;
}

static struct item *forest_find(struct forest *forest, uint32_t key)
{
	size_t i;

	for (i = 0; i < forest->nr; i++)
		if (forest->sorted[i]->key == key)
			return forest->sorted[i];
	UNIT_FAIL("key %u is not in the tree", key);
	return NULL;
}

/* Inserts 1..n in order, values 100 - key. */
static bool forest_with_sorted_keys(struct forest *forest, unsigned int n)
{
	unsigned int key;

	if (!forest_init(forest, 64))
		return false;
	for (key = 1; key <= n; key++)
		forest_insert(forest, key, 100 - key);
	return FOREST_CHECK(forest, "after the sorted inserts");
}

static void erase_key(struct forest *forest, uint32_t key)
{
	struct item *it = forest_find(forest, key);
	char what[64];

	if (!it)
		return;
	forest_erase(forest, it);
	snprintf(what, sizeof(what), "after erasing key %u", key);
	FOREST_CHECK(forest, what);
}

static void test_rbtree_sorted_inserts_rotate_into_a_balanced_shape(void)
{
	struct forest forest;

	if (forest_with_sorted_keys(&forest, 7))
		EXPECT_STR(forest_shape(&forest), "2B(1B,4R(3B,6B(5R,7R)))");
	forest_destroy(&forest);
}

static void test_rbtree_erasing_a_red_leaf_leaves_the_rest_alone(void)
{
	struct forest forest;

	if (forest_with_sorted_keys(&forest, 3)) {
		EXPECT_STR(forest_shape(&forest), "2B(1R,3R)");
		erase_key(&forest, 1);
		EXPECT_STR(forest_shape(&forest), "2B(-,3R)");
	}
	forest_destroy(&forest);
}

static void test_rbtree_erasing_a_black_leaf_rebalances_through_its_red_sibling(void)
{
	struct forest forest;

	if (forest_with_sorted_keys(&forest, 7)) {
		erase_key(&forest, 1);
		EXPECT_STR(forest_shape(&forest), "4B(2B(-,3R),6B(5R,7R))");
	}
	forest_destroy(&forest);
}

static void test_rbtree_erasing_a_node_with_one_child_moves_the_child_up_black(void)
{
	struct forest forest;

	if (forest_with_sorted_keys(&forest, 4)) {
		EXPECT_STR(forest_shape(&forest), "2B(1B,3B(-,4R))");
		erase_key(&forest, 3);
		EXPECT_STR(forest_shape(&forest), "2B(1B,4B)");
	}
	forest_destroy(&forest);
}

static void test_rbtree_erasing_a_node_whose_successor_is_its_right_child(void)
{
	struct forest forest;

	if (forest_with_sorted_keys(&forest, 5)) {
		EXPECT_STR(forest_shape(&forest), "2B(1B,4B(3R,5R))");
		erase_key(&forest, 4);
		EXPECT_STR(forest_shape(&forest), "2B(1B,5B(3R,-))");
	}
	forest_destroy(&forest);
}

static void test_rbtree_erasing_a_node_whose_successor_lies_deeper(void)
{
	struct forest forest;

	if (forest_with_sorted_keys(&forest, 7)) {
		erase_key(&forest, 4);
		EXPECT_STR(forest_shape(&forest), "2B(1B,5R(3B,6B(-,7R)))");
	}
	forest_destroy(&forest);
}

static void test_rbtree_erasing_the_root_promotes_its_successor_and_rebalances(void)
{
	struct forest forest;

	if (forest_with_sorted_keys(&forest, 7)) {
		erase_key(&forest, 2);
		/* 3 took the root; its old place lost a black, fixed by a
		 * rotation at 4 through the red far nephew 7. */
		EXPECT_STR(forest_shape(&forest), "3B(1B,6R(4B(-,5R),7B))");
	}
	forest_destroy(&forest);
}

static void test_rbtree_erasing_the_root_repeatedly_empties_the_tree(void)
{
	uint64_t state = 42;
	struct forest forest;
	unsigned int i;

	if (!forest_init(&forest, 64))
		goto out;
	for (i = 0; i < 64; i++)
		forest_insert(&forest, (uint32_t)(next_random(&state) % 1000), i);
	while (forest.nr) {
		struct rb_node *root = forest.roots[FLAVOUR_PLAIN].rb_root.rb_node;

		forest_erase(&forest, rb_entry(root, struct item, plain));
		if (!FOREST_CHECK(&forest, "after erasing the root"))
			goto out;
		if (forest.nr && forest.roots[FLAVOUR_PLAIN].rb_root.rb_node == root) {
			UNIT_FAIL("the erased root is still the root");
			goto out;
		}
	}
	for (i = 0; i < NR_FLAVOURS; i++) {
		EXPECT_TRUE(rb_empty_root(&forest.roots[i].rb_root));
		EXPECT_TRUE(rb_first(&forest.roots[i].rb_root) == NULL);
		EXPECT_TRUE(rb_last(&forest.roots[i].rb_root) == NULL);
		EXPECT_TRUE(rb_first_cached(&forest.roots[i]) == NULL);
	}
out:
	forest_destroy(&forest);
}

static void test_rbtree_clear_node_marks_a_node_outside_any_tree(void)
{
	struct rb_root root = RB_ROOT;
	struct item a = { .key = 1 }, b = { .key = 2 };

	RB_CLEAR_NODE(&a.plain);
	EXPECT_TRUE(RB_EMPTY_NODE(&a.plain));
	/* Not in a tree, so no neighbours, whatever its child pointers say. */
	a.plain.rb_left = a.plain.rb_right = &b.plain;
	EXPECT_TRUE(rb_next(&a.plain) == NULL);
	EXPECT_TRUE(rb_prev(&a.plain) == NULL);

	rb_link_node(&a.plain, NULL, &root.rb_node);
	rb_insert_color(&a.plain, &root);
	rb_link_node(&b.plain, &a.plain, &a.plain.rb_right);
	rb_insert_color(&b.plain, &root);
	EXPECT_FALSE(RB_EMPTY_NODE(&a.plain));
	EXPECT_FALSE(RB_EMPTY_NODE(&b.plain));
	EXPECT_TRUE(rb_next(&a.plain) == &b.plain);

	rb_erase(&a.plain, &root);
	RB_CLEAR_NODE(&a.plain);
	EXPECT_TRUE(RB_EMPTY_NODE(&a.plain));
	EXPECT_FALSE(RB_EMPTY_NODE(&b.plain));
	EXPECT_TRUE(root.rb_node == &b.plain);
	EXPECT_TRUE(rb_parent(&b.plain) == NULL);
}

/* A red-black tree of n nodes is at most 2 * log2(n + 1) deep. */
static bool height_within_bound(unsigned int height, uint64_t n)
{
	return height < 64 && (1ull << height) <= (n + 1) * (n + 1);
}

static void test_rbtree_height_stays_within_twice_log2_for_sorted_inserts(void)
{
	const size_t n = 4096;
	struct forest ascending = { 0 }, descending = { 0 };
	unsigned int height = 0;
	char why[256];
	size_t i;

	if (!forest_init(&ascending, n) || !forest_init(&descending, n))
		goto out;
	for (i = 0; i < n; i++) {
		forest_insert(&ascending, (uint32_t)i, 0);
		forest_insert(&descending, (uint32_t)(n - i), 0);
		if (!tree_check(&ascending, FLAVOUR_PLAIN, why, sizeof(why), &height) ||
		    !height_within_bound(height, i + 1)) {
			UNIT_FAIL("ascending, %zu nodes: height %u: %s", i + 1, height, why);
			goto out;
		}
		if (!tree_check(&descending, FLAVOUR_PLAIN, why, sizeof(why), &height) ||
		    !height_within_bound(height, i + 1)) {
			UNIT_FAIL("descending, %zu nodes: height %u: %s", i + 1, height, why);
			goto out;
		}
	}
out:
	forest_destroy(&ascending);
	forest_destroy(&descending);
}

static void test_rbtree_equal_keys_are_all_kept_in_insertion_order(void)
{
	struct item *erased[20];
	struct forest forest;
	struct rb_node *node;
	unsigned int i, nr_twos = 0, nr_erased = 0;
	uint64_t last_seq = 0;

	if (!forest_init(&forest, 200))
		goto out;
	for (i = 0; i < 200; i++) {
		struct item *it = forest_insert(&forest, i % 4, i);

		if (i % 4 == 2 && i % 5 == 0 && nr_erased < ARRAY_SIZE(erased))
			erased[nr_erased++] = it;
	}
	if (!FOREST_CHECK(&forest, "after 200 inserts of 4 keys"))
		goto out;
	for (i = 0; i < nr_erased; i++)
		forest_erase(&forest, erased[i]);
	if (!FOREST_CHECK(&forest, "after erasing some of key 2"))
		goto out;
	for (node = rb_first(&forest.roots[FLAVOUR_PLAIN].rb_root); node; node = rb_next(node)) {
		struct item *it = rb_entry(node, struct item, plain);

		if (it->key != 2)
			continue;
		if (nr_twos && it->seq <= last_seq)
			UNIT_FAIL("key 2 seq %" PRIu64 " after seq %" PRIu64, it->seq, last_seq);
		last_seq = it->seq;
		nr_twos++;
	}
	EXPECT_EQ(nr_erased, 10);
	EXPECT_EQ(nr_twos, 50 - nr_erased);
out:
	forest_destroy(&forest);
}

static bool plain_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct item, plain)->key < rb_entry(b, struct item, plain)->key;
}

static void test_rbtree_add_cached_reports_a_new_leftmost_only(void)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct item items[] = { { .key = 5 }, { .key = 3 }, { .key = 8 },
				{ .key = 3 }, { .key = 1 }, { .key = 1 } };
	/* An equal key goes after the existing one, so it is not leftmost. */
	static const bool is_leftmost[] = { true, true, false, false, true, false };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		struct rb_node *ret = rb_add_cached(&items[i].plain, &root, plain_less);

		if (is_leftmost[i])
			EXPECT_TRUE(ret == &items[i].plain);
		else
			EXPECT_TRUE(ret == NULL);
		EXPECT_TRUE(rb_first_cached(&root) == rb_first(&root.rb_root));
	}
	EXPECT_TRUE(rb_first_cached(&root) == &items[4].plain);
	rb_erase_cached(&items[4].plain, &root);
	EXPECT_TRUE(rb_first_cached(&root) == &items[5].plain);
}

static void test_rbtree_add_places_equal_keys_after_existing_ones(void)
{
	struct rb_root root = RB_ROOT;
	struct item items[] = { { .key = 2, .seq = 0 },
				{ .key = 1, .seq = 1 },
				{ .key = 2, .seq = 2 },
				{ .key = 1, .seq = 3 },
				{ .key = 2, .seq = 4 } };
	static const uint64_t want_seq[] = { 1, 3, 0, 2, 4 };
	struct rb_node *node;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++)
		rb_add(&items[i].plain, &root, plain_less);
	node = rb_first(&root);
	for (i = 0; i < ARRAY_SIZE(want_seq); i++, node = rb_next(node)) {
		if (!node) {
			UNIT_FAIL("traversal ended after %u nodes", i);
			return;
		}
		EXPECT_EQ(rb_entry(node, struct item, plain)->seq, want_seq[i]);
	}
	EXPECT_TRUE(node == NULL);
}

/* EEVDF's search: the leftmost node whose value is at most limit, skipping
 * whole subtrees by their minimum. */
static struct item *first_with_value_at_most(struct rb_root_cached *root, uint32_t limit)
{
	struct rb_node *node = root->rb_root.rb_node;

	while (node) {
		struct rb_node *left = node->rb_left, *right = node->rb_right;

		if (left && rb_entry(left, struct item, add_min)->add_subtree_min <= limit) {
			node = left;
			continue;
		}
		if (rb_entry(node, struct item, add_min)->value <= limit)
			return rb_entry(node, struct item, add_min);
		if (right && rb_entry(right, struct item, add_min)->add_subtree_min <= limit) {
			node = right;
			continue;
		}
		return NULL;
	}
	return NULL;
}

static void test_rbtree_augmented_min_finds_the_first_node_with_a_small_value(void)
{
	uint64_t state = 7;
	struct forest forest;
	unsigned int round, i;

	if (!forest_init(&forest, 600))
		goto out;
	for (round = 0; round < 4; round++) {
		while (forest.nr < 500)
			forest_insert(&forest, (uint32_t)(next_random(&state) % 10000),
				      (uint32_t)(next_random(&state) % 100000));
		for (i = 0; i < 200; i++) {
			uint32_t limit = (uint32_t)(next_random(&state) % 2000);
			struct item *want = NULL, *got;
			size_t j;

			for (j = 0; j < forest.nr && !want; j++)
				if (forest.sorted[j]->value <= limit)
					want = forest.sorted[j];
			got = first_with_value_at_most(&forest.roots[FLAVOUR_ADD_MIN], limit);
			if (got != want) {
				UNIT_FAIL("round %u, limit %u: found key %d, want key %d", round,
					  limit, got ? (int)got->key : -1,
					  want ? (int)want->key : -1);
				goto out;
			}
		}
		for (i = 0; i < 250; i++)
			forest_erase_at(&forest, next_random(&state) % forest.nr);
		if (!FOREST_CHECK(&forest, "after erasing half"))
			goto out;
	}
out:
	forest_destroy(&forest);
}

static CU_TestInfo rbtree_tests[] = {
	UNIT_TEST(test_rbtree_random_inserts_and_erases_keep_every_invariant),
	UNIT_TEST(test_rbtree_random_operations_on_many_equal_keys_keep_every_invariant),
	UNIT_TEST(test_rbtree_sorted_inserts_rotate_into_a_balanced_shape),
	UNIT_TEST(test_rbtree_erasing_a_red_leaf_leaves_the_rest_alone),
	UNIT_TEST(test_rbtree_erasing_a_black_leaf_rebalances_through_its_red_sibling),
	UNIT_TEST(test_rbtree_erasing_a_node_with_one_child_moves_the_child_up_black),
	UNIT_TEST(test_rbtree_erasing_a_node_whose_successor_is_its_right_child),
	UNIT_TEST(test_rbtree_erasing_a_node_whose_successor_lies_deeper),
	UNIT_TEST(test_rbtree_erasing_the_root_promotes_its_successor_and_rebalances),
	UNIT_TEST(test_rbtree_erasing_the_root_repeatedly_empties_the_tree),
	UNIT_TEST(test_rbtree_clear_node_marks_a_node_outside_any_tree),
	UNIT_TEST(test_rbtree_height_stays_within_twice_log2_for_sorted_inserts),
	UNIT_TEST(test_rbtree_equal_keys_are_all_kept_in_insertion_order),
	UNIT_TEST(test_rbtree_add_cached_reports_a_new_leftmost_only),
	UNIT_TEST(test_rbtree_add_places_equal_keys_after_existing_ones),
	UNIT_TEST(test_rbtree_augmented_min_finds_the_first_node_with_a_small_value),
	CU_TEST_INFO_NULL,
};

static void unit_register_rbtree(void)
{
	unit_add_suite("rbtree", rbtree_tests);
}

UNIT_REGISTER(unit_register_rbtree)
