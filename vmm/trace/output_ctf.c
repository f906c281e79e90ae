/* The CTF writer (layout in ctf.h): events go into a packet buffer per vCPU,
 * written out as a packet whenever the next event would not fit. A
 * vCPU's lost count is known only at end(): it goes into the
 * events_discarded of an extra, empty last packet (a running count, so
 * every packet before says 0), from which babeltrace2 reports it. The
 * metadata is written at end() too, with the complete trace_info. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ctf.h"
#include "sinks.h"

struct ctf_stream {
	FILE *f;
	uint8_t *packet; /* CTF_PACKET_MAX_SIZE bytes */
	size_t used; /* preamble included */
	uint64_t ts_begin, ts_end; /* of the events in the packet */
	uint64_t prev_end; /* timestamp_end of the packet written before */
	bool has_events;
};

struct ctf_sink {
	struct trace_sink sink;
	char *dir;
	FILE *metadata;
	uint8_t uuid[CTF_UUID_SIZE];
	unsigned int nr_streams; /* the vCPUs', then vitro's if it has one */
	struct ctf_stream *streams;
	uint64_t last_ts_ns;
};

static struct ctf_sink *to_ctf(struct trace_sink *sink)
{
	return container_of(sink, struct ctf_sink, sink);
}

static void put_le(uint8_t *p, uint64_t v, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Fills in the preamble and writes the packet; discarded is the running count. */
static int write_packet(struct ctf_sink *s, uint32_t cpu, uint64_t ts_end, uint64_t discarded)
{
	struct ctf_stream *st = &s->streams[cpu];
	uint64_t begin = st->has_events ? st->ts_begin : st->prev_end;
	uint8_t *p = st->packet;

	if (ts_end < begin)
		ts_end = begin;
	put_le(p, CTF_MAGIC, 4);
	memcpy(p + 4, s->uuid, CTF_UUID_SIZE);
	put_le(p + 20, 0, 4);
	put_le(p + 24, begin, 8);
	put_le(p + 32, ts_end, 8);
	put_le(p + 40, (uint64_t)st->used * 8, 8);
	put_le(p + 48, (uint64_t)st->used * 8, 8);
	put_le(p + 56, discarded, 8);
	put_le(p + 64, cpu, 4);
	if (fwrite(p, 1, st->used, st->f) != st->used)
		return -EIO;
	st->used = CTF_PACKET_PREAMBLE_SIZE;
	st->has_events = false;
	st->prev_end = ts_end;
	return 0;
}

static int ctf_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct ctf_sink *s = to_ctf(sink);
	char path[4096];
	unsigned int i;

	s->nr_streams = trace_info_nr_streams(info);
	s->streams = calloc(s->nr_streams ? s->nr_streams : 1, sizeof(*s->streams));
	if (!s->streams)
		return -ENOMEM;
	for (i = 0; i < s->nr_streams; i++) {
		struct ctf_stream *st = &s->streams[i];

		if ((size_t)snprintf(path, sizeof(path), "%s/" CTF_STREAM_PREFIX "%u", s->dir, i) >=
		    sizeof(path))
			return -ENAMETOOLONG;
		st->packet = malloc(CTF_PACKET_MAX_SIZE);
		if (!st->packet)
			return -ENOMEM;
		st->used = CTF_PACKET_PREAMBLE_SIZE;
		st->f = fopen(path, "wb");
		if (!st->f)
			return -errno;
	}
	return 0;
}

