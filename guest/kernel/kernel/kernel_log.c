/* The kernel log: printk's records (vitro/printk_log.h's ring) and the
 * readers that wait for more (syslog(2), /dev/kmsg). */
#include <vitro/cpu.h>
#include <vitro/poll.h>
#include <vitro/printk.h>
#include <vitro/printk_log.h>
#include <vitro/signal.h>
#include <vitro/spinlock.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/wait.h>

/* As printk's console: a CPU that died holding the lock cannot silence us. */
#define LOG_LOCK_SPINS 10000000

/* Linux's default size (CONFIG_LOG_BUF_SHIFT=17); untouched pages cost nothing. */
static uint8_t kernel_log_buf[128 * 1024] __attribute__((aligned(8)));
static struct printk_log kernel_log = { .buf = kernel_log_buf, .size = sizeof(kernel_log_buf) };
static struct spinlock kernel_log_lock = SPINLOCK_INIT;

/* Readers waiting for new records (syslog's READ, /dev/kmsg). printk runs
 * anywhere, with any lock held, so it wakes nobody itself: while anyone
 * waits, a timer looks every LOG_WAKE_NS and wakes them if records came
 * (Linux defers printk's wake-ups to irq_work for the same reason). */
#define LOG_WAKE_NS (50 * NSEC_PER_MSEC)

static struct wait_queue_head log_wait = WAIT_QUEUE_HEAD_INIT(log_wait);
static struct spinlock log_wake_lock = SPINLOCK_INIT;
static struct timer log_wake_timer;
static bool is_log_wake_armed;
static uint64_t log_woken_seq;

static void log_wake_tick(struct timer *timer)
{
	uint64_t seq = READ_ONCE(kernel_log.next_seq);
	unsigned long flags;

	if (seq != log_woken_seq) {
		log_woken_seq = seq;
		wake_up_all(&log_wait);
	}
	flags = spin_lock_irqsave(&log_wake_lock);
	if (wait_queue_active(&log_wait))
		timer_arm(timer, ktime_get_ns() + LOG_WAKE_NS);
	else
		is_log_wake_armed = false;
	spin_unlock_irqrestore(&log_wake_lock, flags);
}

/* After queueing on log_wait: the timer sees the waiter. */
static void log_wake_arm(void)
{
	unsigned long flags = spin_lock_irqsave(&log_wake_lock);

	if (!is_log_wake_armed) {
		is_log_wake_armed = true;
		if (!log_wake_timer.fn)
			timer_init(&log_wake_timer, log_wake_tick);
		log_woken_seq = READ_ONCE(kernel_log.next_seq);
		timer_arm(&log_wake_timer, ktime_get_ns() + LOG_WAKE_NS);
	}
	spin_unlock_irqrestore(&log_wake_lock, flags);
}

int kernel_log_wait(uint64_t seq)
{
	struct wait_queue_entry wait;
	int err = 0;

	wait_queue_entry_init(&wait);
	for (;;) {
		prepare_to_wait(&log_wait, &wait, TASK_INTERRUPTIBLE);
		log_wake_arm();
		if (READ_ONCE(kernel_log.next_seq) > seq)
			break;
		if (signal_pending(current)) {
			err = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&log_wait, &wait);
	return err;
}

void kernel_log_poll_wait(struct poll_table *pt)
{
	poll_wait(pt, &log_wait);
	log_wake_arm();
}

bool kernel_log_read(struct printk_log_cursor *c, struct printk_record *rec, char *text,
		     size_t text_size)
{
	unsigned long flags = spin_lock_irqsave(&kernel_log_lock);
	bool found = printk_log_read(&kernel_log, c, rec, text, text_size);

	spin_unlock_irqrestore(&kernel_log_lock, flags);
	return found;
}

void kernel_log_cursor_first(struct printk_log_cursor *c)
{
	unsigned long flags = spin_lock_irqsave(&kernel_log_lock);

	printk_log_cursor_first(&kernel_log, c);
	spin_unlock_irqrestore(&kernel_log_lock, flags);
}

void kernel_log_cursor_end(struct printk_log_cursor *c)
{
	unsigned long flags = spin_lock_irqsave(&kernel_log_lock);

	printk_log_cursor_end(&kernel_log, c);
	spin_unlock_irqrestore(&kernel_log_lock, flags);
}

uint64_t kernel_log_next_seq(void)
{
	return READ_ONCE(kernel_log.next_seq);
}

uint64_t kernel_log_first_seq(void)
{
	return READ_ONCE(kernel_log.first_seq);
}

size_t kernel_log_size(void)
{
	return kernel_log.size;
}

void kernel_log_append(unsigned int prio, const char *line, size_t len)
{
	unsigned long flags = local_irq_save();
	unsigned int spins = 0;
	bool locked;

	while (!(locked = raw_spin_trylock(&kernel_log_lock)) && ++spins < LOG_LOCK_SPINS)
		cpu_relax();
	if (locked) {
		printk_log_append(&kernel_log, ktime_get_ns(), prio, line, len);
		raw_spin_unlock(&kernel_log_lock);
	}
	local_irq_restore(flags);
}
