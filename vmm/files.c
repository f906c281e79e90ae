/* See files.h. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, const char *what, uint64_t max_bytes, uint8_t **data,
		  size_t *size, struct vitro_error *err)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vitro_error_set(err, -errno, "%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st)) {
		rc = vitro_error_set(err, -errno, "%s %s: %s", what, path, strerror(errno));
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = vitro_error_set(err, -EINVAL, "%s %s: not a regular file", what, path);
		goto err_close;
	}
	if ((uint64_t)st.st_size > max_bytes) {
		rc = vitro_error_set(
			err, -E2BIG,
			"%s %s: %lld bytes is larger than guest RAM allows (%llu bytes; raise --mem)",
			what, path, (long long)st.st_size, (unsigned long long)max_bytes);
		goto err_close;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		rc = vitro_error_set(err, -ENOMEM, "%s %s: out of memory", what, path);
		goto err_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = vitro_error_set(err, n < 0 ? -errno : -EIO, "%s %s: read failed: %s",
					     what, path,
					     n < 0 ? strerror(errno) : "file shrank while reading");
			goto err_free;
		}
		done += n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;

err_free:
	free(buf);
err_close:
	close(fd);
	return rc;
}
