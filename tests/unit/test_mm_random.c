/* Random sequences of mmap, munmap, mprotect, mremap, madvise, user reads
 * and writes and forks on one address space (guest/kernel/mm/), checked
 * after every step against a model of what each page should hold and allow,
 * and against the structure's invariants: areas sorted, disjoint and
 * maximal (no two mergeable neighbours), the tree in step with the list,
 * counters equal to what the areas and page tables hold, no entry outside
 * an area; and at the end every page back. */
#include <stdio.h>
#include <string.h>
#include <vitro/errno.h>
#include <vitro/mm_user.h>

#include "mm_world.h"
#include "unit.h"

#define P PAGE_SIZE
#define WINDOW_BASE 0x10000000ull
#define WINDOW_PAGES 64
#define NR_STEPS 3000
#define NR_SEEDS 4

struct model_page {
	bool is_mapped;
	int prot;
	uint8_t value; /* the first byte of the page: 0 until written */
};

struct model {
	struct model_page page[WINDOW_PAGES];
	uint64_t rng;
	char note[160]; /* the step, for failure messages */
};

static uint64_t next_random(struct model *m)
{
	/* xorshift64* */
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return m->rng * 0x2545f4914f6cdd1dull;
}

static unsigned int random_below(struct model *m, unsigned int n)
{
	return (unsigned int)(next_random(m) % n);
}

static uint64_t page_addr(unsigned int i)
{
	return WINDOW_BASE + (uint64_t)i * P;
}

static int random_prot(struct model *m)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC };

	return prots[random_below(m, ARRAY_SIZE(prots))];
}

static bool is_readable(int prot)
{
	return prot != PROT_NONE;
}

/* A random range [*first, *first + *n) inside the window. */
static void random_range(struct model *m, unsigned int *first, unsigned int *n)
{
	*first = random_below(m, WINDOW_PAGES);
	*n = 1 + random_below(m, WINDOW_PAGES - *first < 8 ? WINDOW_PAGES - *first : 8);
}

static int user_write_value(struct mm_struct *mm, unsigned int i, uint8_t value)
{
	return mm_user_write(mm, page_addr(i), &value, 1);
}

static void check_write(struct mm_struct *mm, struct model *m, unsigned int i, uint8_t value)
{
	struct model_page *page = &m->page[i];
	int rc = user_write_value(mm, i, value);

	if (!page->is_mapped) {
		if (rc != FAULT_MAPERR)
			UNIT_FAIL("%s: write to unmapped page %u gave %#x", m->note, i, rc);
	} else if (!(page->prot & PROT_WRITE)) {
		if (rc != FAULT_ACCERR)
			UNIT_FAIL("%s: write to page %u (prot %d) gave %#x", m->note, i, page->prot,
				  rc);
	} else if (rc) {
		UNIT_FAIL("%s: write to page %u gave %#x", m->note, i, rc);
	} else {
		page->value = value;
	}
}

static void check_read(struct mm_struct *mm, struct model *m, unsigned int i)
{
	const struct model_page *page = &m->page[i];
	uint8_t value = 0xee;
	int rc = mm_user_read(mm, page_addr(i), &value, 1);
	int want = !page->is_mapped ? FAULT_MAPERR : !is_readable(page->prot) ? FAULT_ACCERR : 0;

	if (rc != want)
		UNIT_FAIL("%s: read of page %u gave %#x, want %#x", m->note, i, rc, want);
	else if (!rc && value != page->value)
		UNIT_FAIL("%s: page %u holds %#x, want %#x", m->note, i, value, page->value);
}

struct entry_count {
	struct mm_struct *mm;
	uint64_t nr_entries;
	uint64_t nr_outside;
};

static int count_entry(uint64_t *pte, uint64_t virt, void *arg)
{
	struct entry_count *count = arg;

	(void)pte;
	count->nr_entries++;
	if (!mm_vma_at(count->mm, virt))
		count->nr_outside++;
	return 0;
}

