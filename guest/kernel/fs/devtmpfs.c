/* See vitro/devtmpfs.h. The nodes exist whether or not a driver is there yet:
 * opening one without a driver fails with ENXIO, as on Linux. */
#include <vitro/devtmpfs.h>
#include <vitro/errno.h>
#include <vitro/format.h>

static const struct dev_node {
	const char *name;
	uint32_t mode;
	unsigned int major, minor;
} dev_nodes[] = {
	{ "console", S_IFCHR | 0600, 5, 1 }, { "tty", S_IFCHR | 0666, 5, 0 },
	{ "null", S_IFCHR | 0666, 1, 3 },    { "zero", S_IFCHR | 0666, 1, 5 },
	{ "full", S_IFCHR | 0666, 1, 7 },    { "random", S_IFCHR | 0666, 1, 8 },
	{ "urandom", S_IFCHR | 0666, 1, 9 }, { "kmsg", S_IFCHR | 0644, 1, 11 },
};

int devtmpfs_mount(struct fs_struct *fs)
{
	char path[32];
	unsigned int i;
	int rc;

	rc = vfs_mkdir(fs, "/dev", 0755);
	if (rc && rc != -EEXIST)
		return rc;
	rc = vfs_mount(fs, "tmpfs", "/dev");
	if (rc)
		return rc;
	for (i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		format_snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i].name);
		rc = vfs_mknod(fs, path, dev_nodes[i].mode,
			       MKDEV(dev_nodes[i].major, dev_nodes[i].minor));
		if (rc)
			return rc;
	}
	return 0;
}
