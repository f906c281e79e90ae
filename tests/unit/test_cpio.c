/* Tests for the initramfs archive reader (guest/kernel/fs/cpio.c) built for
 * the host. Archives come from GNU cpio run over a tree made here, and from a
 * small newc writer below for the cases GNU cpio will not write (device nodes
 * without root, broken headers). Inputs are handed over in buffers that end
 * at a guard page, so a read past the end crashes instead of passing. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <vitro/cpio.h>
#include <vitro/errno.h>

#include "unit.h"

#define ARCHIVE_MAX (256 * 1024)
#define MAX_ENTRIES 64
#define GNU_CPIO "/usr/bin/cpio"

/* ---- A newc writer: every header field can be set, or broken. */

struct newc_entry {
	const char *magic; /* "070701" unless set */
	const char *name;
	uint32_t namesize; /* strlen(name) + 1 unless set */
	uint32_t mode, uid, gid, nlink, mtime, ino;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
	const void *data;
	uint32_t data_size;
	uint32_t filesize; /* data_size unless has_filesize */
	bool has_filesize;
	uint32_t check;
	bool has_check; /* else the sum of the data for 070702 */
};

struct newc_writer {
	uint8_t buf[ARCHIVE_MAX];
	size_t size;
	bool is_lower_case; /* hex digits as Linux's gen_init_cpio writes them */
	size_t last_header; /* offset of the last entry put */
};

static struct newc_writer writer;

static void put_bytes(struct newc_writer *w, const void *p, size_t len)
{
	if (w->size + len > sizeof(w->buf)) {
		UNIT_FAIL("test archive is larger than %d bytes", ARCHIVE_MAX);
		return;
	}
	memcpy(w->buf + w->size, p, len);
	w->size += len;
}

static void put_pad(struct newc_writer *w)
{
	static const uint8_t zeros[4];

	put_bytes(w, zeros, (4 - (w->size & 3)) & 3);
}

static void put_entry(struct newc_writer *w, const struct newc_entry *e)
{
	const char *magic = e->magic ? e->magic : "070701";
	uint32_t namesize = e->namesize ? e->namesize : (uint32_t)strlen(e->name) + 1;
	uint32_t filesize = e->has_filesize ? e->filesize : e->data_size;
	uint32_t check = e->check, i;
	char header[112];

	if (!e->has_check && !strcmp(magic, "070702"))
		for (i = 0, check = 0; i < e->data_size; i++)
			check += ((const uint8_t *)e->data)[i];
	snprintf(header, sizeof(header),
		 w->is_lower_case ? "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x" :
				    "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 magic, e->ino, e->mode, e->uid, e->gid, e->nlink, e->mtime, filesize, e->dev_major,
		 e->dev_minor, e->rdev_major, e->rdev_minor, namesize, check);
	w->last_header = w->size;
	put_bytes(w, header, 110);
	put_bytes(w, e->name, namesize);
	put_pad(w);
	put_bytes(w, e->data, e->data_size);
	put_pad(w);
}

static void put_file(struct newc_writer *w, const char *name, uint32_t mode, const char *data)
{
	struct newc_entry e = { .name = name, .mode = mode, .nlink = 1, .data = data };

	e.data_size = data ? strlen(data) : 0;
	put_entry(w, &e);
}

static void put_trailer(struct newc_writer *w)
{
	struct newc_entry e = { .name = "TRAILER!!!", .nlink = 1 };

	put_entry(w, &e);
}

/* ---- Collecting what the reader hands out. */

struct seen_entry {
	char name[CPIO_PATH_MAX];
	struct cpio_entry entry; /* name and data pointed into a freed copy */
	uint8_t data[64];
};

struct seen {
	struct seen_entry entries[MAX_ENTRIES];
	unsigned int nr;
	int stop_at; /* entry index whose callback returns -ENOSPC, or 0 */
};

static struct seen seen;

static int collect(const struct cpio_entry *entry, void *arg)
{
	struct seen *s = arg;
	struct seen_entry *e;

	if (s->nr == MAX_ENTRIES)
		return -E2BIG;
	e = &s->entries[s->nr++];
	memcpy(e->name, entry->name, entry->name_len + 1);
	e->entry = *entry;
	memcpy(e->data, entry->data, entry->data_size < 64 ? entry->data_size : 64);
	if (s->stop_at && entry->index == (unsigned int)s->stop_at)
		return -ENOSPC;
	return 0;
}

