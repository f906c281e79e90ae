/* The virtual file system: Linux-shaped super blocks, inodes, dentries, files
 * and mounts (fs/), and the kernel-side file API the syscall layer will call.
 * Paths are kernel strings; buffers are kernel memory. Builds for the host too.
 *
 * Locking: one spinlock (vfs_lock, fs/internal.h) guards the dentry cache, the
 * mount tree, every reference count and the file systems' metadata; each
 * vfs_* entry point takes it once. File data I/O goes through f_op without it,
 * so a driver's read may sleep; ramfs takes the lock itself for its data.
 * There are no permission checks yet (everything runs as root). */
#ifndef VITRO_FS_H
#define VITRO_FS_H

#include <linux/fcntl.h> /* O_* flags, AT_* */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/list.h>
#include <vitro/spinlock.h>

/* Linux UAPI values. <linux/stat.h> hides these when it sees glibc (host
 * builds), so they are spelled out once here. */
#ifndef S_IFMT
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)
#endif
#define S_IALLUGO 07777

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

/* renameat2 flags (<linux/fs.h>, which says more than the kernel needs). */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)
#endif

/* <linux/limits.h> values; MAXSYMLINKS is Linux's include/linux/namei.h. */
#define NAME_MAX 255
#define PATH_MAX 4096
#define MAXSYMLINKS 40

/* getdents64 d_type: the S_IFMT bits shifted down, as Linux defines them. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* The getdents64 record (Linux's struct linux_dirent64, not in the UAPI
 * headers). Records are 8-byte aligned. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off; /* position of the next record */
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

typedef uint32_t vfs_dev_t; /* Linux's kernel dev_t: major << 20 | minor */
#define MKDEV(major, minor) (((vfs_dev_t)(major) << 20) | (vfs_dev_t)(minor))
#define MAJOR(dev) ((unsigned int)((dev) >> 20))
#define MINOR(dev) ((unsigned int)((dev) & ((1u << 20) - 1)))

struct vfs_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* What stat reports, with Linux's struct kstat fields; the syscall layer
 * packs it into struct stat. */
struct kstat {
	uint64_t ino;
	vfs_dev_t dev;
	vfs_dev_t rdev;
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	int64_t size;
	uint32_t blksize;
	uint64_t blocks; /* 512-byte units */
	struct vfs_timespec atime, mtime, ctime;
};

struct super_block;
struct inode;
struct dentry;
struct file;
struct vfsmount;
struct poll_table; /* poll/select's sleeper, with the syscall layer */

struct kstatfs;
struct path;

struct super_operations {
	/* Frees what the file system hangs off the inode (file data) when the
	 * inode dies; the VFS frees the inode itself. */
	void (*evict_inode)(struct inode *inode);
	/* Last mount gone: drop the file system's own dentry pins. */
	void (*kill_sb)(struct super_block *sb);
	/* Fills in the sizes (blocks, files and what is free of them); without
	 * it statfs reports none, as Linux's simple_statfs. */
	void (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* The super block goes, its inodes gone already: free s_fs_info. */
	void (*put_super)(struct super_block *sb);
};

struct inode_operations {
	/* Fills dentry (d_instantiate) if name exists in dir; leaving it
	 * negative means "no such entry" and is cached. */
	int (*lookup)(struct inode *dir, struct dentry *dentry);
	int (*create)(struct inode *dir, struct dentry *dentry, uint32_t mode);
	int (*mkdir)(struct inode *dir, struct dentry *dentry, uint32_t mode);
	int (*mknod)(struct inode *dir, struct dentry *dentry, uint32_t mode, vfs_dev_t rdev);
	int (*symlink)(struct inode *dir, struct dentry *dentry, const char *target);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *dentry);
	int (*unlink)(struct inode *dir, struct dentry *dentry);
	int (*rmdir)(struct inode *dir, struct dentry *dentry);
	/* new_dentry may be positive (replaced); the VFS then moves the dentry. */
	int (*rename)(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		      struct dentry *new_dentry);
	/* The symlink's target, valid while the inode lives. */
	const char *(*get_link)(struct inode *inode);
	/* A link that is a place rather than a name (Linux's magic links,
	 * /proc/<pid>/fd/N): fills path, with references, and the walk goes
	 * on from there; returns 1 to have get_link's text followed instead.
	 * vfs_lock held. */
	int (*get_link_path)(struct inode *inode, struct path *path);
	int (*truncate)(struct inode *inode, int64_t size);
};

