/* The text buffer /proc files are generated into (see format.h), and the
 * bitmap printers status and /proc/stat's neighbours share. */
#include <stdarg.h>
#include <vitro/format.h>
#include <vitro/string.h>

#include "format.h"

void proc_printf(struct proc_buf *m, const char *fmt, ...)
{
	size_t room = m->len < m->size ? m->size - m->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(room ? m->buf + m->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->len += (size_t)n;
}

void proc_write(struct proc_buf *m, const void *data, size_t len)
{
	if (m->len + len < m->size) {
		memcpy(m->buf + m->len, data, len);
		m->buf[m->len + len] = '\0';
	}
	m->len += len;
}

bool proc_buf_overflowed(const struct proc_buf *m)
{
	return m->len >= m->size;
}

void proc_append(struct proc_buf *m, size_t (*format)(char *buf, size_t len))
{
	size_t room = m->len < m->size ? m->size - m->len : 0;

	m->len += format(room ? m->buf + m->len : NULL, room);
}

static bool bit_is_set(const uint64_t *bits, unsigned int bit)
{
	return bits[bit / 64] >> (bit % 64) & 1;
}

void proc_print_bitmap(struct proc_buf *m, const uint64_t *bits, unsigned int nr_bits)
{
	/* Hex digits, most significant first, a comma before each group of
	 * eight but the first; the first group has only the digits nr_bits
	 * needs. */
	unsigned int nr_digits = nr_bits ? (nr_bits + 3) / 4 : 1;

	for (unsigned int d = nr_digits; d-- > 0;) {
		unsigned int nibble = 0;

		for (unsigned int b = 0; b < 4; b++) {
			unsigned int bit = d * 4 + b;

			if (bit < nr_bits && bit_is_set(bits, bit))
				nibble |= 1u << b;
		}
		proc_printf(m, "%x", nibble);
		if (d && d % 8 == 0)
			proc_printf(m, ",");
	}
}

void proc_print_bitmap_list(struct proc_buf *m, const uint64_t *bits, unsigned int nr_bits)
{
	bool is_first = true;

	for (unsigned int bit = 0; bit < nr_bits; bit++) {
		unsigned int last = bit;

		if (!bit_is_set(bits, bit))
			continue;
		while (last + 1 < nr_bits && bit_is_set(bits, last + 1))
			last++;
		if (last == bit)
			proc_printf(m, "%s%u", is_first ? "" : ",", bit);
		else
			proc_printf(m, "%s%u-%u", is_first ? "" : ",", bit, last);
		is_first = false;
		bit = last;
	}
}
