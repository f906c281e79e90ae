/* The dentry cache: names to inodes, hashed by (parent, name), with negative
 * entries for names known to be absent and an LRU of unused entries that
 * dcache_shrink() frees under memory pressure. All under vfs_lock. */
#include <vitro/errno.h>
#include <vitro/shrinker.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "internal.h"

#define DCACHE_HASH_BITS 8
#define DCACHE_HASH_SIZE (1u << DCACHE_HASH_BITS)

struct spinlock vfs_lock = SPINLOCK_INIT;
struct vfs_stats vfs_counters;

static struct list_head dentry_hashtable[DCACHE_HASH_SIZE];
static LIST_HEAD_DECLARE(dentry_lru);

static unsigned long dcache_count_unused(struct shrinker *shrinker)
{
	(void)shrinker;
	return (unsigned long)READ_ONCE(vfs_counters.nr_unused);
}

static unsigned long dcache_scan_unused(struct shrinker *shrinker, unsigned long nr)
{
	(void)shrinker;
	return dcache_shrink(nr);
}

/* Unused dentries (and the inodes only they hold) are a cache the kernel
 * gives back when an allocation that may wait finds no memory. */
static struct shrinker dcache_shrinker = {
	.name = "dcache",
	.count_objects = dcache_count_unused,
	.scan_objects = dcache_scan_unused,
};

void dcache_init(void)
{
	static bool shrinker_registered;

	vfs_counters = (struct vfs_stats){ 0 };
	for (unsigned int i = 0; i < DCACHE_HASH_SIZE; i++)
		list_init(&dentry_hashtable[i]);
	list_init(&dentry_lru);
	/* Tests start the VFS again and again; the shrinker stays. */
	if (!shrinker_registered) {
		register_shrinker(&dcache_shrinker);
		shrinker_registered = true;
	}
}

static uint32_t d_name_hash(const struct dentry *parent, const char *name, size_t len)
{
	/* FNV-1a over the name, seeded with the parent so that equal names in
	 * different directories spread. */
	uint32_t hash = 2166136261u ^ (uint32_t)((uintptr_t)parent >> 4);

	for (size_t i = 0; i < len; i++)
		hash = (hash ^ (uint8_t)name[i]) * 16777619u;
	return hash;
}

static struct list_head *d_bucket(uint32_t hash)
{
	return &dentry_hashtable[(hash ^ (hash >> DCACHE_HASH_BITS)) & (DCACHE_HASH_SIZE - 1)];
}

static void lru_del(struct dentry *dentry)
{
	if (dentry->d_flags & DCACHE_LRU) {
		list_del(&dentry->d_lru);
		dentry->d_flags &= ~DCACHE_LRU;
		vfs_counters.nr_unused--;
	}
}

struct dentry *dget(struct dentry *dentry)
{
	if (dentry->d_count++ == 0)
		lru_del(dentry);
	return dentry;
}

static int d_set_name(struct dentry *dentry, const char *name, size_t len)
{
	char *buf = dentry->d_iname;

	if (len >= DNAME_INLINE_LEN) {
		buf = kmalloc(len + 1, VFS_GFP);
		if (!buf)
			return -ENOMEM;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (dentry->d_name != dentry->d_iname && dentry->d_name)
		kfree(dentry->d_name);
	dentry->d_name = buf;
	dentry->d_name_len = len;
	return 0;
}

static struct dentry *d_alloc_common(struct super_block *sb)
{
	struct dentry *dentry = kzalloc(sizeof(*dentry), VFS_GFP);

	if (!dentry)
		return NULL;
	dentry->d_count = 1;
	dentry->d_sb = sb;
	dentry->d_op = sb->s_d_op;
	dentry->d_parent = dentry;
	list_init(&dentry->d_subdirs);
	list_init(&dentry->d_child);
	vfs_counters.nr_dentries++;
	vfs_counters.nr_negative++;
	return dentry;
}

static void d_hash_add(struct dentry *dentry)
{
	dentry->d_hash = d_name_hash(dentry->d_parent, dentry->d_name, dentry->d_name_len);
	list_add(&dentry->d_hash_link, d_bucket(dentry->d_hash));
	dentry->d_flags |= DCACHE_HASHED;
}

/* A new hashed, negative child of parent, referenced once. */
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *dentry = d_alloc_common(parent->d_sb);

	if (!dentry)
		return NULL;
	if (d_set_name(dentry, name, len)) {
		vfs_counters.nr_dentries--;
		vfs_counters.nr_negative--;
		kfree(dentry);
		return NULL;
	}
	dentry->d_parent = dget(parent);
	list_add_tail(&dentry->d_child, &parent->d_subdirs);
	d_hash_add(dentry);
	return dentry;
}

struct dentry *d_make_root(struct inode *inode)
{
	struct dentry *dentry = d_alloc_common(inode->i_sb);

	if (!dentry) {
		iput(inode);
		return NULL;
	}
	d_set_name(dentry, "/", 1);
	d_instantiate(dentry, inode);
	return dentry;
}

/* Takes over the caller's reference to inode. */
void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	dentry->d_inode = inode;
	vfs_counters.nr_negative--;
}

void d_pin(struct dentry *dentry)
{
	dget(dentry);
	dentry->d_flags |= DCACHE_PINNED;
}

