/* See cpio.h. The newc layout is the one in the GNU cpio manual ("Options",
 * -H newc/crc) and Linux's Documentation/driver-api/early-userspace/
 * buffer-format.rst. Offsets are size_t and every length is compared with
 * the room left before it is added, so no arithmetic can wrap; each entry
 * consumes at least a header and each skipped byte at least one, so the walk
 * ends. */
#include <stdarg.h>
#include <stdbool.h>
#include <vitro/cpio.h>
#include <vitro/errno.h>
#include <vitro/format.h>
#include <vitro/string.h>

#define NEWC_MAGIC_SIZE 6
#define NEWC_FIELD_SIZE 8
#define NEWC_HEADER_SIZE 110
#define NEWC_TRAILER "TRAILER!!!"

/* Linux's S_IF* values (include/uapi/linux/stat.h), which newc stores. */
#define MODE_TYPE_MASK 0170000u
#define MODE_PERM_MASK 07777u
#define MODE_SOCK 0140000u
#define MODE_LNK 0120000u
#define MODE_REG 0100000u
#define MODE_BLK 0060000u
#define MODE_DIR 0040000u
#define MODE_CHR 0020000u
#define MODE_FIFO 0010000u

/* Header fields after the magic, in archive order. */
enum newc_field {
	FIELD_INO,
	FIELD_MODE,
	FIELD_UID,
	FIELD_GID,
	FIELD_NLINK,
	FIELD_MTIME,
	FIELD_FILESIZE,
	FIELD_DEVMAJOR,
	FIELD_DEVMINOR,
	FIELD_RDEVMAJOR,
	FIELD_RDEVMINOR,
	FIELD_NAMESIZE,
	FIELD_CHECK,
	NR_FIELDS,
};

static const char *const field_names[NR_FIELDS] = {
	"ino",	    "mode",	"uid",	     "gid",	  "nlink",    "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

/* Longest piece of an entry's name quoted in a reason. */
#define REASON_NAME_MAX 48

struct cpio_walk {
	const uint8_t *buf;
	size_t size;
	char *reason;
	size_t reason_size;
	unsigned int index; /* of the entry being read, 1-based */
	size_t offset; /* of its header */
	const char *raw_name; /* once known to be terminated */
};

/* Records "cpio: entry N 'name': <what>" (or "at byte X" before the name is
 * known); names are cut and non-printable bytes shown as '?', since they
 * come from the archive and end up on a console. */
static int __attribute__((format(printf, 3, 4)))
walk_fail(struct cpio_walk *w, int err, const char *fmt, ...)
{
	char name[REASON_NAME_MAX + 4];
	size_t i, len;
	va_list ap;
	int used;

	if (!w->reason || !w->reason_size)
		return err;
	if (w->raw_name) {
		for (i = 0; w->raw_name[i] && i < REASON_NAME_MAX; i++) {
			char c = w->raw_name[i];

			name[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
		}
		len = i;
		if (w->raw_name[i]) {
			memcpy(name + len, "...", 3);
			len += 3;
		}
		name[len] = '\0';
		used = format_snprintf(w->reason, w->reason_size, "cpio: entry %u '%s': ", w->index,
				       name);
	} else {
		used = format_snprintf(w->reason, w->reason_size,
				       "cpio: entry %u at byte %zu: ", w->index, w->offset);
	}
	if (used >= 0 && (size_t)used < w->reason_size) {
		va_start(ap, fmt);
		format_vsnprintf(w->reason + used, w->reason_size - used, fmt, ap);
		va_end(ap);
	}
	return err;
}

#define BYTES_OF(b) (0x0101010101010101ull * (b))

/* For bytes below 0x80: 0x80 in each byte of x strictly between lo and hi
 * ("Bit Twiddling Hacks", determine if a word has a byte between m and n). */
static uint64_t bytes_between(uint64_t x, unsigned int lo, unsigned int hi)
{
	uint64_t low7 = x & BYTES_OF(127);

	return (BYTES_OF(127 + hi) - low7) & ~x & (low7 + BYTES_OF(127 - lo)) & BYTES_OF(128);
}

/* Exactly eight hex digits, either case (GNU cpio writes upper case, Linux's
 * gen_init_cpio lower case). All eight at once, in one 64-bit word: where
 * ring 0 is emulated, a loop per digit made headers cost more than data. */
static bool parse_hex8(const uint8_t *p, uint32_t *value)
{
	uint64_t x, is_letter, v;

	memcpy(&x, p, sizeof(x)); /* p[0], the first digit, in the low byte */
	if (x & BYTES_OF(0x80))
		return false;
	if ((bytes_between(x, '0' - 1, '9' + 1) |
	     bytes_between(x | BYTES_OF(0x20), 'a' - 1, 'f' + 1)) != BYTES_OF(0x80))
		return false;
	is_letter = (x & BYTES_OF(0x40)) >> 6;
	v = (x & BYTES_OF(0x0f)) + 9 * is_letter; /* a digit's value per byte */
	/* Pairs of digits, then fours, then all eight, the first one highest. */
	v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ffull;
	v = ((v << 8) | (v >> 16)) & 0x0000ffff0000ffffull;
	v = ((v << 16) | (v >> 32)) & 0xffffffffull;
	*value = (uint32_t)v;
	return true;
}

/* off rounded up to 4, or false if that passes limit. */
static bool align4_within(size_t off, size_t limit, size_t *aligned)
{
	size_t pad = (4 - (off & 3)) & 3;

	if (off > limit || pad > limit - off)
		return false;
	*aligned = off + pad;
	return true;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case MODE_REG:
		return "regular file";
	case MODE_DIR:
		return "directory";
	case MODE_LNK:
		return "symlink";
	case MODE_CHR:
		return "character device";
	case MODE_BLK:
		return "block device";
	case MODE_FIFO:
		return "fifo";
	case MODE_SOCK:
		return "socket";
	default:
		return NULL;
	}
}

/* Strips leading "/" and "./" (the unpacker works from the root, so they
 * change nothing) and refuses ".." components, which could climb out of the
 * directory being unpacked into. */
static int normalise_name(struct cpio_walk *w, struct cpio_entry *entry)
{
	const char *name = w->raw_name, *p;

	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			break;
	}
	if (!name[0])
		name = ".";
	for (p = name; *p;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return walk_fail(w, -EINVAL,
					 "name has a '..' component, which could escape "
					 "the root");
		p += len;
		if (*p)
			p++;
	}
	entry->name = name;
	entry->name_len = strlen(name);
	return 0;
}

