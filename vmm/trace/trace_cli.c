/* `vitro trace ...`: the tools over a recorded trace (report, timeline,
 * convert), each a trace_read() into one sink. Only the exit status and the
 * tools' own output leave here; errors go back to main() in err. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

const char trace_cli_usage[] =
	"usage: vitro trace report FILE\n"
	"       vitro trace timeline FILE -o OUT.svg\n"
	"       vitro trace convert FILE -o OUT [--trace-format FMT]\n"
	"\n"
	"Reads a trace recorded with `vitro run --trace FILE` (a .json file or a CTF\n"
	"directory) and\n"
	"  report     prints per-task CPU time, context switches and wake-up latency\n"
	"             (p50/p95/p99/max), per-vCPU utilisation, event counts and losses\n"
	"  timeline   draws which task ran on each vCPU when, as an SVG for a browser\n"
	"  convert    writes it again as FILE.json, FILE.txt or a CTF directory\n"
	"\n"
	"Options:\n"
	"  -o, --output OUT      the file timeline and convert write\n"
	"  --trace-format FMT    json, ctf or text: convert's output format, when OUT's\n"
	"                        name does not say\n"
	"  -h, --help            show this help\n";

enum trace_tool { TOOL_REPORT, TOOL_TIMELINE, TOOL_CONVERT };

struct trace_cli_args {
	enum trace_tool tool;
	const char *input;
	const char *output;
	const char *format;
	bool is_help;
};

/* Whether arg is the option --name (or short_name); *value is what follows
 * '=' in "--name=VALUE", or NULL. */
static bool is_option(const char *arg, const char *name, const char *short_name, const char **value)
{
	size_t len = strlen(name);

	*value = NULL;
	if (!strncmp(arg, name, len) && arg[len] == '=') {
		*value = arg + len + 1;
		return true;
	}
	return !strcmp(arg, name) || (short_name && !strcmp(arg, short_name));
}

/* The option's value: given with '=', or the next argument. */
static int take_value(int argc, char **argv, int *i, const char *value, const char **out,
		      struct vitro_error *err)
{
	if (!value && *i + 1 >= argc)
		return vitro_error_set(err, -EINVAL, "trace %s: %s needs a value", argv[1],
				       argv[*i]);
	*out = value ? value : argv[++*i];
	return 0;
}

static int parse_tool(const char *word, enum trace_tool *tool, struct vitro_error *err)
{
	if (!strcmp(word, "report"))
		*tool = TOOL_REPORT;
	else if (!strcmp(word, "timeline"))
		*tool = TOOL_TIMELINE;
	else if (!strcmp(word, "convert"))
		*tool = TOOL_CONVERT;
	else
		return vitro_error_set(
			err, -EINVAL,
			"trace: unknown command '%s' (use report, timeline or convert; see vitro trace --help)",
			word);
	return 0;
}

static int parse_args(int argc, char **argv, struct trace_cli_args *a, struct vitro_error *err)
{
	const char *value;
	int i, rc;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return vitro_error_set(
			err, -EINVAL,
			"trace: which command? (report, timeline or convert; see vitro trace --help)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		a->is_help = true;
		return 0;
	}
	rc = parse_tool(argv[1], &a->tool, err);
	for (i = 2; !rc && i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			a->is_help = true;
		else if (is_option(argv[i], "--output", "-o", &value))
			rc = take_value(argc, argv, &i, value, &a->output, err);
		else if (is_option(argv[i], "--trace-format", NULL, &value))
			rc = take_value(argc, argv, &i, value, &a->format, err);
		else if (argv[i][0] == '-' && argv[i][1])
			rc = vitro_error_set(err, -EINVAL,
					     "trace %s: unknown option %s (see vitro trace --help)",
					     argv[1], argv[i]);
		else if (a->input)
			rc = vitro_error_set(err, -EINVAL,
					     "trace %s: one trace at a time ('%s' and '%s')",
					     argv[1], a->input, argv[i]);
		else
			a->input = argv[i];
	}
	return rc;
}

static int check_args(const struct trace_cli_args *a, const char *tool, struct vitro_error *err)
{
	if (!a->input)
		return vitro_error_set(err, -EINVAL,
				       "trace %s: which trace? (vitro trace %s FILE%s)", tool, tool,
				       a->tool == TOOL_REPORT ? "" : " -o OUT");
	if (a->tool != TOOL_REPORT && !a->output)
		return vitro_error_set(err, -EINVAL,
				       "trace %s: where to? (vitro trace %s %s -o OUT%s)", tool,
				       tool, a->input, a->tool == TOOL_TIMELINE ? ".svg" : "");
	if (a->tool == TOOL_REPORT && a->output)
		return vitro_error_set(
			err, -EINVAL,
			"trace report prints to standard output; -o is for timeline and convert");
	if (a->format && a->tool != TOOL_CONVERT)
		return vitro_error_set(err, -EINVAL, "trace %s: --trace-format is for convert",
				       tool);
	return 0;
}

/* Writing a trace over the one being read would destroy it first. */
static int check_distinct(const char *input, const char *output, struct vitro_error *err)
{
	struct stat in, out;

	if (!stat(input, &in) && !stat(output, &out) && in.st_dev == out.st_dev &&
	    in.st_ino == out.st_ino)
		return vitro_error_set(err, -EINVAL,
				       "trace: %s is the trace being read (write to another name)",
				       output);
	return 0;
}

static struct trace_sink *open_sink(const struct trace_cli_args *a, struct vitro_error *err)
{
	enum trace_format fmt = TRACE_FORMAT_AUTO;

	switch (a->tool) {
	case TOOL_REPORT:
		return trace_report_open(stdout, err);
	case TOOL_TIMELINE:
		if (check_distinct(a->input, a->output, err))
			return NULL;
		return trace_timeline_open(a->output, err);
	case TOOL_CONVERT:
		break;
	}
	if ((a->format && trace_format_parse(a->format, &fmt, err)) ||
	    trace_format_for_path(a->output, fmt, &fmt, err) ||
	    check_distinct(a->input, a->output, err))
		return NULL;
	return trace_output_open(a->output, fmt, err);
}

int trace_cli_main(int argc, char **argv, struct vitro_error *err)
{
	struct trace_cli_args a;
	struct trace_sink *sink;
	int rc;

	rc = parse_args(argc, argv, &a, err);
	if (rc)
		return rc;
	if (a.is_help) {
		fputs(trace_cli_usage, stdout);
		return 0;
	}
	rc = check_args(&a, argv[1], err);
	if (rc)
		return rc;
	/* Fail on an unreadable trace before creating the output. */
	if (access(a.input, R_OK))
		return vitro_error_set(err, -errno,
				       "trace %s: %s: %s (give a trace vitro wrote with --trace)",
				       argv[1], a.input, strerror(errno));
	sink = open_sink(&a, err);
	if (!sink)
		return -EINVAL;
	rc = trace_read(a.input, sink, err);
	sink->destroy(sink);
	if (rc && a.tool == TOOL_TIMELINE)
		unlink(a.output); /* no half-written picture */
	return rc ? rc : 0;
}