/* getdents: emit() returns false when the buffer is full. */
struct dir_context {
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		     unsigned int type);
	int64_t pos;
};

/* For file systems whose names can change behind the cache (procfs, network
 * file systems later). */
struct dentry_operations {
	/* false: the cached dentry is stale; it is dropped and looked up again. */
	bool (*d_revalidate)(struct dentry *dentry);
	/* true: free the dentry with its last reference instead of caching it. */
	bool (*d_delete)(const struct dentry *dentry);
};

struct file_operations {
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
	long (*read)(struct file *file, void *buf, size_t count, int64_t *pos);
	long (*write)(struct file *file, const void *buf, size_t count, int64_t *pos);
	int (*iterate)(struct file *file, struct dir_context *ctx);
	/* POLL* bits ready now; registers on wait for later wake-ups. */
	unsigned int (*poll)(struct file *file, struct poll_table *wait);
	/* arg is a value, or a kernel pointer to a copy of the user's data for
	 * the commands the ioctl system call knows the layout of (fs/sys_ioctl.c)
	 * and those whose number encodes a direction and a size. */
	long (*ioctl)(struct file *file, unsigned int cmd, unsigned long arg);
	/* For files that are neither regular files, directories nor block
	 * devices: without it they cannot seek or do positional I/O (ESPIPE). */
	int64_t (*llseek)(struct file *file, int64_t offset, int whence);
};

struct file_system_type {
	const char *name;
	/* Sets up sb (s_op, s_root via d_make_root) for a new mount; data is
	 * mount(2)'s option string (NULL: none), for the file system to read.
	 * Runs under vfs_lock. */
	int (*fill_super)(struct super_block *sb, const char *data);
	struct list_head list;
};

struct super_block {
	const struct super_operations *s_op;
	struct file_system_type *s_type;
	struct dentry *s_root;
	const struct dentry_operations *s_d_op; /* for every dentry of the sb */
	vfs_dev_t s_dev;
	uint64_t s_magic; /* statfs f_type, <linux/magic.h> */
	int64_t s_maxbytes;
	uint64_t s_next_ino;
	int s_active; /* mounts of it */
	void *s_fs_info;
};

struct pipe_inode_info;

struct inode {
	uint32_t i_mode;
	uint32_t i_nlink;
	uint32_t i_uid, i_gid;
	vfs_dev_t i_rdev;
	uint64_t i_ino;
	int64_t i_size;
	uint64_t i_blocks;
	struct vfs_timespec i_atime, i_mtime, i_ctime;
	const struct inode_operations *i_op; /* never NULL */
	const struct file_operations *i_fop; /* NULL: cannot be opened */
	struct super_block *i_sb;
	int i_count; /* dentries and open files pinning it, through dentries */
	void *i_private; /* the file system's data (file chunks, link target) */
	struct pipe_inode_info *i_pipe; /* a pipe's, or an open FIFO's (fs/pipe.c) */
	struct list_head i_flock; /* record locks (fs/locks.c), under their own lock */
};

#define DNAME_INLINE_LEN 40

#define DCACHE_PINNED 0x1u /* the file system holds a reference (ramfs) */
#define DCACHE_HASHED 0x2u /* findable by name */
#define DCACHE_LRU 0x4u /* unused, on the LRU */

