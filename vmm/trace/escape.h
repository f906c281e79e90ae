/* Guest strings (task names, console text) written into each output
 * language. A guest may put any byte in them, so each writer turns what is
 * not valid UTF-8 into an escape its readers accept, and never lets a byte
 * end the string or the line early. */
#ifndef VMM_TRACE_ESCAPE_H
#define VMM_TRACE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Length of the well-formed UTF-8 sequence at s (no overlongs, surrogates
 * or code points past U+10FFFF), or 0 if s does not start one. len > 0. */
size_t utf8_sequence_len(const uint8_t *s, size_t len);

/* A JSON string, quotes included. Bytes that are not UTF-8 become
 * \u0080-\u00ff; valid characters from that range are written as
 * themselves, never escaped, so a reader can tell the two apart and get
 * the original bytes back (see read_json.c). */
void escape_json(FILE *f, const char *s, size_t len);

/* XML character data or attribute value: markup characters as entities,
 * characters XML 1.0 forbids and bytes that are not UTF-8 as U+FFFD. */
void escape_xml(FILE *f, const char *s, size_t len);

/* One line of text: backslash, control characters, and bytes that are not
 * UTF-8 as C escapes (\n, \x01); with is_quoted, '"' as \" too. */
void escape_text(FILE *f, const char *s, size_t len, bool is_quoted);

/* A task name (up to 16 bytes or its NUL) escaped as escape_text does, for
 * columns that need its length. Returns dst. */
#define ESCAPED_COMM_SIZE (16 * 4 + 1)
const char *escape_comm(char dst[ESCAPED_COMM_SIZE], const char *comm);

#endif
