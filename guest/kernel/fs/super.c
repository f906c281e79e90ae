/* File system types and super blocks: the registry vfs_mount() looks names
 * up in, and a super block's life from the first mount to the last unmount. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "internal.h"

static LIST_HEAD_DECLARE(file_systems);
static unsigned int next_anon_dev = 1;

int register_filesystem(struct file_system_type *type)
{
	int err = 0;

	spin_lock(&vfs_lock);
	if (find_filesystem(type->name))
		err = -EBUSY;
	else
		list_add_tail(&type->list, &file_systems);
	spin_unlock(&vfs_lock);
	return err;
}

struct file_system_type *find_filesystem(const char *name)
{
	struct file_system_type *type;

	list_for_each_entry(type, &file_systems, list) {
		if (!strcmp(type->name, name))
			return type;
	}
	return NULL;
}

void filesystems_for_each(void (*fn)(const char *name, void *arg), void *arg)
{
	struct file_system_type *type;

	spin_lock(&vfs_lock);
	list_for_each_entry(type, &file_systems, list)
		fn(type->name, arg);
	spin_unlock(&vfs_lock);
}

/* A new super block of type, filled and active once. */
int sget_fill(struct file_system_type *type, const char *data, struct super_block **result)
{
	struct super_block *sb = kzalloc(sizeof(*sb), VFS_GFP);
	int err;

	if (!sb)
		return -ENOMEM;
	sb->s_type = type;
	/* Anonymous devices as Linux numbers them: major 0. */
	sb->s_dev = MKDEV(0, next_anon_dev++);
	sb->s_maxbytes = INT64_MAX;
	sb->s_active = 1;
	vfs_counters.nr_superblocks++;
	err = type->fill_super(sb, data);
	if (err) {
		vfs_counters.nr_superblocks--;
		kfree(sb);
		return err;
	}
	*result = sb;
	return 0;
}

void deactivate_super(struct super_block *sb)
{
	if (--sb->s_active > 0)
		return;
	if (sb->s_op && sb->s_op->kill_sb)
		sb->s_op->kill_sb(sb);
	shrink_dcache_sb(sb);
	dput(sb->s_root);
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
	kfree(sb);
	vfs_counters.nr_superblocks--;
}

void vfs_init(void)
{
	dcache_init();
	mnt_init();
	ramfs_register();
	/* The kernel's own mounts, for pipes and anonymous files (epoll),
	 * before any process can ask for one; without them, pipe() and
	 * epoll_create() fail with ENOMEM. */
	pipe_init();
	anon_inodes_init();
}