static char reason[CPIO_REASON_SIZE];

/* Walks a guarded copy of the archive, collecting entries into seen. */
static int walk(const void *archive, size_t size)
{
	uint8_t *copy = unit_guarded_copy(archive, size);
	int err;

	if (!copy)
		return -ENOMEM;
	memset(&seen, 0, sizeof(seen));
	err = cpio_for_each_entry(copy, size, collect, &seen, reason, sizeof(reason));
	unit_guarded_free(copy, size);
	return err;
}

static const struct seen_entry *find_seen(const char *name)
{
	unsigned int i;

	for (i = 0; i < seen.nr; i++)
		if (!strcmp(seen.entries[i].name, name))
			return &seen.entries[i];
	UNIT_FAIL("no entry named '%s' among %u", name, seen.nr);
	return NULL;
}

/* Expects the archive in writer to be rejected with err and a reason
 * containing what. */
#define EXPECT_REJECTED(err, what)                                 \
	do {                                                       \
		EXPECT_EQ(walk(writer.buf, writer.size), (err));   \
		EXPECT_CONTAINS(reason, (what));                   \
		EXPECT_TRUE(!strncmp(reason, "cpio: entry ", 12)); \
	} while (0)

static void start_archive(void)
{
	writer.size = 0;
	writer.is_lower_case = false;
}

/* ---- Archives written by GNU cpio. */

static char tree_dir[64];

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

static const char long_dir[] =
	"a-directory-name-that-is-long-enough-to-need-many-bytes-in-the-header-0123456789";
static const char long_file[] = "and-a-file-name-which-takes-the-whole-path-well-past-two-"
				"hundred-characters-abcdefghijklmnopqrstuvwxyz-0123456789-"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* A tree with nested directories, a symlink, hard links, a fifo, an empty
 * file and a long path; device nodes too when we may make them. */
static bool make_tree(bool *has_devices)
{
	static const char *const dirs[] = { "etc", "etc/init.d", long_dir };
	char path[512], other[512];
	unsigned int i;
	bool ok = true;

	snprintf(tree_dir, sizeof(tree_dir), "/tmp/vitro-cpio-XXXXXX");
	if (!mkdtemp(tree_dir))
		return false;
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", tree_dir, dirs[i]);
		ok = ok && !mkdir(path, 0750);
	}
	snprintf(path, sizeof(path), "%s/etc/passwd", tree_dir);
	ok = ok && write_file(path, "root:x:0:0:root:/root:/bin/sh\n");
	snprintf(path, sizeof(path), "%s/etc/init.d/rcS", tree_dir);
	ok = ok && write_file(path, "#!/bin/sh\nmount -t proc proc /proc\n") && !chmod(path, 0755);
	snprintf(path, sizeof(path), "%s/empty", tree_dir);
	ok = ok && write_file(path, "");
	snprintf(path, sizeof(path), "%s/shell", tree_dir);
	ok = ok && !symlink("etc/init.d/rcS", path);
	snprintf(path, sizeof(path), "%s/linked-1", tree_dir);
	ok = ok && write_file(path, "one inode, three names\n");
	snprintf(other, sizeof(other), "%s/linked-2", tree_dir);
	ok = ok && !link(path, other);
	snprintf(other, sizeof(other), "%s/etc/linked-3", tree_dir);
	ok = ok && !link(path, other);
	snprintf(path, sizeof(path), "%s/fifo", tree_dir);
	ok = ok && !mkfifo(path, 0600);
	snprintf(path, sizeof(path), "%s/%s/%s", tree_dir, long_dir, long_file);
	ok = ok && write_file(path, "long\n");
	/* mknod needs CAP_MKNOD; without it the writer's tests cover devices. */
	snprintf(path, sizeof(path), "%s/console", tree_dir);
	*has_devices = !mknod(path, S_IFCHR | 0600, makedev(5, 1));
	if (*has_devices) {
		snprintf(path, sizeof(path), "%s/vda", tree_dir);
		*has_devices = !mknod(path, S_IFBLK | 0660, makedev(254, 0));
	}
	return ok;
}

static void remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree_dir);
	if (system(cmd))
		UNIT_FAIL("could not remove %s", tree_dir);
}

