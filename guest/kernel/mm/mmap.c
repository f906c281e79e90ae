/* mmap, munmap and brk on an mm with Linux's checks and errno values, and
 * the search for free address space (top-down below mmap_base, as Linux on
 * x86-64 does, bottom-up as the fallback and for MAP_32BIT), O(log n) over
 * the gaps the area tree keeps. */
#include <vitro/fs.h>

#include "internal.h"

/* Flags every mmap understands; MAP_SHARED_VALIDATE rejects the others. */
#define LEGACY_MAP_MASK                                                                          \
	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | \
	 MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |         \
	 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)

/* x86-64 MAP_32BIT: the second gigabyte (Linux leaves the first to the
 * program's own low mappings). */
#define MAP_32BIT_BEGIN 0x40000000ull
#define MAP_32BIT_END 0x80000000ull

/* The largest file offset (Linux's MAX_LFS_FILESIZE). */
#define MAX_FILE_BYTES ((uint64_t)INT64_MAX)

/* --- munmap -------------------------------------------------------------- */

int do_munmap(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = find_vma(mm, start), *last, *next, *high;
	struct unmap_batch batch;
	LIST_HEAD_DECLARE(doomed);
	uint64_t floor, ceiling;
	int err;

	if (start >= end || !vma || vma->vm_start >= end)
		return 0;
	if (vma->vm_start < start) {
		/* A hole in the middle of an area makes one area more. */
		if (end < vma->vm_end && mm->map_count >= MAX_MAP_COUNT)
			return -ENOMEM;
		err = vma_split(mm, vma, start, &high);
		if (err)
			return err;
		vma = high;
	}
	last = find_vma(mm, end - 1);
	if (last && last->vm_start < end && last->vm_end > end) {
		err = vma_split(mm, last, end, &high);
		if (err)
			return err; /* the first split stays: it changed nothing visible */
	}

	/* Now the areas from vma on that start below end lie wholly inside. */
	unmap_batch_init(&batch, mm);
	while (vma && vma->vm_start < end) {
		next = vma_next(vma);
		zap_page_range(&batch, vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		list_add_tail(&vma->vm_list, &doomed);
		vma = next;
	}
	vma_gap_bounds(mm, start, &floor, &ceiling);
	free_pgtables(&batch, start, end, floor, ceiling);
	unmap_batch_finish(&batch);
	list_for_each_entry_safe(vma, next, &doomed, vm_list)
		vma_free(vma);
	return 0;
}

int vm_munmap(struct mm_struct *mm, uint64_t addr, uint64_t len)
{
	if ((addr & ~PAGE_MASK) || addr > TASK_SIZE || len > TASK_SIZE - addr)
		return -EINVAL;
	len = PAGE_ALIGN_UP(len);
	if (!len)
		return -EINVAL;
	return do_munmap(mm, addr, addr + len);
}

/* --- free address space ------------------------------------------------------- */

/* Places len bytes in the free range [start, end) clipped to [low, high):
 * as high as possible (is_topdown) or as low. */
static bool range_fit(uint64_t start, uint64_t end, uint64_t len, uint64_t low, uint64_t high,
		      bool is_topdown, uint64_t *addr)
{
	if (start < low)
		start = low;
	if (end > high)
		end = high;
	if (end <= start || end - start < len)
		return false;
	*addr = is_topdown ? end - len : start;
	return true;
}

/*
 * The gap just below each area (vma.c keeps the largest of every subtree in
 * rb_subtree_gap): an in-order walk, high to low or low to high, that skips
 * subtrees whose largest gap is too small and subtrees wholly outside
 * [low, high). A subtree inside the range with a large enough gap always
 * holds a fit, so only the walks along the two ends of the range turn back:
 * O(log n).
 */
static bool search_gaps(struct rb_node *node, uint64_t len, uint64_t low, uint64_t high,
			bool is_topdown, uint64_t *addr)
{
	struct vm_area_struct *vma, *prev;
	bool is_left_useful, is_right_useful;

	if (!node)
		return false;
	vma = rb_entry(node, struct vm_area_struct, vm_rb);
	if (vma->rb_subtree_gap < len)
		return false;
	/* Gaps on the left end by vma's start; those on the right begin at
	 * or after its end. */
	is_left_useful = vma->vm_start >= low + len;
	is_right_useful = vma->vm_end + len <= high;
	prev = vma_prev(vma);
	if (is_topdown) {
		return (is_right_useful &&
			search_gaps(node->rb_right, len, low, high, true, addr)) ||
		       range_fit(prev ? prev->vm_end : 0, vm_start_gap(vma), len, low, high, true,
				 addr) ||
		       (is_left_useful && search_gaps(node->rb_left, len, low, high, true, addr));
	}
	return (is_left_useful && search_gaps(node->rb_left, len, low, high, false, addr)) ||
	       range_fit(prev ? prev->vm_end : 0, vm_start_gap(vma), len, low, high, false, addr) ||
	       (is_right_useful && search_gaps(node->rb_right, len, low, high, false, addr));
}

/* The highest (is_topdown) or lowest len bytes in [low, high) that no area
 * claims, or -ENOMEM. */
static long unmapped_area(struct mm_struct *mm, uint64_t len, uint64_t low, uint64_t high,
			  bool is_topdown)
{
	uint64_t above_last = 0, addr;

	if (low < MMAP_MIN_ADDR)
		low = MMAP_MIN_ADDR;
	if (high < low || high - low < len)
		return -ENOMEM;
	/* The space above the last area is no area's gap. */
	if (!list_empty(&mm->mmap_list))
		above_last = list_entry(mm->mmap_list.prev, struct vm_area_struct, vm_list)->vm_end;
	if (is_topdown && range_fit(above_last, UINT64_MAX, len, low, high, true, &addr))
		return (long)addr;
	if (search_gaps(mm->mm_rb.rb_node, len, low, high, is_topdown, &addr))
		return (long)addr;
	if (!is_topdown && range_fit(above_last, UINT64_MAX, len, low, high, false, &addr))
		return (long)addr;
	return -ENOMEM;
}

/* Linux's x86-64 arch_get_unmapped_area(): the hint if free, else bottom-up. */
static long get_area_bottomup(struct mm_struct *mm, uint64_t addr, uint64_t len, uint64_t begin,
			      uint64_t end)
{
	if (len > end)
		return -ENOMEM;
	addr = PAGE_ALIGN_UP(addr);
	if (addr && end - len >= addr) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || addr + len <= vm_start_gap(vma))
			return (long)addr;
	}
	return unmapped_area(mm, len, begin, end, false);
}