static uint64_t calc_prot_flags(int prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* The gap just below vma, computed afresh from the list. */
static uint64_t own_gap(struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(vma);
	uint64_t start = prev ? prev->vm_end : 0, end = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN)
		end = end > STACK_GUARD_GAP ? end - STACK_GUARD_GAP : 0;
	return end > start ? end - start : 0;
}

/* The largest own gap in node's subtree, checking the stored value of every
 * node on the way; UINT64_MAX after a mismatch. */
static uint64_t check_subtree_gaps(struct rb_node *node)
{
	struct vm_area_struct *vma;
	uint64_t largest, left, right;

	if (!node)
		return 0;
	vma = rb_entry(node, struct vm_area_struct, vm_rb);
	largest = own_gap(vma);
	left = check_subtree_gaps(node->rb_left);
	right = check_subtree_gaps(node->rb_right);
	if (left == UINT64_MAX || right == UINT64_MAX)
		return UINT64_MAX;
	if (left > largest)
		largest = left;
	if (right > largest)
		largest = right;
	return largest == vma->rb_subtree_gap ? largest : UINT64_MAX;
}

static bool is_mergeable(const struct vm_area_struct *low, const struct vm_area_struct *high)
{
	return low->vm_end == high->vm_start && low->vm_flags == high->vm_flags &&
	       low->vm_file == high->vm_file && low->vm_shared_anon == high->vm_shared_anon &&
	       low->vm_pgoff + ((low->vm_end - low->vm_start) >> PAGE_SHIFT) == high->vm_pgoff;
}

