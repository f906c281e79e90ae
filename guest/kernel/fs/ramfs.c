/* ramfs and tmpfs: a file system that is only the dentry cache. Every
 * positive dentry is pinned, so the cache is the directory tree; file data
 * lives in page-sized kmalloc'd chunks, with holes read as zeros. tmpfs is
 * the same with Linux's limits: size= (pages of data, half the RAM unless
 * given) and nr_inodes=, ENOSPC past them, and statfs reporting them; ramfs
 * has none, as Linux's. Metadata changes run under vfs_lock (the VFS holds
 * it); data I/O and readdir take it themselves. */
#include <linux/magic.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "internal.h"

#define RAMFS_CHUNK_SIZE PAGE_SIZE
/* Bounds the chunk table (8 MiB of pointers at most). */
#define RAMFS_MAX_BYTES ((int64_t)1 << 32)

/* A regular file's data: chunk i holds bytes [i * CHUNK, (i + 1) * CHUNK);
 * NULL is a hole. Bytes past i_size inside a chunk are kept zero, so growing
 * the size needs no clearing. */
struct ramfs_data {
	uint8_t **chunks;
	size_t nr_chunks; /* entries in the table */
	size_t nr_allocated;
};

/* The super block's limits and use (s_fs_info), under vfs_lock. */
struct ramfs_sb_info {
	bool is_limited; /* tmpfs */
	uint64_t max_blocks, used_blocks; /* data pages */
	uint64_t max_inodes, used_inodes;
};

static struct ramfs_sb_info *ramfs_sb(const struct super_block *sb)
{
	return sb->s_fs_info;
}

/* One more data page, if the limit allows. */
static bool ramfs_charge_block(struct super_block *sb)
{
	struct ramfs_sb_info *sbi = ramfs_sb(sb);

	if (sbi->is_limited && sbi->used_blocks >= sbi->max_blocks)
		return false;
	sbi->used_blocks++;
	return true;
}

static void ramfs_uncharge_blocks(struct super_block *sb, uint64_t n)
{
	ramfs_sb(sb)->used_blocks -= n;
}

static const struct inode_operations ramfs_dir_iops;
static const struct inode_operations ramfs_file_iops;
static const struct inode_operations ramfs_symlink_iops;
static const struct file_operations ramfs_dir_fops;
static const struct file_operations ramfs_file_fops;
static const struct inode_operations ramfs_special_iops;

/* NULL when out of memory, or of inodes (*err says which). */
static struct inode *ramfs_get_inode(struct super_block *sb, uint32_t mode, vfs_dev_t dev, int *err)
{
	struct ramfs_sb_info *sbi = ramfs_sb(sb);
	struct inode *inode;

	*err = -ENOSPC;
	if (sbi->is_limited && sbi->used_inodes >= sbi->max_inodes)
		return NULL;
	*err = -ENOMEM;
	inode = new_inode(sb, mode);
	if (!inode)
		return NULL;
	sbi->used_inodes++;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &ramfs_dir_iops;
		inode->i_fop = &ramfs_dir_fops;
		inode->i_nlink = 2; /* its "." too */
		break;
	case S_IFREG:
		inode->i_op = &ramfs_file_iops;
		inode->i_fop = &ramfs_file_fops;
		break;
	case S_IFLNK:
		inode->i_op = &ramfs_symlink_iops;
		break;
	default:
		inode->i_op = &ramfs_special_iops;
		init_special_inode(inode, mode, dev);
		break;
	}
	return inode;
}

static void dir_touch(struct inode *dir)
{
	dir->i_mtime = dir->i_ctime = vfs_now();
}

/* Everything is in the dcache: a miss is a real "not found". */
static int ramfs_lookup(struct inode *dir, struct dentry *dentry)
{
	(void)dir;
	(void)dentry;
	return 0;
}

static void ramfs_instantiate(struct inode *dir, struct dentry *dentry, struct inode *inode)
{
	d_instantiate(dentry, inode);
	d_pin(dentry);
	dir_touch(dir);
}

static int ramfs_mknod(struct inode *dir, struct dentry *dentry, uint32_t mode, vfs_dev_t dev)
{
	int err;
	struct inode *inode = ramfs_get_inode(dir->i_sb, mode, dev, &err);

	if (!inode)
		return err;
	ramfs_instantiate(dir, dentry, inode);
	return 0;
}

static int ramfs_create(struct inode *dir, struct dentry *dentry, uint32_t mode)
{
	return ramfs_mknod(dir, dentry, mode, 0);
}

