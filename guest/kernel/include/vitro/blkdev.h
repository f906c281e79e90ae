/* The block layer (guest/kernel/block/): bios, requests and the multi-queue
 * machinery between them and a driver, as Linux's blk-mq has it. A bio is an
 * I/O on a disk; requests carry one or more adjacent bios. Each CPU has a
 * software queue per disk; CPUs map onto hardware queues (one per virtqueue),
 * each with its own tag set bounding the requests in flight, an I/O
 * scheduler (`none` or `mq-deadline`) and a dispatch list. Bios merge into
 * requests while they wait (in a task's plug, a software queue or the
 * scheduler); completions run on the CPU that submitted the request.
 *
 * blk_mq.c, flush.c, elevator.c and mq_deadline.c build for the host too;
 * sleeping (for a free request or a completion), the IPI and the disk list
 * are the kernel's (genhd.c, blk_glue.c). */
#ifndef VITRO_BLKDEV_H
#define VITRO_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <vitro/list.h>
#include <vitro/rbtree.h>
#include <vitro/spinlock.h>
#include <vitro/wait.h>

#define SECTOR_SHIFT 9
#define SECTOR_SIZE 512u

enum req_op {
	REQ_OP_READ,
	REQ_OP_WRITE,
	REQ_OP_FLUSH, /* make completed writes durable; no data */
	REQ_OP_DISCARD, /* the range's contents may be dropped */
	REQ_OP_WRITE_ZEROES, /* the range reads back as zeroes */
	REQ_OP_NR,
};

/* Request flags. */
#define REQ_FUA 0x01u /* durable when it completes (Linux's forced unit access) */
#define REQ_PREFLUSH 0x02u /* writes completed before it are durable before it runs */
#define REQ_SYNC 0x04u

/* Completion status: 0 or a negative errno (-EIO, -EROFS, -EOPNOTSUPP, -EINVAL). */
typedef int blk_status_t;

/* One buffer of a bio: kernel memory in the direct map (kmalloc, page
 * allocator), so physically contiguous; not vmalloc. */
struct bio_vec {
	void *addr;
	uint32_t len;
};

struct gendisk;
struct request_queue;
struct blk_mq_hw_ctx;

struct bio {
	struct gendisk *disk;
	enum req_op op;
	unsigned int flags; /* REQ_* */
	uint64_t sector; /* in 512-byte sectors */
	uint32_t size; /* bytes: the vectors' total (DISCARD, WRITE_ZEROES: the range) */
	struct bio_vec *vecs;
	unsigned int nr_vecs;
	blk_status_t status;
	void (*end_io)(struct bio *bio); /* any context, interrupts may be off */
	void *private;
	struct bio *next; /* the following bio of its request */
};

/* What the device can take; the driver fills them before the first I/O. */
struct blk_limits {
	uint32_t logical_block_size; /* bytes, a power of two >= 512 */
	uint32_t max_sectors; /* per request */
	uint32_t max_segments; /* per request */
	uint32_t max_segment_size; /* bytes */
	uint32_t max_discard_sectors; /* 0: no DISCARD */
	uint32_t max_write_zeroes_sectors; /* 0: no WRITE_ZEROES */
	bool has_write_cache; /* FLUSH does something; without it FLUSH completes at once */
	bool has_fua; /* the device honours FUA itself; without it a flush follows */
	bool is_read_only;
};

/* Flush steps a durability request still needs (flush.c). */
#define BLK_FLUSH_PRE 0x1u
#define BLK_FLUSH_DATA 0x2u
#define BLK_FLUSH_POST 0x4u

struct request {
	struct request_queue *q;
	struct blk_mq_hw_ctx *hctx;
	enum req_op op; /* what the driver is asked now (FLUSH during flush steps) */
	unsigned int flags;
	uint64_t sector;
	uint32_t nr_bytes;
	unsigned int nr_segments;
	struct bio *bio, *biotail;
	unsigned int tag;
	unsigned int cpu; /* submitted here; completes here */
	blk_status_t status;
	uint64_t start_ns; /* inserted */
	uint64_t issue_ns; /* handed to the driver */
	uint64_t fifo_deadline_ns; /* mq-deadline */
	unsigned int flush_steps; /* BLK_FLUSH_* left */
	enum req_op data_op; /* the data step's op while flush steps run */
	bool is_in_flight; /* with the driver */
	struct list_head queuelist; /* plug, software queue, scheduler FIFO or dispatch list */
	struct rb_node rb_node; /* mq-deadline's sector order */
	struct request *done_next; /* remote completion list */
	void *pdu; /* the driver's cmd_size bytes, kernel direct-map memory */
};

