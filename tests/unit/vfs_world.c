/* Host test fixture for the VFS (see vfs_world.h). */
#include "vfs_world.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vitro/cpu.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/slab.h>

#include "unit.h"

#define RAM_PAGES 4096ul /* 16 MiB */
#define BLOCK_BYTES (PAGE_SIZE << MAX_PAGE_ORDER)

static uint8_t *ram;
static struct page *map;
static uint64_t baseline_free_pages;

static uint64_t free_pages_now(void)
{
	struct page_alloc_stats stats;

	slab_shrink_all();
	page_alloc_get_stats(&stats);
	return stats.free_pages;
}

void vfs_world_start(struct fs_struct *fs)
{
	if (!ram) {
		/* Aligned to the largest block, so simulated alignment is real. */
		uint8_t *raw = mmap(NULL, RAM_PAGES * PAGE_SIZE + BLOCK_BYTES,
				    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (raw == MAP_FAILED)
			abort();
		ram = (uint8_t *)(((uintptr_t)raw + BLOCK_BYTES - 1) & ~(BLOCK_BYTES - 1));
		map = malloc(page_alloc_map_bytes(RAM_PAGES));
		if (!map)
			abort();
	}
	memset(ram, 0xa7, RAM_PAGES * PAGE_SIZE);
	host_phys_base = ram;
	host_current_cpu = 0;
	page_alloc_init(map, RAM_PAGES);
	page_alloc_add_free_range(0, RAM_PAGES);
	slab_set_debug_flags(0);
	slab_init();
	vfs_init();
	baseline_free_pages = free_pages_now();
	if (vfs_mount_root(fs, "ramfs"))
		abort();
}

void vfs_world_end(struct fs_struct *fs)
{
	struct vfs_stats stats;

	fs_struct_release(fs);
	vfs_get_stats(&stats);
	EXPECT_EQ(stats.nr_dentries, 0);
	EXPECT_EQ(stats.nr_negative, 0);
	EXPECT_EQ(stats.nr_unused, 0);
	EXPECT_EQ(stats.nr_inodes, 0);
	EXPECT_EQ(stats.nr_mounts, 0);
	EXPECT_EQ(stats.nr_superblocks, 0);
	EXPECT_EQ(stats.nr_files, 0);
	/* Names, file chunks and tables all went back to the allocator. */
	EXPECT_EQ(free_pages_now(), baseline_free_pages);
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