static int ramfs_mkdir(struct inode *dir, struct dentry *dentry, uint32_t mode)
{
	int err = ramfs_mknod(dir, dentry, mode, 0);

	if (!err)
		dir->i_nlink++; /* the new directory's ".." */
	return err;
}

static int ramfs_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode;
	char *body = kmalloc(len + 1, VFS_GFP);
	int err;

	if (!body)
		return -ENOMEM;
	inode = ramfs_get_inode(dir->i_sb, S_IFLNK | 0777, 0, &err);
	if (!inode) {
		kfree(body);
		return err;
	}
	memcpy(body, target, len + 1);
	inode->i_private = body;
	inode->i_size = (int64_t)len;
	ramfs_instantiate(dir, dentry, inode);
	return 0;
}

static int ramfs_link(struct dentry *old, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = old->d_inode;

	inode->i_nlink++;
	inode->i_ctime = vfs_now();
	ramfs_instantiate(dir, dentry, igrab(inode));
	return 0;
}

static int ramfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	inode->i_nlink--;
	inode->i_ctime = vfs_now();
	dir_touch(dir);
	d_unpin(dentry);
	return 0;
}

static bool ramfs_is_empty(const struct dentry *dentry)
{
	const struct dentry *child;

	list_for_each_entry(child, &dentry->d_subdirs, d_child) {
		if (child->d_inode)
			return false;
	}
	return true;
}

static int ramfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!ramfs_is_empty(dentry))
		return -ENOTEMPTY;
	dentry->d_inode->i_nlink = 0;
	dir->i_nlink--;
	dir_touch(dir);
	d_unpin(dentry);
	return 0;
}

static int ramfs_rename(struct inode *old_dir, struct dentry *old, struct inode *new_dir,
			struct dentry *new)
{
	bool is_dir = S_ISDIR(old->d_inode->i_mode);
	int err;

	if (new->d_inode) {
		err = is_dir ? ramfs_rmdir(new_dir, new) : ramfs_unlink(new_dir, new);
		if (err)
			return err;
	}
	if (is_dir) {
		old_dir->i_nlink--;
		new_dir->i_nlink++;
	}
	dir_touch(old_dir);
	dir_touch(new_dir);
	old->d_inode->i_ctime = vfs_now();
	return 0;
}

static const char *ramfs_get_link(struct inode *inode)
{
	return inode->i_private;
}

static void ramfs_free_chunks(struct super_block *sb, struct ramfs_data *data, size_t from)
{
	uint64_t freed = 0;

	for (size_t i = from; i < data->nr_chunks; i++) {
		if (data->chunks[i]) {
			kfree(data->chunks[i]);
			data->chunks[i] = NULL;
			data->nr_allocated--;
			freed++;
		}
	}
	ramfs_uncharge_blocks(sb, freed);
}

static void ramfs_update_blocks(struct inode *inode)
{
	struct ramfs_data *data = inode->i_private;

	inode->i_blocks = data ? data->nr_allocated * (RAMFS_CHUNK_SIZE / 512) : 0;
}

static int ramfs_truncate(struct inode *inode, int64_t size)
{
	struct ramfs_data *data = inode->i_private;

	if (size > RAMFS_MAX_BYTES)
		return -EFBIG;
	if (data && size < inode->i_size) {
		size_t keep = (size_t)((size + RAMFS_CHUNK_SIZE - 1) / RAMFS_CHUNK_SIZE);
		size_t tail = (size_t)size % RAMFS_CHUNK_SIZE;

		ramfs_free_chunks(inode->i_sb, data, keep);
		/* Keep bytes past the size zero (see struct ramfs_data). */
		if (tail && keep <= data->nr_chunks && data->chunks[keep - 1])
			memset(data->chunks[keep - 1] + tail, 0, RAMFS_CHUNK_SIZE - tail);
	}
	inode->i_size = size;
	inode->i_mtime = inode->i_ctime = vfs_now();
	ramfs_update_blocks(inode);
	return 0;
}