/* Driver answers to queue_rq. */
#define BLK_STS_OK 0
#define BLK_STS_RESOURCE 1 /* busy: keep it, retry after a completion */

struct blk_mq_ops {
	/* Hands rq to the device (hctx->lock held, interrupts off): BLK_STS_OK,
	 * BLK_STS_RESOURCE, or a negative errno the core completes it with. The
	 * driver completes it later with blk_mq_complete_request(), never from
	 * inside this call. */
	int (*queue_rq)(struct blk_mq_hw_ctx *hctx, struct request *rq);
	/* After a batch of queue_rq calls: tell the device (kick). */
	void (*commit_rqs)(struct blk_mq_hw_ctx *hctx);
};

struct blk_mq_tag_set {
	const struct blk_mq_ops *ops;
	unsigned int nr_hw_queues;
	unsigned int queue_depth; /* requests at the driver per hardware queue */
	unsigned int nr_requests; /* tags per hardware queue; 0: queue_depth, twice that
				   * with a scheduler, so it has something to order */
	unsigned int cmd_size; /* driver bytes per request (rq->pdu) */
	unsigned int nr_cpus; /* software queues: CPUs that submit */
	void *driver_data;
	const char *elevator; /* "none", "mq-deadline", or NULL for the default */
};

struct elevator_type;

/* A hardware queue: everything here is under lock unless said otherwise. */
struct blk_mq_hw_ctx {
	struct request_queue *q;
	unsigned int index;
	struct spinlock lock;
	struct list_head dispatch; /* to (re)issue before anything else */
	struct request **rqs; /* by tag */
	uint16_t *free_tags; /* stack of free tags */
	unsigned int nr_free_tags;
	unsigned int nr_requests; /* tags */
	unsigned int nr_in_flight; /* at the driver, at most queue_depth */
	bool needs_restart; /* stopped for want of room: run again on a completion */
	void *sched_data;
	void *driver_data; /* the driver's (its virtqueue) */
	struct wait_queue_head tag_wait; /* submitters waiting for a free request */
	unsigned int next_ctx; /* where the none scheduler starts its round */
	/* statistics (under lock) */
	uint64_t nr_dispatched, nr_merged, nr_busy, nr_completed;
};

/* A CPU's software queue: requests the `none` scheduler holds. */
struct blk_mq_ctx {
	struct spinlock lock;
	struct list_head rq_list;
	unsigned int cpu;
	struct blk_mq_hw_ctx *hctx;
};

struct request_queue {
	struct blk_mq_tag_set *set;
	struct blk_limits limits;
	const struct elevator_type *elevator;
	unsigned int nr_hw_queues;
	struct blk_mq_hw_ctx *hctxs;
	unsigned int nr_ctxs;
	struct blk_mq_ctx *ctxs;
	struct gendisk *disk;
	uint32_t dev; /* major << 20 | minor, for trace events */
};

/* A task's plug: its bios wait (and merge) here until blk_finish_plug(). */
#define BLK_PLUG_MAX_REQUESTS 16
struct blk_plug {
	struct list_head rqs;
	unsigned int nr_rqs;
};

struct gendisk {
	char name[16]; /* vda, vdb, ... */
	unsigned int major, first_minor;
	uint64_t capacity_sectors;
	struct request_queue *queue;
	void *private_data;
	struct list_head link;
};

/* --- queues (blk_mq.c) --------------------------------------------------------------------- */
/* A queue with set->nr_hw_queues hardware queues, set->elevator's scheduler
 * (the default: mq-deadline for one hardware queue, none for more, as Linux).
 * Returns NULL when out of memory or the elevator is unknown. */
struct request_queue *blk_mq_alloc_queue(struct blk_mq_tag_set *set);
/* The queue must be idle. */
void blk_mq_free_queue(struct request_queue *q);

