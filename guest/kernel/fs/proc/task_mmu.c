/* /proc/<pid>/maps and smaps: a process's areas, named as Linux names them
 * (the mapped file's path, [heap], [stack], /dev/zero (deleted) for shared
 * anonymous memory), with smaps' resident page counts from vma_get_rss. */
#include <vitro/errno.h>
#include <vitro/mm_user.h>
#include <vitro/slab.h>
#include <vitro/task.h>

#include "internal.h"

static const char *vma_name(struct vm_area_struct *vma, char *path, struct proc_vma_info *info)
{
	struct mm_struct *mm = vma->vm_mm;

	if (vma->vm_file) {
		struct inode *inode = vma->vm_file->f_inode;

		info->dev_major = MAJOR(inode->i_sb->s_dev);
		info->dev_minor = MINOR(inode->i_sb->s_dev);
		info->ino = inode->i_ino;
		info->offset_bytes = vma->vm_pgoff << PAGE_SHIFT;
		return vfs_path_of(&vma->vm_file->f_path, path, PATH_MAX) < 0 ? NULL : path;
	}
	/* Linux backs shared anonymous memory with an unlinked shmem file. */
	if (vma->vm_shared_anon)
		return "/dev/zero (deleted)";
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static int show_areas(struct proc_buf *m, const struct proc_ctx *ctx, bool is_smaps)
{
	struct task *t = proc_get_task(ctx->pid);
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	char *path;

	if (!t)
		return -ESRCH;
	mm = get_task_mm(t);
	task_put(t);
	if (!mm)
		return 0; /* a kernel thread: no areas */
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path) {
		mmput(mm);
		return -ENOMEM;
	}
	mutex_lock(&mm->mmap_lock);
	for_each_vma(mm, vma)
	{
		struct proc_vma_info info = { .start = vma->vm_start,
					      .end = vma->vm_end,
					      .flags = vma->vm_flags };

		info.name = vma_name(vma, path, &info);
		if (is_smaps) {
			struct vma_rss rss;

			vma_get_rss(vma, &rss);
			proc_format_smaps_entry(m, &info, &rss);
		} else {
			proc_format_maps_entry(m, &info);
		}
	}
	mutex_unlock(&mm->mmap_lock);
	kfree(path);
	mmput(mm);
	return 0;
}

int proc_show_maps(struct proc_buf *m, const struct proc_ctx *ctx)
{
	return show_areas(m, ctx, false);
}

int proc_show_smaps(struct proc_buf *m, const struct proc_ctx *ctx)
{
	return show_areas(m, ctx, true);
}
