/* vitro's CTF 1.8 traces (https://diamon.org/ctf/v1.8.3/), private to
 * vmm/trace: a directory holding a TSDL `metadata` file generated from the
 * event list and one binary stream file per vCPU, `stream_<cpu>`.
 *
 * Every integer is byte-aligned and little-endian, so the layout is packed:
 *   packet header   u32 magic (0xc1fc1fc1), u8 uuid[16], u32 stream_id (0)
 *   packet context  u64 timestamp_begin, u64 timestamp_end,
 *                   u64 content_size, u64 packet_size (both in bits),
 *                   u64 events_discarded, u32 cpu_id
 *   event header    u16 id (enum trace_event_type), u64 timestamp
 *   event payload   the fields in order: integers as in the event's packed
 *                   struct, comm as 16 bytes, text as a NUL-terminated string
 * Timestamps are ns since vitro started (the clock's freq is 1 GHz). */
#ifndef VMM_TRACE_CTF_H
#define VMM_TRACE_CTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../error.h"
#include "read.h"
#include "trace.h"

#define CTF_MAGIC 0xc1fc1fc1u
#define CTF_UUID_SIZE 16
#define CTF_PACKET_HEADER_SIZE 24
#define CTF_PACKET_CONTEXT_SIZE 44
#define CTF_PACKET_PREAMBLE_SIZE (CTF_PACKET_HEADER_SIZE + CTF_PACKET_CONTEXT_SIZE)
#define CTF_EVENT_HEADER_SIZE 10
#define CTF_PACKET_MAX_SIZE (64u << 10)
#define CTF_METADATA_NAME "metadata"
#define CTF_STREAM_PREFIX "stream_"
#define CTF_METADATA_MAX_SIZE (1u << 20)

/* The env block: how a reader knows the trace is vitro's. */
#define CTF_TRACER_NAME "vitro"

/* Caps a reader puts on what a file may claim. */
#define CTF_MAX_CPUS TRACE_READ_MAX_CPUS
#define CTF_MAX_EVENT_IDS 1024

/* What a reader needs from the metadata. */
struct ctf_metadata {
	uint8_t uuid[CTF_UUID_SIZE];
	unsigned int nr_cpus;
	bool has_vmm_stream; /* stream nr_cpus holds vitro's own events */
	uint32_t tsc_khz;
	uint64_t categories;
	uint64_t corrupt_bytes;
	uint16_t types[CTF_MAX_EVENT_IDS]; /* by stream event id; NONE if unknown */
};

/* Creates dir, or readies an existing one: empty, or holding an earlier
 * vitro trace (its files are removed). Anything else is refused. */
int ctf_dir_prepare(const char *dir, struct vitro_error *err);

/* Writes the TSDL metadata of a trace with this uuid and info. */
void ctf_metadata_write(FILE *f, const uint8_t uuid[CTF_UUID_SIZE], const struct trace_info *info);

/* Parses metadata vitro wrote (text, len bytes; need not be terminated).
 * Fails with -EINVAL and err set for anything else, or when an event's
 * fields differ from this build's event list. */
int ctf_metadata_parse(const char *text, size_t len, struct ctf_metadata *md,
		       struct vitro_error *err);

/* Whether the first bytes of a metadata file are vitro's. */
bool ctf_metadata_is_vitro(const char *text, size_t len);

struct ctf_stream_summary {
	uint32_t cpu;
	uint64_t nr_events;
	uint64_t discarded; /* the last packet's events_discarded (a running count) */
	uint64_t nr_packets;
};

/* Called per event; ev->payload points into data. Non-zero stops the parse. */
typedef int (*ctf_event_fn)(void *opaque, const struct trace_event *ev);

/* Parses one stream file's bytes, checking every size against the data and
 * the metadata. name is for messages. Returns 0, fn's result, or -EINVAL
 * with err set. */
int ctf_stream_parse(const uint8_t *data, size_t size, const struct ctf_metadata *md,
		     const char *name, ctf_event_fn fn, void *opaque,
		     struct ctf_stream_summary *summary, struct vitro_error *err);

#endif
