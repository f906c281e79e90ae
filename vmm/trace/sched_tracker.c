/* See sched_tracker.h. */
#include "sched_tracker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sched_tracker_init(struct sched_tracker *t, unsigned int nr_cpus)
{
	t->nr_cpus = nr_cpus;
	t->current = calloc(nr_cpus ? nr_cpus : 1, sizeof(*t->current));
	t->has_current = calloc(nr_cpus ? nr_cpus : 1, sizeof(*t->has_current));
	if (!t->current || !t->has_current) {
		sched_tracker_fini(t);
		return -ENOMEM;
	}
	return 0;
}

void sched_tracker_fini(struct sched_tracker *t)
{
	free(t->current);
	free(t->has_current);
	t->current = NULL;
	t->has_current = NULL;
}

void sched_comm_copy(char *dst, const struct trace_comm *src)
{
	memcpy(dst, src->s, sizeof(src->s));
	dst[sizeof(src->s)] = '\0';
}

bool sched_tracker_end(struct sched_tracker *t, uint32_t cpu, uint64_t end_ns,
		       struct sched_run *ended)
{
	if (cpu >= t->nr_cpus || !t->has_current[cpu])
		return false;
	*ended = t->current[cpu];
	ended->end_ns = end_ns;
	t->has_current[cpu] = false;
	return true;
}

bool sched_tracker_switch(struct sched_tracker *t, const struct trace_event *ev,
			  struct sched_run *ended)
{
	struct trace_ev_sched_switch sw;
	struct sched_run *run;
	bool has_ended;

	if (ev->cpu >= t->nr_cpus || ev->size < sizeof(sw))
		return false;
	memcpy(&sw, ev->payload, sizeof(sw));
	/* The run ends here even if lost events hid who it was switched to. */
	has_ended = sched_tracker_end(t, ev->cpu, ev->ts_ns, ended);
	run = &t->current[ev->cpu];
	run->cpu = ev->cpu;
	run->task.pid = sw.next_pid;
	run->task.prio = sw.next_prio;
	sched_comm_copy(run->task.comm, &sw.next_comm);
	run->start_ns = ev->ts_ns;
	run->end_ns = ev->ts_ns;
	t->has_current[ev->cpu] = true;
	return has_ended;
}

const struct sched_run *sched_tracker_current(const struct sched_tracker *t, uint32_t cpu)
{
	return cpu < t->nr_cpus && t->has_current[cpu] ? &t->current[cpu] : NULL;
}

bool sched_tracker_is_running(const struct sched_tracker *t, uint32_t pid)
{
	unsigned int cpu;

	for (cpu = 0; cpu < t->nr_cpus; cpu++)
		if (t->has_current[cpu] && t->current[cpu].task.pid == pid)
			return true;
	return false;
}