/* Runs GNU cpio over tree_dir; returns the archive size or 0. */
static size_t run_gnu_cpio(const char *format, uint8_t *out, size_t out_size)
{
	char cmd[256];
	FILE *p;
	size_t size;

	if (access(GNU_CPIO, X_OK)) {
		UNIT_FAIL("%s is missing: install the cpio package (scripts/setup-deps)", GNU_CPIO);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && find . | LC_ALL=C sort | %s -o -H %s --quiet",
		 tree_dir, GNU_CPIO, format);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	size = fread(out, 1, out_size, p);
	if (pclose(p) || size == out_size) {
		UNIT_FAIL("'%s' failed or wrote more than %zu bytes", cmd, out_size);
		return 0;
	}
	return size;
}

static uint8_t gnu_archive[ARCHIVE_MAX];

/* Compares every entry with what lstat and read say about the file. */
static void check_against_tree(bool has_devices)
{
	unsigned int i, nr_carriers = 0, nr_links = 0;
	char path[CPIO_PATH_MAX + 64];

	EXPECT_EQ(seen.nr, has_devices ? 15 : 13);
	for (i = 0; i < seen.nr; i++) {
		const struct seen_entry *s = &seen.entries[i];
		const struct cpio_entry *e = &s->entry;
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", tree_dir, s->name);
		if (lstat(path, &st)) {
			UNIT_FAIL("entry '%s' is not in the tree", s->name);
			continue;
		}
		EXPECT_EQ(e->index, i + 1);
		EXPECT_EQ(e->mode, st.st_mode);
		EXPECT_EQ(e->uid, st.st_uid);
		EXPECT_EQ(e->gid, st.st_gid);
		EXPECT_EQ(e->mtime, st.st_mtime);
		EXPECT_EQ(e->nlink, st.st_nlink);
		EXPECT_EQ(e->ino, (uint32_t)st.st_ino);
		EXPECT_EQ(e->dev_major, major(st.st_dev));
		EXPECT_EQ(e->dev_minor, minor(st.st_dev));
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			EXPECT_EQ(e->rdev_major, major(st.st_rdev));
			EXPECT_EQ(e->rdev_minor, minor(st.st_rdev));
		}
		if (S_ISLNK(st.st_mode)) {
			char target[64] = { 0 };

			EXPECT_EQ(readlink(path, target, sizeof(target) - 1), e->data_size);
			EXPECT_TRUE(!memcmp(target, s->data, e->data_size));
		} else if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
			/* Only one name of a hard-linked file carries the data. */
			nr_links++;
			if (e->data_size) {
				nr_carriers++;
				EXPECT_EQ(e->data_size, st.st_size);
			}
		} else if (S_ISREG(st.st_mode)) {
			char contents[64] = { 0 };
			int fd = open(path, O_RDONLY);

			EXPECT_EQ(e->data_size, st.st_size);
			EXPECT_EQ(read(fd, contents, sizeof(contents)), st.st_size);
			EXPECT_TRUE(!memcmp(contents, s->data, e->data_size));
			close(fd);
		} else {
			EXPECT_EQ(e->data_size, 0);
		}
	}
	EXPECT_EQ(nr_links, 3);
	EXPECT_EQ(nr_carriers, 1);
}

static void test_cpio_reads_every_kind_of_entry_gnu_cpio_writes(void)
{
	static const char *const formats[] = { "newc", "crc" };
	const struct seen_entry *root, *longest;
	char long_name[256];
	bool has_devices;
	unsigned int f;
	size_t size;

	if (!make_tree(&has_devices)) {
		UNIT_FAIL("could not build the test tree in %s", tree_dir);
		remove_tree();
		return;
	}
	for (f = 0; f < ARRAY_SIZE(formats); f++) {
		size = run_gnu_cpio(formats[f], gnu_archive, sizeof(gnu_archive));
		if (!size)
			break;
		if (!EXPECT_EQ(walk(gnu_archive, size), 0))
			UNIT_FAIL("-H %s: %s", formats[f], reason);
		check_against_tree(has_devices);
		/* find prints "." first: the root, given as ".". */
		root = &seen.entries[0];
		EXPECT_STR(root->name, ".");
		EXPECT_EQ(root->entry.mode & S_IFMT, S_IFDIR);
		snprintf(long_name, sizeof(long_name), "%s/%s", long_dir, long_file);
		EXPECT_TRUE(strlen(long_name) > 200);
		longest = find_seen(long_name);
		if (longest)
			EXPECT_EQ(longest->entry.name_len, strlen(long_name));
		if (find_seen("etc/init.d/rcS"))
			EXPECT_EQ(find_seen("etc/init.d/rcS")->entry.mode, S_IFREG | 0755);
	}
	remove_tree();
}

