/* pipe(2)'s files: two ends of one pipe buffer on an inode of the kernel's
 * pipefs, with blocking and non-blocking reads and writes (fs/pipe.c). */
#ifndef VITRO_PIPE_FILE_H
#define VITRO_PIPE_FILE_H

#include <vitro/fs.h>

/* The read and write ends; flags may hold O_NONBLOCK (O_CLOEXEC is the
 * descriptor table's). Returns 0 or -ENOMEM. */
int vfs_pipe(struct file **read_end, struct file **write_end, unsigned int flags);

/* fcntl's F_GETPIPE_SZ and F_SETPIPE_SZ (which returns the size it set,
 * rounded up to a power of two; EBUSY if the data would not fit, EPERM
 * past 1 MiB). -EBADF if file is not a pipe. */
long pipe_fcntl(struct file *file, unsigned int cmd, unsigned long arg);

#endif