static int ctf_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct ctf_sink *s = to_ctf(sink);
	const struct trace_event_desc *d = trace_event_desc_of(ev);
	size_t text_len = 0, size;
	const char *text = NULL;
	struct ctf_stream *st;
	uint8_t *p;
	int rc;

	if (ev->cpu >= s->nr_streams)
		return -EINVAL;
	st = &s->streams[ev->cpu];
	if (d->has_text) {
		text = trace_field_bytes(ev, &d->fields[d->nr_fields - 1], &text_len);
		if (text_len > TRACE_TEXT_MAX)
			text_len = TRACE_TEXT_MAX;
	}
	size = CTF_EVENT_HEADER_SIZE + d->fixed_size + (d->has_text ? text_len + 1 : 0);
	if (st->used + size > CTF_PACKET_MAX_SIZE) {
		rc = write_packet(s, ev->cpu, st->ts_end, 0);
		if (rc)
			return rc;
	}
	p = st->packet + st->used;
	put_le(p, ev->type, 2);
	put_le(p + 2, ev->ts_ns, 8);
	memcpy(p + CTF_EVENT_HEADER_SIZE, ev->payload, d->fixed_size);
	if (d->has_text) {
		memcpy(p + CTF_EVENT_HEADER_SIZE + d->fixed_size, text, text_len);
		p[size - 1] = '\0';
	}
	st->used += size;
	if (!st->has_events)
		st->ts_begin = ev->ts_ns;
	st->has_events = true;
	st->ts_end = ev->ts_ns;
	if (ev->ts_ns > s->last_ts_ns)
		s->last_ts_ns = ev->ts_ns;
	return 0;
}

static int ctf_end(struct trace_sink *sink, const struct trace_info *info)
{
	struct ctf_sink *s = to_ctf(sink);
	unsigned int i;
	int rc = 0;

	for (i = 0; i < s->nr_streams && !rc; i++) {
		struct ctf_stream *st = &s->streams[i];
		uint64_t lost = info->lost ? info->lost[i] : 0;

		rc = write_packet(s, i, st->has_events ? st->ts_end : st->prev_end, 0);
		/* babeltrace2 counts discarded events from the difference to
		 * the packet before, so the count gets a packet of its own,
		 * reaching to the end of the trace. */
		if (!rc && lost)
			rc = write_packet(s, i, s->last_ts_ns, lost);
		if (fclose(st->f) && !rc)
			rc = -errno;
		st->f = NULL;
	}
	if (rc)
		return rc;
	ctf_metadata_write(s->metadata, s->uuid, info);
	return trace_file_finish(&s->metadata);
}

static void ctf_destroy(struct trace_sink *sink)
{
	struct ctf_sink *s = to_ctf(sink);
	unsigned int i;

	for (i = 0; s->streams && i < s->nr_streams; i++) {
		if (s->streams[i].f)
			fclose(s->streams[i].f);
		free(s->streams[i].packet);
	}
	if (s->metadata)
		fclose(s->metadata);
	free(s->streams);
	free(s->dir);
	free(s);
}

/* A random (version 4) UUID ties the streams to their metadata. */
static int make_uuid(uint8_t uuid[CTF_UUID_SIZE])
{
	if (getrandom(uuid, CTF_UUID_SIZE, 0) != CTF_UUID_SIZE)
		return -errno;
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	return 0;
}

struct trace_sink *ctf_sink_create(const char *dir, struct vitro_error *err)
{
	struct ctf_sink *s = calloc(1, sizeof(*s));
	char path[4096];
	int rc;

	if (!s || !(s->dir = strdup(dir))) {
		free(s);
		vitro_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	s->sink = (struct trace_sink){ ctf_begin, ctf_event, ctf_end, ctf_destroy };
	rc = make_uuid(s->uuid);
	if (rc) {
		vitro_error_set(err, rc, "cannot make a trace uuid: %s", strerror(-rc));
		goto err_free;
	}
	snprintf(path, sizeof(path), "%s/" CTF_METADATA_NAME, dir);
	/* Opened now so that an unwritable directory fails before the guest runs. */
	s->metadata = fopen(path, "w");
	if (!s->metadata) {
		vitro_error_set(err, -errno,
				"cannot create %s: %s (check that the directory is writable)", path,
				strerror(errno));
		goto err_free;
	}
	return &s->sink;

err_free:
	ctf_destroy(&s->sink);
	return NULL;
}
