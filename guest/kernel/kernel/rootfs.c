/* See rootfs.h. Linux unpacks the initramfs over its rootfs the same way:
 * what the initrd holds is there before init looks for anything. */
#include <vitro/boot_info.h>
#include <vitro/devtmpfs.h>
#include <vitro/initramfs.h>
#include <vitro/layout.h>
#include <vitro/printk.h>
#include <vitro/proc_fs.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/time.h>

#include "../../drivers/char/kmsg.h"
#include "../../drivers/char/mem.h"
#include "../../drivers/tty/console.h"
#include "rootfs.h"

#define CPIO_MAGIC_PREFIX "07070" /* newc 070701 and crc 070702 */

struct fs_struct init_fs;

static int64_t rootfs_clock(void)
{
	return (int64_t)ktime_get_real_ns();
}

void rootfs_init(void)
{
	const char *initrd = phys_to_virt(boot_info.initrd_phys);
	char reason[160];
	long count;

	vfs_init();
	vfs_set_clock(rootfs_clock);
	/* Registered only: init mounts /proc, as on Linux. */
	if (proc_fs_init())
		pr_err("proc: cannot register the file system\n");
	/* tmpfs, as Linux's rootfs without root=: half the RAM at most, so a
	 * file that fills it meets ENOSPC rather than the OOM killer. */
	if (vfs_mount_root(&init_fs, "tmpfs", "mode=0755"))
		panic("rootfs: cannot mount the tmpfs root");
	if (!boot_info.initrd_size) {
		/* nothing to unpack */
	} else if (boot_info.initrd_size < 6 || memcmp(initrd, CPIO_MAGIC_PREFIX, 5)) {
		pr_info("initramfs: the initrd is not a cpio archive; not unpacked\n");
	} else {
		count = initramfs_unpack(&init_fs, initrd, boot_info.initrd_size, reason,
					 sizeof(reason));
		if (count < 0)
			pr_err("%s\n", reason);
		else
			pr_info("initramfs: %ld entries unpacked\n", count);
	}
	/* After the initramfs, as Linux mounts devtmpfs over whatever /dev it brought. */
	if (mem_devices_register() || kmsg_register() || console_tty_register() ||
	    devtmpfs_mount(&init_fs))
		pr_err("devtmpfs: cannot mount /dev\n");
}

/* --- fsmanifest ------------------------------------------------------------ */

static uint32_t crc32_table[256];

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	unsigned int i, k;

	if (!crc32_table[1]) /* lazily: only fsmanifest needs it */
		for (i = 0; i < 256; i++) {
			uint32_t c = i;

			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc32_table[i] = c;
		}
	crc = ~crc;
	while (len--)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t file_crc(const char *path, uint8_t *buf, size_t buf_size)
{
	struct file *file;
	uint32_t crc = 0;
	long n;

	if (vfs_open(&init_fs, path, O_RDONLY, 0, &file))
		return 0;
	while ((n = vfs_read(file, buf, buf_size)) > 0)
		crc = crc32_update(crc, buf, (size_t)n);
	vfs_close(file);
	return crc;
}

static void manifest_entry(const char *path, uint8_t *buf, size_t buf_size)
{
	struct kstat st;
	uint32_t crc = 0;
	long n;

	if (vfs_lstat(&init_fs, path, &st))
		return;
	if (S_ISREG(st.mode)) {
		crc = file_crc(path, buf, buf_size);
	} else if (S_ISLNK(st.mode)) {
		n = vfs_readlink(&init_fs, path, (char *)buf, buf_size);
		crc = n > 0 ? crc32_update(0, buf, (size_t)n) : 0;
	}
	pr_emerg("fsmanifest: %06o %lld %u %u:%u %08x %s\n", st.mode,
		 S_ISDIR(st.mode) ? 0ll : (long long)st.size, st.nlink, MAJOR(st.rdev),
		 MINOR(st.rdev), crc, path);
}

/* Depth first; path holds the directory's path and has room for PATH_MAX. */
static void manifest_dir(char *path, size_t len, uint8_t *buf, size_t buf_size)
{
	uint8_t *dents = kmalloc(4096, GFP_KERNEL);
	struct file *dir;
	long n, off;

	if (!dents || vfs_open(&init_fs, len ? path : ".", O_RDONLY | O_DIRECTORY, 0, &dir)) {
		kfree(dents);
		return;
	}
	while ((n = vfs_getdents(dir, dents, 4096)) > 0) {
		for (off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
			size_t name_len = strlen(d->d_name);

			off += d->d_reclen;
			/* /dev is the kernel's (devtmpfs), not the archive's. */
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
			    (!len && !strcmp(d->d_name, "dev")) || len + 1 + name_len >= PATH_MAX)
				continue;
			if (len)
				path[len] = '/';
			memcpy(path + len + (len ? 1 : 0), d->d_name, name_len + 1);
			manifest_entry(path, buf, buf_size);
			if (d->d_type == DT_DIR)
				manifest_dir(path, len + (len ? 1 : 0) + name_len, buf, buf_size);
			path[len] = '\0';
		}
	}
	vfs_close(dir);
	kfree(dents);
}

void rootfs_print_manifest(void)
{
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	uint8_t *buf = kmalloc(4096, GFP_KERNEL);

	if (path && buf) {
		path[0] = '\0';
		manifest_dir(path, 0, buf, 4096);
	}
	pr_emerg("fsmanifest: end\n");
	kfree(path);
	kfree(buf);
}
