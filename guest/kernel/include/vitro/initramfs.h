/* Unpacking a cpio newc initramfs into the root file system, as Linux's
 * init/initramfs.c does: directories, files (hard links kept), symlinks and
 * device nodes, an existing non-directory replaced. Builds for the host too. */
#ifndef VITRO_INITRAMFS_H
#define VITRO_INITRAMFS_H

#include <stddef.h>

#include <vitro/fs.h>

/* Unpacks archive into fs's root. Returns the number of entries unpacked
 * (the root "." not counted), or a negative errno with a one-line reason (the
 * archive's fault or the file system's) in reason. */
long initramfs_unpack(struct fs_struct *fs, const void *archive, size_t size, char *reason,
		      size_t reason_size);

#endif
