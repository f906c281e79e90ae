/* `vitro trace timeline`: an SVG of which task ran on each vCPU when, one
 * lane per vCPU (<g class="lane" id="cpuN">), a rectangle per run coloured
 * by pid with a <title> tooltip, idle time left blank, a time axis in ms and
 * a legend. The width is fixed; runs narrower than a pixel are merged with
 * their neighbours into one rectangle coloured by the task that ran most in
 * it, which bounds the file at a few thousand rectangles per lane however
 * long the trace. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "output.h"
#include "sched_tracker.h"
#include "sinks.h"
#include "task_table.h"

#define SVG_WIDTH 1600
#define SVG_LEFT 70 /* lane labels */
#define SVG_RIGHT 20
#define SVG_PLOT_WIDTH (SVG_WIDTH - SVG_LEFT - SVG_RIGHT)
#define SVG_TOP 40
#define SVG_LANE_HEIGHT 24
#define SVG_LANE_GAP 6
#define SVG_AXIS_HEIGHT 36
#define SVG_LEGEND_COLUMNS 4
#define SVG_LEGEND_ROW 18
#define SVG_LEGEND_MAX 64 /* tasks named in the legend, by CPU time */
#define SVG_GROUP_PIDS 8 /* pids weighed when merging narrow runs */

struct timeline_run {
	uint64_t start_ns, end_ns;
	uint32_t pid;
};

struct timeline_lane {
	struct timeline_run *runs;
	size_t nr_runs, cap;
};

struct timeline_task {
	uint32_t pid;
	char comm[sizeof(struct trace_comm) + 1];
	uint64_t run_ns;
};

/* Narrow runs being merged into one rectangle. */
struct run_group {
	size_t nr_runs;
	double x0, x1;
	uint64_t start_ns, end_ns;
	unsigned int nr_pids;
	uint32_t pids[SVG_GROUP_PIDS];
	uint64_t pid_ns[SVG_GROUP_PIDS];
};

struct timeline_sink {
	struct trace_sink sink;
	FILE *f;
	struct sched_tracker sched;
	struct task_table tasks;
	unsigned int nr_cpus;
	struct timeline_lane *lanes;
	bool has_events;
	bool has_vmm_stream;
	uint64_t start_ns, end_ns;
	double px_per_ns;
};

static struct timeline_sink *to_timeline(struct trace_sink *sink)
{
	return container_of(sink, struct timeline_sink, sink);
}

static int add_run(struct timeline_sink *s, const struct sched_run *run)
{
	struct timeline_lane *lane = &s->lanes[run->cpu];
	struct timeline_task *task;

	if (run->task.pid == 0)
		return 0;
	task = task_table_get(&s->tasks, run->task.pid);
	if (!task)
		return -ENOMEM;
	strcpy(task->comm, run->task.comm);
	task->run_ns += run->end_ns - run->start_ns;
	if (lane->nr_runs == lane->cap) {
		size_t cap = lane->cap ? lane->cap * 2 : 256;
		struct timeline_run *runs = realloc(lane->runs, cap * sizeof(*runs));

		if (!runs)
			return -ENOMEM;
		lane->runs = runs;
		lane->cap = cap;
	}
	lane->runs[lane->nr_runs++] =
		(struct timeline_run){ run->start_ns, run->end_ns, run->task.pid };
	return 0;
}

/* One channel of an HSL colour (CSS Color 4, section 7.1): n is 0 for red,
 * 8 for green, 4 for blue. */
static unsigned int hsl_channel(unsigned int hue, double sat, double light, unsigned int n)
{
	double k = n + hue / 30.0, a = sat * (light < 1 - light ? light : 1 - light), v;

	if (k >= 12)
		k -= 12;
	v = k - 3 < 9 - k ? k - 3 : 9 - k;
	if (v > 1)
		v = 1;
	if (v < -1)
		v = -1;
	return (unsigned int)((light - a * v) * 255 + 0.5);
}

/* A stable colour per pid: hues a golden angle (137.508 degrees) apart. */
static void pid_colour(uint32_t pid, char out[8])
{
	unsigned int hue = (unsigned int)((uint64_t)pid * 137508u / 1000u % 360u);

	snprintf(out, 8, "#%02x%02x%02x", hsl_channel(hue, 0.65, 0.55, 0),
		 hsl_channel(hue, 0.65, 0.55, 8), hsl_channel(hue, 0.65, 0.55, 4));
}

