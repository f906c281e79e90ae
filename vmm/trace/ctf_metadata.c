/* The TSDL metadata of vitro's CTF traces (ctf.h): written from the event
 * list, and read back by a parser that knows only what the writer writes,
 * one statement per line. Anything else is refused rather than guessed at. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "../hex.h"
#include "ctf.h"

#define TSDL_MAX_LINE 256
#define TSDL_MAX_FIELDS 32
#define TSDL_MAX_NAME 64
#define TSDL_HEADER "/* CTF 1.8 */"
#define TSDL_TRACER_LINE "tracer_name = \"" CTF_TRACER_NAME "\";"

static const char *const tsdl_types[] = {
	[TRACE_FIELD_u32] = "uint32_t", [TRACE_FIELD_s32] = "int32_t",
	[TRACE_FIELD_u64] = "uint64_t", [TRACE_FIELD_s64] = "int64_t",
	[TRACE_FIELD_comm] = "utf8_t",	[TRACE_FIELD_text] = "string",
};

static void put_uuid(FILE *f, const uint8_t uuid[CTF_UUID_SIZE])
{
	unsigned int i;

	for (i = 0; i < CTF_UUID_SIZE; i++)
		fprintf(f, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", uuid[i]);
}

static void put_event(FILE *f, unsigned int type)
{
	const struct trace_event_desc *d = &trace_event_descs[type];
	unsigned int i;

	fprintf(f, "event {\n\tname = \"%s\";\n\tid = %u;\n\tstream_id = 0;\n", d->name, type);
	fputs("\tfields := struct {\n", f);
	for (i = 0; i < d->nr_fields; i++) {
		const struct trace_field_desc *fd = &d->fields[i];

		if (fd->type == TRACE_FIELD_comm)
			fprintf(f, "\t\t%s %s[%zu];\n", tsdl_types[fd->type], fd->name,
				sizeof(struct trace_comm));
		else
			fprintf(f, "\t\t%s %s;\n", tsdl_types[fd->type], fd->name);
	}
	fputs("\t};\n};\n\n", f);
}

void ctf_metadata_write(FILE *f, const uint8_t uuid[CTF_UUID_SIZE], const struct trace_info *info)
{
	unsigned int t;

	fputs(TSDL_HEADER "\n\n", f);
	fputs("typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
	      "typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
	      "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	      "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	      "typealias integer { size = 32; align = 8; signed = true; } := int32_t;\n"
	      "typealias integer { size = 64; align = 8; signed = true; } := int64_t;\n"
	      "typealias integer { size = 8; align = 8; signed = false; encoding = UTF8; } := utf8_t;\n\n",
	      f);
	fputs("trace {\n\tmajor = 1;\n\tminor = 8;\n\tuuid = \"", f);
	put_uuid(f, uuid);
	fputs("\";\n\tbyte_order = le;\n\tpacket.header := struct {\n\t\tuint32_t magic;\n"
	      "\t\tuint8_t uuid[16];\n\t\tuint32_t stream_id;\n\t};\n};\n\n",
	      f);
	fprintf(f,
		"env {\n\t" TSDL_TRACER_LINE
		"\n\ttrace_name = \"vitro\";\n\tdomain = \"vitro\";\n\tnr_cpus = %u;\n"
		"\tvmm_stream = %d;\n\ttsc_khz = %" PRIu32 ";\n\tcategories = %" PRIu64 ";\n"
		"\tcorrupt_bytes = %" PRIu64 ";\n};\n\n",
		info->nr_cpus, info->has_vmm_stream ? 1 : 0, info->tsc_khz, info->categories,
		info->corrupt_bytes);
	fputs("clock {\n\tname = \"vitro\";\n\tuuid = \"", f);
	put_uuid(f, uuid);
	fputs("\";\n\tdescription = \"guest TSC, in ns since vitro started\";\n"
	      "\tfreq = 1000000000;\n\tprecision = 1;\n\toffset_s = 0;\n\toffset = 0;\n"
	      "\tabsolute = false;\n};\n\n",
	      f);
	fputs("typealias integer { size = 64; align = 8; signed = false; map = clock.vitro.value; } := clock_t;\n\n",
	      f);
	fputs("stream {\n\tid = 0;\n\tpacket.context := struct {\n"
	      "\t\tclock_t timestamp_begin;\n\t\tclock_t timestamp_end;\n"
	      "\t\tuint64_t content_size;\n\t\tuint64_t packet_size;\n"
	      "\t\tuint64_t events_discarded;\n\t\tuint32_t cpu_id;\n\t};\n"
	      "\tevent.header := struct {\n\t\tuint16_t id;\n\t\tclock_t timestamp;\n\t};\n};\n\n",
	      f);
	for (t = 1; t < TRACE_NR_EVENTS; t++)
		put_event(f, t);
}

bool ctf_metadata_is_vitro(const char *text, size_t len)
{
	size_t header = strlen(TSDL_HEADER), i, n = strlen(TSDL_TRACER_LINE);

	if (len < header || memcmp(text, TSDL_HEADER, header))
		return false;
	for (i = 0; i + n <= len; i++)
		if (!memcmp(text + i, TSDL_TRACER_LINE, n))
			return true;
	return false;
}

/* --- reading -------------------------------------------------------------- */

enum tsdl_block { BLOCK_NONE, BLOCK_TRACE, BLOCK_ENV, BLOCK_EVENT, BLOCK_OTHER };

struct tsdl_field {
	char name[TSDL_MAX_NAME];
	enum trace_field_type type;
};

struct tsdl_event {
	char name[TSDL_MAX_NAME];
	uint64_t id;
	bool has_name, has_id;
	unsigned int nr_fields;
	struct tsdl_field fields[TSDL_MAX_FIELDS];
};

struct tsdl_parser {
	struct ctf_metadata *md;
	unsigned int line_no;
	int depth;
	enum tsdl_block block;
	struct tsdl_event event;
	bool has_uuid, has_tracer, has_nr_cpus, is_le;
	struct vitro_error *err;
};

static int tsdl_error(struct tsdl_parser *p, const char *what)
{
	return vitro_error_set(p->err, -EINVAL, "metadata line %u: %s", p->line_no, what);
}

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

/* Splits "key = value;" into its parts (value without the ';'). */
static bool split_assignment(const char *line, char *key, size_t key_size, const char **value,
			     size_t *value_len)
{
	size_t k = 0, len = strlen(line);

	while (is_ident_char(line[k]))
		k++;
	if (!k || k >= key_size || strncmp(line + k, " = ", 3) || len < k + 4 ||
	    line[len - 1] != ';')
		return false;
	memcpy(key, line, k);
	key[k] = '\0';
	*value = line + k + 3;
	*value_len = len - k - 4;
	return true;
}

static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* A quoted string without escapes, into out (out_size > len). */
static bool parse_quoted(const char *s, size_t len, char *out, size_t out_size)
{
	if (len < 2 || s[0] != '"' || s[len - 1] != '"' || len - 2 >= out_size ||
	    memchr(s + 1, '"', len - 2) || memchr(s + 1, '\\', len - 2))
		return false;
	memcpy(out, s + 1, len - 2);
	out[len - 2] = '\0';
	return true;
}

static bool parse_uuid(const char *s, size_t len, uint8_t uuid[CTF_UUID_SIZE])
{
	char text[40];
	unsigned int i, n = 0;

	if (!parse_quoted(s, len, text, sizeof(text)) || strlen(text) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return false;
			continue;
		}
		hi = hex_digit_value(text[i]);
		lo = hex_digit_value(text[++i]);
		if (hi < 0 || lo < 0)
			return false;
		uuid[n++] = (uint8_t)(hi << 4 | lo);
	}
	return n == CTF_UUID_SIZE;
}