static void check_structure(struct mm_struct *mm, struct model *m)
{
	struct vm_area_struct *vma, *prev = NULL;
	struct rb_node *node = rb_first(&mm->mm_rb);
	struct entry_count count = { .mm = mm };
	uint64_t total = 0, data = 0;
	int nr_areas = 0;
	unsigned int i;

	for_each_vma(mm, vma)
	{
		if (vma->vm_start >= vma->vm_end || ((vma->vm_start | vma->vm_end) & ~PAGE_MASK))
			UNIT_FAIL("%s: bad area [%#llx, %#llx)", m->note,
				  (unsigned long long)vma->vm_start,
				  (unsigned long long)vma->vm_end);
		if (prev && prev->vm_end > vma->vm_start)
			UNIT_FAIL("%s: areas overlap or are out of order", m->note);
		if (prev && is_mergeable(prev, vma))
			UNIT_FAIL("%s: mergeable neighbours at %#llx", m->note,
				  (unsigned long long)vma->vm_start);
		if (node != &vma->vm_rb)
			UNIT_FAIL("%s: tree and list disagree at %#llx", m->note,
				  (unsigned long long)vma->vm_start);
		node = node ? rb_next(node) : NULL;
		total += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
		if ((vma->vm_flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE)
			data += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
		nr_areas++;
		prev = vma;
	}
	if (node)
		UNIT_FAIL("%s: the tree has more areas than the list", m->note);
	if (check_subtree_gaps(mm->mm_rb.rb_node) == UINT64_MAX)
		UNIT_FAIL("%s: a subtree's largest gap is out of date", m->note);
	if (nr_areas != mm->map_count || total != mm->total_vm || data != mm->data_vm)
		UNIT_FAIL("%s: counters %d areas, %llu pages, %llu data; found %d, %llu, %llu",
			  m->note, mm->map_count, (unsigned long long)mm->total_vm,
			  (unsigned long long)mm->data_vm, nr_areas, (unsigned long long)total,
			  (unsigned long long)data);
	pgtable_walk_ptes(&mm->pgtable, 0, USER_PGTABLE_END, count_entry, &count);
	if (count.nr_outside)
		UNIT_FAIL("%s: %llu entries outside any area", m->note,
			  (unsigned long long)count.nr_outside);
	if (count.nr_entries != get_mm_rss(mm))
		UNIT_FAIL("%s: %llu entries but an RSS of %llu", m->note,
			  (unsigned long long)count.nr_entries, (unsigned long long)get_mm_rss(mm));
	for (i = 0; i < WINDOW_PAGES; i++) {
		vma = mm_vma_at(mm, page_addr(i));
		if (!vma != !m->page[i].is_mapped)
			UNIT_FAIL("%s: page %u mapped %d, model says %d", m->note, i, vma != NULL,
				  m->page[i].is_mapped);
		else if (vma &&
			 (vma->vm_flags & VM_ACCESS_FLAGS) != calc_prot_flags(m->page[i].prot))
			UNIT_FAIL("%s: page %u has flags %#llx, model prot %d", m->note, i,
				  (unsigned long long)vma->vm_flags, m->page[i].prot);
	}
}

static void step_mmap(struct mm_struct *mm, struct model *m)
{
	unsigned int first, n, i;
	int prot = random_prot(m);
	long rc;

	random_range(m, &first, &n);
	snprintf(m->note, sizeof(m->note), "mmap %u+%u prot %d", first, n, prot);
	rc = vm_mmap(mm, page_addr(first), n * P, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		     NULL, 0);
	if (rc != (long)page_addr(first)) {
		UNIT_FAIL("%s: got %ld", m->note, rc);
		return;
	}
	for (i = first; i < first + n; i++)
		m->page[i] = (struct model_page){ .is_mapped = true, .prot = prot };
}

static void step_munmap(struct mm_struct *mm, struct model *m)
{
	unsigned int first, n, i;
	int rc;

	random_range(m, &first, &n);
	snprintf(m->note, sizeof(m->note), "munmap %u+%u", first, n);
	rc = vm_munmap(mm, page_addr(first), n * P);
	if (rc)
		UNIT_FAIL("%s: got %d", m->note, rc);
	for (i = first; i < first + n; i++)
		m->page[i] = (struct model_page){ 0 };
}

static void step_mprotect(struct mm_struct *mm, struct model *m)
{
	unsigned int first, n, i;
	int prot = random_prot(m), want = 0, rc;

	random_range(m, &first, &n);
	snprintf(m->note, sizeof(m->note), "mprotect %u+%u prot %d", first, n, prot);
	rc = vm_mprotect(mm, page_addr(first), n * P, prot);
	/* Linux changes the areas up to the first hole, then says ENOMEM. */
	for (i = first; i < first + n; i++) {
		if (!m->page[i].is_mapped) {
			want = -ENOMEM;
			break;
		}
		m->page[i].prot = prot;
	}
	if (rc != want)
		UNIT_FAIL("%s: got %d, want %d", m->note, rc, want);
}

static void step_dontneed(struct mm_struct *mm, struct model *m)
{
	unsigned int first, n, i;
	int want = 0, rc;

	random_range(m, &first, &n);
	snprintf(m->note, sizeof(m->note), "madvise DONTNEED %u+%u", first, n);
	rc = vm_madvise(mm, page_addr(first), n * P, MADV_DONTNEED);
	for (i = first; i < first + n; i++) {
		if (m->page[i].is_mapped)
			m->page[i].value = 0;
		else
			want = -ENOMEM;
	}
	if (rc != want)
		UNIT_FAIL("%s: got %d, want %d", m->note, rc, want);
}

/* Moves part of one area elsewhere in the window, resized. */
static void step_mremap(struct mm_struct *mm, struct model *m)
{
	struct model_page moved[8];
	unsigned int start = random_below(m, WINDOW_PAGES), old_n, new_n, target, i;
	struct vm_area_struct *vma = mm_vma_at(mm, page_addr(start));
	uint64_t area_end;
	long rc;

	if (!vma)
		return;
	area_end = vma->vm_end < page_addr(WINDOW_PAGES) ? vma->vm_end : page_addr(WINDOW_PAGES);
	old_n = 1 + random_below(m, (unsigned int)((area_end - page_addr(start)) / P));
	if (old_n > 8)
		old_n = 8;
	new_n = 1 + random_below(m, 8);
	target = random_below(m, WINDOW_PAGES - new_n + 1);
	if (target < start + old_n && start < target + new_n)
		return; /* overlapping: EINVAL, tested elsewhere */
	snprintf(m->note, sizeof(m->note), "mremap %u+%u to %u+%u", start, old_n, target, new_n);
	rc = vm_mremap(mm, page_addr(start), old_n * P, new_n * P, MREMAP_MAYMOVE | MREMAP_FIXED,
		       page_addr(target));
	if (rc != (long)page_addr(target)) {
		UNIT_FAIL("%s: got %ld", m->note, rc);
		return;
	}
	memcpy(moved, &m->page[start], old_n * sizeof(moved[0]));
	for (i = 0; i < old_n; i++)
		m->page[start + i] = (struct model_page){ 0 };
	for (i = 0; i < new_n; i++)
		m->page[target + i] = (struct model_page){
			.is_mapped = true,
			.prot = moved[0].prot,
			.value = i < old_n ? moved[i].value : 0,
		};
}

/* A child writes over what it inherited, the parent too; each keeps its own. */
static void step_fork(struct mm_struct *mm, struct model *m)
{
	struct model child_model = *m;
	struct mm_struct *child;
	unsigned int k;

	snprintf(m->note, sizeof(m->note), "fork");
	snprintf(child_model.note, sizeof(child_model.note), "fork: in the child");
	child = mm_dup(mm);
	if (!child) {
		UNIT_FAIL("fork failed");
		return;
	}
	for (k = 0; k < 6; k++) {
		check_write(child, &child_model, random_below(m, WINDOW_PAGES),
			    (uint8_t)next_random(m));
		check_write(mm, m, random_below(m, WINDOW_PAGES), (uint8_t)next_random(m));
	}
	for (k = 0; k < WINDOW_PAGES; k++) {
		check_read(child, &child_model, k);
		check_read(mm, m, k);
	}
	check_structure(child, &child_model);
	mmput(child);
}

static void run_sequence(uint64_t seed, unsigned int failures_before)
{
	struct mm_struct *mm = mm_world_start();
	struct model m = { .rng = seed };
	unsigned int step;

	for (step = 0; step < NR_STEPS; step++) {
		unsigned int kind = random_below(&m, 100), i = random_below(&m, WINDOW_PAGES);

		if (kind < 15) {
			step_mmap(mm, &m);
		} else if (kind < 25) {
			step_munmap(mm, &m);
		} else if (kind < 40) {
			step_mprotect(mm, &m);
		} else if (kind < 45) {
			step_dontneed(mm, &m);
		} else if (kind < 55) {
			step_mremap(mm, &m);
		} else if (kind < 57) {
			step_fork(mm, &m);
		} else if (kind < 80) {
			snprintf(m.note, sizeof(m.note), "write page %u", i);
			check_write(mm, &m, i, (uint8_t)(1 + random_below(&m, 255)));
		} else {
			snprintf(m.note, sizeof(m.note), "read page %u", i);
			check_read(mm, &m, i);
		}
		snprintf(m.note + strlen(m.note), sizeof(m.note) - strlen(m.note),
			 " (seed %llu, step %u)", (unsigned long long)seed, step);
		check_structure(mm, &m);
		if (CU_get_number_of_failures() != failures_before)
			break; /* the first failure tells; the rest would repeat it */
	}
	mm_world_end(mm);
}

static void test_mm_random_operations_keep_the_model_and_the_invariants(void)
{
	unsigned int failures_before = CU_get_number_of_failures();
	uint64_t seed;

	for (seed = 1; seed <= NR_SEEDS && CU_get_number_of_failures() == failures_before; seed++)
		run_sequence(seed * 0x9e3779b97f4a7c15ull, failures_before);
}

/* --- free-space search against a linear scan --------------------------------- */

#define REGION_BASE 0x40000000ull /* inside MAP_32BIT's gigabyte */
#define REGION_PAGES 2048
#define NR_AREAS 150
#define NR_QUERIES 60

/* The reference: every claimed range in address order, the free ranges
 * between them clipped to [low, high), the highest or lowest that fits. */
static long scan_for_space(struct mm_struct *mm, uint64_t len, uint64_t low, uint64_t high,
			   bool is_topdown)
{
	struct vm_area_struct *vma;
	uint64_t free_start = 0;
	long found = -ENOMEM;

	if (low < MMAP_MIN_ADDR)
		low = MMAP_MIN_ADDR;
	for (vma = list_empty(&mm->mmap_list) ?
			   NULL :
			   list_entry(mm->mmap_list.next, struct vm_area_struct, vm_list);
	     ; vma = vma_next(vma)) {
		uint64_t free_end = vma ? vma->vm_start : UINT64_MAX, start, end;

		if (vma && (vma->vm_flags & VM_GROWSDOWN))
			free_end = free_end > STACK_GUARD_GAP ? free_end - STACK_GUARD_GAP : 0;
		start = free_start > low ? free_start : low;
		end = free_end < high ? free_end : high;
		if (end > start && end - start >= len) {
			found = (long)(is_topdown ? end - len : start);
			if (!is_topdown)
				return found;
		}
		if (!vma)
			return found;
		free_start = vma->vm_end;
	}
}

static void test_mm_free_space_search_matches_a_linear_scan(void)
{
	unsigned int seed, i;

	for (seed = 1; seed <= 3; seed++) {
		struct mm_struct *mm = mm_world_start();
		struct model m = { .rng = seed * 0x51ed27ull };

		for (i = 0; i < NR_AREAS; i++) {
			uint64_t addr = REGION_BASE + (uint64_t)random_below(&m, REGION_PAGES) * P;
			int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

			if (!random_below(&m, 10))
				flags |= MAP_GROWSDOWN;
			EXPECT_EQ(vm_mmap(mm, addr, (1 + random_below(&m, 8)) * P,
					  random_below(&m, 2) ? PROT_READ : PROT_READ | PROT_WRITE,
					  flags, NULL, 0),
				  (long)addr);
		}
		mm->mmap_base = REGION_BASE + (uint64_t)random_below(&m, REGION_PAGES) * P;
		for (i = 0; i < NR_QUERIES; i++) {
			uint64_t len = (1 + random_below(&m, 32)) * P;
			bool is_32bit = random_below(&m, 3) == 0;
			long want, got;

			if (is_32bit)
				want = scan_for_space(mm, len, 0x40000000, 0x80000000, false);
			else
				want = scan_for_space(mm, len, 0, mm->mmap_base, true);
			if (!is_32bit && want < 0)
				want = scan_for_space(mm, len, TASK_UNMAPPED_BASE, TASK_SIZE,
						      false);
			got = vm_mmap(mm, 0, len, PROT_READ,
				      MAP_PRIVATE | MAP_ANONYMOUS | (is_32bit ? MAP_32BIT : 0),
				      NULL, 0);
			if (got != want) {
				UNIT_FAIL("seed %u query %u: %llu bytes%s went to %#lx, not %#lx",
					  seed, i, (unsigned long long)len,
					  is_32bit ? " (32-bit)" : "", got, want);
				break;
			}
		}
		snprintf(m.note, sizeof(m.note), "after the queries of seed %u", seed);
		if (check_subtree_gaps(mm->mm_rb.rb_node) == UINT64_MAX)
			UNIT_FAIL("%s: a subtree's largest gap is out of date", m.note);
		mm_world_end(mm);
	}
}

static CU_TestInfo mm_random_tests[] = {
	UNIT_TEST(test_mm_random_operations_keep_the_model_and_the_invariants),
	UNIT_TEST(test_mm_free_space_search_matches_a_linear_scan),
	CU_TEST_INFO_NULL,
};

static void unit_register_mm_random(void)
{
	unit_add_suite("mm_random", mm_random_tests);
}

UNIT_REGISTER(unit_register_mm_random)