/* ns as "12.345 ms", "4.500 us" or "500 ns". */
static void put_duration(FILE *f, uint64_t ns)
{
	if (ns >= 1000000)
		fprintf(f, "%.3f ms", (double)ns / 1e6);
	else if (ns >= 1000)
		fprintf(f, "%.3f us", (double)ns / 1e3);
	else
		fprintf(f, "%" PRIu64 " ns", ns);
}

static double x_of(const struct timeline_sink *s, uint64_t ns)
{
	return SVG_LEFT + (double)(ns - s->start_ns) * s->px_per_ns;
}

static const char *comm_of(const struct timeline_sink *s, uint32_t pid)
{
	const struct timeline_task *t = task_table_find(&s->tasks, pid);

	return t ? t->comm : "?";
}

static void put_task_name(struct timeline_sink *s, uint32_t pid)
{
	const char *comm = comm_of(s, pid);

	escape_xml(s->f, comm, strlen(comm));
	fprintf(s->f, " (pid %" PRIu32 ")", pid);
}

static void put_rect(struct timeline_sink *s, double x0, double x1, uint32_t pid)
{
	fprintf(s->f,
		"<rect class=\"p%" PRIu32 "\" x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"%d\">",
		pid, x0, x1 - x0 < 0.5 ? 0.5 : x1 - x0, SVG_LANE_HEIGHT);
}

static void put_single_run(struct timeline_sink *s, const struct timeline_run *run)
{
	put_rect(s, x_of(s, run->start_ns), x_of(s, run->end_ns), run->pid);
	fputs("<title>", s->f);
	put_task_name(s, run->pid);
	fprintf(s->f, ": from %.6f ms for ", (double)run->start_ns / 1e6);
	put_duration(s->f, run->end_ns - run->start_ns);
	fputs("</title></rect>\n", s->f);
}

static void flush_group(struct timeline_sink *s, struct run_group *g)
{
	unsigned int i, most = 0;

	if (!g->nr_runs)
		return;
	for (i = 1; i < g->nr_pids; i++)
		if (g->pid_ns[i] > g->pid_ns[most])
			most = i;
	put_rect(s, g->x0, g->x1, g->pids[most]);
	fprintf(s->f, "<title>%zu runs from %.6f ms over ", g->nr_runs, (double)g->start_ns / 1e6);
	put_duration(s->f, g->end_ns - g->start_ns);
	fputs(", mostly ", s->f);
	put_task_name(s, g->pids[most]);
	fputs("</title></rect>\n", s->f);
	g->nr_runs = 0;
	g->nr_pids = 0;
}

static void group_add(struct run_group *g, const struct timeline_run *run, double x0, double x1)
{
	unsigned int i;

	if (!g->nr_runs) {
		g->x0 = x0;
		g->start_ns = run->start_ns;
	}
	g->nr_runs++;
	g->x1 = x1;
	g->end_ns = run->end_ns;
	for (i = 0; i < g->nr_pids && g->pids[i] != run->pid; i++)
		;
	if (i == g->nr_pids && i < SVG_GROUP_PIDS) {
		g->pids[i] = run->pid;
		g->pid_ns[i] = 0;
		g->nr_pids++;
	}
	if (i < g->nr_pids)
		g->pid_ns[i] += run->end_ns - run->start_ns;
}

static void put_lane(struct timeline_sink *s, unsigned int cpu)
{
	const struct timeline_lane *lane = &s->lanes[cpu];
	struct run_group group = { 0 };
	size_t i;

	fprintf(s->f,
		"<g class=\"lane\" id=\"cpu%u\" transform=\"translate(0,%d)\">\n"
		"<text class=\"label\" x=\"8\" y=\"%d\">CPU %u</text>\n"
		"<rect class=\"bg\" x=\"%d\" y=\"0\" width=\"%d\" height=\"%d\"/>\n",
		cpu, SVG_TOP + (int)cpu * (SVG_LANE_HEIGHT + SVG_LANE_GAP), SVG_LANE_HEIGHT / 2 + 4,
		cpu, SVG_LEFT, SVG_PLOT_WIDTH, SVG_LANE_HEIGHT);
	for (i = 0; i < lane->nr_runs; i++) {
		const struct timeline_run *run = &lane->runs[i];
		double x0 = x_of(s, run->start_ns), x1 = x_of(s, run->end_ns);

		if (group.nr_runs && x0 - group.x1 >= 1)
			flush_group(s, &group);
		if (x1 - x0 >= 1) {
			flush_group(s, &group);
			put_single_run(s, run);
			continue;
		}
		group_add(&group, run, x0, x1);
		if (group.x1 - group.x0 >= 1)
			flush_group(s, &group);
	}
	flush_group(s, &group);
	fputs("</g>\n", s->f);
}