struct dentry {
	int d_count;
	unsigned int d_flags;
	int d_mounted; /* mounts on this dentry */
	struct dentry *d_parent; /* itself for a file system root */
	const char *d_name;
	size_t d_name_len;
	uint32_t d_hash;
	struct inode *d_inode; /* NULL: negative, caches "not found" */
	struct super_block *d_sb;
	const struct dentry_operations *d_op; /* may be NULL */
	struct list_head d_hash_link;
	struct list_head d_child; /* in d_parent->d_subdirs */
	struct list_head d_subdirs;
	struct list_head d_lru;
	char d_iname[DNAME_INLINE_LEN];
};

/* Mount flags (Linux's MNT_*), from mount(2)'s MS_* flags. */
#define MNT_NOSUID 0x01u
#define MNT_NODEV 0x02u /* device nodes cannot be opened (EACCES) */
#define MNT_NOEXEC 0x04u /* nothing runs from here (EACCES) */
#define MNT_NOATIME 0x08u
#define MNT_NODIRATIME 0x10u
#define MNT_RELATIME 0x20u
#define MNT_READONLY 0x40u /* changes fail with EROFS */

struct vfsmount {
	unsigned int mnt_flags; /* MNT_* */
	struct dentry *mnt_root;
	struct super_block *mnt_sb;
	struct vfsmount *mnt_parent; /* itself for the root of the tree */
	struct dentry *mnt_mountpoint;
	int mnt_count;
	struct list_head mnt_list; /* all mounts */
	struct list_head mnt_mounts; /* children */
	struct list_head mnt_child;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

/* A process's root and working directory (Linux's fs_struct). Processes come
 * later; callers own one and pass it to every path call. */
struct fs_struct {
	struct path root;
	struct path pwd;
	int users; /* tasks sharing it (CLONE_FS) */
	unsigned int umask; /* umask(2): what creations leave out of the mode */
};

#define FMODE_READ 0x1u
#define FMODE_WRITE 0x2u
#define FMODE_PATH 0x4u /* O_PATH: a place, neither read nor written */

struct file {
	struct path f_path;
	struct inode *f_inode;
	const struct file_operations *f_op;
	unsigned int f_flags; /* status flags (F_GETFL): open's, less its creation flags */
	unsigned int f_mode; /* FMODE_* */
	int64_t f_pos;
	int f_count; /* descriptors and others sharing it (under vfs_lock) */
	void *private_data;
	struct list_head f_ep_links; /* epoll items watching it (fs/eventpoll.c) */
};

/* A process's open files by descriptor (Linux's files_struct): the lowest
 * free number first, close-on-exec flags, the RLIMIT_NOFILE limit. Callers
 * own one; sharing it between threads (CLONE_FILES) comes with processes. */
struct files_struct {
	int count; /* tasks sharing it (CLONE_FILES) */
	struct spinlock lock;
	unsigned int nr_slots; /* size of fd[] */
	unsigned int limit; /* descriptors are below this */
	struct file **fd;
	uint64_t *close_on_exec; /* a bit per slot */
};

#define NR_OPEN_DEFAULT 1024 /* Linux's default RLIMIT_NOFILE soft limit */

int files_init(struct files_struct *files);
/* dst gets src's descriptors, sharing the files (fork without CLONE_FILES). */
int files_copy(struct files_struct *dst, struct files_struct *src);
/* Closes every descriptor. */
void files_release(struct files_struct *files);
/* Takes over the caller's reference to file; returns the lowest free
 * descriptor at or above min_fd, or -EMFILE. */
int fd_install(struct files_struct *files, struct file *file, unsigned int min_fd,
	       bool close_on_exec);
/* The file behind fd with a reference the caller drops with vfs_close(),
 * or NULL for a bad descriptor (EBADF). */
struct file *fd_get(struct files_struct *files, int fd);
int fd_close(struct files_struct *files, int fd);
/* F_DUPFD / F_DUPFD_CLOEXEC. */
int fd_dup(struct files_struct *files, int old_fd, unsigned int min_fd, bool close_on_exec);
/* dup2 (new_fd == old_fd returns it) and dup3's flag. */
int fd_dup2(struct files_struct *files, int old_fd, int new_fd, bool close_on_exec);
int fd_get_close_on_exec(struct files_struct *files, int fd);
int fd_set_close_on_exec(struct files_struct *files, int fd, bool close_on_exec);
/* close_range(2): closes the open descriptors from first to last, or only
 * marks them close-on-exec. */
void files_close_range(struct files_struct *files, unsigned int first, unsigned int last,
		       bool only_mark_close_on_exec);
/* execve: closes the descriptors marked close-on-exec. */
void files_close_on_exec(struct files_struct *files);

/* Counters the tests and a future /proc read. */
struct vfs_stats {
	long nr_dentries;
	long nr_negative;
	long nr_unused; /* on the LRU */
	long nr_inodes;
	long nr_mounts;
	long nr_superblocks;
	long nr_files;
	long nr_fs_lookups; /* misses that went to the file system */
};

/* Set-up: the dentry hash table; registers ramfs and tmpfs. */
void vfs_init(void);
int register_filesystem(struct file_system_type *type);
void vfs_get_stats(struct vfs_stats *stats);
/* Where inode times come from (nanoseconds since the epoch); 0 without one. */
void vfs_set_clock(int64_t (*now_ns)(void));

/* Frees up to nr unused dentries (oldest first), and inodes whose last
 * dentry goes; returns how many dentries it freed. The memory-pressure hook;
 * it takes vfs_lock, so reclaim must not call it from an allocation the VFS
 * makes (those are GFP_ATOMIC, which should not reclaim). */
unsigned long dcache_shrink(unsigned long nr);

/* Mounts a new fs_type (with its options, or NULL) as the root of a new
 * mount tree and points fs's root and cwd at it. */
int vfs_mount_root(struct fs_struct *fs, const char *fs_type, const char *data);
void fs_struct_copy(struct fs_struct *dst, const struct fs_struct *src);
void fs_struct_release(struct fs_struct *fs);
int vfs_chdir(struct fs_struct *fs, const char *path);
int vfs_chroot(struct fs_struct *fs, const char *path);
int vfs_mount(struct fs_struct *fs, const char *fs_type, const char *target);
int vfs_umount(struct fs_struct *fs, const char *target);

int vfs_open(struct fs_struct *fs, const char *path, unsigned int flags, uint32_t mode,
	     struct file **file);
/* Another reference to an open file (dup, fork). */
struct file *fget(struct file *file);
/* Drops a reference; the last one releases the file and returns what the
 * driver's release said. */
int vfs_close(struct file *file);
long vfs_read(struct file *file, void *buf, size_t count);
long vfs_write(struct file *file, const void *buf, size_t count);
/* Reads up to count bytes at pos without moving f_pos (pread for the kernel:
 * page faults on file mappings, loaders). Returns the bytes read, 0 at or past
 * the end of the file, or -errno. */
long kernel_read(struct file *file, void *buf, size_t count, int64_t pos);
int64_t vfs_lseek(struct file *file, int64_t offset, int whence);
long vfs_getdents(struct file *file, void *buf, size_t size);
int vfs_ftruncate(struct file *file, int64_t length);
/* Files without a poll method are always ready (Linux's DEFAULT_POLLMASK). */
unsigned int vfs_poll(struct file *file, struct poll_table *wait);
/* -ENOTTY for files without an ioctl method. */
long vfs_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
int vfs_fstat(struct file *file, struct kstat *stat);

int vfs_stat(struct fs_struct *fs, const char *path, struct kstat *stat);
int vfs_lstat(struct fs_struct *fs, const char *path, struct kstat *stat);
int vfs_truncate(struct fs_struct *fs, const char *path, int64_t length);
int vfs_mkdir(struct fs_struct *fs, const char *path, uint32_t mode);
int vfs_mknod(struct fs_struct *fs, const char *path, uint32_t mode, vfs_dev_t dev);
int vfs_rmdir(struct fs_struct *fs, const char *path);
int vfs_unlink(struct fs_struct *fs, const char *path);
int vfs_rename(struct fs_struct *fs, const char *old_path, const char *new_path);
int vfs_link(struct fs_struct *fs, const char *old_path, const char *new_path);
int vfs_symlink(struct fs_struct *fs, const char *target, const char *link_path);
long vfs_readlink(struct fs_struct *fs, const char *path, char *buf, size_t size);
/* The absolute name of path in its mount tree ("/dev/console"; a name that
 * was unlinked ends in " (deleted)"), NUL-terminated in buf. Returns its
 * length, or -ENAMETOOLONG if it does not fit in size bytes. */
long vfs_path_of(const struct path *path, char *buf, size_t size);

/* --- what the system calls add (fs/sys_*.c) ------------------------------ */
/* lseek, pread and pwrite work on regular files, directories, block devices
 * and files with an llseek method; the rest (pipes, terminals) are streams:
 * ESPIPE. */
bool vfs_file_is_seekable(const struct file *file);
/* An llseek method for devices whose position means nothing (/dev/null):
 * the position stays where it is. */
int64_t noop_llseek(struct file *file, int64_t offset, int whence);
/* Reads and writes at pos, leaving f_pos alone. */
long vfs_pread(struct file *file, void *buf, size_t count, int64_t pos);
long vfs_pwrite(struct file *file, const void *buf, size_t count, int64_t pos);

/* chmod, chown and utimes: the fields valid names are set, and the change
 * time with them; nothing at all if valid is 0. */
#define ATTR_MODE 0x01u
#define ATTR_UID 0x02u
#define ATTR_GID 0x04u
#define ATTR_ATIME 0x08u
#define ATTR_MTIME 0x10u
/* chown(2) of a file that is not a directory takes away set-user-ID, and
 * set-group-ID if group-executable, as Linux does (even for root). */
#define ATTR_KILL_SUID 0x20u

struct iattr {
	unsigned int valid; /* ATTR_* */
	uint32_t mode; /* permission bits only */
	uint32_t uid, gid;
	struct vfs_timespec atime, mtime;
};

int vfs_setattr(struct fs_struct *fs, const char *path, bool follow, const struct iattr *attr);
int vfs_fsetattr(struct file *file, const struct iattr *attr);

/* access(2) for the only user there is, root: existence, EROFS for writing
 * on a read-only mount, and for X_OK some execute bit (any directory). */
int vfs_access(struct fs_struct *fs, const char *path, bool follow, int mode);
int vfs_faccess(struct file *file, int mode);

/* getcwd(2): the working directory's path into buf; returns its length with
 * the NUL, -ENOENT once the directory was removed, -ENAMETOOLONG if size is
 * too small. A directory outside the caller's root gets "(unreachable)" in
 * front, as on Linux. */
long vfs_getcwd(struct fs_struct *fs, char *buf, size_t size);
/* fchdir(2): the directory file is opened on becomes the working directory. */
int vfs_fchdir(struct fs_struct *fs, struct file *file);

/* statfs(2) (Linux's struct kstatfs). */
struct kstatfs {
	uint64_t type; /* the super block's magic */
	uint64_t bsize, frsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	uint64_t fsid;
	uint64_t namelen;
	uint64_t flags; /* ST_* */
};
int vfs_statfs(struct fs_struct *fs, const char *path, struct kstatfs *st);
int vfs_fstatfs(struct file *file, struct kstatfs *st);

/* mount(2)'s parts: a new mount with MNT_* flags; a change of a mount's
 * flags to mnt_flags but for those in keep, which stay as they are (target
 * must be the root of a mount: EINVAL); and umount2 (follow: whether a
 * symlink as the last component is followed). */
int vfs_mount_flags(struct fs_struct *fs, const char *fs_type, const char *target,
		    unsigned int mnt_flags);
/* The same with the file system's own options (mount -o size=64m). */
int vfs_mount_data(struct fs_struct *fs, const char *fs_type, const char *target,
		   unsigned int mnt_flags, const char *data);
int vfs_remount(struct fs_struct *fs, const char *target, unsigned int mnt_flags,
		unsigned int keep);
int vfs_umount_flags(struct fs_struct *fs, const char *target, bool follow);

/* The *at forms: old and new each relative to their own fs (a directory
 * descriptor's). renameat2's RENAME_NOREPLACE is supported; RENAME_EXCHANGE
 * and RENAME_WHITEOUT are not (EINVAL). linkat follows a symlink in the old
 * name only when told (AT_SYMLINK_FOLLOW). */
int vfs_renameat(struct fs_struct *old_fs, const char *old_path, struct fs_struct *new_fs,
		 const char *new_path, unsigned int flags);
int vfs_linkat(struct fs_struct *old_fs, const char *old_path, struct fs_struct *new_fs,
	       const char *new_path, bool follow);
/* linkat(AT_EMPTY_PATH): a new name for the open file; ENOENT once it has
 * no name left. */
int vfs_link_file(struct file *file, struct fs_struct *new_fs, const char *new_path);
/* readlinkat on a descriptor of the link itself (O_PATH | O_NOFOLLOW). */
long vfs_freadlink(struct file *file, char *buf, size_t size);

/* Advisory locks (fs/locks.c): fcntl(2)'s POSIX record locks, owned by a
 * process's descriptor table (every descriptor of the file shares them;
 * closing any one drops them, as POSIX says); its OFD locks, owned by the
 * open file; and flock(2)'s whole-file locks, also the open file's, which
 * only meet other flock locks. OFD and flock locks go with the file's last
 * reference. Reads and writes never look at any of them. */
enum file_lock_kind { FILE_LOCK_POSIX, FILE_LOCK_OFD, FILE_LOCK_FLOCK };

struct file_lock_range {
	int type; /* F_RDLCK, F_WRLCK or F_UNLCK */
	int64_t start, end; /* bytes start to end, both included */
	int pid; /* the holder's process, -1 for OFD locks (what F_GETLK reports) */
};

#define FILE_LOCK_END INT64_MAX /* end of a lock that runs to the end of the file, ever */

/* F_GETLK: the first lock another owner holds that would conflict with req
 * goes into req; req->type becomes F_UNLCK if there is none. */
int vfs_lock_test(struct file *file, enum file_lock_kind kind, const void *owner,
		  struct file_lock_range *req);
/* F_SETLK/F_SETLKW and flock(): takes req's range for owner (merging with
 * and splitting its own locks), or gives it back (F_UNLCK). While another
 * owner holds a conflicting lock: -EAGAIN, or with wait, sleeps until
 * nobody does (-EDEADLK first if that owner waits, through others, for
 * this one; POSIX locks only, as Linux). -EBADF for a read lock on a file
 * not open for reading, or a write lock on one not open for writing (not
 * for flock locks); -ENOLCK when out of memory. pid goes into req's lock. */
int vfs_lock_set(struct file *file, enum file_lock_kind kind, const void *owner,
		 const struct file_lock_range *req, bool wait);

/* Character device drivers: count numbers from first open with fops
 * (-EBUSY if any is taken). */
int chrdev_register(vfs_dev_t first, unsigned int count, const struct file_operations *fops);
void chrdev_unregister(vfs_dev_t first);

/* For file systems (called with vfs_lock held). */
/* A device node, FIFO or socket inode: opens go to the driver (character
 * devices) or fail with ENXIO (the rest, for now). */
void init_special_inode(struct inode *inode, uint32_t mode, vfs_dev_t rdev);
/* What a FIFO inode opens with (fs/pipe.c). */
extern const struct file_operations fifo_fops;
struct inode *new_inode(struct super_block *sb, uint32_t mode);
void d_instantiate(struct dentry *dentry, struct inode *inode);
struct dentry *d_make_root(struct inode *inode);
void d_pin(struct dentry *dentry);
void d_unpin(struct dentry *dentry);
struct vfs_timespec vfs_now(void);

#endif
