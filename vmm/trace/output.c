/* See output.h: choosing the format and opening the writer for it. */
#include "output.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ctf.h"
#include "sinks.h"

int trace_format_parse(const char *name, enum trace_format *fmt, struct vitro_error *err)
{
	if (!strcmp(name, "json"))
		*fmt = TRACE_FORMAT_JSON;
	else if (!strcmp(name, "ctf"))
		*fmt = TRACE_FORMAT_CTF;
	else if (!strcmp(name, "text"))
		*fmt = TRACE_FORMAT_TEXT;
	else
		return vitro_error_set(err, -EINVAL,
				       "--trace-format %s: unknown format (use json, ctf or text)",
				       name);
	return 0;
}

/* The extension of the last path component, without the dot; "" if none. */
static const char *path_extension(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : "";
}

int trace_format_for_path(const char *path, enum trace_format requested, enum trace_format *fmt,
			  struct vitro_error *err)
{
	const char *ext = path_extension(path);

	*fmt = requested;
	if (requested != TRACE_FORMAT_AUTO)
		return 0;
	if (!strcasecmp(ext, "json"))
		*fmt = TRACE_FORMAT_JSON;
	else if (!strcasecmp(ext, "txt"))
		*fmt = TRACE_FORMAT_TEXT;
	else if (!strcasecmp(ext, "ctf") || !*ext)
		*fmt = TRACE_FORMAT_CTF;
	else
		return vitro_error_set(
			err, -EINVAL,
			"--trace %s: no trace format is named .%s (name it .json, .txt, or .ctf or no extension for a CTF directory, or choose with --trace-format json|ctf|text)",
			path, ext);
	return 0;
}

static struct trace_sink *open_file_sink(const char *path, enum trace_format fmt,
					 struct vitro_error *err)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		vitro_error_set(
			err, -errno,
			"cannot create trace file %s: %s (check that its directory exists and is writable)",
			path, strerror(errno));
		return NULL;
	}
	return fmt == TRACE_FORMAT_JSON ? json_sink_create(f, err) : text_sink_create(f, err);
}

struct trace_sink *trace_output_open(const char *path, enum trace_format fmt,
				     struct vitro_error *err)
{
	switch (fmt) {
	case TRACE_FORMAT_JSON:
	case TRACE_FORMAT_TEXT:
		return open_file_sink(path, fmt, err);
	case TRACE_FORMAT_CTF:
		if (ctf_dir_prepare(path, err))
			return NULL;
		return ctf_sink_create(path, err);
	case TRACE_FORMAT_AUTO:
		break;
	}
	vitro_error_set(err, -EINVAL, "%s: no trace format chosen", path);
	return NULL;
}
