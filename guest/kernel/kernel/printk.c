/* printk: format into a line buffer, keep it in the kernel log (dmesg,
 * kernel_log.c), then hand it to the console in one write. Newlines become CR LF, as a serial console expects. One line at a
 * time reaches the console: CPUs wait for each other, but only so long, so a
 * CPU that crashed while printing cannot silence the others' reports. */
#include <vitro/cpu.h>
#include <vitro/format.h>
#include <vitro/printk.h>
#include <vitro/spinlock.h>
#include <vitro/trace.h>

#define CONSOLE_LOCK_SPINS 10000000

#define PRINTK_LINE_MAX 512

int console_loglevel = LOGLEVEL_INFO;
static void (*console_write_fn)(const char *s, unsigned long len);
static struct spinlock console_lock = SPINLOCK_INIT;

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

/* Newlines as CR LF, in one console write. */
static void console_print(const char *line, int n)
{
	char out[2 * PRINTK_LINE_MAX];
	int i, j = 0;

	for (i = 0; i < n && j < (int)sizeof(out) - 1; i++) {
		if (line[i] == '\n')
			out[j++] = '\r';
		out[j++] = line[i];
	}
	console_write_locked(out, j);
}

void vprintk_level(enum log_level level, const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	int n;

	n = format_vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	kernel_log_append(level, line, (size_t)n);
	if (trace_enabled(console))
		trace_printk_line(level, line, n);
	if ((int)level <= console_loglevel && console_write_fn)
		console_print(line, n);
}

void printk_emit(unsigned int prio, const char *text, size_t len)
{
	char line[PRINTK_LINE_MAX];
	int n = format_snprintf(line, sizeof(line), "%.*s\n", (int)len, text);

	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	kernel_log_append(prio, text, len);
	if (trace_enabled(console))
		trace_printk_line((enum log_level)(prio & 7), line, n);
	if ((int)(prio & 7) <= console_loglevel && console_write_fn)
		console_print(line, n);
}

void printk_level(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_level(level, fmt, ap);
	va_end(ap);
}
