/* /proc/<pid> and /proc/<pid>/task/<tid>: a process's (or one thread's)
 * files. Each is generated from the live task when first read; a task gone
 * by then reads as ESRCH, as on Linux. */
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/kallsyms.h>
#include <vitro/mm_user.h>
#include <vitro/process.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "internal.h"

#define TIDS_PER_BATCH 32
#define STACK_DEPTH 32
/* The most of argv or the environment cmdline and environ show. */
#define MAX_ARG_TEXT (128u << 10)

/* The task behind a file; the process's leader for a process's files. */
static struct task *ctx_task(const struct proc_ctx *ctx)
{
	return proc_get_task(ctx->pid);
}

static int show_stat(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct task *t = ctx_task(ctx);
	struct proc_task_info ti;

	if (!t)
		return -ESRCH;
	proc_task_info_fill(t, !ctx->is_thread, &ti);
	task_put(t);
	proc_format_task_stat(m, &ti);
	return 0;
}

static int show_status(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct task *t = ctx_task(ctx);
	struct proc_task_info ti;

	if (!t)
		return -ESRCH;
	proc_task_info_fill(t, false, &ti);
	task_put(t);
	proc_format_task_status(m, &ti);
	return 0;
}

static int show_statm(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct task *t = ctx_task(ctx);
	struct proc_task_info ti;

	if (!t)
		return -ESRCH;
	proc_task_info_fill(t, false, &ti);
	task_put(t);
	proc_format_task_statm(m, &ti);
	return 0;
}

