/* Reads a Chrome JSON trace vitro wrote (layout in output_json.c) back into
 * events: the raw entries ("cat":"vitro.<category>") give every event with
 * all its fields; otherData gives the rest of trace_info. Entries of other
 * categories are the derived views and are skipped. The input may be
 * anything, so each value is checked against the event list before use. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "event_store.h"
#include "json.h"
#include "json_format.h"
#include "read.h"

/* The stream of an event of vitro's until otherData numbers it (nr_cpus):
 * beyond any vCPU tid the reader accepts. */
#define VMM_STREAM_PENDING UINT32_MAX

struct json_reader {
	struct event_store store;
	bool has_other_data;
	struct trace_info info;
	uint64_t *lost;
	size_t nr_lost;
	size_t index; /* of the traceEvents entry being read, for messages */
	struct vitro_error *err;
};

static int entry_error(struct json_reader *r, const char *what, const char *detail)
{
	return vitro_error_set(r->err, -EINVAL, "traceEvents[%zu]: %s%s%s", r->index, what,
			       detail ? " " : "", detail ? detail : "");
}

/* Digits only, no sign: a JSON integer within max. */
static bool digits_to_u64(const char *s, size_t len, unsigned int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned int)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned int)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned int)(s[i] - 'A' + 10);
		else
			return false;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* A JSON number that is an integer in [0, max]. */
static bool json_to_u64(const struct json_value *v, uint64_t max, uint64_t *out)
{
	return v && v->type == JSON_NUMBER && digits_to_u64(v->text, v->len, 10, max, out);
}

/* An integer field: a number, or a string as output_json.c writes large ones. */
static bool field_to_int(const struct json_value *v, enum trace_field_type type, uint64_t *out)
{
	bool is_signed = type == TRACE_FIELD_s32 || type == TRACE_FIELD_s64;
	bool is_wide = type == TRACE_FIELD_u64 || type == TRACE_FIELD_s64;
	uint64_t max = is_wide ? (is_signed ? INT64_MAX : UINT64_MAX) :
				 (is_signed ? INT32_MAX : UINT32_MAX);
	const char *s;
	size_t len;
	bool is_negative;
	uint64_t m;

	if (!v || (v->type != JSON_NUMBER && v->type != JSON_STRING))
		return false;
	s = v->text;
	len = v->len;
	if (v->type == JSON_STRING && !is_signed) {
		return len > 2 && s[0] == '0' && s[1] == 'x' &&
		       digits_to_u64(s + 2, len - 2, 16, max, out);
	}
	is_negative = len && s[0] == '-';
	if (is_negative && !is_signed)
		return false;
	/* |INT_MIN| is one more than INT_MAX. */
	if (!digits_to_u64(s + is_negative, len - is_negative, 10, max + is_negative, &m))
		return false;
	*out = is_negative ? (uint64_t)0 - m : m;
	return true;
}

/* "ts": microseconds with up to three decimals, as output_json.c writes. */
static bool ts_to_ns(const struct json_value *v, uint64_t *ns)
{
	const char *dot;
	size_t int_len, frac_len, i;
	uint64_t us, frac = 0;

	if (!v || v->type != JSON_NUMBER || v->text[0] == '-')
		return false;
	dot = memchr(v->text, '.', v->len);
	int_len = dot ? (size_t)(dot - v->text) : v->len;
	frac_len = dot ? v->len - int_len - 1 : 0;
	if (frac_len > 3 || !digits_to_u64(v->text, int_len, 10, UINT64_MAX / 1000 - 1, &us) ||
	    (frac_len && !digits_to_u64(dot + 1, frac_len, 10, 999, &frac)))
		return false;
	for (i = frac_len; i < 3; i++)
		frac *= 10;
	*ns = us * 1000 + frac;
	return true;
}

static int put_field(struct json_reader *r, const struct trace_field_desc *f,
		     const struct json_value *v, uint8_t *payload, size_t *size)
{
	char buf[TRACE_TEXT_MAX + 1];
	uint64_t value;
	size_t n;

	switch (f->type) {
	case TRACE_FIELD_comm:
	case TRACE_FIELD_text:
		if (!v || v->type != JSON_STRING)
			return entry_error(r, "not a string:", f->name);
		n = json_string_decode(v, buf, sizeof(buf), true);
		if (n > (f->type == TRACE_FIELD_comm ? sizeof(struct trace_comm) : TRACE_TEXT_MAX))
			return entry_error(r, "string too long:", f->name);
		memcpy(payload + f->offset, buf, n);
		if (f->type == TRACE_FIELD_text)
			*size = f->offset + n;
		return 0;
	default:
		if (!field_to_int(v, f->type, &value))
			return entry_error(r, "not an integer of its type:", f->name);
		/* Little-endian host: the low bytes are the narrower type. */
		memcpy(payload + f->offset, &value, f->size);
		return 0;
	}
}