static int parse_trace_line(struct tsdl_parser *p, const char *key, const char *v, size_t len)
{
	if (!strcmp(key, "uuid")) {
		if (!parse_uuid(v, len, p->md->uuid))
			return tsdl_error(p, "bad uuid");
		p->has_uuid = true;
	} else if (!strcmp(key, "byte_order")) {
		p->is_le = len == 2 && !memcmp(v, "le", 2);
	}
	return 0;
}

static int parse_env_line(struct tsdl_parser *p, const char *key, const char *v, size_t len)
{
	char text[TSDL_MAX_NAME];
	uint64_t n = 0;

	if (!strcmp(key, "tracer_name")) {
		p->has_tracer =
			parse_quoted(v, len, text, sizeof(text)) && !strcmp(text, CTF_TRACER_NAME);
		return 0;
	}
	if (strcmp(key, "nr_cpus") && strcmp(key, "tsc_khz") && strcmp(key, "categories") &&
	    strcmp(key, "corrupt_bytes") && strcmp(key, "vmm_stream"))
		return 0;
	if (!parse_u64(v, len, &n))
		return tsdl_error(p, "env value is not a number");
	if (!strcmp(key, "vmm_stream")) {
		if (n > 1)
			return tsdl_error(p, "vmm_stream is not 0 or 1");
		p->md->has_vmm_stream = n;
	} else if (!strcmp(key, "nr_cpus")) {
		if (!n || n > CTF_MAX_CPUS)
			return tsdl_error(p, "nr_cpus out of range");
		p->md->nr_cpus = (unsigned int)n;
		p->has_nr_cpus = true;
	} else if (!strcmp(key, "tsc_khz")) {
		if (n > UINT32_MAX)
			return tsdl_error(p, "tsc_khz out of range");
		p->md->tsc_khz = (uint32_t)n;
	} else if (!strcmp(key, "categories")) {
		p->md->categories = n;
	} else {
		p->md->corrupt_bytes = n;
	}
	return 0;
}

