/* See virtio_blk.h. A request is one chain (virtio 1.2, 5.2.6): the header
 * (device-readable), the data segments, the status byte (device-writable);
 * DISCARD and WRITE_ZEROES carry one range segment instead of data. The
 * header and status live in the request's driver area. Completions are
 * collected under the queue's lock and handed to blk-mq after it, which
 * may dispatch more on this queue. */
#include "virtio_blk.h"

#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <vitro/boot_info.h>
#include <vitro/cmdline.h>
#include <vitro/errno.h>
#include <vitro/mm.h>
#include <vitro/printk.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "../../kernel/arch/x86/smpboot.h"
#include "../virtio/virtio.h"

#define VIRTBLK_MAX_QUEUES 16
#define VIRTBLK_QUEUE_SIZE 128 /* at most, per virtqueue */
#define VIRTBLK_QUEUE_DEPTH 64 /* requests at the device per queue */
#define VIRTBLK_MAX_SEGMENTS 128
#define VIRTBLK_MAX_SECTORS 256 /* 128 KiB per request */
#define VIRTBLK_DEFAULT_SEGMENT_SIZE 65536

struct virtblk_queue {
	struct spinlock lock; /* the virtqueue and bufs */
	struct virtq *vq;
	struct virtq_buf bufs[VIRTBLK_MAX_SEGMENTS + 2];
	uint64_t nr_requests, nr_flushes, nr_errors;
};

struct virtio_blk {
	struct virtio_device *vdev;
	struct gendisk disk;
	struct blk_mq_tag_set set;
	unsigned int nr_queues;
	struct virtblk_queue queues[VIRTBLK_MAX_QUEUES];
};

/* The request's driver area (rq->pdu). */
struct virtblk_req {
	struct virtio_blk_outhdr hdr;
	struct virtio_blk_discard_write_zeroes range;
	uint8_t status;
};

static struct virtq_buf buf_of(const void *addr, uint32_t len)
{
	return (struct virtq_buf){ virt_to_phys(addr), len };
}

static uint32_t virtblk_type(enum req_op op)
{
	switch (op) {
	case REQ_OP_READ:
		return VIRTIO_BLK_T_IN;
	case REQ_OP_WRITE:
		return VIRTIO_BLK_T_OUT;
	case REQ_OP_FLUSH:
		return VIRTIO_BLK_T_FLUSH;
	case REQ_OP_DISCARD:
		return VIRTIO_BLK_T_DISCARD;
	default:
		return VIRTIO_BLK_T_WRITE_ZEROES;
	}
}

/* Header, then data split at the segment size, or the range; returns the
 * count of device-readable buffers in *nr_out. */
static unsigned int virtblk_build(struct virtblk_queue *bq, struct request *rq,
				  unsigned int *nr_out)
{
	struct virtblk_req *vbr = rq->pdu;
	uint32_t max_seg = rq->q->limits.max_segment_size;
	unsigned int n = 0, i;
	struct bio *bio;

	vbr->hdr = (struct virtio_blk_outhdr){ .type = virtblk_type(rq->op),
					       .sector = rq->op == REQ_OP_FLUSH ? 0 : rq->sector };
	bq->bufs[n++] = buf_of(&vbr->hdr, sizeof(vbr->hdr));
	if (rq->op == REQ_OP_READ || rq->op == REQ_OP_WRITE) {
		for (bio = rq->bio; bio; bio = bio->next)
			for (i = 0; i < bio->nr_vecs; i++) {
				const uint8_t *p = bio->vecs[i].addr;
				uint32_t left = bio->vecs[i].len;

				while (left && n <= VIRTBLK_MAX_SEGMENTS) {
					uint32_t len = left < max_seg ? left : max_seg;

					bq->bufs[n++] = buf_of(p, len);
					p += len;
					left -= len;
				}
			}
	} else if (rq->op != REQ_OP_FLUSH) {
		vbr->range = (struct virtio_blk_discard_write_zeroes){
			.sector = rq->sector, .num_sectors = rq->nr_bytes >> SECTOR_SHIFT
		};
		bq->bufs[n++] = buf_of(&vbr->range, sizeof(vbr->range));
	}
	*nr_out = rq->op == REQ_OP_READ ? 1 : n;
	vbr->status = 0xff; /* no VIRTIO_BLK_S_*: the device must write it */
	bq->bufs[n++] = buf_of(&vbr->status, 1);
	return n;
}

