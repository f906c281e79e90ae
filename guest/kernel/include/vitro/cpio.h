/* A bounds-checked reader for cpio "newc" archives (magic 070701, and 070702
 * with a data checksum), the format of Linux's initramfs. The initrd is user
 * input: every field is validated before an entry reaches the consumer, which
 * may then trust it. Independent of the VFS, which unpacks what it is given. */
#ifndef VITRO_CPIO_H
#define VITRO_CPIO_H

#include <stddef.h>
#include <stdint.h>

/* Longest name or symlink target, counting the terminating NUL (Linux's
 * PATH_MAX, which its initramfs unpacker also enforces). */
#define CPIO_PATH_MAX 4096

/* Room a caller should give for the reason string; longer ones are cut. */
#define CPIO_REASON_SIZE 160

/*
 * One archive member, valid only during the callback (name and data point
 * into the archive buffer, except a root written as "/" whose "." is a
 * constant).
 *
 * name: relative, NUL-terminated at name[name_len], never empty. Leading "/"
 * and "./" are stripped as Linux's unpacker effectively does by working from
 * "/"; the archive's root itself ("." or "/") is given as ".". No component
 * is "..". Empty or "." components inside the name ("a//b", "a/./b") are left
 * to the path walk.
 *
 * mode: Linux's encoding, one S_IFREG/S_IFDIR/S_IFLNK/S_IFCHR/S_IFBLK/S_IFIFO/
 * S_IFSOCK type plus permission bits (07777); nothing else is set.
 *
 * data/data_size: the contents of a regular file, or the target of a symlink
 * (not NUL-terminated; 1 to CPIO_PATH_MAX - 1 bytes, no NUL inside). Other
 * types have no data (data_size 0).
 *
 * Hard links: GNU cpio (and Linux's gen_init_cpio) writes every name of a
 * multiply linked regular file as its own entry with the same dev_major,
 * dev_minor and ino and nlink > 1; all but the last have data_size 0 and the
 * last carries the data. A consumer keeps a table keyed by (dev_major,
 * dev_minor, ino) for regular files with nlink > 1: the first name creates
 * the file, later names are hard links to it, and any data is written into
 * that one inode (so data arriving with the last name is not lost and an
 * earlier empty name does not truncate it). ino alone is not unique across
 * concatenated archives, so the table should be emptied at each trailer
 * (archive_index changes), as Linux does.
 */
struct cpio_entry {
	unsigned int index; /* 1-based, counted across concatenated archives */
	unsigned int archive_index; /* 0-based, which concatenated archive */
	const char *name;
	size_t name_len;
	uint32_t mode;
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t mtime; /* seconds since 1970, unsigned as Linux reads it */
	uint32_t ino;
	uint32_t dev_major, dev_minor; /* where the file came from (hard links) */
	uint32_t rdev_major, rdev_minor; /* S_IFCHR and S_IFBLK only */
	const uint8_t *data;
	size_t data_size;
};

/* Called for each entry in archive order; a non-zero return stops the walk
 * and becomes cpio_for_each_entry's result. */
typedef int (*cpio_entry_fn)(const struct cpio_entry *entry, void *arg);

/*
 * Walks every entry of the archive(s) in [archive, archive + size). Each
 * archive ends with a "TRAILER!!!" entry; zero bytes may follow and another
 * archive may start at a 4-byte aligned offset (offsets, and so all newc
 * alignment, count from the start of the buffer, as in Linux). The buffer
 * may also be empty or all zeros (no entries).
 *
 * fn may be NULL to validate the whole buffer before unpacking anything;
 * otherwise entries are handed out as they are validated, so an error late
 * in the buffer comes after earlier entries were seen.
 *
 * Returns 0, fn's non-zero result, or a negative errno: -EINVAL for a
 * malformed archive, -ENAMETOOLONG for an over-long name or symlink target,
 * -EBADMSG for a 070702 checksum mismatch. On failure reason (if not NULL)
 * holds a printable one-line explanation such as
 * "cpio: entry 3 'etc/passwd': data runs past the end of the archive".
 */
int cpio_for_each_entry(const void *archive, size_t size, cpio_entry_fn fn, void *arg, char *reason,
			size_t reason_size);

#endif
