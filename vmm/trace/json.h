/* A small JSON (RFC 8259) parser for reading traces back: it checks the
 * whole grammar, bounds nesting, and never reads past the input. Values
 * point into the input text; strings are validated but decoded only when
 * asked, so a caller can walk a large document one element at a time
 * (json_parser_* below) without holding a tree of all of it. */
#ifndef VMM_TRACE_JSON_H
#define VMM_TRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	/* NUMBER: its text; STRING: what is between the quotes, undecoded. */
	const char *text;
	size_t len;
	/* ARRAY: the items; OBJECT: key, value, key, value... (keys are STRING). */
	struct json_value *children;
	size_t nr_children;
};

struct json_arena_block;

struct json_parser {
	const char *start, *p, *end;
	int depth;
	struct json_value *stack; /* children of the containers being parsed */
	size_t nr_stack, stack_cap;
	struct json_arena_block *blocks; /* where finished containers' children live */
	struct vitro_error *err;
};

void json_parser_init(struct json_parser *jp, const char *text, size_t len,
		      struct vitro_error *err);
/* Frees every value parsed so far. */
void json_parser_reset_values(struct json_parser *jp);
void json_parser_fini(struct json_parser *jp);

/* Skips white space; true (and consumes it) if the next character is c. */
bool json_parser_accept(struct json_parser *jp, char c);
/* As accept, but failing with -EINVAL and a message if it is not c. */
int json_parser_expect(struct json_parser *jp, char c);
/* True if only white space is left. */
bool json_parser_at_end(struct json_parser *jp);

/* Parses the next value; valid until json_parser_reset_values(). */
int json_parser_value(struct json_parser *jp, struct json_value *out);

/* The value of key in obj, or NULL. Keys compare undecoded. */
const struct json_value *json_object_get(const struct json_value *obj, const char *key);

/* Whether v is a string whose undecoded text is s. */
bool json_is_string(const struct json_value *v, const char *s);

/* Decodes a STRING's text into out (out_size >= v->len is always enough)
 * and returns its length. With is_bytes_escape, \u0080-\u00ff give the byte
 * itself rather than its UTF-8 form (see escape.h). */
size_t json_string_decode(const struct json_value *v, char *out, size_t out_size,
			  bool is_bytes_escape);

#endif
