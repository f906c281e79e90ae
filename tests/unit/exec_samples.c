/* See exec_samples.h. */
#include "exec_samples.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#ifndef UNIT_EXEC_DIR
#define UNIT_EXEC_DIR "build/tests/unit/exec"
#endif

static bool has_program_on_path(const char *name)
{
	const char *path = getenv("PATH");
	char candidate[PATH_MAX];

	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, path, name);
		if (!access(candidate, X_OK))
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

const char *exec_sample_path(const char *name)
{
	static char path[PATH_MAX];
	bool needs_musl = strcmp(name, "probe-dynamic") != 0;

	snprintf(path, sizeof(path), "%s/%s", UNIT_EXEC_DIR, name);
	if (!access(path, R_OK))
		return path;
	if (needs_musl && !has_program_on_path("musl-gcc")) {
		unit_skip("musl-gcc not found: install musl-tools (scripts/setup-deps), then make");
		return NULL;
	}
	UNIT_FAIL("%s was not built: run make (tests/unit/unit.mk builds it)", path);
	return NULL;
}

const char *exec_busybox_path(void)
{
	if (!access(EXEC_BUSYBOX_PATH, R_OK))
		return EXEC_BUSYBOX_PATH;
	UNIT_FAIL("%s is missing: install busybox-static (scripts/setup-deps)", EXEC_BUSYBOX_PATH);
	return NULL;
}

bool exec_file_open(struct exec_file *f, const char *path)
{
	struct stat st;

	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st)) {
		UNIT_FAIL("cannot open %s: %s", path, strerror(errno));
		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
		return false;
	}
	f->size = (uint64_t)st.st_size;
	return true;
}

void exec_file_close(struct exec_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

long exec_file_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct exec_file *f = ctx;
	ssize_t n;

	if (off > f->size || len > f->size - off)
		UNIT_FAIL("read of %zu bytes at %llu past the end of a %llu-byte file", len,
			  (unsigned long long)off, (unsigned long long)f->size);
	n = pread(f->fd, buf, len, (off_t)off);
	return n < 0 ? -errno : n;
}

long exec_memory_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct exec_memory *m = ctx;

	if (off > m->size || len > m->size - off) {
		UNIT_FAIL("read of %zu bytes at %llu past the end of %zu bytes", len,
			  (unsigned long long)off, m->size);
		return -EIO;
	}
	memcpy(buf, m->data + off, len);
	return (long)len;
}
