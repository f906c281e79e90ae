/* See cmdline.h. */
#include <vitro/cmdline.h>
#include <vitro/string.h>

/* Finds the next word; sets *key_len to the length before '=' (or the whole
 * word). Returns the start, or NULL at the end. *next is set past the word. */
static const char *next_word(const char *p, size_t *key_len, const char **value, size_t *value_len,
			     const char **next)
{
	bool in_quotes = false;
	const char *start;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	start = p;
	*value = NULL;
	*value_len = 0;
	while (*p && (in_quotes || (*p != ' ' && *p != '\t' && *p != '\n'))) {
		if (*p == '"')
			in_quotes = !in_quotes;
		if (*p == '=' && !*value && !in_quotes) {
			*key_len = p - start;
			*value = p + 1;
		}
		p++;
	}
	if (!*value)
		*key_len = p - start;
	else
		*value_len = p - *value;
	*next = p;
	return start;
}

static void copy_value(const char *value, size_t value_len, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < value_len && len && n + 1 < len; i++)
		if (value[i] != '"')
			buf[n++] = value[i];
	if (len)
		buf[n] = '\0';
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t key_len, value_len, klen = strlen(key);
	const char *word, *value, *next, *found = NULL;
	size_t found_len = 0;

	for (word = next_word(cmdline, &key_len, &value, &value_len, &next); word;
	     word = next_word(next, &key_len, &value, &value_len, &next)) {
		if (value && key_len == klen && !strncmp(word, key, klen)) {
			found = value;
			found_len = value_len;
		}
	}
	if (!found)
		return false;
	copy_value(found, found_len, buf, len);
	return true;
}

const char *cmdline_next_value(const char *cursor, const char *key, char *buf, size_t len)
{
	size_t key_len, value_len, klen = strlen(key);
	const char *word, *value, *next;

	for (word = next_word(cursor, &key_len, &value, &value_len, &next); word;
	     word = next_word(next, &key_len, &value, &value_len, &next)) {
		if (value && key_len == klen && !strncmp(word, key, klen)) {
			copy_value(value, value_len, buf, len);
			return next;
		}
	}
	return NULL;
}

bool cmdline_has(const char *cmdline, const char *word_wanted)
{
	size_t key_len, value_len, wlen = strlen(word_wanted);
	const char *word, *value, *next;

	for (word = next_word(cmdline, &key_len, &value, &value_len, &next); word;
	     word = next_word(next, &key_len, &value, &value_len, &next))
		if (key_len == wlen && !strncmp(word, word_wanted, wlen))
			return true;
	return false;
}
