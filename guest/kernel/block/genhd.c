/* Disks: names (vda, vdb, ...), their /dev nodes, the list drivers add to,
 * and synchronous I/O on them for kernel callers (tests, and file systems
 * later): split at the queue's limits, submitted under a plug, waited for. */
#include <vitro/blkdev.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/fs.h>
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/vmalloc.h>

#include "../kernel/rootfs.h"

static LIST_HEAD_DECLARE(disks);
static struct spinlock disks_lock = SPINLOCK_INIT;
static unsigned int nr_disks;

int add_disk(struct gendisk *disk, const char *prefix)
{
	char path[32];
	unsigned int index;
	int rc;

	spin_lock(&disks_lock);
	index = nr_disks++;
	spin_unlock(&disks_lock);
	if (index >= 26)
		return -ENOSPC;
	format_snprintf(disk->name, sizeof(disk->name), "%s%c", prefix, 'a' + index);
	disk->major = BLOCK_VIRTIO_MAJOR;
	disk->first_minor = index * BLOCK_MINORS_PER_DISK;
	disk->queue->disk = disk;
	disk->queue->dev = MKDEV(disk->major, disk->first_minor);
	spin_lock(&disks_lock);
	list_add_tail(&disk->link, &disks);
	spin_unlock(&disks_lock);
	format_snprintf(path, sizeof(path), "/dev/%s", disk->name);
	rc = vfs_mknod(&init_fs, path, S_IFBLK | 0660, disk->queue->dev);
	if (rc)
		pr_warn("%s: no device node (%d)\n", disk->name, rc);
	pr_info("%s: %llu sectors (%llu KiB), %u hardware queue%s, scheduler %s%s%s\n", disk->name,
		(unsigned long long)disk->capacity_sectors,
		(unsigned long long)(disk->capacity_sectors / 2), disk->queue->nr_hw_queues,
		disk->queue->nr_hw_queues == 1 ? "" : "s",
		disk->queue->elevator ? disk->queue->elevator->name : "none",
		disk->queue->limits.has_write_cache ? ", write cache" : "",
		disk->queue->limits.is_read_only ? ", read-only" : "");
	return 0;
}

struct gendisk *blk_find_disk(const char *name)
{
	struct gendisk *disk, *found = NULL;

	spin_lock(&disks_lock);
	list_for_each_entry(disk, &disks, link) {
		if (!strcmp(disk->name, name)) {
			found = disk;
			break;
		}
	}
	spin_unlock(&disks_lock);
	return found;
}

struct rw_batch {
	unsigned int nr_pending; /* atomically */
	blk_status_t status;
	struct completion done;
};

static void rw_batch_end_io(struct bio *bio)
{
	struct rw_batch *batch = bio->private;

	if (bio->status)
		__atomic_store_n(&batch->status, bio->status, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&batch->nr_pending, 1, __ATOMIC_ACQ_REL) == 0)
		complete(&batch->done);
}

blk_status_t blkdev_rw(struct gendisk *disk, enum req_op op, unsigned int flags, uint64_t sector,
		       void *buf, uint32_t len)
{
	const struct blk_limits *lim = &disk->queue->limits;
	uint64_t chunk = (uint64_t)lim->max_sectors << SECTOR_SHIFT;
	uint64_t by_segments = (uint64_t)lim->max_segments * lim->max_segment_size;
	unsigned int nr_bios, i;
	struct rw_batch batch;
	struct blk_plug plug;
	struct bio *bios;

	/* Physically contiguous memory only (direct map, kernel image), not vmalloc. */
	if ((op != REQ_OP_READ && op != REQ_OP_WRITE) || !len ||
	    ((uintptr_t)buf >= VMALLOC_START && (uintptr_t)buf < VMALLOC_END))
		return -EINVAL;
	if (by_segments < chunk)
		chunk = by_segments;
	chunk &= ~(uint64_t)(lim->logical_block_size - 1);
	nr_bios = (unsigned int)((len + chunk - 1) / chunk);
	bios = kzalloc(nr_bios * (sizeof(*bios) + sizeof(struct bio_vec)), GFP_KERNEL);
	if (!bios)
		return -ENOMEM;
	batch.nr_pending = nr_bios;
	batch.status = 0;
	completion_init(&batch.done);
	blk_start_plug(&plug);
	for (i = 0; i < nr_bios; i++) {
		struct bio_vec *vec = (struct bio_vec *)(bios + nr_bios) + i;
		uint64_t offset = i * chunk;
		uint32_t size = (uint32_t)(len - offset < chunk ? len - offset : chunk);

		*vec = (struct bio_vec){ (uint8_t *)buf + offset, size };
		bios[i] = (struct bio){ .disk = disk,
					.op = op,
					.flags = flags & (i ? ~REQ_PREFLUSH : ~0u),
					.sector = sector + (offset >> SECTOR_SHIFT),
					.size = size,
					.vecs = vec,
					.nr_vecs = 1,
					.end_io = rw_batch_end_io,
					.private = &batch };
		submit_bio(&bios[i]);
	}
	blk_finish_plug(&plug);
	wait_for_completion(&batch.done);
	kfree(bios);
	return batch.status;
}

blk_status_t blkdev_issue_flush(struct gendisk *disk)
{
	struct bio bio = { .disk = disk, .op = REQ_OP_FLUSH };

	return submit_bio_wait(&bio);
}