static int parse_event_line(struct tsdl_parser *p, const char *key, const char *v, size_t len)
{
	if (!strcmp(key, "name")) {
		if (!parse_quoted(v, len, p->event.name, sizeof(p->event.name)))
			return tsdl_error(p, "bad event name");
		p->event.has_name = true;
	} else if (!strcmp(key, "id")) {
		if (!parse_u64(v, len, &p->event.id) || p->event.id >= CTF_MAX_EVENT_IDS)
			return tsdl_error(p, "bad event id");
		p->event.has_id = true;
	}
	return 0;
}

/* "TYPE NAME;" or "utf8_t NAME[16];" inside an event's fields. */
static int parse_field_line(struct tsdl_parser *p, const char *line)
{
	struct tsdl_field *f = &p->event.fields[p->event.nr_fields];
	const char *space = strchr(line, ' ');
	size_t type_len, name_len, len = strlen(line);
	unsigned int t;

	if (p->event.nr_fields == TSDL_MAX_FIELDS || !space || len < 2 || line[len - 1] != ';')
		return tsdl_error(p, "bad field");
	type_len = (size_t)(space - line);
	for (t = 0; t < sizeof(tsdl_types) / sizeof(tsdl_types[0]); t++)
		if (strlen(tsdl_types[t]) == type_len && !memcmp(line, tsdl_types[t], type_len))
			break;
	if (t == sizeof(tsdl_types) / sizeof(tsdl_types[0]))
		return tsdl_error(p, "unknown field type");
	name_len = len - type_len - 2;
	if (t == TRACE_FIELD_comm) {
		if (name_len < 4 || memcmp(space + 1 + name_len - 4, "[16]", 4))
			return tsdl_error(p, "a utf8_t field must be an array of 16");
		name_len -= 4;
	}
	if (!name_len || name_len >= sizeof(f->name))
		return tsdl_error(p, "bad field name");
	memcpy(f->name, space + 1, name_len);
	f->name[name_len] = '\0';
	f->type = t;
	p->event.nr_fields++;
	return 0;
}

/* An event block is complete: it must be one this build knows, field for field. */
static int finish_event(struct tsdl_parser *p)
{
	struct tsdl_event *e = &p->event;
	const struct trace_event_desc *d;
	enum trace_event_type type;
	char msg[160];
	unsigned int i;

	if (!e->has_name || !e->has_id)
		return tsdl_error(p, "event without a name or an id");
	type = trace_event_by_name(e->name, strlen(e->name));
	d = &trace_event_descs[type];
	if (type == TRACE_EVENT_NONE) {
		snprintf(msg, sizeof(msg), "event '%s' is unknown to this vitro", e->name);
		return tsdl_error(p, msg);
	}
	for (i = 0; i < e->nr_fields && i < d->nr_fields; i++)
		if (strcmp(e->fields[i].name, d->fields[i].name) ||
		    e->fields[i].type != d->fields[i].type)
			break;
	if (i != e->nr_fields || i != d->nr_fields) {
		snprintf(
			msg, sizeof(msg),
			"event '%s' has other fields than this vitro's (a trace from another version)",
			e->name);
		return tsdl_error(p, msg);
	}
	if (p->md->types[e->id] != TRACE_EVENT_NONE)
		return tsdl_error(p, "two events with one id");
	p->md->types[e->id] = (uint16_t)type;
	return 0;
}

