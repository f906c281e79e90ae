/* /dev/kmsg (char 1:11), Linux's structured view of the kernel log: each
 * read returns one record, "prio,seq,usec,-;text\n", from where this open
 * file is (EPIPE once if records it had not read were overwritten, EINVAL if
 * the buffer cannot hold the record); a write logs one message, with an
 * optional "<prio>" in front (facility user and level warning otherwise);
 * seeks go to the first or the next record. */
#include <asm/poll.h>
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/mutex.h>
#include <vitro/poll.h>
#include <vitro/printk.h>
#include <vitro/printk_log.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include "kmsg.h"
#include "mem.h"

#define KMSG_MINOR 11
#define KMSG_LINE_MAX (PRINTK_LOG_TEXT_MAX * 4 + 64) /* every byte escaped */
#define KMSG_WRITE_MAX 992 /* Linux's LOG_LINE_MAX: 1024 less its prefix room */
#define LOG_USER_FACILITY 1
#define DEFAULT_MESSAGE_LOGLEVEL 4

struct kmsg_reader {
	struct mutex lock;
	struct printk_log_cursor cursor;
	struct printk_record rec;
	char text[PRINTK_LOG_TEXT_MAX];
	char line[KMSG_LINE_MAX];
};

static int kmsg_open(struct inode *inode, struct file *file)
{
	struct kmsg_reader *r;

	(void)inode;
	if (!(file->f_mode & FMODE_READ))
		return 0;
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	kernel_log_cursor_first(&r->cursor);
	file->private_data = r;
	return 0;
}

static int kmsg_release(struct inode *inode, struct file *file)
{
	(void)inode;
	kfree(file->private_data);
	return 0;
}

/* One record into r->line; 0 at the end, -EPIPE if some were lost. */
static long kmsg_next_line(struct kmsg_reader *r)
{
	uint64_t want = r->cursor.seq;

	if (!kernel_log_read(&r->cursor, &r->rec, r->text, sizeof(r->text)))
		return 0;
	if (r->rec.seq != want) {
		/* Overwritten before this reader came: say so, then go on
		 * from the oldest record left (the one just read). */
		kernel_log_cursor_first(&r->cursor);
		return -EPIPE;
	}
	return (long)printk_record_format_kmsg(&r->rec, r->text, r->line, sizeof(r->line));
}

static long kmsg_read(struct file *file, void *buf, size_t count, int64_t *pos)
{
	struct kmsg_reader *r = file->private_data;
	long len;

	(void)pos;
	if (!r)
		return -EBADF;
	mutex_lock(&r->lock);
	for (;;) {
		struct printk_log_cursor before = r->cursor;

		len = kmsg_next_line(r);
		if (len > 0 && (size_t)len > count) {
			r->cursor = before; /* the caller may retry with room */
			len = -EINVAL;
		}
		if (len != 0)
			break;
		if (file->f_flags & O_NONBLOCK) {
			len = -EAGAIN;
			break;
		}
		mutex_unlock(&r->lock);
		len = kernel_log_wait(before.seq);
		mutex_lock(&r->lock);
		if (len)
			break;
	}
	if (len > 0)
		memcpy(buf, r->line, (size_t)len);
	mutex_unlock(&r->lock);
	return len;
}

/* "<N>" in front: N's level, and its facility when it names one. */
static unsigned int kmsg_parse_prio(const char **text, size_t *len)
{
	unsigned int prio = LOG_USER_FACILITY << 3 | DEFAULT_MESSAGE_LOGLEVEL, n = 0;
	size_t i = 1;

	if (*len < 3 || (*text)[0] != '<')
		return prio;
	while (i < *len && i < 12 && (*text)[i] >= '0' && (*text)[i] <= '9')
		n = n * 10 + (unsigned int)((*text)[i++] - '0');
	if (i == 1 || i >= *len || (*text)[i] != '>')
		return prio;
	prio = (n >> 3 ? n >> 3 : LOG_USER_FACILITY) << 3 | (n & 7);
	*text += i + 1;
	*len -= i + 1;
	return prio;
}

static long kmsg_write(struct file *file, const void *buf, size_t count, int64_t *pos)
{
	const char *text = buf;
	size_t len = count;
	unsigned int prio;

	(void)file, (void)pos;
	if (count > KMSG_WRITE_MAX)
		return -EINVAL;
	prio = kmsg_parse_prio(&text, &len);
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\0'))
		len--;
	printk_emit(prio, text, len);
	return (long)count;
}

static int64_t kmsg_llseek(struct file *file, int64_t offset, int whence)
{
	struct kmsg_reader *r = file->private_data;

	if (!r)
		return -EBADF;
	if (offset)
		return -ESPIPE;
	mutex_lock(&r->lock);
	switch (whence) {
	case SEEK_SET:
	case SEEK_DATA: /* Linux: after the last syslog CLEAR; all here */
		kernel_log_cursor_first(&r->cursor);
		break;
	case SEEK_END:
		kernel_log_cursor_end(&r->cursor);
		break;
	default:
		mutex_unlock(&r->lock);
		return -EINVAL;
	}
	mutex_unlock(&r->lock);
	return 0;
}

static unsigned int kmsg_poll(struct file *file, struct poll_table *wait)
{
	struct kmsg_reader *r = file->private_data;
	uint64_t seq;

	if (!r)
		return POLLERR | POLLNVAL;
	kernel_log_poll_wait(wait);
	seq = READ_ONCE(r->cursor.seq);
	if (seq < kernel_log_first_seq())
		return POLLIN | POLLRDNORM | POLLERR | POLLPRI;
	return seq < kernel_log_next_seq() ? POLLIN | POLLRDNORM : 0;
}

static const struct file_operations kmsg_fops = {
	.open = kmsg_open,
	.release = kmsg_release,
	.read = kmsg_read,
	.write = kmsg_write,
	.llseek = kmsg_llseek,
	.poll = kmsg_poll,
};

int kmsg_register(void)
{
	return chrdev_register(MKDEV(MEM_MAJOR, KMSG_MINOR), 1, &kmsg_fops);
}
