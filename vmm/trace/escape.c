/* See escape.h. */
#include "escape.h"

#include <string.h>

#include "trace.h"

size_t utf8_sequence_len(const uint8_t *s, size_t len)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* RFC 3629, section 3: overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void escape_json(FILE *f, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, n;

	putc('"', f);
	while (i < len) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else if (c >= 0x80) {
			n = utf8_sequence_len(p + i, len - i);
			if (!n) {
				fprintf(f, "\\u%04x", c);
				i++;
				continue;
			}
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		} else {
			putc(c, f);
		}
		i++;
	}
	putc('"', f);
}

/* XML 1.0, section 2.2: only tab, newline and carriage return below 0x20. */
void escape_xml(FILE *f, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, n;

	while (i < len) {
		uint8_t c = p[i];

		n = c >= 0x80 ? utf8_sequence_len(p + i, len - i) : 1;
		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&apos;", f);
		else if (c == '\t' || c == '\n' || c == '\r')
			fprintf(f, "&#%u;", c);
		else if (c < 0x20 || c == 0x7f || !n)
			fputs("\xef\xbf\xbd", f);
		else
			fwrite(p + i, 1, n, f);
		i += n ? n : 1;
	}
}

/* Escapes the character at s into out (NUL-terminated, at most 4 bytes
 * before it) and returns how many bytes of s it took. */
static size_t escape_text_step(const uint8_t *s, size_t len, bool is_quoted, char out[5])
{
	uint8_t c = s[0];
	size_t n = c >= 0x80 ? utf8_sequence_len(s, len) : 1;

	if (c == '\\' || (c == '"' && is_quoted))
		snprintf(out, 5, "\\%c", c);
	else if (c == '\n')
		strcpy(out, "\\n");
	else if (c == '\t')
		strcpy(out, "\\t");
	else if (c == '\r')
		strcpy(out, "\\r");
	else if (c < 0x20 || c == 0x7f || !n)
		snprintf(out, 5, "\\x%02x", c);
	else
		snprintf(out, 5, "%.*s", (int)n, (const char *)s);
	return n ? n : 1;
}

void escape_text(FILE *f, const char *s, size_t len, bool is_quoted)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	char out[5];

	while (i < len) {
		i += escape_text_step(p + i, len - i, is_quoted, out);
		fputs(out, f);
	}
}

const char *escape_comm(char dst[ESCAPED_COMM_SIZE], const char *comm)
{
	const uint8_t *p = (const uint8_t *)comm;
	size_t len = strnlen(comm, sizeof(struct trace_comm)), i = 0, n = 0;
	char out[5];

	while (i < len) {
		i += escape_text_step(p + i, len - i, false, out);
		memcpy(dst + n, out, strlen(out));
		n += strlen(out);
	}
	dst[n] = '\0';
	return dst;
}
