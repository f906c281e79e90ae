/* See ring_reader.h. The guest may change anything in its ring at any time,
 * so each record is copied out first and only the copy is checked and used. */
#include "ring_reader.h"

#include <string.h>

#include "trace.h"

void ring_reader_init(struct ring_reader *r, void *ring, uint32_t cpu, uint64_t data_size)
{
	struct trace_ring_header *h = ring;

	memset(r, 0, sizeof(*r));
	memset(h, 0, sizeof(*h));
	h->magic = TRACE_RING_MAGIC;
	h->version = TRACE_RING_VERSION;
	h->cpu = cpu;
	h->header_size = TRACE_RING_HEADER_SIZE;
	h->data_size = data_size;
	r->header = h;
	r->data = (uint8_t *)ring + TRACE_RING_HEADER_SIZE;
	r->data_size = data_size;
}

static void ring_copy_out(const struct ring_reader *r, uint64_t pos, void *dst, uint64_t len)
{
	uint64_t offset = pos & (r->data_size - 1), first = r->data_size - offset;

	if (first > len)
		first = len;
	memcpy(dst, r->data + offset, first);
	memcpy((uint8_t *)dst + first, r->data, len - first);
}

/* Whether a record's header and length fit its event type. Events without a
 * text field are exactly their fixed part, padded to the alignment. */
static int record_valid(const struct trace_record *rec, uint64_t avail)
{
	const struct trace_event_desc *d;
	uint64_t payload;

	if (rec->size < sizeof(*rec) || rec->size > TRACE_RECORD_MAX || rec->size > avail ||
	    rec->size % TRACE_RECORD_ALIGN || rec->type == TRACE_EVENT_NONE ||
	    rec->type >= TRACE_NR_EVENTS)
		return 0;
	d = &trace_event_descs[rec->type];
	payload = rec->size - sizeof(*rec);
	if (payload < d->fixed_size)
		return 0;
	return d->has_text || payload < d->fixed_size + TRACE_RECORD_ALIGN;
}

uint64_t ring_reader_drain(struct ring_reader *r, ring_record_fn fn, void *opaque)
{
	uint8_t buf[TRACE_RECORD_MAX];
	struct trace_record rec;
	uint64_t head = __atomic_load_n(&r->header->head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->tail, done = 0;

	if (head - tail > r->data_size) {
		r->corrupt_bytes += r->data_size;
		tail = head;
	}
	while (head != tail) {
		uint64_t avail = head - tail;

		if (avail < sizeof(rec))
			goto corrupt;
		ring_copy_out(r, tail, &rec, sizeof(rec));
		if (!record_valid(&rec, avail))
			goto corrupt;
		ring_copy_out(r, tail + sizeof(rec), buf, rec.size - sizeof(rec));
		fn(opaque, rec.type, rec.tsc, buf, rec.size - sizeof(rec));
		tail += rec.size;
		done++;
		continue;
corrupt:
		r->corrupt_bytes += avail;
		tail = head;
	}
	r->records += done;
	r->tail = tail;
	__atomic_store_n(&r->header->tail, tail, __ATOMIC_RELEASE);
	return done;
}

uint64_t ring_reader_lost(const struct ring_reader *r)
{
	return __atomic_load_n(&r->header->lost, __ATOMIC_RELAXED);
}
