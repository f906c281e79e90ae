/* A pipe's buffer with Linux's semantics, without the waiting: the capacity
 * (64 KiB by default, F_SETPIPE_SZ later), writes of at most PIPE_BUF bytes
 * that go in whole or not at all, partial larger writes, EOF once the last
 * writer is gone, EPIPE once the last reader is. Whoever calls it holds the
 * pipe's lock and sleeps on -EAGAIN (unless O_NONBLOCK), woken when the
 * other side makes progress; builds for the host too. */
#ifndef VITRO_PIPE_H
#define VITRO_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/limits.h> /* PIPE_BUF */

#define PIPE_DEFAULT_SIZE (16 * 4096) /* Linux: 16 pages */
#define PIPE_MIN_SIZE 4096

struct pipe_buffer {
	uint8_t *data;
	size_t size; /* a power of two */
	uint64_t head, tail; /* bytes ever written and read */
	unsigned int readers, writers; /* open ends */
};

/* size rounded up to a power of two, at least PIPE_MIN_SIZE. -ENOMEM. */
int pipe_buffer_init(struct pipe_buffer *p, size_t size);
void pipe_buffer_destroy(struct pipe_buffer *p);
/* A new capacity (rounded as pipe_buffer_init's), keeping what is buffered:
 * -EBUSY if that would not fit, -ENOMEM. */
int pipe_buffer_resize(struct pipe_buffer *p, size_t size);

static inline size_t pipe_buffer_used(const struct pipe_buffer *p)
{
	return (size_t)(p->head - p->tail);
}

/* Copies in what the rules allow: len <= PIPE_BUF all or nothing, larger
 * writes as much as fits. Returns bytes written (> 0), -EPIPE with no
 * reader left (the caller raises SIGPIPE), -EAGAIN when nothing could be
 * written now (a blocking writer sleeps and tries again with the rest). */
long pipe_buffer_write(struct pipe_buffer *p, const void *src, size_t len);

/* Copies out up to len bytes. Returns bytes read (> 0), 0 at end of file
 * (empty, no writer left), -EAGAIN when empty with writers (sleep). len 0
 * returns 0. */
long pipe_buffer_read(struct pipe_buffer *p, void *dst, size_t len);

/* poll(2) bits for the read end and for the write end, as Linux's pipe_poll. */
unsigned int pipe_buffer_poll_read(const struct pipe_buffer *p);
unsigned int pipe_buffer_poll_write(const struct pipe_buffer *p);

#endif