static void test_cpio_rejects_gnu_crc_archive_with_a_changed_byte(void)
{
	bool has_devices;
	uint8_t *hit;
	size_t size;

	if (!make_tree(&has_devices)) {
		remove_tree();
		return;
	}
	size = run_gnu_cpio("crc", gnu_archive, sizeof(gnu_archive));
	remove_tree();
	if (!size)
		return;
	hit = memmem(gnu_archive, size, "root:x:0", 8);
	if (!EXPECT_TRUE(hit != NULL))
		return;
	hit[5] = 'y';
	EXPECT_EQ(walk(gnu_archive, size), -EBADMSG);
	EXPECT_CONTAINS(reason, "'etc/passwd': checksum");
}

/* ---- Archives from the writer above. */

static void test_cpio_passes_every_header_field_through(void)
{
	struct newc_entry e = {
		.name = "dev/vda",
		.mode = S_IFBLK | 0660,
		.uid = 0x12345678,
		.gid = 0x9abcdef0,
		.nlink = 3,
		.mtime = 0xfedcba98,
		.ino = 0x0badcafe,
		.dev_major = 0x103,
		.dev_minor = 0x204,
		.rdev_major = 254,
		.rdev_minor = 0x100000,
	};
	const struct cpio_entry *got;

	start_archive();
	put_entry(&writer, &e);
	put_trailer(&writer);
	if (!EXPECT_EQ(walk(writer.buf, writer.size), 0) || !EXPECT_EQ(seen.nr, 1))
		return;
	got = &seen.entries[0].entry;
	EXPECT_STR(seen.entries[0].name, "dev/vda");
	EXPECT_EQ(got->name_len, 7);
	EXPECT_EQ(got->mode, S_IFBLK | 0660);
	EXPECT_EQ(got->uid, 0x12345678);
	EXPECT_EQ(got->gid, 0x9abcdef0);
	EXPECT_EQ(got->nlink, 3);
	EXPECT_EQ(got->mtime, 0xfedcba98);
	EXPECT_EQ(got->ino, 0x0badcafe);
	EXPECT_EQ(got->dev_major, 0x103);
	EXPECT_EQ(got->dev_minor, 0x204);
	EXPECT_EQ(got->rdev_major, 254);
	EXPECT_EQ(got->rdev_minor, 0x100000);
	EXPECT_EQ(got->data_size, 0);
	EXPECT_EQ(got->index, 1);
	EXPECT_EQ(got->archive_index, 0);
}

static void test_cpio_accepts_lower_case_hex_and_every_file_type(void)
{
	static const uint32_t types[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR,
					  S_IFBLK, S_IFIFO, S_IFSOCK };
	unsigned int i;

	start_archive();
	writer.is_lower_case = true;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		char name[8];

		snprintf(name, sizeof(name), "t%u", i);
		put_file(&writer, name, types[i] | 01777, types[i] == S_IFLNK ? "t0" : NULL);
	}
	put_trailer(&writer);
	if (!EXPECT_EQ(walk(writer.buf, writer.size), 0) || !EXPECT_EQ(seen.nr, ARRAY_SIZE(types)))
		return;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		EXPECT_EQ(seen.entries[i].entry.mode, types[i] | 01777);
}

static void test_cpio_strips_leading_slash_and_dot_slash(void)
{
	static const char *const names[][2] = {
		{ "/etc", "etc" },	{ "./bin/sh", "bin/sh" },
		{ "//././/x", "x" },	{ ".", "." },
		{ "/", "." },		{ "./", "." },
		{ "..x/y.", "..x/y." }, { ".hidden", ".hidden" },
	};
	unsigned int i;

	start_archive();
	for (i = 0; i < ARRAY_SIZE(names); i++)
		put_file(&writer, names[i][0], S_IFDIR | 0755, NULL);
	put_trailer(&writer);
	if (!EXPECT_EQ(walk(writer.buf, writer.size), 0) || !EXPECT_EQ(seen.nr, ARRAY_SIZE(names)))
		return;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		EXPECT_STR(seen.entries[i].name, names[i][1]);
		EXPECT_EQ(seen.entries[i].entry.name_len, strlen(names[i][1]));
	}
}

