/* /dev: a tmpfs the kernel mounts and fills with the nodes of the devices it
 * has, as Linux's devtmpfs does for init. Builds for the host too. */
#ifndef VITRO_DEVTMPFS_H
#define VITRO_DEVTMPFS_H

#include <vitro/fs.h>

/* Mounts a tmpfs on /dev (made if missing; an initramfs may bring its own
 * /dev directory) and creates console, tty, null, zero, full, random and
 * urandom with Linux's numbers and modes. Returns 0 or a negative errno. */
int devtmpfs_mount(struct fs_struct *fs);

#endif
