/* Reads a CTF trace vitro wrote (layout in ctf.h) back into events: the
 * metadata says which event each id is and checks the fields are this
 * build's; each stream file is then parsed packet by packet, trusting no
 * size, offset or id it holds. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../files.h"
#include "ctf.h"
#include "event_store.h"

/* Big enough for any trace that fits in memory. */
#define CTF_STREAM_MAX_SIZE ((uint64_t)SIZE_MAX / 2)

static uint64_t get_le(const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

struct ctf_packet {
	uint64_t ts_begin, ts_end;
	uint64_t content_bytes, packet_bytes;
	uint64_t discarded;
	uint32_t cpu;
};

static int packet_error(struct vitro_error *err, const char *name, size_t pos, const char *what)
{
	return vitro_error_set(err, -EINVAL, "%s: packet at byte %zu: %s", name, pos, what);
}

static int parse_preamble(const uint8_t *p, size_t avail, const struct ctf_metadata *md,
			  struct ctf_packet *pkt, const char **what)
{
	uint64_t content_bits, packet_bits;

	*what = NULL;
	if (avail < CTF_PACKET_PREAMBLE_SIZE)
		*what = "truncated packet header";
	else if (get_le(p, 4) != CTF_MAGIC)
		*what = "bad magic";
	else if (memcmp(p + 4, md->uuid, CTF_UUID_SIZE))
		*what = "uuid differs from the metadata's (a stream of another trace)";
	else if (get_le(p + 20, 4) != 0)
		*what = "unknown stream class";
	if (*what)
		return -EINVAL;
	pkt->ts_begin = get_le(p + 24, 8);
	pkt->ts_end = get_le(p + 32, 8);
	content_bits = get_le(p + 40, 8);
	packet_bits = get_le(p + 48, 8);
	pkt->discarded = get_le(p + 56, 8);
	pkt->cpu = (uint32_t)get_le(p + 64, 4);
	pkt->content_bytes = content_bits / 8;
	pkt->packet_bytes = packet_bits / 8;
	if (content_bits % 8 || packet_bits % 8 || content_bits > packet_bits ||
	    pkt->content_bytes < CTF_PACKET_PREAMBLE_SIZE || pkt->packet_bytes > avail)
		*what = "content_size or packet_size out of bounds";
	else if (pkt->ts_end < pkt->ts_begin)
		*what = "packet ends before it begins";
	else if (pkt->cpu >= md->nr_cpus + (md->has_vmm_stream ? 1u : 0u))
		*what = "cpu_id beyond the trace's CPUs";
	return *what ? -EINVAL : 0;
}

/* The events of one packet, between its preamble and content end. */
static int parse_events(const uint8_t *p, const struct ctf_packet *pkt,
			const struct ctf_metadata *md, ctf_event_fn fn, void *opaque,
			uint64_t *nr_events, const char **what)
{
	size_t pos = CTF_PACKET_PREAMBLE_SIZE, end = (size_t)pkt->content_bytes;
	int rc;

	while (pos < end) {
		const struct trace_event_desc *d;
		struct trace_event ev = { 0 };
		size_t text_len = 0;
		uint64_t id;

		if (end - pos < CTF_EVENT_HEADER_SIZE) {
			*what = "truncated event header";
			return -EINVAL;
		}
		id = get_le(p + pos, 2);
		ev.type = id < CTF_MAX_EVENT_IDS ? md->types[id] : TRACE_EVENT_NONE;
		if (ev.type == TRACE_EVENT_NONE) {
			*what = "event id the metadata does not declare";
			return -EINVAL;
		}
		d = &trace_event_descs[ev.type];
		ev.ts_ns = get_le(p + pos + 2, 8);
		pos += CTF_EVENT_HEADER_SIZE;
		if (end - pos < d->fixed_size) {
			*what = "truncated event";
			return -EINVAL;
		}
		if (d->has_text) {
			const uint8_t *nul =
				memchr(p + pos + d->fixed_size, 0, end - pos - d->fixed_size);

			text_len = nul ? (size_t)(nul - (p + pos + d->fixed_size)) : SIZE_MAX;
			if (text_len > TRACE_TEXT_MAX) {
				*what = "text not terminated or too long";
				return -EINVAL;
			}
		}
		ev.cpu = pkt->cpu;
		ev.size = (uint16_t)(d->fixed_size + text_len);
		ev.payload = p + pos;
		pos += d->fixed_size + (d->has_text ? text_len + 1 : 0);
		(*nr_events)++;
		rc = fn(opaque, &ev);
		if (rc)
			return rc;
	}
	return 0;
}

int ctf_stream_parse(const uint8_t *data, size_t size, const struct ctf_metadata *md,
		     const char *name, ctf_event_fn fn, void *opaque,
		     struct ctf_stream_summary *summary, struct vitro_error *err)
{
	struct ctf_packet pkt;
	const char *what;
	size_t pos = 0;
	int rc;

	memset(summary, 0, sizeof(*summary));
	while (pos < size) {
		if (parse_preamble(data + pos, size - pos, md, &pkt, &what))
			return packet_error(err, name, pos, what);
		if (summary->nr_packets && pkt.cpu != summary->cpu)
			return packet_error(err, name, pos,
					    "cpu_id differs from the packet before");
		if (summary->nr_packets && pkt.discarded < summary->discarded)
			return packet_error(err, name, pos, "events_discarded went down");
		summary->cpu = pkt.cpu;
		summary->discarded = pkt.discarded;
		summary->nr_packets++;
		what = NULL;
		rc = parse_events(data + pos, &pkt, md, fn, opaque, &summary->nr_events, &what);
		if (rc)
			return what ? packet_error(err, name, pos, what) : rc;
		pos += (size_t)pkt.packet_bytes;
	}
	if (!summary->nr_packets)
		return vitro_error_set(err, -EINVAL, "%s: no packets", name);
	return 0;
}

static int store_event(void *opaque, const struct trace_event *ev)
{
	return event_store_add(opaque, ev);
}

static int read_metadata(const char *dir, struct ctf_metadata *md, struct vitro_error *err)
{
	char path[4096];
	struct stat st;
	uint8_t *text;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/" CTF_METADATA_NAME, dir);
	if (stat(path, &st))
		return vitro_error_set(
			err, -errno,
			"%s: no CTF metadata: %s (a CTF trace is the directory vitro wrote)", dir,
			strerror(errno));
	if (st.st_size > CTF_METADATA_MAX_SIZE)
		return vitro_error_set(err, -EINVAL, "%s: too large for vitro's metadata", path);
	rc = file_read_all(path, "trace", CTF_METADATA_MAX_SIZE, &text, &len, err);
	if (rc)
		return rc;
	rc = ctf_metadata_parse((const char *)text, len, md, err);
	free(text);
	return rc ? trace_read_error_prefix(err, rc, path) : 0;
}

static int read_stream(const char *dir, uint32_t cpu, const struct ctf_metadata *md,
		       struct event_store *store, struct ctf_stream_summary *summary,
		       struct vitro_error *err)
{
	char path[4096];
	uint8_t *data;
	size_t size;
	int rc;

	snprintf(path, sizeof(path), "%s/" CTF_STREAM_PREFIX "%" PRIu32, dir, cpu);
	rc = file_read_all(path, "trace", CTF_STREAM_MAX_SIZE, &data, &size, err);
	if (rc)
		return rc;
	rc = ctf_stream_parse(data, size, md, path, store_event, store, summary, err);
	free(data);
	if (rc == -ENOMEM)
		return vitro_error_set(err, rc, "out of memory");
	if (!rc && summary->cpu != cpu)
		return vitro_error_set(err, -EINVAL, "%s: holds the events of CPU %" PRIu32, path,
				       summary->cpu);
	return rc;
}

int trace_read_ctf_dir(const char *dir, struct trace_sink *sink, struct vitro_error *err)
{
	struct ctf_stream_summary summary;
	struct ctf_metadata md;
	struct event_store store;
	struct trace_info info = { 0 };
	uint64_t *lost = NULL, *events = NULL;
	unsigned int cpu, nr_streams;
	int rc;

	event_store_init(&store);
	rc = read_metadata(dir, &md, err);
	if (rc)
		return rc;
	nr_streams = md.nr_cpus + (md.has_vmm_stream ? 1u : 0u);
	lost = calloc(nr_streams, sizeof(*lost));
	events = calloc(nr_streams, sizeof(*events));
	if (!lost || !events) {
		rc = vitro_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (cpu = 0; cpu < nr_streams; cpu++) {
		rc = read_stream(dir, cpu, &md, &store, &summary, err);
		if (rc)
			goto out;
		lost[cpu] = summary.discarded;
		events[cpu] = summary.nr_events;
	}
	info = (struct trace_info){ md.nr_cpus, md.tsc_khz,	  md.categories,    lost,
				    events,	md.corrupt_bytes, md.has_vmm_stream };
	rc = event_store_replay(&store, &info, sink);
out:
	free(lost);
	free(events);
	event_store_fini(&store);
	return rc;
}