void d_unpin(struct dentry *dentry)
{
	if (dentry->d_flags & DCACHE_PINNED) {
		dentry->d_flags &= ~DCACHE_PINNED;
		dput(dentry);
	}
}

struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len)
{
	uint32_t hash = d_name_hash(parent, name, len);
	struct dentry *dentry;

	list_for_each_entry(dentry, d_bucket(hash), d_hash_link) {
		if (dentry->d_hash == hash && dentry->d_parent == parent &&
		    dentry->d_name_len == len && !memcmp(dentry->d_name, name, len))
			return dget(dentry);
	}
	return NULL;
}

/* Unhashes dentry: later lookups miss it, and it dies with its last
 * reference instead of waiting on the LRU. */
void d_drop(struct dentry *dentry)
{
	if (dentry->d_flags & DCACHE_HASHED) {
		list_del(&dentry->d_hash_link);
		dentry->d_flags &= ~DCACHE_HASHED;
	}
}

/* Frees an unreferenced dentry; returns its parent, whose reference the
 * caller must now drop (NULL for a root). */
static struct dentry *d_kill(struct dentry *dentry)
{
	struct dentry *parent = dentry->d_parent;

	lru_del(dentry);
	d_drop(dentry);
	if (parent != dentry)
		list_del(&dentry->d_child);
	if (dentry->d_inode)
		iput(dentry->d_inode);
	else
		vfs_counters.nr_negative--;
	if (dentry->d_name != dentry->d_iname)
		kfree(dentry->d_name);
	kfree(dentry);
	vfs_counters.nr_dentries--;
	return parent == dentry ? NULL : parent;
}

/* Iterative, so a deep chain of dying parents does not recurse. */
void dput(struct dentry *dentry)
{
	while (dentry) {
		if (--dentry->d_count > 0)
			return;
		if (dentry->d_op && dentry->d_op->d_delete && dentry->d_op->d_delete(dentry))
			d_drop(dentry);
		if (dentry->d_flags & DCACHE_HASHED) {
			/* Kept for the next lookup until memory is short. */
			list_add_tail(&dentry->d_lru, &dentry_lru);
			dentry->d_flags |= DCACHE_LRU;
			vfs_counters.nr_unused++;
			return;
		}
		dentry = d_kill(dentry);
	}
}

/* Renames dentry in place. long_name is a kmalloc'd copy of name when it is
 * too long for d_iname (allocated before the file system changed anything,
 * so this cannot fail), else NULL. */
void d_move(struct dentry *dentry, struct dentry *new_parent, const char *name, size_t len,
	    char *long_name)
{
	struct dentry *old_parent = dentry->d_parent;
	char *buf = long_name ? long_name : dentry->d_iname;

	memmove(buf, name, len);
	buf[len] = '\0';
	if (dentry->d_name != dentry->d_iname)
		kfree(dentry->d_name);
	dentry->d_name = buf;
	dentry->d_name_len = len;
	d_drop(dentry);
	list_del(&dentry->d_child);
	dentry->d_parent = dget(new_parent);
	list_add_tail(&dentry->d_child, &new_parent->d_subdirs);
	d_hash_add(dentry);
	dput(old_parent);
}

/* Frees the unused (negative) children of a directory that was removed, so
 * they do not wait for the shrinker. */
void d_prune_children(struct dentry *dir)
{
	struct dentry *child, *next;

	list_for_each_entry_safe(child, next, &dir->d_subdirs, d_child) {
		if (child->d_count == 0) {
			d_kill(child);
			dir->d_count--; /* the child's reference; the caller holds another */
		}
	}
}

bool d_is_ancestor(const struct dentry *ancestor, const struct dentry *dentry)
{
	for (;;) {
		if (dentry == ancestor)
			return true;
		if (dentry->d_parent == dentry)
			return false;
		dentry = dentry->d_parent;
	}
}

static unsigned long shrink_lru(struct super_block *sb, unsigned long nr)
{
	unsigned long freed = 0, freed_before;

	/* Killing a dentry drops its parent, which may join the LRU's tail but
	 * was not on it, so next stays valid; a parent queued after the pass's
	 * end is taken by the next pass. */
	do {
		struct dentry *dentry, *next;

		freed_before = freed;
		list_for_each_entry_safe(dentry, next, &dentry_lru, d_lru) {
			struct dentry *parent;

			if (freed >= nr)
				break;
			if (sb && dentry->d_sb != sb)
				continue;
			parent = d_kill(dentry);
			if (parent)
				dput(parent);
			freed++;
		}
	} while (freed != freed_before && freed < nr);
	return freed;
}

unsigned long dcache_shrink(unsigned long nr)
{
	unsigned long freed;

	spin_lock(&vfs_lock);
	freed = shrink_lru(NULL, nr);
	spin_unlock(&vfs_lock);
	return freed;
}

/* Unmount: every unused dentry of sb goes. */
void shrink_dcache_sb(struct super_block *sb)
{
	shrink_lru(sb, ~0ul);
}

void vfs_get_stats(struct vfs_stats *stats)
{
	spin_lock(&vfs_lock);
	*stats = vfs_counters;
	spin_unlock(&vfs_lock);
}
