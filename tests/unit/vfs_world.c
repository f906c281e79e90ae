/* Host test fixture for the VFS (see vfs_world.h). */
#include "vfs_world.h"

#include <stdlib.h>
#include <string.h>
#include <vitro/cpu.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/slab.h>

#include "kernel_heap.h"
#include "unit.h"

#define RAM_PAGES 4096ul /* 16 MiB */

static uint64_t baseline_free_pages;
/* What vfs_init() keeps for good: the kernel's mounts for pipes and
 * anonymous files, their roots and the shared anonymous inode. */
static struct vfs_stats baseline;

void vfs_world_start(struct fs_struct *fs)
{
	kernel_heap_start(RAM_PAGES);
	vfs_init();
	vfs_get_stats(&baseline);
	baseline_free_pages = kernel_heap_free_pages();
	if (vfs_mount_root(fs, "ramfs", NULL))
		abort();
}

void vfs_world_end(struct fs_struct *fs)
{
	struct vfs_stats stats;

	fs_struct_release(fs);
	vfs_get_stats(&stats);
	EXPECT_EQ(stats.nr_dentries, baseline.nr_dentries);
	EXPECT_EQ(stats.nr_negative, 0);
	EXPECT_EQ(stats.nr_unused, 0);
	EXPECT_EQ(stats.nr_inodes, baseline.nr_inodes);
	EXPECT_EQ(stats.nr_mounts, baseline.nr_mounts);
	EXPECT_EQ(stats.nr_superblocks, baseline.nr_superblocks);
	EXPECT_EQ(stats.nr_files, 0);
	/* Names, file chunks and tables all went back to the allocator. */
	EXPECT_EQ(kernel_heap_free_pages(), baseline_free_pages);
}

int vfs_world_put(struct fs_struct *fs, const char *path, const void *data, size_t size)
{
	struct file *file;
	long written;
	int err = vfs_open(fs, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &file);

	if (err)
		return err;
	written = vfs_write(file, data, size);
	vfs_close(file);
	if (written < 0)
		return (int)written;
	return written == (long)size ? 0 : -EIO;
}

long vfs_world_get(struct fs_struct *fs, const char *path, void *buf, size_t size)
{
	struct file *file;
	long done;
	int err = vfs_open(fs, path, O_RDONLY, 0, &file);

	if (err)
		return err;
	done = vfs_read(file, buf, size);
	vfs_close(file);
	return done;
}
