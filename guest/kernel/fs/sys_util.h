/* What the file system calls (fs/sys_*.c) share: the calling process's
 * tables, descriptors to files, path names from user memory, and where an
 * *at call's relative path starts. */
#ifndef VITRO_FS_SYS_UTIL_H
#define VITRO_FS_SYS_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/fs.h>

/* The file behind fd with a reference the caller drops with vfs_close(), or
 * NULL (EBADF). fdget() refuses O_PATH files, as Linux's fdget does;
 * fdget_raw() takes them (fstat, fchdir, fcntl, the *at calls). */
struct file *fdget(int fd);
struct file *fdget_raw(int fd);

/* A path name from user memory into a new PATH_MAX buffer (putname() frees
 * it): -EFAULT, -ENAMETOOLONG when no NUL comes within PATH_MAX bytes,
 * -ENOENT for "" unless allow_empty. */
int getname(uint64_t upath, bool allow_empty, char **result);
void putname(char *name);

/* Where an *at call's path leads: either name to walk from fs (the
 * process's root, and as working directory dirfd's directory or the
 * process's own), or, for an empty name with AT_EMPTY_PATH, the file dirfd
 * is open on. */
struct at_path {
	char *name;
	bool is_empty; /* the name was "" (walked as "." from the cwd) */
	bool has_fs;
	struct fs_struct fs;
	struct file *file; /* the call is about this open file, not a name */
};

/* Linux's order of errors: the name's (EFAULT, ENAMETOOLONG, ENOENT for ""
 * without AT_EMPTY_PATH in flags), then dirfd's for a relative name (EBADF,
 * ENOTDIR). An absolute name ignores dirfd. */
int at_path_get(struct at_path *at, int dirfd, uint64_t upath, unsigned int flags);
void at_path_put(struct at_path *at);

/* The x86-64 struct timespec and struct timeval (64-bit fields). */
struct user_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct user_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

/* The calling process's descriptor table and file system context. */
struct files_struct *current_files(void);
struct fs_struct *current_fs(void);

#endif
