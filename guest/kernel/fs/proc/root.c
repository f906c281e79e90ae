/* /proc itself: its fixed entries (the system files, self, thread-self and
 * the mounts link), then a directory per process, listed by process id and
 * looked up by any task id, as Linux does. */
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "internal.h"

/* getdents positions: 0 and 1 are "." and "..", then the fixed entries,
 * then PID_POS_BASE + the process id. */
#define PID_POS_BASE 1024
#define PIDS_PER_BATCH 32

static int current_tgid(void)
{
	return proc_tgid_of(current);
}

static long link_self(const struct proc_ctx *ctx, char *buf, size_t size)
{
	(void)ctx;
	return format_snprintf(buf, size, "%d", current_tgid());
}

static long link_thread_self(const struct proc_ctx *ctx, char *buf, size_t size)
{
	(void)ctx;
	return format_snprintf(buf, size, "%d/task/%d", current_tgid(), current->pid);
}

static long link_mounts(const struct proc_ctx *ctx, char *buf, size_t size)
{
	(void)ctx;
	return format_snprintf(buf, size, "self/mounts");
}

static const struct proc_entry root_links[] = {
	PROC_LINK("self", link_self),
	PROC_LINK("thread-self", link_thread_self),
	PROC_LINK("mounts", link_mounts),
};

static const struct proc_entry *fixed_entry(size_t index)
{
	if (index < ARRAY_SIZE(root_links))
		return &root_links[index];
	index -= ARRAY_SIZE(root_links);
	return index < proc_nr_system_entries ? &proc_system_entries[index] : NULL;
}

static int proc_root_lookup(struct inode *dir, struct dentry *dentry)
{
	int pid = proc_name_to_number(dentry->d_name, dentry->d_name_len);
	struct proc_ctx ctx = { .fd = -1 };
	const struct proc_entry *entry;
	struct inode *inode;

	if (pid < 0) {
		for (size_t i = 0; (entry = fixed_entry(i)); i++) {
			if (strlen(entry->name) == dentry->d_name_len &&
			    !memcmp(entry->name, dentry->d_name, dentry->d_name_len))
				break;
		}
		if (!entry)
			return 0;
	} else {
		/* Any thread's id opens its process's directory view of it. */
		if (!proc_task_exists(pid, NULL))
			return 0;
		entry = &proc_pid_dir_entry;
		ctx.pid = pid;
	}
	inode = proc_make_inode(dir->i_sb, entry, &ctx);
	if (!inode)
		return -ENOMEM;
	d_instantiate(dentry, inode);
	return 0;
}

static int proc_root_iterate(struct file *file, struct dir_context *ctx)
{
	int pids[PIDS_PER_BATCH];
	const struct proc_entry *entry;
	char name[12];

	if (ctx->pos < PID_POS_BASE) {
		if (!proc_iterate_table(file, ctx, root_links, ARRAY_SIZE(root_links)))
			return 0;
		/* proc_iterate_table leaves pos after the links. */
		while ((entry = fixed_entry((size_t)ctx->pos - 2))) {
			if (!ctx->emit(ctx, entry->name, strlen(entry->name),
				       proc_fake_ino(0, (unsigned int)ctx->pos),
				       (entry->mode & S_IFMT) >> 12))
				return 0;
			ctx->pos++;
		}
		ctx->pos = PID_POS_BASE;
	}
	for (;;) {
		unsigned int nr =
			proc_list_tgids((int)(ctx->pos - PID_POS_BASE), pids, PIDS_PER_BATCH);

		if (!nr)
			return 0;
		for (unsigned int i = 0; i < nr; i++) {
			int len = format_snprintf(name, sizeof(name), "%d", pids[i]);

			ctx->pos = PID_POS_BASE + pids[i];
			if (!ctx->emit(ctx, name, (size_t)len, proc_fake_ino(pids[i], 0), DT_DIR))
				return 0;
		}
		ctx->pos++;
	}
}

static const struct inode_operations proc_root_iops = {
	.lookup = proc_root_lookup,
};

static const struct file_operations proc_root_fops = {
	.iterate = proc_root_iterate,
};

static const struct proc_entry proc_root_entry = {
	.name = "/",
	.mode = S_IFDIR | 0555,
	.dir_iops = &proc_root_iops,
	.dir_fops = &proc_root_fops,
};

int proc_fill_super(struct super_block *sb)
{
	struct proc_ctx ctx = { .fd = -1 };
	struct inode *root = proc_make_inode(sb, &proc_root_entry, &ctx);

	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}