static void test_cpio_reads_long_names_up_to_path_max(void)
{
	static char name[CPIO_PATH_MAX];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	start_archive();
	put_file(&writer, name, S_IFREG | 0644, "x");
	put_trailer(&writer);
	if (EXPECT_EQ(walk(writer.buf, writer.size), 0) && EXPECT_EQ(seen.nr, 1)) {
		EXPECT_EQ(seen.entries[0].entry.name_len, CPIO_PATH_MAX - 1);
		EXPECT_EQ(seen.entries[0].data[0], 'x');
	}
}

static void test_cpio_continues_into_concatenated_archives(void)
{
	static const uint8_t zeros[512 + 4];

	start_archive();
	put_bytes(&writer, zeros, 8); /* zeros may come first too */
	put_file(&writer, "first", S_IFREG | 0644, "1");
	put_trailer(&writer);
	put_bytes(&writer, zeros, 512);
	put_file(&writer, "second", S_IFREG | 0644, "22");
	put_trailer(&writer);
	put_file(&writer, "third", S_IFDIR | 0755, NULL);
	put_trailer(&writer);
	put_bytes(&writer, zeros, 3); /* and trail, in any amount */
	if (!EXPECT_EQ(walk(writer.buf, writer.size), 0) || !EXPECT_EQ(seen.nr, 3))
		return;
	EXPECT_STR(seen.entries[1].name, "second");
	EXPECT_EQ(seen.entries[1].entry.data_size, 2);
	EXPECT_EQ(seen.entries[0].entry.archive_index, 0);
	EXPECT_EQ(seen.entries[1].entry.archive_index, 1);
	EXPECT_EQ(seen.entries[2].entry.archive_index, 2);
	/* Indices count trailers, so messages match a listing of the buffer. */
	EXPECT_EQ(seen.entries[2].entry.index, 5);
}

static void test_cpio_accepts_empty_and_all_zero_buffers(void)
{
	static const uint8_t zeros[100];

	EXPECT_EQ(walk(zeros, 0), 0);
	EXPECT_EQ(walk(zeros, sizeof(zeros)), 0);
	EXPECT_EQ(seen.nr, 0);
}

static void test_cpio_validates_without_a_callback(void)
{
	start_archive();
	put_file(&writer, "ok", S_IFREG | 0644, "data");
	put_trailer(&writer);
	EXPECT_EQ(cpio_for_each_entry(writer.buf, writer.size, NULL, NULL, NULL, 0), 0);
	put_file(&writer, "../escape", S_IFREG | 0644, "data");
	put_trailer(&writer);
	EXPECT_EQ(cpio_for_each_entry(writer.buf, writer.size, NULL, NULL, NULL, 0), -EINVAL);
}

static void test_cpio_verifies_crc_checksum_of_regular_files(void)
{
	struct newc_entry e = { .magic = "070702",
				.name = "f",
				.mode = S_IFREG | 0644,
				.data = "\xff\xfe\x01",
				.data_size = 3 };
	struct newc_entry link = { .magic = "070702",
				   .name = "l",
				   .mode = S_IFLNK | 0777,
				   .data = "f",
				   .data_size = 1,
				   .has_check = true };

	start_archive();
	put_entry(&writer, &e);
	put_entry(&writer, &link); /* GNU cpio leaves a symlink's check at 0 */
	put_trailer(&writer);
	EXPECT_EQ(walk(writer.buf, writer.size), 0);
	EXPECT_EQ(seen.nr, 2);

	e.has_check = true;
	e.check = 0x1ff;
	start_archive();
	put_entry(&writer, &e);
	put_trailer(&writer);
	EXPECT_REJECTED(-EBADMSG, "entry 1 'f': checksum 0x000001ff in the header, 0x000001fe "
				  "in the data");
	/* newc has no checksum: the same entry passes there. */
	memcpy(writer.buf, "070701", 6);
	EXPECT_EQ(walk(writer.buf, writer.size), 0);
}

static void test_cpio_stops_when_the_consumer_fails(void)
{
	start_archive();
	put_file(&writer, "a", S_IFREG | 0644, "1");
	put_file(&writer, "b", S_IFREG | 0644, "2");
	put_file(&writer, "c", S_IFREG | 0644, "3");
	put_trailer(&writer);
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 2;
	EXPECT_EQ(cpio_for_each_entry(writer.buf, writer.size, collect, &seen, reason,
				      sizeof(reason)),
		  -ENOSPC);
	EXPECT_EQ(seen.nr, 2);
	EXPECT_STR(reason, "cpio: entry 2 'b': rejected by the unpacker (error -28)");
}

