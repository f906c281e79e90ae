/* See json.h. Recursive descent, one function per grammar rule of RFC 8259,
 * section 2-7; recursion is bounded by JSON_MAX_DEPTH. A container's
 * children are gathered on a stack while it is parsed and copied to the
 * arena when it closes, so each container's children end up contiguous. */
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_ARENA_BLOCK_VALUES 4096

struct json_arena_block {
	struct json_arena_block *next;
	size_t used, cap;
	struct json_value values[];
};

void json_parser_init(struct json_parser *jp, const char *text, size_t len, struct vitro_error *err)
{
	memset(jp, 0, sizeof(*jp));
	jp->start = text;
	jp->p = text;
	jp->end = text + len;
	jp->err = err;
}

void json_parser_reset_values(struct json_parser *jp)
{
	struct json_arena_block *b = jp->blocks, *next;

	/* The first block is kept for the next values. */
	if (!b)
		return;
	for (next = b->next; next; next = b->next) {
		b->next = next->next;
		free(next);
	}
	b->used = 0;
}

void json_parser_fini(struct json_parser *jp)
{
	json_parser_reset_values(jp);
	free(jp->blocks);
	free(jp->stack);
	jp->blocks = NULL;
	jp->stack = NULL;
}

static int json_error(struct json_parser *jp, const char *what)
{
	unsigned long line = 1, column = 1;
	const char *c;

	for (c = jp->start; c < jp->p; c++) {
		column++;
		if (*c == '\n') {
			line++;
			column = 1;
		}
	}
	return vitro_error_set(jp->err, -EINVAL, "JSON line %lu, column %lu: %s", line, column,
			       what);
}

static void skip_space(struct json_parser *jp)
{
	while (jp->p < jp->end &&
	       (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

bool json_parser_accept(struct json_parser *jp, char c)
{
	skip_space(jp);
	if (jp->p < jp->end && *jp->p == c) {
		jp->p++;
		return true;
	}
	return false;
}

int json_parser_expect(struct json_parser *jp, char c)
{
	char what[32];

	if (json_parser_accept(jp, c))
		return 0;
	snprintf(what, sizeof(what), "expected '%c'", c);
	return json_error(jp, what);
}

bool json_parser_at_end(struct json_parser *jp)
{
	skip_space(jp);
	return jp->p == jp->end;
}

static struct json_value *arena_alloc(struct json_parser *jp, size_t n)
{
	struct json_arena_block *b = jp->blocks;
	size_t cap;

	if (!b || b->cap - b->used < n) {
		cap = n > JSON_ARENA_BLOCK_VALUES ? n : JSON_ARENA_BLOCK_VALUES;
		if (cap > (SIZE_MAX - sizeof(*b)) / sizeof(b->values[0]))
			return NULL;
		b = malloc(sizeof(*b) + cap * sizeof(b->values[0]));
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* Behind the first block, which reset_values keeps. */
		if (jp->blocks) {
			b->next = jp->blocks->next;
			jp->blocks->next = b;
		} else {
			b->next = NULL;
			jp->blocks = b;
		}
	}
	b->used += n;
	return &b->values[b->used - n];
}

static int stack_push(struct json_parser *jp, const struct json_value *v)
{
	if (jp->nr_stack == jp->stack_cap) {
		size_t cap = jp->stack_cap ? jp->stack_cap * 2 : 256;
		struct json_value *s;

		if (cap > SIZE_MAX / sizeof(*s))
			return json_error(jp, "out of memory");
		s = realloc(jp->stack, cap * sizeof(*s));
		if (!s)
			return json_error(jp, "out of memory");
		jp->stack = s;
		jp->stack_cap = cap;
	}
	jp->stack[jp->nr_stack++] = *v;
	return 0;
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* RFC 8259, section 7. */
static int parse_string(struct json_parser *jp, struct json_value *out)
{
	const char *s = ++jp->p;
	unsigned int cp;

	while (jp->p < jp->end && *jp->p != '"') {
		unsigned char c = (unsigned char)*jp->p;

		if (c < 0x20)
			return json_error(jp, "control character in a string");
		if (c != '\\') {
			jp->p++;
			continue;
		}
		if (jp->end - jp->p < 2)
			break;
		c = (unsigned char)jp->p[1];
		if (c == 'u') {
			if (jp->end - jp->p < 6 || hex4(jp->p + 2, &cp))
				return json_error(jp, "bad \\u escape");
			jp->p += 6;
		} else if (strchr("\"\\/bfnrt", c) && c) {
			jp->p += 2;
		} else {
			return json_error(jp, "bad escape");
		}
	}
	if (jp->p >= jp->end)
		return json_error(jp, "string not terminated");
	*out = (struct json_value){ JSON_STRING, s, (size_t)(jp->p - s), NULL, 0 };
	jp->p++;
	return 0;
}

static bool is_digit_at(const struct json_parser *jp, const char *p)
{
	return p < jp->end && *p >= '0' && *p <= '9';
}

/* RFC 8259, section 6. */
static int parse_number(struct json_parser *jp, struct json_value *out)
{
	const char *s = jp->p, *p = jp->p;

	if (p < jp->end && *p == '-')
		p++;
	if (!is_digit_at(jp, p))
		return json_error(jp, "bad number");
	if (*p == '0')
		p++;
	else
		while (is_digit_at(jp, p))
			p++;
	if (p < jp->end && *p == '.') {
		if (!is_digit_at(jp, ++p))
			return json_error(jp, "bad fraction");
		while (is_digit_at(jp, p))
			p++;
	}
	if (p < jp->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < jp->end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit_at(jp, p))
			return json_error(jp, "bad exponent");
		while (is_digit_at(jp, p))
			p++;
	}
	jp->p = p;
	*out = (struct json_value){ JSON_NUMBER, s, (size_t)(p - s), NULL, 0 };
	return 0;
}

static int parse_literal(struct json_parser *jp, const char *word, enum json_type type,
			 struct json_value *out)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n))
		return json_error(jp, "unexpected character");
	jp->p += n;
	*out = (struct json_value){ type, NULL, 0, NULL, 0 };
	return 0;
}