static int read_raw_event(struct json_reader *r, const struct json_value *entry,
			  const struct json_value *name)
{
	uint8_t payload[2 * TRACE_TEXT_MAX] = { 0 }; /* fixed part + text */
	const struct json_value *args = json_object_get(entry, "args");
	const struct trace_event_desc *d;
	struct trace_event ev = { 0 };
	uint64_t tid, pid;
	size_t size;
	unsigned int i;
	int rc;

	ev.type = trace_event_by_name(name->text, name->len);
	if (ev.type == TRACE_EVENT_NONE)
		return entry_error(r, "an event this vitro does not know", NULL);
	d = &trace_event_descs[ev.type];
	if (!json_to_u64(json_object_get(entry, "pid"), UINT32_MAX, &pid) ||
	    (pid != JSON_PID_VCPUS && pid != JSON_PID_VMM) ||
	    !json_to_u64(json_object_get(entry, "tid"), UINT32_MAX - 1, &tid))
		return entry_error(r, "no vCPU (pid 1, tid CPU) nor vitro (pid 3)", NULL);
	/* vitro's stream is numbered once otherData says how many CPUs. */
	if (pid == JSON_PID_VMM)
		tid = VMM_STREAM_PENDING;
	if (!ts_to_ns(json_object_get(entry, "ts"), &ev.ts_ns))
		return entry_error(r, "bad ts (microseconds, at most 3 decimals)", NULL);
	if (!args || args->type != JSON_OBJECT)
		return entry_error(r, "no args", NULL);
	size = d->fixed_size;
	for (i = 0; i < d->nr_fields; i++) {
		rc = put_field(r, &d->fields[i], json_object_get(args, d->fields[i].name), payload,
			       &size);
		if (rc)
			return rc;
	}
	ev.cpu = (uint32_t)tid;
	ev.size = (uint16_t)size;
	ev.payload = payload;
	if (event_store_add(&r->store, &ev))
		return vitro_error_set(r->err, -ENOMEM, "out of memory");
	return 0;
}

static int read_entry(struct json_reader *r, const struct json_value *entry)
{
	const struct json_value *cat = json_object_get(entry, "cat");
	const struct json_value *name = json_object_get(entry, "name");
	size_t prefix = strlen(JSON_RAW_CAT_PREFIX);

	if (entry->type != JSON_OBJECT)
		return entry_error(r, "not an object", NULL);
	if (!cat || cat->type != JSON_STRING || cat->len < prefix ||
	    memcmp(cat->text, JSON_RAW_CAT_PREFIX, prefix))
		return 0;
	if (!name || name->type != JSON_STRING)
		return entry_error(r, "no name", NULL);
	return read_raw_event(r, entry, name);
}

static int read_u64_array(struct json_reader *r, const struct json_value *v, uint64_t **out,
			  size_t *n)
{
	size_t i;

	if (!v || v->type != JSON_ARRAY || v->nr_children > TRACE_READ_MAX_CPUS)
		return vitro_error_set(r->err, -EINVAL, "otherData: lost is not a per-CPU array");
	*out = calloc(v->nr_children ? v->nr_children : 1, sizeof(**out));
	if (!*out)
		return vitro_error_set(r->err, -ENOMEM, "out of memory");
	for (i = 0; i < v->nr_children; i++)
		if (!json_to_u64(&v->children[i], UINT64_MAX, &(*out)[i]))
			return vitro_error_set(r->err, -EINVAL,
					       "otherData: lost[%zu] is not a count", i);
	*n = v->nr_children;
	return 0;
}

static int read_other_data(struct json_reader *r, const struct json_value *o)
{
	uint64_t version = 0, nr_cpus = 0, tsc_khz = 0;
	const struct json_value *vmm_stream;

	if (r->has_other_data || !json_is_string(json_object_get(o, "producer"), JSON_PRODUCER))
		return vitro_error_set(r->err, -EINVAL,
				       "otherData does not say vitro wrote this trace");
	if (!json_to_u64(json_object_get(o, "version"), UINT32_MAX, &version) ||
	    version != JSON_LAYOUT_VERSION)
		return vitro_error_set(r->err, -EINVAL,
				       "written by another vitro version (layout %" PRIu64
				       ", this vitro reads %d)",
				       version, JSON_LAYOUT_VERSION);
	if (!json_to_u64(json_object_get(o, "nr_cpus"), TRACE_READ_MAX_CPUS, &nr_cpus) ||
	    !nr_cpus || !json_to_u64(json_object_get(o, "tsc_khz"), UINT32_MAX, &tsc_khz) ||
	    !json_to_u64(json_object_get(o, "categories"), UINT64_MAX, &r->info.categories) ||
	    !json_to_u64(json_object_get(o, "corrupt_bytes"), UINT64_MAX, &r->info.corrupt_bytes))
		return vitro_error_set(
			r->err, -EINVAL,
			"otherData: nr_cpus, tsc_khz, categories or corrupt_bytes missing or out of range");
	vmm_stream = json_object_get(o, "vmm_stream");
	if (vmm_stream && vmm_stream->type != JSON_TRUE && vmm_stream->type != JSON_FALSE)
		return vitro_error_set(r->err, -EINVAL,
				       "otherData: vmm_stream is not true or false");
	r->info.has_vmm_stream = vmm_stream && vmm_stream->type == JSON_TRUE;
	r->info.nr_cpus = (unsigned int)nr_cpus;
	r->info.tsc_khz = (uint32_t)tsc_khz;
	r->has_other_data = true;
	return read_u64_array(r, json_object_get(o, "lost"), &r->lost, &r->nr_lost);
}