/* ---- Malformed archives, one broken thing each. */

/* Where put_broken put the broken entry's header. */
static size_t broken_at;

static void put_broken(const struct newc_entry *e)
{
	start_archive();
	put_file(&writer, "etc", S_IFDIR | 0755, NULL);
	put_file(&writer, "etc/hostname", S_IFREG | 0644, "vitro\n");
	put_entry(&writer, e);
	broken_at = writer.last_header;
	put_trailer(&writer);
}

static void test_cpio_reason_names_entry_and_problem(void)
{
	struct newc_entry e = { .name = "etc/passwd",
				.mode = S_IFREG | 0644,
				.data = "r",
				.data_size = 1,
				.filesize = 0x10000,
				.has_filesize = true };

	put_broken(&e);
	EXPECT_EQ(walk(writer.buf, writer.size), -EINVAL);
	EXPECT_STR(
		reason,
		"cpio: entry 3 'etc/passwd': data (65536 bytes) runs past the end of the archive");
	/* Entries before the broken one were already handed out. */
	EXPECT_EQ(seen.nr, 2);
}

static void test_cpio_rejects_bad_magic(void)
{
	struct newc_entry e = { .magic = "070703", .name = "x", .mode = S_IFREG };

	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "entry 3 at byte 248: bad magic");
	e.magic = "070707";
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "old portable (odc) format");
}

static void test_cpio_rejects_fields_that_are_not_8_hex_digits(void)
{
	static const char *const fields[] = { "ino",	  "mode",      "uid",	    "gid",
					      "nlink",	  "mtime",     "filesize",  "devmajor",
					      "devminor", "rdevmajor", "rdevminor", "namesize",
					      "check" };
	static const char bad[] = { 'g', ' ', '-', 'x', '\0', 'G', '+' };
	struct newc_entry e = { .name = "file", .mode = S_IFREG | 0644 };
	unsigned int f, b;
	char what[64];

	for (f = 0; f < ARRAY_SIZE(fields); f++) {
		for (b = 0; b < ARRAY_SIZE(bad); b++) {
			put_broken(&e);
			writer.buf[broken_at + 6 + f * 8 + (b % 8)] = bad[b];
			snprintf(what, sizeof(what), "field %s is not 8 hex digits", fields[f]);
			EXPECT_REJECTED(-EINVAL, what);
		}
	}
}

static void test_cpio_rejects_bad_name_sizes(void)
{
	static char huge[CPIO_PATH_MAX + 1];
	struct newc_entry e = { .name = "abc\0def", .mode = S_IFREG | 0644 };

	e.namesize = 8;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "'abc': name has a NUL byte inside its 8 bytes");
	e.namesize = 3;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "name is not NUL-terminated within its 3 bytes");
	e.name = "";
	e.namesize = 1;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "empty name");

	memset(huge, 'h', CPIO_PATH_MAX);
	e.name = huge;
	e.namesize = CPIO_PATH_MAX + 1;
	put_broken(&e);
	EXPECT_REJECTED(-ENAMETOOLONG, "name of 4097 bytes is longer than PATH_MAX (4096)");

	/* A zero namesize: write "x" by hand with the field cleared. */
	e.name = "x";
	e.namesize = 0;
	put_broken(&e);
	memcpy(writer.buf + broken_at + 6 + 11 * 8, "00000000", 8);
	EXPECT_REJECTED(-EINVAL, "name size is 0");
}

static void test_cpio_rejects_name_or_data_past_the_end(void)
{
	struct newc_entry e = {
		.name = "x", .mode = S_IFREG | 0644, .filesize = 0xffffffff, .has_filesize = true
	};

	start_archive();
	put_entry(&writer, &e);
	EXPECT_REJECTED(-EINVAL, "data (4294967295 bytes) runs past the end");

	e.has_filesize = false;
	e.name = "xy";
	start_archive();
	put_entry(&writer, &e);
	writer.size = 112; /* the header and the name's first two bytes */
	EXPECT_REJECTED(-EINVAL, "entry 1 at byte 0: name runs past the end");
	writer.size = 113; /* header, name, no padding */
	EXPECT_REJECTED(-EINVAL, "'xy': name padding runs past the end");
	writer.size = 60;
	EXPECT_REJECTED(-EINVAL, "header runs past the end");
}

