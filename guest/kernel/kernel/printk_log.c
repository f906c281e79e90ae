/* See vitro/printk_log.h. Records sit one after another in the ring, each a
 * header and its text padded to 8 bytes; one never straddles the end: a
 * record that would is put at offset 0, behind a wrap mark when there is
 * room for one (a shorter gap at the end is skipped too). */
#include <vitro/format.h>
#include <vitro/printk_log.h>
#include <vitro/string.h>

#define WRAP_MARK 0xffffffffu

struct record_header {
	uint64_t seq;
	uint64_t ts_ns;
	uint32_t level;
	uint32_t len; /* text bytes; WRAP_MARK: the records go on at offset 0 */
};

#define HEADER_SIZE sizeof(struct record_header)

static size_t record_size(size_t len)
{
	return (HEADER_SIZE + len + 7) & ~(size_t)7;
}

static bool log_is_empty(const struct printk_log *log)
{
	return log->first_seq == log->next_seq;
}

/* Where the record at offset really starts: past the end's gap or mark. */
static size_t record_offset(const struct printk_log *log, size_t offset)
{
	const struct record_header *h;

	if (log->size - offset < HEADER_SIZE)
		return 0;
	h = (const struct record_header *)(log->buf + offset);
	return h->len == WRAP_MARK ? 0 : offset;
}

static void drop_oldest(struct printk_log *log)
{
	const struct record_header *h;

	log->tail = record_offset(log, log->tail);
	h = (const struct record_header *)(log->buf + log->tail);
	log->tail += record_size(h->len);
	if (log->tail == log->size)
		log->tail = 0;
	log->first_seq++;
}

void printk_log_init(struct printk_log *log, void *buf, size_t size)
{
	*log = (struct printk_log){ .buf = buf, .size = size & ~(size_t)7 };
}

/* Drops the records that start in [from, to): the oldest first, since the
 * records run from tail to head and a new one goes at head. */
static void make_room(struct printk_log *log, size_t from, size_t to)
{
	while (!log_is_empty(log) && log->tail >= from && log->tail < to) {
		if (record_offset(log, log->tail) != log->tail)
			log->tail = 0; /* a wrap mark or gap about to be written over */
		else
			drop_oldest(log);
	}
}

void printk_log_append(struct printk_log *log, uint64_t ts_ns, unsigned int level, const char *text,
		       size_t len)
{
	struct record_header h;
	size_t need;

	if (len && text[len - 1] == '\n')
		len--;
	if (len > PRINTK_LOG_TEXT_MAX)
		len = PRINTK_LOG_TEXT_MAX;
	if (record_size(len) > log->size / 2)
		len = log->size / 2 - HEADER_SIZE;
	need = record_size(len);
	if (log->head + need > log->size) {
		/* The end's gap holds only older records (or nothing). */
		make_room(log, log->head, log->size);
		if (log->size - log->head >= HEADER_SIZE) {
			h = (struct record_header){ .len = WRAP_MARK };
			memcpy(log->buf + log->head, &h, HEADER_SIZE);
		}
		log->head = 0;
	}
	make_room(log, log->head, log->head + need);
	h = (struct record_header){
		.seq = log->next_seq, .ts_ns = ts_ns, .level = level, .len = (uint32_t)len
	};
	memcpy(log->buf + log->head, &h, HEADER_SIZE);
	memcpy(log->buf + log->head + HEADER_SIZE, text, len);
	if (log_is_empty(log))
		log->tail = log->head;
	log->head += need;
	if (log->head == log->size)
		log->head = 0;
	log->next_seq++;
}

void printk_log_cursor_first(const struct printk_log *log, struct printk_log_cursor *c)
{
	c->seq = log->first_seq;
	c->offset = log->tail;
}

void printk_log_cursor_end(const struct printk_log *log, struct printk_log_cursor *c)
{
	c->seq = log->next_seq;
	c->offset = log->head;
}

bool printk_log_read(const struct printk_log *log, struct printk_log_cursor *c,
		     struct printk_record *rec, char *text, size_t text_size)
{
	const struct record_header *h;
	size_t offset;

	if (c->seq < log->first_seq)
		printk_log_cursor_first(log, c);
	if (c->seq >= log->next_seq)
		return false;
	offset = record_offset(log, c->offset);
	h = (const struct record_header *)(log->buf + offset);
	if (h->seq != c->seq) { /* a stale cursor: start again at the oldest */
		printk_log_cursor_first(log, c);
		offset = record_offset(log, c->offset);
		h = (const struct record_header *)(log->buf + offset);
	}
	*rec = (struct printk_record){
		.seq = h->seq, .ts_ns = h->ts_ns, .level = h->level, .len = h->len
	};
	if (text_size)
		memcpy(text, log->buf + offset + HEADER_SIZE,
		       h->len < text_size ? h->len : text_size);
	c->seq = h->seq + 1;
	c->offset = offset + record_size(h->len);
	if (c->offset == log->size)
		c->offset = 0;
	return true;
}

size_t printk_record_format_syslog(const struct printk_record *rec, const char *text, char *out,
				   size_t size)
{
	char prefix[48];
	int n = format_snprintf(prefix, sizeof(prefix), "<%u>[%5llu.%06llu] ", rec->level,
				(unsigned long long)(rec->ts_ns / 1000000000),
				(unsigned long long)(rec->ts_ns % 1000000000 / 1000));
	size_t total = (size_t)n + rec->len + 1;

	if (total <= size) {
		memcpy(out, prefix, (size_t)n);
		memcpy(out + n, text, rec->len);
		out[total - 1] = '\n';
	}
	return total;
}

size_t printk_record_format_kmsg(const struct printk_record *rec, const char *text, char *out,
				 size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char prefix[64];
	int n = format_snprintf(prefix, sizeof(prefix), "%u,%llu,%llu,-;", rec->level,
				(unsigned long long)rec->seq,
				(unsigned long long)(rec->ts_ns / 1000));
	size_t total = (size_t)n, i;

	for (i = 0; i < rec->len; i++) {
		unsigned char ch = (unsigned char)text[i];

		total += (ch < ' ' || ch >= 127 || ch == '\\') ? 4 : 1;
	}
	total++; /* the newline */
	if (total > size)
		return total;
	memcpy(out, prefix, (size_t)n);
	for (i = 0; i < rec->len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch < ' ' || ch >= 127 || ch == '\\') {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		} else {
			out[n++] = (char)ch;
		}
	}
	out[n] = '\n';
	return total;
}
