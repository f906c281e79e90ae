/* Unpacking an initramfs (guest/kernel/fs/initramfs.c) into ramfs: an
 * archive written by GNU cpio from a tree made here, then every path of the
 * tree compared with what the VFS says about it (type, permissions, size,
 * link count, contents, symlink targets, device numbers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <vitro/errno.h>
#include <vitro/initramfs.h>

#include "unit.h"
#include "vfs_world.h"

#define ARCHIVE_MAX (1u << 20)

static uint8_t archive[ARCHIVE_MAX];
static char tree[64];

/* A tree with nested directories, a hard link pair, symlinks (one dangling),
 * an empty file, a long name, a fifo and, where allowed, a device node. */
static bool make_tree(void)
{
	char cmd[1024];

	snprintf(tree, sizeof(tree), "/tmp/vitro-initramfs-XXXXXX");
	if (!mkdtemp(tree))
		return false;
	snprintf(
		cmd, sizeof(cmd),
		"cd '%s' && mkdir -p bin etc/init.d usr/share/a/b/c && chmod 0750 etc/init.d && "
		"printf 'root:x:0:0::/root:/bin/sh\\n' > etc/passwd && : > etc/empty && "
		"head -c 20000 /dev/urandom > usr/share/a/b/c/blob && ln usr/share/a/b/c/blob bin/hard && "
		"ln -s ../etc/passwd bin/pw && ln -s /nowhere bin/dangling && chmod 4755 bin/hard && "
		"printf x > usr/%0200d && mkfifo etc/fifo && (mknod dev-null c 1 3 2>/dev/null || true)",
		tree, 7);
	return system(cmd) == 0;
}

static size_t pack_tree(void)
{
	char cmd[256];
	size_t size;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "cd '%s' && find . | LC_ALL=C sort | cpio -o -H newc --quiet",
		 tree);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	size = fread(archive, 1, sizeof(archive), p);
	return pclose(p) || size == sizeof(archive) ? 0 : size;
}

static void compare_path(struct fs_struct *fs, const char *rel)
{
	static uint8_t want[32768], got[32768];
	char host_path[600], buf[512];
	struct kstat ks;
	struct stat st;
	FILE *f;
	long n;

	snprintf(host_path, sizeof(host_path), "%s/%s", tree, rel);
	if (lstat(host_path, &st) || vfs_lstat(fs, rel, &ks)) {
		UNIT_FAIL("'%s' missing after unpacking", rel);
		return;
	}
	if (ks.mode != st.st_mode || ks.nlink != st.st_nlink ||
	    (!S_ISDIR(st.st_mode) && ks.size != st.st_size))
		UNIT_FAIL("'%s': mode %o nlink %u size %lld, the tree has %o %u %lld", rel, ks.mode,
			  ks.nlink, (long long)ks.size, st.st_mode, (unsigned int)st.st_nlink,
			  (long long)st.st_size);
	if (S_ISCHR(st.st_mode) &&
	    (MAJOR(ks.rdev) != major(st.st_rdev) || MINOR(ks.rdev) != minor(st.st_rdev)))
		UNIT_FAIL("'%s': device %u:%u", rel, MAJOR(ks.rdev), MINOR(ks.rdev));
	if (S_ISLNK(st.st_mode)) {
		ssize_t len = readlink(host_path, buf, sizeof(buf) - 1);
		char target[512];

		buf[len > 0 ? len : 0] = '\0';
		n = vfs_readlink(fs, rel, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (strcmp(buf, target))
			UNIT_FAIL("'%s' -> '%s', the tree has '%s'", rel, target, buf);
	}
	if (S_ISREG(st.st_mode) && st.st_size <= (off_t)sizeof(want)) {
		f = fopen(host_path, "rb");
		if (!f || fread(want, 1, st.st_size, f) != (size_t)st.st_size)
			UNIT_FAIL("cannot read %s", host_path);
		if (f)
			fclose(f);
		n = vfs_world_get(fs, rel, got, sizeof(got));
		if (n != st.st_size || memcmp(want, got, st.st_size))
			UNIT_FAIL("'%s': contents differ (%ld bytes read)", rel, n);
	}
}

static void test_initramfs_unpacks_gnu_cpio_tree(void)
{
	struct fs_struct fs;
	char reason[160], rel[512];
	size_t size;
	long count;
	FILE *p;
	char cmd[256];
	unsigned int nr_paths = 0;

	if (!EXPECT_TRUE(make_tree()) || !EXPECT_TRUE((size = pack_tree()) > 0)) {
		UNIT_FAIL("could not make the archive (is cpio installed? scripts/setup-deps)");
		return;
	}
	vfs_world_start(&fs);
	count = initramfs_unpack(&fs, archive, size, reason, sizeof(reason));
	if (!EXPECT_TRUE(count > 0))
		UNIT_FAIL("%s", reason);
	snprintf(cmd, sizeof(cmd), "cd '%s' && find . -mindepth 1 | cut -c3-", tree);
	p = popen(cmd, "r");
	while (p && fgets(rel, sizeof(rel), p)) {
		rel[strcspn(rel, "\n")] = '\0';
		compare_path(&fs, rel);
		nr_paths++;
	}
	if (p)
		pclose(p);
	EXPECT_EQ(count, nr_paths); /* "." is the root, there already */
	vfs_world_end(&fs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	if (system(cmd))
		UNIT_FAIL("cannot remove %s", tree);
}

/* A broken archive stops the unpacking with the parser's reason; what came
 * before it stays. */
static void test_initramfs_reports_bad_archive(void)
{
	static const char bad[] = "070701zzzzzzzz";
	struct fs_struct fs;
	char reason[160];

	vfs_world_start(&fs);
	EXPECT_EQ(initramfs_unpack(&fs, bad, sizeof(bad) - 1, reason, sizeof(reason)), -EINVAL);
	EXPECT_CONTAINS(reason, "cpio");
	vfs_world_end(&fs);
}

static CU_TestInfo initramfs_tests[] = {
	UNIT_TEST(test_initramfs_unpacks_gnu_cpio_tree),
	UNIT_TEST(test_initramfs_reports_bad_archive),
	CU_TEST_INFO_NULL,
};

static void register_initramfs_tests(void)
{
	unit_add_suite("initramfs", initramfs_tests);
}
UNIT_REGISTER(register_initramfs_tests)