static void test_cpio_rejects_dot_dot_components(void)
{
	static const char *const names[] = { "..",   "../etc/passwd", "a/../../b",
					     "a/..", "/../x",	      "./a/b/../c" };
	struct newc_entry e = { .mode = S_IFREG | 0644 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		e.name = names[i];
		put_broken(&e);
		EXPECT_REJECTED(-EINVAL, "name has a '..' component");
		EXPECT_EQ(seen.nr, 2);
	}
}

static void test_cpio_rejects_bad_modes(void)
{
	struct newc_entry e = { .name = "x", .mode = 0170644 };

	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "'x': unknown file type 0170000 in mode 0170644");
	e.mode = 0644;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "unknown file type 0 in mode 0644");
	e.mode = 0200000 | S_IFREG | 0644;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "mode 0300644 has bits beyond the type and permissions");
}

static void test_cpio_rejects_data_on_types_that_have_none(void)
{
	struct newc_entry e = {
		.name = "d", .mode = S_IFDIR | 0755, .data = "abc", .data_size = 3
	};

	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "'d': directory with 3 bytes of data");
	e.mode = S_IFCHR | 0600;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "character device with 3 bytes of data");
}

static void test_cpio_rejects_bad_symlink_targets(void)
{
	static char long_target[CPIO_PATH_MAX];
	struct newc_entry e = { .name = "l", .mode = S_IFLNK | 0777 };

	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "'l': symlink with an empty target");
	e.data = "a\0b";
	e.data_size = 3;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "symlink target has a NUL byte inside");
	memset(long_target, 't', sizeof(long_target));
	e.data = long_target;
	e.data_size = CPIO_PATH_MAX;
	put_broken(&e);
	EXPECT_REJECTED(-ENAMETOOLONG, "symlink target of 4096 bytes is longer than PATH_MAX");
	e.data_size = CPIO_PATH_MAX - 1;
	put_broken(&e);
	EXPECT_EQ(walk(writer.buf, writer.size), 0);
}

static void test_cpio_rejects_archive_without_trailer(void)
{
	start_archive();
	put_file(&writer, "a", S_IFREG | 0644, "1");
	EXPECT_REJECTED(-EINVAL, "entry 2 at byte 116: the archive ends without a TRAILER!!!");
	EXPECT_EQ(seen.nr, 1);
}

static void test_cpio_rejects_junk_after_the_trailer(void)
{
	start_archive();
	put_file(&writer, "a", S_IFREG | 0644, "1");
	put_trailer(&writer);
	put_bytes(&writer, "\0junk", 5);
	EXPECT_REJECTED(-EINVAL, "at byte 241: data after the trailer is not a 4-byte aligned");
	writer.size -= 5;
	put_bytes(&writer, "junkjunk", 8);
	EXPECT_REJECTED(-EINVAL, "at byte 240: bad magic");
}

static void test_cpio_reason_hides_unprintable_bytes_and_cuts_long_names(void)
{
	static char name[100];
	struct newc_entry e = { .name = "\x1b[2Jx\xff", .mode = 0644 };

	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "'?[2Jx?': unknown file type");
	memset(name, 'z', sizeof(name) - 1);
	e.name = name;
	put_broken(&e);
	EXPECT_REJECTED(-EINVAL, "'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...': unknown");
	EXPECT_EQ(walk(writer.buf, writer.size), -EINVAL);
	memset(reason, 'R', sizeof(reason));
	EXPECT_EQ(cpio_for_each_entry(writer.buf, writer.size, NULL, NULL, reason, 20), -EINVAL);
	EXPECT_EQ(strlen(reason), 19);
	EXPECT_EQ(reason[20], 'R');
}

/* ---- Every damaged variant of a good archive, in a child process. */

static void build_full_archive(void)
{
	struct newc_entry crc = { .magic = "070702",
				  .name = "crc",
				  .mode = S_IFREG | 0600,
				  .data = "checked",
				  .data_size = 7 };

	start_archive();
	put_file(&writer, ".", S_IFDIR | 0755, NULL);
	put_file(&writer, "./bin", S_IFDIR | 0755, NULL);
	put_file(&writer, "bin/sh", S_IFREG | 0755, "#!\n");
	put_file(&writer, "bin/ash", S_IFLNK | 0777, "sh");
	put_entry(&writer, &crc);
	put_trailer(&writer);
	put_file(&writer, "dev", S_IFCHR | 0600, NULL);
	put_trailer(&writer);
}

