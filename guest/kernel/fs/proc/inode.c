/* procfs's inodes and files: an inode per table entry looked up, dentries
 * that never outlive their users and are checked against the task they
 * describe, and files whose text is generated at the first read (and at any
 * read from offset 0), then served from that buffer at any offset, as
 * Linux's seq_file does. */
#include <vitro/errno.h>
#include <vitro/proc_fs.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/vmalloc.h>

#include "internal.h"

/* The largest text a file may generate. */
#define PROC_MAX_TEXT (4u << 20)
/* Texts up to this size come from kmalloc, larger ones from vmalloc. */
#define PROC_KMALLOC_MAX (64u << 10)

/* --- dentries ------------------------------------------------------------- */

/* A cached name still means what it did: the task lives, the descriptor is
 * open. Negative entries are never trusted (a pid may appear). */
static bool proc_revalidate(struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	const struct proc_inode *pi;

	if (!inode)
		return false;
	pi = proc_i(inode);
	if (!pi->ctx.pid)
		return true;
	if (!proc_task_exists(pi->ctx.pid, NULL))
		return false;
	return pi->ctx.fd < 0 || proc_fd_is_open(pi->ctx.pid, pi->ctx.fd);
}

/* Nothing is kept once unused: the next lookup asks again. */
static bool proc_delete(const struct dentry *dentry)
{
	(void)dentry;
	return true;
}

static const struct dentry_operations proc_dentry_ops = {
	.d_revalidate = proc_revalidate,
	.d_delete = proc_delete,
};

/* --- files ------------------------------------------------------------------ */

struct proc_file {
	struct mutex lock; /* readers sharing the open file take turns */
	const struct proc_entry *entry;
	struct proc_ctx ctx;
	char *text;
	size_t size; /* of text */
	size_t len; /* generated */
	bool is_generated;
};

static void *text_alloc(size_t size)
{
	return size <= PROC_KMALLOC_MAX ? kmalloc(size, GFP_KERNEL) : vmalloc(size);
}

static void text_free(void *text, size_t size)
{
	if (size <= PROC_KMALLOC_MAX)
		kfree(text);
	else
		vfree(text);
}

static int proc_file_open(struct inode *inode, struct file *file)
{
	const struct proc_inode *pi = proc_i(inode);
	struct proc_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock);
	pf->entry = pi->entry;
	pf->ctx = pi->ctx;
	file->private_data = pf;
	return 0;
}

static int proc_file_release(struct inode *inode, struct file *file)
{
	struct proc_file *pf = file->private_data;

	(void)inode;
	if (pf->text)
		text_free(pf->text, pf->size);
	kfree(pf);
	return 0;
}

/* Runs the generator, with a larger buffer each time it overflows. */
static int proc_file_generate(struct proc_file *pf)
{
	size_t size = pf->size ? pf->size : PAGE_SIZE;

	for (;;) {
		struct proc_buf m;
		int err;

		if (!pf->text) {
			pf->text = text_alloc(size);
			if (!pf->text)
				return -ENOMEM;
			pf->size = size;
		}
		m = (struct proc_buf){ .buf = pf->text, .size = pf->size };
		err = pf->entry->show(&m, &pf->ctx);
		if (err)
			return err;
		if (!proc_buf_overflowed(&m)) {
			pf->len = m.len;
			return 0;
		}
		text_free(pf->text, pf->size);
		pf->text = NULL;
		size = (m.len + PAGE_SIZE) & PAGE_MASK;
		if (size > PROC_MAX_TEXT)
			return -EFBIG;
	}
}

static long proc_file_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	struct proc_file *pf = file->private_data;
	long done = 0;
	int err = 0;

	mutex_lock(&pf->lock);
	if (!pf->is_generated || *pos == 0) {
		err = proc_file_generate(pf);
		pf->is_generated = !err;
	}
	if (!err && (uint64_t)*pos < pf->len) {
		size_t left = pf->len - (size_t)*pos;

		done = (long)(count < left ? count : left);
		memcpy(buf, pf->text + *pos, (size_t)done);
		*pos += done;
	}
	mutex_unlock(&pf->lock);
	return err ? err : done;
}

static const struct file_operations proc_file_fops = {
	.open = proc_file_open,
	.release = proc_file_release,
	.read = proc_file_read,
};

/* --- links ----------------------------------------------------------------- */

/* The target is made again at every use (vfs_lock held throughout, so one
 * buffer per inode serves every caller in turn). */
static const char *proc_get_link(struct inode *inode)
{
	struct proc_inode *pi = proc_i(inode);
	long len;

	if (!pi->link_buf) {
		pi->link_buf = kmalloc(PATH_MAX, VFS_GFP);
		if (!pi->link_buf)
			return NULL;
	}
	len = pi->entry->link(&pi->ctx, pi->link_buf, PATH_MAX);
	return len < 0 ? NULL : pi->link_buf;
}