static int read_trace_events(struct json_reader *r, struct json_parser *jp)
{
	struct json_value entry;
	int rc;

	rc = json_parser_expect(jp, '[');
	if (rc || json_parser_accept(jp, ']'))
		return rc;
	do {
		rc = json_parser_value(jp, &entry);
		rc = rc ?: read_entry(r, &entry);
		json_parser_reset_values(jp);
		r->index++;
	} while (!rc && json_parser_accept(jp, ','));
	return rc ?: json_parser_expect(jp, ']');
}

static int read_document(struct json_reader *r, struct json_parser *jp)
{
	struct json_value key, value;
	int rc = json_parser_expect(jp, '{');

	while (!rc) {
		rc = json_parser_value(jp, &key);
		if (!rc && key.type != JSON_STRING)
			rc = vitro_error_set(r->err, -EINVAL, "expected a key in the top object");
		rc = rc ?: json_parser_expect(jp, ':');
		if (rc)
			break;
		if (json_is_string(&key, "traceEvents")) {
			rc = read_trace_events(r, jp);
		} else {
			rc = json_parser_value(jp, &value);
			if (!rc && json_is_string(&key, "otherData"))
				rc = read_other_data(r, &value);
		}
		json_parser_reset_values(jp);
		if (rc || !json_parser_accept(jp, ','))
			break;
	}
	rc = rc ?: json_parser_expect(jp, '}');
	if (!rc && !json_parser_at_end(jp))
		rc = vitro_error_set(r->err, -EINVAL, "data after the end of the JSON document");
	return rc;
}

/* What only the whole document can tell: is it vitro's, do CPUs agree. */
static int check_document(struct json_reader *r, uint64_t *events)
{
	size_t i;

	if (!r->has_other_data)
		return vitro_error_set(r->err, -EINVAL,
				       "no otherData: not a trace vitro wrote, or cut short");
	if (r->nr_lost != trace_info_nr_streams(&r->info))
		return vitro_error_set(r->err, -EINVAL, "otherData: lost has %zu streams, not %u",
				       r->nr_lost, trace_info_nr_streams(&r->info));
	for (i = 0; i < r->store.nr_events; i++) {
		uint32_t cpu = r->store.events[i].cpu;

		if (cpu == VMM_STREAM_PENDING && r->info.has_vmm_stream)
			cpu = r->store.events[i].cpu = r->info.nr_cpus;
		else if (cpu == VMM_STREAM_PENDING)
			return vitro_error_set(r->err, -EINVAL,
					       "an event of vitro's in a trace without its stream");
		else if (cpu >= r->info.nr_cpus)
			return vitro_error_set(r->err, -EINVAL,
					       "an event on CPU %" PRIu32 " of a %u-CPU trace", cpu,
					       r->info.nr_cpus);
		events[cpu]++;
	}
	return 0;
}

int trace_read_json_buffer(const char *text, size_t len, struct trace_sink *sink,
			   struct vitro_error *err)
{
	struct json_reader r = { .err = err };
	struct json_parser jp;
	uint64_t *events = NULL;
	int rc;

	event_store_init(&r.store);
	json_parser_init(&jp, text, len, err);
	rc = read_document(&r, &jp);
	json_parser_fini(&jp);
	if (!rc) {
		events = calloc(trace_info_nr_streams(&r.info) + 1, sizeof(*events));
		rc = events ? check_document(&r, events) :
			      vitro_error_set(err, -ENOMEM, "out of memory");
	}
	if (!rc) {
		r.info.lost = r.lost;
		r.info.events = events;
		rc = event_store_replay(&r.store, &r.info, sink);
	}
	free(events);
	free(r.lost);
	event_store_fini(&r.store);
	return rc;
}