/* A tick interval 1, 2 or 5 times a power of ten, for about ten ticks. */
static uint64_t tick_step(uint64_t span)
{
	static const uint64_t multiples[] = { 1, 2, 5 };
	uint64_t want = span / 10, scale;
	unsigned int i;

	for (scale = 1; scale <= UINT64_MAX / 50; scale *= 10)
		for (i = 0; i < 3; i++)
			if (multiples[i] * scale >= want)
				return multiples[i] * scale;
	return want; /* spans of centuries: no round number needed */
}

static void put_axis(struct timeline_sink *s, int y)
{
	uint64_t step = tick_step(s->end_ns - s->start_ns), t, d;
	int decimals = 0;

	for (d = 1000000; d > step && decimals < 6; d /= 10)
		decimals++;
	fprintf(s->f,
		"<g class=\"axis\" transform=\"translate(0,%d)\">\n"
		"<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"0\"/>\n",
		y, SVG_LEFT, SVG_LEFT + SVG_PLOT_WIDTH);
	/* The first multiple of step at or after the start, without overflow. */
	t = s->start_ns % step ? s->start_ns + (step - s->start_ns % step) : s->start_ns;
	for (; t >= s->start_ns && t <= s->end_ns; t += step) {
		double x = x_of(s, t);

		fprintf(s->f,
			"<line x1=\"%.2f\" y1=\"0\" x2=\"%.2f\" y2=\"6\"/>"
			"<text x=\"%.2f\" y=\"20\" text-anchor=\"middle\">%.*f ms</text>\n",
			x, x, x, decimals, (double)t / 1e6);
		if (s->end_ns - t < step)
			break;
	}
	fputs("</g>\n", s->f);
}