/* The hardware queue a CPU's requests go to. */
struct blk_mq_hw_ctx *blk_mq_map_queue(struct request_queue *q, unsigned int cpu);

/* Submits bio from this CPU: merges it into a waiting request or takes a
 * new one, into plug when not NULL. Returns 0 (taken, or completed with an
 * error status), or -EAGAIN when the hardware queue has no free request: the
 * caller flushes its plug, waits on that queue's tag_wait and tries again. */
int blk_mq_submit_bio(struct bio *bio, struct blk_plug *plug);

void blk_plug_init(struct blk_plug *plug);
/* Sorts the plug's requests, merges neighbours and inserts them. */
void blk_plug_flush(struct blk_plug *plug);

/* Dispatches what waits on the hardware queue, up to queue_depth in flight. */
void blk_mq_run_hw_queue(struct blk_mq_hw_ctx *hctx);
void blk_mq_run_hw_queues(struct request_queue *q);

/* The driver is done with rq: it completes on the CPU that submitted it (at
 * once when that is this one, else through blk_mq_raise_done_ipi()). */
void blk_mq_complete_request(struct request *rq, blk_status_t status);
/* Runs the completions queued for this CPU (the IPI's handler). */
void blk_mq_run_done_list(void);

/* Segments a bio needs at max_segment_size bytes each (vectors are not joined). */
unsigned int blk_bio_nr_segments(const struct bio *bio, uint32_t max_segment_size);

/* What the kernel (blk_glue.c) or a host test provides: an interrupt to cpu
 * that makes it call blk_mq_run_done_list(); waking hctx->tag_wait. */
void blk_mq_raise_done_ipi(unsigned int cpu);
void blk_mq_tags_freed(struct blk_mq_hw_ctx *hctx);

/* --- I/O schedulers (elevator.c, mq_deadline.c) --------------------------------------------- */
/* Scheduler calls, all with hctx->lock held. */
struct elevator_type {
	const char *name;
	int (*init_hctx)(struct blk_mq_hw_ctx *hctx);
	void (*exit_hctx)(struct blk_mq_hw_ctx *hctx);
	/* Merges bio into a waiting request if one is adjacent; true if it did. */
	bool (*bio_merge)(struct blk_mq_hw_ctx *hctx, struct bio *bio);
	void (*insert)(struct blk_mq_hw_ctx *hctx, struct request *rq);
	struct request *(*dispatch)(struct blk_mq_hw_ctx *hctx);
	bool (*has_work)(struct blk_mq_hw_ctx *hctx);
};

extern const struct elevator_type elevator_mq_deadline;
/* NULL for "none" (the software queues) or an unknown name. */
const struct elevator_type *elevator_find(const char *name, bool *is_known);

/* mq-deadline's tunables, Linux's defaults. */
#define DEADLINE_READ_EXPIRE_NS 500000000ull
#define DEADLINE_WRITE_EXPIRE_NS 5000000000ull
#define DEADLINE_FIFO_BATCH 16
#define DEADLINE_WRITES_STARVED 2

/* --- disks and synchronous I/O (genhd.c, kernel only) ---------------------------------------- */
#define BLOCK_VIRTIO_MAJOR 254 /* where Linux's virtio_blk usually lands */
#define BLOCK_MINORS_PER_DISK 16

/* Names the disk (prefix + a, b, ...), creates /dev/NAME and lists it. */
int add_disk(struct gendisk *disk, const char *prefix);
struct gendisk *blk_find_disk(const char *name);

/* Submits, waiting for a free request if need be (flushing the task's plug
 * first). */
void submit_bio(struct bio *bio);
/* Submits and sleeps until it completes; returns its status. */
blk_status_t submit_bio_wait(struct bio *bio);
/* The task's plug (Linux's current->plug). */
void blk_start_plug(struct blk_plug *plug);
void blk_finish_plug(struct blk_plug *plug);

/* Reads or writes len bytes (a multiple of the logical block size) at
 * sector, buf in the direct map; splits at the queue's limits. */
blk_status_t blkdev_rw(struct gendisk *disk, enum req_op op, unsigned int flags, uint64_t sector,
		       void *buf, uint32_t len);
/* REQ_OP_FLUSH: everything completed so far is durable. */
blk_status_t blkdev_issue_flush(struct gendisk *disk);

#endif
