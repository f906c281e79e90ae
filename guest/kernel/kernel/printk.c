/* printk: format into a line buffer, keep it in the kernel log (dmesg),
 * then hand it to the console in one write. Newlines become CR LF, as a serial console expects. One line at a
 * time reaches the console: CPUs wait for each other, but only so long, so a
 * CPU that crashed while printing cannot silence the others' reports. */
#include <vitro/cpu.h>
#include <vitro/format.h>
#include <vitro/printk.h>
#include <vitro/printk_log.h>
#include <vitro/spinlock.h>
#include <vitro/time.h>
#include <vitro/trace.h>

#define CONSOLE_LOCK_SPINS 10000000

#define PRINTK_LINE_MAX 512

int console_loglevel = LOGLEVEL_INFO;
static void (*console_write_fn)(const char *s, unsigned long len);
static struct spinlock console_lock = SPINLOCK_INIT;

/* Linux's default size (CONFIG_LOG_BUF_SHIFT=17); untouched pages cost nothing. */
static uint8_t kernel_log_buf[128 * 1024] __attribute__((aligned(8)));
static struct printk_log kernel_log = { .buf = kernel_log_buf, .size = sizeof(kernel_log_buf) };
static struct spinlock kernel_log_lock = SPINLOCK_INIT;

bool kernel_log_read(struct printk_log_cursor *c, struct printk_record *rec, char *text,
		     size_t text_size)
{
	unsigned long flags = spin_lock_irqsave(&kernel_log_lock);
	bool found = printk_log_read(&kernel_log, c, rec, text, text_size);

	spin_unlock_irqrestore(&kernel_log_lock, flags);
	return found;
}

void kernel_log_cursor(struct printk_log_cursor *c, uint64_t seq)
{
	unsigned long flags = spin_lock_irqsave(&kernel_log_lock);

	/* Where seq is, walking from the oldest; past the end stays there. */
	if (seq >= kernel_log.next_seq) {
		printk_log_cursor_end(&kernel_log, c);
	} else {
		struct printk_record rec;

		printk_log_cursor_first(&kernel_log, c);
		while (c->seq < seq && printk_log_read(&kernel_log, c, &rec, NULL, 0))
			;
	}
	spin_unlock_irqrestore(&kernel_log_lock, flags);
}

uint64_t kernel_log_next_seq(void)
{
	return READ_ONCE(kernel_log.next_seq);
}

size_t kernel_log_size(void)
{
	return kernel_log.size;
}

static void kernel_log_append(enum log_level level, const char *line, int len)
{
	unsigned long flags = local_irq_save();
	unsigned int spins = 0;
	bool locked;

	/* As the console: a CPU that died holding the lock cannot silence us. */
	while (!(locked = raw_spin_trylock(&kernel_log_lock)) && ++spins < CONSOLE_LOCK_SPINS)
		cpu_relax();
	if (locked) {
		printk_log_append(&kernel_log, ktime_get_ns(), level, line, (size_t)len);
		raw_spin_unlock(&kernel_log_lock);
	}
	local_irq_restore(flags);
}

static void console_write_locked(const char *s, unsigned long len)
{
	unsigned long flags = local_irq_save();
	unsigned int spins = 0;
	bool locked;

	while (!(locked = raw_spin_trylock(&console_lock)) && ++spins < CONSOLE_LOCK_SPINS)
		cpu_relax();
	console_write_fn(s, len);
	if (locked)
		raw_spin_unlock(&console_lock);
	local_irq_restore(flags);
}

void printk_set_console(void (*write)(const char *s, unsigned long len))
{
	console_write_fn = write;
}

/* Every message goes to the trace ring when printk tracing is on, whatever the console log
 * level: the ring is the cheap place for bulk kernel messages. */
static void trace_printk_line(enum log_level level, const char *line, int len)
{
	struct trace_ev_console ev = { .level = level };

	if (len > 0 && line[len - 1] == '\n')
		len--;
	trace_write(TRACE_EVENT_console, &ev, sizeof(ev), line, len);
}

void vprintk_level(enum log_level level, const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX], out[2 * PRINTK_LINE_MAX];
	int n, i, j = 0;

	bool to_console = (int)level <= console_loglevel && console_write_fn;

	n = format_vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	kernel_log_append(level, line, n);
	if (trace_enabled(console))
		trace_printk_line(level, line, n);
	if (!to_console)
		return;
	for (i = 0; i < n; i++) {
		if (line[i] == '\n')
			out[j++] = '\r';
		out[j++] = line[i];
	}
	console_write_locked(out, j);
}

void printk_level(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_level(level, fmt, ap);
	va_end(ap);
}