static int parse_value(struct json_parser *jp, struct json_value *out);

/* Arrays and objects: children go on the stack, then into the arena. */
static int parse_container(struct json_parser *jp, struct json_value *out)
{
	bool is_object = *jp->p == '{';
	char close = is_object ? '}' : ']';
	size_t base = jp->nr_stack, n;
	struct json_value v;
	int rc = 0;

	if (++jp->depth > JSON_MAX_DEPTH)
		return json_error(jp, "nested too deep");
	jp->p++;
	if (!json_parser_accept(jp, close)) {
		do {
			if (is_object) {
				skip_space(jp);
				if (jp->p >= jp->end || *jp->p != '"')
					rc = json_error(jp, "expected a key");
				rc = rc ?: parse_string(jp, &v);
				rc = rc ?: stack_push(jp, &v);
				rc = rc ?: json_parser_expect(jp, ':');
			}
			rc = rc ?: parse_value(jp, &v);
			rc = rc ?: stack_push(jp, &v);
		} while (!rc && json_parser_accept(jp, ','));
		rc = rc ?: json_parser_expect(jp, close);
	}
	if (rc)
		return rc;
	jp->depth--;
	n = jp->nr_stack - base;
	*out = (struct json_value){ is_object ? JSON_OBJECT : JSON_ARRAY, NULL, 0, NULL, n };
	if (n) {
		out->children = arena_alloc(jp, n);
		if (!out->children)
			return json_error(jp, "out of memory");
		memcpy(out->children, jp->stack + base, n * sizeof(*out->children));
	}
	jp->nr_stack = base;
	return 0;
}

static int parse_value(struct json_parser *jp, struct json_value *out)
{
	skip_space(jp);
	if (jp->p >= jp->end)
		return json_error(jp, "unexpected end");
	switch (*jp->p) {
	case '{':
	case '[':
		return parse_container(jp, out);
	case '"':
		return parse_string(jp, out);
	case 't':
		return parse_literal(jp, "true", JSON_TRUE, out);
	case 'f':
		return parse_literal(jp, "false", JSON_FALSE, out);
	case 'n':
		return parse_literal(jp, "null", JSON_NULL, out);
	default:
		return parse_number(jp, out);
	}
}

int json_parser_value(struct json_parser *jp, struct json_value *out)
{
	int rc = parse_value(jp, out);

	if (rc) {
		/* Leave the parser usable: drop a half-parsed container. */
		jp->nr_stack = 0;
		jp->depth = 0;
	}
	return rc;
}

const struct json_value *json_object_get(const struct json_value *obj, const char *key)
{
	size_t i, n = strlen(key);

	if (obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i + 1 < obj->nr_children; i += 2)
		if (obj->children[i].len == n && !memcmp(obj->children[i].text, key, n))
			return &obj->children[i + 1];
	return NULL;
}

bool json_is_string(const struct json_value *v, const char *s)
{
	return v && v->type == JSON_STRING && v->len == strlen(s) && !memcmp(v->text, s, v->len);
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The code point of the \u escape at s[i] (validated by parse_string),
 * pairing surrogates; a lone surrogate is U+FFFD. Advances *i. */
static unsigned int decode_u_escape(const char *s, size_t len, size_t *i)
{
	unsigned int cp, low;

	hex4(s + *i + 2, &cp);
	*i += 6;
	if (cp < 0xd800 || cp > 0xdfff)
		return cp;
	if (cp <= 0xdbff && *i + 6 <= len && s[*i] == '\\' && s[*i + 1] == 'u' &&
	    !hex4(s + *i + 2, &low) && low >= 0xdc00 && low <= 0xdfff) {
		*i += 6;
		return 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
	}
	return 0xfffd;
}

size_t json_string_decode(const struct json_value *v, char *out, size_t out_size,
			  bool is_bytes_escape)
{
	static const char simple_from[] = "\"\\/bfnrt", simple_to[] = "\"\\/\b\f\n\r\t";
	const char *s = v->text;
	size_t i = 0, n = 0;
	char utf8[4];

	while (i < v->len) {
		size_t k = 1;

		if (s[i] != '\\') {
			utf8[0] = s[i++];
		} else if (s[i + 1] == 'u') {
			unsigned int cp = decode_u_escape(s, v->len, &i);

			if (is_bytes_escape && cp >= 0x80 && cp <= 0xff)
				utf8[0] = (char)cp;
			else
				k = put_utf8(utf8, cp);
		} else {
			utf8[0] = simple_to[strchr(simple_from, s[i + 1]) - simple_from];
			i += 2;
		}
		if (n + k > out_size)
			break;
		memcpy(out + n, utf8, k);
		n += k;
	}
	return n;
}
