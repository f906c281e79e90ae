/* The kernel log: every printk message as a record (sequence number, time,
 * level, text) in a ring of bytes, the oldest records giving way to new
 * ones, as Linux's printk buffer. dmesg reads it through syslog(2) and
 * /dev/kmsg. The ring itself is plain data, host-tested; the kernel's one
 * instance and its locking are in printk.c. */
#ifndef VITRO_PRINTK_LOG_H
#define VITRO_PRINTK_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRINTK_LOG_TEXT_MAX 1000 /* longer messages are cut */

struct printk_log {
	uint8_t *buf;
	size_t size;
	size_t head; /* byte offset where the next record goes */
	size_t tail; /* byte offset of the oldest record (first_seq) */
	uint64_t first_seq; /* the oldest record still here */
	uint64_t next_seq; /* the record the next append gets */
};

/* Where a reader is: a record's sequence number and its offset in the ring
 * (checked against the record there, so a cursor past overwritten records
 * moves on to the oldest one left). */
struct printk_log_cursor {
	uint64_t seq;
	size_t offset;
};

struct printk_record {
	uint64_t seq;
	uint64_t ts_ns;
	unsigned int level; /* facility << 3 | log level, as syslog priorities */
	size_t len; /* text bytes, no trailing newline */
};

/* A log over size bytes of buf (a multiple of 8, at least 64). */
void printk_log_init(struct printk_log *log, void *buf, size_t size);

/* Appends a message (a trailing newline is dropped), overwriting the
 * oldest records as needed. */
void printk_log_append(struct printk_log *log, uint64_t ts_ns, unsigned int level, const char *text,
		       size_t len);

/* A cursor at the oldest record, or past the newest. */
void printk_log_cursor_first(const struct printk_log *log, struct printk_log_cursor *c);
void printk_log_cursor_end(const struct printk_log *log, struct printk_log_cursor *c);

/* The record at the cursor, or the oldest one left if it was overwritten:
 * fills *rec, copies up to text_size bytes of its text, and moves the cursor
 * to the next record. False when the cursor is past the newest record. */
bool printk_log_read(const struct printk_log *log, struct printk_log_cursor *c,
		     struct printk_record *rec, char *text, size_t text_size);

/* Formats a record as syslog(2) gives it: "<L>[seconds.micros] text\n".
 * Returns the length it needs; writes at most size bytes (no NUL). */
size_t printk_record_format_syslog(const struct printk_record *rec, const char *text, char *out,
				   size_t size);

/* Formats a record as /dev/kmsg gives it: "prio,seq,usec,-;text\n" with
 * non-printable bytes as \xNN. Returns the length it needs. */
size_t printk_record_format_kmsg(const struct printk_record *rec, const char *text, char *out,
				 size_t size);

#endif
