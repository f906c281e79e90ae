/* See output.h: trace_read() tells the formats apart and hands the file to
 * its reader (read_json.c, read_ctf.c). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../files.h"
#include "output.h"
#include "read.h"

/* Big enough for any trace that fits in memory. */
#define TRACE_FILE_MAX_SIZE ((uint64_t)SIZE_MAX / 2)
#define TEXT_TRACE_HEADER "# vitro trace"

int trace_read_error_prefix(struct vitro_error *err, int rc, const char *prefix)
{
	char msg[sizeof(err->msg)];

	if (!err)
		return rc;
	memcpy(msg, err->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	return vitro_error_set(err, rc, "%s: %s", prefix, msg);
}

static int read_file_trace(const char *path, struct trace_sink *sink, struct vitro_error *err)
{
	uint8_t *data;
	size_t size, start = 0;
	int rc;

	rc = file_read_all(path, "trace", TRACE_FILE_MAX_SIZE, &data, &size, err);
	if (rc)
		return rc;
	while (start < size && strchr(" \t\r\n", data[start]) && data[start])
		start++;
	if (start < size && data[start] == '{') {
		rc = trace_read_json_buffer((const char *)data, size, sink, err);
		if (rc && err && err->msg[0])
			rc = trace_read_error_prefix(err, rc, path);
	} else if (size >= strlen(TEXT_TRACE_HEADER) &&
		   !memcmp(data, TEXT_TRACE_HEADER, strlen(TEXT_TRACE_HEADER))) {
		rc = vitro_error_set(
			err, -EINVAL,
			"%s: a text trace is for reading only (record with --trace FILE.json or a CTF directory to read it back)",
			path);
	} else {
		rc = vitro_error_set(
			err, -EINVAL,
			"%s: not a trace vitro wrote (expected a CTF directory or a .json file from --trace)",
			path);
	}
	free(data);
	return rc;
}

int trace_read(const char *path, struct trace_sink *sink, struct vitro_error *err)
{
	struct stat st;
	int rc;

	if (err)
		err->msg[0] = '\0';
	if (stat(path, &st))
		return vitro_error_set(err, -errno,
				       "%s: %s (give a trace vitro wrote with --trace)", path,
				       strerror(errno));
	if (S_ISDIR(st.st_mode))
		rc = trace_read_ctf_dir(path, sink, err);
	else
		rc = read_file_trace(path, sink, err);
	/* A sink's own failure comes back without a message. */
	if (rc && err && !err->msg[0])
		vitro_error_set(err, rc, "%s: %s", path, strerror(-rc));
	return rc;
}