static int virtblk_queue_rq(struct blk_mq_hw_ctx *hctx, struct request *rq)
{
	struct virtblk_queue *bq = hctx->driver_data;
	unsigned int n, nr_out;
	int rc;

	raw_spin_lock(&bq->lock); /* hctx->lock has interrupts off */
	n = virtblk_build(bq, rq, &nr_out);
	rc = virtq_add(bq->vq, bq->bufs, nr_out, n - nr_out, rq, GFP_ATOMIC);
	if (!rc)
		bq->nr_requests++;
	raw_spin_unlock(&bq->lock);
	if (rc == -ENOSPC || rc == -ENOMEM)
		return BLK_STS_RESOURCE; /* a completion will make room */
	return rc ? -EIO : BLK_STS_OK;
}

static void virtblk_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct virtblk_queue *bq = hctx->driver_data;

	raw_spin_lock(&bq->lock);
	virtq_kick(bq->vq);
	raw_spin_unlock(&bq->lock);
}

static const struct blk_mq_ops virtblk_mq_ops = {
	.queue_rq = virtblk_queue_rq,
	.commit_rqs = virtblk_commit_rqs,
};

static blk_status_t virtblk_status(uint8_t status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_UNSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

/* The virtqueue's interrupt (interrupt context). */
static void virtblk_done(struct virtq *vq)
{
	struct virtblk_queue *bq = vq->priv;
	struct list_head done = LIST_HEAD_INIT(done);
	struct request *rq, *tmp;
	uint32_t len;

	raw_spin_lock(&bq->lock);
	do {
		virtq_disable_cb(vq);
		while ((rq = virtq_get_used(vq, &len)))
			list_add_tail(&rq->queuelist, &done);
	} while (!virtq_enable_cb(vq));
	list_for_each_entry(rq, &done, queuelist) {
		struct virtblk_req *vbr = rq->pdu;

		if (vbr->status != VIRTIO_BLK_S_OK)
			bq->nr_errors++;
		else if (rq->op == REQ_OP_FLUSH)
			bq->nr_flushes++;
	}
	raw_spin_unlock(&bq->lock);
	list_for_each_entry_safe(rq, tmp, &done, queuelist) {
		list_del(&rq->queuelist);
		blk_mq_complete_request(rq,
					virtblk_status(((struct virtblk_req *)rq->pdu)->status));
	}
}

#define virtblk_cread(vdev, member, ptr) virtio_cread(vdev, struct virtio_blk_config, member, ptr)

/* Limits from the configuration the device offered (5.2.4), checked. */
static void virtblk_limits(struct virtio_device *vdev, struct blk_limits *lim, unsigned int vq_size)
{
	uint32_t v;

	*lim = (struct blk_limits){ .logical_block_size = SECTOR_SIZE,
				    .max_sectors = VIRTBLK_MAX_SECTORS,
				    .max_segments = 1, /* 5.2.5: without SEG_MAX, one */
				    .max_segment_size = VIRTBLK_DEFAULT_SEGMENT_SIZE };
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE)) {
		virtblk_cread(vdev, blk_size, &v);
		if (v >= SECTOR_SIZE && v <= 65536 && !(v & (v - 1)))
			lim->logical_block_size = v;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX)) {
		virtblk_cread(vdev, size_max, &v);
		if (v >= PAGE_SIZE)
			lim->max_segment_size = v;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX)) {
		virtblk_cread(vdev, seg_max, &v);
		lim->max_segments = v < 1 ? 1 : v > VIRTBLK_MAX_SEGMENTS ? VIRTBLK_MAX_SEGMENTS : v;
	}
	/* Without indirect tables a request takes segments + 2 ring entries. */
	if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC) &&
	    lim->max_segments > vq_size - 2)
		lim->max_segments = vq_size - 2;
	lim->is_read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	lim->has_write_cache = virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
		virtblk_cread(vdev, max_discard_sectors, &v);
		lim->max_discard_sectors = v;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES)) {
		virtblk_cread(vdev, max_write_zeroes_sectors, &v);
		lim->max_write_zeroes_sectors = v;
	}
}

