/* /proc/<pid>/mounts (and /proc/mounts, Linux's link to self/mounts): the
 * mounts a process sees from its root, parents before children, one line
 * each as Linux's show_vfsmnt() writes it: source, mount point (with space,
 * tab, newline and backslash in octal), type, options, "0 0". */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/task.h>

#include "internal.h"

struct mounts_walk {
	struct proc_buf *m;
	struct path root;
	char *path;
};

static void print_mangled(struct proc_buf *m, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			proc_printf(m, "\\%03o", (unsigned int)(unsigned char)*s);
		else
			proc_printf(m, "%c", *s);
	}
}

/* The source is not recorded at mount time: the file system's name stands
 * for it, as it does in most mounts Linux shows ("proc /proc proc"). */
static void show_mount(struct mounts_walk *w, struct vfsmount *mnt, const char *where)
{
	const char *type = mnt->mnt_sb->s_type->name;

	proc_printf(w->m, "%s ", type);
	print_mangled(w->m, where);
	proc_printf(w->m, " %s rw 0 0\n", type);
}

/* vfs_lock held: the tree cannot change under the walk. */
static void show_children(struct mounts_walk *w, struct vfsmount *parent, unsigned int depth)
{
	struct vfsmount *child;

	if (depth > 64)
		return;
	list_for_each_entry(child, &parent->mnt_mounts, mnt_child) {
		struct path point = { .mnt = parent, .dentry = child->mnt_mountpoint };
		bool is_reachable;

		if (path_format_locked(&point, &w->root, w->path, PATH_MAX, &is_reachable) < 0 ||
		    !is_reachable)
			continue; /* outside the process's root */
		show_mount(w, child, w->path);
		show_children(w, child, depth + 1);
	}
}

static void root_of(struct task *t, void *arg)
{
	struct mounts_walk *w = arg;
	unsigned long flags = task_lock(t);

	if (t->fs) {
		w->root = t->fs->root;
		path_get(&w->root);
	}
	task_unlock(t, flags);
}

int proc_show_mounts(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct mounts_walk w = { .m = m };
	const struct path *system_root;

	w.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!w.path)
		return -ENOMEM;
	spin_lock(&vfs_lock);
	if (!proc_task_call(ctx->pid, root_of, &w)) {
		spin_unlock(&vfs_lock);
		kfree(w.path);
		return -ESRCH;
	}
	/* A kernel thread sees the system's root. */
	system_root = proc_system_root();
	if (!w.root.mnt && system_root) {
		w.root = *system_root;
		path_get(&w.root);
	}
	if (w.root.mnt) {
		show_mount(&w, w.root.mnt, "/");
		show_children(&w, w.root.mnt, 0);
		path_put(&w.root);
	}
	spin_unlock(&vfs_lock);
	kfree(w.path);
	return 0;
}