/* Checks the mode and the data against the file type. */
static int check_type(struct cpio_walk *w, const struct cpio_entry *entry)
{
	uint32_t type = entry->mode & MODE_TYPE_MASK;
	const char *what = type_name(type);

	if (entry->mode & ~(MODE_TYPE_MASK | MODE_PERM_MASK))
		return walk_fail(w, -EINVAL, "mode %#o has bits beyond the type and permissions",
				 entry->mode);
	if (!what)
		return walk_fail(w, -EINVAL, "unknown file type %#o in mode %#o", type,
				 entry->mode);
	if (type == MODE_LNK) {
		if (!entry->data_size)
			return walk_fail(w, -EINVAL, "symlink with an empty target");
		if (entry->data_size >= CPIO_PATH_MAX)
			return walk_fail(w, -ENAMETOOLONG,
					 "symlink target of %zu bytes is longer than PATH_MAX (%d)",
					 entry->data_size, CPIO_PATH_MAX);
		if (memchr(entry->data, '\0', entry->data_size))
			return walk_fail(w, -EINVAL, "symlink target has a NUL byte inside");
	} else if (type != MODE_REG && entry->data_size) {
		return walk_fail(w, -EINVAL, "%s with %zu bytes of data", what, entry->data_size);
	}
	return 0;
}

/* Reads the entry whose header is at *off and moves *off past it (and its
 * padding, which may be cut short at the end of the buffer). */
