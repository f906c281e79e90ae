/* Anonymous files (Linux's anon_inodes): files that belong to no file
 * system a process can name (epoll instances now; eventfd, timerfd and
 * signalfd later) share one inode of a kernel-internal mount and differ in
 * their operations and private data (fs/anon_inodes.c). */
#ifndef VITRO_ANON_INODES_H
#define VITRO_ANON_INODES_H

#include <vitro/fs.h>

/* A new file opened for reading and writing, with O_NONBLOCK from flags;
 * NULL when out of memory. fops->release frees private_data. */
struct file *anon_inode_getfile(const struct file_operations *fops, void *private_data,
				unsigned int flags);

#endif
