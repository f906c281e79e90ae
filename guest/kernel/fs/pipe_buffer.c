/* See vitro/pipe.h. head and tail only grow; their difference is what is
 * buffered, and the data area wraps at a power-of-two size. */
#include <vitro/errno.h>
#include <vitro/pipe.h>
#include <vitro/slab.h>
#include <vitro/string.h>

#include <asm/poll.h>

static size_t round_capacity(size_t size)
{
	size_t cap = PIPE_MIN_SIZE;

	while (cap < size)
		cap <<= 1;
	return cap;
}

int pipe_buffer_init(struct pipe_buffer *p, size_t size)
{
	size_t cap = round_capacity(size);

	memset(p, 0, sizeof(*p));
	p->data = kmalloc(cap, GFP_KERNEL);
	if (!p->data)
		return -ENOMEM;
	p->size = cap;
	return 0;
}

void pipe_buffer_destroy(struct pipe_buffer *p)
{
	kfree(p->data);
	p->data = NULL;
}

static void copy_in(struct pipe_buffer *p, const uint8_t *src, size_t len)
{
	size_t offset = p->head & (p->size - 1), first = p->size - offset;

	if (first > len)
		first = len;
	memcpy(p->data + offset, src, first);
	memcpy(p->data, src + first, len - first);
	p->head += len;
}

static void copy_out(struct pipe_buffer *p, uint8_t *dst, size_t len)
{
	size_t offset = p->tail & (p->size - 1), first = p->size - offset;

	if (first > len)
		first = len;
	memcpy(dst, p->data + offset, first);
	memcpy(dst + first, p->data, len - first);
	p->tail += len;
}

int pipe_buffer_resize(struct pipe_buffer *p, size_t size)
{
	size_t cap = round_capacity(size), used = pipe_buffer_used(p);
	uint8_t *data;

	if (used > cap)
		return -EBUSY;
	if (cap == p->size)
		return 0;
	data = kmalloc(cap, GFP_ATOMIC);
	if (!data)
		return -ENOMEM;
	copy_out(p, data, used);
	kfree(p->data);
	p->data = data;
	p->size = cap;
	p->tail = 0;
	p->head = used;
	return 0;
}

long pipe_buffer_write(struct pipe_buffer *p, const void *src, size_t len)
{
	size_t room = p->size - pipe_buffer_used(p);

	if (!p->readers)
		return -EPIPE;
	if (!len)
		return 0;
	/* POSIX: up to PIPE_BUF bytes are never interleaved with other writers. */
	if (len <= PIPE_BUF ? room < len : room == 0)
		return -EAGAIN;
	if (len > room)
		len = room;
	copy_in(p, src, len);
	return (long)len;
}

long pipe_buffer_read(struct pipe_buffer *p, void *dst, size_t len)
{
	size_t used = pipe_buffer_used(p);

	if (!len)
		return 0;
	if (!used)
		return p->writers ? -EAGAIN : 0;
	if (len > used)
		len = used;
	copy_out(p, dst, len);
	return (long)len;
}

unsigned int pipe_buffer_poll_read(const struct pipe_buffer *p)
{
	unsigned int mask = 0;

	if (pipe_buffer_used(p))
		mask |= POLLIN | POLLRDNORM;
	if (!p->writers)
		mask |= POLLHUP;
	return mask;
}

unsigned int pipe_buffer_poll_write(const struct pipe_buffer *p)
{
	unsigned int mask = 0;

	/* Writable once an atomic write fits, as Linux's pipe_poll reports it. */
	if (p->size - pipe_buffer_used(p) >= PIPE_BUF)
		mask |= POLLOUT | POLLWRNORM;
	if (!p->readers)
		mask |= POLLERR;
	return mask;
}
