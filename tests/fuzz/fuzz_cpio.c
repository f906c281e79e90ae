/* libFuzzer target: the initramfs archive reader (guest/kernel/fs/cpio.c),
 * built for the host. libFuzzer's input buffer has exactly the input's size,
 * so ASan catches any read past it; the callback checks that every entry
 * keeps the promises cpio.h makes to the VFS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitro/cpio.h>

/* Linux's S_IF* values, as cpio.h promises them. */
#define MODE_TYPE_MASK 0170000u
#define MODE_LNK 0120000u
#define MODE_REG 0100000u

struct fuzz_state {
	const uint8_t *input;
	size_t size;
	unsigned int last_index, nr_entries;
};

static volatile uint8_t data_sink;

static void fail(const struct cpio_entry *entry, const char *what)
{
	fprintf(stderr, "fuzz_cpio: invariant failed at entry %u: %s\n", entry ? entry->index : 0,
		what);
	abort();
}

/* True if [p, p + len) lies in the input. */
static int in_input(const struct fuzz_state *s, const void *p, size_t len)
{
	const uint8_t *q = p;

	return q >= s->input && (size_t)(q - s->input) <= s->size &&
	       len <= s->size - (size_t)(q - s->input);
}

static int has_dot_dot_component(const char *name)
{
	const char *p = name;

	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += len;
		p += *p == '/';
	}
	return 0;
}

static int check_entry(const struct cpio_entry *entry, void *arg)
{
	struct fuzz_state *s = arg;
	uint32_t type = entry->mode & MODE_TYPE_MASK;
	uint8_t sum = 0;
	size_t i;

	if (entry->index <= s->last_index)
		fail(entry, "entry index does not increase");
	s->last_index = entry->index;
	s->nr_entries++;
	/* The root written as "/" or "./" becomes a constant ".". */
	if (!in_input(s, entry->name, entry->name_len + 1) && strcmp(entry->name, "."))
		fail(entry, "name outside the input");
	if (entry->name[entry->name_len] != '\0' || strlen(entry->name) != entry->name_len)
		fail(entry, "name not NUL-terminated at name_len");
	if (!entry->name_len || entry->name_len >= CPIO_PATH_MAX)
		fail(entry, "name empty or longer than PATH_MAX");
	if (entry->name[0] == '/' || !strncmp(entry->name, "./", 2))
		fail(entry, "name not normalised");
	if (has_dot_dot_component(entry->name))
		fail(entry, "name has a '..' component");
	if (!in_input(s, entry->data, entry->data_size))
		fail(entry, "data outside the input");
	if (entry->mode & ~(MODE_TYPE_MASK | 07777u))
		fail(entry, "mode has bits beyond type and permissions");
	if (type == MODE_LNK) {
		if (!entry->data_size || entry->data_size >= CPIO_PATH_MAX ||
		    memchr(entry->data, '\0', entry->data_size))
			fail(entry, "bad symlink target");
	} else if (type != MODE_REG && entry->data_size) {
		fail(entry, "data on a type that has none");
	}
	/* Read every byte so ASan sees the whole range. */
	for (i = 0; i < entry->data_size; i++)
		sum += entry->data[i];
	data_sink = sum;
	return 0;
}

static void check_reason(const char *reason, size_t reason_size, int err)
{
	if (!memchr(reason, '\0', reason_size))
		fail(NULL, "reason not terminated within its buffer");
	if (err && reason_size > 12 && strncmp(reason, "cpio: entry ", 12))
		fail(NULL, "error without a reason");
	if (!err && reason[0])
		fail(NULL, "reason set on success");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_state state = { .input = data, .size = size };
	char reason[CPIO_REASON_SIZE];
	char *short_reason;
	int err, again;

	err = cpio_for_each_entry(data, size, check_entry, &state, reason, sizeof(reason));
	if (err > 0)
		fail(NULL, "positive result from a callback that returns 0");
	check_reason(reason, sizeof(reason), err);

	/* Validating alone reaches the same verdict. */
	again = cpio_for_each_entry(data, size, NULL, NULL, NULL, 0);
	if (again != err)
		fail(NULL, "validation without a callback disagrees");

	/* A short reason buffer (exactly sized for ASan) is cut, not overrun. */
	short_reason = malloc(17);
	if (!short_reason)
		return 0;
	again = cpio_for_each_entry(data, size, NULL, NULL, short_reason, 17);
	if (again != err)
		fail(NULL, "result depends on the reason buffer");
	check_reason(short_reason, 17, again);
	free(short_reason);
	return 0;
}