static long ramfs_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	struct inode *inode = file->f_inode;
	struct ramfs_data *data;
	size_t done = 0;

	spin_lock(&vfs_lock);
	data = inode->i_private;
	if (*pos < inode->i_size && count > (size_t)(inode->i_size - *pos))
		count = (size_t)(inode->i_size - *pos);
	else if (*pos >= inode->i_size)
		count = 0;
	while (done < count) {
		uint64_t offset = (uint64_t)*pos + done;
		size_t index = offset / RAMFS_CHUNK_SIZE;
		size_t in_chunk = offset % RAMFS_CHUNK_SIZE;
		size_t n = RAMFS_CHUNK_SIZE - in_chunk;

		if (n > count - done)
			n = count - done;
		if (data && index < data->nr_chunks && data->chunks[index])
			memcpy((uint8_t *)buf + done, data->chunks[index] + in_chunk, n);
		else
			memset((uint8_t *)buf + done, 0, n);
		done += n;
	}
	*pos += (int64_t)done;
	file_accessed(file);
	spin_unlock(&vfs_lock);
	return (long)done;
}

static int ramfs_grow_table(struct ramfs_data *data, size_t nr_needed)
{
	size_t nr = data->nr_chunks ? data->nr_chunks : 4;
	uint8_t **chunks;

	if (nr_needed <= data->nr_chunks)
		return 0;
	while (nr < nr_needed)
		nr *= 2;
	chunks = krealloc(data->chunks, nr * sizeof(*chunks), VFS_GFP);
	if (!chunks)
		return -ENOMEM;
	memset(chunks + data->nr_chunks, 0, (nr - data->nr_chunks) * sizeof(*chunks));
	data->chunks = chunks;
	data->nr_chunks = nr;
	return 0;
}

static long ramfs_write_locked(struct inode *inode, const void *buf, size_t count, int64_t pos)
{
	struct ramfs_data *data = inode->i_private;
	size_t done = 0;
	int err;

	if (pos >= RAMFS_MAX_BYTES)
		return -EFBIG;
	if (count > (size_t)(RAMFS_MAX_BYTES - pos))
		count = (size_t)(RAMFS_MAX_BYTES - pos);
	if (count == 0)
		return 0;
	if (!data) {
		data = kzalloc(sizeof(*data), VFS_GFP);
		if (!data)
			return -ENOMEM;
		inode->i_private = data;
	}
	err = ramfs_grow_table(data, (size_t)((pos + count - 1) / RAMFS_CHUNK_SIZE) + 1);
	if (err)
		return err;
	while (done < count) {
		uint64_t offset = (uint64_t)pos + done;
		size_t index = offset / RAMFS_CHUNK_SIZE;
		size_t in_chunk = offset % RAMFS_CHUNK_SIZE;
		size_t n = RAMFS_CHUNK_SIZE - in_chunk;

		if (n > count - done)
			n = count - done;
		if (!data->chunks[index]) {
			uint8_t *chunk;

			if (!ramfs_charge_block(inode->i_sb)) {
				err = -ENOSPC;
				break;
			}
			chunk = kmalloc(RAMFS_CHUNK_SIZE, VFS_GFP);
			if (!chunk) {
				ramfs_uncharge_blocks(inode->i_sb, 1);
				err = -ENOMEM;
				break;
			}
			/* Zeros only where this write does not land: every
			 * byte costs where ring 0 is emulated. */
			memset(chunk, 0, in_chunk);
			memset(chunk + in_chunk + n, 0, RAMFS_CHUNK_SIZE - in_chunk - n);
			data->chunks[index] = chunk;
			data->nr_allocated++;
		}
		memcpy(data->chunks[index] + in_chunk, (const uint8_t *)buf + done, n);
		done += n;
	}
	if (done == 0)
		return err;
	if (pos + (int64_t)done > inode->i_size)
		inode->i_size = pos + (int64_t)done;
	inode->i_mtime = inode->i_ctime = vfs_now();
	ramfs_update_blocks(inode);
	return (long)done;
}

/* The copy runs under vfs_lock: buf must be kernel memory that cannot
 * fault (the syscall layer copies user data in first). */
static long ramfs_write(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	struct inode *inode = file->f_inode;
	long written;

	spin_lock(&vfs_lock);
	/* O_APPEND: the end is found under the same lock as the write. */
	if (file->f_flags & O_APPEND)
		*pos = inode->i_size;
	written = ramfs_write_locked(inode, buf, count, *pos);
	if (written > 0)
		*pos += written;
	spin_unlock(&vfs_lock);
	return written;
}

static unsigned int dirent_type(uint32_t mode)
{
	return (mode & S_IFMT) >> 12;
}

/* Position 0 is ".", 1 is "..", n + 2 the n-th positive child. An entry
 * removed between two calls shifts the later ones down, so one may be
 * skipped (Linux keeps a cursor dentry in the list instead). */
