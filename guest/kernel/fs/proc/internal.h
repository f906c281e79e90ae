/* What procfs's files share (guest/kernel/fs/proc/): the table entries that
 * describe every file and directory, the per-inode data, and the helpers that
 * find tasks. procfs is part of the VFS and uses its internals (vfs_lock,
 * dentries) as ramfs does.
 *
 * Nothing under /proc is stored: a lookup makes an inode from a table entry
 * (and a pid, for /proc/<pid>), every dentry is dropped with its last
 * reference, and a file's text is generated when it is first read. */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include <vitro/fs.h>
#include <vitro/mutex.h>

#include "../internal.h"
#include "format.h"

struct task;

/* What a /proc inode is about. */
struct proc_ctx {
	int pid; /* the task (0 for a system file) */
	bool is_thread; /* under /proc/<pid>/task/: the thread alone, not its process */
	int fd; /* /proc/<pid>/fd/<fd> */
};

struct proc_entry {
	const char *name;
	uint32_t mode; /* S_IFREG | 0444, S_IFDIR | 0555, S_IFLNK | 0777 */
	/* Files: writes the text (not under vfs_lock; may sleep). */
	int (*show)(struct proc_buf *m, const struct proc_ctx *ctx);
	/* Links: writes the target into buf; vfs_lock held, must not sleep.
	 * Returns its length or -errno. */
	long (*link)(const struct proc_ctx *ctx, char *buf, size_t size);
	/* Magic links (fd/N): the place itself, with references; vfs_lock
	 * held. Opening the link opens what the descriptor has open. */
	int (*link_path)(const struct proc_ctx *ctx, struct path *path);
	/* Directories. */
	const struct inode_operations *dir_iops;
	const struct file_operations *dir_fops;
	/* Directories made of a table of entries. */
	const struct proc_entry *children;
	size_t nr_children;
};

#define PROC_FILE(NAME, SHOW)                                      \
	{                                                          \
		.name = NAME, .mode = S_IFREG | 0444, .show = SHOW \
	}
#define PROC_LINK(NAME, LINK)                                      \
	{                                                          \
		.name = NAME, .mode = S_IFLNK | 0777, .link = LINK \
	}
#define PROC_TABLE_DIR(NAME, TABLE)                                                     \
	{                                                                               \
		.name = NAME, .mode = S_IFDIR | 0555, .dir_iops = &proc_table_dir_iops, \
		.dir_fops = &proc_table_dir_fops, .children = TABLE,                    \
		.nr_children = ARRAY_SIZE(TABLE)                                        \
	}

struct proc_inode {
	const struct proc_entry *entry;
	struct proc_ctx ctx;
	char *link_buf; /* PATH_MAX bytes for get_link, made at first use */
};

static inline struct proc_inode *proc_i(const struct inode *inode)
{
	return inode->i_private;
}

/* inode.c */
extern const struct inode_operations proc_table_dir_iops;
extern const struct file_operations proc_table_dir_fops;
/* A new inode for entry (vfs_lock held); NULL when out of memory. */
struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *entry,
			      const struct proc_ctx *ctx);
/* Fills dentry from the table entry of its name, if one exists. */
int proc_lookup_table(struct inode *dir, struct dentry *dentry, const struct proc_entry *table,
		      size_t nr_entries);
/* Emits "." and "..", then the table's entries (positions 2 and up);
 * returns false once the caller's buffer is full. */
bool proc_iterate_table(struct file *file, struct dir_context *ctx, const struct proc_entry *table,
			size_t nr_entries);
/* getdents' d_ino for a name that has no inode yet: any stable non-zero
 * number. */
uint64_t proc_fake_ino(int pid, unsigned int index);
/* Parses a decimal directory name ("42"); -1 if it is not one. */
int proc_name_to_number(const char *name, size_t len);

/* root.c */
int proc_fill_super(struct super_block *sb);

/* tasks.c */
/* The task with this pid if /proc shows it (not an idle task, not reaped,
 * not a kernel thread past its end), with a reference; NULL if not. */
struct task *proc_get_task(int pid);
/* The same test with no reference, for lookups under vfs_lock; *tgid is the
 * task's process id. */
bool proc_task_exists(int pid, int *tgid);
/* Runs fn on the task with this pid if /proc shows it, under the task
 * list's lock (interrupts off: fn must not sleep; the task cannot be freed
 * meanwhile). Returns whether it did. For vfs_lock holders, which must not
 * drop task references (the last one frees a stack). */
bool proc_task_call(int pid, void (*fn)(struct task *t, void *arg), void *arg);
/* A task's process id (a kernel thread's is its own pid). */
int proc_tgid_of(const struct task *t);
/* Up to max process ids (thread group leaders) from first up, in order;
 * returns how many. */
unsigned int proc_list_tgids(int first, int *tgids, unsigned int max);
/* The same for the threads of process tgid. */
unsigned int proc_list_tids(int tgid, int first, int *tids, unsigned int max);
/* The task's snapshot for stat, status and statm; whole_process sums the
 * thread group's times. */
void proc_task_info_fill(struct task *t, bool whole_process, struct proc_task_info *ti);
/* What a sleeping task's kernel stack holds: up to max return addresses,
 * innermost first, scheduler functions left out. 0 for a running task. */
unsigned int proc_task_stack(struct task *t, uint64_t *entries, unsigned int max);

/* base.c */
extern const struct proc_entry proc_pid_dir_entry;
extern const struct proc_entry proc_tid_dir_entry;

/* fd.c */
extern const struct inode_operations proc_fd_dir_iops;
extern const struct file_operations proc_fd_dir_fops;
/* Whether fd is open in task pid (vfs_lock held). */
bool proc_fd_is_open(int pid, int fd);

/* task_mmu.c */
int proc_show_maps(struct proc_buf *m, const struct proc_ctx *ctx);
int proc_show_smaps(struct proc_buf *m, const struct proc_ctx *ctx);

/* system.c, cpuinfo.c, mounts.c: the files of /proc itself */
extern const struct proc_entry proc_system_entries[];
extern const size_t proc_nr_system_entries;
int proc_show_cpuinfo(struct proc_buf *m, const struct proc_ctx *ctx);
/* /proc/<pid>/mounts (and /proc/mounts, a link to self/mounts). */
int proc_show_mounts(struct proc_buf *m, const struct proc_ctx *ctx);
/* The system's root (init's, Linux's init_fs), or NULL before there is one. */
const struct path *proc_system_root(void);
/* The reading task's root for the names it is shown (vfs_lock held): the
 * system's for a kernel thread. */
const struct path *proc_reader_root(void);

#endif
