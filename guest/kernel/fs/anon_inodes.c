/* See vitro/anon_inodes.h. fstat on such a file shows the shared inode:
 * mode 0600 with no file type bits, as on Linux. */
#include <linux/magic.h>
#include <vitro/anon_inodes.h>
#include <vitro/errno.h>

#include "internal.h"

static struct vfsmount *anon_mnt;
static struct dentry *anon_dentry; /* the shared inode's, held for good */

static const struct super_operations anon_sops;

static int anon_fill_super(struct super_block *sb, const char *data)
{
	struct inode *root = new_inode(sb, S_IFDIR | 0700);

	(void)data;
	sb->s_op = &anon_sops;
	sb->s_magic = ANON_INODE_FS_MAGIC;
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct file_system_type anon_type = { .name = "anon_inodefs",
					     .fill_super = anon_fill_super };

int anon_inodes_init(void)
{
	struct inode *inode;

	register_filesystem(&anon_type);
	anon_dentry = NULL;
	anon_mnt = kern_mount("anon_inodefs");
	if (!anon_mnt)
		return -ENOMEM;
	spin_lock(&vfs_lock);
	inode = new_inode(anon_mnt->mnt_sb, 0600);
	if (inode)
		anon_dentry = d_make_root(inode);
	spin_unlock(&vfs_lock);
	return anon_dentry ? 0 : -ENOMEM;
}

struct file *anon_inode_getfile(const struct file_operations *fops, void *private_data,
				unsigned int flags)
{
	struct path path = { .mnt = anon_mnt, .dentry = anon_dentry };
	struct file *file;

	if (!anon_dentry)
		return NULL;
	file = alloc_file(&path, O_RDWR | (flags & O_NONBLOCK), FMODE_READ | FMODE_WRITE, fops);
	if (file)
		file->private_data = private_data;
	return file;
}