static int ramfs_iterate(struct file *file, struct dir_context *ctx)
{
	struct dentry *dentry = file->f_path.dentry;
	struct dentry *child;
	int64_t index = 2;

	spin_lock(&vfs_lock);
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dentry->d_inode->i_ino, DT_DIR))
			goto out;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, dentry->d_parent->d_inode->i_ino, DT_DIR))
			goto out;
		ctx->pos = 2;
	}
	list_for_each_entry(child, &dentry->d_subdirs, d_child) {
		if (!child->d_inode)
			continue;
		if (index++ < ctx->pos)
			continue;
		if (!ctx->emit(ctx, child->d_name, child->d_name_len, child->d_inode->i_ino,
			       dirent_type(child->d_inode->i_mode)))
			break;
		ctx->pos++;
	}
out:
	spin_unlock(&vfs_lock);
	return 0;
}

static void ramfs_evict_inode(struct inode *inode)
{
	struct ramfs_data *data;

	if (S_ISLNK(inode->i_mode)) {
		kfree(inode->i_private);
	} else if (S_ISREG(inode->i_mode) && (data = inode->i_private)) {
		ramfs_free_chunks(inode->i_sb, data, 0);
		kfree(data->chunks);
		kfree(data);
	}
	inode->i_private = NULL;
	ramfs_sb(inode->i_sb)->used_inodes--;
}

/* Drops every pin, pre-order. Unpinned dentries stay hashed (on the LRU)
 * until shrink_dcache_sb(), so the walk's links stay valid. */
static void ramfs_kill_sb(struct super_block *sb)
{
	struct dentry *root = sb->s_root;
	struct dentry *dentry = root;

	for (;;) {
		d_unpin(dentry);
		if (!list_empty(&dentry->d_subdirs)) {
			dentry = list_first_entry(&dentry->d_subdirs, struct dentry, d_child);
			continue;
		}
		while (dentry != root && dentry->d_child.next == &dentry->d_parent->d_subdirs)
			dentry = dentry->d_parent;
		if (dentry == root)
			return;
		dentry = list_entry(dentry->d_child.next, struct dentry, d_child);
	}
}

static void ramfs_statfs(struct super_block *sb, struct kstatfs *st);
static void ramfs_put_super(struct super_block *sb);

static const struct super_operations ramfs_sops = {
	.evict_inode = ramfs_evict_inode,
	.kill_sb = ramfs_kill_sb,
	.statfs = ramfs_statfs,
	.put_super = ramfs_put_super,
};

static const struct inode_operations ramfs_dir_iops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.mkdir = ramfs_mkdir,
	.mknod = ramfs_mknod,
	.symlink = ramfs_symlink,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rmdir = ramfs_rmdir,
	.rename = ramfs_rename,
};

static const struct inode_operations ramfs_file_iops = {
	.truncate = ramfs_truncate,
};

static const struct inode_operations ramfs_symlink_iops = {
	.get_link = ramfs_get_link,
};

static const struct inode_operations ramfs_special_iops = { 0 };

static const struct file_operations ramfs_dir_fops = {
	.iterate = ramfs_iterate,
};

static const struct file_operations ramfs_file_fops = {
	.read = ramfs_read,
	.write = ramfs_write,
};

static void ramfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	const struct ramfs_sb_info *sbi = ramfs_sb(sb);

	if (!sbi->is_limited)
		return; /* ramfs: no sizes, as Linux's simple_statfs */
	st->blocks = sbi->max_blocks;
	st->bfree = st->bavail = sbi->max_blocks - sbi->used_blocks;
	st->files = sbi->max_inodes;
	st->ffree = sbi->max_inodes - sbi->used_inodes;
}

static void ramfs_put_super(struct super_block *sb)
{
	kfree(sb->s_fs_info);
	sb->s_fs_info = NULL;
}

/* A number with an optional k, m or g (Linux's memparse); for size= also
 * a percentage of the RAM. False if it is not one. */
static bool parse_size(const char *s, size_t len, bool allow_percent, uint64_t *bytes)
{
	uint64_t n = 0, total_pages;
	size_t i = 0;
	struct page_alloc_stats stats;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (!i)
		return false;
	if (i == len) {
		*bytes = n;
		return true;
	}
	if (i + 1 != len)
		return false;
	switch (s[i]) {
	case 'k':
	case 'K':
		n = n > UINT64_MAX >> 10 ? UINT64_MAX : n << 10;
		break;
	case 'm':
	case 'M':
		n = n > UINT64_MAX >> 20 ? UINT64_MAX : n << 20;
		break;
	case 'g':
	case 'G':
		n = n > UINT64_MAX >> 30 ? UINT64_MAX : n << 30;
		break;
	case '%':
		if (!allow_percent || n > 100)
			return false;
		page_alloc_get_stats(&stats);
		total_pages = stats.managed_pages;
		n = total_pages * n / 100 * PAGE_SIZE;
		break;
	default:
		return false;
	}
	*bytes = n;
	return true;
}

