/* Kernel log output to the console, with Linux's log levels: messages above
 * the console log level (`loglevel=N`, `quiet`, `debug`) are not printed,
 * since every console byte is a VM exit. */
#ifndef VITRO_PRINTK_H
#define VITRO_PRINTK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vitro/compiler.h>

enum log_level {
	LOGLEVEL_EMERG = 0,
	LOGLEVEL_ERR = 3,
	LOGLEVEL_WARNING = 4,
	LOGLEVEL_NOTICE = 5,
	LOGLEVEL_INFO = 6,
	LOGLEVEL_DEBUG = 7,
};

extern int console_loglevel;

void printk_level(enum log_level level, const char *fmt, ...) __printf(2, 3);
void vprintk_level(enum log_level level, const char *fmt, va_list ap);

#define pr_emerg(...) printk_level(LOGLEVEL_EMERG, __VA_ARGS__)
#define pr_err(...) printk_level(LOGLEVEL_ERR, __VA_ARGS__)
#define pr_warn(...) printk_level(LOGLEVEL_WARNING, __VA_ARGS__)
#define pr_notice(...) printk_level(LOGLEVEL_NOTICE, __VA_ARGS__)
#define pr_info(...) printk_level(LOGLEVEL_INFO, __VA_ARGS__)
#define pr_debug(...) printk_level(LOGLEVEL_DEBUG, __VA_ARGS__)

struct printk_log_cursor;
struct printk_record;
struct poll_table;

/* A message from outside the kernel's printk (/dev/kmsg's writers): prio is
 * a syslog priority, facility << 3 | level. */
void printk_emit(unsigned int prio, const char *text, size_t len);

/* The kernel log (kernel_log.c; vitro/printk_log.h's ring). Appends one
 * record, stamped now. */
void kernel_log_append(unsigned int prio, const char *text, size_t len);
/* Under its lock: the record at the cursor (the oldest left if it was
 * overwritten), moving the cursor on. */
bool kernel_log_read(struct printk_log_cursor *c, struct printk_record *rec, char *text,
		     size_t text_size);
/* A cursor at the oldest record, or past the newest. */
void kernel_log_cursor_first(struct printk_log_cursor *c);
void kernel_log_cursor_end(struct printk_log_cursor *c);
uint64_t kernel_log_first_seq(void);
uint64_t kernel_log_next_seq(void);
size_t kernel_log_size(void);
/* Sleeps until a record after seq exists; -ERESTARTSYS on a signal. */
int kernel_log_wait(uint64_t seq);
/* A poll of the log: woken (within 50 ms) when records come. */
void kernel_log_poll_wait(struct poll_table *pt);

/* Registers the function that puts bytes on the console. */
void printk_set_console(void (*write)(const char *s, unsigned long len));

/* Prints the message and a backtrace, then ends the VM with GUEST_EXIT_PANIC. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* Ends the VM with this status through the exit port. */
__noreturn void machine_exit(int status);

#endif