static int compare_tasks(const void *a, const void *b)
{
	const struct timeline_task *x = *(const struct timeline_task *const *)a;
	const struct timeline_task *y = *(const struct timeline_task *const *)b;

	if (x->run_ns != y->run_ns)
		return x->run_ns > y->run_ns ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void put_legend(struct timeline_sink *s, struct timeline_task **tasks, size_t nr, int y)
{
	int column_width = SVG_PLOT_WIDTH / SVG_LEGEND_COLUMNS;
	size_t i, shown = nr < SVG_LEGEND_MAX ? nr : SVG_LEGEND_MAX;

	fprintf(s->f, "<g class=\"legend\" transform=\"translate(%d,%d)\">\n", SVG_LEFT, y);
	for (i = 0; i < shown; i++) {
		int x = (int)(i % SVG_LEGEND_COLUMNS) * column_width;
		int row = (int)(i / SVG_LEGEND_COLUMNS) * SVG_LEGEND_ROW;

		fprintf(s->f,
			"<rect class=\"p%" PRIu32
			"\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/>"
			"<text x=\"%d\" y=\"%d\">",
			tasks[i]->pid, x, row, x + 18, row + 11);
		put_task_name(s, tasks[i]->pid);
		fputs(": ", s->f);
		put_duration(s->f, tasks[i]->run_ns);
		fputs("</text>\n", s->f);
	}
	if (nr > shown)
		fprintf(s->f, "<text x=\"0\" y=\"%d\">and %zu more tasks</text>\n",
			(int)((shown + SVG_LEGEND_COLUMNS - 1) / SVG_LEGEND_COLUMNS) *
					SVG_LEGEND_ROW +
				11,
			nr - shown);
	fputs("</g>\n", s->f);
}

static void put_styles(struct timeline_sink *s, struct timeline_task **tasks, size_t nr)
{
	char colour[8];
	size_t i;

	fputs("<style>\n.label{font-weight:bold}\n.bg{fill:#f6f6f6}\n"
	      ".axis line{stroke:#444}\n.legend text,.axis text{fill:#222}\n",
	      s->f);
	for (i = 0; i < nr; i++) {
		pid_colour(tasks[i]->pid, colour);
		fprintf(s->f, ".p%" PRIu32 "{fill:%s}\n", tasks[i]->pid, colour);
	}
	fputs("</style>\n", s->f);
}

static void put_svg(struct timeline_sink *s, struct timeline_task **tasks, size_t nr,
		    const struct trace_info *info)
{
	int lanes_end = SVG_TOP + (int)s->nr_cpus * (SVG_LANE_HEIGHT + SVG_LANE_GAP);
	size_t legend_rows = ((nr < SVG_LEGEND_MAX ? nr : SVG_LEGEND_MAX + SVG_LEGEND_COLUMNS) +
			      SVG_LEGEND_COLUMNS - 1) /
			     SVG_LEGEND_COLUMNS;
	int height = lanes_end + SVG_AXIS_HEIGHT + (int)legend_rows * SVG_LEGEND_ROW + 20;
	uint64_t lost = 0;
	unsigned int i;

	for (i = 0; i < info->nr_cpus; i++)
		lost += info->lost ? info->lost[i] : 0;
	fprintf(s->f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<title>vitro trace: %u vCPUs</title>\n",
		SVG_WIDTH, height, SVG_WIDTH, height, s->nr_cpus);
	put_styles(s, tasks, nr);
	fprintf(s->f, "<text x=\"8\" y=\"20\">vitro trace timeline: %u vCPUs, ", s->nr_cpus);
	put_duration(s->f, s->end_ns - s->start_ns);
	if (lost)
		fprintf(s->f, " (%" PRIu64 " events lost: gaps may be missing switches)", lost);
	fputs("</text>\n", s->f);
	for (i = 0; i < s->nr_cpus; i++)
		put_lane(s, i);
	put_axis(s, lanes_end);
	put_legend(s, tasks, nr, lanes_end + SVG_AXIS_HEIGHT);
	fputs("</svg>\n", s->f);
}

static int timeline_begin(struct trace_sink *sink, const struct trace_info *info)
{
	struct timeline_sink *s = to_timeline(sink);

	s->nr_cpus = info->nr_cpus;
	s->has_vmm_stream = info->has_vmm_stream;
	s->lanes = calloc(info->nr_cpus ? info->nr_cpus : 1, sizeof(*s->lanes));
	if (!s->lanes || sched_tracker_init(&s->sched, info->nr_cpus))
		return -ENOMEM;
	return 0;
}

static int timeline_event(struct trace_sink *sink, const struct trace_event *ev)
{
	struct timeline_sink *s = to_timeline(sink);
	struct sched_run ended;

	if (s->has_vmm_stream && ev->cpu == s->nr_cpus)
		return 0; /* vitro's own events: no vCPU lane */
	if (ev->cpu >= s->nr_cpus)
		return -EINVAL;
	if (!s->has_events)
		s->start_ns = ev->ts_ns;
	s->has_events = true;
	if (ev->ts_ns > s->end_ns)
		s->end_ns = ev->ts_ns;
	if (ev->type == TRACE_EVENT_sched_switch && sched_tracker_switch(&s->sched, ev, &ended))
		return add_run(s, &ended);
	return 0;
}

static int timeline_end(struct trace_sink *sink, const struct trace_info *info)
{
	struct timeline_sink *s = to_timeline(sink);
	size_t nr = 0, i;
	struct timeline_task **tasks;
	struct sched_run ended;
	unsigned int cpu;
	int rc = 0;

	for (cpu = 0; cpu < s->nr_cpus && !rc; cpu++)
		if (sched_tracker_end(&s->sched, cpu, s->end_ns, &ended))
			rc = add_run(s, &ended);
	nr = task_table_count(&s->tasks);
	tasks = calloc(nr ? nr : 1, sizeof(*tasks));
	if (rc || !tasks) {
		free(tasks);
		return rc ?: -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		tasks[i] = task_table_at(&s->tasks, i);
	qsort(tasks, nr, sizeof(*tasks), compare_tasks);
	/* An empty or instant trace still gets an axis of some width. */
	s->px_per_ns = (double)SVG_PLOT_WIDTH /
		       (double)(s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 1);
	put_svg(s, tasks, nr, info);
	free(tasks);
	return trace_file_finish(&s->f);
}

static void timeline_destroy(struct trace_sink *sink)
{
	struct timeline_sink *s = to_timeline(sink);
	unsigned int i;

	if (s->f)
		fclose(s->f);
	for (i = 0; s->lanes && i < s->nr_cpus; i++)
		free(s->lanes[i].runs);
	free(s->lanes);
	sched_tracker_fini(&s->sched);
	task_table_fini(&s->tasks);
	free(s);
}

struct trace_sink *trace_timeline_open(const char *svg_path, struct vitro_error *err)
{
	struct timeline_sink *s = calloc(1, sizeof(*s));

	if (!s) {
		vitro_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	s->f = fopen(svg_path, "w");
	if (!s->f) {
		vitro_error_set(
			err, -errno,
			"cannot create %s: %s (check that its directory exists and is writable)",
			svg_path, strerror(errno));
		free(s);
		return NULL;
	}
	s->sink = (struct trace_sink){ timeline_begin, timeline_event, timeline_end,
				       timeline_destroy };
	task_table_init(&s->tasks, sizeof(struct timeline_task));
	return &s->sink;
}
