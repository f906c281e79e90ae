/* What the VFS files share and nothing outside fs/ may use: the big VFS lock
 * and the helpers that expect it held. */
#ifndef VITRO_FS_INTERNAL_H
#define VITRO_FS_INTERNAL_H

#include <vitro/fs.h>
#include <vitro/mm.h>
#include <vitro/spinlock.h>

/* Allocations happen under vfs_lock, so they may not sleep. */
#define VFS_GFP GFP_ATOMIC

extern struct spinlock vfs_lock;
extern struct vfs_stats vfs_counters;

/* dcache.c */
struct dentry *dget(struct dentry *dentry);
void dput(struct dentry *dentry);
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len);
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len);
void d_drop(struct dentry *dentry);
void d_move(struct dentry *dentry, struct dentry *new_parent, const char *name, size_t len,
	    char *long_name);
void d_prune_children(struct dentry *dir);
bool d_is_ancestor(const struct dentry *ancestor, const struct dentry *dentry);
void shrink_dcache_sb(struct super_block *sb);
void dcache_init(void);

/* inode.c */
struct inode *igrab(struct inode *inode);
void iput(struct inode *inode);
/* A read happened: the access time follows the mount's and file's rules. */
void file_accessed(struct file *file);

/* super.c */
struct file_system_type *find_filesystem(const char *name);
/* Calls fn with each registered type's name, in registration order, under
 * vfs_lock (/proc/filesystems). */
void filesystems_for_each(void (*fn)(const char *name, void *arg), void *arg);
int sget_fill(struct file_system_type *type, const char *data, struct super_block **sb);
void deactivate_super(struct super_block *sb);
void ramfs_register(void);

/* mount.c */
void mnt_init(void);
struct vfsmount *mntget(struct vfsmount *mnt);
void mntput(struct vfsmount *mnt);
/* A mount of fs_type that is in no tree (pipefs): the kernel's own. NULL on error. */
struct vfsmount *kern_mount(const char *fs_type);
struct vfsmount *lookup_mnt(struct vfsmount *parent, struct dentry *mountpoint);
void path_get(struct path *path);
void path_put(struct path *path);
void path_set(struct path *dst, const struct path *src);

/* namei.c */
#define LOOKUP_FOLLOW 0x1u /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 0x2u /* the result must be a directory */

enum last_type { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* A path being walked: where the walk is, and the last component that
 * parent lookups leave for the caller. */
struct nameidata {
	struct fs_struct *fs;
	struct path path;
	const char *last;
	size_t last_len;
	enum last_type last_type;
	bool has_trailing_slash;
	unsigned int nr_links; /* symlinks followed so far */
};

int path_lookup(struct fs_struct *fs, const char *name, unsigned int flags, struct path *result);
/* Walks all but the last component; nd->path is the parent (referenced). */
int path_parent(struct fs_struct *fs, const char *name, struct nameidata *nd);
/* Looks the last component up in nd->path (no symlink following, no mount
 * crossing): a referenced, possibly negative, dentry. */
/* Walks name up to its last component, which it leaves in nd. */
int nd_walk_parent(struct nameidata *nd, const char *name);
/* Down through everything mounted on path. */
void follow_mounts_path(struct path *path);
int lookup_last(struct nameidata *nd, struct dentry **result);
int follow_link(struct nameidata *nd, struct inode *link, bool follow_last);
void nd_release(struct nameidata *nd);
int nd_last_component(struct nameidata *nd, unsigned int flags);

/* d_path.c */
/* The name of path as seen from root (NULL: the top of its mount tree),
 * NUL-terminated at buf; *is_reachable is false when the walk up from path
 * never met root (a mount outside root's tree, a kernel-internal mount): the
 * name is then the one from the top of path's own tree. Returns the length
 * or -ENAMETOOLONG. */
long path_format_locked(const struct path *path, const struct path *root, char *buf, size_t size,
			bool *is_reachable);

/* stat.c */
void inode_fill_kstat(const struct inode *inode, struct kstat *stat);

/* open.c: a new file on path (referenced here) with f_count 1. Without
 * vfs_lock; NULL when out of memory. */
struct file *alloc_file(const struct path *path, unsigned int flags, unsigned int mode,
			const struct file_operations *fops);

static inline bool mnt_is_readonly(const struct vfsmount *mnt)
{
	return mnt->mnt_flags & MNT_READONLY;
}

/* eventpoll.c: the file's last reference is going; it leaves every epoll
 * watching it. Without vfs_lock. */
void eventpoll_release(struct file *file);

/* locks.c, without vfs_lock: the file's last reference is going (its OFD
 * locks go), or owner (a descriptor table) closed a descriptor of the file
 * (its POSIX locks on the inode go, as POSIX says). */
void locks_remove_file(struct file *file);
void locks_remove_posix(struct file *file, const void *owner);

/* pipe.c and anon_inodes.c: their kernel mounts, made by vfs_init(). */
int pipe_init(void);
int anon_inodes_init(void);

#endif