static int walk_entry(struct cpio_walk *w, size_t *off, struct cpio_entry *entry, bool *is_trailer)
{
	const uint8_t *header = w->buf + *off;
	size_t name_off, data_off, data_end, next, i;
	uint32_t fields[NR_FIELDS], sum = 0;
	const char *name;
	bool has_crc;
	int err;

	w->offset = *off;
	w->raw_name = NULL;
	if (w->size - *off < NEWC_MAGIC_SIZE)
		return walk_fail(w, -EINVAL, "header runs past the end of the archive");
	if (!memcmp(header, "070701", NEWC_MAGIC_SIZE)) {
		has_crc = false;
	} else if (!memcmp(header, "070702", NEWC_MAGIC_SIZE)) {
		has_crc = true;
	} else if (!memcmp(header, "070707", NEWC_MAGIC_SIZE)) {
		return walk_fail(w, -EINVAL,
				 "old portable (odc) format; write it with 'cpio -o -H newc'");
	} else {
		return walk_fail(w, -EINVAL, "bad magic (not a cpio newc archive)");
	}
	if (w->size - *off < NEWC_HEADER_SIZE)
		return walk_fail(w, -EINVAL, "header runs past the end of the archive");
	for (i = 0; i < NR_FIELDS; i++) {
		if (!parse_hex8(header + NEWC_MAGIC_SIZE + i * NEWC_FIELD_SIZE, &fields[i]))
			return walk_fail(w, -EINVAL, "field %s is not 8 hex digits",
					 field_names[i]);
	}

	/* namesize counts the terminating NUL. */
	if (!fields[FIELD_NAMESIZE])
		return walk_fail(w, -EINVAL, "name size is 0");
	if (fields[FIELD_NAMESIZE] > CPIO_PATH_MAX)
		return walk_fail(w, -ENAMETOOLONG, "name of %u bytes is longer than PATH_MAX (%d)",
				 fields[FIELD_NAMESIZE], CPIO_PATH_MAX);
	name_off = *off + NEWC_HEADER_SIZE;
	if (w->size - name_off < fields[FIELD_NAMESIZE])
		return walk_fail(w, -EINVAL, "name runs past the end of the archive");
	name = (const char *)w->buf + name_off;
	if (name[fields[FIELD_NAMESIZE] - 1] != '\0')
		return walk_fail(w, -EINVAL, "name is not NUL-terminated within its %u bytes",
				 fields[FIELD_NAMESIZE]);
	w->raw_name = name;
	if (strlen(name) != fields[FIELD_NAMESIZE] - 1)
		return walk_fail(w, -EINVAL, "name has a NUL byte inside its %u bytes",
				 fields[FIELD_NAMESIZE]);
	if (!name[0])
		return walk_fail(w, -EINVAL, "empty name");

	/* The name and the data each end padded to 4 bytes. */
	if (!align4_within(name_off + fields[FIELD_NAMESIZE], w->size, &data_off))
		return walk_fail(w, -EINVAL, "name padding runs past the end of the archive");
	if (fields[FIELD_FILESIZE] > w->size - data_off)
		return walk_fail(w, -EINVAL, "data (%u bytes) runs past the end of the archive",
				 fields[FIELD_FILESIZE]);
	data_end = data_off + fields[FIELD_FILESIZE];
	if (!align4_within(data_end, w->size, &next))
		next = w->size;

	*off = next;
	*is_trailer = !strcmp(name, NEWC_TRAILER);
	if (*is_trailer)
		return 0;

	entry->mode = fields[FIELD_MODE];
	entry->uid = fields[FIELD_UID];
	entry->gid = fields[FIELD_GID];
	entry->nlink = fields[FIELD_NLINK];
	entry->mtime = fields[FIELD_MTIME];
	entry->ino = fields[FIELD_INO];
	entry->dev_major = fields[FIELD_DEVMAJOR];
	entry->dev_minor = fields[FIELD_DEVMINOR];
	entry->rdev_major = fields[FIELD_RDEVMAJOR];
	entry->rdev_minor = fields[FIELD_RDEVMINOR];
	entry->data = w->buf + data_off;
	entry->data_size = fields[FIELD_FILESIZE];
	err = check_type(w, entry);
	if (err)
		return err;

	/* The crc format's "checksum" is the 32-bit sum of the data bytes; GNU
	 * cpio fills it in for regular files only (symlinks carry 0). */
	if (has_crc && (entry->mode & MODE_TYPE_MASK) == MODE_REG) {
		for (i = 0; i < entry->data_size; i++)
			sum += entry->data[i];
		if (sum != fields[FIELD_CHECK])
			return walk_fail(w, -EBADMSG,
					 "checksum 0x%08x in the header, 0x%08x in the data",
					 fields[FIELD_CHECK], sum);
	}
	return normalise_name(w, entry);
}

int cpio_for_each_entry(const void *archive, size_t size, cpio_entry_fn fn, void *arg, char *reason,
			size_t reason_size)
{
	struct cpio_walk w = {
		.buf = archive,
		.size = size,
		.reason = reason,
		.reason_size = reason_size,
	};
	unsigned int archive_index = 0;
	bool in_archive = false;
	size_t off = 0;
	int err;

	if (reason && reason_size)
		reason[0] = '\0';
	while (off < size) {
		struct cpio_entry entry = { 0 };
		bool is_trailer;

		/* Between archives: zero padding, then a header on a 4-byte boundary. */
		if (!in_archive) {
			if (!w.buf[off]) {
				off++;
				continue;
			}
			if (off & 3) {
				w.index++;
				w.offset = off;
				w.raw_name = NULL;
				return walk_fail(&w, -EINVAL,
						 "data after the trailer is not a 4-byte aligned "
						 "archive");
			}
			in_archive = true;
		}
		w.index++;
		err = walk_entry(&w, &off, &entry, &is_trailer);
		if (err)
			return err;
		if (is_trailer) {
			in_archive = false;
			archive_index++;
			continue;
		}
		if (!fn)
			continue;
		entry.index = w.index;
		entry.archive_index = archive_index;
		err = fn(&entry, arg);
		if (err)
			return walk_fail(&w, err, "rejected by the unpacker (error %d)", err);
	}
	if (in_archive) {
		w.index++;
		w.offset = off;
		w.raw_name = NULL;
		return walk_fail(&w, -EINVAL, "the archive ends without a TRAILER!!! entry");
	}
	return 0;
}