long get_unmapped_area(struct mm_struct *mm, uint64_t addr, uint64_t len, int flags)
{
	long found;

	if (len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		return (long)addr;
	}
	if (flags & MAP_32BIT)
		return get_area_bottomup(mm, addr, len, MAP_32BIT_BEGIN, MAP_32BIT_END);
	if (addr) {
		uint64_t hint = addr & PAGE_MASK;

		if (hint <= TASK_SIZE - len) {
			struct vm_area_struct *vma = find_vma(mm, hint);

			if (!vma || hint + len <= vm_start_gap(vma))
				return (long)hint;
		}
	}
	found = unmapped_area(mm, len, PAGE_SIZE, mm->mmap_base, true);
	if (found >= 0)
		return found;
	return get_area_bottomup(mm, addr, len, TASK_UNMAPPED_BASE, TASK_SIZE);
}

/* --- mmap ------------------------------------------------------------------------ */

long mmap_region(struct mm_struct *mm, uint64_t addr, uint64_t len, uint64_t vm_flags,
		 struct file *file, uint64_t pgoff)
{
	struct vm_area_struct *vma = vma_alloc(mm);

	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	if (!file && (vm_flags & VM_SHARED)) {
		vma->vm_shared_anon = shared_anon_create();
		if (!vma->vm_shared_anon)
			goto err_free;
	}
	/* Whatever was there goes (MAP_FIXED) only once nothing can fail. */
	if (do_munmap(mm, addr, addr + len))
		goto err_free;
	if (file)
		vma->vm_file = fget(file);
	vma_link(mm, vma);
	vma_merge_neighbours(mm, vma);
	return (long)addr;

err_free:
	vma_free(vma);
	return -ENOMEM;
}