static int proc_get_link_path(struct inode *inode, struct path *path)
{
	struct proc_inode *pi = proc_i(inode);

	return pi->entry->link_path ? pi->entry->link_path(&pi->ctx, path) : 1;
}

static const struct inode_operations proc_link_iops = {
	.get_link = proc_get_link,
	.get_link_path = proc_get_link_path,
};

/* --- inodes ---------------------------------------------------------------- */

struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *entry,
			      const struct proc_ctx *ctx)
{
	struct inode *inode = new_inode(sb, entry->mode);
	struct proc_inode *pi = kzalloc(sizeof(*pi), VFS_GFP);

	if (!inode || !pi) {
		if (inode)
			iput(inode);
		kfree(pi);
		return NULL;
	}
	pi->entry = entry;
	pi->ctx = *ctx;
	inode->i_private = pi;
	switch (entry->mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = entry->dir_iops;
		inode->i_fop = entry->dir_fops;
		inode->i_nlink = 2;
		break;
	case S_IFLNK:
		inode->i_op = &proc_link_iops;
		break;
	default:
		inode->i_fop = &proc_file_fops;
		break;
	}
	return inode;
}

static void proc_evict_inode(struct inode *inode)
{
	struct proc_inode *pi = proc_i(inode);

	if (pi) {
		kfree(pi->link_buf);
		kfree(pi);
	}
	inode->i_private = NULL;
}

static const struct super_operations proc_sops = {
	.evict_inode = proc_evict_inode,
};

/* --- tables ------------------------------------------------------------------ */

int proc_lookup_table(struct inode *dir, struct dentry *dentry, const struct proc_entry *table,
		      size_t nr_entries)
{
	const struct proc_inode *dir_pi = proc_i(dir);

	for (size_t i = 0; i < nr_entries; i++) {
		const struct proc_entry *entry = &table[i];
		struct proc_ctx ctx = dir_pi->ctx;
		struct inode *inode;

		if (strlen(entry->name) != dentry->d_name_len ||
		    memcmp(entry->name, dentry->d_name, dentry->d_name_len))
			continue;
		ctx.fd = -1;
		inode = proc_make_inode(dir->i_sb, entry, &ctx);
		if (!inode)
			return -ENOMEM;
		d_instantiate(dentry, inode);
		return 0;
	}
	return 0; /* negative: no such entry */
}

uint64_t proc_fake_ino(int pid, unsigned int index)
{
	return ((uint64_t)(unsigned int)pid << 16) + index + 0x100000000ull;
}

static unsigned int dirent_type(uint32_t mode)
{
	return (mode & S_IFMT) >> 12;
}

bool proc_iterate_table(struct file *file, struct dir_context *ctx, const struct proc_entry *table,
			size_t nr_entries)
{
	struct dentry *dentry = file->f_path.dentry;
	const struct proc_inode *pi = proc_i(file->f_inode);

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, file->f_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		/* The parent's inode is pinned by the child dentry. */
		if (!ctx->emit(ctx, "..", 2, dentry->d_parent->d_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 2;
	}
	for (; ctx->pos >= 2 && (uint64_t)(ctx->pos - 2) < nr_entries; ctx->pos++) {
		const struct proc_entry *entry = &table[ctx->pos - 2];

		if (!ctx->emit(ctx, entry->name, strlen(entry->name),
			       proc_fake_ino(pi->ctx.pid, (unsigned int)ctx->pos),
			       dirent_type(entry->mode)))
			return false;
	}
	return true;
}

static int proc_table_dir_lookup(struct inode *dir, struct dentry *dentry)
{
	const struct proc_entry *entry = proc_i(dir)->entry;

	return proc_lookup_table(dir, dentry, entry->children, entry->nr_children);
}

static int proc_table_dir_iterate(struct file *file, struct dir_context *ctx)
{
	const struct proc_entry *entry = proc_i(file->f_inode)->entry;

	proc_iterate_table(file, ctx, entry->children, entry->nr_children);
	return 0;
}

const struct inode_operations proc_table_dir_iops = {
	.lookup = proc_table_dir_lookup,
};

const struct file_operations proc_table_dir_fops = {
	.iterate = proc_table_dir_iterate,
};

int proc_name_to_number(const char *name, size_t len)
{
	int value = 0;

	if (!len || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		value = value * 10 + (name[i] - '0');
	}
	return value;
}

/* --- the file system ------------------------------------------------------- */

static int proc_fs_fill_super(struct super_block *sb, const char *data)
{
	(void)data;
	sb->s_op = &proc_sops;
	sb->s_d_op = &proc_dentry_ops;
	return proc_fill_super(sb);
}

static struct file_system_type proc_fs_type = {
	.name = "proc",
	.fill_super = proc_fs_fill_super,
};

int proc_fs_init(void)
{
	return register_filesystem(&proc_fs_type);
}
