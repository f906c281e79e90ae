/* The file system calls in the system call table (kernel/syscall_table.c),
 * by Linux name, in the order of the fs/sys_*.c files that define them:
 * read_write, open, stat, getdents, namei, cwd, fd, ioctl, access, attr,
 * truncate, sync, fadvise, mount, statfs, pipe, poll, epoll, sendfile. */
#ifndef VITRO_FS_SYSCALL_LIST_H
#define VITRO_FS_SYSCALL_LIST_H

#define FS_SYSCALL_LIST(X) \
	X(read)            \
	X(write)           \
	X(pread64)         \
	X(pwrite64)        \
	X(readv)           \
	X(writev)          \
	X(preadv)          \
	X(pwritev)         \
	X(preadv2)         \
	X(pwritev2)        \
	X(lseek)           \
	X(open)            \
	X(openat)          \
	X(creat)           \
	X(close)           \
	X(close_range)     \
	X(stat)            \
	X(lstat)           \
	X(fstat)           \
	X(newfstatat)      \
	X(statx)           \
	X(getdents64)      \
	X(mkdir)           \
	X(mkdirat)         \
	X(mknod)           \
	X(mknodat)         \
	X(rmdir)           \
	X(unlink)          \
	X(unlinkat)        \
	X(rename)          \
	X(renameat)        \
	X(renameat2)       \
	X(link)            \
	X(linkat)          \
	X(symlink)         \
	X(symlinkat)       \
	X(readlink)        \
	X(readlinkat)      \
	X(chdir)           \
	X(fchdir)          \
	X(getcwd)          \
	X(chroot)          \
	X(umask)           \
	X(dup)             \
	X(dup2)            \
	X(dup3)            \
	X(fcntl)           \
	X(flock)           \
	X(ioctl)           \
	X(access)          \
	X(faccessat)       \
	X(faccessat2)      \
	X(chmod)           \
	X(fchmod)          \
	X(fchmodat)        \
	X(chown)           \
	X(fchown)          \
	X(lchown)          \
	X(fchownat)        \
	X(utimensat)       \
	X(utimes)          \
	X(futimesat)       \
	X(utime)           \
	X(truncate)        \
	X(ftruncate)       \
	X(sync)            \
	X(syncfs)          \
	X(fsync)           \
	X(fdatasync)       \
	X(sync_file_range) \
	X(fadvise64)       \
	X(readahead)       \
	X(mount)           \
	X(umount2)         \
	X(statfs)          \
	X(fstatfs)

#endif
