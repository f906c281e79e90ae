/* The root file system at boot: a ramfs root, filled from the initrd when it
 * is a cpio archive (rootfs.c). */
#ifndef KERNEL_ROOTFS_H
#define KERNEL_ROOTFS_H

#include <vitro/fs.h>

/* init's root and working directory; what later processes inherit. */
extern struct fs_struct init_fs;

void rootfs_init(void);

/* `fsmanifest` on the command line: one "fsmanifest:" line per path under the
 * root but /dev (type, permissions, size, links, and a CRC-32 of file contents or the
 * symlink target), for the boot tests to compare with the archive's tree;
 * the VM then exits. */
void rootfs_print_manifest(void);

#endif