static int open_block(struct tsdl_parser *p, const char *line)
{
	if (!strcmp(line, "trace {"))
		p->block = BLOCK_TRACE;
	else if (!strcmp(line, "env {"))
		p->block = BLOCK_ENV;
	else if (!strcmp(line, "event {"))
		p->block = BLOCK_EVENT;
	else if (!strcmp(line, "clock {") || !strcmp(line, "stream {"))
		p->block = BLOCK_OTHER;
	else if (!strncmp(line, "typealias ", 10))
		return 0; /* balanced on its line */
	else
		return tsdl_error(p, "unexpected top-level statement");
	memset(&p->event, 0, sizeof(p->event));
	return 0;
}

static int parse_statement(struct tsdl_parser *p, const char *line)
{
	const char *value;
	size_t value_len;
	char key[TSDL_MAX_NAME];

	if (p->depth == 0)
		return open_block(p, line);
	if (p->depth == 2 && p->block == BLOCK_EVENT)
		return parse_field_line(p, line);
	if (p->depth != 1 || p->block == BLOCK_OTHER || strchr(line, '{'))
		return 0;
	if (!split_assignment(line, key, sizeof(key), &value, &value_len))
		return tsdl_error(p, "expected 'key = value;'");
	if (p->block == BLOCK_TRACE)
		return parse_trace_line(p, key, value, value_len);
	if (p->block == BLOCK_ENV)
		return parse_env_line(p, key, value, value_len);
	return parse_event_line(p, key, value, value_len);
}

static int parse_line(struct tsdl_parser *p, const char *line)
{
	const char *c;
	int opens = 0, closes = 0, rc;

	if (!*line)
		return 0;
	for (c = line; *c; c++) {
		opens += *c == '{';
		closes += *c == '}';
	}
	if (closes && opens) {
		/* "typealias integer { ... } := x;" and nothing else. */
		if (opens != closes || p->depth != 0)
			return tsdl_error(p, "unexpected braces");
		return open_block(p, line);
	}
	if (closes) {
		if (closes != 1 || strcmp(line, "};"))
			return tsdl_error(p, "expected '};'");
		if (--p->depth == 0) {
			rc = p->block == BLOCK_EVENT ? finish_event(p) : 0;
			p->block = BLOCK_NONE;
			return rc;
		}
		return 0;
	}
	rc = parse_statement(p, line);
	if (opens > 1 || (opens && p->depth >= 2))
		return tsdl_error(p, "nested too deep");
	p->depth += opens;
	return rc;
}

int ctf_metadata_parse(const char *text, size_t len, struct ctf_metadata *md,
		       struct vitro_error *err)
{
	struct tsdl_parser p = { .md = md, .err = err };
	size_t pos = 0, header = strlen(TSDL_HEADER);
	char line[TSDL_MAX_LINE];
	int rc;

	memset(md, 0, sizeof(*md));
	if (len < header || memcmp(text, TSDL_HEADER, header))
		return vitro_error_set(err, -EINVAL, "metadata is not CTF 1.8 text");
	pos = header;
	while (pos < len) {
		const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		pos += n + 1;
		p.line_no++;
		while (n && (*start == '\t' || *start == ' '))
			start++, n--;
		while (n && (start[n - 1] == ' ' || start[n - 1] == '\r'))
			n--;
		if (n >= sizeof(line) || memchr(start, '\0', n))
			return tsdl_error(&p, "line too long or holding a NUL");
		memcpy(line, start, n);
		line[n] = '\0';
		rc = parse_line(&p, line);
		if (rc)
			return rc;
	}
	if (p.depth)
		return vitro_error_set(err, -EINVAL, "metadata ends inside a block");
	if (!p.has_tracer)
		return vitro_error_set(err, -EINVAL, "metadata does not say vitro wrote it");
	if (!p.has_uuid || !p.is_le || !p.has_nr_cpus)
		return vitro_error_set(err, -EINVAL,
				       "metadata lacks the uuid, byte order or number of CPUs");
	return 0;
}