static int show_comm(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct task *t = ctx_task(ctx);
	char comm[TASK_COMM_LEN];

	if (!t)
		return -ESRCH;
	memcpy(comm, t->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	task_put(t);
	proc_printf(m, "%s\n", comm);
	return 0;
}

/*
 * cmdline and environ: the bytes between mm's arg_start and arg_end (or
 * env_start and env_end) as the process has them now. As Linux does, when
 * the NUL that ended argv was overwritten (setproctitle), cmdline runs on
 * into the environment up to the first NUL.
 */
static int show_mm_range(struct proc_buf *m, const struct proc_ctx *ctx, bool is_environ)
{
	struct task *t = ctx_task(ctx);
	struct mm_struct *mm;
	uint64_t start, end, env_end;
	size_t len, room;
	long n;

	if (!t)
		return -ESRCH;
	mm = get_task_mm(t);
	task_put(t);
	if (!mm)
		return 0; /* kernel threads: empty */
	mutex_lock(&mm->mmap_lock);
	start = is_environ ? mm->env_start : mm->arg_start;
	end = is_environ ? mm->env_end : mm->arg_end;
	env_end = mm->env_end;
	len = end > start ? (size_t)(end - start) : 0;
	if (len > MAX_ARG_TEXT)
		len = MAX_ARG_TEXT;
	room = m->len < m->size ? m->size - m->len - 1 : 0;
	if (len > room) {
		m->len += len; /* ask for a buffer that fits */
	} else if (len) {
		n = access_vm(mm, start, m->buf + m->len, len, false);
		len = n > 0 ? (size_t)n : 0;
		if (!is_environ && len && m->buf[m->len + len - 1] != '\0' && env_end > end) {
			/* argv was rewritten: take the rest up to a NUL. */
			size_t more = (size_t)(env_end - end);

			if (more > room - len)
				more = room - len;
			n = access_vm(mm, end, m->buf + m->len + len, more, false);
			if (n > 0)
				len += (size_t)n;
			len = strnlen(m->buf + m->len, len);
		}
		m->len += len;
		m->buf[m->len] = '\0';
	}
	mutex_unlock(&mm->mmap_lock);
	mmput(mm);
	return 0;
}

static int show_cmdline(struct proc_buf *m, const struct proc_ctx *ctx)
{
	return show_mm_range(m, ctx, false);
}

static int show_environ(struct proc_buf *m, const struct proc_ctx *ctx)
{
	return show_mm_range(m, ctx, true);
}

static void add_io(struct proc_task_io *io, const struct task *t)
{
	io->rchar += READ_ONCE(t->io_rchar);
	io->wchar += READ_ONCE(t->io_wchar);
	io->syscr += READ_ONCE(t->io_syscr);
	io->syscw += READ_ONCE(t->io_syscw);
}

/* A process's io adds up its threads' (those alive: exited threads' counts
 * are not kept yet). */
static int show_io(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct task *t = ctx_task(ctx), *thread;
	struct proc_task_io io = { 0 };
	unsigned long flags;

	if (!t)
		return -ESRCH;
	add_io(&io, t);
	if (!ctx->is_thread) {
		flags = spin_lock_irqsave(&tasklist_lock);
		if (t->group_leader == t)
			list_for_each_entry(thread, &t->thread_group, thread_node)
				add_io(&io, thread);
		spin_unlock_irqrestore(&tasklist_lock, flags);
	}
	task_put(t);
	proc_format_task_io(m, &io);
	return 0;
}

/* The function a sleeping task waits in, without a newline, or "0". */
static int show_wchan(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct task *t = ctx_task(ctx);
	uint64_t entry;
	const char *name = NULL;

	if (!t)
		return -ESRCH;
	if (proc_task_stack(t, &entry, 1))
		name = kallsyms_lookup(entry - 1, NULL, NULL);
	task_put(t);
	proc_printf(m, "%s", name ? name : "0");
	return 0;
}

static int show_stack(struct proc_buf *m, const struct proc_ctx *ctx)
{
	struct task *t = ctx_task(ctx);
	uint64_t entries[STACK_DEPTH];
	unsigned int nr;

	if (!t)
		return -ESRCH;
	nr = proc_task_stack(t, entries, STACK_DEPTH);
	task_put(t);
	for (unsigned int i = 0; i < nr; i++) {
		uint64_t offset, size;
		const char *name = kallsyms_lookup(entries[i] - 1, &offset, &size);

		/* Linux hides the address ([<0>]) and names the return site. */
		if (name)
			proc_printf(m, "[<0>] %s+0x%llx/0x%llx\n", name,
				    (unsigned long long)(offset + 1), (unsigned long long)size);
		else
			proc_printf(m, "[<0>] 0x%llx\n", (unsigned long long)entries[i]);
	}
	return 0;
}

struct fs_link {
	bool is_root;
	char *buf;
	size_t size;
	long len;
};

static void fs_link_of(struct task *t, void *arg)
{
	struct fs_link *l = arg;
	unsigned long flags = task_lock(t);
	bool is_reachable;

	if (t->fs)
		l->len = path_format_locked(l->is_root ? &t->fs->root : &t->fs->pwd,
					    proc_reader_root(), l->buf, l->size, &is_reachable);
	task_unlock(t, flags);
}

/* cwd and root: where the task's fs_struct points (vfs_lock held). */
static long link_fs_path(const struct proc_ctx *ctx, char *buf, size_t size, bool is_root)
{
	struct fs_link l = { .is_root = is_root, .buf = buf, .size = size, .len = -ENOENT };

	proc_task_call(ctx->pid, fs_link_of, &l);
	return l.len;
}

static long link_cwd(const struct proc_ctx *ctx, char *buf, size_t size)
{
	return link_fs_path(ctx, buf, size, false);
}

static long link_root(const struct proc_ctx *ctx, char *buf, size_t size)
{
	return link_fs_path(ctx, buf, size, true);
}

/* --- the directories ------------------------------------------------------- */

#define TASK_FILES                                                                   \
	PROC_FILE("cmdline", show_cmdline), PROC_FILE("comm", show_comm),            \
		PROC_LINK("cwd", link_cwd), PROC_FILE("environ", show_environ),      \
		{ .name = "fd",                                                      \
		  .mode = S_IFDIR | 0500,                                            \
		  .dir_iops = &proc_fd_dir_iops,                                     \
		  .dir_fops = &proc_fd_dir_fops },                                   \
		PROC_FILE("io", show_io), PROC_FILE("maps", proc_show_maps),         \
		PROC_FILE("mounts", proc_show_mounts), PROC_LINK("root", link_root), \
		PROC_FILE("smaps", proc_show_smaps), PROC_FILE("stack", show_stack), \
		PROC_FILE("stat", show_stat), PROC_FILE("statm", show_statm),        \
		PROC_FILE("status", show_status), PROC_FILE("wchan", show_wchan)

static const struct proc_entry tid_entries[] = { TASK_FILES };

static int proc_task_dir_lookup(struct inode *dir, struct dentry *dentry);
static int proc_task_dir_iterate(struct file *file, struct dir_context *ctx);

static const struct inode_operations proc_task_dir_iops = {
	.lookup = proc_task_dir_lookup,
};

static const struct file_operations proc_task_dir_fops = {
	.iterate = proc_task_dir_iterate,
};

static const struct proc_entry pid_entries[] = {
	TASK_FILES,
	{ .name = "task",
	  .mode = S_IFDIR | 0555,
	  .dir_iops = &proc_task_dir_iops,
	  .dir_fops = &proc_task_dir_fops },
};

const struct proc_entry proc_pid_dir_entry = PROC_TABLE_DIR("pid", pid_entries);
const struct proc_entry proc_tid_dir_entry = PROC_TABLE_DIR("tid", tid_entries);

/* /proc/<pid>/task/<tid>: the threads of the process. */
static int proc_task_dir_lookup(struct inode *dir, struct dentry *dentry)
{
	int tid = proc_name_to_number(dentry->d_name, dentry->d_name_len), tgid;
	const struct proc_inode *pi = proc_i(dir);
	struct proc_ctx ctx = { .pid = tid, .is_thread = true, .fd = -1 };
	int owner_tgid;
	struct inode *inode;

	if (tid < 0 || !proc_task_exists(tid, &tgid) ||
	    !proc_task_exists(pi->ctx.pid, &owner_tgid) || tgid != owner_tgid)
		return 0;
	inode = proc_make_inode(dir->i_sb, &proc_tid_dir_entry, &ctx);
	if (!inode)
		return -ENOMEM;
	d_instantiate(dentry, inode);
	return 0;
}

static int proc_task_dir_iterate(struct file *file, struct dir_context *ctx)
{
	const struct proc_inode *pi = proc_i(file->f_inode);
	int tids[TIDS_PER_BATCH], tgid;
	char name[12];

	if (!proc_iterate_table(file, ctx, NULL, 0))
		return 0;
	if (!proc_task_exists(pi->ctx.pid, &tgid))
		return 0;
	for (;;) {
		unsigned int nr = proc_list_tids(tgid, (int)ctx->pos - 2, tids, TIDS_PER_BATCH);

		if (!nr)
			return 0;
		for (unsigned int i = 0; i < nr; i++) {
			int len = format_snprintf(name, sizeof(name), "%d", tids[i]);

			ctx->pos = 2 + tids[i];
			if (!ctx->emit(ctx, name, (size_t)len, proc_fake_ino(tids[i], 1), DT_DIR))
				return 0;
		}
		ctx->pos++;
	}
}
