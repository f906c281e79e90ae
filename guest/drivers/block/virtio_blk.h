/* The virtio-blk driver (virtio 1.2, 5.2) on blk-mq: one hardware queue per
 * virtqueue (VIRTIO_BLK_F_MQ, up to one per CPU), disks named vda, vdb, ... */
#ifndef DRIVERS_BLOCK_VIRTIO_BLK_H
#define DRIVERS_BLOCK_VIRTIO_BLK_H

#include <stdint.h>
#include <vitro/blkdev.h>

/* Registers the driver with the virtio core (before devices are probed). */
void virtio_blk_register(void);

/* What a disk's driver did, for tests. */
struct virtio_blk_stats {
	unsigned int nr_queues;
	uint64_t nr_requests; /* added to the virtqueues */
	uint64_t nr_flushes; /* VIRTIO_BLK_T_FLUSH completed with VIRTIO_BLK_S_OK */
	uint64_t nr_indirect; /* requests that went through an indirect table */
	uint64_t nr_notifies, nr_notifies_suppressed;
	uint64_t nr_errors; /* requests the device failed */
};

/* -ENODEV if disk is not a virtio-blk disk. */
int virtio_blk_get_stats(struct gendisk *disk, struct virtio_blk_stats *stats);

#endif