static int virtblk_probe(struct virtio_device *vdev)
{
	struct virtio_blk *vblk;
	struct request_queue *q;
	char elevator[16];
	uint16_t nr_queues = 1;
	unsigned int i, cpus = smp_cpus_online();
	int rc;

	vblk = kzalloc(sizeof(*vblk), GFP_KERNEL);
	if (!vblk)
		return -ENOMEM;
	vblk->vdev = vdev;
	vdev->priv = vblk;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_MQ))
		virtblk_cread(vdev, num_queues, &nr_queues);
	/* A queue per CPU at most, as Linux: more would never be used. */
	if (nr_queues < 1)
		nr_queues = 1;
	if (nr_queues > cpus)
		nr_queues = (uint16_t)cpus;
	if (nr_queues > VIRTBLK_MAX_QUEUES)
		nr_queues = VIRTBLK_MAX_QUEUES;
	rc = virtio_find_vqs(vdev, nr_queues, VIRTBLK_QUEUE_SIZE, virtblk_done);
	if (rc)
		goto err_vqs;
	vblk->nr_queues = nr_queues;
	for (i = 0; i < nr_queues; i++) {
		spin_lock_init(&vblk->queues[i].lock);
		vblk->queues[i].vq = &vdev->vqs[i];
		vdev->vqs[i].priv = &vblk->queues[i];
	}
	vblk->set = (struct blk_mq_tag_set){
		.ops = &virtblk_mq_ops,
		.nr_hw_queues = nr_queues,
		.queue_depth = vdev->vqs[0].size < VIRTBLK_QUEUE_DEPTH ? vdev->vqs[0].size :
									 VIRTBLK_QUEUE_DEPTH,
		.cmd_size = sizeof(struct virtblk_req),
		.nr_cpus = cpus,
		.driver_data = vblk,
		.elevator = cmdline_get(boot_info.cmdline, "elevator", elevator, sizeof(elevator)) ?
				    elevator :
				    NULL,
	};
	q = blk_mq_alloc_queue(&vblk->set);
	if (!q) {
		pr_warn("%s: no block queue (elevator=%s unknown, or out of memory)\n", vdev->name,
			vblk->set.elevator ? vblk->set.elevator : "default");
		rc = -ENOMEM;
		goto err_queue;
	}
	for (i = 0; i < nr_queues; i++)
		q->hctxs[i].driver_data = &vblk->queues[i];
	virtblk_limits(vdev, &q->limits, vdev->vqs[0].size);
	virtblk_cread(vdev, capacity, &vblk->disk.capacity_sectors);
	vblk->disk.queue = q;
	vblk->disk.private_data = vblk;
	virtio_device_ready(vdev); /* 3.1.1 step 8: before the disk takes I/O */
	rc = add_disk(&vblk->disk, "vd");
	if (rc)
		goto err_disk;
	return 0;

err_disk:
	blk_mq_free_queue(q);
err_queue:
	virtio_del_vqs(vdev);
err_vqs:
	vdev->priv = NULL;
	kfree(vblk);
	return rc;
}

static void virtblk_config_changed(struct virtio_device *vdev)
{
	struct virtio_blk *vblk = vdev->priv;
	uint64_t capacity;

	if (!vblk)
		return;
	virtblk_cread(vdev, capacity, &capacity);
	if (capacity != vblk->disk.capacity_sectors) {
		pr_info("%s: capacity now %llu sectors\n", vblk->disk.name,
			(unsigned long long)capacity);
		WRITE_ONCE(vblk->disk.capacity_sectors, capacity);
	}
}

static struct virtio_driver virtio_blk_driver = {
	.name = "virtio_blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
		    (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_RO) |
		    (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_MQ) |
		    (1ull << VIRTIO_BLK_F_DISCARD) | (1ull << VIRTIO_BLK_F_WRITE_ZEROES),
	.probe = virtblk_probe,
	.config_changed = virtblk_config_changed,
};

void virtio_blk_register(void)
{
	virtio_register_driver(&virtio_blk_driver);
}

int virtio_blk_get_stats(struct gendisk *disk, struct virtio_blk_stats *stats)
{
	struct virtio_blk *vblk = disk->private_data;
	unsigned int i;

	if (!vblk || &vblk->disk != disk || vblk->set.ops != &virtblk_mq_ops)
		return -ENODEV;
	memset(stats, 0, sizeof(*stats));
	stats->nr_queues = vblk->nr_queues;
	for (i = 0; i < vblk->nr_queues; i++) {
		struct virtblk_queue *bq = &vblk->queues[i];
		unsigned long flags = spin_lock_irqsave(&bq->lock);

		stats->nr_requests += bq->nr_requests;
		stats->nr_flushes += bq->nr_flushes;
		stats->nr_errors += bq->nr_errors;
		stats->nr_indirect += bq->vq->stats.nr_indirect;
		stats->nr_notifies += bq->vq->stats.nr_notifies;
		stats->nr_notifies_suppressed += bq->vq->stats.nr_notifies_suppressed;
		spin_unlock_irqrestore(&bq->lock, flags);
	}
	return 0;
}