static int check_entry(const struct cpio_entry *entry, void *arg)
{
	const uint8_t *copy = arg;

	(void)copy;
	if (entry->name[entry->name_len] != '\0' || !entry->name_len || entry->name[0] == '/')
		return -ERANGE;
	return 0;
}

static int walk_damaged(void *arg, char *note, size_t note_size)
{
	static const uint8_t values[] = { 0x00, '0', '7', '9', 'F', 'f', '/', '.', 0xff };
	static uint8_t copy[ARCHIVE_MAX];
	unsigned int v, nr_good = 0;
	size_t off, size;
	int err;

	(void)arg;
	for (size = 0; size <= writer.size; size++) {
		uint8_t *guarded = unit_guarded_copy(writer.buf, size);

		snprintf(note, note_size, "a %zu-byte prefix", size);
		err = cpio_for_each_entry(guarded, size, check_entry, NULL, reason, sizeof(reason));
		unit_guarded_free(guarded, size);
		if (err == -ERANGE)
			return 1;
	}
	for (off = 0; off < writer.size; off++) {
		for (v = 0; v < ARRAY_SIZE(values); v++) {
			uint8_t *guarded;

			memcpy(copy, writer.buf, writer.size);
			copy[off] = values[v];
			snprintf(note, note_size, "byte %zu set to 0x%02x", off, values[v]);
			guarded = unit_guarded_copy(copy, writer.size);
			err = cpio_for_each_entry(guarded, writer.size, check_entry, NULL, reason,
						  sizeof(reason));
			unit_guarded_free(guarded, writer.size);
			if (err == -ERANGE || (err && strncmp(reason, "cpio: entry ", 12)))
				return 1;
			nr_good += !err;
		}
	}
	snprintf(note, note_size, "only %u damaged archives were accepted", nr_good);
	return nr_good == 0;
}

static void test_cpio_survives_every_truncation_and_damaged_byte(void)
{
	build_full_archive();
	if (!EXPECT_EQ(walk(writer.buf, writer.size), 0))
		UNIT_FAIL("%s", reason);
	EXPECT_EQ(seen.nr, 6);
	UNIT_RUN_ISOLATED("walking damaged archives", walk_damaged, NULL);
}

static CU_TestInfo cpio_tests[] = {
	UNIT_TEST(test_cpio_reads_every_kind_of_entry_gnu_cpio_writes),
	UNIT_TEST(test_cpio_rejects_gnu_crc_archive_with_a_changed_byte),
	UNIT_TEST(test_cpio_passes_every_header_field_through),
	UNIT_TEST(test_cpio_accepts_lower_case_hex_and_every_file_type),
	UNIT_TEST(test_cpio_strips_leading_slash_and_dot_slash),
	UNIT_TEST(test_cpio_reads_long_names_up_to_path_max),
	UNIT_TEST(test_cpio_continues_into_concatenated_archives),
	UNIT_TEST(test_cpio_accepts_empty_and_all_zero_buffers),
	UNIT_TEST(test_cpio_validates_without_a_callback),
	UNIT_TEST(test_cpio_verifies_crc_checksum_of_regular_files),
	UNIT_TEST(test_cpio_stops_when_the_consumer_fails),
	UNIT_TEST(test_cpio_reason_names_entry_and_problem),
	UNIT_TEST(test_cpio_rejects_bad_magic),
	UNIT_TEST(test_cpio_rejects_fields_that_are_not_8_hex_digits),
	UNIT_TEST(test_cpio_rejects_bad_name_sizes),
	UNIT_TEST(test_cpio_rejects_name_or_data_past_the_end),
	UNIT_TEST(test_cpio_rejects_dot_dot_components),
	UNIT_TEST(test_cpio_rejects_bad_modes),
	UNIT_TEST(test_cpio_rejects_data_on_types_that_have_none),
	UNIT_TEST(test_cpio_rejects_bad_symlink_targets),
	UNIT_TEST(test_cpio_rejects_archive_without_trailer),
	UNIT_TEST(test_cpio_rejects_junk_after_the_trailer),
	UNIT_TEST(test_cpio_reason_hides_unprintable_bytes_and_cuts_long_names),
	UNIT_TEST(test_cpio_survives_every_truncation_and_damaged_byte),
	CU_TEST_INFO_NULL,
};

static void unit_register_cpio(void)
{
	unit_add_suite("cpio", cpio_tests);
}

UNIT_REGISTER(unit_register_cpio)
