/* The directory a CTF trace goes into (ctf.h): created, or reused when it is
 * empty or holds nothing but an earlier vitro trace, so that `--trace t`
 * can be run again without a stale stream_N surviving from a run with more
 * vCPUs. Anything else is someone's data and is left alone. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctf.h"

/* How much of an old metadata file is read to recognise it. */
#define CTF_SNIFF_SIZE 4096

static bool is_stream_name(const char *name)
{
	size_t prefix = strlen(CTF_STREAM_PREFIX);

	if (strncmp(name, CTF_STREAM_PREFIX, prefix) || !name[prefix])
		return false;
	return strspn(name + prefix, "0123456789") == strlen(name + prefix);
}

/* An empty metadata file is what a run that did not finish leaves. */
static bool is_vitro_metadata(int dir_fd)
{
	char buf[CTF_SNIFF_SIZE];
	ssize_t n;
	int fd = openat(dir_fd, CTF_METADATA_NAME, O_RDONLY | O_NOFOLLOW);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == 0 || (n > 0 && ctf_metadata_is_vitro(buf, (size_t)n));
}

/* Whether every entry of the directory belongs to a vitro trace. */
static int check_entries(DIR *d, const char *dir, bool *is_ours, struct vitro_error *err)
{
	struct dirent *e;

	*is_ours = true;
	errno = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, CTF_METADATA_NAME))
			*is_ours = *is_ours && is_vitro_metadata(dirfd(d));
		else if (!is_stream_name(e->d_name))
			*is_ours = false;
	}
	if (errno)
		return vitro_error_set(err, -errno, "cannot list %s: %s", dir, strerror(errno));
	return 0;
}

static int remove_entries(DIR *d, const char *dir, struct vitro_error *err)
{
	struct dirent *e;

	rewinddir(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0))
			return vitro_error_set(err, -errno,
					       "cannot remove %s/%s of the earlier trace: %s", dir,
					       e->d_name, strerror(errno));
	}
	return 0;
}

int ctf_dir_prepare(const char *dir, struct vitro_error *err)
{
	struct stat st;
	bool is_ours;
	DIR *d;
	int rc;

	if (!mkdir(dir, 0777))
		return 0;
	if (errno != EEXIST)
		return vitro_error_set(
			err, -errno,
			"cannot create trace directory %s: %s (check that its parent exists and is writable)",
			dir, strerror(errno));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return vitro_error_set(
			err, -EEXIST,
			"%s exists and is not a directory (a CTF trace is a directory: choose another name, or name the file .json or .txt)",
			dir);
	d = opendir(dir);
	if (!d)
		return vitro_error_set(err, -errno, "cannot open directory %s: %s", dir,
				       strerror(errno));
	rc = check_entries(d, dir, &is_ours, err);
	if (!rc && !is_ours)
		rc = vitro_error_set(
			err, -EEXIST,
			"%s is a directory holding files that are not a vitro trace (choose a new or empty directory)",
			dir);
	if (!rc)
		rc = remove_entries(d, dir, err);
	closedir(d);
	return rc;
}
