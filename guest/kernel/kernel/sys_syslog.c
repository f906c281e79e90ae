/* syslog(2) (glibc's klogctl(), busybox's dmesg and klogd): the kernel log
 * as "<level>[seconds] text" lines, Linux's actions and answers. */
#include <vitro/errno.h>
#include <vitro/mutex.h>
#include <vitro/printk.h>
#include <vitro/printk_log.h>
#include <vitro/signal.h>
#include <vitro/slab.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/uaccess.h>

enum syslog_action {
	SYSLOG_ACTION_CLOSE,
	SYSLOG_ACTION_OPEN,
	SYSLOG_ACTION_READ,
	SYSLOG_ACTION_READ_ALL,
	SYSLOG_ACTION_READ_CLEAR,
	SYSLOG_ACTION_CLEAR,
	SYSLOG_ACTION_CONSOLE_OFF,
	SYSLOG_ACTION_CONSOLE_ON,
	SYSLOG_ACTION_CONSOLE_LEVEL,
	SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

#define MINIMUM_CONSOLE_LOGLEVEL 1 /* Linux's: emergencies and alerts only */
#define LINE_MAX (PRINTK_LOG_TEXT_MAX + 48)

/* READ's place (destructive reads) and where READ_ALL starts (CLEAR); a
 * zeroed cursor is the first record ever, or the oldest one left. */
static struct mutex syslog_lock = MUTEX_INIT(syslog_lock);
static struct printk_log_cursor syslog_cursor, clear_cursor;
static int saved_console_loglevel = -1;

struct syslog_line {
	struct printk_record rec;
	char text[PRINTK_LOG_TEXT_MAX];
	char line[LINE_MAX];
	size_t len;
};

/* The record at c as a syslog line; false past the newest. */
static bool read_line(struct printk_log_cursor *c, struct syslog_line *l)
{
	if (!kernel_log_read(c, &l->rec, l->text, sizeof(l->text)))
		return false;
	l->len = printk_record_format_syslog(&l->rec, l->text, l->line, sizeof(l->line));
	return true;
}

/* Copies whole lines from *c on while they fit in len (the first one cut
 * if even it does not), moving *c past them; returns the bytes copied. */
static long copy_lines(uint64_t ubuf, size_t len, struct printk_log_cursor *c,
		       struct syslog_line *l)
{
	size_t done = 0;

	while (done < len) {
		struct printk_log_cursor before = *c;
		size_t n;

		if (!read_line(c, l))
			break;
		n = l->len;
		if (done + n > len) {
			if (done) {
				*c = before;
				break;
			}
			n = len;
		}
		if (copy_to_user(ubuf + done, l->line, n))
			return -EFAULT;
		done += n;
	}
	return (long)done;
}

/* The bytes the lines from c to the newest take. */
static size_t lines_size(struct printk_log_cursor c, struct syslog_line *l)
{
	size_t total = 0;

	while (kernel_log_read(&c, &l->rec, NULL, 0))
		total += printk_record_format_syslog(&l->rec, "", l->line, 0);
	return total;
}

static long syslog_read(uint64_t ubuf, int len, struct syslog_line *l)
{
	long ret;

	if (!ubuf || len < 0)
		return -EINVAL;
	if (!len)
		return 0;
	if (!access_ok(ubuf, (size_t)len))
		return -EFAULT;
	for (;;) {
		uint64_t seq;

		mutex_lock(&syslog_lock);
		/* Past overwritten records: from the oldest left. */
		if (syslog_cursor.seq < kernel_log_first_seq())
			kernel_log_cursor_first(&syslog_cursor);
		seq = syslog_cursor.seq;
		if (seq < kernel_log_next_seq())
			break;
		mutex_unlock(&syslog_lock);
		ret = kernel_log_wait(seq);
		if (ret)
			return ret;
	}
	ret = copy_lines(ubuf, (size_t)len, &syslog_cursor, l);
	mutex_unlock(&syslog_lock);
	return ret;
}

/* The newest lines since the last CLEAR that fit in len, oldest first. */
static long syslog_read_all(uint64_t ubuf, int len, bool clear, struct syslog_line *l)
{
	struct printk_log_cursor c, end;
	size_t total;
	long ret;

	if (!ubuf || len < 0)
		return -EINVAL;
	if (!access_ok(ubuf, (size_t)len))
		return -EFAULT;
	mutex_lock(&syslog_lock);
	kernel_log_cursor_end(&end);
	c = clear_cursor;
	total = lines_size(c, l);
	while (total > (size_t)len && read_line(&c, l))
		total -= l->len;
	ret = copy_lines(ubuf, (size_t)len, &c, l);
	if (clear && ret >= 0)
		clear_cursor = end;
	mutex_unlock(&syslog_lock);
	return ret;
}

static long syslog_console(int action, int level)
{
	switch (action) {
	case SYSLOG_ACTION_CONSOLE_OFF:
		if (saved_console_loglevel < 0)
			saved_console_loglevel = console_loglevel;
		console_loglevel = MINIMUM_CONSOLE_LOGLEVEL;
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		if (saved_console_loglevel >= 0) {
			console_loglevel = saved_console_loglevel;
			saved_console_loglevel = -1;
		}
		return 0;
	default:
		if (level < 1 || level > 8)
			return -EINVAL;
		console_loglevel =
			level < MINIMUM_CONSOLE_LOGLEVEL ? MINIMUM_CONSOLE_LOGLEVEL : level;
		saved_console_loglevel = -1; /* CONSOLE_ON restores nothing now */
		return 0;
	}
}

SYSCALL_DEFINE3(syslog, int, type, uint64_t, ubuf, int, len)
{
	struct syslog_line *l;
	long ret;

	if (type < SYSLOG_ACTION_CLOSE || type > SYSLOG_ACTION_SIZE_BUFFER)
		return -EINVAL;
	/* Reading everything and the size are open to all (dmesg_restrict=0);
	 * the rest is for root, as CAP_SYSLOG. */
	if (type != SYSLOG_ACTION_READ_ALL && type != SYSLOG_ACTION_SIZE_BUFFER &&
	    current->euid != 0)
		return -EPERM;
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_CLEAR:
		mutex_lock(&syslog_lock);
		kernel_log_cursor_end(&clear_cursor);
		mutex_unlock(&syslog_lock);
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return syslog_console(type, len);
	case SYSLOG_ACTION_SIZE_BUFFER:
		return (long)kernel_log_size();
	default:
		break;
	}
	l = kmalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	if (type == SYSLOG_ACTION_READ) {
		ret = syslog_read(ubuf, len, l);
	} else if (type == SYSLOG_ACTION_SIZE_UNREAD) {
		mutex_lock(&syslog_lock);
		ret = (long)lines_size(syslog_cursor, l);
		mutex_unlock(&syslog_lock);
	} else {
		ret = syslog_read_all(ubuf, len, type == SYSLOG_ACTION_READ_CLEAR, l);
	}
	kfree(l);
	return ret;
}