/* Linux's file_mmap_ok() for regular files. */
static bool is_file_range_ok(uint64_t pgoff, uint64_t len)
{
	return len <= MAX_FILE_BYTES && pgoff <= (MAX_FILE_BYTES - len) >> PAGE_SHIFT;
}

/* The VM_* flags for a file mapping, or -errno (Linux's do_mmap() checks, in
 * its order). */
static int64_t file_vm_flags(struct file *file, uint64_t len, int prot, int flags, uint64_t pgoff,
			     uint64_t vm_flags)
{
	if (!is_file_range_ok(pgoff, len))
		return -EOVERFLOW;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		flags &= LEGACY_MAP_MASK; /* MAP_SHARED ignores what it does not know */
		/* fall through */
	case MAP_SHARED_VALIDATE:
		if (flags & ~LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		/* Never writable through this file: as private, but for VM_MAYSHARE. */
		if (!(file->f_mode & FMODE_WRITE))
			vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fall through */
	case MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if (!S_ISREG(file->f_inode->i_mode) || !file->f_op->read)
			return -ENODEV;
		if (vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		/* Writes that reach the file need a page cache: not yet. */
		if (vm_flags & VM_SHARED)
			return -ENODEV;
		return (int64_t)vm_flags;
	default:
		return -EINVAL;
	}
}

long vm_mmap(struct mm_struct *mm, uint64_t addr, uint64_t len, int prot, int flags,
	     struct file *file, uint64_t pgoff)
{
	int64_t vm_flags;
	long ret;

	/* ksys_mmap_pgoff(): no huge pages here. */
	if (flags & MAP_HUGETLB)
		return file ? -EINVAL : -ENOMEM;
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {
		addr &= PAGE_MASK;
		if (addr && addr < MMAP_MIN_ADDR)
			addr = MMAP_MIN_ADDR;
	}
	len = PAGE_ALIGN_UP(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > MAX_MAP_COUNT)
		return -ENOMEM;
	ret = get_unmapped_area(mm, addr, len, flags);
	if (ret < 0)
		return ret;
	addr = (uint64_t)ret;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;

	vm_flags = (int64_t)(calc_vm_prot_bits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC);
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (flags & MAP_LOCKED)
		vm_flags |= VM_LOCKED;
	if (file) {
		vm_flags = file_vm_flags(file, len, prot, flags, pgoff, (uint64_t)vm_flags);
		if (vm_flags < 0)
			return vm_flags;
	} else {
		switch (flags & MAP_TYPE) {
		case MAP_SHARED:
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			pgoff = 0;
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MAP_PRIVATE:
			pgoff = addr >> PAGE_SHIFT;
			break;
		default:
			return -EINVAL;
		}
	}
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;

	ret = mmap_region(mm, addr, len, (uint64_t)vm_flags, file, pgoff);
	/* Populating is best effort: the mapping stands either way. Private
	 * writable memory is faulted for writing, which copies file pages now
	 * rather than at the first store (Linux's populate_vma_page_range()). */
	if (ret >= 0 &&
	    ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE))
		populate_range(mm, addr, addr + len,
			       (vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE);
	return ret;
}

/* --- brk -------------------------------------------------------------------------- */

long vm_brk(struct mm_struct *mm, uint64_t brk)
{
	uint64_t old_brk = mm->brk, new_end, old_end;
	struct vm_area_struct *next;

	if (brk < mm->start_brk || brk > TASK_SIZE)
		return (long)old_brk;
	new_end = PAGE_ALIGN_UP(brk);
	old_end = PAGE_ALIGN_UP(mm->brk);
	if (new_end == old_end) {
		mm->brk = brk;
		return (long)brk;
	}
	if (brk <= mm->brk) {
		if (do_munmap(mm, new_end, old_end))
			return (long)old_brk;
		mm->brk = brk;
		return (long)brk;
	}
	/* A page stays free between the heap and whatever is above it. */
	next = find_vma(mm, old_end);
	if (next && new_end + PAGE_SIZE > vm_start_gap(next))
		return (long)old_brk;
	if (mm->map_count > MAX_MAP_COUNT ||
	    mmap_region(mm, old_end, new_end - old_end,
			VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, NULL,
			old_end >> PAGE_SHIFT) < 0)
		return (long)old_brk;
	mm->brk = brk;
	return (long)brk;
}