static bool parse_unsigned(const char *s, size_t len, unsigned int base, uint32_t *value)
{
	uint64_t v = 0;

	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned int digit = (unsigned int)(s[i] - '0');

		if (digit >= base || v > UINT32_MAX / base)
			return false;
		v = v * base + digit;
	}
	*value = (uint32_t)v;
	return true;
}

/* mount -o: mode=, uid=, gid= of the root for both; size= and nr_inodes=
 * for tmpfs, which refuses what it does not know (EINVAL), as Linux's. ramfs
 * ignores the rest, as Linux's. */
static int ramfs_parse_options(struct super_block *sb, const char *data, struct inode *root)
{
	struct ramfs_sb_info *sbi = ramfs_sb(sb);

	while (data && *data) {
		const char *end = strchr(data, ',');
		size_t len = end ? (size_t)(end - data) : strlen(data);
		const char *eq = memchr(data, '=', len);
		size_t klen = eq ? (size_t)(eq - data) : len;
		const char *v = eq ? eq + 1 : data + len;
		size_t vlen = len - klen - (eq ? 1 : 0);
		uint64_t bytes;
		uint32_t n;
		bool ok = true, known = true;

		if (klen == 4 && !strncmp(data, "mode", 4)) {
			ok = parse_unsigned(v, vlen, 8, &n) && n <= 07777;
			if (ok)
				root->i_mode = (root->i_mode & S_IFMT) | n;
		} else if (klen == 3 && !strncmp(data, "uid", 3)) {
			ok = parse_unsigned(v, vlen, 10, &root->i_uid);
		} else if (klen == 3 && !strncmp(data, "gid", 3)) {
			ok = parse_unsigned(v, vlen, 10, &root->i_gid);
		} else if (sbi->is_limited && klen == 4 && !strncmp(data, "size", 4)) {
			ok = parse_size(v, vlen, true, &bytes);
			sbi->max_blocks = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
		} else if (sbi->is_limited && klen == 9 && !strncmp(data, "nr_inodes", 9)) {
			ok = parse_size(v, vlen, false, &bytes);
			sbi->max_inodes = bytes;
		} else {
			known = false;
		}
		if (!ok || (!known && sbi->is_limited && len))
			return -EINVAL;
		data = end ? end + 1 : data + len;
	}
	return 0;
}

static int ramfs_fill_super(struct super_block *sb, const char *data)
{
	struct ramfs_sb_info *sbi = kzalloc(sizeof(*sbi), VFS_GFP);
	struct page_alloc_stats stats;
	struct inode *root;
	int err;

	if (!sbi)
		return -ENOMEM;
	sb->s_fs_info = sbi;
	sb->s_op = &ramfs_sops;
	sb->s_magic = strcmp(sb->s_type->name, "tmpfs") ? RAMFS_MAGIC : TMPFS_MAGIC;
	sb->s_maxbytes = RAMFS_MAX_BYTES;
	if (sb->s_magic == TMPFS_MAGIC) {
		/* Linux's defaults: half the RAM, and as many inodes. */
		page_alloc_get_stats(&stats);
		sbi->is_limited = true;
		sbi->max_blocks = stats.managed_pages / 2;
		sbi->max_inodes = stats.managed_pages / 2;
	}
	root = ramfs_get_inode(sb, S_IFDIR | (sbi->is_limited ? 01777 : 0755), 0, &err);
	if (!root)
		goto fail;
	err = ramfs_parse_options(sb, data, root);
	if (err) {
		iput(root);
		goto fail;
	}
	sb->s_root = d_make_root(root);
	if (sb->s_root)
		return 0;
	err = -ENOMEM;
fail:
	kfree(sbi);
	sb->s_fs_info = NULL;
	return err;
}

static struct file_system_type ramfs_type = { .name = "ramfs", .fill_super = ramfs_fill_super };
static struct file_system_type tmpfs_type = { .name = "tmpfs", .fill_super = ramfs_fill_super };

void ramfs_register(void)
{
	register_filesystem(&ramfs_type);
	register_filesystem(&tmpfs_type);
}
