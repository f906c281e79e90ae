/* A fresh VFS for each host test: simulated RAM under the real page and slab
 * allocators, ramfs mounted as root, and at the end a check that every
 * dentry, inode, mount, super block, file and page came back. */
#ifndef TESTS_UNIT_VFS_WORLD_H
#define TESTS_UNIT_VFS_WORLD_H

#include <stddef.h>
#include <vitro/fs.h>

void vfs_world_start(struct fs_struct *fs);
/* Releases fs and checks nothing leaked. */
void vfs_world_end(struct fs_struct *fs);

/* Creates (or truncates) path with size bytes of data; returns 0 or -errno. */
int vfs_world_put(struct fs_struct *fs, const char *path, const void *data, size_t size);
/* Reads up to size bytes of path into buf; returns the count or -errno. */
long vfs_world_get(struct fs_struct *fs, const char *path, void *buf, size_t size);

#endif
