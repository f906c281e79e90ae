/* /proc/<pid>/fd: a link per open descriptor, to the name of the file it
 * has open ("/dev/console", "pipe:[7]", "/tmp/x (deleted)").
 *
 * Locking: a descriptor table's lock is taken before vfs_lock elsewhere
 * (fd_get), but lookups and links here run under vfs_lock, so they only try
 * the table's lock and give up (EAGAIN) if its holder does not let go: that
 * holder may be waiting for vfs_lock. The task's lock keeps the table itself
 * alive meanwhile; vfs_lock keeps a file in it from being freed. */
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "../../kernel/rootfs.h"
#include "internal.h"

#define FDS_PER_BATCH 32
/* How long a lookup spins on a busy descriptor table. */
#define TABLE_TRIES 1000

const struct path *proc_system_root(void)
{
	return init_fs.root.mnt ? &init_fs.root : NULL;
}

const struct path *proc_reader_root(void)
{
	return current->fs ? &current->fs->root : proc_system_root();
}

static struct vfsmount *top_mount(struct vfsmount *mnt)
{
	while (mnt->mnt_parent != mnt)
		mnt = mnt->mnt_parent;
	return mnt;
}

/* A file outside the reader's mount tree (a pipe, on the kernel's own
 * mount) is named by its file system and inode, as Linux names them. */
static long file_name(struct file *file, char *buf, size_t size)
{
	const struct path *root = proc_reader_root();
	struct super_block *sb = file->f_path.mnt->mnt_sb;
	bool is_reachable;
	long len = path_format_locked(&file->f_path, root, buf, size, &is_reachable);

	if (len < 0 || is_reachable || !root || top_mount(file->f_path.mnt) == top_mount(root->mnt))
		return len;
	return format_snprintf(buf, size, "%s:[%llu]",
			       !strcmp(sb->s_type->name, "pipefs") ? "pipe" : sb->s_type->name,
			       (unsigned long long)file->f_inode->i_ino);
}

struct fd_query {
	int fd;
	char *buf; /* NULL: only whether it is open */
	size_t size;
	struct path *path; /* set: the file's place, with references */
	long result; /* 1 open / the name's length, 0 closed, or -errno */
};

static void query_fd(struct task *t, void *arg)
{
	struct fd_query *q = arg;
	unsigned long flags = task_lock(t);
	struct files_struct *files = t->files;
	unsigned int tries = 0;
	struct file *file;

	q->result = 0;
	if (!files)
		goto out;
	while (!spin_trylock(&files->lock)) {
		if (++tries == TABLE_TRIES) {
			q->result = -EAGAIN;
			goto out;
		}
		cpu_relax();
	}
	file = q->fd >= 0 && (unsigned int)q->fd < files->nr_slots ? files->fd[q->fd] : NULL;
	if (file && q->path) {
		*q->path = file->f_path;
		path_get(q->path);
		q->result = 1;
	} else if (file) {
		q->result = q->buf ? file_name(file, q->buf, q->size) : 1;
	}
	spin_unlock(&files->lock);
out:
	task_unlock(t, flags);
}

bool proc_fd_is_open(int pid, int fd)
{
	struct fd_query q = { .fd = fd };

	return proc_task_call(pid, query_fd, &q) && q.result > 0;
}

static long link_fd(const struct proc_ctx *ctx, char *buf, size_t size)
{
	struct fd_query q = { .fd = ctx->fd, .buf = buf, .size = size, .result = -ENOENT };

	proc_task_call(ctx->pid, query_fd, &q);
	return q.result > 0 ? q.result : (q.result ? q.result : -ENOENT);
}

static int link_path_fd(const struct proc_ctx *ctx, struct path *path)
{
	struct fd_query q = { .fd = ctx->fd, .path = path, .result = -ENOENT };

	proc_task_call(ctx->pid, query_fd, &q);
	return q.result > 0 ? 0 : (q.result ? (int)q.result : -ENOENT);
}

static const struct proc_entry fd_link_entry = {
	.name = "fd",
	.mode = S_IFLNK | 0777,
	.link = link_fd,
	.link_path = link_path_fd,
};

static int proc_fd_dir_lookup(struct inode *dir, struct dentry *dentry)
{
	int fd = proc_name_to_number(dentry->d_name, dentry->d_name_len);
	struct proc_ctx ctx = proc_i(dir)->ctx;
	struct inode *inode;

	if (fd < 0 || !proc_fd_is_open(ctx.pid, fd))
		return 0;
	ctx.fd = fd;
	inode = proc_make_inode(dir->i_sb, &fd_link_entry, &ctx);
	if (!inode)
		return -ENOMEM;
	d_instantiate(dentry, inode);
	return 0;
}

/* The open descriptors from first up (not under vfs_lock: the table's lock
 * may be waited for, with the task's dropped between tries). */
static unsigned int list_fds(struct task *t, int first, int *fds, unsigned int max)
{
	unsigned int nr = 0;

	for (;;) {
		unsigned long flags = task_lock(t);
		struct files_struct *files = t->files;

		if (files && !spin_trylock(&files->lock)) {
			task_unlock(t, flags);
			cpu_relax();
			continue;
		}
		for (unsigned int fd = (unsigned int)first;
		     files && fd < files->nr_slots && nr < max; fd++)
			if (files->fd[fd])
				fds[nr++] = (int)fd;
		if (files)
			spin_unlock(&files->lock);
		task_unlock(t, flags);
		return nr;
	}
}

static int proc_fd_dir_iterate(struct file *file, struct dir_context *ctx)
{
	const struct proc_inode *pi = proc_i(file->f_inode);
	struct task *t;
	int fds[FDS_PER_BATCH];
	char name[12];

	if (!proc_iterate_table(file, ctx, NULL, 0))
		return 0;
	t = proc_get_task(pi->ctx.pid);
	if (!t)
		return 0;
	for (;;) {
		unsigned int nr = list_fds(t, (int)ctx->pos - 2, fds, FDS_PER_BATCH);

		if (!nr)
			break;
		for (unsigned int i = 0; i < nr; i++) {
			int len = format_snprintf(name, sizeof(name), "%d", fds[i]);

			ctx->pos = 2 + fds[i];
			if (!ctx->emit(ctx, name, (size_t)len,
				       proc_fake_ino(pi->ctx.pid, 2 + fds[i]), DT_LNK))
				goto out;
		}
		ctx->pos++;
	}
out:
	task_put(t);
	return 0;
}

const struct inode_operations proc_fd_dir_iops = {
	.lookup = proc_fd_dir_lookup,
};

const struct file_operations proc_fd_dir_fops = {
	.iterate = proc_fd_dir_iterate,
};
